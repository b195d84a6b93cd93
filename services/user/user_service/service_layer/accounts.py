"""Accounts and sessions: phone verification, sign-up, login, token rotation, logout,
social login and password change."""

from __future__ import annotations

import asyncio
import base64
import datetime
import hashlib
import hmac
import math
import secrets
import threading
import time
import uuid
from dataclasses import dataclass
from typing import TypeGuard

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError

from gridam_runtime.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound, ResourceExhausted, Unauthenticated
from gridam_runtime.limits import Limit, Rate
from user_service.adapters.oauth import OAuthIdentity, OAuthProviderClient
from user_service.adapters.orm import OAuthLink, PhoneVerification, RefreshToken, Session, User
from user_service.domain import validation
from user_service.service_layer.dependencies import Dependencies
from user_service.service_layer.outbox import ACCOUNT_DELETED, account_deleted_event
from user_service.unit_of_work import UnitOfWork

OAUTH_STATE_TTL_SECONDS = 600
# A browser binding carries at least 128 random bits (the gateway sends 256).
MIN_BROWSER_BINDING_CHARS = 22
DEFAULT_SOCIAL_NICKNAME = "그리담 친구"


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    access_expires_at: int


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class Accounts:
    def __init__(self, deps: Dependencies) -> None:
        self._d = deps
        self._s = s = deps.settings
        self._hashing = threading.BoundedSemaphore(s.password_hash_concurrency)
        # Verified against when the login id is unknown, so both failures cost the same time.
        self._dummy_hash = deps.hasher.hash(secrets.token_hex(16))
        self._sms_per_address = Limit("sms_per_address", Rate(s.phone_max_sends_per_address, s.phone_address_window_seconds), "SMS4294")
        self._sms_resend = Limit("sms_resend", Rate(1, s.phone_resend_interval_seconds), "SMS4292")
        self._sms_daily = Limit("sms_daily", Rate(s.phone_daily_limit, 24 * 3600), "SMS4293")
        self._login_per_address = Limit("login_per_address", Rate(s.login_max_attempts_per_address, s.login_address_window_seconds), "AUTH4291")
        self._login_failures = Limit("login_failures_per_account", Rate(s.login_max_failures_per_account, s.login_account_window_seconds), "AUTH4291")
        self._sign_ups_per_address = Limit("sign_ups_per_address", s.limit_sign_ups_per_address, "USER4291")
        self._sign_up_attempts_per_phone = Limit("sign_up_attempts_per_phone", s.limit_sign_up_attempts_per_phone, "USER4292")
        self._password_changes = Limit("password_changes", s.limit_password_changes, "USER4293")

    # --- phone verification -------------------------------------------------------------

    async def send_phone_code(self, raw_phone: str, client_address: str = "") -> datetime.datetime:
        return await asyncio.to_thread(self._send_phone_code, validation.phone(raw_phone), client_address)

    def _send_phone_code(self, phone: str, client_address: str) -> datetime.datetime:
        if client_address:
            self._d.limiter.hit(self._sms_per_address, client_address)
        self._d.limiter.hit(self._sms_resend, phone)
        self._d.limiter.hit(self._sms_daily, phone)
        code = f"{secrets.randbelow(10**6):06d}"
        expires = self._d.clock() + datetime.timedelta(seconds=self._s.phone_code_ttl_seconds)
        with self._d.uow() as uow:
            row = uow.phones.get_for_update(phone)
            if row is None:
                row = PhoneVerification(phone=phone, attempts=0)
                uow.phones.add(row)
            # A verification already made stays: asking for a new code must not cancel someone's sign-up.
            row.code_hash, row.expires_at, row.attempts = _sha256(phone + code), expires, 0
            uow.commit()
        # Sent after the commit: a code the database does not know is never delivered.
        self._d.sms.send(phone, code, f"[그리담] 인증번호 [{code}]를 입력해 주세요. ({self._s.phone_code_ttl_seconds // 60}분 이내)")
        return expires

    async def verify_phone_code(self, raw_phone: str, code: str) -> datetime.datetime:
        return await asyncio.to_thread(self._verify_phone_code, validation.phone(raw_phone), code)

    def _verify_phone_code(self, phone: str, code: str) -> datetime.datetime:
        now = self._d.clock()
        with self._d.uow() as uow:
            row = uow.phones.get(phone)
            if row is None or row.code_hash is None or row.expires_at <= now:
                raise FailedPrecondition("SMS4003", "no live code for this number")
            # Counted before the code is compared, so parallel guesses get no more tries than the limit.
            if not uow.phones.count_attempt(phone, self._s.phone_code_max_attempts):
                # Retry-After: when a new code may be asked for (the resend interval from this one).
                sent_at = row.expires_at - datetime.timedelta(seconds=self._s.phone_code_ttl_seconds)
                resend_at = sent_at + datetime.timedelta(seconds=self._s.phone_resend_interval_seconds)
                wait = max(1, math.ceil((resend_at - now).total_seconds()))
                raise ResourceExhausted("SMS4291", "too many wrong codes", retry_after_seconds=wait)
            if not hmac.compare_digest(row.code_hash, _sha256(phone + code.strip())):
                uow.commit()
                raise InvalidArgument("SMS4002", "wrong code")
            row.code_hash, row.verified_at = None, now
            uow.commit()
        return now + datetime.timedelta(seconds=self._s.phone_verified_window_seconds)

    # --- sign-up and login --------------------------------------------------------------

    async def sign_up(self, raw_login_id: str, raw_password: str, raw_nickname: str, raw_phone: str, client_address: str = "") -> User:
        """Cheap checks first: the password is hashed (argon2: tens of ms of CPU, 64 MiB) only
        for a sign-up that can succeed, so a flood of sign-ups without a verified number costs
        a few reads each."""
        login_id = validation.login_id(raw_login_id)
        password = validation.password(raw_password)
        nickname = validation.nickname(raw_nickname)
        phone = validation.phone(raw_phone)
        return await asyncio.to_thread(self._sign_up, login_id, password, nickname, phone, client_address)

    def _sign_up(self, login_id: str, password: str, nickname: str, phone: str, client_address: str) -> User:
        if client_address:
            self._d.limiter.hit(self._sign_ups_per_address, client_address)
        with self._d.uow() as uow:
            if not self._verified(uow.phones.get(phone)):
                raise FailedPrecondition("USER4006", "phone not verified on the server")
            # Every attempt with a verification counts (finding 10): it cannot be used to probe
            # login ids without end while it lasts.
            self._d.limiter.hit(self._sign_up_attempts_per_phone, phone)
            if uow.users.login_id_taken(login_id) or uow.users.login_id_reserved(self._login_id_digest(login_id), self._d.clock()):
                raise AlreadyExists("USER4091", "login id taken")
            if uow.users.phone_taken(phone):
                raise AlreadyExists("USER4092", "phone already registered")
        password_hash = self._hash(password)
        with self._d.uow() as uow:
            # Checked again under the lock: a parallel sign-up may have used the verification.
            verification = uow.phones.get_for_update(phone)
            if not self._verified(verification):
                raise FailedPrecondition("USER4006", "phone not verified on the server")
            now = self._d.clock()
            user = User(
                login_id=login_id, password_hash=password_hash, nickname=nickname, introduction="", phone=phone,
                avatar_key="", follower_count=0, following_count=0, diary_count=0, created_at=now, updated_at=now,
            )
            try:
                uow.users.add(user)
            except IntegrityError:  # a concurrent sign-up won the race
                raise AlreadyExists("USER4091", "login id or phone taken") from None
            uow.phones.delete(verification)  # one verification, one account
            uow.commit()
            return user

    def _verified(self, verification: PhoneVerification | None) -> TypeGuard[PhoneVerification]:
        """A number verified on the server within the window (decision 8)."""
        window = datetime.timedelta(seconds=self._s.phone_verified_window_seconds)
        return (
            verification is not None
            and verification.verified_at is not None
            and verification.verified_at + window >= self._d.clock()
        )

    async def login(self, raw_login_id: str, password: str, client_address: str) -> Tokens:
        return await asyncio.to_thread(self._login, raw_login_id.strip().lower(), password, client_address)

    def _login(self, login_id: str, password: str, client_address: str) -> Tokens:
        self._limit_address(client_address)
        # Counted before the password is checked (a success resets it), so parallel guesses get
        # no more checks than the limit.
        self._d.limiter.hit(self._login_failures, login_id)
        with self._d.uow() as uow:
            user = uow.users.by_login_id(login_id)
            # Checked without an account too (against the dummy hash): both failures take as long.
            matches = self._password_matches(user.password_hash if user else None, password)
            if user is None or not matches:
                raise InvalidArgument("AUTH4001", "wrong login id or password")
            self._d.limiter.reset(self._login_failures, login_id)
            tokens = self._start_session(uow, user)
            uow.commit()
            return tokens

    def _limit_address(self, client_address: str) -> None:
        if client_address:
            self._d.limiter.hit(self._login_per_address, client_address)

    def _hash(self, password: str) -> str:
        with self._hashing:
            return self._d.hasher.hash(password)

    def _password_matches(self, password_hash: str | None, password: str) -> bool:
        try:
            with self._hashing:
                return self._d.hasher.verify(password_hash or self._dummy_hash, password) and password_hash is not None
        except (VerificationError, InvalidHashError):
            return False

    # --- sessions -----------------------------------------------------------------------

    def _start_session(self, uow: UnitOfWork, user: User) -> Tokens:
        session = Session(id=uuid.uuid4().hex, user_id=user.id, created_at=self._d.clock())
        refresh = self._new_refresh_token(session.id)
        uow.sessions.add(session, refresh[1])
        return self._tokens(user, session.id, refresh[0])

    def _new_refresh_token(self, session_id: str) -> tuple[str, RefreshToken]:
        token = secrets.token_urlsafe(32)
        expires = self._d.clock() + datetime.timedelta(seconds=self._s.refresh_token_ttl_seconds)
        return token, RefreshToken(token_hash=_sha256(token), session_id=session_id, expires_at=expires)

    def _tokens(self, user: User, session_id: str, refresh_token: str) -> Tokens:
        access, expires = self._d.issuer.issue(user.id, user.login_id, session_id)
        return Tokens(access, refresh_token, expires)

    def _revoke(self, uow: UnitOfWork, session: Session, reason: str) -> None:
        uow.sessions.revoke(session, reason, self._d.clock())
        # Access tokens of the session stay valid until they expire unless listed here.
        self._d.revocations.revoke(session.id, self._s.access_token_ttl_seconds + 60)

    async def reissue(self, refresh_token: str) -> Tokens:
        return await asyncio.to_thread(self._reissue, refresh_token)

    def _reissue(self, refresh_token: str) -> Tokens:
        now = self._d.clock()
        token_hash = _sha256(refresh_token)
        with self._d.uow() as uow:
            row = uow.sessions.token(token_hash) if refresh_token else None
            if row is None:
                raise Unauthenticated("AUTH4012", "unknown refresh token")
            session = uow.sessions.get(row.session_id)
            if session is None or session.revoked_at is not None:
                raise Unauthenticated("AUTH4012", "session revoked")
            if not uow.sessions.mark_used(token_hash, now):
                # A rotated token came back, or a parallel refresh with it won: someone holds a
                # copy. End the whole family.
                self._revoke(uow, session, "reuse")
                uow.commit()
                raise Unauthenticated("AUTH4013", "refresh token reuse; session revoked")
            if row.expires_at <= now:  # raised before the commit: the token stays unused
                raise Unauthenticated("AUTH4012", "refresh token expired")
            user = uow.users.get(session.user_id)
            if user is None:  # the account is gone (its sessions go with it)
                raise Unauthenticated("AUTH4012", "session revoked")
            token, new_row = self._new_refresh_token(session.id)
            uow.sessions.add_token(new_row)
            tokens = self._tokens(user, session.id, token)
            uow.commit()
            return tokens

    async def logout(self) -> None:
        await asyncio.to_thread(self._logout)

    def _logout(self) -> None:
        identity = self._d.authenticator.require()
        with self._d.uow() as uow:
            session = uow.sessions.get(identity.session_id)
            if session is not None:
                self._revoke(uow, session, "logout")
                uow.commit()
            else:  # session rows are never deleted, but refuse the token regardless
                self._d.revocations.revoke(identity.session_id, self._s.access_token_ttl_seconds + 60)

    async def change_password(self, current: str, new: str) -> int:
        return await asyncio.to_thread(self._change_password, current, new)

    def _change_password(self, current: str, new: str) -> int:
        identity = self._d.authenticator.require()
        new = validation.password(new)
        # Every attempt counts, before the current password is checked: a stolen access token
        # cannot guess it without end.
        self._d.limiter.hit(self._password_changes, identity.user_id)
        with self._d.uow() as uow:
            user = uow.users.get(identity.user_id)
            if user is None or not self._password_matches(user.password_hash, current):
                raise InvalidArgument("USER4007", "current password is wrong")
            user.password_hash = self._hash(new)
            user.updated_at = self._d.clock()
            others = [s for s in uow.sessions.active_of_user(user.id) if s.id != identity.session_id]
            for session in others:
                self._revoke(uow, session, "password")
            uow.commit()
            return len(others)

    # --- account deletion (docs/account-deletion.md) -----------------------------------

    def _login_id_digest(self, login_id: str) -> str:
        return hmac.new(self._d.oauth_state_key, b"deleted-login-id:" + login_id.encode(), hashlib.sha256).hexdigest()

    async def delete_account(self, current_password: str) -> datetime.datetime:
        """Delete the caller's account: every session revoked at once, the account and what this
        schema holds of it deleted, and an `account_deleted` job owed (the outbox relay has the
        other services forget the person). Returns when the login id becomes free again."""
        return await asyncio.to_thread(self._delete_account, current_password)

    def _delete_account(self, current_password: str) -> datetime.datetime:
        identity = self._d.authenticator.require()
        self._d.limiter.hit(self._password_changes, identity.user_id)  # guesses of the password count
        now = self._d.clock()
        with self._d.uow() as uow:
            user = uow.users.get(identity.user_id)
            if user is None:
                raise NotFound("USER4041", "no such user")
            if user.password_hash is not None:
                if not self._password_matches(user.password_hash, current_password):
                    raise InvalidArgument("USER4007", "current password is wrong")
            else:  # social login only: the session must come from a login just made
                session = uow.sessions.get(identity.session_id)
                fresh = datetime.timedelta(seconds=self._s.account_deletion_fresh_login_seconds)
                if session is None or now - session.created_at > fresh:
                    raise FailedPrecondition("USER4008", "log in again before deleting the account")
            for session in uow.sessions.active_of_user(user.id):
                self._revoke(uow, session, "deleted")
            self._d.revocations.revoke(identity.session_id, self._s.access_token_ttl_seconds + 60)
            free_at = now + datetime.timedelta(days=self._s.deleted_login_id_cool_down_days)
            event = account_deleted_event(user.login_id, user.phone or "", user.avatar_key)
            followers = uow.users.forget(user, self._login_id_digest(user.login_id), free_at)
            uow.forget_follow_events(user.id)
            uow.owe(ACCOUNT_DELETED, user.id, event)
            uow.commit()
        self._d.follow_changes.changed(followers)
        self._d.profile_changes.changed((user.login_id,))
        return free_at

    def forget_leftovers(self, user_id: int, event: dict[str, str]) -> None:
        """What the relay removes after the deletion (each step idempotent): this service's
        rate-limit keys naming the person, and their avatar unless another account uses the
        same content-addressed object."""
        self._d.limiter.reset(self._password_changes, user_id)
        self._d.limiter.reset(self._login_failures, event["login_id"])
        if event["phone"]:
            for limit in (self._sms_resend, self._sms_daily, self._sign_up_attempts_per_phone):
                self._d.limiter.reset(limit, event["phone"])
        key = event["avatar_key"]
        if key:
            with self._d.uow() as uow:
                in_use = uow.users.avatar_in_use(key)
            if not in_use:
                self._d.storage.delete(key)

    # --- social login -------------------------------------------------------------------

    def _state_signature(self, payload: str) -> str:
        digest = hmac.new(self._d.oauth_state_key, payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    @staticmethod
    def _binding_digest(browser_binding: str) -> str:
        # The state (seen by the provider, kept in browser history) carries a digest only.
        digest = hashlib.sha256(browser_binding.encode()).digest()[:16]
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    async def oauth_authorization_url(self, provider: str, browser_binding: str) -> str:
        """The provider's authorization URL with a signed, expiring state bound to the browser
        that holds `browser_binding` (a secret the gateway keeps in that browser's cookie): a
        callback link with someone else's code and state logs no one in (login CSRF)."""
        client = self._provider(provider)
        if len(browser_binding) < MIN_BROWSER_BINDING_CHARS:
            raise InvalidArgument("OAUTH4004", "a browser binding is required")
        expires = int(time.time()) + OAUTH_STATE_TTL_SECONDS
        payload = f"{provider}.{secrets.token_urlsafe(12)}.{expires}.{self._binding_digest(browser_binding)}"
        return client.authorization_url(f"{payload}.{self._state_signature(payload)}")

    def _check_state(self, provider: str, state: str, browser_binding: str) -> None:
        payload, _, signature = state.rpartition(".")
        parts = payload.split(".")
        # ASCII first: isdigit() accepts digits such as '²' that int() refuses, and compare_digest
        # raises on non-ASCII strings.
        valid = (
            state.isascii()
            and len(parts) == 4
            and parts[0] == provider
            and parts[2].isdigit()
            and int(parts[2]) >= time.time()
            and hmac.compare_digest(signature, self._state_signature(payload))
        )
        if not valid:
            raise InvalidArgument("OAUTH4002", "invalid or expired state")
        if not hmac.compare_digest(parts[3], self._binding_digest(browser_binding)):
            raise InvalidArgument("OAUTH4004", "the login was started in another browser")

    def _provider(self, provider: str) -> OAuthProviderClient:
        client = self._d.oauth_providers.get(provider)
        if client is None:
            raise InvalidArgument("OAUTH4001", f"provider {provider!r} not configured")
        return client

    async def oauth_login(
        self, provider: str, code: str, state: str, client_address: str, browser_binding: str
    ) -> tuple[Tokens, bool]:
        client = self._provider(provider)
        self._check_state(provider, state, browser_binding)
        return await asyncio.to_thread(self._oauth_login, client, provider, code, state, client_address)

    def _oauth_login(
        self, client: OAuthProviderClient, provider: str, code: str, state: str, client_address: str
    ) -> tuple[Tokens, bool]:
        self._limit_address(client_address)
        identity = client.fetch_identity(code, state)
        try:
            return self._social_login(provider, identity)
        except IntegrityError:
            # A parallel first login of the same account created its user first. Its
            # transaction has committed (the conflicting insert waited for it), so this new
            # one finds the link and logs that user in.
            return self._social_login(provider, identity)

    def _social_login(self, provider: str, identity: OAuthIdentity) -> tuple[Tokens, bool]:
        now = self._d.clock()
        with self._d.uow() as uow:
            user = uow.users.by_oauth(provider, identity.subject)
            created = user is None
            if user is None:
                user = User(
                    login_id=self._social_login_id(uow, provider, identity.subject), password_hash=None,
                    nickname=validation.social_nickname(identity.nickname, DEFAULT_SOCIAL_NICKNAME),
                    introduction="", phone=None, avatar_key="", follower_count=0, following_count=0,
                    diary_count=0, created_at=now, updated_at=now,
                )
                uow.users.add(user)
                uow.users.link_oauth(OAuthLink(provider=provider, subject=identity.subject, user_id=user.id, created_at=now))
            tokens = self._start_session(uow, user)
            uow.commit()
            return tokens, created

    @staticmethod
    def _social_login_id(uow: UnitOfWork, provider: str, subject: str) -> str:
        """A readable handle such as `kakao_1a2b3c4d` (login ids are at most 20 characters)."""
        digest = hashlib.sha256(f"{provider}:{subject}".encode()).hexdigest()
        for length in range(8, 14):
            candidate = f"{provider}_{digest[:length]}"
            if not uow.users.login_id_taken(candidate):
                return candidate
        raise AlreadyExists("USER4091", "could not allocate a login id")
