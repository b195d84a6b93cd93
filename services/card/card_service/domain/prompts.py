"""Image prompts for the card art: a diary's analysis → what the gpu-worker should draw.

`build_prompt(analysis, diary_id=…, version=…)` turns an emotion analysis into an
`ImagePrompt` for a Stable Diffusion Turbo class model (one short English prompt: SD Turbo
reads at most 77 CLIP tokens and takes no negative prompt):

    "<mood scene of the dominant emotion>[, with a touch of <second emotion>],
     featuring <up to 5 keyword motifs>, <style suffix of the dominant emotion>"

* The mood and the style are English and vary by emotion; the motifs are the diary's own
  keywords (highest weight first, hashtags when there are none), untranslated — Korean
  words stay Korean.
* **Nothing harmful is drawn.** A keyword on the deny-list (self-harm, suicide, violence,
  weapons, death; Korean and English) never becomes a motif, flagged or not. When the
  analysis carries `safety_flag`, the diary's content is ignored entirely: a fixed calm
  landscape prompt, no motifs, a soft neutral palette, `calm=True` (the worker then draws a
  content-free calm picture).
* **Nothing harmful is printed either.** `card_hashtags` gives the hashtags a card shows:
  none for a flagged diary, the diary's own less any deny-listed ones otherwise.
* `palette` is the distribution's top shares (at most 3, shares under 5% dropped),
  renormalised to sum to 1, as (emotion, share) pairs — the picture's mood the gpu-worker is
  given (gridam.imagegen.v2's palette).
* `seed` comes from (diary_id, version) only: the same card version always draws the same
  picture, and a regeneration (version + 1) a different one.

The analysis is the emotion service's `Analysis` dataclass or a mapping with its fields:
`dominant` (an `Emotion`, or None for the largest share), `distribution` (`Emotion` → fraction),
`keywords` ((word, weight) pairs or protobuf `Keyword`s), `hashtags`, `safety_flag` and
`language` ("ko"/"en", informational only — the prompt is English either way). Emotions are
`gridam_domain.emotions.Emotion` only, never a spelling of one: anything else is a TypeError.
"""
from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from gridam_domain.emotions import EMOTIONS, Emotion

__all__ = [
    "CALM_PALETTE",
    "CALM_PROMPT",
    "MAX_MOTIFS",
    "ImagePrompt",
    "build_prompt",
    "card_hashtags",
    "is_denied",
    "seed_for",
]

MAX_MOTIFS = 5
MAX_MOTIF_CHARS = 24
PALETTE_SIZE = 3
PALETTE_MIN_SHARE = 0.05
_SHARE_PLACES = 4


@dataclass(frozen=True)
class ImagePrompt:
    prompt: str
    #: (emotion, share) pairs, largest first, shares summing to 1.
    palette: tuple[tuple[Emotion, float], ...]
    #: Keyword motifs named in the prompt (none when calm).
    motifs: tuple[str, ...]
    #: A content-free calm picture (safety-flagged diary).
    calm: bool
    #: 0 ≤ seed < 2**31, from (diary_id, version).
    seed: int


# -- wording per emotion ---------------------------------------------------------------------
_SCENES: dict[Emotion, str] = {
    Emotion.HAPPY: "a bright, cheerful scene bathed in golden afternoon sunlight",
    Emotion.JOY: "a lively, playful scene full of sparkling light and bright colour",
    Emotion.SAD: "a quiet, wistful scene on a rainy blue evening",
    Emotion.ANXIOUS: "a restless scene of drifting clouds and swirling wind under a hazy sky",
    Emotion.ANGRY: "a dramatic scene under a stormy crimson sky with strong wind",
    Emotion.SURPRISE: "a whimsical scene with sudden bursts of light and unexpected colour",
    Emotion.DISGUST: "an uneasy scene of wilted plants under a murky grey-green sky",
    Emotion.FEAR: "a dim, misty path at dusk with one small warm light in the distance",
    Emotion.NONE: "a calm, simple everyday scene",
}
_STYLES: dict[Emotion, str] = {
    Emotion.HAPPY: "soft watercolor illustration, warm light, pastel yellow tones, no text",
    Emotion.JOY: "vibrant gouache illustration, cheerful orange and green tones, no text",
    Emotion.SAD: "muted watercolor illustration, soft blue tones, diffused light, no text",
    Emotion.ANXIOUS: "dreamy pastel illustration, lavender haze, soft edges, no text",
    Emotion.ANGRY: "expressive oil pastel illustration, bold red and dark contrast, no text",
    Emotion.SURPRISE: "playful storybook illustration, bright coral accents, no text",
    Emotion.DISGUST: "muted gouache illustration, grey-green palette, no text",
    Emotion.FEAR: "moody ink and watercolor illustration, deep violet shadows, soft glow, no text",
    Emotion.NONE: "minimal flat illustration, soft neutral tones, gentle light, no text",
}
# "with a touch of …" for a strong second emotion.
_NOUNS: dict[Emotion, str] = {
    Emotion.HAPPY: "happiness", Emotion.JOY: "joy", Emotion.SAD: "melancholy", Emotion.ANXIOUS: "unease",
    Emotion.ANGRY: "frustration", Emotion.SURPRISE: "wonder", Emotion.DISGUST: "distaste",
    Emotion.FEAR: "apprehension", Emotion.NONE: "stillness",
}
SECOND_EMOTION_SHARE = 0.2

