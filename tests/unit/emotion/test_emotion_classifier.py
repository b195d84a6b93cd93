"""Offline classifier: distributions, clear Korean/English cases, the model artifact, scoring."""

from __future__ import annotations

import math
import pathlib

import numpy as np
import pytest

from emotion_service.domain.analysis.emotions import EMOTIONS, Emotion
from emotion_service.domain.analysis.factory import CLASSIFIERS, build_classifier
from emotion_service.domain.analysis.kote import KoteRow, emotion_counts, load_kote, score
from emotion_service.domain.analysis.ngram_model import NgramModel, fit_ridge
from emotion_service.domain.analysis.offline import DEFAULT_MODEL_PATH, OfflineClassifier
from emotion_service.domain.analysis.text import detect_language, josa

KOTE_VAL = pathlib.Path(__file__).resolve().parents[3] / "data" / "kote" / "val.tsv"


@pytest.fixture(scope="module")
def clf() -> OfflineClassifier:
    return OfflineClassifier()


KOREAN_CLEAR = [
    ("오늘 친구들과 한강에서 치킨을 먹었다. 정말 행복한 하루였다.", Emotion.HAPPY),
    ("시험에 떨어져서 너무 슬펐다. 집에 와서 혼자 울었다.", Emotion.SAD),
    ("팀장님이 또 내 탓을 해서 너무 화가 났다. 진짜 짜증난다.", Emotion.ANGRY),
    ("내일 면접이 있어서 걱정되고 불안하다. 잠이 안 온다.", Emotion.ANXIOUS),
    ("드디어 합격 소식을 들었다! 너무 기쁘고 신난다.", Emotion.JOY),
    ("밤에 혼자 골목길을 걷는데 누가 따라오는 것 같아서 너무 무서웠다.", Emotion.FEAR),
    ("길에서 10년 만에 초등학교 친구를 만나서 깜짝 놀랐다.", Emotion.SURPRISE),
]
ENGLISH_CLEAR = [
    ("I had such a happy day at the beach with my family.", Emotion.HAPPY),
    ("I was so sad and tired today. I miss my grandma.", Emotion.SAD),
    ("My boss yelled at me again and I am so angry.", Emotion.ANGRY),
    ("I am really worried and nervous about the exam tomorrow.", Emotion.ANXIOUS),
    ("The storm last night was terrifying, I was scared.", Emotion.FEAR),
    ("I got the concert tickets and I'm so excited, it was so much fun!", Emotion.JOY),
    ("I went to work and had lunch. Then I read a book.", Emotion.NONE),
]


def test_every_distribution_sums_to_one_and_dominant_is_its_max(clf):
    texts = [t for t, _ in KOREAN_CLEAR + ENGLISH_CLEAR] + ["", "ㅋㅋㅋ", "12345", "a"]
    for dist in clf.classify(texts):
        assert math.isclose(sum(dist.values()), 1.0, abs_tol=1e-3)
        assert all(0.0 <= v <= 1.0 for v in dist.values())
        assert dist[dist.dominant] == max(dist.values())
        assert set(dist.by_name()) == {e.name for e in EMOTIONS}


@pytest.mark.parametrize(("text", "expected"), KOREAN_CLEAR)
def test_clear_korean_diaries(clf, text, expected):
    assert clf.classify([text])[0].dominant is expected


@pytest.mark.parametrize(("text", "expected"), ENGLISH_CLEAR)
def test_clear_english_diaries(clf, text, expected):
    assert clf.classify([text])[0].dominant is expected


def test_english_negation_turns_happy_away(clf):
    happy = clf.classify(["I was happy with the meeting today."])[0]
    negated = clf.classify(["I was not happy with the meeting today."])[0]
    assert happy.dominant is Emotion.HAPPY
    assert negated.dominant is not Emotion.HAPPY
    assert negated[Emotion.HAPPY] < happy[Emotion.HAPPY]


def test_batch_answers_match_one_by_one_and_keep_order(clf):
    texts = [t for t, _ in KOREAN_CLEAR + ENGLISH_CLEAR]
    batched = clf.classify(texts)
    assert [d.by_name() for d in batched] == [clf.classify([t])[0].by_name() for t in texts]


def test_language_detection():
    assert detect_language("오늘은 친구랑 카페에 갔다") == "ko"
    assert detect_language("오늘 Starbucks에서 latte를 마셨다") == "ko"
    assert detect_language("Today I went to the park") == "en"
    assert detect_language("!!! 123") == "ko"


