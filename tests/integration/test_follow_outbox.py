"""FOLLOW notifications from the user service's outbox, on real MariaDB and on SQLite: a new
follow records exactly one `notify_follow` job in its own transaction, and the relay in the
user service process delivers it at least once to DiaryService.RecordFollow, here answered
by `DiaryRecordFollowDouble`, a test double of the diary service (its RecordFollow only)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import grpc
import pytest
import sqlalchemy as sa
from grpc_health.v1 import health_pb2, health_pb2_grpc

from gridam.diary.v1 import diary_service_pb2 as diary_pb
from gridam.diary.v1 import diary_service_pb2_grpc
from gridam.user.v1 import user_service_pb2 as user_pb
from gridam.user.v1 import user_service_pb2_grpc
from gridam_runtime import context, db
from gridam_runtime.jobs import DONE, PENDING, JobQueue
from gridam_runtime.tokens import AccessTokenIssuer, ServiceTokenVerifier
from tests.support.servers import free_port
from tests.support.user_layer import user_dependencies
from tests.support.waiting import wait_until_async
from user_service.adapters.orm import Follow, User, user_jobs
from user_service.config import UserSettings
from user_service.service_layer.outbox import NOTIFY_FOLLOW
from user_service.service_layer.profiles import Profiles
from user_service.unit_of_work import UnitOfWork

pytestmark = pytest.mark.integration

WAIT_SECONDS = 60  # generous: the machines running the tests are shared and slow


def add_users(engine: sa.Engine, *login_ids: str) -> list[int]:
    now = db.utcnow()
    with db.session_factory(engine)() as session:
        users = [User(login_id=login_id, nickname=login_id, created_at=now, updated_at=now) for login_id in login_ids]
        session.add_all(users)
        session.commit()
        return [user.id for user in users]


def outbox(engine: sa.Engine) -> list[sa.Row]:
    t = user_jobs
    with engine.connect() as connection:
        return connection.execute(
            sa.select(t.c.id, t.c.kind, t.c.subject_id, t.c.payload, t.c.state, t.c.attempts, t.c.last_error).order_by(t.c.id)
        ).all()


def follow_count(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(Follow)).scalar_one()


# --- the follow and its job share one transaction ------------------------------------------


@contextmanager
def calling_as(issuer: AccessTokenIssuer, user_id: int, login_id: str) -> Iterator[None]:
    token, _ = issuer.issue(user_id, login_id, f"session-{user_id}")
    reset = context.bearer_token.set(token)
    try:
        yield
    finally:
        context.bearer_token.reset(reset)


def fail(*args, **kwargs) -> None:
    raise RuntimeError("db gone")


@pytest.mark.parametrize("failing_step", ["enqueue", "commit"])
async def test_a_follow_records_exactly_one_job_and_a_failed_one_none(database_url, tmp_path, monkeypatch, failing_step):
    with user_dependencies(UserSettings(data_dir=tmp_path, database_url=database_url)) as (deps, engine):
        profiles = Profiles(deps)
        alice_id, bob_id = add_users(engine, "alice", "bob")
        with calling_as(deps.issuer, bob_id, "bob"):
            with monkeypatch.context() as patch:
                # The job is recorded (or fails) before the commit, which then fails (or never
                # happens): neither the follow nor its job may remain.
                patch.setattr(JobQueue if failing_step == "enqueue" else UnitOfWork, failing_step, fail)
                with pytest.raises(RuntimeError, match="db gone"):
                    await profiles.follow("alice")
            assert follow_count(engine) == 0 and outbox(engine) == []

            assert await profiles.follow("alice") is True
            assert await profiles.follow("ALICE") is False  # already following: nothing more owed
        [job] = outbox(engine)
        assert (job.kind, job.subject_id, job.state, job.attempts) == (NOTIFY_FOLLOW, alice_id, PENDING, 0)
        assert json.loads(job.payload) == {"follower_id": bob_id, "follower_login_id": "bob"}
        assert follow_count(engine) == 1


# --- the relay in the user service process delivers it -------------------------------------


class DiaryRecordFollowDouble(diary_service_pb2_grpc.DiaryServiceServicer):
    """Test double of the diary service: only RecordFollow, answering UNAVAILABLE while
    `failing`, and recording every call with the service that signed its token."""

    def __init__(self, verifier: ServiceTokenVerifier) -> None:
        self._verifier = verifier
        self.failing = True
        self.refused: list[diary_pb.RecordFollowRequest] = []
        self.recorded: list[tuple[diary_pb.RecordFollowRequest, str]] = []

    async def RecordFollow(self, request, context):
        if self.failing:
            self.refused.append(request)
            await context.abort(grpc.StatusCode.UNAVAILABLE, "diary service double: failing on purpose")
        token = dict(context.invocation_metadata())["authorization"].removeprefix("Bearer ")
        self.recorded.append((request, self._verifier.verify(token)))
        return diary_pb.RecordFollowResponse()


def start_user_service(settings: UserSettings, log_path) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GRIDAM_")} | {
        "GRIDAM_DATA_DIR": str(settings.data_dir),
        "GRIDAM_DATABASE_URL": settings.database,
        "GRIDAM_GRPC_PORT": str(settings.grpc_port),
        "GRIDAM_DIARY_SERVICE_ADDR": settings.diary_service_addr,
        "GRIDAM_WORKER_POLL_SECONDS": "0.1",
        "GRIDAM_JOB_BASE_BACKOFF_SECONDS": "0.1",
        "GRIDAM_DRAIN_DELAY_SECONDS": "0.1",
        "GRIDAM_LOG_LEVEL": "INFO",
    }
    with open(log_path, "ab") as log:
        return subprocess.Popen([sys.executable, "-m", "user_service"], env=env, stdout=log, stderr=subprocess.STDOUT)


def serving(address: str) -> bool:
    with grpc.insecure_channel(address) as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service="gridam.user.v1.UserService"), timeout=1
            )
        except grpc.RpcError:
            return False
    return reply.status == health_pb2.HealthCheckResponse.SERVING


async def test_the_relay_retries_until_the_diary_records_the_follow_then_completes_the_job(database_url, tmp_path):
    diary_port, user_port = free_port(), free_port()
    settings = UserSettings(
        data_dir=tmp_path, database_url=database_url, grpc_port=user_port, diary_service_addr=f"127.0.0.1:{diary_port}"
    )
    with user_dependencies(settings) as (deps, engine):  # keys and schema, as `make run` prepares them
        double = DiaryRecordFollowDouble(ServiceTokenVerifier.from_keys_dir(settings.keys_dir, ("gridam-user",)))
        diary = grpc.aio.server()
        diary_service_pb2_grpc.add_DiaryServiceServicer_to_server(double, diary)
        diary.add_insecure_port(settings.diary_service_addr)
        await diary.start()
        log_path = tmp_path / "user-service.log"
        process = start_user_service(settings, log_path)
        try:
            address = f"127.0.0.1:{user_port}"
            await wait_until_async(lambda: process.poll() is not None or serving(address), "the user service serves")
            assert process.poll() is None, log_path.read_text()
            alice_id, bob_id = add_users(engine, "alice", "bob")
            token, _ = deps.issuer.issue(bob_id, "bob", "session-bob")
            async with grpc.aio.insecure_channel(address) as channel:
                users = user_service_pb2_grpc.UserServiceStub(channel)
                follow = user_pb.FollowRequest(user_id="alice")
                metadata = (("authorization", f"Bearer {token}"),)
                assert (await users.Follow(follow, metadata=metadata, timeout=10)).created is True
                assert (await users.Follow(follow, metadata=metadata, timeout=10)).created is False

            # The diary is down: the attempt fails and the job comes back for another.
            await wait_until_async(lambda: outbox(engine)[0].last_error is not None, "a failed delivery is recorded")
            [job] = outbox(engine)
            assert job.state == PENDING and double.recorded == [] and double.refused
            double.failing = False
            await wait_until_async(lambda: outbox(engine)[0].state == DONE, "the job is completed")

            [job] = outbox(engine)
            assert job.attempts >= 2 and job.last_error is None
            expected = diary_pb.RecordFollowRequest(event_id=job.id, follower_id=bob_id, follower_login_id="bob", followee_id=alice_id)
            assert double.recorded == [(expected, "gridam-user")]
            assert all(request == expected for request in double.refused)  # every attempt: the same event

            process.send_signal(signal.SIGTERM)
            assert await asyncio.to_thread(process.wait, WAIT_SECONDS) == 0, log_path.read_text()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            await diary.stop(None)
