"""Diary, feed, comment and notification queries. Diary reads are scoped to an author:
another user's diary is simply absent; post visibility is decided by the feed service layer."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import bindparam, case, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from diary_service.adapters.orm import CommentLike, Diary, FeedComment, FeedPost, Notification, PostReaction
from gridam_runtime.db import affected_rows


class DiaryRepository:
    def __init__(self, db: Session) -> None:
        self._db = db

    def get(self, diary_id: int) -> Diary | None:
        return self._db.get(Diary, diary_id)

    def get_for_author(self, diary_id: int, author_id: int, *, lock: bool = False) -> Diary | None:
        """`lock`: hold the row until the transaction ends, so that it cannot be deleted meanwhile."""
        query = select(Diary).where(Diary.id == diary_id, Diary.author_id == author_id)
        return self._db.scalar(query.with_for_update() if lock else query)

    def list_for_author(self, author_id: int) -> list[Diary]:
        return list(self._db.scalars(select(Diary).where(Diary.author_id == author_id).order_by(Diary.date.desc(), Diary.id.desc())))

    def containing(self, author_id: int, text: str, before_id: int | None, limit: int) -> list[Diary]:
        """The author's diaries whose title or content contains `text` (case-insensitive), newest first."""
        escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        matches = or_(func.lower(Diary.title).like(pattern, escape="\\"), func.lower(Diary.content).like(pattern, escape="\\"))
        query = select(Diary).where(Diary.author_id == author_id, matches)
        if before_id is not None:
            query = query.where(Diary.id < before_id)
        return list(self._db.scalars(query.order_by(Diary.id.desc()).limit(limit)))

    def count_for_author(self, author_id: int) -> int:
        count = self._db.scalar(select(func.count()).select_from(Diary).where(Diary.author_id == author_id))
        return count or 0  # COUNT(*) always answers a row: never None

    def photo_in_use(self, photo_key: str) -> bool:
        return bool(self._db.scalar(select(exists().where(Diary.photo_key == photo_key))))

    def record_analysis(self, diary_id: int, hashtags: list[str], state: str) -> bool:
        """Copy the analysis' hashtags onto the diary; False when the diary is gone."""
        updated = affected_rows(self._db, update(Diary).where(Diary.id == diary_id).values(hashtags=hashtags, analysis_state=state))
        return updated == 1


class PostRepository:
    def __init__(self, db: Session) -> None:
        self._db = db

    def get(self, post_id: int) -> FeedPost | None:
        return self._db.get(FeedPost, post_id)

    def of_author(self, author_id: int, audiences: tuple[str, ...]) -> list[FeedPost]:
        query = select(FeedPost).where(FeedPost.author_id == author_id, FeedPost.audience.in_(audiences))
        return list(self._db.scalars(query.order_by(FeedPost.id.desc())))

    def ids_of_diary(self, diary_id: int) -> list[int]:
        return list(self._db.scalars(select(FeedPost.id).where(FeedPost.diary_id == diary_id)))

    def authors_of(self, post_ids: list[int]) -> set[int]:
        return set(self._db.scalars(select(FeedPost.author_id).where(FeedPost.id.in_(post_ids)).distinct()))

    def delete(self, post_ids: list[int]) -> None:
        self._db.execute(delete(FeedPost).where(FeedPost.id.in_(post_ids)))


# Per post and reaction type: how many, and whether `user_id` is among them (here and in the
# plain reads, adapters/reads.py).
REACTION_SUMMARY = (
    select(
        PostReaction.post_id,
        PostReaction.reaction_type,
        func.count(),
        func.max(case((PostReaction.user_id == bindparam("user_id"), 1), else_=0)),
    )
    .where(PostReaction.post_id.in_(bindparam("post_ids", expanding=True)))
    .group_by(PostReaction.post_id, PostReaction.reaction_type)
)
# Reaction counts by type per post, and the asker's own reaction per post.
ReactionSummary = tuple[dict[int, dict[str, int]], dict[int, str]]


def summarize(rows: Iterable[Sequence[Any]]) -> ReactionSummary:
    counts: dict[int, dict[str, int]] = {}
    mine: dict[int, str] = {}
    for post_id, reaction_type, n, includes_user in rows:
        counts.setdefault(post_id, {})[reaction_type] = n
        if includes_user:
            mine[post_id] = reaction_type
    return counts, mine


