"""Per-emotion keyword aggregation and word-cloud rendering (docs/web-api.md §8.2, decision 12).

Two pure pieces, no I/O besides reading the font:

* `aggregate_keywords` folds a user's analysed diaries — each a dominant `Emotion` plus the
  (word, weight) keywords extracted from its text — into the top words per emotion, weights
  normalised so the top word is 1.0 (the `keywords` array of `GET /api/v1/word-cloud`).
* `render_word_cloud` draws one emotion's weighted words as a PNG (the images behind
  `imageUrls`), with Pillow only: an Archimedean-spiral layout of non-overlapping word boxes,
  the emotion's colour family (§10), and a fixed seed so equal input gives equal bytes.

Font: Noto Sans KR (SIL OFL 1.1) from the PyPI package `pylopdf-fonts-ko`, via
`gridam_domain.fonts.korean_font_path()`, which raises `FontMissingError` when it is missing.
"""
from __future__ import annotations

import io
import math
import random
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from PIL import Image, ImageDraw, ImageFont

from emotion_service.domain.analysis.emotions import EMOTIONS, Emotion
from gridam_domain import fonts

__all__ = [
    "DEFAULT_SIZE",
    "DEFAULT_TOP_N",
    "PALETTES",
    "DiaryKeywords",
    "Palette",
    "WeightedWord",
    "aggregate_keywords",
    "render_word_cloud",
    "render_word_clouds",
]

DEFAULT_TOP_N = 30
DEFAULT_SIZE = (800, 600)

# Words longer than this are cut and end in "…": a word cloud is no place for a sentence.
MAX_WORD_CHARS = 24
_WEIGHT_PLACES = 4
_MIN_WEIGHT = 10 ** -_WEIGHT_PLACES


# -- aggregation ---------------------------------------------------------------------------------
class WeightedWord(NamedTuple):
    word: str
    weight: float


class DiaryKeywords(NamedTuple):
    """One analysed diary: its dominant emotion and its extracted (word, weight) keywords."""

    emotion: Emotion
    keywords: Sequence[tuple[str, float]]


def _word_key(word: str) -> str:
    """Identity of a word across diaries: NFC (Hangul may arrive decomposed), trimmed, single
    spaces, case-folded (so "Friend" and "friend" count together)."""
    return " ".join(unicodedata.normalize("NFC", word).split()).casefold()


def _display_form(word: str) -> str:
    return " ".join(unicodedata.normalize("NFC", word).split())


