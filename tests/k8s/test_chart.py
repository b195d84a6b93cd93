"""The Helm chart (helm/gridam), checked offline the way CI can: `helm lint --strict`, `helm template`
for each values scenario, every rendered manifest validated in strict mode against the Kubernetes
schemas (kubernetes-validate) or, for custom resources, against models generated from their
operators' CRDs (tools/kube-models), the values schema refusing bad values with the key named, and
the rendered objects checked against what the code says (service names, call graph, images).

helm comes from tools/helm, the validators from tools/kube-models: `make k8s-tools` builds both."""

from __future__ import annotations

import ast
import json
import os
import pathlib
import re
import shutil
import subprocess

import kubernetes_validate
import pytest
import yaml
from pydantic import ValidationError
from starlette.testclient import TestClient

from gridam.card.v1 import card_service_pb2 as card_v1
from gridam.card.v2 import card_service_pb2 as card_v2
from gridam.diary.v1 import diary_service_pb2 as diary_v1
from gridam.emotion.v1 import emotion_service_pb2 as emotion_v1
from gridam.emotion.v2 import emotion_service_pb2 as emotion_v2
from gridam.imagegen.v1 import imagegen_service_pb2 as imagegen_v1
from gridam.imagegen.v2 import imagegen_service_pb2 as imagegen_v2
from gridam.user.v1 import user_service_pb2 as user_v1
from gridam_gateway.app import create_app
from gridam_gateway.config import GatewaySettings
from gridam_runtime.access import service_rules
from gridam_runtime.server import LIVENESS_SERVICE
from gridam_runtime.tokens import service_key_file
from tests.k8s.support import CHART, REPO, helm, render, render_text, scenario_args, template_args
from user_service.adapters.sms import SensSmsSender, build_sms_sender
from user_service.config import UserSettings

SCENARIOS = ["default", "kubernetes-discovery", "minimal"]
# The chart's minimum Kubernetes (Chart.yaml kubeVersion) and the newest schemas kubernetes-validate ships.
KUBE_VERSIONS = ["1.27.0", kubernetes_validate.latest_version() + ".0"]
CUSTOM_API_GROUPS = ("monitoring.coreos.com/", "argoproj.io/")
KUBE_MODELS = REPO / "tools" / "kube-models"

# gRPC service each process serves, from the generated protos (what its readiness probe must name).
PROTO_SERVICES = {
    "user": "gridam.user.v1.user_service_pb2",
    "diary": "gridam.diary.v1.diary_service_pb2",
    "emotion": "gridam.emotion.v2.emotion_service_pb2",
    "card": "gridam.card.v2.card_service_pb2",
    "gpu-worker": "gridam.imagegen.v2.imagegen_service_pb2",
}
# The code each process runs: a package, or the one function of a package that starts it
# (the diary service and its pipeline workers share a package, not their clients).
PROCESS_CODE = {
    "gateway": ("gateway/gridam_gateway", None),
    "user": ("services/user/user_service", None),
    "diary": ("services/diary/diary_service/bootstrap.py", "serve"),
    "diary-worker": ("services/diary/diary_service/bootstrap.py", "work"),
    "emotion": ("services/emotion/emotion_service", None),
    "card": ("services/card/card_service", None),
    "gpu-worker": ("gpu-worker/gpu_worker", None),
    "cdc-reader": ("services/cdc/cdc_service", None),
    "cdc-projector": ("services/cdc/cdc_service", None),
}
DISCOVERY_NAMES = {"gridam-user": "user", "gridam-diary": "diary", "gridam-emotion": "emotion",
                   "gridam-card": "card", "gridam-imagegen": "gpu-worker"}


