"""The emotion service layer wired in process on SQLite, as the unit tests use it."""

from __future__ import annotations

import contextlib
import datetime
import pathlib
from collections.abc import Callable, Iterator
from typing import Any

from emotion_service.adapters.history import SqlAnalysisHistory
from emotion_service.adapters.orm import Base
from emotion_service.config import EmotionSettings
from emotion_service.service_layer.dependencies import Dependencies
from emotion_service.unit_of_work import UnitOfWork
from gridam_runtime import db


@contextlib.contextmanager
def emotion_dependencies(tmp_path: pathlib.Path, *, clock: Callable[[], datetime.datetime],
                         settings: EmotionSettings | None = None, authenticator: Any = None,
                         analyser: Any = None) -> Iterator[tuple[Dependencies, Callable[[], UnitOfWork]]]:
    """A fresh SQLite database under `tmp_path`; yields the dependencies and the unit-of-work
    factory, and disposes of the engine afterwards."""
    engine = db.create_engine(f"sqlite:///{tmp_path / 'emotion.db'}")
    Base.metadata.create_all(engine)
    sessions = db.session_factory(engine)

    def uow() -> UnitOfWork:
        return UnitOfWork(sessions)

    try:
        yield Dependencies(settings=settings or EmotionSettings(data_dir=tmp_path), uow=uow,
                           authenticator=authenticator, analyser=analyser, classifier_name="test",
                           history=SqlAnalysisHistory(uow), clock=clock), uow
    finally:
        engine.dispose()
