"""`riskLevel` in the web API's analysis: the emotion service's level, lower-case; from an
emotion service of the version before risk levels (no level sent, mid-upgrade), derived from
the safety flag, so a client never sees a value outside "none", "concern" and "urgent"."""

from __future__ import annotations

import pytest

from gridam.common.v1 import emotion_pb2 as common_pb
from gridam.emotion.v2 import emotion_service_pb2 as pb
from gridam_gateway.emotions import analysis_result


@pytest.mark.parametrize(
    ("level", "flagged", "shown"),
    [
        (pb.RISK_LEVEL_NONE, False, "none"),
        (pb.RISK_LEVEL_CONCERN, False, "concern"),
        (pb.RISK_LEVEL_URGENT, True, "urgent"),
        (pb.RISK_LEVEL_UNSPECIFIED, True, "urgent"),
        (pb.RISK_LEVEL_UNSPECIFIED, False, "none"),
    ],
)
def test_the_risk_level_shown(level, flagged, shown):
    analysis = pb.Analysis(dominant=common_pb.EMOTION_SAD, safety_flag=flagged, risk_level=level, language="ko")
    result = analysis_result(analysis)
    assert (result["riskLevel"], result["safetyFlag"]) == (shown, flagged)