def of_kind(docs: list[dict], kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"].removeprefix("gridam-"): d for d in docs if d["kind"] == kind}


def component(doc: dict) -> str:
    return doc["metadata"]["labels"]["app.kubernetes.io/component"]


def container(deployment: dict) -> dict:
    [only] = deployment["spec"]["template"]["spec"]["containers"]
    return only


# --- lint and schema validation ---------------------------------------------------------


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_helm_lint_strict(scenario: str) -> None:
    result = helm("lint", "--strict", "helm/gridam", *scenario_args(scenario))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("version", KUBE_VERSIONS)
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_manifest_passes_strict_kubernetes_schema_validation(scenario: str, version: str) -> None:
    builtin = [d for d in render(scenario) if not d["apiVersion"].startswith(CUSTOM_API_GROUPS)]
    assert len(builtin) > 20
    failures = []
    for doc in builtin:
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            failures.append(f"{doc['kind']}/{doc['metadata']['name']}: {'.'.join(map(str, error.path))}: {error.message}")
    assert failures == []


def validate_custom_resources(docs: list[dict]) -> list[dict]:
    node = shutil.which("node")
    assert node, "node is needed (tools/kube-models)"
    assert (KUBE_MODELS / "node_modules").is_dir(), "run `make k8s-tools`"
    result = subprocess.run([node, "validate.mjs"], cwd=KUBE_MODELS, input=json.dumps(docs),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def example_docs() -> list[dict]:
    paths = sorted((REPO / "k8s" / "argocd").glob("*.yaml"))
    return [d for p in paths for d in yaml.safe_load_all(p.read_text()) if d]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_custom_resources_match_their_operators_schemas(scenario: str) -> None:
    custom = [d for d in render(scenario) + example_docs() if d["apiVersion"].startswith(CUSTOM_API_GROUPS)]
    kinds = {d["kind"] for d in custom}
    assert "Application" in kinds
    if scenario != "minimal":
        assert {"ServiceMonitor", "PrometheusRule"} <= kinds
    assert [r for r in validate_custom_resources(custom) if r["error"]] == []


def test_the_custom_resource_validator_rejects_a_wrong_resource() -> None:
    [monitor] = of_kind(render("default"), "ServiceMonitor").values()
    monitor["spec"]["endpoints"][0]["port"] = 9464  # a port *name* is a string
    [result] = validate_custom_resources([monitor])
    assert "port" in result["error"]


RUNBOOKS = REPO / "docs" / "runbooks.md"


def rule_file_groups() -> list[dict]:
    files = sorted((CHART / "files" / "alerts").glob("*.rules.yml"))
    return [g for path in files for g in yaml.safe_load(path.read_text())["groups"]]


def test_the_rendered_alerts_are_the_rule_files_with_runbooks_and_valid_rules(tmp_path: pathlib.Path) -> None:
    [rule] = of_kind(render("default"), "PrometheusRule").values()
    base = yaml.safe_load((CHART / "values.yaml").read_text())["metrics"]["prometheusRule"]["runbookBaseUrl"]
    expected = rule_file_groups()
    for group in expected:
        for r in group["rules"]:
            r["annotations"]["runbook_url"] = f"{base}#{r['alert'].lower()}"
    assert rule["spec"]["groups"] == expected
    rendered = tmp_path / "rendered.rules.yml"
    rendered.write_text(yaml.safe_dump({"groups": rule["spec"]["groups"]}))
    promtool = shutil.which("promtool")
    assert promtool, "promtool missing: run `make system-deps`"
    check = subprocess.run([promtool, "check", "rules", str(rendered)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_every_alert_has_a_runbook_section_that_says_what_to_do() -> None:
    sections = {}
    for block in RUNBOOKS.read_text().split("\n## ")[1:]:
        heading, _, body = block.partition("\n")
        sections[heading.strip()] = body
    alerts = [r["alert"] for g in rule_file_groups() for r in g["rules"]]
    for alert in alerts:
        # The section's anchor is its heading in lower case: what runbook_url points at.
        assert alert in sections, f"docs/runbooks.md has no section for {alert}"
        assert "**Means:**" in sections[alert] and "**Do:**" in sections[alert], alert
    assert set(sections) == set(alerts), "runbook sections without an alert"


def test_every_stalled_alert_has_an_absence_alert_for_its_processes() -> None:
    """A stalled alert reads its process's own series; with the process gone only an absence alert
    can page. The absence groups name the process (gridam-absent-<process>), and the chart leaves a
    disabled process's group out."""
    groups = {g["name"]: g for g in rule_file_groups()}
    absent = {name.removeprefix("gridam-absent-") for name in groups if name.startswith("gridam-absent-")}
    # The processes each stalled alert is about: the job queues' workers and the CDC reader.
    assert {"diary-worker", "user", "cdc-reader"} <= absent
    stalled = {r["alert"] for g in groups.values() for r in g["rules"] if r["alert"].endswith("Stalled")}
    assert stalled == {"GridamJobsStalled", "GridamCdcReaderStalled"}
    deployments = of_kind(render("default"), "Deployment")
    assert absent <= set(deployments)
    for process in absent:
        expression = groups[f"gridam-absent-{process}"]["rules"][0]["expr"]
        assert f'up{{job="{process}"}}' in expression, process


def test_a_disabled_process_has_no_absence_alert(tmp_path: pathlib.Path) -> None:
    docs = render_values(tmp_path, {"services": {"cdcReader": {"enabled": False}}})
    [rule] = of_kind(docs, "PrometheusRule").values()
    names = {g["name"] for g in rule["spec"]["groups"]}
    assert "gridam-absent-cdc-reader" not in names and "gridam-absent-diary-worker" in names


def test_operator_objects_only_where_the_cluster_serves_their_api() -> None:
    """An install on a cluster without the Prometheus Operator must not fail on unknown kinds."""
    result = helm("template", "gridam", "helm/gridam", *scenario_args("default"), "--set", "metrics.alertmanagerSlack.enabled=true")
    assert result.returncode == 0, result.stderr
    kinds = {d["kind"] for d in yaml.safe_load_all(result.stdout) if d}
    assert not kinds & {"ServiceMonitor", "PrometheusRule", "AlertmanagerConfig"}
    assert "ConfigMap" in kinds  # the dashboards need no operator
    assert {"ServiceMonitor", "PrometheusRule"} <= {d["kind"] for d in render("default")}


def alertmanager_config_file(config: dict) -> dict:
    """The Alertmanager configuration an AlertmanagerConfig stands for (what the operator
    generates from it, under a root route of its own), webhooks filled in from their Secret."""
    def matchers(items: list[dict]) -> list[str]:
        return [f'{m["name"]}{m.get("matchType", "=")}"{m["value"]}"' for m in items]

    def route(r: dict) -> dict:
        out = {"receiver": r["receiver"], "matchers": matchers(r.get("matchers", []))}
        for field, name in (("groupBy", "group_by"), ("groupWait", "group_wait"), ("groupInterval", "group_interval"),
                            ("repeatInterval", "repeat_interval")):
            if field in r:
                out[name] = r[field]
        if r.get("routes"):
            out["routes"] = [route(child) for child in r["routes"]]
        return out

    slack_fields = {"channel": "channel", "sendResolved": "send_resolved", "color": "color", "title": "title",
                    "titleLink": "title_link", "text": "text"}
    receivers = [{"name": "null"}] + [
        {"name": r["name"], "slack_configs": [
            {"api_url": f"https://hooks.slack.com/services/T0/B0/{c['apiURL']['key']}",
             **{name: c[field] for field, name in slack_fields.items() if field in c}}
            for c in r["slackConfigs"]]}
        for r in config["spec"]["receivers"]
    ]
    inhibit = [{"source_matchers": matchers(i["sourceMatch"]), "target_matchers": matchers(i["targetMatch"]), "equal": i["equal"]}
               for i in config["spec"].get("inhibitRules", [])]
    return {"route": {"receiver": "null", "routes": [route(config["spec"]["route"])]}, "receivers": receivers, "inhibit_rules": inhibit}


def matches(matchers: list[dict], labels: dict) -> bool:
    for matcher in matchers:
        value, pattern = labels.get(matcher["name"], ""), matcher["value"]
        ok = {"=": value == pattern, "!=": value != pattern, "=~": re.fullmatch(pattern, value) is not None,
              "!~": re.fullmatch(pattern, value) is None}[matcher.get("matchType", "=")]
        if not ok:
            return False
    return True


def test_the_slack_route_is_off_by_default_and_routes_every_alert_when_on(tmp_path: pathlib.Path) -> None:
    assert "AlertmanagerConfig" not in {d["kind"] for d in render("default")}
    [config] = of_kind(render("kubernetes-discovery"), "AlertmanagerConfig").values()  # the scenario turns it on
    route = config["spec"]["route"]
    receivers = {r["name"]: r for r in config["spec"]["receivers"]}
    for rule in (r for g in rule_file_groups() for r in g["rules"]):
        labels = {"alertname": rule["alert"], **rule["labels"]}
        assert matches(route["matchers"], labels), rule["alert"]
        child = next((r for r in route["routes"] if matches(r["matchers"], labels)), None)
        assert child is not None and child["receiver"] in receivers, rule["alert"]
    slack = yaml.safe_load((CHART / "values.yaml").read_text())["metrics"]["alertmanagerSlack"]
    for severity in ("critical", "warning"):
        [c] = receivers[f"gridam-slack-{severity}"]["slackConfigs"]
        # The webhook comes from the Secret, never from values.
        assert c["apiURL"] == {"name": slack["webhookSecret"], "key": slack["webhookKeys"][severity]}
        assert c["channel"] == slack["channels"][severity]
        assert "{{ .Annotations.runbook_url }}" in c["text"]  # Alertmanager's template, untouched by Helm
    amtool = shutil.which("amtool")
    assert amtool, "amtool missing: run `make system-deps` (Debian package prometheus-alertmanager)"
    path = tmp_path / "alertmanager.yml"
    path.write_text(yaml.safe_dump(alertmanager_config_file(config)))
    check = subprocess.run([amtool, "check-config", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_every_dashboard_ships_as_a_configmap_of_valid_json() -> None:
    files = {p.name: json.loads(p.read_text()) for p in (CHART / "files" / "dashboards").glob("*.json")}
    shipped = {}
    for config_map in of_kind(render("default"), "ConfigMap").values():
        if config_map["metadata"]["labels"].get("grafana_dashboard") == "1":
            shipped |= {name: json.loads(text) for name, text in config_map["data"].items()}
    assert files and shipped == files


# --- the values schema ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("services.gateway.replica=3", "additional properties 'replica' not allowed"),
        ("services.search.enabled=true", "additional properties 'search' not allowed"),
        ("discovery.mode=etcd", "value must be one of 'consul', 'kubernetes'"),
        ("services.cdcReader.replicas=2", "/services/cdcReader/replicas"),
        ("services.cdcReader.autoscaling.enabled=true", "/services/cdcReader/autoscaling/enabled"),
        ("services.diary.replicas=two", "/services/diary/replicas"),
        ("image.pullPolicy=Sometimes", "/image/pullPolicy"),
        ("externalStores.mysql.cidrs[0]=mysql.db", "/externalStores/mysql/cidrs/0"),
        ("media.size=lots", "/media/size"),
        ("externalStores.consul.cidrs[0]=10.0.0.0/8", "additional properties 'consul' not allowed"),
        ("networkPolicy.consul.peers[0].ipBlock.cidr=everything", "/networkPolicy/consul/peers/0/ipBlock/cidr"),
        ("networkPolicy.dns.ports[0]=dns", "/networkPolicy/dns/ports/0"),
        # The development SMS sender (codes in a file) cannot be chosen.
        ("services.user.env.GRIDAM_SMS_PROVIDER=outbox", "invalid propertyName 'GRIDAM_SMS_PROVIDER'"),
    ],
)
def test_invalid_values_are_refused_with_the_key_named(setting: str, message: str) -> None:
    result = helm("template", "gridam", str(CHART), "--kube-version", "1.31.0", "--set", setting)
    assert result.returncode != 0
    assert "values don't meet the specifications of the schema" in result.stderr
    assert message in result.stderr


def test_an_invalid_values_file_is_refused(tmp_path: pathlib.Path) -> None:
    values = tmp_path / "values.yaml"
    values.write_text("services:\n  gpuWorker:\n    env:\n      GRIDAM_MAX_QUEUE: [64]\n")
    result = helm("template", "gridam", str(CHART), "--kube-version", "1.31.0", "-f", str(values))
    assert result.returncode != 0
    assert "/services/gpuWorker/env/GRIDAM_MAX_QUEUE" in result.stderr


def test_a_chart_made_secret_needs_every_connection_url() -> None:
    result = helm("template", "gridam", str(CHART), "--kube-version", "1.31.0", "--set", "secrets.existingSecret=")
    assert result.returncode != 0
    assert "secrets.values." in result.stderr and "is required when secrets.existingSecret is empty" in result.stderr


# --- what the rendered objects say ------------------------------------------------------


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_pod_runs_restricted(scenario: str) -> None:
    pods = [d["spec"]["template"]["spec"] for d in render(scenario) if d["kind"] in ("Deployment", "Job")]
    for pod in pods:
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        assert pod["automountServiceAccountToken"] is False
        for c in pod["containers"]:
            assert c["securityContext"] == {
                "allowPrivilegeEscalation": False,
                "readOnlyRootFilesystem": True,
                "capabilities": {"drop": ["ALL"]},
            }
            assert "memory" in c["resources"]["limits"]


def dockerfile_targets() -> set[str]:
    return set(re.findall(r"^FROM \S+ AS (\S+)$", (REPO / "Dockerfile").read_text(), re.MULTILINE))


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_image_is_one_we_build(scenario: str) -> None:
    built = dockerfile_targets() | {"gpu-worker"}
    images = {c["image"] for d in render(scenario) if d["kind"] in ("Deployment", "Job")
              for c in d["spec"]["template"]["spec"]["containers"]}
    names = {re.fullmatch(r"ghcr\.io/gridam/([\w-]+):0\.1\.0", i).group(1) for i in images}
    assert names <= built, f"images with no Dockerfile target: {names - built}"


def probe_target(probe: dict) -> dict:
    """What a probe asks (grpc/httpGet), without its timing."""
    return {k: v for k, v in probe.items() if k in ("grpc", "httpGet", "tcpSocket", "exec")}


def test_liveness_follows_the_process_and_readiness_the_dependencies() -> None:
    """gRPC services: readiness names the service of the generated protos (it follows the database,
    Redis and Consul); liveness and the startup probe name the health that follows only the process
    (server.LIVENESS_SERVICE), so a database outage restarts no pod (tests/integration/test_probes.py)."""
    deployments = of_kind(render("default"), "Deployment")
    for name, module in PROTO_SERVICES.items():
        [service] = __import__(module, fromlist=["DESCRIPTOR"]).DESCRIPTOR.services_by_name.values()
        c = container(deployments[name])
        assert c["readinessProbe"]["grpc"] == {"port": 50051, "service": service.full_name}, name
        assert c["livenessProbe"]["grpc"] == {"port": 50051, "service": LIVENESS_SERVICE}, name
    assert probe_target(container(deployments["gateway"])["readinessProbe"]) == {"httpGet": {"path": "/healthz", "port": "http"}}
    for worker in ("diary-worker", "cdc-reader", "cdc-projector"):
        assert container(deployments[worker])["livenessProbe"]["httpGet"]["port"] == "metrics"


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_process_has_a_startup_probe_on_its_liveness(scenario: str) -> None:
    for name, deployment in of_kind(render(scenario), "Deployment").items():
        c = container(deployment)
        startup = c["startupProbe"]
        assert probe_target(startup) == probe_target(c["livenessProbe"]), name
        # Five minutes to start listening (a cold node, model imports) before liveness counts.
        assert startup["periodSeconds"] * startup["failureThreshold"] >= 300, name


def test_the_gpu_worker_runs_on_gpu_nodes() -> None:
    gpu = of_kind(render("default"), "Deployment")["gpu-worker"]
    pod = gpu["spec"]["template"]["spec"]
    assert container(gpu)["resources"]["limits"]["nvidia.com/gpu"] == "1"
    assert pod["nodeSelector"] == {"nvidia.com/gpu.present": "true"}
    assert {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"} in pod["tolerations"]
    cpu = of_kind(render("kubernetes-discovery"), "Deployment")["gpu-worker"]
    assert "nvidia.com/gpu" not in json.dumps(cpu)


QUANTITY_UNITS = {"": 1, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}


def parse_quantity(text: str | int) -> float:
    """A Kubernetes quantity (memory and storage sizes: 512Mi, 2Gi, 1G) in bytes."""
    number, unit = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", str(text)).groups()
    return float(number) * QUANTITY_UNITS[unit]


def qos_class(pod: dict) -> str:
    """The pod's QoS class, by Kubernetes' rules (cpu and memory of every container)."""
    resources = [c.get("resources", {}) for c in pod["containers"]]
    if all(r.get("limits", {}).get(k) and r.get("requests", {}).get(k, r["limits"][k]) == r["limits"][k]
           for r in resources for k in ("cpu", "memory")):
        return "Guaranteed"
    return "Burstable" if any(r.get("requests") or r.get("limits") for r in resources) else "BestEffort"


def test_the_gpu_worker_rolls_out_on_a_single_gpu_node_and_is_guaranteed() -> None:
    gpu = of_kind(render("default"), "Deployment")["gpu-worker"]
    # No surge pod waiting for a second GPU: the old pod goes first.
    assert gpu["spec"]["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}}
    pod = gpu["spec"]["template"]["spec"]
    assert qos_class(pod) == "Guaranteed"
    resources = container(gpu)["resources"]
    assert resources["requests"] == resources["limits"]
    # /dev/shm of its own, memory-backed, within the memory limit.
    [shm] = [v for v in pod["volumes"] if v["name"] == "shm"]
    assert shm["emptyDir"]["medium"] == "Memory"
    assert {"name": "shm", "mountPath": "/dev/shm"} in container(gpu)["volumeMounts"]
    assert parse_quantity(shm["emptyDir"]["sizeLimit"]) < parse_quantity(resources["limits"]["memory"])
    # On CPU only (no device to wait for), the usual surge.
    assert "strategy" not in of_kind(render("kubernetes-discovery"), "Deployment")["gpu-worker"]["spec"]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_scratch_volume_has_a_size_limit(scenario: str) -> None:
    for doc in render(scenario):
        if doc["kind"] in ("Deployment", "Job"):
            for volume in doc["spec"]["template"]["spec"]["volumes"]:
                if "emptyDir" in volume:
                    assert parse_quantity(volume["emptyDir"]["sizeLimit"]) > 0, (doc["metadata"]["name"], volume["name"])


def test_migrations_end_before_helm_stops_waiting_for_them() -> None:
    """Helm waits for each hook Job up to --timeout (5 minutes unless given) and then fails the
    upgrade while the Job runs on; the next upgrade would delete it mid-DDL. The Job's deadline
    (all attempts) must come first, with a minute for its pod to be scheduled and pulled."""
    helm_default_timeout_seconds = 300
    for name, job in of_kind(render("default"), "Job").items():
        assert job["spec"]["activeDeadlineSeconds"] + 60 <= helm_default_timeout_seconds, name
    assert "--timeout" in (CHART / "values.yaml").read_text().split("activeDeadlineSeconds")[0].rsplit("migrations:", 1)[1]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_replicas_spread_over_zones_and_nodes_without_ever_blocking(scenario: str) -> None:
    for name, deployment in of_kind(render(scenario), "Deployment").items():
        pod = deployment["spec"]["template"]["spec"]
        spread = pod["topologySpreadConstraints"]
        assert [c["topologyKey"] for c in spread] == ["topology.kubernetes.io/zone", "kubernetes.io/hostname"], name
        for constraint in spread:
            assert constraint["whenUnsatisfiable"] == "ScheduleAnyway"  # never Pending for it
            assert constraint["labelSelector"]["matchLabels"] == deployment["spec"]["selector"]["matchLabels"]
        assert pod["securityContext"]["fsGroupChangePolicy"] == "OnRootMismatch"


def test_the_gateway_keeps_serving_until_the_ingress_has_let_go() -> None:
    gateway = of_kind(render("default"), "Deployment")["gateway"]
    assert container(gateway)["lifecycle"] == {"preStop": {"exec": {"command": ["sleep", "10"]}}}
    # The sleep and then the drain fit in the grace period.
    assert gateway["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] >= 10 + 10


def pod_annotations(docs: list[dict]) -> dict[str, dict[str, str]]:
    return {name: d["spec"]["template"]["metadata"]["annotations"] for name, d in of_kind(docs, "Deployment").items()}


def test_pods_roll_when_a_secret_they_read_changes(tmp_path: pathlib.Path) -> None:
    """The chart-made settings Secret: a new value changes the checksum on exactly the pods that
    read that Secret; the keys Secret's checksum is on exactly the pods that mount it."""
    docs = render("kubernetes-discovery")
    before = pod_annotations(docs)
    values = tmp_path / "rotated.yaml"
    values.write_text(yaml.safe_dump({"secrets": {"values": {"redis-url": "redis://redis.db:6380/0"}}}))
    result = helm("template", "gridam", "helm/gridam", *template_args("kubernetes-discovery"), "-f", str(values))
    assert result.returncode == 0, result.stderr
    after = pod_annotations([d for d in yaml.safe_load_all(result.stdout) if d])
    for name, deployment in of_kind(docs, "Deployment").items():
        c = container(deployment)
        reads_settings = any(e.get("valueFrom", {}).get("secretKeyRef", {}).get("name") == "gridam-settings" for e in c.get("env", []))
        assert ("checksum/secret-settings" in before[name]) == reads_settings, name
        if reads_settings:
            assert before[name]["checksum/secret-settings"] != after[name]["checksum/secret-settings"], name
        mounts_keys = any(v["name"] == "keys" for v in deployment["spec"]["template"]["spec"]["volumes"])
        assert ("checksum/secret-keys" in before[name]) == mounts_keys, name
    # Without Consul (no token to read), the gpu-worker does not read the Secret (the gateway reads
    # the Redis URL: its copy of profile summaries).
    assert {name for name, a in before.items() if "checksum/secret-settings" not in a} == {"gpu-worker"}


def test_the_escape_hatches_reach_the_pods(tmp_path: pathlib.Path) -> None:
    hatches = {
        "podAnnotations": {"example.com/team": "diary"},
        "priorityClassName": "gridam-high",
        "runtimeClassName": "gvisor",
        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}},
        "topologySpreadConstraints": [],
    }
    docs = render_values(tmp_path, {"services": {"diary": hatches}})
    diary = of_kind(docs, "Deployment")["diary"]
    pod = diary["spec"]["template"]["spec"]
    assert diary["spec"]["template"]["metadata"]["annotations"]["example.com/team"] == "diary"
    assert (pod["priorityClassName"], pod["runtimeClassName"]) == ("gridam-high", "gvisor")
    assert diary["spec"]["strategy"] == hatches["strategy"]
    assert "topologySpreadConstraints" not in pod
    for doc in docs:
        if doc["kind"] == "Deployment":
            kubernetes_validate.validate(doc, "1.31.0", strict=True)


def test_the_cdc_reader_is_a_single_replica_never_doubled_in_a_rollout() -> None:
    reader = of_kind(render("default"), "Deployment")["cdc-reader"]
    assert reader["spec"]["replicas"] == 1
    assert reader["spec"]["strategy"] == {"type": "Recreate"}
    assert container(reader)["args"] == ["reader"]
    assert "cdc-reader" not in of_kind(render("default"), "HorizontalPodAutoscaler")


def test_migrations_run_as_hooks_before_install_and_upgrade() -> None:
    jobs = of_kind(render("default"), "Job")
    assert set(jobs) == {"user-migrate", "diary-migrate", "emotion-migrate", "card-migrate"}
    for job in jobs.values():
        assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
        c = container(job)
        assert c["args"] == ["migrate"]
        [url] = [e for e in c["env"] if e["name"] == "GRIDAM_DATABASE_URL"]
        assert url["valueFrom"]["secretKeyRef"]["key"] == job["metadata"]["name"].removeprefix("gridam-").replace("-migrate", "-database-url")
    assert of_kind(render("minimal"), "Job") == {}


def test_autoscaled_deployments_leave_replicas_to_the_autoscaler() -> None:
    docs = render("kubernetes-discovery")
    scaled = {h["spec"]["scaleTargetRef"]["name"] for h in of_kind(docs, "HorizontalPodAutoscaler").values()}
    assert scaled == {"gridam-gateway", "gridam-user", "gridam-diary"}
    for name, deployment in of_kind(docs, "Deployment").items():
        assert ("replicas" in deployment["spec"]) == (f"gridam-{name}" not in scaled)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_secret_key_a_pod_reads_is_a_documented_setting(scenario: str) -> None:
    documented = set(yaml.safe_load((CHART / "values.yaml").read_text())["secrets"]["values"])
    read = {e["valueFrom"]["secretKeyRef"]["key"] for d in render(scenario) if d["kind"] in ("Deployment", "Job")
            for c in d["spec"]["template"]["spec"]["containers"] for e in c.get("env", [])
            if "secretKeyRef" in e.get("valueFrom", {})}
    assert read and read <= documented


def test_without_the_cdc_pipeline_nothing_reads_the_read_model() -> None:
    assert "ANALYTICS_MONGODB_URL" in json.dumps(of_kind(render("default"), "Deployment")["diary"])
    minimal = render("minimal")
    assert "cdc-projector" not in of_kind(minimal, "Deployment")
    assert "ANALYTICS_MONGODB_URL" not in json.dumps(minimal)


def test_kubernetes_discovery_points_callers_at_the_headless_services() -> None:
    docs = render("kubernetes-discovery")
    [config] = [c for c in of_kind(docs, "ConfigMap").values() if "GRIDAM_DISCOVERY" in c["data"]]
    services = of_kind(docs, "Service")
    assert config["data"]["GRIDAM_DISCOVERY"] == "static"
    for variable, name in [("GRIDAM_USER_SERVICE_ADDR", "user"), ("GRIDAM_IMAGEGEN_SERVICE_ADDR", "gpu-worker")]:
        assert config["data"][variable] == f"gridam-{name}.gridam.svc:50051"
        assert services[name]["spec"]["clusterIP"] == "None"


def test_processes_that_register_or_resolve_get_the_consul_token_from_the_settings_secret() -> None:
    def token_sources(docs: list[dict]) -> dict[str, list[dict]]:
        return {name: [e["valueFrom"] for e in container(d).get("env", []) if e["name"] == "GRIDAM_CONSUL_TOKEN"]
                for name, d in of_kind(docs, "Deployment").items()}

    with_consul = token_sources(render("default"))
    expected = {"secretKeyRef": {"name": "gridam-settings", "key": "consul-token", "optional": True}}
    users = {"gateway", "user", "diary", "diary-worker", "emotion", "card", "gpu-worker"}
    assert {name for name, sources in with_consul.items() if sources == [expected]} == users
    assert all(not sources for name, sources in with_consul.items() if name not in users)  # the CDC processes
    assert not any(token_sources(render("kubernetes-discovery")).values())


# --- what reaches the internet ---------------------------------------------------------


def gateway_env(docs: list[dict]) -> dict[str, str]:
    return {e["name"]: e["value"] for e in container(of_kind(docs, "Deployment")["gateway"])["env"] if "value" in e}


def routed(path: str, prefixes: list[str]) -> bool:
    """Whether an Ingress path of type Prefix sends `path` on (matched element by element)."""
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in prefixes)


def test_the_ingress_routes_the_web_api_and_nothing_private() -> None:
    [ingress] = of_kind(render("default"), "Ingress").values()
    paths = [p for rule in ingress["spec"]["rules"] for p in rule["http"]["paths"]]
    assert {p["pathType"] for p in paths} == {"Prefix"}
    prefixes = [p["path"] for p in paths]
    # The gateway's documented paths, from the app itself: the web API (the images it links to
    # included) and its ops endpoints; the others are private too.
    documented = set(create_app(GatewaySettings()).openapi()["paths"])
    api = {p for p in documented if p.startswith("/api/")}
    assert {"/api/auth/login", "/api/media/{key}"} <= api
    assert all(routed(p, prefixes) for p in api)
    private = (documented - api) | {"/docs", "/openapi.json", "/metrics"}
    assert {"/healthz", "/readyz"} <= private
    assert not any(routed(p, prefixes) for p in private)


def test_the_production_values_turn_the_api_docs_off() -> None:
    env = gateway_env(render("default"))
    client = TestClient(create_app(GatewaySettings(api_docs=env["GRIDAM_API_DOCS"])))
    assert client.get("/docs").status_code == 404
    assert client.get("/openapi.json").status_code == 404
    assert TestClient(create_app(GatewaySettings())).get("/docs").status_code == 200  # the setting is what turns them off


def test_every_process_serves_metrics_on_its_metrics_port_only() -> None:
    """The gateway too: /metrics is not on the port the Ingress reaches."""
    docs = render("default")
    for name, deployment in of_kind(docs, "Deployment").items():
        assert {"name": "metrics", "containerPort": 9464, "protocol": "TCP"} in container(deployment)["ports"], name
    [monitor] = of_kind(docs, "ServiceMonitor").values()
    assert [e["port"] for e in monitor["spec"]["endpoints"]] == ["metrics"]
    # The image's default (Dockerfile) is the port the chart names.
    assert 'GRIDAM_METRICS_PORT=9464' in (REPO / "Dockerfile").read_text().split("FROM runtime AS gateway")[1]


# --- phone verification ----------------------------------------------------------------


def test_the_user_service_sends_codes_through_sens_never_the_development_sender(monkeypatch, tmp_path) -> None:
    """The rendered environment, as the user service reads it (the Secret's keys filled in): SENS,
    with every setting it needs from the settings Secret, none of them optional."""
    c = container(of_kind(render("default"), "Deployment")["user"])
    from_secret = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in c["env"] if "secretKeyRef" in e.get("valueFrom", {})}
    sms_keys = {"GRIDAM_SMS_SENDER_NUMBER": "sms-sender-number", "GRIDAM_SENS_SERVICE_ID": "sens-service-id",
                "GRIDAM_SENS_ACCESS_KEY": "sens-access-key", "GRIDAM_SENS_SECRET_KEY": "sens-secret-key"}
    for variable, key in sms_keys.items():
        assert from_secret[variable] == {"name": "gridam-settings", "key": key}, variable  # not optional
    for name in [k for k in os.environ if k.startswith("GRIDAM_")]:
        monkeypatch.delenv(name)
    for e in c["env"]:
        if "value" in e:
            monkeypatch.setenv(e["name"], e["value"])
    filled = {"GRIDAM_SMS_SENDER_NUMBER": "0212345678", "GRIDAM_SENS_SERVICE_ID": "ncp:sms:kr:1:gridam",
              "GRIDAM_SENS_ACCESS_KEY": "ak", "GRIDAM_SENS_SECRET_KEY": "sk"}
    for variable, value in filled.items():
        monkeypatch.setenv(variable, value)
    settings = UserSettings(data_dir=tmp_path)
    sender = build_sms_sender(settings, settings.sms_outbox_path)
    assert isinstance(sender, SensSmsSender)
    sender.close()
    # Without the Secret's SMS keys the service refuses to start, naming them.
    monkeypatch.delenv("GRIDAM_SENS_SECRET_KEY")
    with pytest.raises(ValidationError, match="GRIDAM_SENS_SECRET_KEY"):
        UserSettings(data_dir=tmp_path)


# --- the call graph ---------------------------------------------------------------------


def process_sources(process: str) -> list[str]:
    """The source code a process runs (PROCESS_CODE)."""
    path, function = PROCESS_CODE[process]
    if function is None:
        return [p.read_text() for p in (REPO / path).rglob("*.py")]
    text = (REPO / path).read_text()
    [node] = [n for n in ast.parse(text).body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == function]
    return [ast.get_source_segment(text, node)]


def code_calls(process: str) -> set[str]:
    """The services a process's code calls (`factory.client("gridam-…", …)`)."""
    names = {n for source in process_sources(process) for n in re.findall(r'client\(\s*"(gridam-[a-z]+)"', source)}
    return {DISCOVERY_NAMES[n] for n in names}


def pod_labels(doc: dict) -> list[str]:
    return [p["podSelector"]["matchLabels"]["app.kubernetes.io/component"] for p in doc if "podSelector" in p and "matchLabels" in p["podSelector"] and "app.kubernetes.io/component" in p["podSelector"]["matchLabels"]]


def process_policies(docs: list[dict]) -> dict[str, dict]:
    """The NetworkPolicy of each process (the migrations' and the default deny apart)."""
    return {name: p for name, p in of_kind(docs, "NetworkPolicy").items() if "app.kubernetes.io/component" in p["metadata"]["labels"]}


def test_network_policies_allow_exactly_the_calls_the_code_makes() -> None:
    policies = process_policies(render("default"))
    egress = {name: {c for rule in p["spec"]["egress"] for c in pod_labels(rule.get("to", []))} for name, p in policies.items()}
    # The chart's call graph is what each process's code calls.
    assert set(egress) == set(PROCESS_CODE)
    for process, callees in egress.items():
        assert callees == code_calls(process), process
    # Ingress mirrors egress: a process accepts gRPC only from its callers.
    for name, policy in policies.items():
        callers = {c for rule in policy["spec"]["ingress"] for c in pod_labels(rule.get("from", []))}
        assert callers == {caller for caller, callees in egress.items() if name in callees}, name
    # The gateway takes HTTP only from the ingress controller's namespace.
    controller = yaml.safe_load((CHART / "values.yaml").read_text())["networkPolicy"]["ingressControllerNamespaceSelector"]
    assert policies["gateway"]["spec"]["ingress"][0] == {
        "from": [{"namespaceSelector": controller}],
        "ports": [{"port": "http", "protocol": "TCP"}],
    }


def render_values(tmp_path: pathlib.Path, values: dict) -> list[dict]:
    """The default scenario with these values on top."""
    path = tmp_path / "values.yaml"
    path.write_text(yaml.safe_dump(values))
    result = helm("template", "gridam", "helm/gridam", *template_args("default"), "-f", str(path))
    assert result.returncode == 0, result.stderr
    return [d for d in yaml.safe_load_all(result.stdout) if d]


def peers(rules: list[dict], direction: str) -> list[dict]:
    return [peer for rule in rules for peer in rule.get(direction, [])]


def test_consul_is_admitted_by_its_agents_selector_never_by_a_range() -> None:
    values = yaml.safe_load((CHART / "values.yaml").read_text())["networkPolicy"]
    policies = process_policies(render("default"))
    for name in PROTO_SERVICES:
        consul_rules = [r for r in policies[name]["spec"]["ingress"] if r["from"] == values["consul"]["peers"]]
        assert consul_rules == [{"from": values["consul"]["peers"], "ports": [{"port": "grpc", "protocol": "TCP"}]}], name
    # By default no policy admits anything by address.
    for name, policy in policies.items():
        assert not [p for p in peers(policy["spec"]["ingress"], "from") if "ipBlock" in p], name
    # Without Consul, nothing is admitted for it.
    for policy in process_policies(render("kubernetes-discovery")).values():
        assert values["consul"]["peers"][0] not in peers(policy["spec"]["ingress"], "from")


def test_no_policy_admits_or_reaches_a_cidr_wider_than_configured(tmp_path: pathlib.Path) -> None:
    """Agents on the host network: Consul given by the nodes' CIDR; narrow stores; an egress proxy."""
    stores = {"mysql": "10.1.0.5/32", "redis": "10.1.0.6/32", "kafka": "10.1.0.7/32", "mongodb": "10.1.0.8/32"}
    values = {
        "externalStores": {store: {"cidrs": [cidr]} for store, cidr in stores.items()},
        "networkPolicy": {
            "consul": {"peers": [{"ipBlock": {"cidr": "10.240.0.0/24"}}], "ports": [8500]},
            "externalApis": {"peers": [{"ipBlock": {"cidr": "10.1.0.9/32"}}], "ports": [3128]},
        },
    }
    docs = render_values(tmp_path, values)
    blocks = {json.dumps(p["ipBlock"], sort_keys=True)
              for policy in of_kind(docs, "NetworkPolicy").values()
              for p in peers(policy["spec"].get("ingress", []), "from") + peers(policy["spec"].get("egress", []), "to")
              if "ipBlock" in p}
    configured = {json.dumps({"cidr": c}) for c in [*stores.values(), "10.240.0.0/24", "10.1.0.9/32"]}
    assert blocks == configured
    grpc_ingress = [p for name, policy in process_policies(docs).items() if name in PROTO_SERVICES
                    for rule in policy["spec"]["ingress"] if {"port": "grpc", "protocol": "TCP"} in rule["ports"]
                    for p in rule["from"] if "ipBlock" in p]
    assert grpc_ingress and {p["ipBlock"]["cidr"] for p in grpc_ingress} == {"10.240.0.0/24"}


def code_calls_external_apis(process: str) -> bool:
    """Whether a process's code calls HTTP APIs outside the cluster (an httpx client of its own)."""
    return any(re.search(r"httpx\.(Async)?Client\(", source) for source in process_sources(process))


def test_only_the_processes_whose_code_calls_external_apis_reach_them() -> None:
    """Social login (Kakao, Naver) and the SMS provider: HTTPS from the user service only."""
    values = yaml.safe_load((CHART / "values.yaml").read_text())["networkPolicy"]["externalApis"]
    expected = {"to": values["peers"], "ports": [{"port": port, "protocol": "TCP"} for port in values["ports"]]}
    reaching = {name for name, policy in process_policies(render("default")).items() if expected in policy["spec"]["egress"]}
    assert reaching == {p for p in PROCESS_CODE if code_calls_external_apis(p)} == {"user"}
    assert values["ports"] == [443]  # the providers' documented endpoints are https:// URLs
    # (the local redirect URI, a default of the embedded profile, is the browser's, not a call)
    user_urls = {u for source in process_sources("user") for u in re.findall(r'"(https?://[^"/]+)', source)} - {"http://127.0.0.1:8080"}
    assert user_urls and all(u.startswith("https://") for u in user_urls), user_urls


def test_dns_peer_and_extra_egress_come_from_values(tmp_path: pathlib.Path) -> None:
    node_local = {"peers": [{"ipBlock": {"cidr": "169.254.20.10/32"}}], "ports": [53]}
    proxy = {"to": [{"podSelector": {"matchLabels": {"app": "otel-collector"}}}], "ports": [{"port": 4317, "protocol": "TCP"}]}
    docs = render_values(tmp_path, {"networkPolicy": {"dns": node_local, "extraEgress": [proxy]}})
    dns = {"to": node_local["peers"], "ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]}
    for name, policy in of_kind(docs, "NetworkPolicy").items():
        egress = policy["spec"].get("egress")
        if name == "default-deny":
            assert egress is None
            continue
        assert dns in egress, name
        assert (proxy in egress) == (name != "migrations"), name
    assert "k8s-app" not in json.dumps(of_kind(docs, "NetworkPolicy"))


def test_a_default_deny_covers_the_namespace_and_the_migration_jobs_reach_only_dns_and_mysql() -> None:
    docs = render("default")
    policies = of_kind(docs, "NetworkPolicy")
    deny = policies["default-deny"]
    assert deny["spec"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    migrations = policies["migrations"]
    selector = migrations["spec"]["podSelector"]["matchLabels"]
    jobs = of_kind(docs, "Job")
    assert jobs and all(selector.items() <= j["spec"]["template"]["metadata"]["labels"].items() for j in jobs.values())
    # Only the Jobs: no process's pod carries the migrations' labels.
    for deployment in of_kind(docs, "Deployment").values():
        assert not selector.items() <= deployment["spec"]["template"]["metadata"]["labels"].items()
    assert migrations["spec"]["ingress"] == []
    egress_ports = [p["port"] for rule in migrations["spec"]["egress"] for p in rule["ports"]]
    assert egress_ports == [53, 53, 3306]
    # Hooks created before the Jobs (a lower weight), at install as at every upgrade.
    job_weight = min(int(j["metadata"]["annotations"]["helm.sh/hook-weight"]) for j in jobs.values())
    for policy in (deny, migrations):
        annotations = policy["metadata"]["annotations"]
        assert annotations["helm.sh/hook"] == "pre-install,pre-upgrade"
        assert int(annotations["helm.sh/hook-weight"]) < job_weight
    assert "NetworkPolicy" not in {d["kind"] for d in render("minimal")}


# --- service-token keys -----------------------------------------------------------------


def declared_callers(*protos) -> frozenset[str]:
    """The services the access options of these contracts' methods name."""
    services = [service for proto in protos for service in proto.DESCRIPTOR.services_by_name.values()]
    return frozenset().union(*(rule.services for service in services for rule in service_rules(service).values()))


# The services whose tokens each process's methods accept, as their protos' access options name them.
ACCEPTED_SERVICE_CALLERS = {
    "user": declared_callers(user_v1),
    "diary": declared_callers(diary_v1),
    "emotion": declared_callers(emotion_v1, emotion_v2),
    "card": declared_callers(card_v1, card_v2),
    "gpu-worker": declared_callers(imagegen_v1, imagegen_v2),
}


def code_signs_service_tokens(process: str) -> bool:
    return any("ServiceTokenIssuer.from_keys_dir(" in source for source in process_sources(process))


def test_each_process_mounts_only_its_own_service_token_key_and_its_callers_public_keys() -> None:
    """A private service-token key is mounted only where the code signs with it, under that
    process's own name; public keys exactly where the code accepts those services' calls."""
    name_of = {process: name for name, process in DISCOVERY_NAMES.items()} | {"diary-worker": "gridam-diary"}
    for process, deployment in of_kind(render("default"), "Deployment").items():
        volumes = deployment["spec"]["template"]["spec"]["volumes"]
        mounted = {item["path"] for v in volumes if v["name"] == "keys" for item in v["secret"]["items"]}
        service_keys = {f for f in mounted if f.startswith("service-")}
        signs = code_signs_service_tokens(process)
        expected = {service_key_file(name_of[process], public=False)} if signs else set()
        expected |= {service_key_file(caller, public=True) for caller in ACCEPTED_SERVICE_CALLERS.get(process, ())}
        assert service_keys == expected, process
    assert {p for p in PROCESS_CODE if code_signs_service_tokens(p)} == {"user", "diary", "diary-worker", "card"}


def test_every_service_port_and_monitor_endpoint_exists_on_the_pods() -> None:
    docs = render("default")
    deployments = of_kind(docs, "Deployment")
    for name, service in of_kind(docs, "Service").items():
        ports = {p["name"] for p in container(deployments[name])["ports"]}
        assert {p["targetPort"] for p in service["spec"]["ports"]} <= ports, name
    [monitor] = of_kind(docs, "ServiceMonitor").values()
    scraped = {p["port"] for p in monitor["spec"]["endpoints"]}
    for name, service in of_kind(docs, "Service").items():
        assert scraped & {p["name"] for p in service["spec"]["ports"]}, f"{name} is not scraped"


# --- k8s/ -------------------------------------------------------------------------------


def test_the_committed_manifests_are_the_rendered_chart() -> None:
    committed = (REPO / "k8s" / "gridam" / "manifests.yaml").read_text()
    assert committed == render_text("default"), "k8s/gridam is stale: run `make k8s` and commit"


ARGOCD = REPO / "k8s" / "argocd"


def argocd_docs() -> dict[str, dict]:
    return {d["metadata"]["name"]: d for p in sorted(ARGOCD.glob("*.yaml")) for d in yaml.safe_load_all(p.read_text()) if d}


def applications() -> dict[str, dict]:
    return {name: d for name, d in argocd_docs().items() if d["kind"] == "Application"}


def environment_docs(application: dict) -> list[dict]:
    manifests = REPO / application["spec"]["source"]["path"] / "manifests.yaml"
    return [d for d in yaml.safe_load_all(manifests.read_text()) if d]


def test_each_environment_deploys_its_own_values_rendered_and_committed() -> None:
    apps = applications()
    assert set(apps) == {"gridam-production", "gridam-staging"}
    for app in apps.values():
        folder = app["spec"]["source"]["path"]
        namespace = app["spec"]["destination"]["namespace"]
        assert app["spec"]["source"]["directory"] == {"include": "manifests.yaml"}
        args = template_args("default")
        args[args.index("--namespace") + 1] = namespace
        result = helm("template", "gridam", "helm/gridam", *args, "-f", f"{folder}/values.yaml")
        assert result.returncode == 0, result.stderr
        committed = (REPO / folder / "manifests.yaml").read_text()
        assert committed == result.stdout, f"{folder} is stale: run `make k8s` and commit"
    production, staging = (of_kind(environment_docs(apps[f"gridam-{e}"]), "Ingress") for e in ("production", "staging"))
    assert production["gateway"]["spec"]["rules"][0]["host"] != staging["gateway"]["spec"]["rules"][0]["host"]


def test_argo_cd_applications_retry_in_a_project_of_their_own_on_a_restricted_namespace() -> None:
    [project] = [d for d in argocd_docs().values() if d["kind"] == "AppProject"]
    allowed = {(d["server"], d["namespace"]) for d in project["spec"]["destinations"]}
    whitelist = {(k["group"], k["kind"]) for k in project["spec"]["namespaceResourceWhitelist"]}
    assert project["spec"]["clusterResourceWhitelist"] == [{"group": "", "kind": "Namespace"}]
    for name, app in applications().items():
        spec = app["spec"]
        assert spec["project"] == project["metadata"]["name"] != "default"
        assert (spec["destination"]["server"], spec["destination"]["namespace"]) in allowed
        assert spec["source"]["repoURL"] in project["spec"]["sourceRepos"]
        policy = spec["syncPolicy"]
        assert policy["retry"]["limit"] >= 3 and policy["retry"]["backoff"]["duration"]
        assert "CreateNamespace=true" in policy["syncOptions"]
        labels = policy["managedNamespaceMetadata"]["labels"]
        assert {labels[f"pod-security.kubernetes.io/{mode}"] for mode in ("enforce", "audit", "warn")} == {"restricted"}
        docs = environment_docs(app)
        kinds = {(d["apiVersion"].rpartition("/")[0], d["kind"]) for d in docs}
        assert kinds <= whitelist, f"{name}: kinds the project refuses: {kinds - whitelist}"
        assert all(d["metadata"].get("namespace") in (None, spec["destination"]["namespace"]) for d in docs)
        # The autoscaled Deployments (no replicas in the manifests) are the ones whose replicas Argo ignores.
        autoscaled = {d["metadata"]["name"] for d in docs if d["kind"] == "Deployment" and "replicas" not in d["spec"]}
        assert {i["name"] for i in spec.get("ignoreDifferences", [])} == autoscaled, name


def test_argo_cd_never_prunes_or_deletes_the_media_claim() -> None:
    """On a switch to media.existingClaim the chart stops rendering the claim; Argo CD's prune
    would then delete every photo and card."""
    for app in applications().values():
        [claim] = of_kind(environment_docs(app), "PersistentVolumeClaim").values()
        options = claim["metadata"]["annotations"]["argocd.argoproj.io/sync-options"].split(",")
        assert {"Prune=false", "Delete=false"} <= set(options)

