"""Queries of the user service, one small repository per aggregate, over one session."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.pool import PoolProxiedConnection

from gridam_runtime.db import PlainRead, affected_rows
from gridam_runtime.follows import MAX_FOLLOWEE_IDS
from user_service.adapters.orm import DeletedLoginId, Follow, OAuthLink, PhoneVerification, RefreshToken, Session, User


class UserRepository:
    def __init__(self, db: DbSession) -> None:
        self._db = db

    def add(self, user: User) -> User:
        self._db.add(user)
        self._db.flush()
        return user

    def get(self, user_id: int) -> User | None:
        return self._db.get(User, user_id)

    def set_diary_count(self, user_id: int, count: int, as_of: int) -> None:
        """Newer counts only: a conditional update, so late or repeated calls change nothing."""
        self._db.execute(
            update(User)
            .where(User.id == user_id, User.diary_count_as_of < as_of)
            .values(diary_count=count, diary_count_as_of=as_of)
        )

    def by_login_id(self, login_id: str) -> User | None:
        return self._db.scalar(select(User).where(User.login_id == login_id))

    def login_id_taken(self, login_id: str) -> bool:
        return self._db.scalar(select(User.id).where(User.login_id == login_id)) is not None

    def phone_taken(self, phone: str) -> bool:
        return self._db.scalar(select(User.id).where(User.phone == phone)) is not None

    def by_oauth(self, provider: str, subject: str) -> User | None:
        return self._db.scalar(
            select(User).join(OAuthLink, OAuthLink.user_id == User.id).where(
                OAuthLink.provider == provider, OAuthLink.subject == subject
            )
        )

    def link_oauth(self, link: OAuthLink) -> None:
        self._db.add(link)
        self._db.flush()

    def avatar_in_use(self, key: str) -> bool:
        return self._db.scalar(select(User.id).where(User.avatar_key == key).limit(1)) is not None

    def login_id_reserved(self, digest: str, now: datetime.datetime) -> bool:
        """Whether a deleted account's login id with this digest is still in its cool-down."""
        row = self._db.get(DeletedLoginId, digest)
        return row is not None and row.free_at > now

    def forget(self, user: User, login_id_digest: str, free_at: datetime.datetime) -> set[int]:
        """Delete the account and everything of it in this schema: follow edges both ways (the
        other people's counts corrected), sessions, refresh tokens, OAuth links, the phone
        verification; its login id stays reserved (as a digest) until `free_at`. Returns the
        followers whose followees changed (the account's followers and itself)."""
        changed = {user.id}
        for follower_id, followee_id in self._db.execute(
            select(Follow.follower_id, Follow.followee_id).where(
                (Follow.follower_id == user.id) | (Follow.followee_id == user.id)
            )
        ).all():
            self.adjust_follow_counts(follower_id, followee_id, -1)
            changed.add(follower_id)
        self._db.execute(delete(Follow).where((Follow.follower_id == user.id) | (Follow.followee_id == user.id)))
        sessions = select(Session.id).where(Session.user_id == user.id)
        self._db.execute(delete(RefreshToken).where(RefreshToken.session_id.in_(sessions)))
        self._db.execute(delete(Session).where(Session.user_id == user.id))
        self._db.execute(delete(OAuthLink).where(OAuthLink.user_id == user.id))
        if user.phone:
            self._db.execute(delete(PhoneVerification).where(PhoneVerification.phone == user.phone))
        self._db.delete(user)
        self._db.merge(DeletedLoginId(digest=login_id_digest, free_at=free_at))
        self._db.flush()
        return changed

    def adjust_follow_counts(self, follower_id: int, followee_id: int, delta: int) -> None:
        # Done in SQL, so concurrent follows never lose an update.
        self._db.execute(
            update(User).where(User.id == follower_id).values(following_count=User.following_count + delta)
        )
        self._db.execute(
            update(User).where(User.id == followee_id).values(follower_count=User.follower_count + delta)
        )


class ProfileRow(NamedTuple):
    """What a profile shows."""

    id: int
    login_id: str
    nickname: str
    introduction: str
    avatar_key: str
    follower_count: int
    following_count: int
    diary_count: int


# The hottest queries of the service, read without ORM objects or SQLAlchemy's execution layer
# (db.PlainRead): built and compiled once, with bind parameters.
_users = User.__table__.c
_PROFILE = select(*(_users[name] for name in ProfileRow._fields))
_PROFILE_BY_ID = PlainRead(_PROFILE.where(_users.id == bindparam("user_id")))
_PROFILE_BY_LOGIN_ID = PlainRead(_PROFILE.where(_users.login_id == bindparam("login_id")))
# Batches of profiles (GetProfiles): one statement per number of login ids, each compiled once.
MAX_PROFILES_PER_READ = 100
_PROFILES_BY_LOGIN_IDS = [
    PlainRead(_PROFILE.where(_users.login_id.in_([bindparam(f"login_id_{i}") for i in range(count)])))
    for count in range(MAX_PROFILES_PER_READ + 1)
]
_follows = Follow.__table__.c
# Timelines in other services read at most MAX_FOLLOWEE_IDS followees of a user.
_FOLLOWEE_IDS = PlainRead(select(_follows.followee_id).where(_follows.follower_id == bindparam("user_id")).limit(MAX_FOLLOWEE_IDS))
_FOLLOWS = PlainRead(
    select(_follows.id).where(_follows.follower_id == bindparam("follower_id"), _follows.followee_id == bindparam("followee_id"))
)


