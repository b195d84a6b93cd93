"""TransformersClassifier on tiny models built in the test: no downloads, CPU only.

The checkpoints are written with save_pretrained() and opened through the production class,
so the real AutoTokenizer/AutoModelForSequenceClassification loading path is exercised.
They need the `ml` extra (torch, transformers), which `make test` installs: without it they
fail rather than skip, so a missing install step cannot pass silently.
"""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap

import pytest

# Set before the imports below load transformers, which reads them once (hence E402).
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from emotion_service.domain.analysis.emotions import EMOTIONS, Distribution, Emotion  # noqa: E402
from emotion_service.domain.analysis.transformers_classifier import TransformersClassifier, load_label_map, parse_label_map  # noqa: E402

# KOTE-style label names, in id order; 절망 is deliberately left out of the map.
LABELS = ("기쁨", "행복", "슬픔", "화남/분노", "짜증", "없음", "절망")
LABEL_MAP = {
    "기쁨": "JOY",
    "행복": "HAPPY",
    "슬픔": "SAD",
    "화남/분노": "ANGRY",
    "짜증": "ANGRY",  # two labels onto one emotion: summed
    "없음": "NONE",
}
TEXTS = (
    "오늘 정말 행복한 하루였다",
    "너무 슬프고 눈물이 났다",
    "회사에서 화가 나고 짜증이 난다",
    "그냥 평범한 하루",
    "친구와 맛있는 저녁을 먹었다 기분이 좋다",
)
# A text far over the tiny model's 64 positions (and over 512 tokens).
LONG_BASE = "오늘 정말 행복한 하루였다 " * 120
VOCAB_TEXTS = (*TEXTS, *LABELS, "절망")

PROB_TOL = 1e-5  # same inputs, different batch padding: float32 noise only
DIST_TOL = 2e-3  # Distribution rounds to 4 places


def _tiny(tmp_path_factory, name: str, **kwargs):
    from tests.support.tiny_models import write_tiny_classifier

    return str(write_tiny_classifier(tmp_path_factory.mktemp(name), LABELS, VOCAB_TEXTS, **kwargs))


@pytest.fixture(scope="module")
def multi_label_dir(tmp_path_factory):
    return _tiny(tmp_path_factory, "electra-multi", arch="electra", multi_label=True)


@pytest.fixture(scope="module")
def single_label_dir(tmp_path_factory):
    return _tiny(tmp_path_factory, "bert-single", arch="bert", multi_label=False, seed=1)


@pytest.fixture(scope="module")
def multi_label_clf(multi_label_dir):
    return TransformersClassifier(multi_label_dir, LABEL_MAP, batch_size=4)