def aggregate_keywords(
    diaries: Iterable[DiaryKeywords | tuple[Emotion, Iterable[tuple[str, float]]]],
    top_n: int = DEFAULT_TOP_N,
) -> dict[Emotion, list[WeightedWord]]:
    """Top `top_n` words per emotion over a user's analysed diaries.

    Returns one entry per emotion that has at least one diary (in `EMOTIONS` order), each a list
    sorted by weight, highest first, the top weight exactly 1.0 and every weight > 0 (rounded to
    4 places, floored at 0.0001). An emotion whose diaries carry no usable keyword maps to `[]`.
    Keywords with an empty word or a weight that is not a finite number > 0 are ignored; a word
    repeated inside one diary counts once there, with its largest weight.

    Ties go to the word found in more diaries, then to the smaller case-folded word, so the
    result never depends on input order. The displayed spelling of a word is the one with the
    largest summed weight (ties: the smallest string).
    """
    if top_n < 1:
        raise ValueError(f"top_n must be at least 1, got {top_n}")

    # Combination: each diary's weights are first scaled so its strongest keyword is 1.0, then the
    # scaled weights are summed across the emotion's diaries. Summing rewards recurrence (a word in
    # k diaries collects up to k), and the per-diary scaling keeps one diary whose extractor emits
    # large raw weights (or very many keywords) from outweighing words that recur across diaries.
    scores: dict[Emotion, dict[str, float]] = {}
    doc_freq: dict[Emotion, dict[str, int]] = {}
    spellings: dict[Emotion, dict[str, dict[str, float]]] = {}

    for record in diaries:
        emotion, keywords = record[0], record[1]
        if not isinstance(emotion, Emotion):
            raise TypeError(f"expected an Emotion, got {emotion!r}")
        emotion_scores = scores.setdefault(emotion, {})
        emotion_df = doc_freq.setdefault(emotion, {})
        emotion_spellings = spellings.setdefault(emotion, {})

        per_diary: dict[str, tuple[float, str]] = {}
        for word, weight in keywords:
            if not isinstance(word, str):
                continue
            try:
                weight = float(weight)
            except (TypeError, ValueError):
                continue
            if not math.isfinite(weight) or weight <= 0.0:
                continue
            key = _word_key(word)
            if not key:
                continue
            if key not in per_diary or weight > per_diary[key][0]:
                per_diary[key] = (weight, _display_form(word))
        if not per_diary:
            continue

        diary_max = max(weight for weight, _ in per_diary.values())
        for key, (weight, shown) in per_diary.items():
            scaled = weight / diary_max
            emotion_scores[key] = emotion_scores.get(key, 0.0) + scaled
            emotion_df[key] = emotion_df.get(key, 0) + 1
            forms = emotion_spellings.setdefault(key, {})
            forms[shown] = forms.get(shown, 0.0) + scaled

    result: dict[Emotion, list[WeightedWord]] = {}
    for emotion in EMOTIONS:
        if emotion not in scores:
            continue
        emotion_scores = scores[emotion]
        ranked = sorted(emotion_scores, key=lambda k: (-emotion_scores[k], -doc_freq[emotion][k], k))[:top_n]
        words: list[WeightedWord] = []
        if ranked:
            top = emotion_scores[ranked[0]]
            for key in ranked:
                forms = spellings[emotion][key]
                shown = min(forms, key=lambda f: (-forms[f], f))
                weight = 1.0 if key == ranked[0] else max(_MIN_WEIGHT, round(emotion_scores[key] / top, _WEIGHT_PLACES))
                words.append(WeightedWord(shown, weight))
        result[emotion] = words
    return result


# -- font ----------------------------------------------------------------------------------------
def _renderable(word: str, font_path: str) -> str:
    """The word with characters the font cannot draw removed (emoji, controls…), whitespace
    collapsed, and cut to `MAX_WORD_CHARS` with an ellipsis. May return ""."""
    text = fonts.drawable(word, font_path)
    if len(text) > MAX_WORD_CHARS:
        text = text[: MAX_WORD_CHARS - 1].rstrip() + "…"
    return text


# -- colours -------------------------------------------------------------------------------------
class Palette(NamedTuple):
    background: str
    words: tuple[str, ...]  # darkest first: the biggest words take the first, strongest shades


# §10: 행복 yellow, 기쁨 amber, 슬픔 blue, 불안 purple, 화남 red, 놀람 orange, 역겨움 green,
# 두려움 gray, 없음 slate (Tailwind families; the -50 shade as background, 500–900 for words).
PALETTES: Mapping[Emotion, Palette] = {
    Emotion.HAPPY: Palette("#FEFCE8", ("#713F12", "#854D0E", "#A16207", "#CA8A04", "#EAB308")),
    Emotion.JOY: Palette("#FFFBEB", ("#78350F", "#92400E", "#B45309", "#D97706", "#F59E0B")),
    Emotion.SAD: Palette("#EFF6FF", ("#1E3A8A", "#1E40AF", "#1D4ED8", "#2563EB", "#3B82F6")),
    Emotion.ANXIOUS: Palette("#FAF5FF", ("#581C87", "#6B21A8", "#7E22CE", "#9333EA", "#A855F7")),
    Emotion.ANGRY: Palette("#FEF2F2", ("#7F1D1D", "#991B1B", "#B91C1C", "#DC2626", "#EF4444")),
    Emotion.SURPRISE: Palette("#FFF7ED", ("#7C2D12", "#9A3412", "#C2410C", "#EA580C", "#F97316")),
    Emotion.DISGUST: Palette("#F0FDF4", ("#14532D", "#166534", "#15803D", "#16A34A", "#22C55E")),
    Emotion.FEAR: Palette("#F9FAFB", ("#111827", "#1F2937", "#374151", "#4B5563", "#6B7280")),
    Emotion.NONE: Palette("#F8FAFC", ("#0F172A", "#1E293B", "#334155", "#475569", "#64748B")),
}


