"""Hashtags people accept (issue 17): the hashtags of 100 Korean and 100 English test entries,
scored against the hashtags marked by hand on them (data/diaries/, `hashtags_ok`)."""

from __future__ import annotations

import pathlib

import pytest

from emotion_service.analysis.evaluate import evaluate_hashtags

#: Share of the produced hashtags that a person marked as acceptable: the issue's target.
PRECISION_FLOOR = 0.90

DIARIES = pathlib.Path(__file__).resolve().parents[3] / "data" / "diaries"


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.quality
def test_hashtags_are_what_a_person_would_tag(language):
    (scores,) = evaluate_hashtags([str(DIARIES / f"test-{language}.jsonl")])
    assert scores.entries == 100 and scores.produced >= 200
    assert scores.precision >= PRECISION_FLOOR, "\n".join(scores.lines())
