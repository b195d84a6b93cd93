"""The diary service's hottest reads (the timeline and its reactions, a post and its comments, the
diary list, the diary of a day, a page of notifications) without ORM objects or a transaction: statements built and compiled once
(db.PlainRead), run on a connection of the autocommit read engine that the reading thread
keeps (db.HeldReadConnections), rows as named tuples with the ORM classes' attribute names
(the servicer turns either into the same protos). The gain: docs/performance.md."""

from __future__ import annotations

import datetime
from typing import Any, NamedTuple

from sqlalchemy import Select, bindparam, func, or_, select

from diary_service.adapters.orm import Diary, FeedComment, FeedPost, Notification
from diary_service.adapters.repository import COMMENT_LIKES, REACTION_SUMMARY, ReactionSummary, like_counts, summarize
from diary_service.domain.pages import DiaryKey
from gridam_runtime import db


class DiaryRow(NamedTuple):
    id: int
    author_id: int
    title: str
    content: str
    date: datetime.date
    photo_key: str
    hashtags: list[str]
    created_at: datetime.datetime
    analysis_state: str


class NotificationRow(NamedTuple):
    id: int
    notice_type: str
    entity_id: int
    actor_login_id: str
    image_key: str
    message: str
    content: str
    checked: bool
    created_at: datetime.datetime


class PostRow(NamedTuple):
    id: int
    author_id: int
    author_login_id: str
    card_id: int
    diary_id: int
    content: str
    audience: str
    created_at: datetime.datetime


_posts = FeedPost.__table__.c
# Mine, and my followees' non-private posts (`authors`: me and my followees), newest first.
_VISIBLE_POSTS = (
    select(*(_posts[name] for name in PostRow._fields))
    .where(
        _posts.author_id.in_(bindparam("authors", expanding=True)),
        or_(_posts.author_id == bindparam("me"), _posts.audience.in_(("PUBLIC", "FOLLOWERS"))),
    )
    .order_by(_posts.id.desc())
)
_NEWEST_POST = select(func.max(_posts.id)).scalar_subquery()
# Bounded on both sides, as the other windows: MariaDB may scan the primary key for `id > x ORDER BY id`.
_FIRST_WINDOW = db.PlainRead(
    _VISIBLE_POSTS.add_columns(_NEWEST_POST)
    .where(_posts.id > _NEWEST_POST - bindparam("span"), _posts.id <= _NEWEST_POST)
    .limit(bindparam("limit"))
)
_NEWEST_POST_ID = db.PlainRead(select(func.max(_posts.id)))
_WINDOW = db.PlainRead(_VISIBLE_POSTS.where(_posts.id >= bindparam("lower"), _posts.id < bindparam("upper")).limit(bindparam("limit")))
_REACTION_SUMMARY = db.PlainRead(REACTION_SUMMARY)
_POST = db.PlainRead(select(*(_posts[name] for name in PostRow._fields)).where(_posts.id == bindparam("post_id")))


class CommentRow(NamedTuple):
    id: int
    post_id: int
    author_id: int
    author_login_id: str
    parent_id: int
    content: str
    created_at: datetime.datetime


_comments = FeedComment.__table__.c
_COMMENTS_OF_POST = db.PlainRead(
    select(*(_comments[name] for name in CommentRow._fields)).where(_comments.post_id == bindparam("post_id")).order_by(_comments.id)
)
_COMMENT_LIKES = db.PlainRead(COMMENT_LIKES)

_diaries = Diary.__table__.c
_DIARIES_OF_AUTHOR = select(*(_diaries[name] for name in DiaryRow._fields)).where(_diaries.author_id == bindparam("author_id"))
_NEWEST_DAY_FIRST = (_diaries.date.desc(), _diaries.id.desc())
_DIARY_PAGE = db.PlainRead(_DIARIES_OF_AUTHOR.order_by(*_NEWEST_DAY_FIRST).limit(bindparam("limit")))
_DIARY_PAGE_AFTER = db.PlainRead(
    _DIARIES_OF_AUTHOR.where(
        _diaries.date <= bindparam("after_date"), or_(_diaries.date < bindparam("after_date"), _diaries.id < bindparam("after_id"))
    )
    .order_by(*_NEWEST_DAY_FIRST)
    .limit(bindparam("limit"))
)
_LATEST_ON = db.PlainRead(_DIARIES_OF_AUTHOR.where(_diaries.date == bindparam("day")).order_by(_diaries.id.desc()).limit(1))

_notices = Notification.__table__.c


def _notification_page(*, unchecked_only: bool, before: bool) -> db.PlainRead:
    query: Select[Any] = select(*(_notices[name] for name in NotificationRow._fields)).where(
        _notices.recipient_id == bindparam("recipient_id")
    )
    if unchecked_only:
        query = query.where(_notices.checked.is_(False))
    if before:
        query = query.where(_notices.id < bindparam("before_id"))
    return db.PlainRead(query.order_by(_notices.id.desc()).limit(bindparam("limit")))


# By (unchecked only, before an id).
_NOTIFICATION_PAGES = {(u, b): _notification_page(unchecked_only=u, before=b) for u in (False, True) for b in (False, True)}


