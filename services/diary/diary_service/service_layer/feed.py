"""Feed posts of emotion cards, their reactions, comments and comment likes, and who may
see them (decision 3 of docs/web-api.md).

Visibility lives here, in the owning service: a post is visible to its author always, to
everyone when PUBLIC, to the author's followers when FOLLOWERS, and to nobody else when
PRIVATE. A post the caller may not see is simply not found (nothing about it leaks), and
neither are its comments. What concerns someone else is notified in the same transaction
(service_layer/notifications.py).
Who follows whom is the user service's; ownership of a card is the card service's; both are
asked with the caller's own token, except whether a third person (a comment's author) follows
the post's author, which a user may not ask: that is asked with the diary service's own token.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.exc import IntegrityError

from diary_service.adapters.orm import REACTION_TYPES, FeedComment, FeedPost, PostReaction
from diary_service.adapters.reads import CommentRow, PostRow
from diary_service.adapters.repository import ReactionSummary
from diary_service.domain.text import clean_text
from diary_service.service_layer import notifications as notices
from diary_service.service_layer.dependencies import FeedDependencies
from diary_service.unit_of_work import UnitOfWork
from gridam.card.v2 import card_service_pb2 as card_pb
from gridam.user.v1 import user_service_pb2 as user_pb
from gridam_domain import text
from gridam_domain.paging import check_page, split_page
from gridam_runtime import context
from gridam_runtime.context import Identity
from gridam_runtime.db import utcnow
from gridam_runtime.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from gridam_runtime.follows import MAX_FOLLOWEE_IDS
from gridam_runtime.limits import Limit

POST_MAX_CHARS = 500
COMMENT_MAX_CHARS = 500
# A post's comments are listed whole (the web client has no paging for them): at most this
# many by others than its author (who always has room to reply), plus the author's own.
MAX_COMMENTS_PER_POST = 1000
PUBLIC, FOLLOWERS, PRIVATE = "PUBLIC", "FOLLOWERS", "PRIVATE"

T = TypeVar("T")


@dataclass(frozen=True)
class PostView:
    """A post as one caller sees it: with its reaction counts and the caller's own reaction."""

    post: FeedPost | PostRow
    reaction_counts: dict[str, int]
    my_reaction: str


def _with_reactions(posts: Sequence[FeedPost | PostRow], summary: ReactionSummary) -> list[PostView]:
    counts, mine = summary
    return [PostView(p, counts.get(p.id, {}), mine.get(p.id, "")) for p in posts]


@dataclass(frozen=True)
class CommentView:
    """A comment as one caller sees it."""

    comment: FeedComment | CommentRow
    likes: int
    liked: bool