def _raw_logits(model_dir: str, texts, max_length: int = 64):
    """Logits straight from transformers, bypassing the production class."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(model_dir, local_files_only=True).eval()
    rows = []
    with torch.inference_mode():
        for text in texts:  # one by one: no padding at all
            enc = tok([text], truncation=True, max_length=max_length, return_tensors="pt")
            rows.append(model(**enc).logits[0].tolist())
    return rows


def _expected_distribution(probs: dict[str, float], *, unmapped: str = "drop", aggregate: str = "sum"):
    scores = dict.fromkeys(EMOTIONS, 0.0)
    for label, p in probs.items():
        target = LABEL_MAP.get(label)
        if target is None:
            if unmapped == "none":
                scores[Emotion.NONE] += p
            continue
        emotion = Emotion[target]
        scores[emotion] = scores[emotion] + p if aggregate == "sum" else max(scores[emotion], p)
    total = sum(scores.values())
    return {e.name: s / total for e, s in scores.items()}


def _assert_close(actual: dict[str, float], expected: dict[str, float], tol: float) -> None:
    assert actual.keys() == expected.keys()
    for key in actual:
        assert math.isclose(actual[key], expected[key], abs_tol=tol), (key, actual, expected)


# -- shapes, sums, the protocol ------------------------------------------------------------------


def test_one_distribution_per_text_each_summing_to_one(multi_label_clf):
    result = multi_label_clf.classify(list(TEXTS))

    assert multi_label_clf.name == "transformers"
    assert len(result) == len(TEXTS)
    for dist in result:
        assert isinstance(dist, Distribution)
        assert list(dist) == list(EMOTIONS)
        assert math.isclose(sum(dist.values()), 1.0, abs_tol=1e-3)
        assert all(0.0 <= v <= 1.0 for v in dist.values())
        # Nothing maps to these, so with unmapped="drop" they get nothing.
        for emotion in (Emotion.ANXIOUS, Emotion.SURPRISE, Emotion.DISGUST, Emotion.FEAR):
            assert dist[emotion] == 0.0


def test_empty_input_returns_empty_list(multi_label_clf):
    assert multi_label_clf.classify([]) == []
    assert multi_label_clf.label_probabilities([]) == []


def test_a_bare_string_is_rejected_not_split_into_characters(multi_label_clf):
    with pytest.raises(TypeError, match="sequence of texts"):
        multi_label_clf.classify("오늘 정말 행복한 하루였다")


# -- label mapping ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dominant_label", "expected"),
    [("기쁨", Emotion.JOY), ("행복", Emotion.HAPPY), ("짜증", Emotion.ANGRY), ("없음", Emotion.NONE)],
)
def test_the_mapped_emotion_of_a_dominant_label_dominates(tmp_path_factory, dominant_label, expected):
    model_dir = _tiny(tmp_path_factory, "dominant", dominant_label=dominant_label)
    clf = TransformersClassifier(model_dir, LABEL_MAP)

    probs = clf.label_probabilities(["오늘 정말 행복한 하루였다"])[0]
    assert max(probs, key=probs.get) == dominant_label  # the crafted head works
    for dist in clf.classify(list(TEXTS)):
        assert dist.dominant is expected
        assert dist[expected] > 0.99


def test_probabilities_of_labels_sharing_an_emotion_are_summed(multi_label_clf):
    probs = multi_label_clf.label_probabilities(list(TEXTS))
    dists = multi_label_clf.classify(list(TEXTS))

    for p, dist in zip(probs, dists, strict=True):
        total = sum(p[label] for label in LABEL_MAP)  # 절망 is dropped
        assert math.isclose(dist[Emotion.ANGRY], (p["화남/분노"] + p["짜증"]) / total, abs_tol=DIST_TOL)
        assert math.isclose(dist[Emotion.SAD], p["슬픔"] / total, abs_tol=DIST_TOL)
        _assert_close(dist.by_name(), _expected_distribution(p), DIST_TOL)


def test_max_aggregation_takes_the_strongest_label(multi_label_dir):
    clf = TransformersClassifier(multi_label_dir, LABEL_MAP, aggregate="max")
    for p, dist in zip(clf.label_probabilities(list(TEXTS)), clf.classify(list(TEXTS)), strict=True):
        _assert_close(dist.by_name(), _expected_distribution(p, aggregate="max"), DIST_TOL)


def test_unmapped_mass_is_dropped_or_given_to_none(tmp_path_factory):
    # 절망 (not in the map) wins everywhere.
    model_dir = _tiny(tmp_path_factory, "unmapped", dominant_label="절망")

    dropped = TransformersClassifier(model_dir, LABEL_MAP, unmapped="drop").classify(list(TEXTS))
    to_none = TransformersClassifier(model_dir, LABEL_MAP, unmapped="none").classify(list(TEXTS))

    for dist in dropped:
        # Only the (equal, tiny) mapped labels remain, renormalised: ANGRY has two of six.
        assert dist[Emotion.NONE] < 0.2
        assert math.isclose(dist[Emotion.ANGRY], 2 / 6, abs_tol=DIST_TOL)
        assert math.isclose(dist[Emotion.JOY], 1 / 6, abs_tol=DIST_TOL)
    for dist in to_none:
        assert dist.dominant is Emotion.NONE
        assert dist[Emotion.NONE] > 0.99


def test_korean_emotion_names_and_null_entries_are_accepted(multi_label_dir):
    korean = {
        "기쁨": "기쁨",
        "행복": "행복",
        "슬픔": "슬픔",
        "화남/분노": "화남",
        "짜증": "angry",  # the English key, any case
        "없음": "없음",
        "절망": None,  # explicitly ignored
    }
    a = TransformersClassifier(multi_label_dir, korean).classify(list(TEXTS))
    b = TransformersClassifier(multi_label_dir, LABEL_MAP).classify(list(TEXTS))
    assert [d.by_name() for d in a] == [d.by_name() for d in b]


# -- sigmoid vs softmax ------------------------------------------------------------------------------


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _softmax(xs: list[float]) -> list[float]:
    m = max(xs)
    exps = [math.exp(x - m) for x in xs]
    return [e / sum(exps) for e in exps]


def test_multi_label_config_uses_sigmoid(multi_label_clf, multi_label_dir):
    assert multi_label_clf.multi_label is True
    logits = _raw_logits(multi_label_dir, TEXTS)
    for row, probs in zip(logits, multi_label_clf.label_probabilities(list(TEXTS)), strict=True):
        expected = [_sigmoid(x) for x in row]
        assert [probs[label] for label in LABELS] == pytest.approx(expected, abs=PROB_TOL)
        assert not math.isclose(sum(probs.values()), 1.0, abs_tol=0.1)  # independent sigmoids, not a distribution


def test_single_label_config_uses_softmax(single_label_dir):
    clf = TransformersClassifier(single_label_dir, LABEL_MAP)
    assert clf.multi_label is False
    logits = _raw_logits(single_label_dir, TEXTS)
    for row, probs in zip(logits, clf.label_probabilities(list(TEXTS)), strict=True):
        assert [probs[label] for label in LABELS] == pytest.approx(_softmax(row), abs=PROB_TOL)
        assert math.isclose(sum(probs.values()), 1.0, abs_tol=1e-5)


@pytest.mark.parametrize("multi_label", [True, False])
def test_explicit_option_overrides_the_config(multi_label_dir, single_label_dir, multi_label):
    model_dir = single_label_dir if multi_label else multi_label_dir
    clf = TransformersClassifier(model_dir, LABEL_MAP, multi_label=multi_label)
    assert clf.multi_label is multi_label
    logits = _raw_logits(model_dir, TEXTS[:2])
    for row, probs in zip(logits, clf.label_probabilities(list(TEXTS[:2])), strict=True):
        expected = [_sigmoid(x) for x in row] if multi_label else _softmax(row)
        assert [probs[label] for label in LABELS] == pytest.approx(expected, abs=PROB_TOL)


# -- batching and truncation ---------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["multi", "single"])
def test_batching_matches_one_by_one_in_input_order(multi_label_dir, single_label_dir, model):
    model_dir = multi_label_dir if model == "multi" else single_label_dir
    texts = [*TEXTS, LONG_BASE, TEXTS[0]]  # varied lengths: padding inside every batch
    batched = TransformersClassifier(model_dir, LABEL_MAP, batch_size=3)
    single = TransformersClassifier(model_dir, LABEL_MAP, batch_size=1)

    together = batched.label_probabilities(texts)
    alone = [single.label_probabilities([t])[0] for t in texts]
    for a, b in zip(together, alone, strict=True):
        assert [a[label] for label in LABELS] == pytest.approx([b[label] for label in LABELS], abs=PROB_TOL)
    # The texts really differ, so a shuffled order would have been caught...
    assert max(abs(together[0][lbl] - together[1][lbl]) for lbl in LABELS) > 100 * PROB_TOL
    # ...and duplicates agree wherever they sit.
    assert together[-1] == pytest.approx(together[0], abs=PROB_TOL)

    for a, b in zip(batched.classify(texts), single.classify(texts), strict=True):
        _assert_close(a.by_name(), b.by_name(), DIST_TOL)


def test_texts_longer_than_the_model_limit_are_truncated(multi_label_clf):
    # The tiny model has 64 position embeddings and its tokenizer sets no limit.
    assert multi_label_clf.max_length == 64
    a = LONG_BASE + "너무 슬프고 눈물이 났다"
    b = LONG_BASE + "회사에서 화가 나고 짜증이 난다"

    pa, pb = multi_label_clf.label_probabilities([a, b])
    assert pa == pytest.approx(pb, abs=PROB_TOL)  # the differing tails were cut off
    assert len(multi_label_clf.classify([a])) == 1


def test_max_length_option_truncates_earlier(multi_label_dir):
    short = TransformersClassifier(multi_label_dir, LABEL_MAP, max_length=6)
    full = TransformersClassifier(multi_label_dir, LABEL_MAP, max_length=512)
    assert short.max_length == 6
    assert full.max_length == 64  # capped by the model, not by the option
    # Same first four word pieces ([CLS] 오 ##늘 정 ##말 [SEP]), different endings.
    a, b = "오늘 정말 행복한 하루였다", "오늘 정말 슬프고 눈물이 났다"
    sa, sb = short.label_probabilities([a, b])
    fa, fb = full.label_probabilities([a, b])
    assert sa == pytest.approx(sb, abs=PROB_TOL)
    assert max(abs(fa[lbl] - fb[lbl]) for lbl in LABELS) > 100 * PROB_TOL


def test_the_tokenizer_limit_also_caps_max_length(tmp_path_factory):
    model_dir = _tiny(tmp_path_factory, "toklimit", model_max_length=10)
    assert TransformersClassifier(model_dir, LABEL_MAP).max_length == 10


# -- configuration errors ----------------------------------------------------------------------------


def test_unknown_emotion_name_is_rejected_before_loading_anything():
    with pytest.raises(ValueError, match=r"'슬픔'.*unknown emotion 'SADNESS'.*HAPPY"):
        TransformersClassifier("/nonexistent/model", {"기쁨": "JOY", "슬픔": "SADNESS"})


@pytest.mark.parametrize("bad", [{}, {"기쁨": None}, {"기쁨": 3}, ["JOY"]])
def test_malformed_label_maps_are_rejected(bad):
    with pytest.raises(ValueError):
        parse_label_map(bad)


def test_label_not_in_the_model_is_rejected(multi_label_dir):
    with pytest.raises(ValueError, match=r"does not have: \['기뿜'\].*model labels"):
        TransformersClassifier(multi_label_dir, {**LABEL_MAP, "기뿜": "JOY"})


@pytest.mark.parametrize(
    "kwargs",
    [{"batch_size": 0}, {"max_length": 0}, {"unmapped": "keep"}, {"aggregate": "mean"}],
)
def test_bad_options_are_rejected(kwargs):
    with pytest.raises(ValueError):
        TransformersClassifier("/nonexistent/model", LABEL_MAP, **kwargs)


def test_missing_local_model_fails_without_downloading(tmp_path):
    with pytest.raises(OSError):
        TransformersClassifier(str(tmp_path / "absent"), LABEL_MAP)


# -- label map files -----------------------------------------------------------------------------------


def test_load_label_map_from_json(tmp_path, multi_label_dir):
    path = tmp_path / "kote.json"
    path.write_text(json.dumps({**LABEL_MAP, "절망": None}, ensure_ascii=False), encoding="utf-8")
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text(
        json.dumps({"model": "tiny", "label_map": LABEL_MAP}, ensure_ascii=False), encoding="utf-8"
    )

    assert load_label_map(path) == {**LABEL_MAP, "절망": None}
    assert load_label_map(wrapped) == LABEL_MAP
    clf = TransformersClassifier(multi_label_dir, load_label_map(path))
    assert clf.label_map == {label: Emotion[name] for label, name in LABEL_MAP.items()}


def test_load_label_map_names_the_file_on_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"기쁨": "JOYFUL"}), encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.json.*unknown emotion 'JOYFUL'"):
        load_label_map(bad)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken\.json: not valid JSON"):
        load_label_map(broken)


# -- without the ml extra ------------------------------------------------------------------------------


def test_module_imports_without_torch_and_explains_the_missing_extra():
    script = textwrap.dedent(
        """
        import sys
        sys.modules["torch"] = None          # make `import torch` fail as if not installed
        sys.modules["transformers"] = None
        from emotion_service.domain.analysis import transformers_classifier as tc
        try:
            tc.TransformersClassifier("some/model", {"기쁨": "JOY"})
        except tc.MissingMlExtraError as exc:
            assert isinstance(exc, ImportError)
            print("MESSAGE:", exc)
        else:
            raise SystemExit("no error")
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "'ml' extra" in done.stdout
    assert "pip install -e '.[ml]'" in done.stdout

