"""grpc.aio's poller thread, run at a lower priority than the event loop it feeds.

grpc.aio waits for gRPC's completions on a thread of its own (the "poller"), which wakes the
process's event loop for each one. At normal priority the kernel lets the woken poller preempt
the event loop on the same core, several times per call (a server call completes four
batches), and the loop's work is cut into pieces that each pay a context switch. A few steps
nicer, the poller runs when the loop waits (for the network, for the database) and hands over
what has completed by then in one go. On the profile benchmark's two cores (bench/README.md): +8 %
requests/s and −20 to −50 µs of CPU per request in both the gateway and the user service.

Linux applies `setpriority(PRIO_PROCESS, tid)` to one thread; elsewhere this does nothing.
Raising a thread's niceness needs no privilege, so it also works in an unprivileged container.
"""

from __future__ import annotations

import logging
import os
import sys
import threading

log = logging.getLogger("gridam.grpc")

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
    if steps <= 0 or not sys.platform.startswith("linux"):
        return []
    niceness = min(MAX_NICENESS, os.getpriority(os.PRIO_PROCESS, threading.main_thread().native_id) + steps)
    lowered = []
    for thread in poller_threads():
        try:
            os.setpriority(os.PRIO_PROCESS, thread.native_id, niceness)
        except OSError as exc:  # a thread that just ended; never worth failing a service for
            log.warning("could not lower the gRPC poller's priority", extra={"error": str(exc)})
            continue
        lowered.append(thread.native_id)
    return lowered
