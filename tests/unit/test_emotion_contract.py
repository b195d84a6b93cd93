"""The one emotion type between services (gridam.common.v1) and the domain's, mapped in one
place (gridam_runtime.emotions); and the v1 enum it replaces, the same on the wire."""

from __future__ import annotations

import pytest

from gridam.common.v1 import emotion_pb2 as common
from gridam.emotion.v1 import emotion_service_pb2 as emotion_v1
from gridam_domain.emotions import EMOTIONS, Emotion
from gridam_runtime import emotions


def test_every_emotion_maps_both_ways_by_name():
    for emotion in EMOTIONS:
        number = emotions.to_proto(emotion)
        assert common.Emotion.Name(number) == f"EMOTION_{emotion.name}"
        assert emotions.from_proto(number) is emotion
    assert set(common.Emotion.values()) == {common.EMOTION_UNSPECIFIED, *map(emotions.to_proto, EMOTIONS)}


def test_the_v1_enum_has_the_same_names_and_numbers():
    """What lets the v1 servicers read v1's messages as v2's (gridam_runtime.versions.recast)."""
    assert dict(emotion_v1.Emotion.items()) == dict(common.Emotion.items())


@pytest.mark.parametrize("number", [common.EMOTION_UNSPECIFIED, 10, -1])
def test_no_emotion_is_refused(number):
    with pytest.raises(emotions.InvalidEmotion):
        emotions.from_proto(number)


def test_shares_keep_the_emotions_order_and_refuse_one_given_twice():
    shares = emotions.shares_to_proto({Emotion.SAD: 0.25, Emotion.HAPPY: 0.75})
    assert [(s.emotion, s.fraction) for s in shares] == [(common.EMOTION_HAPPY, 0.75), (common.EMOTION_SAD, 0.25)]
    assert emotions.shares_from_proto(shares) == {Emotion.HAPPY: 0.75, Emotion.SAD: 0.25}
    with pytest.raises(emotions.InvalidEmotion):
        emotions.shares_from_proto([*shares, common.EmotionShare(emotion=common.EMOTION_SAD, fraction=0.0)])
