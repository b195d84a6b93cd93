"""What an operator configures for Consul discovery, and the channel target callers build from
discovery's instances (the behaviour itself is tested against a real agent: tests/integration)."""

from __future__ import annotations

import os

import pytest

from gridam_runtime.clients import channel_target
from gridam_runtime.discovery import Endpoint
from gridam_runtime.settings import BaseGridamSettings, ServiceSettings, load_settings


@pytest.fixture(autouse=True)
def no_gridam_environment(monkeypatch):
    for key in [k for k in os.environ if k.startswith("GRIDAM_")]:
        monkeypatch.delenv(key)


def test_the_token_comes_from_the_variable_or_from_the_file(monkeypatch, tmp_path):
    monkeypatch.setenv("GRIDAM_CONSUL_TOKEN", "from-variable")
    assert BaseGridamSettings().consul_acl_token == "from-variable"

    monkeypatch.delenv("GRIDAM_CONSUL_TOKEN")
    (tmp_path / "token").write_text("from-file\n")
    monkeypatch.setenv("GRIDAM_CONSUL_TOKEN_FILE", str(tmp_path / "token"))
    assert BaseGridamSettings().consul_acl_token == "from-file"


def test_the_token_is_not_shown_with_the_settings(monkeypatch):
    monkeypatch.setenv("GRIDAM_CONSUL_TOKEN", "secret-token")
    assert "secret-token" not in repr(BaseGridamSettings())


def test_both_token_settings_at_once_stop_the_process(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("GRIDAM_CONSUL_TOKEN", "a")
    monkeypatch.setenv("GRIDAM_CONSUL_TOKEN_FILE", str(tmp_path / "token"))

    with pytest.raises(SystemExit) as exited:
        load_settings(BaseGridamSettings)
    assert exited.value.code == 2
    assert "set GRIDAM_CONSUL_TOKEN or GRIDAM_CONSUL_TOKEN_FILE, not both" in capsys.readouterr().err


def test_consul_reaps_critical_instances_after_a_minute_by_default_and_never_sooner(monkeypatch, capsys):
    assert ServiceSettings().consul_deregister_critical_after_seconds == 60

    monkeypatch.setenv("GRIDAM_CONSUL_DEREGISTER_CRITICAL_AFTER_SECONDS", "30")
    with pytest.raises(SystemExit):
        load_settings(ServiceSettings)
    assert "GRIDAM_CONSUL_DEREGISTER_CRITICAL_AFTER_SECONDS" in capsys.readouterr().err


def test_with_consul_an_instance_advertises_an_ip_address(monkeypatch, capsys):
    monkeypatch.setenv("GRIDAM_DISCOVERY", "consul")
    monkeypatch.setenv("GRIDAM_ADVERTISE_HOST", "user-0.gridam")

    with pytest.raises(SystemExit):
        load_settings(ServiceSettings)
    assert "GRIDAM_ADVERTISE_HOST must be an IP address" in capsys.readouterr().err

    monkeypatch.setenv("GRIDAM_ADVERTISE_HOST", "10.1.2.3")
    assert load_settings(ServiceSettings).advertise_host == "10.1.2.3"


def test_one_channel_reaches_every_instance():
    assert channel_target((Endpoint("gridam-user", 50051),)) == "gridam-user:50051"  # resolved by gRPC (DNS)
    assert channel_target((Endpoint("10.0.0.1", 50051), Endpoint("10.0.0.2", 50051))) == "ipv4:10.0.0.1:50051,10.0.0.2:50051"
    assert channel_target((Endpoint("fd00::1", 50051), Endpoint("fd00::2", 50051))) == "ipv6:[fd00::1]:50051,[fd00::2]:50051"
    with pytest.raises(ValueError, match="IP addresses"):
        channel_target((Endpoint("a.example", 1), Endpoint("b.example", 1)))
    with pytest.raises(ValueError, match="mix IPv4 and IPv6"):
        channel_target((Endpoint("10.0.0.1", 1), Endpoint("fd00::1", 1)))
