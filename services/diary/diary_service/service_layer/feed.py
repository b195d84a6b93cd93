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

from diary_service.adapters.orm import REACTION_TYPES, FeedPost, PostReaction
from diary_service.unit_of_work import UnitOfWork
from gridam.card.v1 import card_service_pb2 as card_pb
from gridam.user.v1 import user_service_pb2 as user_pb
from gridam_runtime.auth import Authenticator
from gridam_runtime.context import Identity
from gridam_runtime.db import utcnow
from gridam_runtime.errors import InvalidArgument, NotFound, PermissionDenied

POST_MAX_CHARS = 500
PUBLIC, FOLLOWERS, PRIVATE = "PUBLIC", "FOLLOWERS", "PRIVATE"


@dataclass(frozen=True)
class PostView:
    """A post as one caller sees it: with its reaction counts and the caller's own reaction."""

    post: FeedPost
    reaction_counts: dict[str, int]
    my_reaction: str


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

    def _views(self, uow: UnitOfWork, posts: list[FeedPost], caller: Identity) -> list[PostView]:
        ids = [p.id for p in posts]
        counts = uow.reactions.counts(ids) if ids else {}
        mine = uow.reactions.mine(ids, caller.user_id) if ids else {}
        return [PostView(p, counts.get(p.id, {}), mine.get(p.id, "")) for p in posts]

    async def create(self, card_id: int, content: str, audience: str) -> PostView:
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
                return PostView(post, {}, "")

        return await asyncio.to_thread(store)

    async def of_user(self, author_id: int) -> list[PostView]:
        caller = await self._caller()
        if author_id == caller.user_id:
            audiences: tuple[str, ...] = (PUBLIC, FOLLOWERS, PRIVATE)
        elif await self._follows(caller.user_id, author_id):
            audiences = (PUBLIC, FOLLOWERS)
        else:
            audiences = (PUBLIC,)

        def read() -> list[PostView]:
            with self._d.uow() as uow:
                return self._views(uow, uow.posts.of_author(author_id, audiences), caller)

        return await asyncio.to_thread(read)

    async def _post(self, post_id: int) -> FeedPost | None:
        def read() -> FeedPost | None:
            with self._d.uow() as uow:
                return uow.posts.get(post_id)

        return await asyncio.to_thread(read)

    async def _visible_post(self, caller: Identity, post_id: int) -> FeedPost:
        post = await self._post(post_id)
        if post is None or not await self._visible(caller, post):
            raise NotFound("FEED4041", "no such post visible to the caller")
        return post

    async def get(self, post_id: int) -> PostView:
        caller = await self._caller()
        post = await self._visible_post(caller, post_id)

        def read() -> PostView:
            with self._d.uow() as uow:
                return self._views(uow, [post], caller)[0]

        return await asyncio.to_thread(read)

    async def toggle_reaction(self, post_id: int, reaction_type: str) -> tuple[str, dict[str, int]]:
        """Set, change, or (the same type again) remove the caller's reaction."""
        caller = await self._caller()
        if reaction_type not in REACTION_TYPES:
            raise InvalidArgument("FEED4003", "reactionType must be one of " + ", ".join(REACTION_TYPES))
        await self._visible_post(caller, post_id)

        def toggle() -> tuple[str, dict[str, int]]:
            with self._d.uow() as uow:
                current = uow.reactions.of_user(post_id, caller.user_id)
                if current is None:
                    uow.reactions.add(PostReaction(post_id=post_id, user_id=caller.user_id, reaction_type=reaction_type, created_at=utcnow()))
                    mine = reaction_type
                elif current.reaction_type == reaction_type:
                    uow.reactions.remove(current)
                    mine = ""
                else:
                    current.reaction_type = reaction_type
                    mine = reaction_type
                uow.commit()
            with self._d.uow() as uow:
                return mine, uow.reactions.counts([post_id]).get(post_id, {})

        return await asyncio.to_thread(toggle)

    async def delete(self, post_id: int) -> None:
        caller = await self._caller()
        post = await self._visible_post(caller, post_id)
        if post.author_id != caller.user_id:
            raise PermissionDenied("FEED4031", "only the author deletes a post")

        def remove() -> None:
            with self._d.uow() as uow:
                uow.delete_posts([post_id])
                uow.commit()

        await asyncio.to_thread(remove)

    async def timeline(self, size: int, cursor: int) -> tuple[list[PostView], int]:
        caller = await self._caller()
        if not 1 <= size <= 100 or cursor < 0:
            raise InvalidArgument("COMMON4002", "size 1-100, cursor >= 0")
        followees = list((await self._d.users.ListFollowingIds(user_pb.ListFollowingIdsRequest())).user_ids)

        def read() -> tuple[list[PostView], int]:
            with self._d.uow() as uow:
                posts = uow.posts.timeline(caller.user_id, followees, cursor or None, size + 1)
                has_next = len(posts) > size
                posts = posts[:size]
                return self._views(uow, posts, caller), posts[-1].id if has_next else 0

        return await asyncio.to_thread(read)
