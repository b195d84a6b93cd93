"""Undo the usual disguises of crisis writing before any rule or model looks at the text.

People who write about wanting to die often blur the words, on purpose or by habit: jamo typed
one by one ("죽고싶ㄷㅏ"), initial-consonant shorthand ("ㅈㄱㅅㄷ"), symbols or digits inside a
word ("자.살", "su1c1de", "k!ll"), stretched letters ("dieeee"), laughter marks around the
sentence ("ㅋㅋ 죽고싶다ㅋㅋ"), romanised Korean ("jukgo sipda") and online slang ("unalive",
"kms", "sewerslide"). `reveal(text)` returns the text with these undone, lower-cased, with its
sentence breaks kept, so the constructs and the semantic layer see plain words.
"""
from __future__ import annotations

import re
import unicodedata

__all__ = ["LAUGH", "compose_jamo", "reveal"]

#: What laughter marks ("ㅋㅋ", "lol") become: a private-use character that no rule reads as a
#: word, so `context` can still tell a sentence was laughed off.
LAUGH = "\ue000"

# Compatibility jamo (what keyboards type alone) -> indices of the composed syllable.
_CHOSEONG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_JUNGSEONG = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_JONGSEONG = " ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"
# A consonant + vowel (+ a final consonant that does not start the next syllable).
_JAMO_SYLLABLE = re.compile(f"([{_CHOSEONG}])([{_JUNGSEONG}])(?:([{_JONGSEONG[1:]}])(?![{_JUNGSEONG}]))?")
# A syllable typed whole except its final consonant ("죽고싶ㄷ" is not this; "주ㄱ고" is).
_OPEN_SYLLABLE_THEN_FINAL = re.compile(f"([\uac00-\ud7a3])([{_JONGSEONG[1:]}])(?=[\uac00-\ud7a3])")


def compose_jamo(text: str) -> str:
    """"ㅈㅜㄱㄱㅗ 싶ㄷㅏ" -> "죽고 싶다": jamo typed one by one become syllables.

    Lone consonants or vowels ("ㅋㅋ", "ㅠㅠ") stay as they are.
    """
    def syllable(m: re.Match[str]) -> str:
        lead, vowel, tail = m.group(1), m.group(2), m.group(3) or " "
        return chr(0xAC00 + (_CHOSEONG.index(lead) * 21 + _JUNGSEONG.index(vowel)) * 28
                   + _JONGSEONG.index(tail))

    def add_final(m: re.Match[str]) -> str:
        base = ord(m.group(1)) - 0xAC00
        if base % 28:  # already has a final consonant: leave it
            return m.group(0)
        return chr(0xAC00 + base + _JONGSEONG.index(m.group(2)))

    text = _JAMO_SYLLABLE.sub(syllable, text)
    return _OPEN_SYLLABLE_THEN_FINAL.sub(add_final, text)


# Initial-consonant shorthand that only ever means one thing. Ambiguous ones ("ㅈㅅ" is also
# "죄송", sorry) are left to the constructs, which accept them only before a verb of intent.
_CHOSEONG_SHORTHAND = {
    "ㅈㄱㅅㄷ": "죽고싶다", "ㅈㄱㅅㅇ": "죽고싶어", "ㅈㄱㅅㄴ": "죽고싶네", "ㅈㄱㅅㄱ": "죽고싶게",
    "ㅅㄱㅅㄷ": "살기싫다", "ㅅㄱㅅㅇ": "살기싫어", "ㅈㅅㅊㄷ": "자살충동", "ㅈㅅㅅㄱ": "자살생각",
    "ㄱㅁㅇㅆ": "고마웠", "ㅁㅇㅎㅆ": "미안했", "ㅅㄹㅎㅆ": "사랑했",
}
_SHORTHAND = re.compile("|".join(sorted(_CHOSEONG_SHORTHAND, key=len, reverse=True)))

# Laughter and crying marks carry no words; they are dropped so they cannot split or hide one.
_MARKS = re.compile(r"[ㅋㅎㅠㅜ]{2,}|(?<![ㄱ-ㅎ])[ㅋㅎ](?=\s|$)|(?<![a-z])(?:lol+|lmf?ao+|ha(?:ha)+h?|he(?:he)+|xd+)(?![a-z])")

# A laugh typed into the last syllable's final consonant ("좋겠닼ㅋ", "싶닼ㅋㅋ"): the syllable
# without it (ㅋ is the 24th final; no everyday word ends in one before a laugh).
_LAUGH_IN_FINAL = re.compile(r"[\uac00-\ud7a3](?=ㅋ)")
_FINAL_K = 24


