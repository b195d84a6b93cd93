"""The one emotion type between services (gridam.common.v1.Emotion, EmotionShare) and the
domain's (gridam_domain.emotions.Emotion): the only place that maps one onto the other.

Both list the nine emotions under the same names; the proto's numbers are its own. Neither side
spells an emotion as a string: a key such as "HAPPY" is only how the card service stores one and
how the web API shows one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import cast

from gridam.common.v1 import emotion_pb2 as pb
from gridam_domain.emotions import EMOTIONS, Emotion

__all__ = ["InvalidEmotion", "from_proto", "shares_from_proto", "shares_to_proto", "to_proto"]

# Built from the names, so an emotion added to one side only fails at import, not on a call.
# (Value() is typed as returning an int; it is the enum's value.)
_TO_PROTO: dict[Emotion, pb.Emotion] = {e: cast(pb.Emotion, pb.Emotion.Value(f"EMOTION_{e.name}")) for e in EMOTIONS}
_FROM_PROTO: dict[int, Emotion] = {number: e for e, number in _TO_PROTO.items()}


class InvalidEmotion(ValueError):
    """EMOTION_UNSPECIFIED, a number this build does not know (a newer caller's), or an emotion
    given twice among shares."""


def to_proto(emotion: Emotion) -> pb.Emotion:
    return _TO_PROTO[emotion]


def from_proto(value: int) -> Emotion:
    """The domain emotion of a proto one; InvalidEmotion for EMOTION_UNSPECIFIED or an unknown number."""
    try:
        return _FROM_PROTO[value]
    except KeyError:
        raise InvalidEmotion(f"not one of the nine emotions: {value}") from None


def shares_to_proto(shares: Mapping[Emotion, float]) -> list[pb.EmotionShare]:
    """EmotionShares in the order of the emotions (the proto's)."""
    return [pb.EmotionShare(emotion=_TO_PROTO[e], fraction=shares[e]) for e in EMOTIONS if e in shares]


def shares_from_proto(shares: Iterable[pb.EmotionShare]) -> dict[Emotion, float]:
    """Emotion -> fraction; InvalidEmotion when one is not an emotion or comes twice."""
    found: dict[Emotion, float] = {}
    for share in shares:
        emotion = from_proto(share.emotion)
        if emotion in found:
            raise InvalidEmotion(f"{emotion.name} given twice")
        found[emotion] = share.fraction
    return found
