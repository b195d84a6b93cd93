"""Engines by name: `build_engine("cpu-art")`, `build_engine("diffusers", model=path, device="cuda")`.

Each entry names its module and class, imported only when that engine is built, so choosing
"cpu-art" never imports torch or diffusers. Options are the engine class's keyword arguments;
an unknown engine name or option is a ValueError that lists what is accepted.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from typing import Any

from gpu_worker.domain.images import ImageEngine

#: name -> "module:Class", imported lazily.
ENGINES: dict[str, str] = {
    "cpu-art": "gpu_worker.adapters.engines.cpu_art:CpuArtEngine",
    "diffusers": "gpu_worker.adapters.engines.diffusers_engine:DiffusersEngine",
}


def engine_names() -> list[str]:
    return sorted(ENGINES)


def engine_class(name: str) -> Callable[..., ImageEngine]:
    try:
        target = ENGINES[name]
    except KeyError:
        raise ValueError(f"unknown image engine {name!r}; known: {', '.join(engine_names())}") from None
    module_name, _, class_name = target.partition(":")
    engine: Callable[..., ImageEngine] = getattr(importlib.import_module(module_name), class_name)  # an ENGINES class
    return engine


def engine_options(name: str) -> list[str]:
    """The option names `build_engine(name, ...)` accepts."""
    params = inspect.signature(engine_class(name)).parameters.values()
    return [p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]


def build_engine(name: str, **options: Any) -> ImageEngine:
    """A new, not yet loaded engine; call `load()` on it in the worker process that uses it."""
    cls = engine_class(name)
    accepted = engine_options(name)
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise ValueError(
            f"unknown option(s) {', '.join(unknown)} for image engine {name!r}; "
            f"accepted: {', '.join(accepted) or '(none)'}"
        )
    return cls(**options)
