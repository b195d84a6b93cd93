"""What the Kubernetes probes see during a database outage, on the distributed profile: the mesh
runs on a MariaDB of its own, which is stopped for 30 s and started again.

- Liveness (gRPC health `liveness`, which the chart's liveness and startup probes ask for) of every
  MySQL-backed service stays SERVING throughout: no pod would be restarted.
- Readiness (gRPC health of the service's own name, the chart's readiness probe) goes NOT_SERVING
  while the database is down, and SERVING again once it is back: pods leave the balancer, then return.
- The gateway's /healthz (its probes) answers 200 throughout, and no process exits.
"""

from __future__ import annotations

import pathlib
import time
from collections.abc import Iterator

import httpx
import pytest

from gridam_devtools.devstack import SERVICES, DevStack, grpc_serving
from gridam_runtime.server import LIVENESS_SERVICE
from tests.support.servers import MariaDb, Redis, private_mariadb, stack_env

OUTAGE_SECONDS = 30
POLL_SECONDS = 0.5
MYSQL_BACKED = [spec for spec in SERVICES if spec.migrates]


@pytest.fixture
def outage_stack(infra_root: pathlib.Path, redis_server: Redis) -> Iterator[tuple[DevStack, MariaDb]]:
    with private_mariadb(infra_root / "mariadb-outage") as mariadb:
        data_dir = infra_root / "stack-outage"
        stack = DevStack(stack_env(data_dir, mariadb, redis_server, databases="gridam_outage"), log_dir=data_dir)
        try:
            stack.start()
            yield stack, mariadb
        finally:
            stack.stop()


def probe(stack: DevStack) -> dict[str, tuple[bool, bool]]:
    """(live, ready) of every MySQL-backed service, as the chart's gRPC probes ask."""
    return {
        spec.name: (grpc_serving(stack.address(spec), LIVENESS_SERVICE), grpc_serving(stack.address(spec), spec.health_service))
        for spec in MYSQL_BACKED
    }


def gateway_healthy(stack: DevStack) -> bool:
    try:
        return httpx.get(stack.http_url + "/healthz", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def test_a_database_outage_takes_services_out_of_the_balancer_and_restarts_none(outage_stack, figures):
    stack, mariadb = outage_stack
    names = [spec.name for spec in MYSQL_BACKED]
    assert probe(stack) == dict.fromkeys(names, (True, True))

    mariadb.stop()
    samples: list[dict[str, tuple[bool, bool]]] = []
    gateway: list[bool] = []
    end = time.monotonic() + OUTAGE_SECONDS
    while time.monotonic() < end:
        samples.append(probe(stack))
        gateway.append(gateway_healthy(stack))
        time.sleep(POLL_SECONDS)

    restarted = time.monotonic()
    mariadb.launch()
    recovery_samples = 0
    while True:
        sample = probe(stack)
        samples.append(sample)
        gateway.append(gateway_healthy(stack))
        if all(ready for _, ready in sample.values()):
            break
        recovery_samples += 1
        # A hang guard, not a timing target: readiness is checked every 5 s.
        assert recovery_samples < 600, f"readiness never came back: {sample}"
        time.sleep(POLL_SECONDS)
    figures.append(f"MariaDB outage of {OUTAGE_SECONDS} s: readiness of every service back "
                   f"{time.monotonic() - restarted:.1f} s after MariaDB was started again")

    for name in names:
        assert all(s[name][0] for s in samples), f"{name}: liveness failed during the outage (the pod would restart)"
        assert any(not s[name][1] for s in samples), f"{name}: readiness never reported the outage"
    assert all(gateway), "the gateway's /healthz failed during the outage"
    exited = [m.name for m in stack.processes if m.process.poll() is not None]
    assert exited == []
