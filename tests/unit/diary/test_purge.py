"""The purge job after a diary's deletion (SQLite, local storage; the emotion and card services
are test doubles recording what they are asked to forget): a post of the diary's card written
in the moment the diary was deleted goes, with its reactions, comments and notifications."""

from __future__ import annotations

import asyncio
import datetime

from sqlalchemy import select

from diary_service.adapters.orm import FeedComment, FeedPost, Notification, PostReaction
from diary_service.service_layer.diaries import PURGE
from diary_service.service_layer.pipeline import DiaryPipeline
from gridam_domain.storage import LocalFolderStorage

NOW = datetime.datetime(2026, 11, 30, 12)
DELETED_DIARY, OTHER_DIARY = 41, 42


class ForgettingService:
    """Test double of the emotion and card services' clients: records the diaries forgotten."""

    def __init__(self) -> None:
        self.forgotten: list[tuple[str, int]] = []

    async def DeleteAnalysis(self, request):
        self.forgotten.append(("analysis", request.diary_id))

    async def DeleteCards(self, request):
        self.forgotten.append(("cards", request.diary_id))


class FixedServiceToken:
    """Test double of ServiceTokenIssuer: the doubles above never check the token."""

    def token(self) -> str:
        return "service-token"


def share(uow, diary_id: int) -> int:
    with uow() as unit:
        post = unit.add_post(FeedPost(author_id=7, author_login_id="haru", card_id=diary_id * 10, diary_id=diary_id,
                                       content="공유", audience="PUBLIC", created_at=NOW))
        unit.reactions.add(PostReaction(post_id=post.id, user_id=8, reaction_type="좋아요", created_at=NOW))
        unit.comments.add(FeedComment(post_id=post.id, author_id=8, author_login_id="dal", content="힘내요", created_at=NOW))
        unit.notifications.upsert(Notification(recipient_id=7, notice_type="REACTION", entity_id=post.id, post_id=post.id,
                                               message="반응", content="", dedupe_key=f"REACTION:{post.id}:8", created_at=NOW))
        unit.commit()
        return post.id


def test_the_purge_removes_a_post_shared_as_the_diary_was_deleted(uow, engine, jobs, tmp_path):
    late_post, other_post = share(uow, DELETED_DIARY), share(uow, OTHER_DIARY)
    with uow() as unit:
        unit.owe(PURGE, DELETED_DIARY)
        unit.commit()
    [job] = jobs.claim(engine, "worker-1", [PURGE], 1)
    services = ForgettingService()
    pipeline = DiaryPipeline(uow=uow, jobs=jobs, emotion=services, cards=services, users=None,
                             storage=LocalFolderStorage(tmp_path / "media"), service_tokens=FixedServiceToken())

    asyncio.run(pipeline.purge(job))

    with uow() as unit:
        assert unit.posts.get(late_post) is None and unit.posts.get(other_post) is not None
        assert unit.posts.ids_of_diary(DELETED_DIARY) == []
        assert [c.post_id for c in unit.comments.of_post(other_post)] == [other_post]
        assert unit.comments.of_post(late_post) == []
        assert unit.reactions.of_user(late_post, 8) is None and unit.reactions.of_user(other_post, 8) is not None
        notified = unit.connection().execute(select(Notification.post_id).where(Notification.recipient_id == 7)).scalars().all()
        assert notified == [other_post]
    assert services.forgotten == [("analysis", DELETED_DIARY), ("cards", DELETED_DIARY)]
    assert jobs.claim(engine, "worker-2", [PURGE], 1) == []  # done, not owed again
