"""gRPC servicer: proto in, service-layer call, proto out. No rules here.

`EmotionServicer` serves gridam.emotion.v2. `EmotionV1Servicer` serves v1 for one release
(callers not yet rolled out, docs/protos.md) over it: v1's messages are v2's on the wire (the
same numbers for the same emotions), so each of its methods reads the request as v2's, asks the
v2 servicer and reads the reply as v1's. Removed in the next release.
"""

from __future__ import annotations

from typing import Any

from emotion_service.adapters.orm import DiaryAnalysis
from emotion_service.domain.analysis.analyser import Analysis
from emotion_service.domain.analysis.emotions import Emotion
from emotion_service.domain.analysis.safety import RiskLevel
from emotion_service.service_layer.analyses import Analyses
from emotion_service.service_layer.statistics import StatisticsReader
from emotion_service.service_layer.word_clouds import WordCloudMaker, WordClouds
from gridam.common.v1 import emotion_pb2 as common
from gridam.emotion.v1 import emotion_service_pb2 as v1
from gridam.emotion.v1 import emotion_service_pb2_grpc as v1_grpc
from gridam.emotion.v2 import emotion_service_pb2 as pb
from gridam.emotion.v2 import emotion_service_pb2_grpc
from gridam_runtime.emotions import InvalidEmotion, from_proto, shares_from_proto, shares_to_proto, to_proto
from gridam_runtime.errors import InvalidArgument
from gridam_runtime.server import ServicerContext
from gridam_runtime.timestamps import timestamp
from gridam_runtime.versions import recast

RISK_PB = {RiskLevel.NONE: pb.RISK_LEVEL_NONE, RiskLevel.CONCERN: pb.RISK_LEVEL_CONCERN, RiskLevel.URGENT: pb.RISK_LEVEL_URGENT}


def _analysis(analysis: Analysis, classifier: str) -> pb.Analysis:
    """From the analyser's result (not stored)."""
    return pb.Analysis(
        distribution=shares_to_proto(analysis.distribution),
        dominant=to_proto(analysis.dominant),
        hashtags=list(analysis.hashtags),
        feedback=analysis.feedback,
        safety_flag=analysis.safety_flag,
        risk_level=RISK_PB[analysis.risk],
        keywords=[pb.Keyword(word=w, weight=x) for w, x in analysis.keywords],
        language=analysis.language,
        classifier=classifier,
    )


def _keyword(pair: list[str | float]) -> pb.Keyword:
    """A stored [word, weight] pair."""
    word, weight = pair
    return pb.Keyword(word=str(word), weight=float(weight))


def _stored(record: DiaryAnalysis) -> pb.Analysis:
    return pb.Analysis(
        distribution=shares_to_proto({e: float(record.distribution.get(e.name, 0.0)) for e in Emotion}),
        dominant=to_proto(Emotion[record.dominant]),
        hashtags=record.hashtags,
        feedback=record.feedback,
        safety_flag=record.safety_flag,
        risk_level=RISK_PB[record.risk],
        keywords=[_keyword(pair) for pair in record.keywords],
        language=record.language,
        classifier=record.classifier,
    )


def _restored(analysis: pb.Analysis) -> DiaryAnalysis:
    """An analysis from an export archive, to store as it is (its diary is filled in on storing)."""
    risk = RiskLevel[pb.RiskLevel.Name(analysis.risk_level).removeprefix("RISK_LEVEL_")] if analysis.risk_level else RiskLevel.NONE
    try:
        dominant, distribution = from_proto(analysis.dominant), shares_from_proto(analysis.distribution)
    except InvalidEmotion as error:
        raise InvalidArgument("COMMON4000", f"restored analysis: {error}") from None
    return DiaryAnalysis(
        dominant=dominant.name,
        distribution={emotion.name: fraction for emotion, fraction in distribution.items()},
        hashtags=list(analysis.hashtags),
        keywords=[[k.word, k.weight] for k in analysis.keywords],
        feedback=analysis.feedback,
        safety_flag=analysis.safety_flag,
        risk_level=risk.value,
        language=analysis.language or "ko",
        classifier=analysis.classifier or "restored",
    )


def _clouds(result: WordClouds) -> dict[str, Any]:
    """The fields of a GetWordCloudsResponse or GenerateWordCloudsResponse."""
    fields: dict[str, Any] = {
        "clouds": [
            pb.WordCloud(
                emotion=to_proto(Emotion[c.emotion]),
                words=[_keyword(pair) for pair in c.words],
                image_key=c.image_key,
            )
            for c in result.clouds
        ]
    }
    if result.generated_at is not None and result.next_generation is not None:  # set together
        fields["generated_at"] = timestamp(result.generated_at)
        fields["next_generation"] = timestamp(result.next_generation)
    return fields


