"""The Korean font every Pillow-drawn picture uses (word clouds, emotion cards), and the glyph
checks that keep text from being drawn as tofu boxes.

Font: Noto Sans KR (SIL OFL 1.1) from the PyPI package `pylopdf-fonts-ko`, found at run time
through importlib.resources; `korean_font_path()` raises `FontMissingError` when it is missing.

Fonts are loaded with Pillow's BASIC layout engine: no dependency on libraqm being present, and
the same shaping (so the same bytes) everywhere.
"""
from __future__ import annotations

import functools
import unicodedata
from importlib import resources
from pathlib import Path

from PIL import ImageFont

__all__ = [
    "FONT_FILE",
    "FONT_PACKAGE",
    "FontMissingError",
    "drawable",
    "font",
    "has_glyph",
    "korean_font_path",
]

FONT_PACKAGE = "pylopdf_fonts_ko"  # PyPI: pylopdf-fonts-ko (Noto Sans KR / Serif KR, OFL-1.1)
FONT_FILE = "NotoSansKR-Regular.otf"


class FontMissingError(RuntimeError):
    """The Korean font is not installed."""


@functools.lru_cache(maxsize=1)
def korean_font_path() -> Path:
    """Path of the bundled Korean-capable font (Noto Sans KR), from the installed package."""
    hint = f"install the PyPI package 'pylopdf-fonts-ko' (module {FONT_PACKAGE!r}), which ships {FONT_FILE}"
    try:
        resource = resources.files(FONT_PACKAGE).joinpath(FONT_FILE)
    except ModuleNotFoundError as exc:
        raise FontMissingError(f"Korean font not found: {hint}") from exc
    if not isinstance(resource, Path) or not resource.is_file():
        raise FontMissingError(f"Korean font {FONT_FILE} missing or not a plain file: {hint}")
    return resource


@functools.lru_cache(maxsize=256)
def font(path: str, size: int) -> ImageFont.FreeTypeFont:
    """The font at `path` in `size` pixels, BASIC layout (cached)."""
    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.BASIC)


_PROBE_SIZE = 32
_MISSING_PROBE = "\uffff"  # a noncharacter: no font maps it, so it draws the .notdef glyph


@functools.lru_cache(maxsize=8192)
def has_glyph(path: str, char: str) -> bool:
    """True when the font maps `char`; a missing one renders exactly like the .notdef probe."""
    probe = font(path, _PROBE_SIZE)
    mask, missing = probe.getmask(char), probe.getmask(_MISSING_PROBE)
    return not (mask.size == missing.size and bytes(mask) == bytes(missing))


# Controls, format (ZWJ, VS16), surrogates, private use, unassigned.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def drawable(text: str, path: str, *, keep_newlines: bool = False) -> str:
    """NFC `text` without the characters the font at `path` cannot draw (emoji, controls…);
    runs of whitespace collapsed to one space (newlines kept as paragraph breaks, empty lines
    dropped, when `keep_newlines`), ends trimmed. May return ""."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for char in text:
        if char == "\n" and keep_newlines:
            kept.append("\n")
        elif char.isspace():
            kept.append(" ")
        elif unicodedata.category(char) not in _DROPPED_CATEGORIES and has_glyph(path, char):
            kept.append(char)
    lines = (" ".join(line.split()) for line in "".join(kept).split("\n"))
    return "\n".join(line for line in lines if line)
