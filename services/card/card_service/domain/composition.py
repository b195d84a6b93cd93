"""Emotion-card composition: generated art + Korean typography → one portrait PNG.

`compose_card` takes the PNG (or JPEG/WEBP) bytes the gpu-worker drew and lays out, with
Pillow only:

* the art on top, cover-cropped (scaled to fill, centre kept) to the full width and about the
  top half of the card, any size or aspect ratio;
* a thin accent stripe in the dominant emotion's colour (docs/web-api.md §10, "Diary card / pie
  colour"), then a panel tinted with the emotion's "Day-popup card bg" holding
  - the date, "2026년 11월 30일" for "2026-11-30";
  - the emotion's Korean label, large, in its colour (darkened until it reads on the panel),
    followed by its emoji only when the font has a glyph for it (Noto Sans KR has none, so
    with the bundled font the emoji is left out rather than drawn as a tofu box);
  - the hashtags as rounded chips ("#산책"), at most two rows; tags that do not fit are dropped;
  - the feedback line, wrapped to the panel width: at spaces, and by characters inside a word
    that is wider than a whole line (Korean runs without spaces), never inside a digit group
    such as a crisis number ("109", "1577-0199"). The font shrinks a few steps before anything
    is cut; past that the text is cut after whole characters/numbers and ends with "…".
* a bottom margin that stays the plain panel colour.

Characters the font cannot draw (emoji, controls) are dropped from all text. The output is a
plain RGB PNG; the same input gives the same bytes (no randomness, no timestamps; the BASIC
layout engine, so the result does not depend on libraqm being installed).

Font: Noto Sans KR via `gridam_domain.fonts.korean_font_path()` (raises `FontMissingError`
when the `pylopdf-fonts-ko` package is missing).
"""
from __future__ import annotations

import datetime as dt
import io
import re
import warnings
from collections.abc import Sequence
from typing import NamedTuple

from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from gridam_domain import fonts
from gridam_domain.emotions import Emotion

__all__ = [
    "DEFAULT_SIZE",
    "EMOTION_STYLES",
    "CardArtError",
    "EmotionStyle",
    "compose_card",
    "format_date",
    "wrap_text",
]

DEFAULT_SIZE = (768, 1024)
MIN_SIDE = 256
MAX_SIDE = 4096
MAX_ART_PIXELS = 40_000_000  # decoded art larger than this is refused (decompression bomb)
_ART_FORMATS = ("PNG", "JPEG", "WEBP")

ELLIPSIS = "…"
MAX_HASHTAGS = 8
MAX_CHIP_ROWS = 2
MAX_FEEDBACK_LINES = 9


class CardArtError(ValueError):
    """The art bytes are not a decodable PNG/JPEG/WEBP image (or are absurdly large)."""


class EmotionStyle(NamedTuple):
    label: str  # Korean label
    emoji: str
    colour: str  # §10 "Diary card / pie colour": the accent stripe, chips and label hue
    panel: str  # §10 "Day-popup card bg": the panel background


# docs/web-api.md §10.
EMOTION_STYLES: dict[str, EmotionStyle] = {
    "HAPPY": EmotionStyle(Emotion.HAPPY.korean, "\U0001F60A", "#FFD700", "#FEF3C7"),
    "JOY": EmotionStyle(Emotion.JOY.korean, "\U0001F604", "#FFA500", "#D1FAE5"),
    "SAD": EmotionStyle(Emotion.SAD.korean, "\U0001F622", "#4169E1", "#DBEAFE"),
    "ANXIOUS": EmotionStyle(Emotion.ANXIOUS.korean, "\U0001F630", "#9370DB", "#E9D5FF"),
    "ANGRY": EmotionStyle(Emotion.ANGRY.korean, "\U0001F620", "#DC143C", "#FEE2E2"),
    "SURPRISE": EmotionStyle(Emotion.SURPRISE.korean, "\U0001F632", "#FF6347", "#FED7AA"),
    "DISGUST": EmotionStyle(Emotion.DISGUST.korean, "\U0001F922", "#696969", "#F3F4F6"),
    "FEAR": EmotionStyle(Emotion.FEAR.korean, "\U0001F628", "#8B008B", "#F9FAFB"),
    "NONE": EmotionStyle(Emotion.NONE.korean, "\U0001F610", "#CCCCCC", "#F3F4F6"),
}
assert set(EMOTION_STYLES) == {e.name for e in Emotion}

