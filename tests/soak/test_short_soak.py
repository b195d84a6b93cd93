"""The short game day (`make soak` runs the 15-minute one): the distributed stack under a steady
load of real journeys while a service is SIGKILLed, Redis restarts and three gpu-worker processes
die, with Prometheus and Alertmanager running the chart's own rules and Slack route. Nothing
acknowledged is lost, every invariant holds after the drain, each fault recovers in time, and the
alert the faults trip pages in the Slack sink."""

from __future__ import annotations

import pytest

from soak.__main__ import SCHEDULES, run

pytestmark = pytest.mark.e2e


def test_short_soak_loses_nothing_recovers_and_pages_slack(tmp_path, figures):
    outcome, text = run(minutes=2.5, rate=1.5, schedule=SCHEDULES / "short.yml", out=tmp_path)
    figures.append(
        f"short soak: {len(outcome.requests)} requests, {100 * outcome.success_outside:.2f} % ok outside fault windows, "
        f"recovery " + ", ".join(f"{f.fault.name} {f.recovery_s if f.recovery_s is None else round(f.recovery_s, 1)} s" for f in outcome.faults)
    )
    assert outcome.findings.ok, text
    assert len(outcome.faults) == 3, text
    assert all(f.recovered_in_time for f in outcome.faults), text
    # The 15-minute soak aims at 99 % (bench/soak-report.md has its figure); on a shared 2-core CI
    # machine, reads of the MongoDB read model (statistics) time out now and then under this load.
    assert outcome.success_outside >= 0.95, text
    restarting = next(c for f in outcome.faults for c in f.alerts if c.alert == "GridamImagegenWorkersRestarting")
    assert restarting.fired_after_s is not None and restarting.paged, text
