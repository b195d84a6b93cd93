"""Rebuild the offline classifier's Korean model from KOTE.

    python -m emotion_service.analysis.train --kote data/kote/val.tsv \
        [--out services/emotion/emotion_service/analysis/models/offline-ko.npz]

Fits `ngram_model.fit_ridge` on every row: targets are the number of the row's KOTE labels
that fall in each of the nine emotions (kote.py mapping). numpy only; about 10 s on 2 cores.
The data file is read from the given path and never copied into the package.
"""
from __future__ import annotations

import argparse
import datetime
import hashlib
import pathlib
import sys
import time
from collections.abc import Sequence

from emotion_service.analysis.kote import emotion_counts, load_kote
from emotion_service.analysis.ngram_model import NgramModel, fit_ridge

__all__ = ["ALPHA", "MIN_DF", "main", "train"]

ALPHA = 1.0
MIN_DF = 2


def train(path: str | pathlib.Path, *, alpha: float = ALPHA, min_df: int = MIN_DF) -> NgramModel:
    rows = load_kote(path)
    model = fit_ridge([r.text for r in rows], emotion_counts(rows), alpha=alpha, min_df=min_df)
    digest = hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()[:16]
    model.meta.update({
        "source": f"KOTE {pathlib.Path(path).name} ({len(rows)} rows, sha256 {digest}...), MIT licence",
        "features": "char 1-3 grams of space-padded tokens, sublinear tf-idf, l2",
        "targets": "KOTE label count per GriDam emotion (HAPPY..NONE)",
        "alpha": str(alpha),
        "min_df": str(min_df),
        "built": datetime.date.today().isoformat(),
    })
    return model


def main(argv: Sequence[str] | None = None) -> int:
    from emotion_service.analysis.offline import DEFAULT_MODEL_PATH

    parser = argparse.ArgumentParser(prog="python -m emotion_service.analysis.train",
                                     description="Rebuild the offline Korean emotion model from KOTE.")
    parser.add_argument("--kote", required=True, help="path to KOTE val.tsv")
    parser.add_argument("--out", default=str(DEFAULT_MODEL_PATH))
    parser.add_argument("--alpha", type=float, default=ALPHA)
    parser.add_argument("--min-df", type=int, default=MIN_DF)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    model = train(args.kote, alpha=args.alpha, min_df=args.min_df)
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB, {len(model.vocab)} n-grams) "
          f"in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
