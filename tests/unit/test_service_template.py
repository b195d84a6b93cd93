"""Every deployable follows docs/service-template.md: the same top-level names, by kind."""

from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "docs" / "service-template.md"

EVERY = {"__init__.py", "__main__.py", "config.py", "bootstrap.py", "domain/", "service_layer/", "adapters/"}
GRPC = {"servicer.py"}
DATABASE = {"unit_of_work.py"}
# Below the top level, what a service that owns a database has.
DATABASE_INSIDE = {"service_layer/dependencies.py", "adapters/orm.py", "adapters/repository.py"}

# package folder -> (gRPC service, owns a database)
DEPLOYABLES = {
    "services/user/user_service": (True, True),
    "services/diary/diary_service": (True, True),
    "services/emotion/emotion_service": (True, True),
    "services/card/card_service": (True, True),
    "services/cdc/cdc_service": (False, False),
    "gpu-worker/gpu_worker": (True, False),
}


def top_level(package: pathlib.Path) -> set[str]:
    return {p.name + "/" if p.is_dir() else p.name for p in package.iterdir() if p.name != "__pycache__"}


@pytest.mark.parametrize("folder", DEPLOYABLES)
def test_a_deployable_has_exactly_the_top_level_of_its_kind(folder: str):
    grpc, database = DEPLOYABLES[folder]
    package = ROOT / folder
    expected = EVERY | (GRPC if grpc else set()) | (DATABASE if database else set())
    found = top_level(package)
    assert not found - expected, f"{folder}: not in the template (move it into domain/, service_layer/ or adapters/)"
    assert not expected - found, f"{folder}: missing from the template"
    for sub in ("domain", "service_layer", "adapters"):
        assert (package / sub / "__init__.py").is_file(), f"{folder}/{sub} is no package"
    if database:
        assert all((package / name).is_file() for name in DATABASE_INSIDE), f"{folder}: {DATABASE_INSIDE}"
        assert (package.parent / "migrations" / "env.py").is_file(), f"{folder}: no migrations beside it"


def test_every_deployable_is_checked():
    packages = {str(p.parent.relative_to(ROOT)) for p in ROOT.glob("services/*/*/__main__.py")}
    packages |= {str(p.parent.relative_to(ROOT)) for p in ROOT.glob("gpu-worker/*/__main__.py")}
    assert packages == set(DEPLOYABLES)


def test_the_template_page_lists_what_this_test_checks():
    text = TEMPLATE.read_text()
    for name in EVERY | GRPC | DATABASE | DATABASE_INSIDE | {"../migrations/"}:
        assert f"`{name}`" in text, name


@pytest.mark.parametrize("folder", [f for f, (grpc, _) in DEPLOYABLES.items() if grpc])
def test_a_servicer_only_awaits_use_cases(folder: str):
    """One concurrency style per layer: the use case runs its blocking parts in threads, so a
    servicer that hops to a thread itself calls a use case that is not async."""
    tree = ast.parse((ROOT / folder / "servicer.py").read_text())
    threads = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Attribute) and node.attr == "to_thread"]
    assert not threads, f"{folder}/servicer.py starts threads itself on lines {threads}"
