"""Another service's servicer called in process as its gRPC client would call it, for the
unit tests of a service layer that asks other services: the same request and response
messages, the caller's token (context.bearer_token) as the metadata would carry it, and a
DomainError raised as the AioRpcError the server interceptor sends (its status and its
ErrorInfo trailer), so the layer under test meets what it meets in production.

`in_process_world`: the diary, user and card services' layers so wired together, each on its
SQLite database in one data folder (as the embedded profile runs them), sharing the keys and
the revocation file; only the emotion service and the gpu-worker are test doubles
(tests/support/card_layer.py)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator, Mapping
from typing import Any

import grpc
import redis

from card_service.config import CardSettings
from diary_service.adapters.timeline_heads import TimelineHeads, post_changes
from diary_service.config import DiarySettings
from diary_service.unit_of_work import Announcements
from gridam_runtime import context
from gridam_runtime.errors import STATUS_DETAILS_KEY, DomainError, to_status_details
from gridam_runtime.follows import FollowLists, follow_changes
from gridam_runtime.latest_diaries import LatestDiaries, diary_day_changes
from tests.support.card_layer import CardLayer, card_layer
from tests.support.diary_layer import DiaryLayer, diary_layer
from tests.support.user_layer import UserLayer, user_layer
from user_service.config import UserSettings


class InProcessClient:
    def __init__(self, servicer: Any = None) -> None:
        self.servicer = servicer  # may be set later: two services can call each other

    def __getattr__(self, method: str) -> Callable[..., Awaitable[Any]]:
        async def call(request: Any, *, timeout: float | None = None) -> Any:
            handler = getattr(self.servicer, method)
            try:
                # A task of its own runs in a copy of the caller's context, as a server's
                # handler runs in its own: what the callee sets (a service token) stays there.
                return await asyncio.create_task(handler(request, None))
            except DomainError as error:
                trailer = grpc.aio.Metadata((STATUS_DETAILS_KEY, to_status_details(error)))
                raise grpc.aio.AioRpcError(error.status_code, grpc.aio.Metadata(), trailer, details=error.detail) from None

        return call


class World:
    def __init__(self, users: UserLayer, diary: DiaryLayer, cards: CardLayer) -> None:
        self.users, self.diary, self.cards = users, diary, cards
        self.feed, self.notifications = diary.feed, diary.notifications
        self.ids: dict[str, int] = {}

    async def sign_up(self, *login_ids: str) -> None:
        for login_id in login_ids:
            self.ids[login_id] = (await self.users.sign_up(login_id)).id

    async def act_as(self, login_id: str) -> None:
        """The next calls are `login_id`'s (a session of their own)."""
        await self.users.log_in(login_id)

    async def follow(self, follower: str, followee: str) -> None:
        await self.act_as(follower)
        assert await self.users.profiles.follow(followee)

    async def card(self, author: str, *, safety_flag: bool = False, content: str = "친구와 산책을 했다.") -> tuple[int, int]:
        """A diary of `author` and its card, as the pipeline makes it: (diary id, card id)."""
        await self.act_as(author)
        diary = await self.diary.diaries.create("하루", content, b"")
        self.cards.analyses.store(diary.id, diary.author_id, diary.date, safety_flag=safety_flag)
        token = context.bearer_token.set(self.cards.pipeline_token())
        try:
            card = await self.cards.cards.make(diary.id)
        finally:
            context.bearer_token.reset(token)
        return diary.id, card.id

    async def share(self, author: str, audience: str = "PUBLIC", content: str = "오늘의 카드") -> int:
        """A post of a new card of `author`'s; the caller is `author` afterwards."""
        _diary_id, card_id = await self.card(author)
        return (await self.feed.create(card_id, content, audience, confirm_sensitive=False)).post.id


@contextlib.contextmanager
def in_process_world(
    tmp_path, sens_provider, *, databases: Mapping[str, str] | None = None, redis_url: str = "", **card_overrides
) -> Iterator[World]:
    """`databases`: URLs of the user and diary services' databases by service ("user",
    "diary"; SQLite files in `tmp_path` otherwise); `redis_url`: a Redis the user service
    tells follow changes through, the feed keeps its copies of followee lists and timeline heads
    by and the card service its copy of each day's latest diary, as in the distributed profile
    (none otherwise)."""
    to_users, to_diary, to_cards = InProcessClient(), InProcessClient(), InProcessClient()
    card_settings = CardSettings(data_dir=tmp_path, art_width=64, art_height=64)
    urls = databases or {}
    client = redis.Redis.from_url(redis_url) if redis_url else None
    follow_lists = FollowLists(client).start() if client is not None else None
    timeline_heads = TimelineHeads(client).start() if client is not None else None
    latest_diaries = LatestDiaries(client).start() if client is not None else None
    try:
        with (
            user_layer(UserSettings(data_dir=tmp_path, database_url=urls.get("user", "")), sens_provider,
                       follow_changes=follow_changes(client)) as users,
            diary_layer(DiarySettings(data_dir=tmp_path, database_url=urls.get("diary", "")), users=to_users, cards=to_cards,
                        follow_lists=follow_lists, timeline_heads=timeline_heads, announcements=Announcements(post_changes(client, timeline_heads), diary_day_changes(client))) as diary,
            card_layer(card_settings, diaries=to_diary, latest_diaries=latest_diaries, **card_overrides) as cards,
        ):
            to_users.servicer, to_diary.servicer, to_cards.servicer = users.servicer, diary.servicer, cards.servicer
            yield World(users, diary, cards)
    finally:
        if follow_lists is not None:
            follow_lists.close()
        if timeline_heads is not None:
            timeline_heads.close()
        if latest_diaries is not None:
            latest_diaries.close()
        if client is not None:
            client.close()
