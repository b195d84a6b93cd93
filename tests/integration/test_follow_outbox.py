"""FOLLOW notifications from the user service's outbox, on real MariaDB and on SQLite: a new
follow records exactly one `notify_follow` job in its own transaction."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from gridam_runtime import context, db
from gridam_runtime.jobs import PENDING, JobQueue
from gridam_runtime.tokens import AccessTokenIssuer
from tests.support.user_layer import user_dependencies
from user_service.adapters.orm import Follow, User, user_jobs
from user_service.config import UserSettings
from user_service.service_layer.outbox import NOTIFY_FOLLOW
from user_service.service_layer.profiles import Profiles
from user_service.unit_of_work import UnitOfWork

pytestmark = pytest.mark.integration


@pytest.fixture(params=["mariadb", "sqlite"])
def database_url(request, tmp_path) -> str:
    if request.param == "mariadb":
        return request.getfixturevalue("mariadb").create_database("gridam_user_outbox_test")
    return f"sqlite:///{tmp_path / 'user.db'}"


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
def test_a_follow_records_exactly_one_job_and_a_failed_one_none(database_url, tmp_path, monkeypatch, failing_step):
    deps, engine = user_dependencies(UserSettings(data_dir=tmp_path, database_url=database_url))
    try:
        profiles = Profiles(deps)
        alice_id, bob_id = add_users(engine, "alice", "bob")
        with calling_as(deps.issuer, bob_id, "bob"):
            with monkeypatch.context() as patch:
                # The job is recorded (or fails) before the commit, which then fails (or never
                # happens): neither the follow nor its job may remain.
                patch.setattr(JobQueue if failing_step == "enqueue" else UnitOfWork, failing_step, fail)
                with pytest.raises(RuntimeError, match="db gone"):
                    profiles.follow("alice")
            assert follow_count(engine) == 0 and outbox(engine) == []

            assert profiles.follow("alice") is True
            assert profiles.follow("ALICE") is False  # already following: nothing more owed
        [job] = outbox(engine)
        assert (job.kind, job.subject_id, job.state, job.attempts) == (NOTIFY_FOLLOW, alice_id, PENDING, 0)
        assert json.loads(job.payload) == {"follower_id": bob_id, "follower_login_id": "bob"}
        assert follow_count(engine) == 1
    finally:
        engine.dispose()