_TEXT = "#1F2937"  # gray-800: feedback
_MUTED = "#6B7280"  # gray-500: date


# -- small helpers ---------------------------------------------------------------------------
RGB = tuple[int, int, int]


def _rgb(colour: str) -> RGB:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    """`a` moved a share `t` towards `b`."""

    def channel(x: int, y: int) -> int:
        return int(round(x + (y - x) * t))

    return channel(a[0], b[0]), channel(a[1], b[1]), channel(a[2], b[2])


def _luminance(c: RGB) -> float:
    def channel(v: int) -> float:
        s = v / 255.0
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in c)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: RGB, b: RGB) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _readable(colour: RGB, background: RGB, minimum: float) -> RGB:
    """`colour`, darkened in small steps until its WCAG contrast on `background` ≥ `minimum`."""
    for step in range(21):
        shade = _mix(colour, (0, 0, 0), step * 0.05)
        if _contrast(shade, background) >= minimum:
            return shade
    return (0, 0, 0)


def format_date(date: str | dt.date) -> str:
    """"2026-11-30" (or a date, or an ISO datetime string) → "2026년 11월 30일"."""
    if isinstance(date, dt.datetime):
        day = date.date()
    elif isinstance(date, dt.date):
        day = date
    elif isinstance(date, str):
        text = date.strip()
        try:
            day = dt.date.fromisoformat(text[:10])
        except ValueError:
            raise ValueError(f"date must be YYYY-MM-DD, got {date!r}") from None
        if len(text) > 10 and text[10] not in "T ":
            raise ValueError(f"date must be YYYY-MM-DD, got {date!r}")
    else:
        raise TypeError(f"date must be a string or a date, got {type(date).__name__}")
    return f"{day.year}년 {day.month}월 {day.day}일"


# -- wrapping --------------------------------------------------------------------------------
# Units that are never split across lines: digit groups with inner hyphens/dots (109,
# 1577-0199, 1393, 02-123-4567), else single characters.
_ATOM = re.compile(r"\d+(?:[-.]\d+)*|.", re.DOTALL)


def _atoms(text: str) -> list[str]:
    return _ATOM.findall(text)