CALM_PROMPT = (
    "a calm, peaceful landscape in soft morning light, gentle rolling hills, a still lake "
    "and an open sky, serene and hopeful, soft watercolor illustration, pastel tones, no text"
)
CALM_PALETTE: tuple[tuple[Emotion, float], ...] = ((Emotion.NONE, 0.7), (Emotion.HAPPY, 0.3))

# -- deny-list -------------------------------------------------------------------------------
# Motifs must never steer the picture towards self-harm or violence. Keywords arrive with
# particles stripped (the emotion service's extractor), so Korean entries are matched as
# substrings when they are two syllables or more (distinctive: 자해, 자해충동, 살인사건) and
# exactly when they are one syllable (칼, 피, 총 would otherwise hit 칼국수, 피자, 커피, 총무).
_KO_DENY_SUBSTRINGS = (
    "자해", "자살", "자결", "극단적선택", "죽음", "죽이", "죽고", "죽어", "죽을", "죽였", "죽는",
    "살인", "살해", "학살", "시체", "시신", "유서", "투신", "목매", "목을매", "손목긋", "손목을긋",
    "흉기", "칼부림", "총기", "총격", "총알", "폭력", "폭행", "구타", "때리", "때렸",
    "학대", "고문", "피투성이", "피범벅", "출혈", "베였", "찔렀", "찌르", "찔린", "독극물",
    "수면제", "과다복용", "음독", "교수형", "사형", "전쟁", "폭탄", "테러", "납치", "강간",
    "성폭행", "성폭력", "면도날", "칼날",
)
_KO_DENY_EXACT = frozenset({
    "칼", "피", "총", "독", "죽", "약", "목", "흉터", "상처", "싸움",
    # Hashtags can keep a particle ("칼로"); only forms that are no other word (피로, 독도 are).
    "칼로", "칼을", "칼이", "칼에", "피를", "피가", "피에", "총을", "총이", "총으로", "총에", "독을", "독이",
})
_EN_DENY_WORDS = frozenset({
    "suicide", "suicidal", "selfharm", "self-harm", "kill", "kills", "killed", "killing", "killer",
    "murder", "murdered", "murderer", "die", "dies", "died", "dying", "dead", "death", "deaths",
    "corpse", "corpses", "blood", "bloody", "bleed", "bleeding", "knife", "knives", "blade",
    "blades", "razor", "gun", "guns", "pistol", "rifle", "shoot", "shooting", "weapon",
    "weapons", "bomb", "bombs", "explosion", "stab", "stabbed", "stabbing", "cut", "cuts",
    "cutting", "wound", "wounds", "wounded", "scar", "scars", "hang", "hanged", "hanging",
    "noose", "overdose", "pills", "poison", "violence", "violent", "abuse", "abused", "assault",
    "attack", "beaten", "beating", "fight", "fighting", "war", "terror", "terrorist",
    "torture", "rape", "raped", "gore", "grave", "funeral",
})
_EN_DENY_PREFIXES = ("suicid", "selfharm", "self-harm", "murder", "massacre", "slaughter", "behead", "strangl")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def is_denied(word: str) -> bool:
    """True when `word` (a keyword or hashtag) names self-harm, violence, weapons or death."""
    folded = _fold(word).replace("#", " ")
    compact = "".join(folded.split())
    if compact in _KO_DENY_EXACT or any(term in compact for term in _KO_DENY_SUBSTRINGS):
        return True
    if any(prefix in compact for prefix in _EN_DENY_PREFIXES):
        return True
    tokens = re.findall(r"[a-z]+(?:-[a-z]+)*", folded)
    for token in tokens:
        if token in _EN_DENY_WORDS or token.startswith(_EN_DENY_PREFIXES):
            return True
        if "-" in token and any(part in _EN_DENY_WORDS for part in token.split("-")):
            return True
    return False


# -- reading the analysis --------------------------------------------------------------------
def _get(analysis: Any, name: str, default: Any = None) -> Any:
    if isinstance(analysis, Mapping):
        return analysis.get(name, default)
    return getattr(analysis, name, default)


def _emotion(value: Any) -> Emotion:
    if not isinstance(value, Emotion):
        raise TypeError(f"an emotion is a gridam_domain.emotions.Emotion, got {value!r}")
    return value