# -- layout and rendering ------------------------------------------------------------------------
class _Box(NamedTuple):
    left: int
    top: int
    right: int
    bottom: int


def _place(
    width: int,
    height: int,
    margin: int,
    size: tuple[int, int],
    placed: list[_Box],
    phase: float,
    gap: int,
) -> _Box | None:
    """First spot along an Archimedean spiral from the centre where a `size` box fits inside the
    margins without touching any placed box (`gap` pixels apart). None when there is none."""
    w, h = size
    half_x = (width - 2 * margin - w) / 2.0  # how far the box centre may sit from the canvas centre
    half_y = (height - 2 * margin - h) / 2.0
    if half_x < 0 or half_y < 0:
        return None
    cx, cy = width / 2.0, height / 2.0
    aspect = width / height  # stretch the spiral horizontally to fill a landscape canvas
    pitch = 4.0  # radial growth per radian: about 25 px a turn
    # Beyond this radius no point of the spiral can hold the box inside the margins.
    max_radius = math.hypot(half_x / aspect, half_y) + 1.0
    theta = 0.0
    last_hit: _Box | None = None
    while True:
        radius = pitch * theta
        if radius > max_radius:
            return None
        dx = radius * aspect * math.cos(theta + phase)
        dy = radius * math.sin(theta + phase)
        # Step about 6 px along the curve (capped at 0.5 rad near the centre).
        theta += min(0.5, 6.0 / max(radius * aspect, 1.0))
        if abs(dx) > half_x or abs(dy) > half_y:
            continue
        x = int(cx + dx - w / 2.0)
        y = int(cy + dy - h / 2.0)
        box = _Box(x, y, x + w, y + h)
        if last_hit is not None and _overlap(box, last_hit, gap):
            continue  # the box that blocked the last try usually blocks this one too
        for other in placed:
            if _overlap(box, other, gap):
                last_hit = other
                break
        else:
            return box


def _overlap(a: _Box, b: _Box, gap: int) -> bool:
    return a.left < b.right + gap and b.left < a.right + gap and a.top < b.bottom + gap and b.top < a.bottom + gap


_FILL = 0.4  # share of the canvas the words' boxes may cover before all sizes shrink


def _bbox(font: ImageFont.FreeTypeFont, text: str) -> _Box:
    """The box of `text` drawn at (0, 0): whole pixels without a stroke (Pillow annotates its
    coordinates as floats, which a fractional stroke width would make them)."""
    left, top, right, bottom = font.getbbox(text)
    return _Box(int(left), int(top), int(right), int(bottom))


def _text_area(path: str, text: str, font_size: int) -> int:
    left, top, right, bottom = _bbox(fonts.font(path, font_size), text)
    return (right - left) * (bottom - top)


