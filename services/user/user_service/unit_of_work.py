"""Units of work of the user service: one transaction (writes) or one autocommit connection (reads)."""

from __future__ import annotations

import sqlalchemy
from sqlalchemy.orm import Session as DbSession

from gridam_runtime import db
from user_service.adapters.repository import (
    FollowRepository,
    PhoneVerificationRepository,
    ProfileReads,
    SessionRepository,
    UserRepository,
)


class UnitOfWork(db.UnitOfWork):
    def _attach(self, session: DbSession) -> None:
        self.users = UserRepository(session)
        self.phones = PhoneVerificationRepository(session)
        self.sessions = SessionRepository(session)
        self.follows = FollowRepository(session)


class ReadUnitOfWork:
    """A pooled DBAPI connection of the autocommit read engine (db.create_engine(autocommit=True))
    for use cases that only read: each statement sees what is committed, nothing to roll back."""

    def __init__(self, engine: sqlalchemy.Engine) -> None:
        self._engine = engine

    def __enter__(self) -> ReadUnitOfWork:
        self._db = self._engine.raw_connection()
        self.profiles = ProfileReads(self._db, self._engine.dialect)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._db.close()
