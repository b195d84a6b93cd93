"""The user service's outbox: events other services must hear about, delivered at least once.

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

import sqlalchemy

from gridam.diary.v1 import diary_service_pb2 as diary_pb
from gridam_runtime import context
from gridam_runtime.jobs import Handler, Job, JobQueue, LeaseLost
from gridam_runtime.tokens import ServiceTokenIssuer

NOTIFY_FOLLOW = "notify_follow"


def follow_event(follower_id: int, follower_login_id: str) -> str:
    """Payload of a notify_follow job; its subject is the user who was followed."""
    return json.dumps({"follower_id": follower_id, "follower_login_id": follower_login_id})


class OutboxRelay:
    def __init__(
        self,
        engine: sqlalchemy.Engine,
        jobs: JobQueue,
        diary,  # ServiceClient of gridam.diary.v1.DiaryService
        service_tokens: ServiceTokenIssuer,
    ) -> None:
        self._engine = engine
        self._jobs = jobs
        self._diary = diary
        self._service_tokens = service_tokens

    @property
    def handlers(self) -> dict[str, Handler]:
        return {NOTIFY_FOLLOW: self.notify_follow}

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

    def _complete(self, job: Job) -> None:
        with self._engine.begin() as connection:
            if not self._jobs.complete(connection, job):
                raise LeaseLost(f"job {job.id}")
