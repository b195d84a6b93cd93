"""Durable work owed for a record: a job table with leases, retries and back-off.

The owner of a record (a diary) inserts a job row in the same transaction as the record,
so the work can never be lost or exist without its record. Workers, in any number of
processes, take jobs at least once:

- claim: a conditional UPDATE sets a lease (owner + expiry) on a job that is due and not
  leased by a live worker; only one worker's UPDATE matches, on SQLite and MariaDB alike;
- run: the handler's effects must be idempotent, because a worker killed after its effects
  but before `complete` leaves the job to be taken again when the lease expires;
- complete: marks the job done in the caller's transaction (with the handler's local
  effects), only if the lease is still held;
- fail: the job comes back after an exponential back-off, or is parked as FAILED after
  `max_attempts` (counted and logged, never silently dropped).

Each service defines its own job table with `job_table(metadata, name)` and migrates it
like its other tables; nobody reads another service's jobs.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import random
import socket
import uuid
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from prometheus_client import Counter, Gauge

from gridam_runtime import db
from gridam_runtime.settings import JobSettings

log = logging.getLogger("gridam.jobs")

PENDING, DONE, FAILED = "pending", "done", "failed"

JOBS_FINISHED = Counter("gridam_jobs_finished_total", "Jobs finished, by kind and outcome", ["kind", "outcome"])
JOBS_DUE = Gauge("gridam_jobs_due", "Jobs due and not leased at the last poll", ["queue"])


def job_table(metadata: sa.MetaData, name: str, **table_kwargs: Any) -> sa.Table:
    return sa.Table(
        name,
        metadata,
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("subject_id", sa.BigInteger, nullable=False),
        # What the work needs that the subject may no longer hold (e.g. a deleted diary's photo key).
        sa.Column("payload", sa.String(500), nullable=False, default=""),
        sa.Column("state", sa.String(16), nullable=False, default=PENDING),
        sa.Column("attempts", sa.Integer, nullable=False, default=0),
        sa.Column("available_at", sa.DateTime, nullable=False),
        sa.Column("lease_owner", sa.String(64), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime, nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Index(f"ix_{name}_due", "state", "available_at"),
        sa.Index(f"ix_{name}_subject", "subject_id", "kind"),
        **table_kwargs,
    )


def _now() -> dt.datetime:
    # Whole seconds: lease and back-off comparisons then behave the same on SQLite and MariaDB.
    return db.utcnow().replace(microsecond=0)


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    subject_id: int
    payload: str
    attempts: int
    lease_owner: str


@dataclass(frozen=True)
class RetryPolicy:
    lease_seconds: int = 60
    max_attempts: int = 8
    base_backoff_seconds: float = 2.0
    max_backoff_seconds: float = 600.0
    # Kinds retried until they succeed, never parked (forgetting a deleted diary must not give
    # up because a service was away for a deploy); their waits stay capped.
    never_parked: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, settings: JobSettings) -> RetryPolicy:
        return cls(
            lease_seconds=settings.job_lease_seconds,
            max_attempts=settings.job_max_attempts,
            base_backoff_seconds=settings.job_base_backoff_seconds,
        )

    def backoff(self, attempts: int) -> float:
        """Doubling per attempt up to the cap, drawn between half that and all of it ("equal
        jitter"), so failing jobs do not retry in lockstep."""
        doublings = min(max(0, attempts - 1), 64)  # past the cap long before; no float overflow
        ceiling = min(self.max_backoff_seconds, self.base_backoff_seconds * 2**doublings)
        return random.uniform(ceiling / 2, ceiling)


class LeaseLost(Exception):
    """Raised by a handler whose `complete` found the lease gone: another worker owns the job
    now, so this attempt's result is dropped (the worker counts it as `lease_lost`)."""


class JobQueue:
    def __init__(self, table: sa.Table, policy: RetryPolicy | None = None) -> None:
        self.table = table
        self.policy = policy or RetryPolicy()

    def enqueue(
        self, connection: sa.Connection, kind: str, subject_id: int, payload: str = "", *, delay_seconds: float = 0
    ) -> None:
        """Record owed work inside the caller's transaction, due after `delay_seconds` (an expiry)."""
        now = _now()
        connection.execute(
            self.table.insert().values(
                kind=kind,
                subject_id=subject_id,
                payload=payload,
                state=PENDING,
                attempts=0,
                available_at=now + dt.timedelta(seconds=delay_seconds),
                created_at=now,
                updated_at=now,
            )
        )

    def cancel(self, connection: sa.Connection, kind: str, subject_id: int) -> None:
        """Drop pending work for a subject that no longer needs it (inside the caller's transaction).

        A worker holding a lease on it finds the job gone at `complete` and its transaction
        rolls back; its remote effects must therefore tolerate a vanished subject.
        """
        t = self.table
        connection.execute(t.delete().where(t.c.kind == kind, t.c.subject_id == subject_id, t.c.state == PENDING))

    def forget(self, connection: sa.Connection, kinds: Collection[str], subject_id: int) -> None:
        """Delete every row of a subject's jobs of `kinds`, whatever their state (inside the
        caller's transaction): finished rows of a forgotten subject name it. Pending ones are
        cancelled as by `cancel`."""
        t = self.table
        connection.execute(t.delete().where(t.c.kind.in_(list(kinds)), t.c.subject_id == subject_id))

    def claim(
        self, engine: sa.Engine, owner: str, kinds: Sequence[str], limit: int, running: Collection[int] = ()
    ) -> list[Job]:
        """Lease up to `limit` due jobs; never one of `running` (the caller's own jobs still in
        progress, whose leases may have run out: a worker does not race itself)."""
        t = self.table
        now = _now()
        due = sa.and_(
            t.c.state == PENDING,
            t.c.kind.in_(kinds),
            t.c.available_at <= now,
            sa.or_(t.c.lease_expires_at.is_(None), t.c.lease_expires_at < now),
            *([t.c.id.notin_(running)] if running else []),
        )
        claimed: list[Job] = []
        with engine.begin() as connection:
            candidates = connection.execute(
                sa.select(t.c.id, t.c.kind, t.c.subject_id, t.c.payload, t.c.attempts).where(due).order_by(t.c.id).limit(limit * 2)
            ).all()
        JOBS_DUE.labels(t.name).set(len(candidates))
        for row in candidates:
            if len(claimed) == limit:
                break
            with engine.begin() as connection:
                taken = connection.execute(
                    t.update()
                    .where(t.c.id == row.id, due)
                    .values(
                        lease_owner=owner,
                        lease_expires_at=now + dt.timedelta(seconds=self.policy.lease_seconds),
                        attempts=t.c.attempts + 1,
                        updated_at=now,
                    )
                ).rowcount
            if taken == 1:
                claimed.append(Job(row.id, row.kind, row.subject_id, row.payload, row.attempts + 1, owner))
        return claimed

    def complete(self, connection: sa.Connection, job: Job) -> bool:
        """Mark done inside the caller's transaction; False when the lease was lost or the job is gone."""
        t = self.table
        done = connection.execute(
            t.update()
            .where(t.c.id == job.id, t.c.lease_owner == job.lease_owner, t.c.state == PENDING)
            .values(state=DONE, lease_owner=None, lease_expires_at=None, last_error=None, updated_at=_now())
        ).rowcount
        return done == 1

    def fail(self, engine: sa.Engine, job: Job, error: str) -> str | None:
        """Give the job back for a later attempt, or park it; returns the new state, or None
        when the lease was lost (another worker owns the job now)."""
        t = self.table
        now = _now()
        parked = job.attempts >= self.policy.max_attempts and job.kind not in self.policy.never_parked
        with engine.begin() as connection:
            updated = connection.execute(
                t.update()
                .where(t.c.id == job.id, t.c.lease_owner == job.lease_owner)
                .values(
                    state=FAILED if parked else PENDING,
                    available_at=now + dt.timedelta(seconds=self.policy.backoff(job.attempts)),
                    lease_owner=None,
                    lease_expires_at=None,
                    last_error=error[:500],
                    updated_at=now,
                )
            ).rowcount
        if updated != 1:
            return None
        return FAILED if parked else PENDING


Handler = Callable[[Job], Awaitable[None]]


def worker_id() -> str:
    return f"{socket.gethostname()[:30]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


class Worker:
    """Polls a queue and runs handlers by job kind, a few jobs at a time."""

    def __init__(
        self,
        engine: sa.Engine,
        queue: JobQueue,
        handlers: dict[str, Handler],
        *,
        concurrency: int = 4,
        poll_seconds: float = 0.5,
        on_parked: Handler | None = None,
    ) -> None:
        self._engine = engine
        self._on_parked = on_parked
        self._queue = queue
        self._handlers = handlers
        self._concurrency = concurrency
        self._poll_seconds = poll_seconds
        self.owner = worker_id()

    async def _run_one(self, job: Job) -> None:
        try:
            await self._handlers[job.kind](job)
        except asyncio.CancelledError:
            raise  # shutting down: the lease expires and another worker takes the job
        except Exception as exc:  # any failure is retried; the error is kept on the row
            state = await asyncio.to_thread(self._queue.fail, self._engine, job, f"{type(exc).__name__}: {exc}")
            if state is None:  # the lease ran out meanwhile: the job is another worker's now
                JOBS_FINISHED.labels(job.kind, "lease_lost").inc()
                return
            JOBS_FINISHED.labels(job.kind, "parked" if state == FAILED else "retry").inc()
            log.warning(
                "job failed",
                extra={"job_id": job.id, "kind": job.kind, "subject_id": job.subject_id, "attempts": job.attempts, "state": state},
                exc_info=state == FAILED,
            )
            if state == FAILED and self._on_parked is not None:
                await self._on_parked(job)
        else:
            JOBS_FINISHED.labels(job.kind, "done").inc()

    async def run(self, stop: asyncio.Event) -> None:
        """Keep up to `concurrency` jobs running, claiming more as soon as one ends, until `stop`;
        then let the running ones finish. A slow job (a card waiting on the gpu-worker) so takes
        one slot, not the whole worker."""
        log.info("worker started", extra={"owner": self.owner, "kinds": sorted(self._handlers)})
        running: dict[asyncio.Task[None], int] = {}  # -> job id
        stopping = asyncio.ensure_future(stop.wait())
        try:
            while not stop.is_set():
                free = self._concurrency - len(running)
                claimed = await self._claim(free, list(running.values())) if free > 0 else []
                for job in claimed:
                    task = asyncio.create_task(self._run_one(job), name=f"job-{job.id}")
                    running[task] = job.id
                    task.add_done_callback(self._ended)
                    task.add_done_callback(running.pop)
                # Until a slot frees, the next poll, or stop.
                await asyncio.wait({stopping, *running}, timeout=self._poll_seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            if running:
                await asyncio.gather(*running, return_exceptions=True)
        log.info("worker stopped", extra={"owner": self.owner})

    async def _claim(self, count: int, running: list[int]) -> list[Job]:
        try:
            return await asyncio.to_thread(self._queue.claim, self._engine, self.owner, list(self._handlers), count, running)
        except Exception:  # database unreachable: keep polling, it may come back
            log.warning("claiming jobs failed", exc_info=True)
            return []

    @staticmethod
    def _ended(task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:  # e.g. the database went away mid-job
            log.error("job runner failed; its lease will expire and the job run again", exc_info=task.exception())
