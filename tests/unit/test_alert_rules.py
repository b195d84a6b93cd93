"""The Prometheus alert rules are valid and each one has passing unit tests (promtool, from
Debian's prometheus package, installed by `make system-deps`)."""

from __future__ import annotations

import pathlib
import shutil
import subprocess

import yaml

ALERTS = pathlib.Path(__file__).resolve().parents[2] / "helm" / "gridam" / "files" / "alerts"


def promtool(*args: str) -> subprocess.CompletedProcess:
    binary = shutil.which("promtool")
    assert binary, "promtool missing: run `make system-deps` (Debian package prometheus)"
    return subprocess.run([binary, *args], cwd=ALERTS, capture_output=True, text=True)


def test_every_rule_file_is_valid():
    rule_files = sorted(ALERTS.glob("*.rules.yml"))
    assert rule_files
    result = promtool("check", "rules", *map(str, rule_files))
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_has_a_passing_unit_test():
    tests = sorted((ALERTS / "tests").glob("*_test.yml"))
    result = promtool("test", "rules", *map(str, tests))
    assert result.returncode == 0, result.stdout + result.stderr
    alerts = {rule["alert"] for path in ALERTS.glob("*.rules.yml") for group in yaml.safe_load(path.read_text())["groups"] for rule in group["rules"] if "alert" in rule}
    tested = {case["alertname"] for path in tests for test in yaml.safe_load(path.read_text())["tests"] for case in test.get("alert_rule_test", [])}
    assert alerts <= tested, f"alerts without a unit test: {sorted(alerts - tested)}"
