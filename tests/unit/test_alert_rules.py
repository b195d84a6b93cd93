"""The Prometheus alert rules are valid and each one has passing unit tests (promtool, from
Debian's prometheus package, installed by `make system-deps`)."""

from __future__ import annotations

import pathlib
import shutil
import subprocess

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
ALERTS = ROOT / "helm" / "gridam" / "files" / "alerts"
SEVERITIES = {"critical", "warning"}


def promtool(*args: str) -> subprocess.CompletedProcess:
    binary = shutil.which("promtool")
    assert binary, "promtool missing: run `make system-deps` (Debian package prometheus)"
    return subprocess.run([binary, *args], cwd=ALERTS, capture_output=True, text=True)


def alert_rules() -> list[dict]:
    return [
        rule
        for path in sorted(ALERTS.glob("*.rules.yml"))
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
        if "alert" in rule
    ]


def alert_cases() -> list[dict]:
    return [
        case
        for path in sorted((ALERTS / "tests").glob("*_test.yml"))
        for test in yaml.safe_load(path.read_text())["tests"]
        for case in test.get("alert_rule_test", [])
    ]


def test_every_rule_file_is_valid():
    rule_files = sorted(ALERTS.glob("*.rules.yml"))
    assert rule_files
    result = promtool("check", "rules", *map(str, rule_files))
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_has_a_passing_unit_test():
    tests = sorted((ALERTS / "tests").glob("*_test.yml"))
    result = promtool("test", "rules", *map(str, tests))
    assert result.returncode == 0, result.stdout + result.stderr
    alerts = {rule["alert"] for rule in alert_rules()}
    tested = {case["alertname"] for case in alert_cases()}
    assert alerts <= tested, f"alerts without a unit test: {sorted(alerts - tested)}"


def test_every_alert_is_tested_firing_and_not_firing():
    # A test that only expects silence passes with a broken expression; one that only expects an
    # alert passes with a threshold of zero. Each alert needs both.
    fires = {case["alertname"] for case in alert_cases() if case.get("exp_alerts")}
    silent = {case["alertname"] for case in alert_cases() if not case.get("exp_alerts")}
    alerts = {rule["alert"] for rule in alert_rules()}
    assert not alerts - fires, f"never expected to fire: {sorted(alerts - fires)}"
    assert not alerts - silent, f"never expected to stay silent: {sorted(alerts - silent)}"


def test_firing_expectations_keep_the_namespace_label():
    # An AlertmanagerConfig receives only alerts whose `namespace` label is its own namespace: an
    # expression that aggregates the label away is never notified. The unit tests prove each
    # expression keeps it by feeding series with a namespace and expecting it on the alert.
    missing = {
        case["alertname"]
        for case in alert_cases()
        for expected in case.get("exp_alerts") or []
        if "namespace" not in expected.get("exp_labels", {})
    }
    assert not missing, f"firing expectations without the namespace label: {sorted(missing)}"


def test_every_alert_has_a_severity_a_summary_and_a_description():
    names = [rule["alert"] for rule in alert_rules()]
    assert len(names) == len(set(names)), "alert names must be unique"
    for rule in alert_rules():
        assert rule["alert"].startswith("Gridam"), rule["alert"]  # the Slack route matches Gridam.*
        assert rule.get("labels", {}).get("severity") in SEVERITIES, rule["alert"]
        annotations = rule.get("annotations", {})
        assert annotations.get("summary") and annotations.get("description"), rule["alert"]
