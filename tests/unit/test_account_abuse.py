"""Abuse of the account service layer as an attacker would try it (issue 19, findings 2, 6, 10
and 12), on SQLite with the in-process limiter: sign-ups without a verified number cost no
password hash, sign-ups and password changes are bounded, a verification cannot probe login ids
without end, and who follows whom is told only to the two concerned (and the diary service)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable

import pytest
from argon2 import PasswordHasher

from gridam_runtime import context
from gridam_runtime.auth import Authenticator
from gridam_runtime.errors import DomainError, PermissionDenied, ResourceExhausted
from gridam_runtime.tokens import ServiceTokenIssuer
from tests.support.user_layer import user_dependencies
from tests.unit.test_accounts_clock import RecordingSms
from user_service.config import UserSettings
from user_service.service_layer.accounts import Accounts
from user_service.service_layer.profiles import FOLLOW_READERS, Profiles


class CountingHasher(PasswordHasher):
    """Cheap hashing that counts the hashes made (argon2: 64 MiB and tens of ms each)."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024)
        self.hashes = 0

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        self.hashes += 1
        return super().hash(password, salt=salt)


class SlowHasher(PasswordHasher):
    """Cheap hashing that takes a while to check and records how many checks ran at once."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024)
        self.running = self.most = 0
        self._lock = threading.Lock()

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        with self._lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            time.sleep(0.05)
            return super().verify(hash, password)
        finally:
            with self._lock:
                self.running -= 1


@pytest.fixture
def world(tmp_path):
    settings = UserSettings(data_dir=tmp_path)
    hasher, sms = CountingHasher(), RecordingSms()
    with user_dependencies(settings, hasher=hasher, sms=sms) as (deps, _engine):
        authenticator = Authenticator.for_service(settings, deps.revocations, service_callers=FOLLOW_READERS)
        deps = type(deps)(**{**deps.__dict__, "authenticator": authenticator})
        yield Accounts(deps), Profiles(deps), deps, hasher, sms


async def reason(call: Awaitable[object]) -> str:
    with pytest.raises(DomainError) as failure:
        await call
    return failure.value.reason


async def verified(accounts: Accounts, sms: RecordingSms, phone: str) -> str:
    await accounts.send_phone_code(phone)
    await accounts.verify_phone_code(phone, sms.codes[phone])
    return phone


async def signed_in(deps, accounts: Accounts, sms: RecordingSms, login_id: str, phone: str):
    user = await accounts.sign_up(login_id, "secret123", login_id, await verified(accounts, sms, phone))
    context.bearer_token.set(deps.issuer.issue(user.id, user.login_id, f"session-{login_id}")[0])
    return user


async def test_a_flood_of_sign_ups_without_a_verified_number_hashes_no_password(world):
    """Finding 2: the password was hashed before the verification was checked."""
    accounts, _profiles, _deps, hasher, _sms = world
    before = hasher.hashes
    outcomes = [await reason(accounts.sign_up(f"flood{n:03d}", "secret123", "홍수", f"0109999{n:04d}")) for n in range(24)]
    assert outcomes == ["USER4006"] * 24
    assert hasher.hashes == before


async def test_one_address_gets_ten_sign_ups_an_hour(world):
    accounts, _profiles, _deps, _hasher, _sms = world
    for n in range(10):
        assert await reason(accounts.sign_up(f"probe{n:03d}", "secret123", "탐색", "01011112222", "203.0.113.9")) == "USER4006"
    with pytest.raises(ResourceExhausted) as refused:
        await accounts.sign_up("probe999", "secret123", "탐색", "01011112222", "203.0.113.9")
    assert (refused.value.reason, refused.value.retry_after_seconds) == ("USER4291", 3600)
    # Another address is not held up.
    assert await reason(accounts.sign_up("probe999", "secret123", "탐색", "01011112222", "198.51.100.7")) == "USER4006"


async def test_a_verification_probes_five_login_ids_at_most(world):
    """Finding 10: USER4091 tells a taken login id (they are public handles, shown on profiles),
    but one verification no longer tries any number of them for ten minutes."""
    accounts, _profiles, _deps, _hasher, sms = world
    await accounts.sign_up("taken_id", "secret123", "주인", await verified(accounts, sms, "01033334444"))
    phone = await verified(accounts, sms, "01055556666")
    assert [await reason(accounts.sign_up("taken_id", "secret123", "탐색", phone)) for _ in range(5)] == ["USER4091"] * 5
    assert await reason(accounts.sign_up("free_id", "secret123", "탐색", phone)) == "USER4292"


async def test_a_stolen_token_gets_five_guesses_of_the_current_password(world):
    """Finding 6: PATCH /api/users/password checked the current password without limit."""
    accounts, _profiles, deps, hasher, sms = world
    await signed_in(deps, accounts, sms, "victim", "01012341234")
    guesses = [await reason(accounts.change_password(f"guess{n:04d}", "newpass123")) for n in range(5)]
    assert guesses == ["USER4007"] * 5
    hashes = hasher.hashes
    with pytest.raises(ResourceExhausted) as refused:
        await accounts.change_password("secret123", "newpass123")  # even the right one, until the window ends
    assert (refused.value.reason, refused.value.retry_after_seconds) == ("USER4293", 900)
    assert hasher.hashes == hashes


async def test_a_user_is_told_only_of_follows_they_are_part_of(world):
    """Finding 12: GetFollowRelation answered any pair to any user token."""
    accounts, profiles, deps, _hasher, sms = world
    alice = await signed_in(deps, accounts, sms, "alice", "01010000001")
    bob = await signed_in(deps, accounts, sms, "bobby", "01010000002")
    carol = await signed_in(deps, accounts, sms, "carol", "01010000003")
    await profiles.follow("alice")  # carol follows alice
    context.bearer_token.set(deps.issuer.issue(bob.id, "bobby", "session-bobby")[0])
    assert await profiles.is_following(bob.id, alice.id) is False  # bob's own follows: answered
    assert await profiles.is_following(alice.id, bob.id) is False
    with pytest.raises(PermissionDenied):
        await profiles.is_following(carol.id, alice.id)  # carol's follow of alice is not bob's to know
    context.bearer_token.set(ServiceTokenIssuer.from_keys_dir(deps.settings.keys_dir, "gridam-diary").token())
    assert await profiles.is_following(carol.id, alice.id) is True  # the feed's visibility rules may ask
    context.bearer_token.set(ServiceTokenIssuer.from_keys_dir(deps.settings.keys_dir, "gridam-card").token())
    with pytest.raises(DomainError):
        await profiles.is_following(carol.id, alice.id)


async def test_follows_are_bounded_per_user(world):
    accounts, profiles, deps, _hasher, sms = world
    await signed_in(deps, accounts, sms, "target", "01020000001")
    await signed_in(deps, accounts, sms, "toggler", "01020000002")
    for _ in range(50):
        await profiles.follow("target")
        await profiles.unfollow("target")
    assert await reason(profiles.follow("target")) == "FOLLOW4291"


async def test_password_hashes_run_two_at_a_time_whatever_the_requests(tmp_path):
    """Each argon2 hash holds 64 MiB: the requests beyond GRIDAM_PASSWORD_HASH_CONCURRENCY wait."""
    hasher = SlowHasher()
    with user_dependencies(UserSettings(data_dir=tmp_path), hasher=hasher) as (deps, _engine):
        accounts = Accounts(deps)
        outcomes = await asyncio.gather(*(reason(accounts.login(f"nobody{n:02d}", "wrong1234", f"10.0.0.{n}")) for n in range(16)))
    assert outcomes == ["AUTH4001"] * 16
    assert hasher.most <= deps.settings.password_hash_concurrency == 2