class EmotionServicer(emotion_service_pb2_grpc.EmotionServiceServicer):
    def __init__(self, analyses: Analyses, statistics: StatisticsReader, word_clouds: WordCloudMaker, classifier: str) -> None:
        self._analyses = analyses
        self._statistics = statistics
        self._word_clouds = word_clouds
        self._classifier = classifier

    async def AnalyzeText(self, request: pb.AnalyzeTextRequest, context: ServicerContext) -> pb.AnalyzeTextResponse:
        analysis = await self._analyses.analyse_text(request.text)
        return pb.AnalyzeTextResponse(analysis=_analysis(analysis, self._classifier))

    async def AnalyzeDiary(self, request: pb.AnalyzeDiaryRequest, context: ServicerContext) -> pb.AnalyzeDiaryResponse:
        restored = _restored(request.restored) if request.HasField("restored") else None
        record = await self._analyses.analyse_diary(request.diary_id, request.author_id, request.date, request.text, restored)
        if record is None:
            return pb.AnalyzeDiaryResponse(stored=False)
        return pb.AnalyzeDiaryResponse(analysis=_stored(record), stored=True)

    async def GetAnalysis(self, request: pb.GetAnalysisRequest, context: ServicerContext) -> pb.GetAnalysisResponse:
        record = await self._analyses.get(request.diary_id)
        return pb.GetAnalysisResponse(analysis=_stored(record), date=record.date.isoformat(), author_id=record.author_id)

    async def DeleteAnalysis(self, request: pb.DeleteAnalysisRequest, context: ServicerContext) -> pb.DeleteAnalysisResponse:
        author_id = await self._analyses.delete(request.diary_id)
        if author_id is not None:
            await self._word_clouds.refresh_after_deletion(author_id)
        return pb.DeleteAnalysisResponse()

    async def ForgetAuthor(self, request: pb.ForgetAuthorRequest, context: ServicerContext) -> pb.ForgetAuthorResponse:
        await self._word_clouds.forget_author(request.user_id)
        return pb.ForgetAuthorResponse()

    async def GetStatistics(self, request: pb.GetStatisticsRequest, context: ServicerContext) -> pb.GetStatisticsResponse:
        stats = await self._statistics.get(request.year, request.month)
        return pb.GetStatisticsResponse(
            months=[
                pb.MonthStatistics(
                    month=m.month,
                    counts=[pb.EmotionCount(emotion=to_proto(e), count=n) for e, n in m.counts.items()],
                    total=m.total,
                )
                for m in stats.months
            ],
            days=[
                pb.DayStatistics(
                    date=d.date.isoformat(),
                    count=d.count,
                    dominant=to_proto(d.dominant) if d.dominant else common.EMOTION_UNSPECIFIED,
                )
                for d in stats.days
            ],
            current_streak=stats.current_streak,
            longest_streak=stats.longest_streak,
        )

    async def GetWordClouds(self, request: pb.GetWordCloudsRequest, context: ServicerContext) -> pb.GetWordCloudsResponse:
        result = await self._word_clouds.get()
        return pb.GetWordCloudsResponse(**_clouds(result))

    async def GenerateWordClouds(self, request: pb.GenerateWordCloudsRequest, context: ServicerContext) -> pb.GenerateWordCloudsResponse:
        result = await self._word_clouds.generate()
        return pb.GenerateWordCloudsResponse(**_clouds(result))


class EmotionV1Servicer(v1_grpc.EmotionServiceServicer):
    """gridam.emotion.v1 over the v2 servicer, for one release (see the module docstring)."""

    def __init__(self, current: EmotionServicer) -> None:
        self._current = current

    async def AnalyzeText(self, request: v1.AnalyzeTextRequest, context: ServicerContext) -> v1.AnalyzeTextResponse:
        reply = await self._current.AnalyzeText(recast(request, pb.AnalyzeTextRequest), context)
        return recast(reply, v1.AnalyzeTextResponse)

    async def AnalyzeDiary(self, request: v1.AnalyzeDiaryRequest, context: ServicerContext) -> v1.AnalyzeDiaryResponse:
        reply = await self._current.AnalyzeDiary(recast(request, pb.AnalyzeDiaryRequest), context)
        return recast(reply, v1.AnalyzeDiaryResponse)

    async def GetAnalysis(self, request: v1.GetAnalysisRequest, context: ServicerContext) -> v1.GetAnalysisResponse:
        reply = await self._current.GetAnalysis(recast(request, pb.GetAnalysisRequest), context)
        return recast(reply, v1.GetAnalysisResponse)

    async def DeleteAnalysis(self, request: v1.DeleteAnalysisRequest, context: ServicerContext) -> v1.DeleteAnalysisResponse:
        reply = await self._current.DeleteAnalysis(recast(request, pb.DeleteAnalysisRequest), context)
        return recast(reply, v1.DeleteAnalysisResponse)

    async def ForgetAuthor(self, request: v1.ForgetAuthorRequest, context: ServicerContext) -> v1.ForgetAuthorResponse:
        reply = await self._current.ForgetAuthor(recast(request, pb.ForgetAuthorRequest), context)
        return recast(reply, v1.ForgetAuthorResponse)

    async def GetStatistics(self, request: v1.GetStatisticsRequest, context: ServicerContext) -> v1.GetStatisticsResponse:
        reply = await self._current.GetStatistics(recast(request, pb.GetStatisticsRequest), context)
        return recast(reply, v1.GetStatisticsResponse)

    async def GetWordClouds(self, request: v1.GetWordCloudsRequest, context: ServicerContext) -> v1.GetWordCloudsResponse:
        reply = await self._current.GetWordClouds(recast(request, pb.GetWordCloudsRequest), context)
        return recast(reply, v1.GetWordCloudsResponse)

    async def GenerateWordClouds(
        self, request: v1.GenerateWordCloudsRequest, context: ServicerContext
    ) -> v1.GenerateWordCloudsResponse:
        reply = await self._current.GenerateWordClouds(recast(request, pb.GenerateWordCloudsRequest), context)
        return recast(reply, v1.GenerateWordCloudsResponse)
