"""Prometheus and Alertmanager for the soak, as an SRE installs them from the chart: the alert rules
and the Slack route are rendered from helm/gridam by `helm template` (the PrometheusRule and the
AlertmanagerConfig of templates/monitoring.yaml), not written here. The Slack webhooks point at a
local sink that records every message."""

from __future__ import annotations

import json
import pathlib
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import yaml

from tests.support.servers import ROOT, _need, _wait_for, free_port

HELM = ROOT / "tools" / "helm" / "bin" / "helm"  # `make k8s-tools` builds it
NAMESPACE = "gridam"
# The chart's `job` of each DevStack process (app.kubernetes.io/component, the ServiceMonitor's jobLabel).
JOBS = {
    "user-service": "user", "emotion-service": "emotion", "gpu-worker": "gpu-worker", "card-service": "card",
    "diary-service": "diary", "diary-worker": "diary-worker", "gateway": "gateway",
    "cdc-reader": "cdc-reader", "cdc-projector": "cdc-projector",
}
SCRAPE_INTERVAL = "5s"  # the chart's ServiceMonitor says 30s; shorter here so a short soak sees more


def render_chart() -> tuple[dict, dict]:
    """The chart's PrometheusRule and AlertmanagerConfig (Slack enabled), as `helm template` renders them."""
    if not HELM.exists():
        raise RuntimeError(f"{HELM} missing: run `make k8s-tools`")
    out = subprocess.run(
        [str(HELM), "template", "gridam", str(ROOT / "helm" / "gridam"), "--kube-version", "1.31.0", "--namespace", NAMESPACE,
         "--api-versions", "monitoring.coreos.com/v1/PrometheusRule",
         "--api-versions", "monitoring.coreos.com/v1alpha1/AlertmanagerConfig",
         "--set", "metrics.alertmanagerSlack.enabled=true", "--show-only", "templates/monitoring.yaml"],
        check=True, capture_output=True, text=True,
    ).stdout
    objects = {doc["kind"]: doc for doc in yaml.safe_load_all(out) if doc}
    return objects["PrometheusRule"], objects["AlertmanagerConfig"]


def _matchers(matchers: list[dict]) -> list[str]:
    return [f'{m["name"]}{m.get("matchType", "=")}{json.dumps(m["value"])}' for m in matchers]


_DURATIONS = {"groupWait": "group_wait", "groupInterval": "group_interval", "repeatInterval": "repeat_interval"}
_SLACK_FIELDS = {"channel": "channel", "color": "color", "title": "title", "titleLink": "title_link", "text": "text",
                 "sendResolved": "send_resolved"}


def _route(route: dict, namespace: str | None = None) -> dict:
    """An AlertmanagerConfig route in alertmanager.yml's words. As the Prometheus Operator does, the
    top route also matches the config's namespace only and lets alerts go on (`continue`)."""
    out: dict = {"receiver": route["receiver"]}
    matchers = _matchers(route.get("matchers", []))
    if namespace is not None:
        matchers.append(f'namespace="{namespace}"')
        out["continue"] = True
    if matchers:
        out["matchers"] = matchers
    if "groupBy" in route:
        out["group_by"] = route["groupBy"]
    out |= {key: route[field] for field, key in _DURATIONS.items() if field in route}
    if route.get("routes"):
        out["routes"] = [_route(child) for child in route["routes"]]
    return out


def alertmanager_config(chart_config: dict, sink_url: str) -> dict:
    """alertmanager.yml running the chart's AlertmanagerConfig: its routes, receivers and inhibitions as
    the operator merges them (namespace matchers added); each webhook secret's key becomes a path of the sink."""
    spec = chart_config["spec"]
    receivers = [{"name": "null"}]
    for receiver in spec["receivers"]:
        receivers.append({"name": receiver["name"], "slack_configs": [
            {"api_url": f"{sink_url}/{slack['apiURL']['key']}"} | {key: slack[field] for field, key in _SLACK_FIELDS.items() if field in slack}
            for slack in receiver["slackConfigs"]
        ]})
    namespace = f'namespace="{NAMESPACE}"'
    inhibit = [
        {"source_matchers": [*_matchers(rule["sourceMatch"]), namespace],
         "target_matchers": [*_matchers(rule["targetMatch"]), namespace], "equal": rule["equal"]}
        for rule in spec.get("inhibitRules", [])
    ]
    return {"route": {"receiver": "null", "routes": [_route(spec["route"], NAMESPACE)]}, "receivers": receivers,
            "inhibit_rules": inhibit}