class DiaryReads:
    """Dates are passed as ISO text, which both MariaDB and SQLite compare with their DATE
    columns (PlainRead passes parameters to the driver as they are)."""

    def __init__(self, connections: db.HeldReadConnections) -> None:
        self._connections = connections

    # The timeline looks back through the post ids in windows: the first spans this many ids per
    # post asked for, each next one TIMELINE_WIDENING times more. A window that holds a few
    # hundred posts too many costs less than one more statement (docs/performance.md).
    TIMELINE_FIRST_WINDOW = 512
    TIMELINE_WIDENING = 8

    def timeline(self, me: int, followees: list[int], before_id: int | None, size: int) -> list[PostRow]:
        """My posts and my followees' non-private ones, newest first, ids below `before_id`.

        Sorting all of the authors' posts to keep the newest `size` cost as much as they had
        written. Instead the posts are read in windows of ids, newest first, widening until `size`
        posts are found; a window is one range of ix_feed_posts_author_id per author (author,
        lower ≤ id < upper), so only the posts inside it are read, and the cost follows how far
        back the page reaches, not how many posts there are. The followee ids (at most 10,000)
        go whole into one IN list: MariaDB turns a list of 1,000 or more into a lookup table and
        then reads the window on the primary key instead, newest first. One connection for all
        the windows.
        """
        authors = sorted({me, *followees})
        span = size * self.TIMELINE_FIRST_WINDOW
        found: list[PostRow] = []
        connection, dialect = self._connections.connection(), self._connections.dialect
        try:
            upper = before_id
            if upper is None:
                # The first window ends at the newest post, whose id the same statement tells.
                rows = _FIRST_WINDOW.all(connection, dialect, authors=authors, me=me, span=span, limit=size)
                found = [PostRow._make(row[:-1]) for row in rows]
                newest_id = rows[0][-1] if rows else _NEWEST_POST_ID.all(connection, dialect)[0][0]
                upper, span = (newest_id or 0) + 1 - span, span * self.TIMELINE_WIDENING
            while len(found) < size and upper > 1:  # ids start at 1
                lower = max(1, upper - span)
                rows = _WINDOW.all(connection, dialect, authors=authors, me=me, lower=lower, upper=upper, limit=size - len(found))
                found += [PostRow._make(row) for row in rows]
                upper, span = lower, span * self.TIMELINE_WIDENING
        finally:
            self._connections.give_back(connection)
        return found

    def reaction_summary(self, post_ids: list[int], user_id: int) -> ReactionSummary:
        """As ReactionRepository.summary."""
        return summarize(self._connections.rows(_REACTION_SUMMARY, post_ids=post_ids, user_id=user_id)) if post_ids else ({}, {})

    def post(self, post_id: int) -> PostRow | None:
        rows = self._connections.rows(_POST, post_id=post_id)
        return PostRow._make(rows[0]) if rows else None

    def comments(self, post_id: int, user_id: int) -> list[tuple[CommentRow, int, bool]]:
        """A post's comments, oldest first, each with its likes and whether `user_id` likes it;
        one connection for both statements."""
        connection, dialect = self._connections.connection(), self._connections.dialect
        try:
            comments = [CommentRow._make(row) for row in _COMMENTS_OF_POST.all(connection, dialect, post_id=post_id)]
            ids = [c.id for c in comments]
            likes = like_counts(_COMMENT_LIKES.all(connection, dialect, comment_ids=ids, user_id=user_id)) if ids else {}
        finally:
            self._connections.give_back(connection)
        return [(c, *likes.get(c.id, (0, False))) for c in comments]

    def diary_page(self, author_id: int, after: DiaryKey | None, limit: int) -> list[DiaryRow]:
        """At most `limit` of the author's diaries in the list's order (day, then id, newest
        first), strictly after the diary at `after`: one backward range of ix_diaries_author_date
        (author_id, date, id), read backwards from `after`. `date <= after.date` bounds the range;
        the OR only drops that day's rows from `after.id` up (spelt out rather than as a row-value
        comparison, which MariaDB may not turn into a range)."""
        if after is None:
            rows = self._connections.rows(_DIARY_PAGE, author_id=author_id, limit=limit)
        else:
            rows = self._connections.rows(_DIARY_PAGE_AFTER, author_id=author_id, after_date=after.date.isoformat(), after_id=after.id, limit=limit)
        return [DiaryRow._make(row) for row in rows]

    def latest_on(self, author_id: int, day: datetime.date) -> DiaryRow | None:
        """The author's last diary written on `day`."""
        rows = self._connections.rows(_LATEST_ON, author_id=author_id, day=day.isoformat())
        return DiaryRow._make(rows[0]) if rows else None

    def notification_page(self, recipient_id: int, *, unchecked_only: bool, before_id: int | None, size: int) -> list[NotificationRow]:
        """The recipient's notifications (unread only, or all), newest first, ids below `before_id`."""
        read = _NOTIFICATION_PAGES[unchecked_only, before_id is not None]
        rows = self._connections.rows(read, recipient_id=recipient_id, before_id=before_id, limit=size)
        return [NotificationRow._make(row) for row in rows]
