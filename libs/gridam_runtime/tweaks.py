"""The performance tweaks that depend on a library's internals, in one place: each one named, with
the setting that turns it off. What each one gains, and how it was measured: docs/performance.md.
Whoever upgrades grpcio re-checks this module (its guard tests: tests/unit/test_grpc_experiments.py,
tests/unit/test_grpc_poller.py).

- `GRPC_EXPERIMENTS`: gRPC's EventEngine off for connections. Off: `GRPC_EXPERIMENTS=` (empty).
- `lower_poller_priority`: grpc.aio's poller thread nicer than the event loop. Off:
  `GRIDAM_GRPC_POLLER_NICENESS=0`.
"""

from __future__ import annotations

import logging
import os
import sys
import threading

log = logging.getLogger("gridam.grpc")

# gRPC's EventEngine, on by default for Python since grpcio 1.80, reads and writes connections on
# threads of its own, so each completion hops event_engine thread → grpc.aio's poller thread →
# event loop. These two experiments turn it off for connections (gRPC's iomgr path, its default
# until 1.79) while the pinned grpcio still has them. gRPC reads the variable once, when it starts,
# so it is set in the environment a process starts with (DevStack, the Dockerfiles), never from
# Python after `import grpc`; DevStack keeps a value the environment sets, an empty one included.
GRPC_EXPERIMENTS = "-event_engine_client,-event_engine_listener"

# grpc.aio waits for gRPC's completions on a thread of its own (the "poller"), which wakes the
# process's event loop for each one. At normal priority the kernel lets the woken poller preempt
# the event loop on the same core, several times per call (a server call completes four
# batches), and the loop's work is cut into pieces that each pay a context switch. A few steps
# nicer, the poller runs when the loop waits (for the network, for the database) and hands over
# what has completed by then in one go. Linux applies `setpriority(PRIO_PROCESS, tid)` to one
# thread; elsewhere this does nothing. Raising a thread's niceness needs no privilege, so it also
# works in an unprivileged container.

# grpc.aio starts its poller as threading.Thread(target=PollerCompletionQueue._poll_wrapper),
# which Python names "Thread-N (_poll_wrapper)". tests/unit/test_grpc_poller.py fails if a
# grpcio upgrade changes that.
POLLER_THREAD_MARK = "(_poll_wrapper)"
MAX_NICENESS = 19


def poller_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.endswith(POLLER_THREAD_MARK) and t.native_id is not None]


def lower_poller_priority(steps: int) -> list[int]:
    """Make grpc.aio's poller thread(s) `steps` nicer than the main thread (at most 19);
    returns their thread ids. Idempotent: the niceness is set, not added. Call it once grpc.aio
    has started (after creating a server or channel); `steps` 0 leaves them as they are."""
    main_id = threading.main_thread().native_id  # None only before a thread starts
    if steps <= 0 or not sys.platform.startswith("linux") or main_id is None:
        return []
    niceness = min(MAX_NICENESS, os.getpriority(os.PRIO_PROCESS, main_id) + steps)
    lowered = []
    for thread in poller_threads():
        native_id = thread.native_id
        if native_id is None:  # poller_threads() keeps started ones only
            continue
        try:
            os.setpriority(os.PRIO_PROCESS, native_id, niceness)
        except OSError as exc:  # a thread that just ended; never worth failing a service for
            log.warning("could not lower the gRPC poller's priority", extra={"error": str(exc)})
            continue
        lowered.append(native_id)
    return lowered
