"""A card's proto built from a stored row: its emotions, stored by name, are the ones
gridam_runtime.emotions maps them to, the distribution in the proto's order of the emotions."""

from __future__ import annotations

import datetime

from card_service.adapters.reads import CardRow
from card_service.servicer import card_message
from gridam_domain.emotions import EMOTIONS, Emotion
from gridam_runtime.emotions import shares_to_proto, to_proto


def test_the_emotions_of_a_card_are_mapped_as_everywhere_else():
    # Stored in another order than the emotions', and not all of them.
    stored = {e.name: round(0.01 * n, 2) for n, e in reversed(list(enumerate(EMOTIONS))) if n % 3}
    for dominant in EMOTIONS:
        row = CardRow(1, 2, 1, 7, datetime.date(2026, 12, 6), "cards/7/1.png", dominant.name, stored, ["산책"], "좋은 하루",
                      False, datetime.datetime(2026, 12, 6, 9, 30, 1, 250_000))
        message = card_message(row)
        assert message.dominant == to_proto(dominant)
        assert list(message.distribution) == shares_to_proto({Emotion[name]: share for name, share in stored.items()})
        assert (message.created_at.seconds, message.created_at.nanos) == (1796549401, 250_000_000)
