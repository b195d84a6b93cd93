"""Unit of work of the diary service.

Diaries and the jobs owed for them share the transaction, so a diary never exists without
its analysis job, nor a purge job without the deletion that owes it. After a commit that wrote
or deleted posts or diaries it tells the copies kept of them elsewhere (`Announcements`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import sqlalchemy
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session as DbSession

from diary_service.adapters.orm import CommentLike, Diary, FeedComment, FeedPost, Notification, PostReaction
from diary_service.adapters.repository import CommentRepository, DiaryRepository, NotificationRepository, PostRepository, ReactionRepository
from diary_service.adapters.transfers import TransferRepository
from gridam_runtime import db
from gridam_runtime.copies import Changes, UnsharedChanges
from gridam_runtime.jobs import JobQueue
from gridam_runtime.latest_diaries import day_key


@dataclasses.dataclass(frozen=True)
class Announcements:
    """Where the writes that copies in other processes depend on are told after their commit."""

    # The authors whose posts were written or deleted (the timelines' heads).
    posts: Changes = UnsharedChanges()
    # The authors' days whose latest diary changed (the card service's copy, gridam_runtime.latest_diaries).
    diary_days: Changes = UnsharedChanges()


NOT_ANNOUNCED = Announcements()  # the embedded profile: no other process keeps a copy


class UnitOfWork(db.UnitOfWork):
    def __init__(self, session_factory: Callable[[], DbSession], jobs: JobQueue, announcements: Announcements = NOT_ANNOUNCED) -> None:
        super().__init__(session_factory)
        self._jobs = jobs
        self._announcements = announcements

    def _attach(self, session: DbSession) -> None:
        self.diaries = DiaryRepository(session)
        self.posts = PostRepository(session)
        self.reactions = ReactionRepository(session)
        self.comments = CommentRepository(session)
        self.notifications = NotificationRepository(session)
        self.transfers = TransferRepository(session)
        self._authors_of_changed_posts: set[int] = set()
        self._changed_diary_days: set[str] = set()

    def commit(self) -> None:
        super().commit()
        if self._authors_of_changed_posts:
            self._announcements.posts.changed(self._authors_of_changed_posts)
            self._authors_of_changed_posts = set()
        if self._changed_diary_days:
            self._announcements.diary_days.changed(self._changed_diary_days)
            self._changed_diary_days = set()

    def add_diary(self, diary: Diary) -> Diary:
        """Diaries are written and deleted here, not through `diaries`, so that their days are told."""
        self._db.add(diary)
        self._db.flush()  # assigns the id
        self._changed_diary_days.add(day_key(diary.author_id, diary.date))
        return diary

    def delete_diary(self, diary: Diary) -> None:
        self._db.execute(delete(Diary).where(Diary.id == diary.id))
        self._changed_diary_days.add(day_key(diary.author_id, diary.date))

    def add_post(self, post: FeedPost) -> FeedPost:
        """Posts are written here, not through `posts`, so that their authors are told."""
        self._db.add(post)
        self._db.flush()
        self._authors_of_changed_posts.add(post.author_id)
        return post

    def delete_posts(self, post_ids: list[int]) -> None:
        """Posts go with everything attached to them: reactions, comments, likes, notifications."""
        if post_ids:
            self._authors_of_changed_posts.update(self.posts.authors_of(post_ids))
            self.reactions.delete_of_posts(post_ids)
            self.comments.delete_of_posts(post_ids)
            self.notifications.delete_of_posts(post_ids)
            self.posts.delete(post_ids)

    def forget_author(self, user_id: int, login_id: str) -> None:
        """Everything of a deleted account in the feed (docs/account-deletion.md): their posts
        with what hangs on them; their comments (replies to them become top-level comments),
        reactions and likes on other people's posts; notifications to, by or about them.
        Their diaries are deleted by the caller, which owes their purges."""
        db = self._db
        self.delete_posts(list(db.scalars(select(FeedPost.id).where(FeedPost.author_id == user_id))))
        comments = list(db.scalars(select(FeedComment.id).where(FeedComment.author_id == user_id)))
        if comments:
            db.execute(update(FeedComment).where(FeedComment.parent_id.in_(comments)).values(parent_id=0))
            db.execute(delete(CommentLike).where(CommentLike.comment_id.in_(comments)))
            db.execute(delete(FeedComment).where(FeedComment.id.in_(comments)))
        db.execute(delete(CommentLike).where(CommentLike.user_id == user_id))
        db.execute(delete(PostReaction).where(PostReaction.user_id == user_id))
        db.execute(
            delete(Notification).where(
                (Notification.recipient_id == user_id)
                | (Notification.actor_login_id == login_id)
                | ((Notification.notice_type == "FOLLOW") & (Notification.entity_id == user_id))
            )
        )

    def owe(self, kind: str, diary_id: int, payload: str = "") -> None:
        self._jobs.enqueue(self._db.connection(), kind, diary_id, payload)

    def cancel_owed(self, kind: str, diary_id: int) -> None:
        self._jobs.cancel(self._db.connection(), kind, diary_id)

    def forget_jobs(self, kinds: tuple[str, ...], subject_id: int) -> None:
        """Every job row of `kinds` for the subject, pending or finished (they name it)."""
        self._jobs.forget(self._db.connection(), kinds, subject_id)

    def connection(self) -> sqlalchemy.Connection:
        return self._db.connection()