class SlackSink:
    """What Slack would receive: every POST to any path, kept with its arrival time (`messages`) and
    appended to a JSON-lines file."""

    def __init__(self, log: pathlib.Path) -> None:
        self.messages: list[dict] = []
        self.log = log
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                message = {"at": time.time(), "webhook": self.path.strip("/"), "body": json.loads(body or b"{}")}
                sink.messages.append(message)
                with sink.log.open("a") as out:
                    out.write(json.dumps(message, ensure_ascii=False) + "\n")
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()


class Monitoring:
    """Prometheus scraping every process of the stack with the chart's rules, sending to Alertmanager
    with the chart's Slack route, both as plain processes under `root`."""

    def __init__(self, root: pathlib.Path, targets: dict[str, int]) -> None:
        self.root = root
        self.targets = targets  # process name -> metrics port
        self.prometheus_port = free_port()
        self.alertmanager_port = free_port()
        self.processes: list[subprocess.Popen] = []
        self.sink = SlackSink(root / "slack-messages.jsonl")
        self.rules_for: dict[str, str] = {}  # alert -> its `for:` ("0s" when none)

    @property
    def prometheus_url(self) -> str:
        return f"http://127.0.0.1:{self.prometheus_port}"

    def write_configs(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        rule, am = render_chart()
        (self.root / "rules.yml").write_text(yaml.safe_dump({"groups": rule["spec"]["groups"]}, allow_unicode=True, sort_keys=False))
        self.rules_for = {r["alert"]: r.get("for", "0s") for g in rule["spec"]["groups"] for r in g["rules"] if "alert" in r}
        (self.root / "alertmanager.yml").write_text(yaml.safe_dump(alertmanager_config(am, self.sink.url), sort_keys=False))
        scrape = [
            {"job_name": JOBS[name], "static_configs": [{"targets": [f"127.0.0.1:{port}"], "labels": {"namespace": NAMESPACE}}]}
            for name, port in self.targets.items()
        ]
        (self.root / "prometheus.yml").write_text(yaml.safe_dump({
            "global": {"scrape_interval": SCRAPE_INTERVAL, "evaluation_interval": SCRAPE_INTERVAL},
            "rule_files": [str(self.root / "rules.yml")],
            "alerting": {"alertmanagers": [{"static_configs": [{"targets": [f"127.0.0.1:{self.alertmanager_port}"]}]}]},
            "scrape_configs": scrape,
        }, sort_keys=False))
        for tool, args in (("promtool", ["check", "config", str(self.root / "prometheus.yml")]),
                           ("amtool", ["check-config", str(self.root / "alertmanager.yml")])):
            subprocess.run([_need(tool), *args], check=True, capture_output=True)

    def start(self) -> None:
        self.write_configs()
        am_log = self.root / "alertmanager.log"
        with am_log.open("ab") as out:
            am = subprocess.Popen(
                [_need("prometheus-alertmanager"), f"--config.file={self.root / 'alertmanager.yml'}",
                 f"--storage.path={self.root / 'alertmanager-data'}", f"--web.listen-address=127.0.0.1:{self.alertmanager_port}",
                 "--cluster.listen-address="],
                stdout=out, stderr=subprocess.STDOUT,
            )
        self.processes.append(am)
        _wait_for(lambda: _ok(f"http://127.0.0.1:{self.alertmanager_port}/-/ready"), "Alertmanager", am, am_log)
        prom_log = self.root / "prometheus.log"
        with prom_log.open("ab") as out:
            prom = subprocess.Popen(
                [_need("prometheus"), f"--config.file={self.root / 'prometheus.yml'}",
                 f"--storage.tsdb.path={self.root / 'prometheus-data'}", f"--web.listen-address=127.0.0.1:{self.prometheus_port}"],
                stdout=out, stderr=subprocess.STDOUT,
            )
        self.processes.append(prom)
        _wait_for(lambda: _ok(f"{self.prometheus_url}/-/ready"), "Prometheus", prom, prom_log)

    def query_range(self, query: str, start: float, end: float, step: str = SCRAPE_INTERVAL) -> list[dict]:
        reply = httpx.get(f"{self.prometheus_url}/api/v1/query_range",
                          params={"query": query, "start": start, "end": end, "step": step}, timeout=30)
        reply.raise_for_status()
        return reply.json()["data"]["result"]

    def targets_up(self) -> dict[str, bool]:
        reply = httpx.get(f"{self.prometheus_url}/api/v1/targets", timeout=10).json()
        return {t["labels"]["job"]: t["health"] == "up" for t in reply["data"]["activeTargets"]}

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
            process.wait(30)
        self.sink.stop()


def _ok(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
