"""Notifications (decision 6 of docs/web-api.md): what they say, and reading them.

A notification is stored in the same transaction as the event it tells about (a comment, a
reaction, a like, a finished card job, a delivered follow event), so none is lost and none
exists for an event that did not happen. Nobody is notified of their own actions. Each event
has a `dedupe_key`: a redelivered event changes nothing, and an undone one (a reaction or a
like taken back) withdraws its notification.

A message names who acted by the placeholder ACTOR, which whoever shows it replaces with that
person's nickname as it is then (decision 18): a nickname changed later shows the new one.
"""

from __future__ import annotations

import asyncio

from diary_service.adapters.orm import FeedComment, FeedPost, Notification
from diary_service.adapters.reads import NotificationRow
from diary_service.service_layer.dependencies import NotificationDependencies
from gridam_domain.emotions import Emotion
from gridam_domain.paging import check_page, split_page
from gridam_runtime.db import utcnow
from gridam_runtime.errors import InvalidArgument

ACTOR = "{actor}"
EXCERPT_CHARS = 80
FOLLOW_CONTENT = "프로필에서 감정 카드를 둘러보세요."
MAX_CHECK_IDS = 100


def excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def _notice(recipient_id: int, notice_type: str, entity_id: int, dedupe_key: str, **fields: str | int) -> Notification:
    return Notification(
        recipient_id=recipient_id,
        notice_type=notice_type,
        entity_id=entity_id,
        dedupe_key=dedupe_key,
        checked=False,
        created_at=utcnow(),
        **{"actor_login_id": "", "image_key": "", **fields},
    )


def comment_notice(post: FeedPost, comment: FeedComment) -> Notification:
    return _notice(
        post.author_id, "COMMENT", post.id, f"COMMENT:{comment.id}",
        post_id=post.id, actor_login_id=comment.author_login_id,
        message=f"{ACTOR}님이 회원님의 피드에 댓글을 남겼어요", content=excerpt(comment.content),
    )


def reply_notice(post: FeedPost, parent: FeedComment, reply: FeedComment) -> Notification:
    return _notice(
        parent.author_id, "REPLY", post.id, f"REPLY:{reply.id}",
        post_id=post.id, actor_login_id=reply.author_login_id,
        message=f"{ACTOR}님이 회원님의 댓글에 답글을 남겼어요", content=excerpt(reply.content),
    )


def comment_like_key(comment_id: int, user_id: int) -> str:
    return f"COMMENT_LIKE:{comment_id}:{user_id}"


def comment_like_notice(comment: FeedComment, liker_id: int, liker_login_id: str) -> Notification:
    return _notice(
        comment.author_id, "COMMENT_LIKE", comment.post_id, comment_like_key(comment.id, liker_id),
        post_id=comment.post_id, actor_login_id=liker_login_id,
        message=f"{ACTOR}님이 회원님의 댓글을 좋아해요", content=excerpt(comment.content),
    )


def reaction_key(post_id: int, user_id: int) -> str:
    return f"REACTION:{post_id}:{user_id}"


def reaction_notice(post: FeedPost, reactor_id: int, reactor_login_id: str, reaction_type: str) -> Notification:
    return _notice(
        post.author_id, "REACTION", post.id, reaction_key(post.id, reactor_id),
        post_id=post.id, actor_login_id=reactor_login_id,
        message=f"{ACTOR}님이 회원님의 피드에 '{reaction_type}' 반응을 남겼어요",
        content=excerpt(post.content) or "회원님의 감정 카드",
    )


def follow_notice(follower_id: int, follower_login_id: str, followee_id: int) -> Notification:
    # Keyed by the pair: a redelivered event, or following again after unfollowing, adds nothing.
    return _notice(
        followee_id, "FOLLOW", follower_id, f"FOLLOW:{follower_id}:{followee_id}",
        actor_login_id=follower_login_id,
        message=f"{ACTOR}님이 회원님을 팔로우하기 시작했어요",
        content=FOLLOW_CONTENT,
    )


def card_ready_notice(
    author_id: int, diary_id: int, date: str, dominant: Emotion | None, hashtags: list[str], image_key: str
) -> Notification:
    label = dominant.korean if dominant is not None else ""
    tags = " ".join(f"#{tag}" for tag in hashtags[:5])
    return _notice(
        author_id, "CARD_READY", diary_id, f"CARD_READY:{diary_id}",
        diary_id=diary_id, image_key=image_key,
        message=f"{date} 감정 카드가 완성되었어요",
        content=" ".join(part for part in (f"오늘의 감정: {label}" if label else "", tags) if part),
    )


class Notifications:
    def __init__(self, deps: NotificationDependencies) -> None:
        self._d = deps

    async def page(self, *, unchecked_only: bool, size: int, cursor: int) -> tuple[list[NotificationRow], int]:
        """One page of the caller's notifications, newest first, and the next cursor (0: none).
        On the event loop, as Diaries.list (why: there)."""
        caller = self._d.authenticator.require()
        check_page(size, cursor)
        rows = self._d.plain.notification_page(caller.user_id, unchecked_only=unchecked_only, before_id=cursor or None, size=size + 1)
        return split_page(rows, size)

    async def check(self, ids: list[int], everything: bool) -> int:
        return await asyncio.to_thread(self._check, ids, everything)

    def _check(self, ids: list[int], everything: bool) -> int:
        caller = self._d.authenticator.require()
        if not everything and not 1 <= len(ids) <= MAX_CHECK_IDS:
            raise InvalidArgument("NOTICE4001", f"1-{MAX_CHECK_IDS} notification ids, or all")
        with self._d.uow() as uow:
            changed = uow.notifications.check(caller.user_id, None if everything else ids)
            uow.commit()
        return changed

    async def record_follow(self, event_id: int, follower_id: int, follower_login_id: str, followee_id: int) -> None:
        if event_id <= 0 or follower_id <= 0 or followee_id <= 0 or follower_id == followee_id or not follower_login_id:
            raise InvalidArgument("NOTICE4002", "a follow event needs its id and two different users")

        def store() -> None:
            with self._d.uow() as uow:
                uow.notifications.upsert(follow_notice(follower_id, follower_login_id[:40], followee_id))
                uow.commit()

        await asyncio.to_thread(store)
