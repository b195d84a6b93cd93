"""The offline classifier on diary text and on GoEmotions: held-out scores, the gate, the loaders."""

from __future__ import annotations

import json
import pathlib

import pytest

from emotion_service.domain.analysis.diaries import load_diaries
from emotion_service.domain.analysis.emotions import Emotion
from emotion_service.domain.analysis.evaluate import evaluate_diaries, evaluate_goemotions
from emotion_service.domain.analysis.goemotions import TO_EMOTION, load_goemotions
from emotion_service.domain.analysis.ngram_model import word_ngrams
from emotion_service.domain.analysis.offline import OfflineClassifier, load_blend

DATA = pathlib.Path(__file__).resolve().parents[3] / "data"


@pytest.fixture(scope="module")
def clf() -> OfflineClassifier:
    return OfflineClassifier()


@pytest.mark.parametrize(("name", "floor"), [("test-ko.jsonl", 0.80), ("test-en.jsonl", 0.75)])
@pytest.mark.quality
def test_held_out_diaries_meet_the_targets(clf, name, floor):
    (scores,) = evaluate_diaries([DATA / "diaries" / name], clf)
    report = "\n".join(scores.lines())
    assert scores.top1 >= floor, report
    assert scores.recall(Emotion.NONE) >= 0.7, report
    assert scores.kind("implicit") >= 0.65, report


@pytest.mark.quality
def test_goemotions_dev_at_the_ekman_level(clf):
    scores = evaluate_goemotions(str(DATA / "goemotions" / "dev.tsv"), clf)
    assert scores.n == 5426
    assert scores.top1 >= 0.62 and scores.macro_f1 >= 0.48, scores.lines()


def test_the_gate_sends_diaries_to_the_diary_model_and_comments_to_the_comment_model():
    for language, comments in (("ko", [line.split("\t")[1] for line in
                                       (DATA / "kote" / "val.tsv").read_text(encoding="utf-8").splitlines()[:1000]]),
                               ("en", [r.text for r in load_goemotions(DATA / "goemotions" / "dev.tsv")[:1000]])):
        blend = load_blend(language)
        diaries = [e.text for e in load_diaries([DATA / "diaries" / f"test-{language}.jsonl"])]
        assert blend.is_diary(diaries).mean() >= 0.9
        assert blend.is_diary(comments).mean() <= 0.1


def test_negated_words_are_marked_within_their_clause():
    assert "w:~happy" in word_ngrams("I was not happy, but fine.")
    assert "w:~fine" not in word_ngrams("I was not happy, but fine.")
    assert "w:~cry" in word_ngrams("I didn't cry")


def test_every_goemotions_label_has_an_emotion():
    labels = (DATA / "goemotions" / "labels.txt").read_text(encoding="utf-8").split()
    assert sorted(labels) == sorted(TO_EMOTION)


def test_loaders_name_the_bad_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "x", "lang": "ko", "emotion": "CALM", "kind": "explicit", "text": "t"}) + "\n",
                   encoding="utf-8")
    with pytest.raises(ValueError, match="bad.jsonl:1"):
        load_diaries([bad])
    tsv = tmp_path / "dev.tsv"
    (tmp_path / "labels.txt").write_text("joy\nneutral\n", encoding="utf-8")
    tsv.write_text("fine\t0\tid1\nbroken line\n", encoding="utf-8")
    with pytest.raises(ValueError, match="dev.tsv:2"):
        load_goemotions(tsv)
