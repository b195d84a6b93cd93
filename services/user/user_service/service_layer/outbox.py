"""The user service's outbox: events other services must hear about, delivered at least once.

`account_deleted` (docs/account-deletion.md) is owed by the deletion's own transaction: the relay
has the diary, card and emotion services forget the person (the emotion service refuses until
the diary service's purges have removed every analysis of theirs: the job is retried, never
parked), removes what this process keeps outside its schema (rate-limit keys, the avatar
object) and deletes the job with its completion (it names them).

A follow records a `notify_follow` job in `user_jobs` in its own transaction (Profiles.follow).
The relay, a gridam_runtime.jobs.Worker running inside the user service process
(bootstrap.serve), sends it to the diary service's RecordFollow with the user service's
service token and marks it done only after the diary answered; failures come back with
back-off (GRIDAM_JOB_*). A delivery can repeat (a relay stopped between the answer and
`complete`): the job id is the event id, and the diary records one notification per event.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence

import sqlalchemy

from gridam.card.v2 import card_service_pb2 as card_pb
from gridam.card.v2.card_service_pb2_grpc import CardServiceStub
from gridam.diary.v1 import diary_service_pb2 as diary_pb
from gridam.diary.v1.diary_service_pb2_grpc import DiaryServiceStub
from gridam.emotion.v2 import emotion_service_pb2 as emotion_pb
from gridam.emotion.v2.emotion_service_pb2_grpc import EmotionServiceStub
from gridam_runtime import context
from gridam_runtime.jobs import Handler, Job, JobQueue, LeaseLost
from gridam_runtime.tokens import ServiceTokenIssuer

NOTIFY_FOLLOW = "notify_follow"
ACCOUNT_DELETED = "account_deleted"


def follow_event(follower_id: int, follower_login_id: str) -> str:
    """Payload of a notify_follow job; its subject is the user who was followed."""
    return json.dumps({"follower_id": follower_id, "follower_login_id": follower_login_id})


def follow_event_prefix(follower_id: int) -> str:
    """How the payloads of one follower's notify_follow jobs begin."""
    return follow_event(follower_id, "")[: -len(', "follower_login_id": ""}')] + ","


def account_deleted_event(login_id: str, phone: str, avatar_key: str) -> str:
    """Payload of an account_deleted job; its subject is the deleted user's id."""
    return json.dumps({"login_id": login_id, "phone": phone, "avatar_key": avatar_key})


class OutboxRelay:
    def __init__(
        self,
        engine: sqlalchemy.Engine,
        jobs: JobQueue,
        diary: DiaryServiceStub,  # the clients (ClientFactory.client), typed as their stubs
        service_tokens: ServiceTokenIssuer,
        # What this process removes of a deleted account: (user id, account_deleted payload).
        leftovers: Sequence[Callable[[int, dict[str, str]], None]],
        cards: CardServiceStub,
        emotion: EmotionServiceStub,
    ) -> None:
        self._engine = engine
        self._jobs = jobs
        self._diary = diary
        self._cards = cards
        self._emotion = emotion
        self._service_tokens = service_tokens
        self._leftovers = leftovers

    @property
    def handlers(self) -> dict[str, Handler]:
        return {NOTIFY_FOLLOW: self.notify_follow, ACCOUNT_DELETED: self.account_deleted}

    async def account_deleted(self, job: Job) -> None:
        event: dict[str, str] = json.loads(job.payload)  # account_deleted_event's
        context.bearer_token.set(self._service_tokens.token())
        await self._diary.ForgetAuthor(diary_pb.ForgetAuthorRequest(user_id=job.subject_id, login_id=event["login_id"]))
        await self._cards.ForgetAuthor(card_pb.ForgetAuthorRequest(user_id=job.subject_id))
        # FAILED_PRECONDITION until the purges have removed the analyses: the job is retried.
        await self._emotion.ForgetAuthor(emotion_pb.ForgetAuthorRequest(user_id=job.subject_id))
        for forget in self._leftovers:
            await asyncio.to_thread(forget, job.subject_id, event)
        await asyncio.to_thread(self._complete, job, True)

    async def notify_follow(self, job: Job) -> None:
        event = json.loads(job.payload)
        context.bearer_token.set(self._service_tokens.token())
        await self._diary.RecordFollow(
            diary_pb.RecordFollowRequest(
                event_id=job.id,
                follower_id=event["follower_id"],
                follower_login_id=event["follower_login_id"],
                followee_id=job.subject_id,
            )
        )
        await asyncio.to_thread(self._complete, job)

    def _complete(self, job: Job, forget: bool = False) -> None:
        with self._engine.begin() as connection:
            if not self._jobs.complete(connection, job):
                raise LeaseLost(f"job {job.id}")
            if forget:
                connection.execute(self._jobs.table.delete().where(self._jobs.table.c.id == job.id))