class ReactionRepository:
    def __init__(self, db: Session) -> None:
        self._db = db

    def of_user(self, post_id: int, user_id: int) -> PostReaction | None:
        return self._db.get(PostReaction, (post_id, user_id))

    def add(self, reaction: PostReaction) -> None:
        self._db.add(reaction)
        self._db.flush()

    def remove(self, reaction: PostReaction) -> None:
        self._db.delete(reaction)
        self._db.flush()

    def summary(self, post_ids: list[int], user_id: int) -> ReactionSummary:
        """Per post: the number of reactions of each type, and `user_id`'s own reaction (one query)."""
        return summarize(self._db.execute(REACTION_SUMMARY, {"post_ids": post_ids, "user_id": user_id}))

    def delete_of_posts(self, post_ids: list[int]) -> None:
        self._db.execute(delete(PostReaction).where(PostReaction.post_id.in_(post_ids)))


# Per comment with likes: how many, and whether `user_id` is among them (here and in the plain
# reads, adapters/reads.py).
COMMENT_LIKES = (
    select(CommentLike.comment_id, func.count(), func.max(case((CommentLike.user_id == bindparam("user_id"), 1), else_=0)))
    .where(CommentLike.comment_id.in_(bindparam("comment_ids", expanding=True)))
    .group_by(CommentLike.comment_id)
)


def like_counts(rows: Iterable[Sequence[Any]]) -> dict[int, tuple[int, bool]]:
    return {comment_id: (n, bool(includes_user)) for comment_id, n, includes_user in rows}


class CommentRepository:
    def __init__(self, db: Session) -> None:
        self._db = db

    def add(self, comment: FeedComment) -> FeedComment:
        self._db.add(comment)
        self._db.flush()
        return comment

    def get(self, comment_id: int) -> FeedComment | None:
        return self._db.get(FeedComment, comment_id)

    def of_post(self, post_id: int) -> list[FeedComment]:
        return list(self._db.scalars(select(FeedComment).where(FeedComment.post_id == post_id).order_by(FeedComment.id)))

    def counts_of_post(self, post_id: int, *, author_id: int, owner_id: int) -> tuple[int, int]:
        """A post's comments by `author_id`, and by others than its owner (one query)."""
        mine, others = self._db.execute(
            select(
                func.count(case((FeedComment.author_id == author_id, 1))),
                func.count(case((FeedComment.author_id != owner_id, 1))),
            ).where(FeedComment.post_id == post_id)
        ).one()
        return mine, others

    def likes(self, comment_ids: list[int], user_id: int) -> dict[int, tuple[int, bool]]:
        """Per comment with likes: how many, and whether `user_id` is among them (one query)."""
        return like_counts(self._db.execute(COMMENT_LIKES, {"comment_ids": comment_ids, "user_id": user_id}))

    def like(self, comment: FeedComment, user_id: int, at: datetime.datetime) -> bool:
        """True when the like is new."""
        if self._db.get(CommentLike, (comment.id, user_id)) is not None:
            return False
        self._db.add(CommentLike(comment_id=comment.id, user_id=user_id, post_id=comment.post_id, created_at=at))
        self._db.flush()
        return True

    def unlike(self, comment_id: int, user_id: int) -> bool:
        removed = affected_rows(self._db, delete(CommentLike).where(CommentLike.comment_id == comment_id, CommentLike.user_id == user_id))
        return removed == 1

    def delete_of_posts(self, post_ids: list[int]) -> None:
        self._db.execute(delete(CommentLike).where(CommentLike.post_id.in_(post_ids)))
        self._db.execute(delete(FeedComment).where(FeedComment.post_id.in_(post_ids)))


class NotificationRepository:
    def __init__(self, db: Session) -> None:
        self._db = db

    def upsert(self, notification: Notification) -> None:
        """Store it, or refresh the text of the one with the same `dedupe_key`."""
        existing = self._db.scalar(select(Notification).where(Notification.dedupe_key == notification.dedupe_key))
        if existing is None:
            self._db.add(notification)
            self._db.flush()
        else:
            existing.message, existing.content = notification.message, notification.content

    def withdraw(self, dedupe_key: str) -> None:
        """The event was undone (a reaction or a like taken back)."""
        self._db.execute(delete(Notification).where(Notification.dedupe_key == dedupe_key))

    def check(self, recipient_id: int, ids: list[int] | None) -> int:
        """Mark the recipient's notifications read (`ids`, or all of them for None)."""
        query = update(Notification).where(Notification.recipient_id == recipient_id, Notification.checked.is_(False))
        if ids is not None:
            query = query.where(Notification.id.in_(ids))
        return affected_rows(self._db, query.values(checked=True))

    def delete_of_posts(self, post_ids: list[int]) -> None:
        self._db.execute(delete(Notification).where(Notification.post_id.in_(post_ids)))

    def delete_of_diary(self, diary_id: int) -> None:
        self._db.execute(delete(Notification).where(Notification.diary_id == diary_id))
