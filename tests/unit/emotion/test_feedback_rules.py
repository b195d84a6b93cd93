"""Feedback that never misfires: the rules over the whole diary test parts, and the checker itself."""

from __future__ import annotations

import pathlib
from collections import defaultdict

import pytest

from emotion_service.domain.analysis.analyser import DiaryAnalyser
from emotion_service.domain.analysis.diaries import load_diaries
from emotion_service.domain.analysis.emotions import Emotion
from emotion_service.domain.analysis.factory import build_classifier
from emotion_service.domain.analysis.feedback_check import feedback_problems

DIARIES = pathlib.Path(__file__).resolve().parents[3] / "data" / "diaries"


@pytest.fixture(scope="module")
def analyser() -> DiaryAnalyser:
    return DiaryAnalyser(build_classifier("offline"))


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.quality
def test_every_line_on_the_test_part_keeps_the_rules_and_lines_vary(analyser, language):
    entries = load_diaries([DIARIES / f"test-{language}.jsonl"])
    results = analyser.analyse([e.text for e in entries])
    problems = [(e.id, r.feedback, p) for e, r in zip(entries, results, strict=True)
                if (p := feedback_problems(e.text, r.language, r.dominant, r.feedback, r.hashtags))]
    assert problems == []
    lines: dict[Emotion, set[str]] = defaultdict(set)
    counts: dict[Emotion, int] = defaultdict(int)
    for result in results:
        lines[result.dominant].add(result.feedback)
        counts[result.dominant] += 1
    for emotion, count in counts.items():
        if count >= 10:
            assert len(lines[emotion]) >= 3, f"{emotion.name}: {len(lines[emotion])} distinct lines for {count} diaries"


def test_the_issue_examples_no_longer_blame_or_misread(analyser):
    hospital, thesis = analyser.analyse([
        "엄마가 입원하셨다는 연락을 받고 병원에 다녀왔다. 걱정이 돼서 잠이 안 온다.",
        "I finally finished my thesis today. My advisor said it was excellent and I cried a little on the bus home."])
    assert hospital.dominant is Emotion.ANXIOUS
    assert "엄마" not in hospital.feedback
    assert thesis.dominant in (Emotion.JOY, Emotion.HAPPY)
    assert "sad" not in thesis.feedback.lower()


@pytest.mark.parametrize(("text", "language", "dominant", "line", "keywords", "found"), [
    ("엄마가 입원하셨다. 걱정된다.", "ko", Emotion.ANXIOUS, "'엄마' 일로 마음이 많이 쓰였군요.", ["엄마"], "names"),
    ("팀장님이 소리를 질렀다.", "ko", Emotion.ANGRY, "화가 날 만했어요. 잘하셨어요.", ["팀장님"], "praises"),
    ("My dog died today.", "en", Emotion.SAD, "It makes sense that your dog made you sad.", ["dog"], "names"),
    ("We went to the beach.", "en", Emotion.SAD, "Sad because of the weather, well done.", ["beach"], "cause"),
    ("오늘 1년만에 친구를 만났다.", "ko", Emotion.JOY, "'1년만' 덕분에 즐거운 하루였나 봐요.", ["1년만"], "not a noun"),
    ("오늘 친구를 만났다.", "ko", Emotion.HAPPY, "'가족' 이야기에서 행복한 마음이 전해져요.", ["가족"], "does not say"),
])
def test_the_checker_catches_each_kind_of_misfire(text, language, dominant, line, keywords, found):
    assert any(found in p for p in feedback_problems(text, language, dominant, line, keywords))
