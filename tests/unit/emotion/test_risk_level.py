"""The risk level travels with the analysis (SQLite, the gRPC servicer called directly; the
analyser is a test double answering a chosen level): AnalyzeText, the stored analysis and
GetAnalysis carry none, concern and urgent as the analyser said."""

from __future__ import annotations

import asyncio
import datetime

import pytest

from emotion_service.adapters.orm import DiaryAnalysis
from emotion_service.domain.analysis.analyser import Analysis
from emotion_service.domain.analysis.emotions import Distribution, Emotion
from emotion_service.domain.analysis.safety import RiskLevel
from emotion_service.service_layer.analyses import Analyses
from emotion_service.servicer import EmotionServicer
from gridam.emotion.v2 import emotion_service_pb2 as pb
from gridam_runtime.auth import ServiceCaller
from tests.support.emotion_layer import emotion_dependencies

NOW = datetime.datetime(2026, 12, 7, 12)
LEVELS = {"오늘은 산책을 했다.": RiskLevel.NONE, "다 소용없는 것 같다.": RiskLevel.CONCERN, "죽고 싶다.": RiskLevel.URGENT}


class LevelAnalyser:
    """Test double of DiaryAnalyser: the risk level of each text is the one in LEVELS."""

    def analyse(self, texts):
        return [
            Analysis(Distribution({Emotion.SAD: 1.0}), Emotion.SAD, ("하루",), (("하루", 1.0),), "피드백", "ko",
                     LEVELS[t] is RiskLevel.URGENT, LEVELS[t])
            for t in texts
        ]


class DiaryWorker:
    """Test double of Authenticator: every call comes from the diary service's pipeline."""

    def require_service(self, allowed) -> ServiceCaller:
        return ServiceCaller("gridam-diary")

    require_user_or_service = require_service


@pytest.fixture
def world(tmp_path):
    with emotion_dependencies(tmp_path, clock=lambda: NOW, authenticator=DiaryWorker(),
                              analyser=LevelAnalyser()) as (deps, uow):
        yield EmotionServicer(Analyses(deps), statistics=None, word_clouds=None, classifier="test"), uow


PB_LEVELS = {RiskLevel.NONE: pb.RISK_LEVEL_NONE, RiskLevel.CONCERN: pb.RISK_LEVEL_CONCERN, RiskLevel.URGENT: pb.RISK_LEVEL_URGENT}


@pytest.mark.parametrize("text", LEVELS)
def test_analyze_text_and_the_stored_analysis_carry_the_risk_level(world, text):
    servicer, uow = world
    level = LEVELS[text]

    analysed = asyncio.run(servicer.AnalyzeText(pb.AnalyzeTextRequest(text=text), None)).analysis
    stored = asyncio.run(servicer.AnalyzeDiary(pb.AnalyzeDiaryRequest(diary_id=1, author_id=7, date="2026-12-07", text=text), None))
    fetched = asyncio.run(servicer.GetAnalysis(pb.GetAnalysisRequest(diary_id=1), None)).analysis

    for analysis in (analysed, stored.analysis, fetched):
        assert (analysis.risk_level, analysis.safety_flag) == (PB_LEVELS[level], level is RiskLevel.URGENT)
    with uow() as unit:
        assert unit.analyses.get(1).risk_level == level.value


def test_a_flagged_analysis_stored_without_a_level_reads_as_urgent(world):
    """A pod of the version before risk levels, still running during the upgrade, stores
    analyses without the column (it gets its default, "none"): a flagged one is still urgent."""
    servicer, uow = world
    with uow() as unit:
        for diary_id, flagged in ((1, True), (2, False)):
            unit.analyses.add(DiaryAnalysis(
                diary_id=diary_id, author_id=7, date=NOW.date(), dominant="SAD", distribution={"SAD": 1.0}, hashtags=[],
                keywords=[], feedback="", safety_flag=flagged, language="ko", classifier="old", created_at=NOW,
            ))
        unit.commit()

    levels = [asyncio.run(servicer.GetAnalysis(pb.GetAnalysisRequest(diary_id=i), None)).analysis.risk_level for i in (1, 2)]

    assert levels == [pb.RISK_LEVEL_URGENT, pb.RISK_LEVEL_NONE]
