"""The command line every service process shares: `python -m <service> [command]`.

    python -m user_service            # serve (the default)
    python -m user_service migrate    # bring its database to the newest schema
    python -m diary_service worker    # a service's extra commands (here: pipeline workers)

Settings are read once (exit 2 naming a bad variable), JSON logging is configured, and a
command that returns a coroutine runs on uvloop (`server.run`).
"""

from __future__ import annotations

import argparse
import inspect
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from gridam_runtime import server
from gridam_runtime.logs import configure_logging
from gridam_runtime.settings import BaseGridamSettings, load_settings

S = TypeVar("S", bound=BaseGridamSettings)


def service_main(
    prog: str,
    settings_cls: type[S],
    commands: Mapping[str, Callable[[S], Any]],
    *,
    component: str,
    components: Mapping[str, str] | None = None,
) -> None:
    """`commands` maps a command name to what runs it (the first one is the default);
    `component` names the process in logs, `components` overrides it per command."""
    parser = argparse.ArgumentParser(prog=prog, description=f"GriDam {component}")
    default = next(iter(commands))
    parser.add_argument("command", choices=list(commands), nargs="?", default=default)
    args = parser.parse_args()
    settings = load_settings(settings_cls)
    configure_logging((components or {}).get(args.command, component), settings.log_level)
    result = commands[args.command](settings)
    if inspect.iscoroutine(result):
        server.run(result)
