"""Score the offline classifier on KOTE, GoEmotions or the diary set, or the safety check.

    python -m emotion_service.domain.analysis.evaluate --kote data/kote/val.tsv --folds 5
    python -m emotion_service.domain.analysis.evaluate --goemotions data/goemotions/dev.tsv
    python -m emotion_service.domain.analysis.evaluate --diaries data/diaries/test-ko.jsonl data/diaries/test-en.jsonl
    python -m emotion_service.domain.analysis.evaluate --safety [--safety-data data/safety]
    python -m emotion_service.domain.analysis.evaluate --hashtags data/diaries/test-ko.jsonl data/diaries/test-en.jsonl

--folds K (K >= 2): K-fold cross-validation, each row scored by a model fitted on the other
folds only (the honest figure, since the shipped model is fitted on this very file).
--folds 0: score the shipped model as is (in-sample for val.tsv: optimistic).
--goemotions: the shipped classifier on a GoEmotions split, at the Ekman level (goemotions.py).
--diaries: the shipped classifier on diary set files: top-1, recall by emotion, top-1 by kind.
--safety: recall and false alarms per language and per category on the development part
(dev.jsonl, which the rules and the semantic margin were tuned on) and the test part
(test.jsonl, looked at only to report), and every entry scored wrong, by id.
"""
from __future__ import annotations

import argparse
import pathlib
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from emotion_service.domain.analysis.diaries import DiaryScores, HashtagScores, load_diaries, load_marked, score_diaries, score_hashtags
from emotion_service.domain.analysis.emotions import EMOTIONS, Emotion
from emotion_service.domain.analysis.goemotions import EkmanScores, load_goemotions, score_ekman
from emotion_service.domain.analysis.keywords import KeywordExtractor
from emotion_service.domain.analysis.kote import KoteRow, Scores, emotion_counts, load_kote, score
from emotion_service.domain.analysis.ngram_model import fit_ridge
from emotion_service.domain.analysis.offline import KO_LEXICON_WEIGHT, OfflineClassifier, load_blend
from emotion_service.domain.analysis.safety import RiskLevel, SafetyCheck
from emotion_service.domain.analysis.safety.evaluation import Entry, SafetyScores, load_entries, score_safety
from emotion_service.domain.analysis.train import ALPHA, MIN_DF

__all__ = ["cross_validated_predictions", "evaluate", "evaluate_diaries", "evaluate_goemotions",
           "evaluate_safety", "main", "ordinary_diaries"]

#: The crisis set's parts, each scored alone: the development parts (tuned on) and the held-out parts
#: (never tuned on; `test2` to `test4` were written later, by writers who saw neither the detector nor
#: the other parts). A folder needs the first two; the later held-out parts are scored where present.
SAFETY_PARTS = {"dev": "dev*.jsonl", "test": "test.jsonl", "test2": "test2.jsonl", "test3": "test3.jsonl",
                "test4": "test4.jsonl"}
_REQUIRED_SAFETY_PARTS = ("dev", "test")


def _dominants(classifier: OfflineClassifier, texts: Sequence[str]) -> list[Emotion]:
    s = classifier.scores(texts, ["ko"] * len(texts))  # KOTE is Korean: no routing noise
    return [EMOTIONS[int(i)] for i in s.argmax(axis=1)]


def cross_validated_predictions(rows: Sequence[KoteRow], folds: int = 5, *, seed: int = 0,
                                alpha: float = ALPHA, min_df: int = MIN_DF,
                                ko_lexicon_weight: float = KO_LEXICON_WEIGHT,
                                progress: Callable[[str], object] | None = None) -> list[Emotion]:
    """The dominant emotion of every row, each predicted by a model not fitted on it."""
    if folds < 2:
        raise ValueError("folds must be at least 2")
    counts = emotion_counts(rows)
    texts = [r.text for r in rows]
    order = np.random.default_rng(seed).permutation(len(rows))
    predicted: dict[int, Emotion] = {}  # row index -> its prediction
    for k, held_out in enumerate(np.array_split(order, folds), 1):
        train = np.setdiff1d(order, held_out)
        model = fit_ridge([texts[i] for i in train], counts[train], alpha=alpha, min_df=min_df)
        clf = OfflineClassifier({"ko": load_blend("ko", comments=model, ko_lexicon_weight=ko_lexicon_weight)})
        for i, emotion in zip(held_out, _dominants(clf, [texts[i] for i in held_out]), strict=True):
            predicted[int(i)] = emotion
        if progress:
            progress(f"fold {k}/{folds} done")
    return [predicted[i] for i in range(len(rows))]  # the folds hold every row once


def evaluate(path: str, folds: int = 5, *, seed: int = 0, progress: Callable[[str], object] | None = None,
             **options: Any) -> Scores:
    rows = load_kote(path)
    if folds >= 2:
        predicted = cross_validated_predictions(rows, folds, seed=seed, progress=progress, **options)
    else:
        clf = OfflineClassifier({"ko": load_blend("ko", ko_lexicon_weight=options.get("ko_lexicon_weight",
                                                                                    KO_LEXICON_WEIGHT))})
        predicted = _dominants(clf, [r.text for r in rows])
    return score(emotion_counts(rows), predicted)


