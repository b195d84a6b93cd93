"""The work owed for diaries, done by `python -m diary_service worker` processes.

- analyse: the emotion service analyses the diary and stores the result (idempotent: a
  second call returns the stored analysis), then the diary gets its hashtags, the job is
  marked done and a `card` job is owed, in one transaction.
- card: the card service draws version 1 of the diary's card (idempotent: an existing
  card is returned); the author's CARD_READY notification is stored with the job's
  completion (once: it is keyed by the diary).
- count: the user service gets the author's number of diaries (their profile's diaryCount),
  counted when the job runs and ordered by the job id, so late or repeated reports of an
  older count change nothing.
- purge: after a deletion, the emotion and card services forget what they derived (and
  remember the diary as deleted, so a late analyse or card call cannot bring it back) and
  the photo is removed unless another diary uses the same (content-addressed) object; with
  its completion every job row of the diary goes (finished rows would name it for good).

Each step may run more than once (a worker can die anywhere); none of them duplicates
anything when it does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from diary_service.adapters.orm import ANALYSIS_DONE, ANALYSIS_FAILED, Diary, Notification
from diary_service.service_layer.diaries import ANALYSE, CARD, PURGE
from diary_service.service_layer.notifications import card_ready_notice
from diary_service.unit_of_work import UnitOfWork
from gridam.card.v2 import card_service_pb2 as card_pb
from gridam.card.v2.card_service_pb2_grpc import CardServiceStub
from gridam.emotion.v2 import emotion_service_pb2 as emotion_pb
from gridam.emotion.v2.emotion_service_pb2_grpc import EmotionServiceStub
from gridam.user.v1 import user_service_pb2 as user_pb
from gridam.user.v1.user_service_pb2_grpc import UserServiceStub
from gridam_domain.storage import ObjectStorage
from gridam_runtime import context
from gridam_runtime.emotions import from_proto
from gridam_runtime.jobs import Job, JobQueue, LeaseLost
from gridam_runtime.tokens import ServiceTokenIssuer


class DiaryPipeline:
    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        jobs: JobQueue,
        emotion: EmotionServiceStub,  # the clients (ClientFactory.client), typed as their stubs
        cards: CardServiceStub,
        users: UserServiceStub,
        storage: ObjectStorage,
        service_tokens: ServiceTokenIssuer,
    ) -> None:
        self._uow = uow
        self._jobs = jobs
        self._emotion = emotion
        self._cards = cards
        self._users = users
        self._storage = storage
        self._service_tokens = service_tokens

    def _load(self, diary_id: int) -> Diary | None:
        with self._uow() as uow:
            return uow.diaries.get(diary_id)

    def _finish(
        self,
        job: Job,
        hashtags: list[str] | None = None,
        state: str | None = None,
        notice: Notification | None = None,
        forget: tuple[str, ...] = (),
    ) -> None:
        """Complete the job with its local effects; `forget`: then delete the subject's job rows
        of these kinds, this one included (a purged diary's finished jobs name it)."""
        with self._uow() as uow:
            if state is not None and uow.diaries.record_analysis(job.subject_id, hashtags or [], state):
                uow.owe(CARD, job.subject_id)
            if notice is not None and uow.diaries.get(job.subject_id) is not None:
                uow.notifications.upsert(notice)
            if not self._jobs.complete(uow.connection(), job):
                raise LeaseLost(f"job {job.id}")
            if forget:
                uow.forget_jobs(forget, job.subject_id)
            uow.commit()

    async def analyse(self, job: Job) -> None:
        diary = await asyncio.to_thread(self._load, job.subject_id)
        if diary is None:  # deleted since: the purge job owns what is left
            await asyncio.to_thread(self._finish, job)
            return
        context.bearer_token.set(self._service_tokens.token())
        reply = await self._emotion.AnalyzeDiary(
            emotion_pb.AnalyzeDiaryRequest(
                diary_id=diary.id,
                author_id=diary.author_id,
                date=diary.date.isoformat(),
                text=f"{diary.title}\n{diary.content}",
            )
        )
        await asyncio.to_thread(self._finish, job, list(reply.analysis.hashtags), ANALYSIS_DONE)

    async def job_parked(self, job: Job) -> None:
        """After the last attempt of an analysis the diary shows that it failed (why is in the
        job row); parked card and purge jobs stay visible in the job table and the metrics."""
        if job.kind != ANALYSE:
            return

        def mark() -> None:
            with self._uow() as uow:
                uow.diaries.record_analysis(job.subject_id, [], ANALYSIS_FAILED)
                uow.commit()

        await asyncio.to_thread(mark)

    async def card(self, job: Job) -> None:
        context.bearer_token.set(self._service_tokens.token())
        reply = await self._cards.MakeCard(card_pb.MakeCardRequest(diary_id=job.subject_id))
        card = reply.card
        notice = (
            card_ready_notice(
                card.author_id, card.diary_id, card.date, from_proto(card.dominant), list(card.hashtags), card.image_key
            )
            if reply.made
            else None
        )
        await asyncio.to_thread(self._finish, job, notice=notice)

    def _count(self, author_id: int) -> int:
        with self._uow() as uow:
            return uow.diaries.count_for_author(author_id)

    async def count(self, job: Job) -> None:
        diaries = await asyncio.to_thread(self._count, job.subject_id)
        context.bearer_token.set(self._service_tokens.token())
        await self._users.SetDiaryCount(user_pb.SetDiaryCountRequest(user_id=job.subject_id, diary_count=diaries, as_of=job.id))
        await asyncio.to_thread(self._finish, job)

    def _photo_orphaned(self, key: str) -> bool:
        with self._uow() as uow:
            return not uow.diaries.photo_in_use(key)

    def _forget_posts(self, diary_id: int) -> None:
        with self._uow() as uow:  # one shared in the moment the diary was deleted
            uow.delete_posts(uow.posts.ids_of_diary(diary_id))
            uow.commit()

    async def purge(self, job: Job) -> None:
        await asyncio.to_thread(self._forget_posts, job.subject_id)
        context.bearer_token.set(self._service_tokens.token())
        await self._emotion.DeleteAnalysis(emotion_pb.DeleteAnalysisRequest(diary_id=job.subject_id))
        await self._cards.DeleteCards(card_pb.DeleteCardsRequest(diary_id=job.subject_id))
        if job.payload:
            await asyncio.to_thread(self._forget_photo, job.payload)
        await asyncio.to_thread(self._finish, job, forget=(ANALYSE, CARD, PURGE))

    def _forget_photo(self, key: str) -> None:
        """Remove a deleted diary's photo unless another diary uses the same (content-addressed)
        object. A diary written meanwhile with the same photo may commit after the check: so
        the check is made again after the removal, and the object put back if it is in use now
        (the diary's own create puts it back if it commits later still)."""
        if not self._photo_orphaned(key):
            return
        kept = self._storage.get(key)
        self._storage.delete(key)
        if kept is not None and not self._photo_orphaned(key):
            self._storage.put(key, kept.data, kept.content_type)
