"""The diary service's plain reads (adapters/reads.py) on real MariaDB and on SQLite: the same
rows, in the same order and with the same Python types (dates, JSON hashtags, booleans) as the
ORM gives, without a transaction."""

from __future__ import annotations

import datetime

import pytest

from diary_service.adapters.orm import Base, CommentLike, Diary, FeedComment, FeedPost, Notification
from diary_service.adapters.reads import DiaryReads, DiaryRow, NotificationRow
from diary_service.domain.pages import DiaryKey
from gridam_runtime import db

pytestmark = pytest.mark.integration

AUTHOR, OTHER = 7, 8
NOW = datetime.datetime(2026, 12, 7, 9, 30, 1)  # MariaDB keeps whole seconds (DATETIME)
DAYS = [datetime.date(2026, 12, d) for d in (5, 6, 6, 7)]


@pytest.fixture
def engines(database_url):
    writer = db.create_engine(database_url)
    Base.metadata.create_all(writer)
    reader = db.create_engine(database_url, autocommit=True)
    connections = db.HeldReadConnections(reader)
    yield writer, DiaryReads(connections)
    connections.close()
    reader.dispose()
    writer.dispose()


def test_diaries_and_notifications_read_as_the_orm_reads_them(engines):
    writer, reads = engines
    with db.session_factory(writer)() as session:
        diaries = [
            Diary(author_id=AUTHOR, title=f"일기 {n}", content="내용", date=day, photo_key="", hashtags=["산책", "봄"] if n else [],
                  analysis_state="DONE", created_at=NOW + datetime.timedelta(minutes=n))
            for n, day in enumerate(DAYS)
        ]
        diaries.append(Diary(author_id=OTHER, title="남의 일기", content="", date=DAYS[-1], photo_key="", hashtags=[],
                             analysis_state="PENDING", created_at=NOW))
        notices = [
            Notification(recipient_id=AUTHOR, notice_type="COMMENT", entity_id=n, dedupe_key=f"k{n}", actor_login_id="alice",
                         image_key="", message="{actor}님이 …", content=str(n), checked=n == 1, created_at=NOW)
            for n in range(4)
        ]
        session.add_all(diaries + notices)
        session.commit()
        expected = [DiaryRow(*(getattr(d, f) for f in DiaryRow._fields)) for d in diaries[:4]]
        expected_notices = [NotificationRow(*(getattr(n, f) for f in NotificationRow._fields)) for n in notices]

    newest_first = [expected[3], expected[2], expected[1], expected[0]]  # by day, then id
    assert reads.diary_page(AUTHOR, None, 10) == newest_first
    first = reads.diary_page(AUTHOR, None, 2)
    assert first == newest_first[:2]
    assert reads.diary_page(AUTHOR, DiaryKey(first[-1].date, first[-1].id), 10) == newest_first[2:]
    row = reads.latest_on(AUTHOR, DAYS[1])
    assert row == expected[2] and isinstance(row.date, datetime.date) and row.hashtags == ["산책", "봄"]
    assert row.created_at == NOW + datetime.timedelta(minutes=2)
    assert reads.latest_on(AUTHOR, datetime.date(2026, 12, 1)) is None

    page = reads.notification_page(AUTHOR, unchecked_only=False, before_id=None, size=10)
    assert page == expected_notices[::-1] and page[2].checked is True
    unread = reads.notification_page(AUTHOR, unchecked_only=True, before_id=None, size=2)
    assert [n.content for n in unread] == ["3", "2"]
    assert [n.content for n in reads.notification_page(AUTHOR, unchecked_only=True, before_id=unread[-1].id, size=10)] == ["0"]
    assert reads.notification_page(OTHER, unchecked_only=False, before_id=None, size=10) == []


def test_a_post_and_its_comments_with_their_likes(engines):
    writer, reads = engines
    with db.session_factory(writer)() as session:
        post = FeedPost(author_id=AUTHOR, author_login_id="author", card_id=1, diary_id=1, content="카드", audience="FOLLOWERS",
                        created_at=NOW)
        session.add(post)
        session.flush()
        comments = [FeedComment(post_id=post.id, author_id=OTHER, author_login_id="other", parent_id=0, content=f"댓글 {n}",
                                created_at=NOW) for n in range(3)]
        session.add_all(comments)
        session.flush()
        session.add_all([CommentLike(comment_id=comments[0].id, user_id=user, post_id=post.id, created_at=NOW) for user in (AUTHOR, OTHER)]
                        + [CommentLike(comment_id=comments[2].id, user_id=OTHER, post_id=post.id, created_at=NOW)])
        session.commit()
        post_id, ids = post.id, [c.id for c in comments]
    row = reads.post(post_id)
    assert (row.id, row.author_id, row.audience, row.created_at) == (post_id, AUTHOR, "FOLLOWERS", NOW)
    assert reads.post(post_id + 1) is None
    read = reads.comments(post_id, AUTHOR)
    assert [(c.id, c.content, likes, liked) for c, likes, liked in read] == [
        (ids[0], "댓글 0", 2, True), (ids[1], "댓글 1", 0, False), (ids[2], "댓글 2", 1, False),
    ]
    assert reads.comments(post_id + 1, AUTHOR) == []
