"""The user service layer wired in process on a migrated database, as bootstrap wires it
but with the embedded profile's in-process state, cheap password hashing and, unless a test
passes them, no OAuth providers."""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
from collections.abc import Iterator
from typing import Any

from argon2 import PasswordHasher

from gridam_devtools.keys import ensure_keys
from gridam_domain.storage import LocalFolderStorage
from gridam_runtime import context, db
from gridam_runtime.auth import Authenticator
from gridam_runtime.jobs import JobQueue
from gridam_runtime.kv import build_state
from gridam_runtime.limits import Limiter
from gridam_runtime.tokens import AccessTokenIssuer, read_secret
from tests.doubles.sens_sms_provider import SensSmsProviderDouble
from tests.support.migrated import migrate
from user_service.adapters.orm import User, user_jobs
from user_service.adapters.sms import OutboxFileSmsSender, SensAccount, SensSmsSender
from user_service.bootstrap import MIGRATIONS_DIR
from user_service.config import UserSettings
from user_service.service_layer.accounts import Accounts, Tokens
from user_service.service_layer.dependencies import Dependencies
from user_service.service_layer.profiles import FOLLOW_READERS, Profiles
from user_service.servicer import UserServicer
from user_service.unit_of_work import ReadUnitOfWork, UnitOfWork


@contextlib.contextmanager
def user_dependencies(settings: UserSettings, **overrides: Any) -> Iterator[tuple[Dependencies, Any]]:
    """Keys created and the database migrated where missing; yields the dependencies and
    their (write) engine, and disposes of the engines afterwards."""
    ensure_keys(settings.keys_dir)
    migrate(MIGRATIONS_DIR, settings.database)
    engine = db.create_engine(settings.database)
    read_engine = db.create_engine(settings.database, autocommit=True)
    read_connections = db.HeldReadConnections(read_engine)
    sessions = db.session_factory(engine)
    jobs = JobQueue(user_jobs)
    # The embedded profile's state: limits in process, revoked sessions in the data folder's
    # file that every service of the machine reads.
    limits, revocations, _ = build_state("", settings.data_dir)
    deps = Dependencies(
        settings=settings,
        uow=lambda: UnitOfWork(sessions, jobs),
        reads=lambda: ReadUnitOfWork(read_connections),
        issuer=AccessTokenIssuer.from_file(settings.jwt_private_key_path, settings.access_token_ttl_seconds),
        authenticator=Authenticator.for_service(settings, revocations, service_callers=FOLLOW_READERS),
        hasher=PasswordHasher(time_cost=1, memory_cost=1024),
        limiter=Limiter(limits),
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


@dataclasses.dataclass
class UserLayer:
    """Accounts and profiles over one set of dependencies, phone codes sent through the SENS
    adapter to its test double, and the shortcuts the tests of several services need."""

    deps: Dependencies
    accounts: Accounts
    profiles: Profiles
    sms: SensSmsProviderDouble
    engine: Any
    _numbers: Iterator[int] = dataclasses.field(default_factory=lambda: itertools.count(1))

    @property
    def servicer(self) -> UserServicer:
        """The gRPC servicer, for the other services' layers to call in process."""
        return UserServicer(self.accounts, self.profiles)

    async def verified(self, phone: str) -> str:
        """`phone`, verified with the code the SMS carried."""
        await self.accounts.send_phone_code(phone)
        await self.accounts.verify_phone_code(phone, self.sms.last_code_for(phone))
        return phone

    async def sign_up(self, login_id: str, password: str = "secret123", nickname: str = "그리담") -> User:
        phone = f"0109{next(self._numbers):07d}"
        return await self.accounts.sign_up(login_id, password, nickname, await self.verified(phone))

    async def log_in(self, login_id: str, password: str = "secret123", address: str = "10.0.0.1") -> Tokens:
        """A new session of `login_id`, whose access token is then the caller's."""
        tokens = await self.accounts.login(login_id, password, address)
        context.bearer_token.set(tokens.access_token)
        return tokens


@contextlib.contextmanager
def user_layer(settings: UserSettings, sms: SensSmsProviderDouble, **overrides: Any) -> Iterator[UserLayer]:
    """The user service layer sending its phone codes to `sms`, a started test double of SENS
    (one per test session: stopping an HTTP server costs half a second)."""
    sender = SensSmsSender(SensAccount(sms.base_url, sms.service_id, sms.access_key, sms.secret_key, sms.sender_number))
    try:
        with user_dependencies(settings, **{"sms": sender, **overrides}) as (deps, engine):
            yield UserLayer(deps, Accounts(deps), Profiles(deps), sms, engine)
    finally:
        sender.close()
