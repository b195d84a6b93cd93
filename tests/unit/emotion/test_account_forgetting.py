"""A deleted account in the emotion service (docs/account-deletion.md), on its service layer over
SQLite: the word clouds, their images and the generation limit go once no analysis of the person
is left; deletion markers expire after their hold, not before."""

from __future__ import annotations

import datetime

import pytest

from emotion_service.config import EmotionSettings
from emotion_service.service_layer.analyses import Analyses
from emotion_service.service_layer.word_clouds import WordCloudMaker
from gridam_domain.storage import LocalFolderStorage
from gridam_runtime.auth import ServiceCaller
from gridam_runtime.errors import FailedPrecondition, ResourceExhausted
from gridam_runtime.kv import InProcessRateLimiter
from gridam_runtime.limits import Limiter
from tests.support.emotion_layer import emotion_dependencies
from tests.unit.emotion.test_word_cloud_deletions import AUTHOR, analysis, delete_diary

HOLD_SECONDS = 600


class RelayCaller:
    """Test double of the Authenticator: every call comes from the user service's relay, and
    word clouds are asked for by the author."""

    def require_service(self, allowed):
        assert "gridam-user" in allowed
        return ServiceCaller("gridam-user")

    def require(self):
        return type("Identity", (), {"user_id": AUTHOR})()


@pytest.fixture
def world(tmp_path):
    now = [datetime.datetime(2026, 12, 7, 12, 0, 0)]
    settings = EmotionSettings(data_dir=tmp_path, deleted_diary_marker_seconds=HOLD_SECONDS, limit_word_cloud_generations="1/3600")
    with emotion_dependencies(tmp_path, clock=lambda: now[0], settings=settings, authenticator=RelayCaller()) as (deps, uow):
        with uow() as unit:
            unit.analyses.add(analysis(1, "산책", "바다"))
            unit.commit()
        storage = LocalFolderStorage(tmp_path / "media")
        yield WordCloudMaker(deps, storage, Limiter(InProcessRateLimiter())), Analyses(deps), uow, storage, now


async def test_the_clouds_and_their_limit_go_once_no_analysis_of_the_person_is_left(world):
    maker, _analyses, uow, storage, _now = world
    keys = [c.image_key for c in (await maker.generate()).clouds if c.image_key]
    assert keys and all(storage.exists(k) for k in keys)
    with pytest.raises(ResourceExhausted):
        await maker.generate()  # the limit (1 an hour) holds a key of the person

    with pytest.raises(FailedPrecondition) as refused:
        await maker.forget_author(AUTHOR)  # the purge of diary 1 is still owed
    assert refused.value.reason == "EMOTION4091"
    with uow() as unit:
        assert unit.word_clouds.for_author(AUTHOR)

    delete_diary(uow, 1)
    await maker.forget_author(AUTHOR)
    await maker.forget_author(AUTHOR)  # a repeat finds nothing more

    with uow() as unit:
        assert unit.word_clouds.for_author(AUTHOR) == []
    assert not any(storage.exists(k) for k in keys)
    await maker.generate()  # the limit's key was forgotten: a new account with this number starts afresh


def test_deletion_markers_expire_after_their_hold_only(world):
    _maker, analyses, uow, _storage, now = world
    with uow() as unit:  # what DeleteAnalysis records, now
        unit.analyses.mark_deleted(1, AUTHOR, now[0])
        unit.analyses.delete(1)
        unit.commit()
    now[0] += datetime.timedelta(seconds=HOLD_SECONDS - 1)
    assert analyses.expire_markers() == 0
    with uow() as unit:
        assert unit.analyses.is_deleted(1)
    now[0] += datetime.timedelta(seconds=2)
    assert analyses.expire_markers() == 1
    with uow() as unit:
        assert not unit.analyses.is_deleted(1) and unit.analyses.deleted_ids(AUTHOR) == set()