def _unlaugh_final(match: re.Match[str]) -> str:
    code = ord(match.group(0)) - 0xAC00
    return chr(0xAC00 + code - _FINAL_K) if code % 28 == _FINAL_K else match.group(0)


# Between two Hangul syllables, anything but a space, a line break or a quotation mark is a
# disguise ("자.살", "죽_고_싶_다", "죽1고2싶다"): it is removed. Spaces are kept (the constructs
# ignore them); quotation marks too ("'…모르겠지'라는 가사": the context layer reads quotations).
# A dot only between single syllables ("자.살"), so "했다.그리고" keeps its sentence break.
_INSIDE_HANGUL = re.compile(r"(?<=[\uac00-\ud7a3])[^\s\uac00-\ud7a3.!?'\"]{1,3}(?=[\uac00-\ud7a3])|"
                            r"(?<=(?<![\uac00-\ud7a3])[\uac00-\ud7a3])[.](?=[\uac00-\ud7a3])|"
                            r"(?<=[\uac00-\ud7a3])[.](?=[\uac00-\ud7a3](?:[.\s]|$))")

# Leetspeak: inside a word that also has letters, these stand for letters.
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a",
                       "$": "s", "!": "i", "*": "i", "|": "l", "€": "e"})
# Not an ordinal ("10th") or a time ("3am", "11pm"), and never ending in a symbol ("today!!" keeps its
# exclamation marks).
_LEET_WORD = re.compile(r"(?<![a-z0-9@$!*|€])(?!\d+(?:st|nd|rd|th)\b)(?!\d{1,2}(?:am|pm)\b)(?=[a-z0-9@$!*|€]*[a-z])(?=[a-z0-9@$!*|€]*[0-9@$!*|€])"
                        r"[a-z0-9@$!*|€]+[a-z0-9]")
# "1" for "i" before a verb ("1 want t0 d13").
_LEET_I = re.compile(r"(?<![\w.])1(?=\s+(?:want|wanna|am|m|need|can'?t|just|will|don'?t|hate|feel|really|mean|wish)\b)")
# Letters broken up by dots, dashes, underscores or spaces: "s.u.i.c.i.d.e", "k-i-l-l".
_SPELLED_OUT = re.compile(r"\b(?:[a-z][._\-/ ]){3,}[a-z]\b")
# Stretched letters: a vowel run becomes one ("diiieeee" -> "die"), a consonant run two.
_STRETCHED_VOWEL = re.compile(r"([aeiouy])\1{2,}")
_STRETCHED_CONSONANT = re.compile(r"([b-df-hj-np-tv-xz])\1{2,}")

# Romanised Korean crisis phrases (the usual spellings), back to Hangul.
_ROMANISED = [
    (re.compile(r"\bju[kg]+o?\s?(?:sip|shi?p)(?:da|eo|eoyo|ne|a)?\b"), "죽고싶다"),
    (re.compile(r"\bja\s?sal\b"), "자살"),
    (re.compile(r"\bsal\s?gi\s?sil(?:eo|ta|da)\b"), "살기싫다"),
    (re.compile(r"\bja\s?hae\b"), "자해"),
]

# English slang and euphemisms, said plainly.
_SLANG = [
    (re.compile(r"\bun[- ]?alive(?:d|ing)?\s+(myself|me)\b"), r"kill \1"),
    (re.compile(r"\bun[- ]?aliv(?:e|ed|ing)\b"), "kill myself"),
    (re.compile(r"\bself[- ]?delet(?:e|ing|ed)\b"), "kill myself"),
    (re.compile(r"\bsewer\s?slide|\bsui(?:c|s)ide|\bsu+icide|\bsooicide|\bsuey?cide\b|\bsudoku\b(?=[^.!?]{0,20}\b(?:myself|commit|thoughts?|plan))"), "suicide"),
    (re.compile(r"\bcommit\s+(?:toaster\s+bath|die)\b"), "commit suicide"),
    (re.compile(r"\bsui\b(?=\s+(?:thoughts?|ideation|attempt|plan|urges?))"), "suicide"),
    (re.compile(r"\b(want|wanna|need|going|ready|have|gonna|wish)\s+(?:2|tae|ta)\b"), r"\1 to"),
    (re.compile(r"\btae\b"), "to"),
    (re.compile(r"\bkms+\b"), "kill myself"),
    (re.compile(r"\bk\s?m\s?s\b"), "kill myself"),
    (re.compile(r"\b(?:off|neck|rope|yeet)\s+myself\b|\btop(?:ping|ped)?\s+myself\b(?!\s+up)|\bdo(?:ing)?\s+myself\s+in\b"), "kill myself"),
    # a wish said as a pseudo-cleft ("what I want is to be in the ground", "all i need is to disappear")
    (re.compile(r"\b(?:what|all)\s+i\s+(want|wish|need)\s+is\s+(?:just\s+)?to\b"), r"i \1 to"),
    (re.compile(r"\bkill\s+myslef\b|\bkil+\s+my\s?self\b"), "kill myself"),
    (re.compile(r"\bs\s?/\s?h\b|\bsh'(?:ed|d)\b"), "self-harm"),
    (re.compile(r"\bctb\b|\bcatch(?:ing)?\s+the\s+bus\b(?=[^.!?]{0,30}\b(?:for good|forever|tonight|soon|ready|plan|for real|this time|sorted))"), "kill myself"),
    (re.compile(r"\bsh\b(?=\s+(?:again|relapse|urges?|scars?|marks?))"), "self-harm"),
]


