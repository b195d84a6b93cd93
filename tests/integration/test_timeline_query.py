"""DiaryReads.timeline (a plain read) on the real MariaDB and on SQLite: exactly the posts of its plain
definition (mine with any audience, my followees' non-private ones, newest first, below the
cursor), wherever in the id space they lie — behind long stretches of other people's posts and
gaps in the ids, which make its windows widen."""

from __future__ import annotations

import datetime
import random

import pytest
import sqlalchemy as sa

from diary_service.adapters.orm import AUDIENCES, Base, FeedPost
from diary_service.adapters.reads import DiaryReads
from gridam_runtime import db

pytestmark = pytest.mark.integration

ME = 1
WHEN = datetime.datetime(2024, 1, 1)


@pytest.fixture
def engine(database_url):
    engine = db.create_engine(database_url)
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def reads(engine):
    read_engine = db.create_engine(engine.url.render_as_string(hide_password=False), autocommit=True)
    connections = db.HeldReadConnections(read_engine)
    yield DiaryReads(connections)
    connections.close()
    read_engine.dispose()


def store(engine, posts: list[tuple[int, int, str]]) -> None:
    """(id, author, audience) rows; the ids are given so tests can place posts anywhere."""
    rows = [
        {"id": i, "author_id": author, "author_login_id": f"user{author}", "card_id": i, "diary_id": i,
         "content": "", "audience": audience, "created_at": WHEN}
        for i, author, audience in posts
    ]
    with engine.begin() as connection:
        connection.execute(sa.insert(FeedPost), rows)


def timeline(reads: DiaryReads, followees: list[int], before_id: int | None, size: int) -> list[int]:
    return [post.id for post in reads.timeline(ME, followees, before_id, size)]


def expected(posts, followees: list[int], before_id: int | None, size: int) -> list[int]:
    visible = [
        i for i, author, audience in posts
        if (author == ME or (author in followees and audience != "PRIVATE")) and (before_id is None or i < before_id)
    ]
    return sorted(visible, reverse=True)[:size]


def test_pages_match_the_plain_definition(engine, reads):
    rng = random.Random(5)
    ids = sorted(rng.sample(range(1, 60_000), 3_000))  # gaps of all sizes
    posts = [(i, rng.randrange(1, 200), rng.choice(AUDIENCES)) for i in ids]
    store(engine, posts)
    for followees in ([], [2], rng.sample(range(2, 200), 5), rng.sample(range(2, 200), 60), [ME, *range(2, 200)]):
        for size in (1, 7, 21):
            cursor = None
            for _ in range(4):  # the first pages, each below the last post of the one before
                page = timeline(reads, followees, cursor, size)
                assert page == expected(posts, followees, cursor, size), (followees, cursor, size)
                if len(page) < size:
                    break
                cursor = page[-1]


def test_old_posts_behind_a_long_stretch_of_others_posts_are_found(engine, reads):
    posts = [(1, 2, "FOLLOWERS"), (2, ME, "PRIVATE"), (3, 3, "PRIVATE")]
    newest = 1_000 * 20 * DiaryReads.TIMELINE_FIRST_WINDOW  # several widenings away from id 1
    posts += [(i, 4, "PUBLIC") for i in range(10, newest + 1, newest // 5_000)]  # someone I do not follow
    store(engine, posts)
    assert timeline(reads, [2, 3], None, 20) == [2, 1]
    assert timeline(reads, [2, 3], 2, 20) == [1]


def test_posts_on_both_sides_of_each_window_edge_are_found(engine, reads):
    size = 10
    first, widening = size * DiaryReads.TIMELINE_FIRST_WINDOW, DiaryReads.TIMELINE_WIDENING
    newest = 100 * first
    # Windows from the newest post: (newest - first, newest], then [.. - first * widening, ..);
    # from a cursor: [cursor - first, cursor), then the same widening.
    edges = [newest + 1 - first, newest + 1 - first - first * widening]
    cursor = 50 * first
    edges += [cursor - first, cursor - first - first * widening]
    near_edges = sorted({edge + step for edge in edges for step in (-1, 0, 1)}, reverse=True)
    store(engine, [(newest, 4, "PUBLIC"), (cursor, 4, "PUBLIC")] + [(i, 2, "FOLLOWERS") for i in near_edges])
    assert timeline(reads, [2], None, size) == near_edges[:size]
    assert timeline(reads, [2], cursor, size) == [i for i in near_edges if i < cursor][:size]


def test_no_posts_at_all(reads):
    assert timeline(reads, [2, 3], None, 20) == []
    assert timeline(reads, [], 10, 20) == []
