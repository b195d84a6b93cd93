"""A linear model over n-grams: TF-IDF features, ridge regression, numpy only.

Two feature sets, named in the model's meta (`feature_set`):
- "char" (the default): the character 1- to 3-grams of each whitespace token padded with a
  space on both sides (" 행복했다 " -> " ", "행", ..., " 행", "행복", ..., " 행복", ...).
  Character n-grams need no morphological analyser yet catch Korean stems across their endings
  (행복, 행복했, 행복한).
- "char+word": those plus word unigrams and bigrams, which carry English ("not happy",
  "passed away") better than characters do.
Features are weighted by sublinear TF times smoothed IDF and L2-normalised per text.

The outputs are whatever the model was fitted to; the offline classifier fits the number of
KOTE labels per emotion (9 columns), so a prediction reads as "expected label count".

Inference needs numpy only. Training (`fit_ridge`) is numpy only too: conjugate gradients on
the normal equations with an unpenalised intercept.
"""
from __future__ import annotations

import io
import itertools
import math
import pathlib
import re
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from emotion_service.domain.analysis.text import normalise

__all__ = ["FEATURE_SETS", "NgramModel", "char_ngrams", "fit_ridge", "word_ngrams"]

#: Longer texts are cut before featurising: a diary is at most 5,000 characters and the
#: first 2,000 carry its tone well enough; it bounds the cost per text.
MAX_CHARS = 2000


def char_ngrams(text: str) -> list[str]:
    """The 1..3-character n-grams of every padded whitespace token of the normalised text."""
    grams: list[str] = []
    for token in normalise(text[:MAX_CHARS]).split():
        p = f" {token} "
        n = len(p)
        grams.extend(p[i] for i in range(1, n - 1))
        grams.extend(p[i:i + 2] for i in range(n - 1))
        grams.extend(p[i:i + 3] for i in range(n - 2))
    return grams


_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?|\d+|[.!?,;:]")
_NEGATORS = frozenset({"not", "no", "never", "nothing", "nobody", "hardly", "barely", "without", "neither", "nor"})
#: How many words after a negator carry its mark.
_NEGATION_REACH = 3


def word_ngrams(text: str) -> list[str]:
    """Word unigrams ("w:happy") and bigrams ("b:so happy") of the normalised text.

    A word within three words after a negator ("not", "never", "...n't"), in the same clause, is
    marked ("w:~happy"), so "not happy" does not read as "happy" to a linear model.
    """
    words: list[str] = []
    reach = 0
    for token in _WORD.findall(normalise(text[:MAX_CHARS]).replace("’", "'")):
        if token in ".!?,;:":
            reach = 0
            continue
        words.append(f"~{token}" if reach else token)
        reach = _NEGATION_REACH if token in _NEGATORS or token.endswith("n't") else max(reach - 1, 0)
    return [f"w:{w}" for w in words] + [f"b:{a} {b}" for a, b in itertools.pairwise(words)]


def _char_and_word_ngrams(text: str) -> list[str]:
    return char_ngrams(text) + word_ngrams(text)


#: Feature set name (stored in a model's meta) -> the function that lists a text's features.
FEATURE_SETS: dict[str, Callable[[str], list[str]]] = {"char": char_ngrams, "char+word": _char_and_word_ngrams}


