"""Unit of work: one database transaction, rolled back unless `commit()` is called."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy
from sqlalchemy.orm import Session as DbSession

from user_service.adapters.repository import (
    FollowRepository,
    PhoneVerificationRepository,
    ProfileReads,
    SessionRepository,
    UserRepository,
)


class UnitOfWork:
    def __init__(self, session_factory: Callable[[], DbSession]) -> None:
        self._session_factory = session_factory

    def __enter__(self) -> UnitOfWork:
        self._db = self._session_factory()
        self.users = UserRepository(self._db)
        self.phones = PhoneVerificationRepository(self._db)
        self.sessions = SessionRepository(self._db)
        self.follows = FollowRepository(self._db)
        return self

    def __exit__(self, *exc_info: object) -> None:
        # close() rolls back whatever was not committed and detaches the objects without
        # expiring them, so what a use case returns stays readable.
        self._db.close()

    def commit(self) -> None:
        self._db.commit()


class ReadUnitOfWork:
    """A connection of the autocommit read engine (db.create_engine(autocommit=True)) for
    use cases that only read: each statement sees what is committed, nothing to roll back."""

    def __init__(self, engine: sqlalchemy.Engine) -> None:
        self._engine = engine

    def __enter__(self) -> ReadUnitOfWork:
        self._db = self._engine.connect()
        self.profiles = ProfileReads(self._db)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._db.close()
