"""The durable job queue (gridam_runtime.jobs) on real MariaDB and on SQLite."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from gridam_runtime import db
from gridam_runtime.jobs import DONE, FAILED, PENDING, Job, JobQueue, RetryPolicy, Worker, job_table
from tests.support.waiting import wait_until_async

pytestmark = pytest.mark.integration


@pytest.fixture
def engine(database_url):
    engine = db.create_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def queue(engine) -> JobQueue:
    metadata = sa.MetaData()
    table = job_table(metadata, "test_jobs")
    metadata.create_all(engine)
    return JobQueue(table, RetryPolicy(lease_seconds=30, max_attempts=3, base_backoff_seconds=0.01, max_backoff_seconds=0.01))


def enqueue(engine, queue: JobQueue, count: int, kind: str = "analyse") -> None:
    with engine.begin() as connection:
        for subject in range(1, count + 1):
            queue.enqueue(connection, kind, subject, payload=f"p{subject}")


def state_of(engine, queue: JobQueue) -> list[tuple]:
    t = queue.table
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(sa.select(t.c.subject_id, t.c.state, t.c.attempts).order_by(t.c.id))]


def expire_leases(engine, queue: JobQueue) -> None:
    t = queue.table
    with engine.begin() as connection:
        connection.execute(t.update().values(lease_expires_at=dt.datetime(2000, 1, 1)))


def test_concurrent_claims_never_hand_one_job_to_two_workers(engine, queue):
    enqueue(engine, queue, 40)
    claimed: dict[str, list[Job]] = {}

    def claim_all(owner: str) -> None:
        mine = claimed.setdefault(owner, [])
        while batch := queue.claim(engine, owner, ["analyse"], 3):
            mine.extend(batch)

    threads = [threading.Thread(target=claim_all, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [job.id for jobs in claimed.values() for job in jobs]
    assert sorted(ids) == sorted(set(ids)) and len(ids) == 40
    assert {job.payload for jobs in claimed.values() for job in jobs} == {f"p{i}" for i in range(1, 41)}


def test_a_leased_job_is_taken_again_only_after_its_lease_expires(engine, queue):
    enqueue(engine, queue, 1)
    [first] = queue.claim(engine, "dead-worker", ["analyse"], 5)
    assert queue.claim(engine, "other", ["analyse"], 5) == []
    expire_leases(engine, queue)  # the first worker died holding it
    [again] = queue.claim(engine, "other", ["analyse"], 5)
    assert again.id == first.id and again.attempts == 2
    # The dead worker's late completion is refused: its lease is gone.
    with engine.begin() as connection:
        assert queue.complete(connection, first) is False
    with engine.begin() as connection:
        assert queue.complete(connection, again) is True
    assert state_of(engine, queue) == [(1, DONE, 2)]
    assert queue.claim(engine, "other", ["analyse"], 5) == []


def test_failures_back_off_then_park_after_max_attempts(engine, queue):
    enqueue(engine, queue, 1)
    for attempt in (1, 2):
        [job] = queue.claim(engine, "w", ["analyse"], 1)
        assert job.attempts == attempt
        assert queue.fail(engine, job, "emotion service unavailable") == PENDING
        _wait_due(engine, queue)
    [job] = queue.claim(engine, "w", ["analyse"], 1)
    assert queue.fail(engine, job, "still failing") == FAILED
    _wait_due(engine, queue)
    assert queue.claim(engine, "w", ["analyse"], 1) == []
    t = queue.table
    with engine.connect() as connection:
        row = connection.execute(sa.select(t.c.state, t.c.attempts, t.c.last_error)).one()
    assert tuple(row) == (FAILED, 3, "still failing")


def test_a_never_parked_kind_is_retried_past_max_attempts(engine):
    metadata = sa.MetaData()
    table = job_table(metadata, "test_unparked_jobs")
    metadata.create_all(engine)
    queue = JobQueue(table, RetryPolicy(max_attempts=1, base_backoff_seconds=0.01, max_backoff_seconds=0.01,
                                        never_parked=frozenset({"purge"})))
    enqueue(engine, queue, 1, kind="purge")
    enqueue(engine, queue, 1, kind="analyse")
    for _ in range(3):
        [job] = queue.claim(engine, "w", ["purge"], 1)
        assert queue.fail(engine, job, "card service away") == PENDING
        _wait_due(engine, queue)
    [job] = queue.claim(engine, "w", ["analyse"], 1)
    assert queue.fail(engine, job, "emotion service away") == FAILED  # other kinds still park


def _wait_due(engine, queue) -> None:
    # available_at has one-second resolution: make the retried job due now.
    t = queue.table
    with engine.begin() as connection:
        connection.execute(t.update().where(t.c.state == PENDING).values(available_at=dt.datetime(2000, 1, 1)))


def test_cancel_drops_pending_work_of_a_subject_only(engine, queue):
    enqueue(engine, queue, 2)
    with engine.begin() as connection:
        queue.cancel(connection, "analyse", 1)
    assert [s for s, _, _ in state_of(engine, queue)] == [2]


async def test_worker_runs_handlers_retries_failures_and_parks(engine, queue):
    enqueue(engine, queue, 3)
    seen: list[int] = []
    parked: list[int] = []

    async def handler(job: Job) -> None:
        seen.append(job.subject_id)
        if job.subject_id == 2:
            _wait_due(engine, queue)
            raise RuntimeError("boom")
        with engine.begin() as connection:
            assert queue.complete(connection, job)

    async def on_parked(job: Job) -> None:
        parked.append(job.subject_id)

    worker = Worker(engine, queue, {"analyse": handler}, concurrency=2, poll_seconds=0.05, on_parked=on_parked)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    for _ in range(200):
        if parked:
            break
        _wait_due(engine, queue)
        await asyncio.sleep(0.05)
    stop.set()
    await task
    assert parked == [2] and seen.count(2) == 3 and seen.count(1) == seen.count(3) == 1
    assert [s for s, state, _ in state_of(engine, queue) if state == DONE] == [1, 3]


async def test_a_slow_job_holds_one_slot_while_the_others_keep_running(engine, queue):
    enqueue(engine, queue, 1, kind="card")  # waits on the gpu-worker, say
    enqueue(engine, queue, 6, kind="analyse")
    card_may_end = asyncio.Event()

    async def card(job: Job) -> None:
        await card_may_end.wait()
        with engine.begin() as connection:
            assert queue.complete(connection, job)

    async def analyse(job: Job) -> None:
        with engine.begin() as connection:
            assert queue.complete(connection, job)

    worker = Worker(engine, queue, {"card": card, "analyse": analyse}, concurrency=2, poll_seconds=0.05)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    try:
        await wait_until_async(
            lambda: sum(state == DONE for _, state, _ in state_of(engine, queue)) == 6, "the six analyses done"
        )
        assert not task.done() and not card_may_end.is_set()  # ... while the card still runs
    finally:
        card_may_end.set()
        stop.set()
        await task
    assert [state for _, state, _ in state_of(engine, queue)] == [DONE] * 7


async def test_a_worker_never_claims_again_a_job_it_is_still_running(engine):
    metadata = sa.MetaData()
    table = job_table(metadata, "test_short_lease_jobs")
    metadata.create_all(engine)
    claims = []

    class CountingQueue(JobQueue):
        def claim(self, *args, **kwargs):
            claims.append(1)
            return super().claim(*args, **kwargs)

    queue = CountingQueue(table, RetryPolicy(lease_seconds=1))
    enqueue(engine, queue, 1)
    may_end = asyncio.Event()
    runs: list[int] = []

    async def handler(job: Job) -> None:
        runs.append(job.attempts)
        await may_end.wait()  # outlives its one-second lease
        with engine.begin() as connection:
            assert queue.complete(connection, job)

    def lease_ran_out() -> bool:
        with engine.connect() as connection:
            expires = connection.execute(sa.select(table.c.lease_expires_at)).scalar_one()
        return expires is not None and expires < db.utcnow().replace(microsecond=0)

    worker = Worker(engine, queue, {"analyse": handler}, concurrency=2, poll_seconds=0.05)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    try:
        await wait_until_async(lease_ran_out, "the running job's lease ran out")
        polls = len(claims)
        await wait_until_async(lambda: len(claims) >= polls + 3, "three more polls")
        assert runs == [1]  # a free slot, a due job, and still not taken twice
    finally:
        may_end.set()
        stop.set()
        await task
    assert state_of(engine, queue) == [(1, DONE, 1)]


def test_a_failure_reported_after_the_lease_was_lost_changes_nothing(engine, queue):
    enqueue(engine, queue, 1)
    [stale] = queue.claim(engine, "slow-worker", ["analyse"], 1)
    expire_leases(engine, queue)
    [current] = queue.claim(engine, "other", ["analyse"], 1)
    assert queue.fail(engine, stale, "too late") is None
    with engine.begin() as connection:
        assert queue.complete(connection, current) is True
    assert state_of(engine, queue) == [(1, DONE, 2)]