def _rows(
    texts: Sequence[str], vocab: dict[str, int], idf: np.ndarray, features: Callable[[str], list[str]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR parts (indptr, indices, data) of the TF-IDF matrix of `texts` over `vocab`."""
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    get = vocab.get
    for text in texts:
        found: dict[int, int] = {}
        for gram in features(text):
            j = get(gram)
            if j is not None:
                found[j] = found.get(j, 0) + 1
        if found:
            idx = np.fromiter(found.keys(), dtype=np.int64, count=len(found))
            tf = np.fromiter(found.values(), dtype=np.float64, count=len(found))
            w = (1.0 + np.log(tf)) * idf[idx]
            w /= math.sqrt(float(w @ w)) or 1.0
            indices.extend(idx.tolist())
            data.extend(w.tolist())
        indptr.append(len(indices))
    return (np.asarray(indptr, dtype=np.int64), np.asarray(indices, dtype=np.int64),
            np.asarray(data, dtype=np.float64))


class NgramModel:
    """vocab (n-gram -> row of `weights`), idf, weights (V, k) and bias (k)."""

    def __init__(self, vocab: Sequence[str], idf: np.ndarray, weights: np.ndarray, bias: np.ndarray,
                 meta: dict[str, str] | None = None) -> None:
        if not (len(vocab) == len(idf) == weights.shape[0]) or weights.shape[1] != bias.shape[0]:
            raise ValueError("vocab, idf, weights and bias do not fit together")
        self.vocab = {g: i for i, g in enumerate(vocab)}
        self.idf = np.asarray(idf, dtype=np.float64)
        self.weights = np.asarray(weights, dtype=np.float32)
        self.bias = np.asarray(bias, dtype=np.float32)
        self.meta = dict(meta or {})
        self._features = FEATURE_SETS[self.meta.get("feature_set", "char")]

    @property
    def outputs(self) -> int:
        return int(self.bias.shape[0])

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), outputs) float32 scores."""
        out = np.tile(self.bias, (len(texts), 1))
        if not texts:
            return out
        indptr, indices, data = _rows(texts, self.vocab, self.idf, self._features)
        if indices.size:
            contrib = self.weights[indices] * data[:, None].astype(np.float32)
            lengths = np.diff(indptr)
            nonempty = np.flatnonzero(lengths)
            out[nonempty] += np.add.reduceat(contrib, indptr[:-1][nonempty], axis=0)
        return out

    # ---- persistence: one .npz, no pickle ----

    def save(self, path: str | pathlib.Path) -> None:
        ordered = sorted(self.vocab, key=self.vocab.__getitem__)
        blob = "\n".join(ordered).encode("utf-8")
        meta = "\n".join(f"{k}={v}" for k, v in sorted(self.meta.items())).encode("utf-8")
        buf = io.BytesIO()
        np.savez_compressed(
            buf,
            vocab=np.frombuffer(blob, dtype=np.uint8),
            idf=self.idf.astype(np.float16),
            weights=self.weights.astype(np.float16),
            bias=self.bias.astype(np.float32),
            meta=np.frombuffer(meta, dtype=np.uint8),
        )
        pathlib.Path(path).write_bytes(buf.getvalue())

    @classmethod
    def load(cls, path: str | pathlib.Path) -> NgramModel:
        with np.load(path, allow_pickle=False) as z:
            vocab = z["vocab"].tobytes().decode("utf-8").split("\n")
            meta_text = z["meta"].tobytes().decode("utf-8")
            meta = dict(line.split("=", 1) for line in meta_text.split("\n") if "=" in line)
            return cls(vocab, z["idf"], z["weights"], z["bias"], meta)


def fit_ridge(texts: Sequence[str], targets: np.ndarray, *, alpha: float = 1.0, min_df: int = 2,
              max_iter: int = 300, tol: float = 1e-6, feature_set: str = "char") -> NgramModel:
    """Ridge regression of `targets` (n, k) on the TF-IDF n-grams of `texts`.

    The vocabulary is every n-gram found in at least `min_df` texts. Solves
    (Xcᵀ Xc + alpha I) W = Xcᵀ (Y - ȳ) by conjugate gradients (Xc: X with its column means
    removed, implicitly, so X stays sparse); the intercept is ȳ - x̄ᵀW.
    """
    targets = np.asarray(targets, dtype=np.float64)
    n = len(texts)
    if targets.ndim != 2 or targets.shape[0] != n or n == 0:
        raise ValueError("targets must be (len(texts), k) with at least one text")
    features = FEATURE_SETS[feature_set]
    df: Counter[str] = Counter()
    for text in texts:
        df.update(set(features(text)))
    grams = sorted(g for g, c in df.items() if c >= min_df)
    vocab = {g: i for i, g in enumerate(grams)}
    dfs = np.array([df[g] for g in grams], dtype=np.float64)
    idf = np.log((1.0 + n) / (1.0 + dfs)) + 1.0
    # Features are stored as float16 in the artifact: fit on the same rounded idf.
    idf = idf.astype(np.float16).astype(np.float64)
    indptr, indices, data = _rows(texts, vocab, idf, features)
    v = len(grams)
    row_ids = np.repeat(np.arange(n), np.diff(indptr))
    x_mean = np.bincount(indices, weights=data, minlength=v) / n
    y_mean = targets.mean(axis=0)
    yc = targets - y_mean
    k = targets.shape[1]

    def xv(w: np.ndarray) -> np.ndarray:  # Xc @ w, (n, k)
        out = np.empty((n, k))
        for c in range(k):
            out[:, c] = np.bincount(row_ids, weights=data * w[indices, c], minlength=n)
        centred: np.ndarray = out - x_mean @ w  # numpy types arithmetic on ndarray[Any] as Any
        return centred

    def xtu(u: np.ndarray) -> np.ndarray:  # Xcᵀ @ u, (v, k)
        out = np.empty((v, k))
        for c in range(k):
            out[:, c] = np.bincount(indices, weights=data * u[row_ids, c], minlength=v)
        return out - np.outer(x_mean, u.sum(axis=0))

    def op(w: np.ndarray) -> np.ndarray:
        return xtu(xv(w)) + alpha * w

    b = xtu(yc)
    w = np.zeros((v, k))
    r = b.copy()
    p = r.copy()
    rs = (r * r).sum(axis=0)
    b_norm = np.sqrt((b * b).sum(axis=0)) + 1e-30
    for _ in range(max_iter):
        if np.all(np.sqrt(rs) <= tol * b_norm):
            break
        ap = op(p)
        step = rs / np.maximum((p * ap).sum(axis=0), 1e-30)
        w += p * step
        r -= ap * step
        rs_new = (r * r).sum(axis=0)
        p = r + p * (rs_new / np.maximum(rs, 1e-30))
        rs = rs_new
    bias = y_mean - x_mean @ w
    return NgramModel(grams, idf, w, bias, {"feature_set": feature_set})
