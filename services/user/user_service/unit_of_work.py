"""Units of work of the user service: one transaction (writes) or one autocommit connection (reads).

Events owed to other services (the outbox, `user_jobs`) share the write transaction, so an
event is recorded exactly when the change that causes it commits.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session as DbSession

from gridam_runtime import db
from gridam_runtime.jobs import JobQueue
from user_service.adapters.repository import FollowRepository, PhoneVerificationRepository, ProfileReads, SessionRepository, UserRepository
from user_service.service_layer.outbox import NOTIFY_FOLLOW, follow_event_prefix


class UnitOfWork(db.UnitOfWork):
    def __init__(self, session_factory: Callable[[], DbSession], jobs: JobQueue) -> None:
        super().__init__(session_factory)
        self._jobs = jobs

    def _attach(self, session: DbSession) -> None:
        self.users = UserRepository(session)
        self.phones = PhoneVerificationRepository(session)
        self.sessions = SessionRepository(session)
        self.follows = FollowRepository(session)

    def owe(self, kind: str, subject_id: int, payload: str = "") -> None:
        self._jobs.enqueue(self._db.connection(), kind, subject_id, payload)

    def forget_follow_events(self, user_id: int) -> None:
        """Follow events to or from a deleted account, delivered or not: they name the person."""
        table = self._jobs.table
        self._db.execute(
            table.delete().where(
                table.c.kind == NOTIFY_FOLLOW,
                (table.c.subject_id == user_id) | table.c.payload.startswith(follow_event_prefix(user_id)),
            )
        )


class ReadUnitOfWork:
    """A DBAPI connection of the autocommit read engine (db.create_engine(autocommit=True)),
    usually the one the calling thread keeps (db.HeldReadConnections), for use cases that only
    read: each statement sees what is committed, nothing to roll back."""

    def __init__(self, connections: db.HeldReadConnections) -> None:
        self._connections = connections

    def __enter__(self) -> ReadUnitOfWork:
        self._db = self._connections.connection()
        self.profiles = ProfileReads(self._db, self._connections.dialect)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._connections.give_back(self._db)