# Jamo typed with spaces between them ("ㅈ ㅜ ㄱ ㄱ ㅗ"): the spaces go before composing.
_SPACED_JAMO = re.compile(r"[ㄱ-ㅣ](?: [ㄱ-ㅣ]){3,}")


# Gyeongsang 삐다/뿌다 and Jeolla 불다 for 버리다 after a verb ("가삐고 싶다", "죽어삐까", "내 가뿌면",
# "차에 치여불믄"); not 삐다 "to sprain" after a noun or particle ("발목을 삐고"), nor 까불다 or 가불 (an advance).
_DIALECT_BEORIDA = re.compile(r"(?<=[가와해져지나내워어여])(?:(?:삐|뿌)(?=고|리|릴|렸|까|라|맀|삔|뿐다|제|면|믄)|불(?=고|면|믄|까|게|자|라))")
# Jeolla and Chungcheong endings: 믄 for 면 ("가믄", "치여불믄"), 겄 for 겠 ("원이 없겄소", "좋겄어야").
_DIALECT_ENDINGS = (re.compile(r"(?<=[\uac00-\ud7a3])믄"), "면"), (re.compile("겄"), "겠")
# "ㅈㄱ싶음": the initials of 죽고 before a verb of wanting (ㅈㄱ alone is also 지금, 진짜 …).
_DIE_INITIALS = re.compile(r"ㅈㄱ(?=\s?(?:싶|십|시프|파))")


def _hangul_text(text: str) -> str:
    text = _SPACED_JAMO.sub(lambda m: m.group(0).replace(" ", ""), text)
    text = _DIALECT_BEORIDA.sub("버리", text)
    for pattern, plain in _DIALECT_ENDINGS:
        text = pattern.sub(plain, text)
    text = compose_jamo(text)
    text = _SHORTHAND.sub(lambda m: _CHOSEONG_SHORTHAND[m.group(0)], text)
    text = _DIE_INITIALS.sub("죽고", text)
    text = _MARKS.sub(f" {LAUGH} ", _LAUGH_IN_FINAL.sub(_unlaugh_final, text))
    # Twice: "죽_고_싶" has overlapping windows.
    return _INSIDE_HANGUL.sub("", _INSIDE_HANGUL.sub("", text))


# Shorthand that leetspeak would misread ("every1") or that stands for a plain word ("w/o").
_DIGIT_WORDS = [(re.compile(r"\bw/o\b"), "without"), (re.compile(r"\bevery1\b"), "everyone"), (re.compile(r"\bsome1\b"), "someone"),
                (re.compile(r"\bno1\b"), "no one"), (re.compile(r"\b4ever\b"), "forever")]


def _latin_text(text: str) -> str:
    for pattern, plain in _DIGIT_WORDS:
        text = pattern.sub(plain, text)
    text = _LEET_I.sub("i", _LEET_WORD.sub(lambda m: m.group(0).translate(_LEET), text))
    text = _SPELLED_OUT.sub(lambda m: re.sub(r"[._\-/ ]", "", m.group(0)), text)
    text = _STRETCHED_CONSONANT.sub(r"\1\1", _STRETCHED_VOWEL.sub(r"\1", text))
    for pattern, plain in _ROMANISED:
        text = pattern.sub(plain, text)
    for pattern, plain in _SLANG:
        text = pattern.sub(plain, text)
    return text


def reveal(text: str) -> str:
    """NFC, lower case, typographic quotes plain, disguises undone; line breaks kept."""
    text = unicodedata.normalize("NFC", text).lower()
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = _hangul_text(text)
    return _latin_text(text)
