"""Parallel requests against the account service layer, on real MariaDB and on SQLite (where
FOR UPDATE locks nothing): each request runs in its own thread, on an event loop of its own,
and is held after its first read until every other one has read too or has finished, the
interleaving a race needs.
No limit can be passed, no refresh token rotated twice, no social login lost."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

import orjson
import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from gridam_runtime import db
from gridam_runtime.errors import DomainError
from tests.support.user_layer import user_dependencies
from user_service.adapters.oauth import OAuthIdentity
from user_service.adapters.orm import OAuthLink, User
from user_service.config import UserSettings
from user_service.service_layer.accounts import Accounts, Tokens
from user_service.service_layer.dependencies import Dependencies

pytestmark = pytest.mark.integration

WAIT_SECONDS = 30  # how long a held request waits for the others; only a broken fix takes it
BROWSER = "the-browser-binding-of-the-one-browser"  # what the gateway keeps in the browser's cookie


class Gate:
    """Holds each thread that reaches it until `parties` threads have reached it or finished.
    (A thread held here cannot finish first, so none is counted twice before it opens.)"""

    def __init__(self, parties: int) -> None:
        self._parties = parties
        self._count = 0
        self._changed = threading.Condition()

    def reach(self) -> None:
        with self._changed:
            self._count_one()
            if not self._changed.wait_for(lambda: self._count >= self._parties, WAIT_SECONDS):
                raise TimeoutError("the other requests neither came nor finished")

    def finish(self) -> None:
        with self._changed:
            self._count_one()

    def _count_one(self) -> None:
        self._count += 1
        self._changed.notify_all()


def in_parallel(gate: Gate, calls: list[Callable[[], Awaitable[object]]]) -> list[object]:
    """Each call in a thread of its own; what each returned or raised, in order."""
    outcomes: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], Awaitable[object]]) -> None:
        try:
            outcomes[index] = asyncio.run(call())
        except Exception as error:
            outcomes[index] = error
        finally:
            gate.finish()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@contextmanager
def held_after_first_read(engine: sa.Engine, table: str, gate: Gate) -> Iterator[None]:
    """Each thread waits at `gate` after its first SELECT that reads `table`."""
    has_read = threading.local()

    def after_execute(conn, cursor, statement: str, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("SELECT") and table in statement and not getattr(has_read, "done", False):
            has_read.done = True
            gate.reach()

    sa.event.listen(engine, "after_cursor_execute", after_execute)
    try:
        yield
    finally:
        sa.event.remove(engine, "after_cursor_execute", after_execute)


def reasons(outcomes: list[object]) -> list[str]:
    return sorted(outcome.reason if isinstance(outcome, DomainError) else repr(outcome) for outcome in outcomes)


class CountingHasher(PasswordHasher):
    """Cheap hashing; every password check is counted and held at `gate`."""

    def __init__(self, gate: Gate) -> None:
        super().__init__(time_cost=1, memory_cost=1024)
        self.gate = gate
        self.checks = 0
        self._lock = threading.Lock()

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        with self._lock:
            self.checks += 1
        self.gate.reach()
        return super().verify(hash, password)


class OneAccountProvider:
    """Stands in for an OAuth provider whose every code belongs to the same account."""

    def authorization_url(self, state: str) -> str:
        return state

    def fetch_identity(self, code: str, state: str) -> OAuthIdentity:
        return OAuthIdentity("kakao", "4242", "동시에")


def add_user(deps: Dependencies, login_id: str, password: str) -> None:
    now = db.utcnow()
    with deps.uow() as uow:
        password_hash = deps.hasher.hash(password)
        uow.users.add(User(login_id=login_id, password_hash=password_hash, nickname=login_id, created_at=now, updated_at=now))
        uow.commit()


@pytest.fixture
def settings(database_url, tmp_path) -> UserSettings:
    return UserSettings(data_dir=tmp_path, database_url=database_url)


def test_parallel_wrong_passwords_get_no_more_checks_than_the_limit(settings):
    limit = settings.login_max_failures_per_account
    # The checks the limit lets through are held at the gate all at once: the bound on hashes
    # computed at once (GRIDAM_PASSWORD_HASH_CONCURRENCY) must not be what stops the others.
    settings = settings.model_copy(update={"password_hash_concurrency": 2 * limit})
    gate = Gate(2 * limit)
    hasher = CountingHasher(gate)
    with user_dependencies(settings, hasher=hasher) as (deps, _engine):
        add_user(deps, "guessed", "secret123")
        accounts = Accounts(deps)
        outcomes = in_parallel(gate, [lambda: accounts.login("guessed", "wrong1234", "")] * (2 * limit))
    assert hasher.checks == limit
    assert reasons(outcomes) == ["AUTH4001"] * limit + ["AUTH4291"] * limit


async def test_parallel_refreshes_with_one_token_rotate_it_once(settings):
    with user_dependencies(settings) as (deps, engine):
        add_user(deps, "refresher", "secret123")
        accounts = Accounts(deps)
        refresh_token = (await accounts.login("refresher", "secret123", "")).refresh_token
        gate = Gate(2)
        with held_after_first_read(engine, "refresh_tokens", gate):
            outcomes = in_parallel(gate, [lambda: accounts.reissue(refresh_token)] * 2)
        winner = next(outcome for outcome in outcomes if isinstance(outcome, Tokens))
        assert reasons([outcome for outcome in outcomes if outcome is not winner]) == ["AUTH4013"]
        # Reuse revoked the family, the winner's new token with it.
        with pytest.raises(DomainError) as failure:
            await accounts.reissue(winner.refresh_token)
        assert failure.value.reason == "AUTH4012"


async def test_parallel_wrong_codes_get_no_more_tries_than_the_limit(settings):
    limit = settings.phone_code_max_attempts
    with user_dependencies(settings) as (deps, engine):
        accounts = Accounts(deps)
        await accounts.send_phone_code("01012345678")
        code = orjson.loads(settings.sms_outbox_path.read_bytes().splitlines()[-1])["code"]
        wrong_code = f"{(int(code) + 1) % 10**6:06d}"
        gate = Gate(2 * limit)
        with held_after_first_read(engine, "phone_verifications", gate):
            outcomes = in_parallel(gate, [lambda: accounts.verify_phone_code("01012345678", wrong_code)] * (2 * limit))
        assert reasons(outcomes) == ["SMS4002"] * limit + ["SMS4291"] * limit
        with pytest.raises(DomainError) as failure:
            await accounts.verify_phone_code("01012345678", code)
        assert failure.value.reason == "SMS4291"


async def test_parallel_first_social_logins_of_one_account_make_one_user(settings):
    with user_dependencies(settings, oauth_providers={"kakao": OneAccountProvider()}) as (deps, engine):
        accounts = Accounts(deps)
        states = [await accounts.oauth_authorization_url("kakao", BROWSER) for _ in range(2)]
        gate = Gate(2)
        with held_after_first_read(engine, "oauth_links", gate):
            outcomes = in_parallel(gate, [lambda state=state: accounts.oauth_login("kakao", "code", state, "", BROWSER) for state in states])
        assert all(isinstance(outcome, tuple) for outcome in outcomes), outcomes
        assert sorted(created for _tokens, created in outcomes) == [False, True]
        with engine.connect() as connection:
            assert connection.execute(sa.select(sa.func.count()).select_from(User)).scalar_one() == 1
            assert connection.execute(sa.select(sa.func.count()).select_from(OAuthLink)).scalar_one() == 1
