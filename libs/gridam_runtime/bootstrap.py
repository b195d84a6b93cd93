"""Wiring shared by every process: discovery from settings."""

from __future__ import annotations

from gridam_runtime.discovery import ConsulDiscovery, Discovery, StaticDiscovery
from gridam_runtime.settings import BaseGridamSettings


def build_discovery(settings: BaseGridamSettings) -> Discovery:
    if settings.discovery == "consul":
        host, port = settings.consul_host_port
        return ConsulDiscovery(host, port)
    return StaticDiscovery(settings.static_addresses())
