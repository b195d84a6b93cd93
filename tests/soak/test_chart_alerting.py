"""The soak's Prometheus and Alertmanager run the chart's own alerting, not a copy: every rule of
helm/gridam/files/alerts as the chart renders it, and the AlertmanagerConfig's Slack route as the
Prometheus Operator would merge it (amtool answers which receiver an alert reaches)."""

from __future__ import annotations

import subprocess

import yaml

from soak.monitoring import Monitoring
from tests.support.servers import ROOT


def _rules(groups: list[dict]) -> dict[str, tuple]:
    return {r["alert"]: (r["expr"], r.get("for"), r["labels"]["severity"]) for g in groups for r in g["rules"] if "alert" in r}


def test_the_soak_loads_the_charts_rules_and_routes_by_severity_to_its_slack_receivers(tmp_path):
    monitoring = Monitoring(tmp_path, {"gateway": 1})
    try:
        monitoring.write_configs()  # promtool and amtool check both files
    finally:
        monitoring.sink.stop()
    chart = {}
    for path in sorted((ROOT / "helm" / "gridam" / "files" / "alerts").glob("*.rules.yml")):
        chart |= _rules(yaml.safe_load(path.read_text())["groups"])
    loaded = yaml.safe_load((tmp_path / "rules.yml").read_text())["groups"]
    assert _rules(loaded) == chart and len(chart) > 10
    assert all(r["annotations"]["runbook_url"] for g in loaded for r in g["rules"] if "alert" in r)

    def receiver(*labels: str) -> str:
        return subprocess.run(["amtool", "config", "routes", "test", f"--config.file={tmp_path / 'alertmanager.yml'}", *labels],
                              check=True, capture_output=True, text=True).stdout.strip()

    assert receiver("alertname=GridamUserAbsent", "severity=critical", "namespace=gridam") == "gridam-slack-critical"
    assert receiver("alertname=GridamJobsParked", "severity=warning", "namespace=gridam") == "gridam-slack-warning"
    assert receiver("alertname=GridamJobsParked", "severity=warning", "namespace=elsewhere") == "null"
    assert receiver("alertname=Watchdog", "severity=critical", "namespace=gridam") == "null"
    config = yaml.safe_load((tmp_path / "alertmanager.yml").read_text())
    assert config["inhibit_rules"] == [{"source_matchers": ['severity="critical"', 'namespace="gridam"'],
                                        "target_matchers": ['severity="warning"', 'namespace="gridam"'], "equal": ["namespace", "job"]}]
    assert {c["api_url"].rsplit("/", 1)[1] for r in config["receivers"] for c in r.get("slack_configs", [])} == {
        "critical-webhook-url", "warning-webhook-url"}
