"""Test-session fixtures: real MariaDB, Redis, Kafka, FerretDB and Consul (each started on first use),
the OAuth provider and SENS test doubles, and the whole mesh (services + gateway as separate processes)
on both profiles."""

from __future__ import annotations

import hashlib
import os
import pathlib
import shutil
import tempfile
from collections.abc import Iterator

import pytest

from gridam_devtools.devstack import DevStack
from tests.doubles.oauth_provider import OAuthProviderDouble
from tests.doubles.sens_sms_provider import SensSmsProviderDouble
from tests.support.servers import Consul, FerretDb, Kafka, MariaDb, Redis, stack_env

_FIGURES: list[str] = []


@pytest.fixture(scope="session")
def figures() -> list[str]:
    """Lines a test measured (failure counts, recovery times), printed at the end of the run."""
    return _FIGURES


def pytest_terminal_summary(terminalreporter) -> None:
    if _FIGURES:
        terminalreporter.section("figures measured by the tests")
        for line in _FIGURES:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def infra_root() -> Iterator[pathlib.Path]:
    # Not under pytest's tmp folder: that one is private to root, and mariadbd runs as mysql.
    root = pathlib.Path(tempfile.mkdtemp(prefix="gridam-test-"))
    root.chmod(0o755)
    yield root
    if os.environ.get("GRIDAM_TEST_KEEP"):  # keep the logs and data for a post-mortem
        print(f"\ntest data kept in {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)


def _started(server):
    """A server for the whole session: started on first use, stopped at the end."""
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sens_provider() -> Iterator[SensSmsProviderDouble]:
    """The SENS test double the user service layer sends its phone codes to (in-process worlds)."""
    yield from _started(SensSmsProviderDouble())


@pytest.fixture(scope="session")
def mariadb(infra_root: pathlib.Path) -> Iterator[MariaDb]:
    yield from _started(MariaDb(infra_root / "mariadb"))


@pytest.fixture(params=["mariadb", "sqlite"])
def database_url(request, tmp_path: pathlib.Path) -> str:
    """A new, empty database for one test, on real MariaDB (the distributed profile) and on
    SQLite (the embedded one)."""
    if request.param == "mariadb":
        name = "gridam_test_" + hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:16]
        return request.getfixturevalue("mariadb").create_database(name)
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(scope="session")
def redis_server(infra_root: pathlib.Path) -> Iterator[Redis]:
    yield from _started(Redis(infra_root / "redis"))


@pytest.fixture(scope="session")
def kafka(infra_root: pathlib.Path) -> Iterator[Kafka]:
    yield from _started(Kafka(infra_root / "kafka"))


@pytest.fixture(scope="session")
def ferretdb(infra_root: pathlib.Path) -> Iterator[FerretDb]:
    yield from _started(FerretDb(infra_root / "ferretdb"))


@pytest.fixture(scope="session")
def consul(infra_root: pathlib.Path) -> Iterator[Consul]:
    """One Consul agent for the tests that neither stop it nor need ACLs (those start their own)."""
    yield from _started(Consul(infra_root / "consul"))


@pytest.fixture(scope="session")
def oauth_provider() -> Iterator[OAuthProviderDouble]:
    yield from _started(OAuthProviderDouble())


def _oauth_env(double: OAuthProviderDouble) -> dict[str, str]:
    env = {}
    for provider in ("kakao", "naver"):
        for field, value in double.endpoint_kwargs(provider).items():
            env[f"GRIDAM_{provider.upper()}_{field.upper()}"] = value
    return env


