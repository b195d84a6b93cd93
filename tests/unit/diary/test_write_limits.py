"""Per-user bounds on diary and feed writes (issue 19, finding 4: 30 diaries in a burst each
queued analysis and card work; one user posted 998 comments on another's post, filling its cap
so that the owner could no longer comment). SQLite; the authenticator, the user service and the
token issuer are test doubles."""

from __future__ import annotations

import asyncio
import datetime

import pytest
import sqlalchemy as sa

from diary_service.adapters.orm import FeedComment, FeedPost, diary_jobs
from diary_service.config import DiarySettings
from diary_service.service_layer import feed as feed_module
from diary_service.service_layer.dependencies import Dependencies, FeedDependencies
from diary_service.service_layer.diaries import ANALYSE, Diaries
from diary_service.service_layer.feed import Feed
from gridam.user.v1 import user_service_pb2 as user_pb
from gridam_domain.storage import LocalFolderStorage
from gridam_runtime import context
from gridam_runtime.errors import DomainError
from gridam_runtime.kv import InProcessRateLimiter
from gridam_runtime.limits import Limiter, Rate
from tests.support.callers import Caller

NOW = datetime.datetime(2026, 12, 7, 12)
OWNER, STRANGERS = 1, range(100, 110)
SERVICE_TOKEN = "diary-service-token"


class Follows:
    """Test double of the user service's client: who follows whom, and with which token each
    question came (the caller's own, or the diary service's)."""

    def __init__(self, pairs: set[tuple[int, int]]) -> None:
        self.pairs = pairs
        self.asked: list[tuple[int, int, str]] = []

    async def GetFollowRelation(self, request):
        token = context.bearer_token.get()
        self.asked.append((request.follower_id, request.followee_id, token))
        return user_pb.GetFollowRelationResponse(following=(request.follower_id, request.followee_id) in self.pairs)


class FixedServiceToken:
    def token(self) -> str:
        return SERVICE_TOKEN


def settings(**limits) -> DiarySettings:
    return DiarySettings(**limits)


def a_feed(uow, reads, caller: Caller, diary_settings: DiarySettings, follows: Follows | None = None) -> Feed:
    return Feed(
        FeedDependencies(
            settings=diary_settings, uow=uow, reads=uow, plain=reads, authenticator=caller, users=follows, cards=None,
            limiter=Limiter(InProcessRateLimiter()), service_tokens=FixedServiceToken(),
        )
    )


def a_post(uow, audience: str = "PUBLIC") -> int:
    with uow() as unit:
        post = unit.add_post(FeedPost(author_id=OWNER, author_login_id="owner", card_id=1, diary_id=1, content="",
                                       audience=audience, created_at=NOW))
        unit.commit()
        return post.id


def reason(coroutine) -> str:
    with pytest.raises(DomainError) as failure:
        asyncio.run(coroutine)
    return failure.value.reason


async def test_a_burst_of_diaries_is_bounded_and_a_refused_one_owes_no_work(uow, reads, engine, tmp_path):
    caller = Caller(OWNER)
    diaries = Diaries(Dependencies(
        settings=settings(limit_diary_writes=Rate(3, 3600)), uow=uow, plain=reads, authenticator=caller,
        storage=LocalFolderStorage(tmp_path / "media"), search=None, limiter=Limiter(InProcessRateLimiter()),
    ))
    for n in range(3):
        await diaries.create(f"일기 {n}", "오늘도 썼다", b"")
    with pytest.raises(DomainError) as refused:
        await diaries.create("하나 더", "또 썼다", b"")
    assert (refused.value.reason, refused.value.retry_after_seconds) == ("DIARY4291", 3600)
    with uow() as unit:
        assert len(unit.diaries.list_for_author(OWNER)) == 3
    with engine.connect() as connection:
        owed = connection.execute(sa.select(sa.func.count()).select_from(diary_jobs).where(diary_jobs.c.kind == ANALYSE))
        assert owed.scalar_one() == 3


def test_no_one_can_use_up_a_post_s_comments_and_its_owner_can_always_reply(uow, reads, monkeypatch):
    monkeypatch.setattr(feed_module, "MAX_COMMENTS_PER_POST", 5)
    caller = Caller(OWNER)
    feed = a_feed(uow, reads, caller, settings(comments_per_author_per_post=3))
    post = a_post(uow)
    caller.user_id = STRANGERS[0]
    for _ in range(3):
        asyncio.run(feed.comment(post, "첫 번째 사람의 댓글", 0))
    assert reason(feed.comment(post, "한 번 더", 0)) == "FEED4008"  # one person's share of the post
    caller.user_id = STRANGERS[1]
    for _ in range(2):
        asyncio.run(feed.comment(post, "두 번째 사람의 댓글", 0))
    caller.user_id = STRANGERS[2]
    assert reason(feed.comment(post, "자리가 없어요", 0)) == "FEED4006"  # the others' room is full
    caller.user_id = OWNER
    first = asyncio.run(feed.comment(post, "주인의 답글", 1)).comment
    assert first.author_id == OWNER and first.parent_id == 1
    with uow() as unit:
        assert len(unit.comments.of_post(post)) == 6


def test_comments_reactions_and_likes_are_bounded_per_user(uow, reads):
    caller = Caller(OWNER)
    feed = a_feed(uow, reads, caller, settings(limit_comments=Rate(2, 600), limit_reactions=Rate(3, 600)))
    post = a_post(uow)
    caller.user_id = STRANGERS[0]
    comment = asyncio.run(feed.comment(post, "좋은 하루네요", 0)).comment
    asyncio.run(feed.comment(post, "정말요", 0))
    assert reason(feed.comment(post, "세 번째", 0)) == "FEED4292"
    asyncio.run(feed.toggle_reaction(post, "좋아요"))
    asyncio.run(feed.toggle_reaction(post, "좋아요"))
    asyncio.run(feed.set_comment_like(post, comment.id, True))
    assert reason(feed.toggle_reaction(post, "좋아요")) == "FEED4293"
    assert reason(feed.set_comment_like(post, comment.id, False)) == "FEED4293"


def test_a_reply_asks_about_a_third_person_s_follow_with_the_service_token(uow, reads):
    """The user service tells a user only of follows they are part of (finding 12): whether the
    parent comment's author still follows the post's author is asked as the diary service."""
    caller = Caller(OWNER)
    follows = Follows({(STRANGERS[0], OWNER), (STRANGERS[1], OWNER)})
    feed = a_feed(uow, reads, caller, settings(), follows)
    post = a_post(uow, audience="FOLLOWERS")
    with uow() as unit:
        parent = unit.comments.add(FeedComment(post_id=post, author_id=STRANGERS[0], author_login_id="fan",
                                               parent_id=0, content="첫 댓글", created_at=NOW))
        unit.commit()
    caller.user_id = STRANGERS[1]
    context.bearer_token.set("stranger-token")
    asyncio.run(feed.comment(post, "답글입니다", parent.id))
    assert follows.asked == [(STRANGERS[1], OWNER, "stranger-token"), (STRANGERS[0], OWNER, SERVICE_TOKEN)]
    [reply_notice] = reads.notification_page(STRANGERS[0], unchecked_only=False, before_id=None, size=10)
    assert reply_notice.notice_type == "REPLY"
    assert context.bearer_token.get() == "stranger-token"  # the caller's token is back for what follows
