"""The soak checker's reading of each fault's alerts: fired when, paged in Slack, resolved. An alert
an earlier fault set off may already be firing when a fault starts; its Slack page came before the
fault and still counts, and the report says the alert predates the fault."""

from __future__ import annotations

from soak.checker import Findings, evaluate, report
from soak.stack import Fault

T0 = 1_000.0


def _slack(at: float, title: str) -> dict:
    return {"at": at, "body": {"attachments": [{"title": title}]}}


def _outcome(spans: dict, slack: list[dict]):
    fault = Fault(at=100, kind="kill", target=["cdc-projector"], hold=10, alerts=["GridamCdcLagHigh"],
                  started_at=T0 + 100, healed_at=T0 + 110)
    history = [{"at": T0 + s, "user": "u", "op": "GET /api/feed", "status": 200, "code": "COMMON200"} for s in range(0, 300, 5)]
    return evaluate(history, [fault], Findings(), spans, slack, {"GridamCdcLagHigh": "10m"}, T0 + 400, [])


def test_an_alert_fired_during_the_fault_is_paged_by_a_message_after_it():
    outcome = _outcome({"GridamCdcLagHigh": [(T0 + 130, T0 + 250)]},
                       [_slack(T0 + 160, "[FIRING:1] GridamCdcLagHigh (gridam)"), _slack(T0 + 260, "[RESOLVED] GridamCdcLagHigh (gridam)")])
    check = outcome.faults[0].alerts[0]
    assert (check.fired_after_s, check.paged, check.resolved, check.resolved_in_slack) == (30, True, True, True)
    assert "fired +30 s, paged, resolved (resolved message sent)" in report(outcome, [], {"started": 0, "finished": 0, "aborted": 0, "dropped": 0})


def test_an_alert_already_firing_counts_the_page_sent_before_the_fault():
    outcome = _outcome({"GridamCdcLagHigh": [(T0 + 20, T0 + 395)]}, [_slack(T0 + 45, "[FIRING:1] GridamCdcLagHigh (gridam)")])
    check = outcome.faults[0].alerts[0]
    assert (check.fired_after_s, check.paged, check.resolved) == (-80, True, False)
    text = report(outcome, [], {"started": 0, "finished": 0, "aborted": 0, "dropped": 0})
    assert "already firing (80 s before this fault), paged, still firing" in text


def test_a_page_for_another_alert_is_not_this_alerts_page():
    outcome = _outcome({"GridamCdcLagHigh": [(T0 + 130, T0 + 250)]}, [_slack(T0 + 160, "[FIRING:1] GridamUserAbsent (gridam)")])
    assert outcome.faults[0].alerts[0].paged is False