def _stack_settings(oauth_provider: OAuthProviderDouble) -> dict[str, str]:
    return {
        # The e2e tests send X-Forwarded-For to act as many clients; the limit itself is
        # tested with its own address.
        "GRIDAM_LOGIN_MAX_ATTEMPTS_PER_ADDRESS": "5",
        "GRIDAM_CORS_ORIGINS": "http://localhost:5173",
        # Short leases and back-off: the pipeline tests kill workers mid-job and wait for recovery.
        "GRIDAM_JOB_LEASE_SECONDS": "5",
        "GRIDAM_JOB_BASE_BACKOFF_SECONDS": "0.5",
        # A tiny gpu-worker queue, so bursts of cards overflow it and the card service's
        # retries on RESOURCE_EXHAUSTED are exercised. Requests wait in it for a batch to fill
        # for up to the batch wait: 250 ms (not 20) so that a burst overflows it even when a slow
        # machine spreads the burst's requests out.
        "GRIDAM_MAX_QUEUE": "2",
        "GRIDAM_MAX_BATCH_WAIT_MS": "250",
        "GRIDAM_BUSY_RETRIES": "30",
        # The slow-client tests wait this long for the gateway to cut them off.
        "GRIDAM_HTTP_HEADER_TIMEOUT_SECONDS": "3",
        "GRIDAM_HTTP_BODY_TIMEOUT_SECONDS": "3",
        # Low enough for a test to reach it through the gateway; the others draw once per user.
        "GRIDAM_LIMIT_WORD_CLOUD_GENERATIONS": "2/3600",
        # Deleted diaries' markers: kept past the job lease (5 s) and the call timeout (30 s)
        # only, so the account deletion test sees them go.
        "GRIDAM_DELETED_DIARY_MARKER_SECONDS": "40",
        **_oauth_env(oauth_provider),
    }


def _running(env: dict[str, str], data_dir: pathlib.Path) -> Iterator[DevStack]:
    dev = DevStack(env, log_dir=data_dir)
    try:
        dev.start()
    except Exception:
        dev.stop()
        for log in data_dir.glob("*.log"):
            print(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}")
        raise
    yield dev
    dev.stop()


@pytest.fixture(scope="session", params=["distributed", "embedded"])
def stack(request, infra_root: pathlib.Path, oauth_provider: OAuthProviderDouble) -> Iterator[DevStack]:
    """The mesh over HTTP. `distributed`: MariaDB + Redis; `embedded`: SQLite + in-process state."""
    profile = request.param
    data_dir = infra_root / f"stack-{profile}"
    servers = (request.getfixturevalue("mariadb"), request.getfixturevalue("redis_server")) if profile == "distributed" else ()
    yield from _running(stack_env(data_dir, *servers) | _stack_settings(oauth_provider), data_dir)


@pytest.fixture(scope="session")
def read_model_stack(infra_root, mariadb, redis_server, kafka, ferretdb, oauth_provider) -> Iterator[DevStack]:
    """The distributed mesh with the CDC reader and projector: search, statistics and word
    clouds read the MongoDB read model. Databases of its own (gridam_rm_*)."""
    data_dir = infra_root / "stack-read-model"
    env = stack_env(data_dir, mariadb, redis_server, databases="gridam_rm", kafka=kafka, ferretdb=ferretdb)
    yield from _running(env | _stack_settings(oauth_provider), data_dir)


@pytest.fixture(scope="session")
def consul_stack_agent(infra_root: pathlib.Path) -> Iterator[Consul]:
    """The Consul agent of `consul_stack` alone: its tests stop and restart it."""
    yield from _started(Consul(infra_root / "consul-stack"))


@pytest.fixture(scope="session")
def consul_stack(infra_root, mariadb, redis_server, consul_stack_agent, oauth_provider) -> Iterator[DevStack]:
    """The distributed mesh finding its services through Consul (databases gridam_consul_*)."""
    data_dir = infra_root / "stack-consul"
    env = stack_env(data_dir, mariadb, redis_server, databases="gridam_consul") | {
        "GRIDAM_DISCOVERY": "consul",
        "GRIDAM_CONSUL_HTTP_ADDR": consul_stack_agent.http_addr,
        "GRIDAM_WORKER_PROCESSES": "1",  # the gpu-worker's: no card is drawn here
    }
    yield from _running(env | _stack_settings(oauth_provider), data_dir)