class ProfileReads:
    """Read-only profile and follow queries over a pooled DBAPI connection of the autocommit read engine."""

    def __init__(self, db: PoolProxiedConnection, dialect: Dialect) -> None:
        self._db = db
        self._dialect = dialect

    def by_id(self, user_id: int) -> ProfileRow | None:
        row = _PROFILE_BY_ID.first(self._db, self._dialect, user_id=user_id)
        return None if row is None else ProfileRow._make(row)

    def by_login_id(self, login_id: str) -> ProfileRow | None:
        row = _PROFILE_BY_LOGIN_ID.first(self._db, self._dialect, login_id=login_id)
        return None if row is None else ProfileRow._make(row)

    def by_login_ids(self, login_ids: Sequence[str]) -> list[ProfileRow]:
        """The profiles of up to MAX_PROFILES_PER_READ distinct login ids, in no order."""
        if not login_ids:
            return []
        read = _PROFILES_BY_LOGIN_IDS[len(login_ids)]
        params = {f"login_id_{i}": login_id for i, login_id in enumerate(login_ids)}
        return [ProfileRow._make(row) for row in read.all(self._db, self._dialect, **params)]

    # Asked on every timeline read and feed visibility check of other services.
    def followee_ids(self, user_id: int) -> list[int]:
        return [row[0] for row in _FOLLOWEE_IDS.all(self._db, self._dialect, user_id=user_id)]

    def follows(self, follower_id: int, followee_id: int) -> bool:
        return _FOLLOWS.first(self._db, self._dialect, follower_id=follower_id, followee_id=followee_id) is not None


class PhoneVerificationRepository:
    def __init__(self, db: DbSession) -> None:
        self._db = db

    def get(self, phone: str) -> PhoneVerification | None:
        return self._db.get(PhoneVerification, phone)

    def get_for_update(self, phone: str) -> PhoneVerification | None:
        return self._db.scalar(select(PhoneVerification).where(PhoneVerification.phone == phone).with_for_update())

    def count_attempt(self, phone: str, max_attempts: int) -> bool:
        """Count one attempt at the code unless `max_attempts` were made; False if they were.
        One conditional UPDATE, so parallel attempts all count on SQLite too, where FOR UPDATE
        locks nothing."""
        counted = affected_rows(
            self._db,
            update(PhoneVerification)
            .where(PhoneVerification.phone == phone, PhoneVerification.attempts < max_attempts)
            .values(attempts=PhoneVerification.attempts + 1),
        )
        return counted == 1

    def add(self, row: PhoneVerification) -> None:
        self._db.add(row)

    def delete(self, row: PhoneVerification) -> None:
        self._db.delete(row)


class SessionRepository:
    def __init__(self, db: DbSession) -> None:
        self._db = db

    def add(self, session: Session, token: RefreshToken) -> None:
        self._db.add(session)
        self._db.flush()
        self._db.add(token)

    def add_token(self, token: RefreshToken) -> None:
        self._db.add(token)

    def token(self, token_hash: str) -> RefreshToken | None:
        return self._db.get(RefreshToken, token_hash)

    def mark_used(self, token_hash: str, now: datetime.datetime) -> bool:
        """Mark a token used; False if it already was. One conditional UPDATE, so of parallel
        callers exactly one wins, on SQLite too, where FOR UPDATE locks nothing."""
        marked = affected_rows(
            self._db,
            update(RefreshToken)
            .where(RefreshToken.token_hash == token_hash, RefreshToken.used_at.is_(None))
            .values(used_at=now),
        )
        return marked == 1

    def get(self, session_id: str) -> Session | None:
        return self._db.get(Session, session_id)

    def active_of_user(self, user_id: int) -> list[Session]:
        return list(
            self._db.scalars(select(Session).where(Session.user_id == user_id, Session.revoked_at.is_(None)))
        )

    def revoke(self, session: Session, reason: str, now: datetime.datetime) -> None:
        if session.revoked_at is None:
            session.revoked_at = now
            session.revoke_reason = reason
        # Live refresh tokens of a revoked family are useless; drop them.
        self._db.execute(delete(RefreshToken).where(RefreshToken.session_id == session.id))


class FollowRepository:
    def __init__(self, db: DbSession) -> None:
        self._db = db

    def exists(self, follower_id: int, followee_id: int) -> bool:
        return (
            self._db.scalar(
                select(Follow.id).where(Follow.follower_id == follower_id, Follow.followee_id == followee_id)
            )
            is not None
        )

    def add(self, follow: Follow) -> None:
        self._db.add(follow)
        self._db.flush()

    def remove(self, follower_id: int, followee_id: int) -> bool:
        removed = affected_rows(
            self._db, delete(Follow).where(Follow.follower_id == follower_id, Follow.followee_id == followee_id)
        )
        return removed > 0

    def page(self, *, user_id: int, followers: bool, cursor: int, size: int) -> list[tuple[int, User]]:
        """(follow id, other user) rows, newest first, strictly after `cursor` when it is set."""
        mine, other = (Follow.followee_id, Follow.follower_id) if followers else (Follow.follower_id, Follow.followee_id)
        query = select(Follow.id, User).join(User, User.id == other).where(mine == user_id)
        if cursor:
            query = query.where(Follow.id < cursor)
        return [(row[0], row[1]) for row in self._db.execute(query.order_by(Follow.id.desc()).limit(size))]