class Feed:
    def __init__(self, deps: FeedDependencies) -> None:
        self._d = deps
        settings = deps.settings
        self._posts = Limit("feed_posts", settings.limit_feed_posts, "FEED4291")
        self._comments = Limit("comments", settings.limit_comments, "FEED4292")
        self._reactions = Limit("reactions", settings.limit_reactions, "FEED4293")

    async def forget_limits(self, user_id: int) -> None:
        """A deleted account's rate-limit keys (docs/account-deletion.md)."""

        def reset() -> None:
            for limit in (self._posts, self._comments, self._reactions):
                self._d.limiter.reset(limit, user_id)

        await asyncio.to_thread(reset)

    def _write(self, change: Callable[[UnitOfWork], T]) -> T:
        """Run `change` in a unit of work and commit. When a concurrent identical write (the
        same reaction, the same like) won the race for a unique key, run it once more: it
        then sees that row and does what a repeated request does."""
        for attempt in (1, 2):
            try:
                with self._d.uow() as uow:
                    result = change(uow)
                    uow.commit()
                    return result
            except IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    @staticmethod
    def _still_there(uow: UnitOfWork, post_id: int) -> None:
        """Writes attached to a post re-check it in their transaction: it may have been
        deleted since it was found visible, and nothing may be left behind attached to it."""
        if uow.posts.get(post_id) is None:
            raise NotFound("FEED4041", "no such post visible to the caller")

    async def _caller(self) -> Identity:
        # On the event loop: a token check from memory costs less than the hop to a thread and
        # back (as Diaries.list says).
        return self._d.authenticator.require()

    async def _limit(self, limit: Limit, caller: Identity) -> None:
        await asyncio.to_thread(self._d.limiter.hit, limit, caller.user_id)

    async def _followees(self, caller: Identity) -> list[int]:
        """The caller's followees: from the copy when it knows them, else asked (and copied)."""
        lists = self._d.follow_lists
        if lists is None:
            return list((await self._d.users.ListFollowingIds(user_pb.ListFollowingIdsRequest())).user_ids)
        known = lists.get(caller.user_id)
        if known is not None:
            return list(known)
        generation = lists.generation  # read before asking: a change meanwhile voids the answer
        followees = list((await self._d.users.ListFollowingIds(user_pb.ListFollowingIdsRequest())).user_ids)
        lists.put(caller.user_id, followees, generation)
        return followees

    async def _follows(self, follower_id: int, followee_id: int, *, as_service: bool = False) -> bool:
        """From the copy of the follower's followees when it knows them; else asked, with the
        caller's token about the caller's own follows, with the diary service's token
        (`as_service`) about anyone's, which the user service answers to no user."""
        lists = self._d.follow_lists
        known = lists.follows(follower_id, followee_id) if lists is not None else None
        if known is not None:
            return known
        caller = self._d.authenticator.require() if not as_service and lists is not None else None
        if caller is not None and caller.user_id == follower_id:
            # The caller's own follows: their whole list costs one call as the relation does,
            # and the copy then answers their next reads too.
            followees = await self._followees(caller)
            if len(followees) < MAX_FOLLOWEE_IDS:
                return followee_id in followees
        request = user_pb.GetFollowRelationRequest(follower_id=follower_id, followee_id=followee_id)
        if not as_service:
            return (await self._d.users.GetFollowRelation(request)).following
        token = context.bearer_token.set(self._d.service_tokens.token())
        try:
            return (await self._d.users.GetFollowRelation(request)).following
        finally:
            context.bearer_token.reset(token)

    async def _visible(self, user_id: int, post: FeedPost | PostRow, *, as_service: bool = False) -> bool:
        if post.author_id == user_id or post.audience == PUBLIC:
            return True
        return post.audience == FOLLOWERS and await self._follows(user_id, post.author_id, as_service=as_service)

    def _views(self, uow: UnitOfWork, posts: list[FeedPost], caller: Identity) -> list[PostView]:
        ids = [p.id for p in posts]
        return _with_reactions(posts, uow.reactions.summary(ids, caller.user_id) if ids else ({}, {}))

    async def create(self, card_id: int, content: str, audience: str, *, confirm_sensitive: bool) -> PostView:
        caller = await self._caller()
        content = text.clean(content, multiline=True)
        if len(content) > POST_MAX_CHARS:
            raise InvalidArgument("FEED4001", f"at most {POST_MAX_CHARS} characters")
        if audience not in (PUBLIC, FOLLOWERS, PRIVATE):
            raise InvalidArgument("FEED4002", "audience must be PUBLIC, FOLLOWERS or PRIVATE")
        await self._limit(self._posts, caller)
        # Only the card's owner can post it: the card service answers NOT_FOUND otherwise.
        card = (await self._d.cards.GetCard(card_pb.GetCardRequest(card_id=card_id))).card
        # A card of a safety-flagged diary (urgent risk: a hard day) is shared only when the
        # request says so explicitly, never by one click. The rule lives here, with the feed
        # it guards, so that every client of CreatePost gets it, not only the web gateway.
        if card.safety_flag and not confirm_sensitive:
            raise FailedPrecondition("FEED4007", "sharing a safety-flagged card needs confirm_sensitive")

        def store() -> PostView:
            with self._d.uow() as uow:
                # The card outlives its diary until the purge job runs: no post of a deleted diary.
                if uow.diaries.get_for_author(card.diary_id, caller.user_id, lock=True) is None:
                    raise NotFound("DIARY4041", "the card's diary was deleted")
                post = uow.add_post(
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
            with self._d.reads() as uow:
                return self._views(uow, uow.posts.of_author(author_id, audiences), caller)

        return await asyncio.to_thread(read)

    async def _post(self, post_id: int) -> FeedPost | None:
        def read() -> FeedPost | None:
            with self._d.reads() as uow:
                return uow.posts.get(post_id)

        return await asyncio.to_thread(read)

    def _comment(self, comment_id: int) -> FeedComment | None:
        with self._d.reads() as uow:
            return uow.comments.get(comment_id)

    async def _visible_post(self, caller: Identity, post_id: int) -> FeedPost:
        post = await self._post(post_id)
        if post is None or not await self._visible(caller.user_id, post):
            raise NotFound("FEED4041", "no such post visible to the caller")
        return post

    async def get(self, post_id: int) -> PostView:
        caller = await self._caller()
        post = await self._visible_post(caller, post_id)

        def read() -> PostView:
            with self._d.reads() as uow:
                return self._views(uow, [post], caller)[0]

        return await asyncio.to_thread(read)

    async def toggle_reaction(self, post_id: int, reaction_type: str) -> tuple[str, dict[str, int]]:
        """Set, change, or (the same type again) remove the caller's reaction."""
        caller = await self._caller()
        if reaction_type not in REACTION_TYPES:
            raise InvalidArgument("FEED4003", "reactionType must be one of " + ", ".join(REACTION_TYPES))
        post = await self._visible_post(caller, post_id)
        await self._limit(self._reactions, caller)

        def toggle(uow: UnitOfWork) -> str:
            self._still_there(uow, post_id)
            current = uow.reactions.of_user(post_id, caller.user_id)
            if current is not None and current.reaction_type == reaction_type:
                uow.reactions.remove(current)
                uow.notifications.withdraw(notices.reaction_key(post_id, caller.user_id))
                return ""
            if current is None:
                uow.reactions.add(PostReaction(post_id=post_id, user_id=caller.user_id, reaction_type=reaction_type, created_at=utcnow()))
            else:
                current.reaction_type = reaction_type
            if post.author_id != caller.user_id:
                uow.notifications.upsert(notices.reaction_notice(post, caller.user_id, caller.login_id, reaction_type))
            return reaction_type

        def counts() -> dict[str, int]:
            with self._d.reads() as uow:
                return uow.reactions.summary([post_id], caller.user_id)[0].get(post_id, {})

        mine = await asyncio.to_thread(self._write, toggle)
        return mine, await asyncio.to_thread(counts)

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
        check_page(size, cursor)
        followees = await self._followees(caller)
        heads = self._d.timeline_heads
        authors = frozenset((caller.user_id, *followees))
        rows = heads.page(caller.user_id, authors, cursor or None, size + 1) if heads is not None else None

        def read() -> tuple[list[PostView], int]:
            posts, next_cursor = split_page(rows if rows is not None else self._timeline_rows(caller.user_id, authors, followees, cursor, size), size)
            return _with_reactions(posts, self._d.plain.reaction_summary([p.id for p in posts], caller.user_id)), next_cursor

        # From the head, one statement is left (the reactions): on the event loop, as Diaries.list says.
        return read() if rows is not None else await asyncio.to_thread(read)

    def _timeline_rows(self, reader_id: int, authors: frozenset[int], followees: list[int], cursor: int, size: int) -> list[PostRow]:
        """A page's `size + 1` rows from the database; a first page reads the whole head and keeps it."""
        heads = self._d.timeline_heads
        if heads is None or cursor or size + 1 > heads.HEAD_POSTS:
            return self._d.plain.timeline(reader_id, followees, cursor or None, size + 1)
        number = heads.number  # taken before reading: a change meanwhile voids the head
        head = self._d.plain.timeline(reader_id, followees, None, heads.HEAD_POSTS)
        heads.put(reader_id, authors, head, number)
        return head[: size + 1]

    def _comment_views(self, uow: UnitOfWork, comments: list[FeedComment], caller: Identity) -> list[CommentView]:
        likes = uow.comments.likes([c.id for c in comments], caller.user_id) if comments else {}
        return [CommentView(c, *likes.get(c.id, (0, False))) for c in comments]

    async def comment(self, post_id: int, content: str, parent_id: int) -> CommentView:
        """Comment on a post the caller can see, or reply to one of its comments."""
        caller = await self._caller()
        content = clean_text(content, field_reason="FEED4004", max_chars=COMMENT_MAX_CHARS)
        if parent_id < 0:
            raise InvalidArgument("FEED4005", "parentCommentId must be a comment of this post")
        post = await self._visible_post(caller, post_id)
        parent = await asyncio.to_thread(self._comment, parent_id) if parent_id else None
        if parent_id and (parent is None or parent.post_id != post_id):
            raise InvalidArgument("FEED4005", "parentCommentId must be a comment of this post")
        await self._limit(self._comments, caller)
        # A reply's notice quotes it: only to a parent author who can still see the post.
        tell_parent = (
            parent is not None
            and parent.author_id != caller.user_id
            and await self._visible(parent.author_id, post, as_service=True)
        )
        per_author = self._d.settings.comments_per_author_per_post

        def store(uow: UnitOfWork) -> CommentView:
            self._still_there(uow, post_id)
            mine, others = uow.comments.counts_of_post(post_id, author_id=caller.user_id, owner_id=post.author_id)
            if mine >= per_author:
                raise InvalidArgument("FEED4008", f"at most {per_author} comments per person and post")
            if caller.user_id != post.author_id and others >= MAX_COMMENTS_PER_POST:
                raise InvalidArgument("FEED4006", f"a post has at most {MAX_COMMENTS_PER_POST} comments by others")
            comment = uow.comments.add(
                FeedComment(
                    post_id=post_id,
                    author_id=caller.user_id,
                    author_login_id=caller.login_id,
                    parent_id=parent_id,
                    content=content,
                    created_at=utcnow(),
                )
            )
            if tell_parent and parent is not None:  # tell_parent implies a parent
                uow.notifications.upsert(notices.reply_notice(post, parent, comment))
            # The post's author hears of every comment, unless it is theirs or they were
            # just told of it as a reply to their own comment.
            if post.author_id != caller.user_id and (parent is None or parent.author_id != post.author_id):
                uow.notifications.upsert(notices.comment_notice(post, comment))
            return CommentView(comment, 0, False)

        return await asyncio.to_thread(self._write, store)

    async def comments(self, post_id: int) -> list[CommentView]:
        caller = await self._caller()
        # The post on the event loop (one primary-key read, as Diaries.list says), its comments
        # and their likes in one hop to a thread (a post may have a thousand).
        post = self._d.plain.post(post_id)
        if post is None or not await self._visible(caller.user_id, post):
            raise NotFound("FEED4041", "no such post visible to the caller")

        def read() -> list[CommentView]:
            return [CommentView(*row) for row in self._d.plain.comments(post_id, caller.user_id)]

        return await asyncio.to_thread(read)

    async def set_comment_like(self, post_id: int, comment_id: int, liked: bool) -> CommentView:
        """Like or unlike a comment of a post the caller can see (repeating changes nothing)."""
        caller = await self._caller()
        await self._visible_post(caller, post_id)
        await self._limit(self._reactions, caller)

        def change(uow: UnitOfWork) -> CommentView:
            self._still_there(uow, post_id)
            comment = uow.comments.get(comment_id)
            if comment is None or comment.post_id != post_id:
                raise NotFound("FEED4043", "no such comment on this post")
            if liked:
                if uow.comments.like(comment, caller.user_id, utcnow()) and comment.author_id != caller.user_id:
                    uow.notifications.upsert(notices.comment_like_notice(comment, caller.user_id, caller.login_id))
            elif uow.comments.unlike(comment.id, caller.user_id):
                uow.notifications.withdraw(notices.comment_like_key(comment.id, caller.user_id))
            return self._comment_views(uow, [comment], caller)[0]

        return await asyncio.to_thread(self._write, change)