def test_josa_follows_the_final_consonant():
    assert josa("친구", "이/가") == "친구가"
    assert josa("시험", "이/가") == "시험이"
    assert josa("고양이", "을/를") == "고양이를"
    assert josa("회사", "으로/로") == "회사로"
    assert josa("교실", "으로/로") == "교실로"
    assert josa("공원", "으로/로") == "공원으로"


def test_factory_builds_offline_and_rejects_unknown_names():
    assert build_classifier("offline").name == "offline"
    assert "transformers" in CLASSIFIERS  # registered lazily: no torch import here
    with pytest.raises(ValueError, match="unknown classifier"):
        build_classifier("nope")


def test_shipped_artifacts_are_small_licensed_and_say_their_source():
    folder = DEFAULT_MODEL_PATH.parent
    sources = {"offline-ko.npz": "KOTE", "offline-en.npz": "GoEmotions", "offline-ko-diary.npz": "diary set",
               "offline-en-diary.npz": "diary set", "offline-ko-gate.npz": "diary entries vs",
               "offline-en-gate.npz": "diary entries vs"}
    for name, source in sources.items():
        assert (folder / name).stat().st_size < 5_000_000
        assert source in NgramModel.load(folder / name).meta["source"]
    assert "MIT License" in (folder / "LICENSE-KOTE").read_text(encoding="utf-8")
    assert "Apache License" in (folder / "LICENSE-GoEmotions").read_text(encoding="utf-8")
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "KOTE" in readme and "GoEmotions" in readme


def test_fit_ridge_learns_a_toy_problem_and_survives_save_load(tmp_path):
    pos = ["정말 좋아요 최고", "좋아요 행복해요", "최고 좋아요", "행복해요 정말"] * 3
    neg = ["정말 싫어요 최악", "싫어요 짜증나요", "최악 싫어요", "짜증나요 정말"] * 3
    texts = pos + neg
    y = np.array([[1.0, 0.0]] * len(pos) + [[0.0, 1.0]] * len(neg))
    model = fit_ridge(texts, y, alpha=0.1, min_df=1)
    pred = model.predict(["좋아요 최고", "싫어요 최악", "행복해요", "짜증나요"])
    assert list(pred.argmax(axis=1)) == [0, 1, 0, 1]
    path = tmp_path / "toy.npz"
    model.save(path)
    again = NgramModel.load(path).predict(["좋아요 최고", "싫어요 최악"])
    np.testing.assert_allclose(again, pred[:2], atol=0.02)  # float16 storage


def test_kote_scoring_recipe_by_hand():
    rows = [
        KoteRow("1", "a", (40, 42, 1)),   # HAPPY 2 (40, 1), JOY 1 (42) -> top {HAPPY}
        KoteRow("2", "b", (0, 5)),        # ANGRY 1, SAD 1 -> top {ANGRY, SAD} (tie)
        KoteRow("3", "c", (18, 41, 24)),  # FEAR 1, ANXIOUS 1, NONE 1 -> top all three
        KoteRow("4", "d", (6, 22, 2)),    # ANGRY 2, JOY 1 -> top {ANGRY}
    ]
    counts = emotion_counts(rows)
    predicted = [Emotion.HAPPY, Emotion.SAD, Emotion.JOY, Emotion.JOY]
    s = score(counts, predicted)
    assert s.strict_top1 == pytest.approx(2 / 4)   # rows 1, 2
    assert s.lenient_top1 == pytest.approx(3 / 4)  # rows 1, 2, 4 (JOY touched); row 3 not
    assert s.majority_emotion is Emotion.ANGRY and s.majority_top1 == pytest.approx(2 / 4)
    # per-emotion F1: HAPPY 1.0, SAD 1.0, JOY 0 (2 predicted, none true), ANGRY 0, FEAR 0,
    # ANXIOUS 0, NONE 0 -> mean over the 7 emotions present = 2/7
    assert s.strict_macro_f1 == pytest.approx(2 / 7)


@pytest.mark.quality
def test_kote_cross_validated_beats_the_majority_baseline_clearly():
    from emotion_service.domain.analysis.evaluate import evaluate

    rows = load_kote(KOTE_VAL)
    assert len(rows) == 5000
    s = evaluate(str(KOTE_VAL), folds=3)
    assert s.strict_top1 >= s.majority_top1 + 0.15
    assert s.lenient_top1 > s.strict_top1