def render_word_cloud(
    emotion: Emotion,
    words: Iterable[tuple[str, float]],
    *,
    size: tuple[int, int] = DEFAULT_SIZE,
    seed: int = 0,
    max_words: int = DEFAULT_TOP_N,
    font_path: str | Path | None = None,
    min_font_size: int = 14,
    max_font_size: int | None = None,
) -> bytes | None:
    """Render `words` (word, weight > 0; e.g. one list from `aggregate_keywords`) as a PNG.

    The heaviest `max_words` words are laid out from the centre outwards, font size growing with
    the square root of the weight relative to the heaviest word, coloured in `emotion`'s palette
    on its light background. Characters the font cannot draw (emoji, controls) are dropped, words
    longer than `MAX_WORD_CHARS` are cut with "…", and a word that fits nowhere even at
    `min_font_size` is left out.

    Returns the PNG bytes, or **None when there is nothing to draw**: no words, or none with a
    positive weight and at least one drawable character. The same arguments (and the same
    Pillow/FreeType build) give the same bytes: all randomness comes from `seed`.

    Raises `gridam_domain.fonts.FontMissingError` when the Korean font is not installed (and no
    `font_path` given).
    """
    width, height = size
    if width < 64 or height < 64:
        raise ValueError(f"word-cloud size must be at least 64×64, got {width}×{height}")
    if max_words < 1:
        raise ValueError(f"max_words must be at least 1, got {max_words}")
    path = str(font_path) if font_path is not None else str(fonts.korean_font_path())
    palette = PALETTES[emotion]

    cleaned: dict[str, float] = {}
    for word, weight in words:
        try:
            weight = float(weight)
        except (TypeError, ValueError):
            continue
        if not isinstance(word, str) or not math.isfinite(weight) or weight <= 0.0:
            continue
        text = _renderable(word, path)
        if text and weight > cleaned.get(text, 0.0):
            cleaned[text] = weight
    if not cleaned:
        return None
    ranked = sorted(cleaned.items(), key=lambda item: (-item[1], item[0]))[:max_words]
    top_weight = ranked[0][1]

    margin = max(4, min(width, height) // 40)
    gap = max(4, min(width, height) // 100)  # keeps neighbouring Hangul words from reading as one
    biggest = max_font_size or max(min_font_size, min(height // 5, width // 6))
    rng = random.Random(f"{seed}:{emotion.name}")

    sizes = [min_font_size + (biggest - min_font_size) * math.sqrt(weight / top_weight) for _, weight in ranked]
    # Scale all sizes down together when the words' boxes would cover more than `_FILL` of the
    # canvas: a spiral layout stops finding room well before the canvas is full, and a uniform
    # scale keeps the size ratios (the weights) readable instead of squeezing only the tail.
    area = sum(_text_area(path, text, int(round(s))) for (text, _), s in zip(ranked, sizes, strict=True))
    scale = min(1.0, math.sqrt(_FILL * width * height / area)) if area else 1.0

    image = Image.new("RGB", size, palette.background)
    draw = ImageDraw.Draw(image)
    placed: list[_Box] = []
    for rank, ((text, _), nominal) in enumerate(zip(ranked, sizes, strict=True)):
        font_size = max(min_font_size, int(round(nominal * scale)))
        phase = rng.uniform(0.0, 2.0 * math.pi)
        shade = min(len(palette.words) - 1, rank * len(palette.words) // len(ranked))
        colour = palette.words[max(0, shade - rng.randint(0, 1))]
        while True:
            font = fonts.font(path, font_size)
            left, top, right, bottom = _bbox(font, text)
            box = _place(width, height, margin, (right - left, bottom - top), placed, phase, gap)
            if box is not None:
                draw.text((box.left - left, box.top - top), text, font=font, fill=colour)
                placed.append(box)
                break
            if font_size <= min_font_size:
                break  # fits nowhere: leave it out
            font_size = max(min_font_size, int(font_size * 0.8))

    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def render_word_clouds(
    aggregated: Mapping[Emotion, Sequence[tuple[str, float]]],
    **options: Any,
) -> dict[Emotion, bytes]:
    """`render_word_cloud` for every emotion of `aggregate_keywords`' result; emotions with
    nothing to draw are left out. `options` are passed through (size, seed, …)."""
    images: dict[Emotion, bytes] = {}
    for emotion in EMOTIONS:
        if emotion in aggregated:
            png = render_word_cloud(emotion, aggregated[emotion], **options)
            if png is not None:
                images[emotion] = png
    return images
