"""The user service layer wired in process on a migrated database, as bootstrap wires it
but with in-process state, cheap password hashing and no OAuth providers."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from typing import Any

from argon2 import PasswordHasher

from gridam_runtime import db
from gridam_runtime.auth import Authenticator
from gridam_runtime.jobs import JobQueue
from gridam_runtime.keys import ensure_keys, read_secret
from gridam_runtime.kv import InProcessRateLimiter, LocalFileRevocationList
from gridam_runtime.limits import Limiter
from gridam_runtime.storage import LocalFolderStorage
from gridam_runtime.tokens import AccessTokenIssuer, AccessTokenVerifier
from user_service.adapters.orm import user_jobs
from user_service.adapters.sms import OutboxFileSmsSender
from user_service.bootstrap import MIGRATIONS_DIR
from user_service.config import UserSettings
from user_service.service_layer.dependencies import Dependencies
from user_service.unit_of_work import ReadUnitOfWork, UnitOfWork


@contextlib.contextmanager
def user_dependencies(settings: UserSettings, **overrides: Any) -> Iterator[tuple[Dependencies, Any]]:
    """Keys created and the database migrated where missing; yields the dependencies and
    their (write) engine, and disposes of the engines afterwards."""
    ensure_keys(settings.keys_dir)
    db.migrate(MIGRATIONS_DIR, settings.database)
    engine = db.create_engine(settings.database)
    read_engine = db.create_engine(settings.database, autocommit=True)
    read_connections = db.HeldReadConnections(read_engine)
    sessions = db.session_factory(engine)
    jobs = JobQueue(user_jobs)
    revocations = LocalFileRevocationList(settings.data_dir / "revoked.db")
    deps = Dependencies(
        settings=settings,
        uow=lambda: UnitOfWork(sessions, jobs),
        reads=lambda: ReadUnitOfWork(read_connections),
        issuer=AccessTokenIssuer.from_file(settings.jwt_private_key_path, 900),
        authenticator=Authenticator(AccessTokenVerifier.from_file(settings.jwt_public_key_path), revocations),
        hasher=PasswordHasher(time_cost=1, memory_cost=1024),
        limiter=Limiter(InProcessRateLimiter()),
        revocations=revocations,
        sms=OutboxFileSmsSender(settings.sms_outbox_path),
        storage=LocalFolderStorage(settings.data_dir / "media"),
        oauth_providers={},
        oauth_state_key=read_secret(settings.oauth_state_key_path),
    )
    try:
        yield dataclasses.replace(deps, **overrides), engine
    finally:
        read_connections.close()
        read_engine.dispose()
        engine.dispose()
