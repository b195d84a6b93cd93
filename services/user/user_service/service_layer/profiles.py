"""Profiles, avatars and follows."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError

from gridam_domain.images import sanitize_image
from gridam_domain.paging import split_page
from gridam_domain.storage import content_addressed_key
from gridam_runtime.auth import ServiceCaller
from gridam_runtime.errors import InvalidArgument, NotFound, PermissionDenied
from gridam_runtime.limits import Limit
from user_service.adapters.orm import Follow, User
from user_service.adapters.repository import MAX_PROFILES_PER_READ, ProfileRow
from user_service.domain import validation
from user_service.service_layer.dependencies import Dependencies
from user_service.service_layer.outbox import NOTIFY_FOLLOW, follow_event
from user_service.unit_of_work import UnitOfWork

AVATAR_MAX_SIDE = 512
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


# Services that may ask who follows whom about any two users (the feed's visibility rules), as
# GetFollowRelation's access option names them: which caller it is decides what it may ask. Who
# may call the other methods is the call chain's check alone (gridam_runtime.access).
FOLLOW_READERS = frozenset({"gridam-diary"})


class Profiles:
    def __init__(self, deps: Dependencies) -> None:
        self._d = deps
        self._follows = Limit("follows", deps.settings.limit_follows, "FOLLOW4291")
        self._avatar_uploads = Limit("avatar_uploads", deps.settings.limit_avatar_uploads, "IMAGE4291")

    async def get(self, login_id: str) -> ProfileRow:
        """The profile of `login_id`, or the caller's own without one."""
        # Runs on the event loop, not in a worker thread: a token check from memory and one
        # primary-key read on the autocommit read engine (bounded by its timeouts) cost less
        # CPU than the hop to a thread and back (docs/performance.md).
        identity = self._d.authenticator.require()
        with self._d.reads() as reads:
            if login_id:
                row = reads.profiles.by_login_id(login_id.strip().lower())
            else:
                row = reads.profiles.by_id(identity.user_id)
        if row is None:
            raise NotFound("USER4041", "no such user")
        return row

    async def get_many(self, login_ids: Sequence[str]) -> list[ProfileRow]:
        """The profiles of those of `login_ids` that name a user (in no order); as `get`, on the
        event loop."""
        wanted = sorted({login_id.strip().lower() for login_id in login_ids})
        if len(wanted) > MAX_PROFILES_PER_READ:
            raise InvalidArgument("COMMON4000", f"at most {MAX_PROFILES_PER_READ} user ids")
        with self._d.reads() as reads:
            return reads.profiles.by_login_ids(wanted)

    async def update(self, nickname: str | None, introduction: str | None) -> User:
        return await asyncio.to_thread(self._update, nickname, introduction)

    def _update(self, nickname: str | None, introduction: str | None) -> User:
        identity = self._d.authenticator.require()
        changes = {}
        if nickname is not None:
            changes["nickname"] = validation.nickname(nickname)
        if introduction is not None:
            changes["introduction"] = validation.introduction(introduction)
        with self._d.uow() as uow:
            user = self._me(uow, identity.user_id)
            for field, value in changes.items():
                setattr(user, field, value)
            user.updated_at = self._d.clock()
            uow.commit()
        if nickname is not None:
            self._d.profile_changes.changed((user.login_id,))
        return user

    def forget_limits(self, user_id: int, _event: dict[str, str]) -> None:
        """A deleted account's follow and avatar-upload limit keys (the outbox relay's leftovers)."""
        for limit in (self._follows, self._avatar_uploads):
            self._d.limiter.reset(limit, user_id)

    async def set_avatar(self, data: bytes) -> User:
        return await asyncio.to_thread(self._set_avatar, data)

    def _set_avatar(self, data: bytes) -> User:
        identity = self._d.authenticator.require()
        self._d.limiter.hit(self._avatar_uploads, identity.user_id)  # decoding a 40-megapixel image costs
        image = sanitize_image(data, max_side=AVATAR_MAX_SIDE)  # raises before anything is stored
        key = content_addressed_key("avatars", image.data, image.extension)
        self._d.storage.put(key, image.data, image.content_type)
        with self._d.uow() as uow:
            user = self._me(uow, identity.user_id)
            user.avatar_key, user.updated_at = key, self._d.clock()
            uow.commit()
        self._d.profile_changes.changed((user.login_id,))
        return user

    async def set_diary_count(self, user_id: int, count: int, as_of: int) -> None:
        """The diary service's count of a user's diaries (internal: diary service only)."""
        await asyncio.to_thread(self._set_diary_count, user_id, count, as_of)

    def _set_diary_count(self, user_id: int, count: int, as_of: int) -> None:
        if count < 0 or as_of <= 0:
            raise InvalidArgument("USER4008", "count >= 0 and as_of > 0")
        with self._d.uow() as uow:
            uow.users.set_diary_count(user_id, count, as_of)
            uow.commit()

    @staticmethod
    def _me(uow: UnitOfWork, user_id: int) -> User:
        user = uow.users.get(user_id)
        if user is None:  # the token outlived its account
            raise NotFound("USER4041", "caller's account is gone")
        return user

    def _target(self, uow: UnitOfWork, login_id: str) -> User:
        user = uow.users.by_login_id(login_id.strip().lower())
        if user is None:
            raise NotFound("USER4041", "no such user")
        return user

    async def follow(self, login_id: str) -> bool:
        """Follow `login_id`; False when already following. A new follow owes the followed
        user a FOLLOW notification, recorded in the same transaction (see outbox.py)."""
        return await asyncio.to_thread(self._follow, login_id)

    def _follow(self, login_id: str) -> bool:
        identity = self._d.authenticator.require()
        self._d.limiter.hit(self._follows, identity.user_id)
        with self._d.uow() as uow:
            target = self._target(uow, login_id)
            if target.id == identity.user_id:
                raise InvalidArgument("FOLLOW4001", "cannot follow oneself")
            if uow.follows.exists(identity.user_id, target.id):
                return False
            try:
                uow.follows.add(Follow(follower_id=identity.user_id, followee_id=target.id, created_at=self._d.clock()))
            except IntegrityError:  # the same follow committed concurrently
                return False
            uow.users.adjust_follow_counts(identity.user_id, target.id, +1)
            uow.owe(NOTIFY_FOLLOW, target.id, follow_event(identity.user_id, identity.login_id))
            uow.commit()
        self._d.follow_changes.changed((identity.user_id,))
        return True

    async def unfollow(self, login_id: str) -> bool:
        return await asyncio.to_thread(self._unfollow, login_id)

    def _unfollow(self, login_id: str) -> bool:
        identity = self._d.authenticator.require()
        self._d.limiter.hit(self._follows, identity.user_id)
        with self._d.uow() as uow:
            target = self._target(uow, login_id)
            if not uow.follows.remove(identity.user_id, target.id):
                return False
            uow.users.adjust_follow_counts(identity.user_id, target.id, -1)
            uow.commit()
        self._d.follow_changes.changed((identity.user_id,))
        return True

    async def follow_page(self, *, followers: bool, cursor: int, size: int) -> tuple[list[tuple[int, User]], int]:
        """One page of the caller's followers or followings and the next cursor (0 = none)."""
        return await asyncio.to_thread(self._follow_page, followers, cursor, size)

    def _follow_page(self, followers: bool, cursor: int, size: int) -> tuple[list[tuple[int, User]], int]:
        identity = self._d.authenticator.require()
        if cursor < 0:
            raise InvalidArgument("COMMON4002", "cursor must be positive")
        size = min(max(size or DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE)
        with self._d.uow() as uow:
            rows = uow.follows.page(user_id=identity.user_id, followers=followers, cursor=cursor, size=size + 1)
        return split_page(rows, size, cursor_of=lambda row: row[0])

    async def following_ids(self) -> list[int]:
        return await asyncio.to_thread(self._following_ids)

    def _following_ids(self) -> list[int]:
        identity = self._d.authenticator.require()
        with self._d.reads() as reads:
            return reads.profiles.followee_ids(identity.user_id)

    async def is_following(self, follower_id: int, followee_id: int) -> bool:
        """Whether one user follows another: to a user about a pair they belong to, to the
        diary service about any pair. Who follows whom is private to the two (each user lists
        only their own follows), so no one learns it of others."""
        return await asyncio.to_thread(self._is_following, follower_id, followee_id)

    def _is_following(self, follower_id: int, followee_id: int) -> bool:
        caller = self._d.authenticator.require_user_or_service(FOLLOW_READERS)
        if not isinstance(caller, ServiceCaller) and caller.user_id not in (follower_id, followee_id):
            raise PermissionDenied("AUTH4031", "a user asks only about their own follows")
        with self._d.reads() as reads:
            return reads.profiles.follows(follower_id, followee_id)
