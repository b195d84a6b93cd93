"""The whole mesh finding its services through a real Consul agent (v1.22.7 `consul agent -dev`),
under a steady load of API reads through the gateway: the agent down for 20 s and back without
its state, one of two instances SIGKILLed, a service started while the agent is down. Every
request is counted; the figures are printed at the end of the run (and are in docs/configuration.md)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from gridam_devtools.devstack import DevStack
from tests.support.api import Api, User
from tests.support.days import today
from tests.support.load import SteadyLoad
from tests.support.servers import Consul, free_port
from tests.support.waiting import wait_until

REGISTERING = ("gridam-user", "gridam-diary", "gridam-emotion", "gridam-card", "gridam-imagegen")
OUTAGE_S = 20.0
RECOVERY_LIMIT_S = 10.0


@pytest.fixture(scope="module")
def user(consul_stack: DevStack) -> Iterator[User]:
    api = Api(consul_stack)
    yield api.new_user()
    api.http.close()


def reads() -> list[str]:
    """One read of each service the gateway calls, and the readiness probe."""
    return ["/api/users/profile", "/api/diary/list", "/api/v1/word-cloud", f"/api/emotion-cards/date?date={today()}", "/readyz"]


def metric(url: str, name: str, **labels: str) -> float:
    """The sum of a metric's samples (with these labels) on a /metrics page."""
    text = httpx.get(url, timeout=5).text
    return sum(
        s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == name and labels.items() <= s.labels.items()
    )


def all_registered(consul: Consul) -> bool:
    return all(consul.passing_instances(service) for service in REGISTERING)


def test_agent_down_20s_then_back_without_its_state(consul_stack, consul_stack_agent, user, figures):
    gateway_metrics = f"http://127.0.0.1:{consul_stack.metrics_port('gateway')}/metrics"
    wait_until(lambda: all_registered(consul_stack_agent), "every service registered")
    with SteadyLoad(consul_stack.http_url, reads(), user.headers) as load:
        load.wait_for_successes(20)
        consul_stack_agent.stop()
        down_at = time.monotonic()
        wait_until(lambda: metric(gateway_metrics, "gridam_discovery_unconfirmed_instances") > 0,
                   "the gateway exports its last known instances")
        time.sleep(max(0.0, OUTAGE_S - (time.monotonic() - down_at)))
        consul_stack_agent.start()  # returns once it answers, knowing no service
        answering_at = time.monotonic()
        registered_at: dict[str, float] = {}

        def every_service_registered() -> bool:
            for service in REGISTERING:
                if service not in registered_at and consul_stack_agent.passing_instances(service):
                    registered_at[service] = time.monotonic() - answering_at
            return len(registered_at) == len(REGISTERING)

        wait_until(every_service_registered, "every service registered again", timeout=60, interval=0.2)
        wait_until(lambda: metric(gateway_metrics, "gridam_discovery_unconfirmed_instances") == 0,
                   "the gateway sees every instance it uses confirmed by Consul")
        load.wait_for_successes(20, after=time.monotonic())

    during, after = load.between(down_at, answering_at), load.between(answering_at)
    first_success_after = min(a.at for a in after if a.ok) - answering_at
    slowest = max(registered_at, key=registered_at.__getitem__)
    figures.append(
        f"mesh, Consul down {answering_at - down_at:.0f}s then back without its state: {len(load.failed(during))} of "
        f"{len(during)} requests failed while down, {len(load.failed(after))} of {len(after)} after; every service "
        f"registered again within {registered_at[slowest]:.1f}s ({slowest} last); first success {first_success_after:.2f}s "
        f"after the agent answered"
    )
    assert load.failed(load.answers) == []
    assert registered_at[slowest] <= RECOVERY_LIMIT_S
    assert first_success_after <= RECOVERY_LIMIT_S


def test_sigkill_of_one_of_two_emotion_instances_under_load(consul_stack, consul_stack_agent, user, figures):
    port, metrics_port = free_port(), free_port()
    extra = consul_stack.start_instance("emotion-service", port, metrics_port=metrics_port)
    extra_id = f"gridam-emotion-127.0.0.1-{port}"
    wait_until(lambda: extra_id in consul_stack_agent.passing_instances("gridam-emotion"), "the second instance passing")
    original_metrics = f"http://127.0.0.1:{consul_stack.metrics_port('emotion-service')}/metrics"
    extra_metrics = f"http://127.0.0.1:{metrics_port}/metrics"

    def word_clouds(url: str) -> float:
        return metric(url, "grpc_server_started_total", grpc_method="GetWordClouds")

    with SteadyLoad(consul_stack.http_url, ["/api/v1/word-cloud"], user.headers) as load:
        before = word_clouds(original_metrics)
        wait_until(lambda: word_clouds(extra_metrics) >= 5 and word_clouds(original_metrics) >= before + 5,
                   "calls spread over both instances")
        extra.process.kill()
        killed_at = time.monotonic()
        wait_until(lambda: extra_id not in consul_stack_agent.passing_instances("gridam-emotion"),
                   "Consul reports the killed instance critical")
        critical_after = time.monotonic() - killed_at
        load.wait_for_successes(50, after=time.monotonic())
    extra.process.wait()

    until_critical = load.between(killed_at, killed_at + critical_after)
    figures.append(
        f"mesh, SIGKILL of one of two emotion instances: {len(load.failed(load.answers))} of {len(load.answers)} "
        f"requests failed, {len(load.failed(until_critical))} of {len(until_critical)} in the {critical_after:.1f}s "
        f"until Consul reported it critical"
    )
    assert load.failed(load.answers) == []


def test_a_service_started_while_consul_is_down_serves_and_registers_when_it_starts(
    consul_stack, consul_stack_agent, figures
):
    port = free_port()
    instance_id = f"gridam-emotion-127.0.0.1-{port}"
    consul_stack_agent.stop()
    try:
        instance = consul_stack.start_instance("emotion-service", port)  # waits until it serves
    finally:
        consul_stack_agent.start()
    answering_at = time.monotonic()
    wait_until(lambda: instance_id in consul_stack_agent.passing_instances("gridam-emotion"),
               "registered, its check passing, once the agent answers")
    registered_after = time.monotonic() - answering_at
    instance.process.terminate()
    instance.process.wait(30)

    figures.append(f"mesh, emotion service started while Consul was down: served at once, registered and passing "
                   f"{registered_after:.1f}s after the agent answered")
    assert instance.process.returncode == 0
