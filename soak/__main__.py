"""The game day: the distributed stack under a steady load of journeys while the schedule's faults
are applied, then a drain, the invariants and the report.

    python -m soak [--minutes 15] [--rate 2] [--schedule soak/schedules/default.yml] [--out var/soak]

Exit status 1 when an invariant is violated."""

from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import sys
import tempfile
import threading
import time

from soak.checker import Outcome, alert_spans, check, evaluate, report, write_report
from soak.load import History, Journeys, read_history
from soak.stack import SoakStack, load_schedule
from tests.support.servers import ROOT

SCHEDULES = pathlib.Path(__file__).parent / "schedules"


def run(minutes: float, rate: float, schedule: pathlib.Path, out: pathlib.Path, concurrency: int = 24) -> tuple[Outcome, str]:
    """Run one soak; its figures and its report."""
    out.mkdir(parents=True, exist_ok=True)
    faults = load_schedule(schedule)
    root = pathlib.Path(tempfile.mkdtemp(prefix="gridam-soak-"))
    stack = SoakStack(root)
    history_path = out / "history.jsonl"
    history_path.unlink(missing_ok=True)
    ending, supervisor_stop = threading.Event(), threading.Event()
    chaos = supervisor = journeys = None
    try:
        print(f"starting the stack under {root}", flush=True)
        stack.start()
        history = History(history_path)
        journeys = Journeys(stack.dev, history, rate=rate, concurrency=concurrency)
        started = time.time()
        journeys.start()

        def apply_faults() -> None:
            for fault in faults:
                delay = started + fault.at - time.time()
                if ending.wait(max(0.0, delay)):
                    return
                print(f"+{time.time() - started:5.0f} s  {fault.name}", flush=True)
                stack.apply(fault)

        chaos = threading.Thread(target=apply_faults, name="faults")
        chaos.start()
        supervisor = threading.Thread(target=stack.supervise, args=(supervisor_stop,), name="supervisor")
        supervisor.start()
        time.sleep(max(0.0, started + minutes * 60 - time.time()))
        ending.set()  # no new fault; one in progress is held and healed to the end
        chaos.join()
        journeys.stop()
        history.close()
        ended = time.time()
        print("load stopped; draining", flush=True)
        findings = check(stack, read_history(history_path))
        looked_at = time.time()
        spans = alert_spans(stack, started - 60, looked_at)
        slack = list(stack.monitoring.sink.messages)
        outcome = evaluate(read_history(history_path), faults, findings, spans, slack, stack.monitoring.rules_for, looked_at,
                           stack.exits)
        counts = {"started": journeys.started, "finished": journeys.finished, "aborted": journeys.aborted, "dropped": journeys.dropped}
        text = (f"# GriDam soak: {minutes:g} min, {rate:g} journeys/s, schedule {schedule.name}\n\n"
                f"Load from {time.strftime('%H:%M:%S', time.gmtime(started))} to {time.strftime('%H:%M:%S', time.gmtime(ended))} UTC "
                f"on {os.cpu_count()} cores; history: {history_path}\n\n" + report(outcome, slack, counts))
        write_report(out / "report.md", text)
        return outcome, text
    finally:  # also on Ctrl-C: no fault is left half applied, nothing is left running
        ending.set()
        supervisor_stop.set()
        for thread in (chaos, supervisor):
            if thread is not None:
                thread.join()
        if journeys is not None:
            journeys.stop()
        stack.stop()
        if not os.environ.get("GRIDAM_TEST_KEEP"):  # keep the logs and data for a post-mortem
            shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=15)
    # 2 journeys/s is what the whole stack on one 2-core machine serves with room for its faults: a
    # new user's sign-up and login hash a password twice (argon2, ~224 ms of CPU each), and every
    # process, server and Prometheus share the same two cores (bench/soak-report.md).
    parser.add_argument("--rate", type=float, default=2, help="journeys started per second")
    parser.add_argument("--concurrency", type=int, default=24, help="journeys in flight at most")
    parser.add_argument("--schedule", type=pathlib.Path, default=SCHEDULES / "default.yml")
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "var" / "soak")
    args = parser.parse_args()
    outcome, text = run(args.minutes, args.rate, args.schedule, args.out, args.concurrency)
    print(text)
    sys.exit(0 if outcome.findings.ok else 1)


if __name__ == "__main__":
    main()
