"""Feed posts of emotion cards and who may see them (decision 3 of docs/web-api.md).

Visibility lives here, in the owning service: a post is visible to its author always, to
everyone when PUBLIC, to the author's followers when FOLLOWERS, and to nobody else when
PRIVATE. A post the caller may not see is simply not found (nothing about it leaks).
Who follows whom is the user service's; ownership of a card is the card service's; both are
asked with the caller's own token.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from diary_service.adapters.orm import FeedPost
from diary_service.unit_of_work import UnitOfWork
from gridam.card.v1 import card_service_pb2 as card_pb
from gridam.user.v1 import user_service_pb2 as user_pb
from gridam_runtime.auth import Authenticator
from gridam_runtime.context import Identity
from gridam_runtime.errors import InvalidArgument, NotFound, PermissionDenied
from gridam_runtime.jobs import utcnow

POST_MAX_CHARS = 500
PUBLIC, FOLLOWERS, PRIVATE = "PUBLIC", "FOLLOWERS", "PRIVATE"


@dataclass(frozen=True)
class FeedDependencies:
    uow: Callable[[], UnitOfWork]
    authenticator: Authenticator
    users: object  # ServiceClient of gridam.user.v1.UserService
    cards: object  # ServiceClient of gridam.card.v1.CardService


class Feed:
    def __init__(self, deps: FeedDependencies) -> None:
        self._d = deps

    async def _caller(self) -> Identity:
        return await asyncio.to_thread(self._d.authenticator.require)

    async def _follows(self, follower_id: int, followee_id: int) -> bool:
        reply = await self._d.users.GetFollowRelation(
            user_pb.GetFollowRelationRequest(follower_id=follower_id, followee_id=followee_id)
        )
        return reply.following

    async def _visible(self, caller: Identity, post: FeedPost) -> bool:
        if post.author_id == caller.user_id or post.audience == PUBLIC:
            return True
        return post.audience == FOLLOWERS and await self._follows(caller.user_id, post.author_id)

    async def create(self, card_id: int, content: str, audience: str) -> FeedPost:
        caller = await self._caller()
        content = content.strip()
        if len(content) > POST_MAX_CHARS:
            raise InvalidArgument("FEED4001", f"at most {POST_MAX_CHARS} characters")
        if audience not in (PUBLIC, FOLLOWERS, PRIVATE):
            raise InvalidArgument("FEED4002", "audience must be PUBLIC, FOLLOWERS or PRIVATE")
        # Only the card's owner can post it: the card service answers NOT_FOUND otherwise.
        card = (await self._d.cards.GetCard(card_pb.GetCardRequest(card_id=card_id))).card

        def store() -> FeedPost:
            with self._d.uow() as uow:
                post = uow.posts.add(
                    FeedPost(
                        author_id=caller.user_id,
                        author_login_id=caller.login_id,
                        card_id=card.id,
                        diary_id=card.diary_id,
                        content=content,
                        audience=audience,
                        created_at=utcnow(),
                    )
                )
                uow.commit()
                return post

        return await asyncio.to_thread(store)

    async def of_user(self, author_id: int) -> list[FeedPost]:
        caller = await self._caller()
        if author_id == caller.user_id:
            audiences: tuple[str, ...] = (PUBLIC, FOLLOWERS, PRIVATE)
        elif await self._follows(caller.user_id, author_id):
            audiences = (PUBLIC, FOLLOWERS)
        else:
            audiences = (PUBLIC,)

        def read() -> list[FeedPost]:
            with self._d.uow() as uow:
                return uow.posts.of_author(author_id, audiences)

        return await asyncio.to_thread(read)

    async def _post(self, post_id: int) -> FeedPost | None:
        def read() -> FeedPost | None:
            with self._d.uow() as uow:
                return uow.posts.get(post_id)

        return await asyncio.to_thread(read)

    async def get(self, post_id: int) -> FeedPost:
        caller = await self._caller()
        post = await self._post(post_id)
        if post is None or not await self._visible(caller, post):
            raise NotFound("FEED4041", "no such post visible to the caller")
        return post

    async def delete(self, post_id: int) -> None:
        caller = await self._caller()
        post = await self._post(post_id)
        if post is None or not await self._visible(caller, post):
            raise NotFound("FEED4041", "no such post visible to the caller")
        if post.author_id != caller.user_id:
            raise PermissionDenied("FEED4031", "only the author deletes a post")

        def remove() -> None:
            with self._d.uow() as uow:
                uow.posts.delete(post_id)
                uow.commit()

        await asyncio.to_thread(remove)

    async def timeline(self, size: int, cursor: int) -> tuple[list[FeedPost], int]:
        caller = await self._caller()
        if not 1 <= size <= 100 or cursor < 0:
            raise InvalidArgument("COMMON4002", "size 1-100, cursor >= 0")
        followees = list((await self._d.users.ListFollowingIds(user_pb.ListFollowingIdsRequest())).user_ids)

        def read() -> list[FeedPost]:
            with self._d.uow() as uow:
                return uow.posts.timeline(caller.user_id, followees, cursor or None, size + 1)

        posts = await asyncio.to_thread(read)
        has_next = len(posts) > size
        posts = posts[:size]
        return posts, posts[-1].id if has_next else 0