def _break_word(word: str, font: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    """A word wider than a line, cut into line-sized pieces between atoms."""
    pieces: list[str] = []
    current = ""
    for atom in _atoms(word):
        if font.getlength(current + atom) <= max_width:
            current += atom
            continue
        if current:
            pieces.append(current)
            current = ""
        if font.getlength(atom) <= max_width:
            current = atom
        else:  # a digit group wider than a whole line: nothing else for it
            for char in atom:
                if current and font.getlength(current + char) > max_width:
                    pieces.append(current)
                    current = ""
                current += char
    if current:
        pieces.append(current)
    return pieces


def wrap_text(text: str, font: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    """Lines of `text` no wider than `max_width`: broken at spaces (and at the given newlines);
    a word wider than a whole line is broken between characters, never inside a digit group."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if font.getlength(candidate) <= max_width:
                line = candidate
                continue
            if line:
                lines.append(line)
                line = ""
            if font.getlength(word) <= max_width:
                line = word
            else:
                *full, line = _break_word(word, font, max_width)
                lines.extend(full)
        if line:
            lines.append(line)
    return lines


def _with_ellipsis(line: str, font: ImageFont.FreeTypeFont, max_width: float) -> str:
    """`line` cut after whole atoms so that it plus "…" fits; trailing spaces and punctuation
    dropped before the ellipsis."""
    atoms = _atoms(line)
    while atoms:
        head = "".join(atoms).rstrip(" ,.;:·-–—!?。、")
        if head and font.getlength(head + ELLIPSIS) <= max_width:
            return head + ELLIPSIS
        atoms.pop()
    return ELLIPSIS


def _truncate(text: str, font: ImageFont.FreeTypeFont, max_width: float) -> str:
    """One line: `text` if it fits, else cut with "…"."""
    if font.getlength(text) <= max_width:
        return text
    return _with_ellipsis(text, font, max_width)


# -- art -------------------------------------------------------------------------------------
def _decode_art(art_png: bytes) -> Image.Image:
    if not isinstance(art_png, (bytes, bytearray, memoryview)):
        raise TypeError(f"art must be bytes, got {type(art_png).__name__}")
    data = bytes(art_png)
    if not data:
        raise CardArtError("card art is empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=_ART_FORMATS)
            if image.width < 1 or image.height < 1 or image.width * image.height > MAX_ART_PIXELS:
                raise CardArtError(f"card art is {image.width}×{image.height}: too large or empty")
            image.load()
    except CardArtError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, EOFError, ValueError,
            Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise CardArtError(f"card art is not a readable PNG/JPEG/WEBP image: {exc}") from exc
    return image


def _art_rgb(image: Image.Image, background: RGB) -> Image.Image:
    image = ImageOps.exif_transpose(image)
    if image.mode.startswith("I;16") or image.mode == "I":  # 16-bit grey: scale to 8 bits
        image = image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, background)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


# -- composition -----------------------------------------------------------------------------
class _Layout(NamedTuple):
    scale: float
    margin: int
    art_height: int
    stripe: int
    bottom_margin: int


def _layout(width: int, height: int) -> _Layout:
    scale = min(width / DEFAULT_SIZE[0], height / DEFAULT_SIZE[1])
    return _Layout(
        scale=scale,
        margin=max(12, round(48 * scale)),
        art_height=round(height * 0.52),
        stripe=max(3, round(8 * scale)),
        bottom_margin=max(12, round(40 * scale)),
    )


def compose_card(
    art_png: bytes,
    *,
    date: str,
    emotion: Emotion,
    hashtags: Sequence[str],
    feedback: str,
    size: tuple[int, int] = DEFAULT_SIZE,
) -> bytes:
    """The emotion card as PNG bytes, `size` (width, height) pixels, RGB.

    `emotion` is a `gridam_domain.emotions.Emotion` (a TypeError otherwise: never a spelling of one),
    `date` "YYYY-MM-DD", `hashtags` with or without "#", `feedback` any length (wrapped, shrunk,
    and cut with "…" when it cannot fit).

    Raises `CardArtError` (a `ValueError`) when `art_png` is not a decodable PNG/JPEG/WEBP
    image; `ValueError` for a bad date or a size outside 256–4096 px;
    `gridam_domain.fonts.FontMissingError` when the Korean font package is not installed.
    """
    width, height = (int(v) for v in size)
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        raise ValueError(f"card size must be within {MIN_SIDE}–{MAX_SIDE} px a side, got {width}×{height}")
    if not isinstance(emotion, Emotion):
        raise TypeError(f"an emotion is a gridam_domain.emotions.Emotion, got {emotion!r}")
    style = EMOTION_STYLES[emotion.name]
    date_text = format_date(date)
    if isinstance(hashtags, str):
        hashtags = [hashtags]
    art = _decode_art(art_png)
    path = str(fonts.korean_font_path())

    lay = _layout(width, height)
    s = lay.scale
    panel = _rgb(style.panel)
    accent = _rgb(style.colour)

    card = Image.new("RGB", (width, height), panel)
    cover = ImageOps.fit(_art_rgb(art, panel), (width, lay.art_height),
                         method=Image.Resampling.LANCZOS, centering=(0.5, 0.5))
    card.paste(cover, (0, 0))
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, lay.art_height, width - 1, lay.art_height + lay.stripe - 1), fill=accent)

    left = lay.margin
    right = width - lay.margin
    text_width = right - left
    bottom_limit = height - lay.bottom_margin  # nothing is drawn below this line
    y = lay.art_height + lay.stripe + round(30 * s)

    # Date.
    date_font = fonts.font(path, max(10, round(22 * s)))
    draw.text((left, y), _truncate(date_text, date_font, text_width), font=date_font, fill=_MUTED, anchor="la")
    y += round(date_font.size * 1.45)

    # Emotion label (+ emoji when the font can draw it), faux-bold with a thin stroke.
    label_font = fonts.font(path, max(18, round(60 * s)))
    label_colour = _readable(accent, panel, 3.0)  # WCAG AA for large text
    label = style.label
    if all(fonts.has_glyph(path, c) for c in style.emoji):
        label = f"{label} {style.emoji}"
    stroke = max(1, round(1.2 * s))
    draw.text((left, y), label, font=label_font, fill=label_colour, anchor="la",
              stroke_width=stroke, stroke_fill=label_colour)
    y += round(label_font.size * 1.42)

    # Hashtag chips.
    chip_font = fonts.font(path, max(10, round(20 * s)))
    tags = _clean_tags(hashtags, path)
    if tags:
        y += round(6 * s)
        y = _draw_chips(draw, tags, chip_font, left, right, y, accent, s)
        y += round(18 * s)
    else:
        y += round(8 * s)

    # Feedback.
    body = fonts.drawable(feedback if isinstance(feedback, str) else str(feedback), path, keep_newlines=True)
    if body and y < bottom_limit:
        _draw_feedback(draw, body, path, left, text_width, y, bottom_limit, s)

    out = io.BytesIO()
    card.save(out, format="PNG")
    return out.getvalue()


def _clean_tags(hashtags: Sequence[str], path: str) -> list[str]:
    seen: set[str] = set()
    tags: list[str] = []
    for tag in hashtags:
        if not isinstance(tag, str):
            continue
        text = fonts.drawable(tag.replace("#", " "), path)
        text = "_".join(text.split())  # one hashtag is one token
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            tags.append(text)
        if len(tags) >= MAX_HASHTAGS:
            break
    return tags


def _draw_chips(draw: ImageDraw.ImageDraw, tags: list[str], font: ImageFont.FreeTypeFont,
                left: int, right: int, top: int, accent: RGB, s: float) -> int:
    """Rounded chips, left to right, at most `MAX_CHIP_ROWS` rows; returns the y below them."""
    pad_x, pad_y, gap = round(14 * s), round(7 * s), round(8 * s)
    # Hangul sits between the baseline and ~0.9 em above it: centre that, not the full ascent.
    ink_top = round(font.size * 0.92)
    chip_h = ink_top + round(font.size * 0.22) + 2 * pad_y
    fill = _mix(accent, (255, 255, 255), 0.78)
    ink = _readable(accent, fill, 4.5)
    outline = _mix(accent, (255, 255, 255), 0.45)
    row, x, y = 0, left, top
    for tag in tags:
        text = _truncate(f"#{tag}", font, right - left - 2 * pad_x)
        chip_w = round(font.getlength(text)) + 2 * pad_x
        if x > left and x + chip_w > right:
            row += 1
            if row >= MAX_CHIP_ROWS:
                break
            x, y = left, y + chip_h + gap
        draw.rounded_rectangle((x, y, x + chip_w, y + chip_h), radius=chip_h // 2, fill=fill,
                               outline=outline, width=max(1, round(s)))
        draw.text((x + pad_x, y + pad_y + ink_top), text, font=font, fill=ink, anchor="ls")
        x += chip_w + gap
    return y + chip_h


def _draw_feedback(draw: ImageDraw.ImageDraw, body: str, path: str, left: int, text_width: int,
                   top: int, bottom_limit: int, s: float) -> None:
    """Wrapped feedback between `top` and `bottom_limit`: the largest size (24 → 17 px at the
    default scale) at which it all fits; at the smallest, cut with "…"."""
    sizes = list(dict.fromkeys(max(9, round(px * s)) for px in (24, 22, 20, 18, 17)))
    fitted: tuple[ImageFont.FreeTypeFont, int, list[str], int] | None = None
    for size in sizes:
        font = fonts.font(path, size)
        ascent, descent = font.getmetrics()
        line_h = round(size * 1.55)
        room = bottom_limit - top - (ascent + descent)  # the first line's box must fit
        if room < 0:
            continue
        max_lines = min(MAX_FEEDBACK_LINES, room // line_h + 1)
        fitted = (font, line_h, wrap_text(body, font, text_width), max_lines)
        if len(fitted[2]) <= max_lines:
            break
    if fitted is None:
        return
    font, line_h, lines, max_lines = fitted
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _with_ellipsis(lines[-1], font, text_width)
    for n, line in enumerate(lines):
        draw.text((left, top + n * line_h), line, font=font, fill=_TEXT, anchor="la")
