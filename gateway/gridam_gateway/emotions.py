"""How emotions look in the web API (docs/web-api.md §10, decisions 4-5): the Korean label
for `emotion`, English keys with fractions for `emotions`."""

from __future__ import annotations

from gridam.emotion.v2 import emotion_service_pb2 as pb
from gridam_domain.emotions import EMOTIONS
from gridam_runtime.emotions import from_proto

# "HAPPY" -> "행복", in the proto's order.
KOREAN: dict[str, str] = {e.name: e.korean for e in EMOTIONS}


def key(emotion: int) -> str:
    """English key of a gridam.common.v1 Emotion ("HAPPY")."""
    return from_proto(emotion).name


def label(emotion: int) -> str:
    """Korean label of a gridam.common.v1 Emotion ("행복")."""
    return from_proto(emotion).korean


def risk_level(analysis: pb.Analysis) -> str:
    """The analysis' risk level in the web API: "none", "concern" or "urgent"."""
    if analysis.risk_level == pb.RISK_LEVEL_UNSPECIFIED:  # an emotion service from before risk levels, mid-upgrade
        return "urgent" if analysis.safety_flag else "none"
    return pb.RiskLevel.Name(analysis.risk_level).removeprefix("RISK_LEVEL_").lower()


def analysis_result(analysis: pb.Analysis) -> dict[str, object]:
    return {
        "emotion": label(analysis.dominant),
        "emotions": [{key(score.emotion): score.fraction for score in analysis.distribution}],
        "hashtags": [{"tagName": tag} for tag in analysis.hashtags],
        "feedback": analysis.feedback,
        # When set, the feedback carries crisis resources and no card image is drawn from the text.
        "safetyFlag": analysis.safety_flag,
        # "none", "concern" (distress worth a gentle check-in) or "urgent" (= safetyFlag).
        "riskLevel": risk_level(analysis),
        "language": analysis.language,
    }