def _pairs(items: Any, first: str, second: str) -> Iterable[tuple[Any, Any]]:
    """(a, b) pairs from a mapping, from 2-sequences, or from objects with `first`/`second`."""
    if items is None:
        return []
    if isinstance(items, Mapping):
        return list(items.items())
    pairs = []
    for item in items:
        if isinstance(item, Mapping):
            pairs.append((item.get(first), item.get(second)))
        elif hasattr(item, first) and hasattr(item, second):
            pairs.append((getattr(item, first), getattr(item, second)))
        else:
            try:
                a, b = item
            except (TypeError, ValueError):
                continue
            pairs.append((a, b))
    return pairs


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _shares(distribution: Mapping[Emotion, float] | None) -> dict[Emotion, float]:
    shares: dict[Emotion, float] = {}
    for key, fraction in (distribution or {}).items():
        emotion, value = _emotion(key), _number(fraction)
        if value is not None and value > 0.0:
            shares[emotion] = value
    return shares


def _ranked(shares: Mapping[Emotion, float]) -> list[Emotion]:
    """Largest share first; ties in the emotions' order."""
    return sorted(shares, key=lambda e: (-shares[e], EMOTIONS.index(e)))


def _palette(shares: Mapping[Emotion, float], dominant: Emotion) -> tuple[tuple[Emotion, float], ...]:
    if not shares:
        return ((dominant, 1.0),)
    ranked = _ranked(shares)[:PALETTE_SIZE]
    total = sum(shares.values())
    kept = [e for i, e in enumerate(ranked) if i == 0 or shares[e] / total >= PALETTE_MIN_SHARE]
    kept_total = sum(shares[e] for e in kept)
    rounded = [round(shares[e] / kept_total, _SHARE_PLACES) for e in kept]
    rounded[0] = round(rounded[0] + (1.0 - sum(rounded)), _SHARE_PLACES)  # sum exactly 1
    return tuple(zip(kept, rounded, strict=True))


_MOTIF_JUNK = re.compile(r"[^\w\s'-]", re.UNICODE)  # prompt syntax such as ( ) [ ] : , | is dropped


def _clean_motif(word: Any) -> str:
    if not isinstance(word, str):
        return ""
    text = _MOTIF_JUNK.sub(" ", unicodedata.normalize("NFC", word).replace("_", " "))
    text = " ".join(text.split()).strip("'-")
    if len(text) > MAX_MOTIF_CHARS:
        return ""  # a keyword is a word or two; anything longer is not a motif
    return text


def _motifs(keywords: Any, hashtags: Any) -> tuple[str, ...]:
    ranked: list[tuple[float, int, str]] = []
    for position, (word, weight) in enumerate(_pairs(keywords, "word", "weight")):
        value = _number(weight)
        if value is not None and value > 0.0:
            ranked.append((-value, position, word))
    candidates = [word for _, _, word in sorted(ranked, key=lambda item: item[:2])]
    if hashtags:
        candidates += [tag for tag in hashtags if isinstance(tag, str)]  # fill up with hashtags
    motifs: list[str] = []
    seen: set[str] = set()
    for word in candidates:
        if not isinstance(word, str) or is_denied(word):
            continue
        motif = _clean_motif(word)
        if not motif or is_denied(motif) or _fold(motif) in seen:
            continue
        seen.add(_fold(motif))
        motifs.append(motif)
        if len(motifs) == MAX_MOTIFS:
            break
    return tuple(motifs)


def card_hashtags(hashtags: Iterable[str], *, safety_flag: bool) -> list[str]:
    """The hashtags a card prints and shows (in a shared feed too): none for a safety-flagged
    diary, whose card must not show its content; otherwise the diary's own, less any on the
    deny-list."""
    if safety_flag:
        return []
    return [tag for tag in hashtags if isinstance(tag, str) and not is_denied(tag)]


def seed_for(diary_id: int, version: int) -> int:
    """Deterministic seed in [0, 2**31) for one card version of one diary."""
    for name, value in (("diary_id", diary_id), ("version", version)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    digest = hashlib.sha256(f"gridam-card-art:{diary_id}:{version}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % (2**31)


def build_prompt(analysis: Any, *, diary_id: int, version: int) -> ImagePrompt:
    """The image prompt for one card version of one analysed diary (see the module docstring)."""
    seed = seed_for(diary_id, version)
    if bool(_get(analysis, "safety_flag", False)):
        return ImagePrompt(prompt=CALM_PROMPT, palette=CALM_PALETTE, motifs=(), calm=True, seed=seed)

    shares = _shares(_get(analysis, "distribution"))
    named = _get(analysis, "dominant")
    if named is not None:
        dominant = _emotion(named)
    else:
        dominant = _ranked(shares)[0] if shares else Emotion.NONE
    palette = _palette(shares, dominant)

    parts = [_SCENES[dominant]]
    total = sum(shares.values())
    others = [e for e in _ranked(shares) if e != dominant]
    if others and total > 0 and shares[others[0]] / total >= SECOND_EMOTION_SHARE and others[0] is not Emotion.NONE:
        parts.append(f"with a touch of {_NOUNS[others[0]]}")
    motifs = _motifs(_get(analysis, "keywords"), _get(analysis, "hashtags"))
    if motifs:
        parts.append("featuring " + ", ".join(motifs))
    parts.append(_STYLES[dominant])
    return ImagePrompt(prompt=", ".join(parts), palette=palette, motifs=motifs, calm=False, seed=seed)
