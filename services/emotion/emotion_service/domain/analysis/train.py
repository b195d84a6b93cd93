"""Rebuild the offline classifier's models (models/*.npz) from the data in the repository.

    python -m emotion_service.domain.analysis.train --kote data/kote/val.tsv \\
        --goemotions data/goemotions/train.tsv --diaries data/diaries [--out-dir .../models]

Per language three n-gram ridge models (`ngram_model.fit_ridge`, numpy only; ~3 minutes on 2
cores, most of it GoEmotions):
- the comment model: KOTE (`offline-ko.npz`, targets: the number of a row's KOTE labels in each of
  the nine emotions) and GoEmotions train (`offline-en.npz`, same with its 28 labels mapped);
- the diary model (`offline-<lang>-diary.npz`): the diary set's training files
  (`train-*.jsonl`, never `test-*`), one-hot targets;
- the gate (`offline-<lang>-gate.npz`): diary entries 1, comments 0 (all diaries and a seeded
  sample of up to 8,000 comments), read by `blend.DomainBlend`.
Data files are read from the given paths and never copied into the package.
"""
from __future__ import annotations

import argparse
import datetime
import functools
import hashlib
import pathlib
import random
import sys
import time
from collections.abc import Callable, Sequence

import numpy as np

from emotion_service.domain.analysis.diaries import DiaryEntry, load_diaries
from emotion_service.domain.analysis.emotions import EMOTIONS
from emotion_service.domain.analysis.goemotions import emotion_counts as goemotions_counts
from emotion_service.domain.analysis.goemotions import load_goemotions
from emotion_service.domain.analysis.kote import emotion_counts, load_kote
from emotion_service.domain.analysis.ngram_model import NgramModel, fit_ridge

__all__ = ["ALPHA", "FEATURE_SET", "MIN_DF", "main", "train", "train_diary", "train_gate"]

ALPHA = 1.0
MIN_DF = 2
#: Korean reads best by characters (stems across endings), English also needs words.
FEATURE_SET = {"ko": "char", "en": "char+word"}
GATE_COMMENTS = 8000


def _source(path: str | pathlib.Path, rows: int, licence: str) -> str:
    digest = hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()[:16]
    return f"{pathlib.Path(path).name} ({rows} rows, sha256 {digest}...), {licence}"


def train(path: str | pathlib.Path, *, alpha: float = ALPHA, min_df: int = MIN_DF) -> NgramModel:
    """The Korean comment model, from KOTE."""
    rows = load_kote(path)
    model = fit_ridge([r.text for r in rows], emotion_counts(rows), alpha=alpha, min_df=min_df)
    model.meta.update({"source": "KOTE " + _source(path, len(rows), "MIT licence"),
                       "targets": "KOTE label count per GriDam emotion (HAPPY..NONE)"})
    return model


def train_goemotions(path: str | pathlib.Path) -> NgramModel:
    """The English comment model, from GoEmotions train."""
    rows = load_goemotions(path)
    model = fit_ridge([r.text for r in rows], goemotions_counts(rows), alpha=ALPHA, min_df=MIN_DF,
                      feature_set=FEATURE_SET["en"])
    model.meta.update({"source": "GoEmotions " + _source(path, len(rows), "Apache-2.0"),
                       "targets": "GoEmotions label count per GriDam emotion (goemotions.py mapping)"})
    return model


def train_diary(entries: Sequence[DiaryEntry], language: str) -> NgramModel:
    targets = np.zeros((len(entries), len(EMOTIONS)))
    for i, entry in enumerate(entries):
        targets[i, EMOTIONS.index(entry.emotion)] = 1.0
    model = fit_ridge([e.text for e in entries], targets, alpha=ALPHA, min_df=MIN_DF,
                      feature_set=FEATURE_SET[language])
    model.meta.update({"source": f"GriDam diary set, {len(entries)} training entries ({language})",
                       "targets": "one-hot dominant emotion"})
    return model


def train_gate(comments: Sequence[str], diaries: Sequence[str], language: str, *, seed: int = 0) -> NgramModel:
    """1 for a diary entry, 0 for a comment."""
    sample = random.Random(seed).sample(list(comments), min(GATE_COMMENTS, len(comments)))
    targets = np.r_[np.zeros(len(sample)), np.ones(len(diaries))][:, None]
    model = fit_ridge(sample + list(diaries), targets, alpha=ALPHA, min_df=MIN_DF, feature_set=FEATURE_SET[language])
    model.meta.update({"source": f"{len(diaries)} diary entries vs {len(sample)} comments ({language})",
                       "targets": "1 diary, 0 comment"})
    return model


def main(argv: Sequence[str] | None = None) -> int:
    from emotion_service.domain.analysis.offline import MODELS

    parser = argparse.ArgumentParser(prog="python -m emotion_service.domain.analysis.train",
                                     description="Rebuild the offline emotion models.")
    parser.add_argument("--kote", required=True, help="path to KOTE val.tsv")
    parser.add_argument("--goemotions", required=True, help="path to GoEmotions train.tsv")
    parser.add_argument("--diaries", required=True, help="folder of the diary set (train-*.jsonl are used)")
    parser.add_argument("--out-dir", default=str(MODELS))
    args = parser.parse_args(argv)
    out = pathlib.Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = sorted(pathlib.Path(args.diaries).glob("train-*.jsonl"))
    if not files:
        parser.error(f"{args.diaries}: no train-*.jsonl")
    entries = load_diaries(files)
    comments = {"ko": [r.text for r in load_kote(args.kote)], "en": [r.text for r in load_goemotions(args.goemotions)]}
    built = datetime.date.today().isoformat()
    jobs: list[tuple[str, Callable[[], NgramModel]]] = [
        ("offline-ko.npz", lambda: train(args.kote)), ("offline-en.npz", lambda: train_goemotions(args.goemotions))
    ]
    for language in ("ko", "en"):
        mine = [e for e in entries if e.lang == language]
        jobs.append((f"offline-{language}-diary.npz", functools.partial(train_diary, mine, language)))
        jobs.append((f"offline-{language}-gate.npz",
                     functools.partial(train_gate, comments[language], [e.text for e in mine], language)))
    for name, build in jobs:
        start = time.perf_counter()
        model = build()
        model.meta.update({"alpha": str(ALPHA), "min_df": str(MIN_DF), "built": built})
        model.save(out / name)
        print(f"wrote {out / name} ({(out / name).stat().st_size / 1e6:.2f} MB, {len(model.vocab)} n-grams) "
              f"in {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
