"""The diary service's unit of work and plain reads on SQLite, for unit tests of its service layer."""

from __future__ import annotations

import pytest

from diary_service.adapters.orm import Base, diary_jobs
from diary_service.adapters.reads import DiaryReads
from diary_service.unit_of_work import UnitOfWork
from gridam_runtime import db
from gridam_runtime.jobs import JobQueue


@pytest.fixture
def engine(tmp_path):
    engine = db.create_engine(f"sqlite:///{tmp_path / 'diary.db'}")
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def jobs() -> JobQueue:
    return JobQueue(diary_jobs)


@pytest.fixture
def uow(engine, jobs):
    sessions = db.session_factory(engine)
    return lambda: UnitOfWork(sessions, jobs)


@pytest.fixture
def reads(engine):
    """The plain reads (adapters/reads.py) on the autocommit read engine, as bootstrap wires them."""
    read_engine = db.create_engine(str(engine.url), autocommit=True)
    connections = db.HeldReadConnections(read_engine)
    yield DiaryReads(connections)
    connections.close()
    read_engine.dispose()
