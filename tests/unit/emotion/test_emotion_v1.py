"""gridam.emotion.v1, served beside v2 for one release (docs/protos.md): its callers get the
same analyses in v1's messages (SQLite, the servicers called directly, as in test_risk_level)."""

from __future__ import annotations

import asyncio

import pytest

from emotion_service.servicer import EmotionV1Servicer
from gridam.emotion.v1 import emotion_service_pb2 as v1
from gridam.emotion.v2 import emotion_service_pb2 as v2
from gridam_runtime.errors import InvalidArgument
from tests.unit.emotion.test_risk_level import world  # noqa: F401  # the fixture, shared

__all__ = ["world"]


def test_a_v1_caller_gets_the_v2_analysis_in_v1s_terms(world):
    current, _ = world
    old = EmotionV1Servicer(current)

    stored = asyncio.run(old.AnalyzeDiary(v1.AnalyzeDiaryRequest(diary_id=1, author_id=7, date="2026-12-07",
                                                                 text="오늘은 산책을 했다."), None))
    fetched = asyncio.run(old.GetAnalysis(v1.GetAnalysisRequest(diary_id=1), None))

    assert isinstance(fetched, v1.GetAnalysisResponse) and stored.stored
    assert fetched.analysis.dominant == v1.EMOTION_SAD
    assert [(s.emotion, s.fraction) for s in fetched.analysis.distribution if s.fraction] == [(v1.EMOTION_SAD, 1.0)]
    assert len(fetched.analysis.distribution) == 9
    assert (fetched.date, fetched.author_id, fetched.analysis.risk_level) == ("2026-12-07", 7, v1.RISK_LEVEL_NONE)
    now = asyncio.run(current.GetAnalysis(v2.GetAnalysisRequest(diary_id=1), None))
    assert fetched.SerializeToString() == now.SerializeToString()  # the same message, by either version


def test_a_v1_restored_analysis_is_stored_with_its_emotions(world):
    current, _ = world
    old = EmotionV1Servicer(current)
    restored = v1.Analysis(
        dominant=v1.EMOTION_FEAR,
        distribution=[v1.EmotionScore(emotion=v1.EMOTION_FEAR, fraction=0.75), v1.EmotionScore(emotion=v1.EMOTION_JOY, fraction=0.25)],
        feedback="복원", language="ko", risk_level=v1.RISK_LEVEL_NONE,
    )
    request = v1.AnalyzeDiaryRequest(diary_id=2, author_id=7, date="2026-12-07", text="복원된 일기", restored=restored)

    asyncio.run(old.AnalyzeDiary(request, None))

    analysis = asyncio.run(current.GetAnalysis(v2.GetAnalysisRequest(diary_id=2), None)).analysis
    shares = {s.emotion: s.fraction for s in analysis.distribution if s.fraction}
    assert (analysis.dominant, shares) == (v1.EMOTION_FEAR, {v1.EMOTION_FEAR: 0.75, v1.EMOTION_JOY: 0.25})


def test_a_restored_analysis_without_an_emotion_is_refused(world):
    current, _ = world
    request = v2.AnalyzeDiaryRequest(diary_id=3, author_id=7, date="2026-12-07", text="복원된 일기",
                                     restored=v2.Analysis(feedback="감정 없음", language="ko"))
    with pytest.raises(InvalidArgument):
        asyncio.run(current.AnalyzeDiary(request, None))