def evaluate_goemotions(path: str, classifier: OfflineClassifier | None = None) -> EkmanScores:
    rows = load_goemotions(path)
    scores = (classifier or OfflineClassifier()).scores([r.text for r in rows], ["en"] * len(rows))
    return score_ekman(rows, [EMOTIONS[int(i)] for i in scores.argmax(axis=1)])


def evaluate_diaries(paths: Sequence[str], classifier: OfflineClassifier | None = None) -> list[DiaryScores]:
    """One score per file; each entry is scored in its labelled language."""
    classifier = classifier or OfflineClassifier()
    out = []
    for path in paths:
        entries = load_diaries([path])
        scores = classifier.scores([e.text for e in entries], [e.lang for e in entries])
        out.append(score_diaries(entries, [EMOTIONS[int(i)] for i in scores.argmax(axis=1)], str(path)))
    return out


def evaluate_hashtags(paths: Sequence[str]) -> list[HashtagScores]:
    """Hashtag precision per file, on its entries with hashtags marked by hand."""
    extractor = KeywordExtractor()
    out = []
    for path in paths:
        entries = load_marked([path])
        out.append(score_hashtags(entries, [extractor.extract(e.text, e.lang).hashtags for e in entries], str(path)))
    return out


def ordinary_diaries(folder: str) -> list[Entry]:
    """The diary emotion set's test files (no crisis content; the learned safety layer trains on
    its training files) as `none` entries: false alarms on what people write every day."""
    return [Entry(e.id, e.lang, RiskLevel.NONE, "ordinary_diary", "plain", e.text)
            for e in load_diaries(sorted(pathlib.Path(folder).glob("test-*.jsonl")))]


def evaluate_safety(folder: str, check: SafetyCheck | None = None) -> list[SafetyScores]:
    """The development and test parts of the crisis evaluation set in `folder`, scored."""
    check = check or SafetyCheck()
    scores = []
    for part, pattern in SAFETY_PARTS.items():
        files = sorted(pathlib.Path(folder).glob(pattern))
        if not files and part not in _REQUIRED_SAFETY_PARTS:
            continue
        if not files:
            raise FileNotFoundError(f"{folder}/{pattern}: no such file (the crisis evaluation set is data/safety/)")
        entries = [entry for path in files for entry in load_entries(path)]
        scores.append(score_safety(entries, check, f"{part} part ({', '.join(str(f) for f in files)})"))
    return scores


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m emotion_service.domain.analysis.evaluate",
                                     description=__doc__.split("\n\n")[0])
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--kote", help="path to a KOTE split (val.tsv)")
    what.add_argument("--goemotions", help="path to a GoEmotions split (dev.tsv)")
    what.add_argument("--diaries", nargs="+", help="diary set files (data/diaries/test-*.jsonl)")
    what.add_argument("--hashtags", nargs="+", help="diary set files with hashtags marked by hand")
    what.add_argument("--safety", action="store_true", help="score the safety check on the crisis evaluation set")
    parser.add_argument("--safety-data", default="data/safety",
                        help="folder of dev*.jsonl and test.jsonl (and test2.jsonl to test4.jsonl where present)")
    parser.add_argument("--ordinary-diaries", default="data/diaries",
                        help="with --safety: also count false alarms on the diary emotion set's test files")
    parser.add_argument("--no-learned", action="store_true",
                        help="with --safety: leave the learned layer out, to see what it adds")
    parser.add_argument("--no-semantic", action="store_true",
                        help="with --safety: leave the semantic layer out, to see what it adds")
    parser.add_argument("--folds", type=int, default=5,
                        help="K-fold cross-validation (default 5); 0 scores the shipped model in-sample")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--alpha", type=float, default=ALPHA)
    parser.add_argument("--lexicon-weight", type=float, default=KO_LEXICON_WEIGHT)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if args.goemotions:
        print(f"GoEmotions {args.goemotions}: shipped classifier, Ekman level")
        for line in evaluate_goemotions(args.goemotions).lines():
            print("  " + line)
        print(f"  ({time.perf_counter() - start:.1f} s)")
        return 0
    if args.diaries:
        for diary_scores in evaluate_diaries(args.diaries):
            print("\n".join(diary_scores.lines()))
        print(f"  ({time.perf_counter() - start:.1f} s)")
        return 0
    if args.hashtags:
        for hashtag_scores in evaluate_hashtags(args.hashtags):
            print("\n".join(hashtag_scores.lines()))
        return 0
    if args.safety:
        check = SafetyCheck(use_semantic=not args.no_semantic, use_learned=not args.no_learned)
        for safety_scores in evaluate_safety(args.safety_data, check):
            print("\n".join(safety_scores.lines()))
        ordinary = score_safety(ordinary_diaries(args.ordinary_diaries), check,
                                f"ordinary diaries ({args.ordinary_diaries}, no crisis content)")
        print("\n".join(ordinary.lines()))
        print(f"  ({time.perf_counter() - start:.1f} s)")
        return 0
    scores = evaluate(args.kote, args.folds, seed=args.seed, alpha=args.alpha,
                      ko_lexicon_weight=args.lexicon_weight,
                      progress=lambda m: print(m, file=sys.stderr, flush=True))
    how = (f"{args.folds}-fold cross-validated (seed {args.seed})" if args.folds >= 2
           else "shipped model, IN-SAMPLE (it was fitted on this file)")
    print(f"KOTE {args.kote}: offline classifier, {how}")
    for line in scores.lines():
        print("  " + line)
    print(f"  ({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
