"""The one policy for text people write, used by every service for every such field: diary
titles and contents, feed posts, comments, nicknames, introductions, search words.

- Unicode NFC: one word is stored, compared and counted one way (a Hangul syllable typed as
  separate jamo, as macOS sends it, becomes the syllable).
- Hidden characters are removed: C0 controls (a multi-line field keeps line breaks and tabs;
  CR LF, CR and the Unicode line and paragraph separators become LF), DEL, C1 controls, lone surrogates, and format characters: bidi
  embeddings, overrides and isolates (`"abc\\u202egnp.exe"` shows as "abcexe.png"), zero-width
  spaces and joiners, the byte-order mark, soft hyphens. A zero-width joiner between two emoji
  stays (it makes one emoji of them, 👩‍💻), and so do the tag characters of a flag emoji.
- A single-line field gets a space for each line break or tab; surrounding whitespace goes.

`clean` removes; a field where a removal would change what others read of a name refuses
instead (`changed_by_cleaning`), and a nickname must have a character one can see (`visible`).
Invalid UTF-8 never gets here: the gateway answers it with 400.
"""

from __future__ import annotations

import re
import unicodedata

ZERO_WIDTH_JOINER = "\u200d"
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029]")
# Letters that render as blank space: Hangul fillers, the blank Braille pattern.
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_VISIBLE_CATEGORIES = ("L", "N", "P", "S")


def _emoji(ch: str) -> bool:
    # Emoji are symbols (So); a sequence may also hold the emoji presentation selector and
    # skin-tone modifiers.
    return unicodedata.category(ch) == "So" or ch == "\ufe0f" or "\U0001f3fb" <= ch <= "\U0001f3ff"


def _tag(ch: str) -> bool:
    return "\U000e0020" <= ch <= "\U000e007f"


def clean(value: str, *, multiline: bool) -> str:
    """`value` in NFC without hidden characters, stripped; see the module's policy."""
    text = unicodedata.normalize("NFC", _LINE_BREAKS.sub("\n", value))
    kept: list[str] = []
    for i, ch in enumerate(text):
        if ch in "\n\t":
            kept.append(ch if multiline else " ")
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs"):
            continue
        if category == "Cf":
            previous = kept[-1] if kept else ""
            following = text[i + 1] if i + 1 < len(text) else ""
            joins_emoji = ch == ZERO_WIDTH_JOINER and previous and _emoji(previous) and following and _emoji(following)
            tags_flag = _tag(ch) and previous and (_emoji(previous) or _tag(previous))
            if not (joins_emoji or tags_flag):
                continue
        kept.append(ch)
    return "".join(kept).strip()


def changed_by_cleaning(value: str, *, multiline: bool) -> bool:
    """Whether `clean` removes or replaces more than surrounding whitespace and the NFC form."""
    return clean(value, multiline=multiline) != unicodedata.normalize("NFC", value).strip()


def visible(value: str) -> bool:
    """Whether `value` has a character that shows: a letter, digit, punctuation or symbol
    that is not a blank letter (whitespace, marks alone and fillers show nothing)."""
    return any(
        unicodedata.category(ch).startswith(_VISIBLE_CATEGORIES) and ch not in BLANK_LETTERS for ch in value
    )
