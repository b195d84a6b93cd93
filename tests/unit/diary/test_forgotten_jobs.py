"""Job rows of deleted diaries (docs/account-deletion.md), on the diary service's unit of work over
SQLite: the purge of a diary deletes every job row that names it with its own completion, and
`forget_jobs` (ForgetAuthor) drops a subject's rows whatever their state."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa

from diary_service.adapters.orm import diary_jobs
from diary_service.service_layer.diaries import ANALYSE, CARD, COUNT, PURGE
from diary_service.service_layer.pipeline import DiaryPipeline
from gridam_domain.storage import LocalFolderStorage
from tests.unit.diary.test_purge import FixedServiceToken, ForgettingService

DELETED_DIARY, OTHER_DIARY, AUTHOR = 41, 42, 7


def rows(engine) -> list[tuple[str, int, str]]:
    with engine.connect() as connection:
        t = diary_jobs
        return sorted(connection.execute(sa.select(t.c.kind, t.c.subject_id, t.c.state)).all())


def run(engine, jobs, kind: str) -> None:
    """Claim and complete one job of `kind` as a worker does, without a handler."""
    [job] = jobs.claim(engine, "worker", [kind], 1)
    with engine.begin() as connection:
        assert jobs.complete(connection, job)


def test_the_purge_of_a_diary_deletes_every_job_row_of_it_and_only_those(uow, engine, jobs, tmp_path):
    with uow() as unit:
        for diary_id in (DELETED_DIARY, OTHER_DIARY):
            unit.owe(ANALYSE, diary_id)
            unit.owe(CARD, diary_id)
        unit.commit()
    for kind in (ANALYSE, ANALYSE, CARD, CARD):
        run(engine, jobs, kind)
    with uow() as unit:
        unit.owe(PURGE, DELETED_DIARY, payload="")
        unit.commit()
    [purge] = jobs.claim(engine, "worker", [PURGE], 1)
    pipeline = DiaryPipeline(uow=uow, jobs=jobs, emotion=ForgettingService(), cards=ForgettingService(), users=None,
                             storage=LocalFolderStorage(tmp_path / "media"), service_tokens=FixedServiceToken())

    asyncio.run(pipeline.purge(purge))

    assert rows(engine) == [(ANALYSE, OTHER_DIARY, "done"), (CARD, OTHER_DIARY, "done")]


def test_forgetting_a_subjects_jobs_takes_pending_and_finished_rows_of_those_kinds(uow, engine, jobs):
    with uow() as unit:
        unit.owe(COUNT, AUTHOR)
        unit.owe(COUNT, AUTHOR)
        unit.owe(COUNT, AUTHOR + 1)
        unit.owe(ANALYSE, AUTHOR)  # a diary whose id is the same number: another kind, kept
        unit.commit()
    run(engine, jobs, COUNT)  # the first finished, the second pending
    with uow() as unit:
        unit.forget_jobs((COUNT,), AUTHOR)
        unit.commit()
    assert rows(engine) == [(ANALYSE, AUTHOR, "pending"), (COUNT, AUTHOR + 1, "pending")]
