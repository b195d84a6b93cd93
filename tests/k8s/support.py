"""helm, run on the chart with one of its values scenarios (helm/gridam/ci/<scenario>-values.yaml)."""

from __future__ import annotations

import functools
import pathlib
import subprocess

import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
CHART = REPO / "helm" / "gridam"
HELM = REPO / "tools" / "helm" / "bin" / "helm"


def helm(*args: str) -> subprocess.CompletedProcess:
    assert HELM.is_file(), "helm missing: run `make k8s-tools`"
    return subprocess.run([str(HELM), *args], cwd=REPO, capture_output=True, text=True, timeout=120)


# The Prometheus Operator's APIs, which the chart renders its monitoring objects for only when the
# cluster serves them (Makefile: K8S_API_VERSIONS).
OPERATOR_API_VERSIONS = [
    "monitoring.coreos.com/v1/ServiceMonitor",
    "monitoring.coreos.com/v1/PrometheusRule",
    "monitoring.coreos.com/v1alpha1/AlertmanagerConfig",
]


def scenario_args(scenario: str) -> list[str]:
    """The namespace, Kubernetes version and values file `make k8s` renders with, for a scenario."""
    args = ["--namespace", "gridam", "--kube-version", "1.31.0"]
    if scenario != "default":
        args += ["-f", f"helm/gridam/ci/{scenario}-values.yaml"]
    return args


def template_args(scenario: str) -> list[str]:
    """scenario_args and the cluster's APIs, for `helm template` (which `helm lint` does not take)."""
    return scenario_args(scenario) + [arg for version in OPERATOR_API_VERSIONS for arg in ("--api-versions", version)]


@functools.cache
def render_text(scenario: str) -> str:
    result = helm("template", "gridam", "helm/gridam", *template_args(scenario))
    assert result.returncode == 0, result.stderr
    return result.stdout


def render(scenario: str) -> list[dict]:
    """The scenario's manifests, parsed afresh (callers may change them)."""
    return [doc for doc in yaml.safe_load_all(render_text(scenario)) if doc]
