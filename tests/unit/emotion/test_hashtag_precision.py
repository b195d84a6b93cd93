"""Hashtags people accept (issue 17): the hashtags of hand-marked entries (data/diaries/) scored
against the hashtags a person marked as acceptable on them (`hashtags_ok`)."""

from __future__ import annotations

import pathlib

import pytest

from emotion_service.domain.analysis.evaluate import evaluate_hashtags

DIARIES = pathlib.Path(__file__).resolve().parents[3] / "data" / "diaries"


@pytest.mark.quality
@pytest.mark.parametrize(("name", "entries", "floor"), [
    # The target, on the 100 + 100 marked entries of the diary test parts.
    ("test-ko", 100, 0.90), ("test-en", 100, 0.90),
    # The check set, marked blind and scored before any tuning at 0.875 / 0.848: a guard that
    # changes do not lose what generalises.
    ("hashtags-ko", 80, 0.85), ("hashtags-en", 80, 0.85),
])
def test_hashtags_are_what_a_person_would_tag(name, entries, floor):
    (scores,) = evaluate_hashtags([str(DIARIES / f"{name}.jsonl")])
    assert scores.entries == entries and scores.produced >= 2 * entries
    assert scores.precision >= floor, "\n".join(scores.lines())
