"""Word clouds and deleted diaries, on the service layer over SQLite: a diary deleted while the
author's clouds are being drawn does not leave its words in them."""

from __future__ import annotations

import datetime

import pytest

from emotion_service.adapters.orm import DiaryAnalysis
from emotion_service.service_layer import word_clouds
from emotion_service.service_layer.word_clouds import WordCloudMaker
from gridam_domain.storage import LocalFolderStorage
from gridam_runtime.kv import InProcessRateLimiter
from gridam_runtime.limits import Limiter
from tests.support.emotion_layer import emotion_dependencies

AUTHOR = 7
NOW = datetime.datetime(2026, 11, 24, 12, 0, 0)


def analysis(diary_id: int, *words: str) -> DiaryAnalysis:
    return DiaryAnalysis(
        diary_id=diary_id, author_id=AUTHOR, date=NOW.date(), dominant="HAPPY",
        distribution={"HAPPY": 1.0}, hashtags=[], keywords=[[w, 1.0] for w in words], feedback="",
        safety_flag=False, language="ko", classifier="test", created_at=NOW,
    )


@pytest.fixture
def world(tmp_path):
    with emotion_dependencies(tmp_path, clock=lambda: NOW) as (deps, uow):
        with uow() as unit:
            unit.analyses.add(analysis(1, "산책", "바다"))
            unit.analyses.add(analysis(2, "비밀단어"))
            unit.commit()
        yield WordCloudMaker(deps, LocalFolderStorage(tmp_path / "media"), Limiter(InProcessRateLimiter())), uow


def delete_diary(uow, diary_id: int) -> None:
    """What DeleteAnalysis does, without its redraw (that one comes too late here)."""
    with uow() as unit:
        unit.analyses.mark_deleted(diary_id, AUTHOR, NOW)
        unit.analyses.delete(diary_id)
        unit.commit()


def words_in_clouds(uow) -> set[str]:
    with uow() as unit:
        return {word for cloud in unit.word_clouds.for_author(AUTHOR) for word, _ in cloud.words}


def test_a_diary_deleted_while_the_clouds_are_drawn_leaves_no_word_in_them(world, monkeypatch):
    maker, uow = world
    render = word_clouds.render_word_cloud
    deleted = []

    def render_while_deleting(emotion, words):
        if not deleted:  # the author deletes diary 2 while its words are being drawn
            delete_diary(uow, 2)
            deleted.append(2)
        return render(emotion, words)

    monkeypatch.setattr(word_clouds, "render_word_cloud", render_while_deleting)
    result = maker.regenerate(AUTHOR)
    assert deleted == [2]
    assert words_in_clouds(uow) == {"산책", "바다"}
    assert {word for cloud in result.clouds for word, _ in cloud.words} == {"산책", "바다"}
