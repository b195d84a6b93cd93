"""Keywords (for word clouds) and hashtags, taken from the diary's own words.

Korean: no morphological analyser. kiwipiepy 0.24.1 (Apache-2.0) was measured on this
2-core machine at about 110 short texts/s single-threaded with a 105 MB model and 2 s
start-up, too slow for the 500 diaries/s target, so nouns are found with rules instead:
josa (particles) are stripped by the final-consonant agreement they must have (친구가,
책이, 친구를, 책을), "X하다/X되다" verbs give their noun X (공부했다 -> 공부), and tokens
that carry verb endings (a ㅆ-final tense syllable, -고 싶다, -는데, -어서, ...) are left out.
English: lower-cased content words minus a stop-word list.

Feeling words ("행복", "sad") are kept as keywords but ranked lower, and used as hashtags only
when the text has too few other content words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from emotion_service.analysis.emotions import Emotion
from emotion_service.analysis.lexicon import EN_LEXICON, KO_LEXICON
from emotion_service.analysis.text import detect_language, josa, normalise

__all__ = ["KeywordExtractor", "Keywords", "is_korean_noun", "korean_noun"]

MAX_KEYWORDS = 15
MIN_HASHTAGS = 3
MAX_HASHTAGS = 5


@dataclass(frozen=True)
class Keywords:
    keywords: tuple[tuple[str, float], ...]  # weight in (0, 1], highest first
    hashtags: tuple[str, ...]  # 3-5, without '#'


# ------------------------------------------------------------------ Korean rules

def _final(syllable: str) -> int:
    """Index of the final consonant (0 = none, 8 = ㄹ, 20 = ㅆ); -1 for non-syllables."""
    o = ord(syllable)
    return (o - 0xAC00) % 28 if 0xAC00 <= o <= 0xD7A3 else -1


# Particles whose form depends on the final consonant of the noun before them.
_JOSA_AFTER_FINAL = ("이", "은", "을", "과", "으로", "이랑", "이나", "이라도", "이라고", "이라서",
                     "이에요", "이야", "이고", "이지만", "이었다", "이다")
_JOSA_AFTER_VOWEL = ("가", "는", "를", "와", "로", "랑", "나", "라도", "라고", "라서", "예요", "야",
                     "였다", "다")
# Particles that attach to any noun.
_JOSA_ANY = ("에서부터", "으로부터", "에게서", "한테서", "에서는", "에서도", "에서의", "에게는",
             "에게도", "한테는", "까지는", "까지도", "부터는", "처럼", "보다", "마다", "까지",
             "부터", "에서", "에게", "한테", "께서", "하고", "에는", "에도", "에의", "조차",
             "밖에", "만큼", "대로", "의", "에", "도", "만", "께")
_ALL_JOSA = sorted(set(_JOSA_AFTER_FINAL + _JOSA_AFTER_VOWEL + _JOSA_ANY), key=len, reverse=True)
_AFTER_FINAL = frozenset(_JOSA_AFTER_FINAL)
_AFTER_VOWEL = frozenset(_JOSA_AFTER_VOWEL)

# Nouns that look like noun + particle or like a verb ending; kept whole.
_KO_WHOLE = frozenset({
    "고양이", "아이", "어린이", "놀이", "나이", "사이", "오이", "바다", "편지", "휴지", "바지",
    "최고", "사고", "창고", "과자", "의자", "여자", "남자", "모자", "회의", "강의", "토의", "의의",
    "주의", "거리", "머리", "다리", "소리", "요리", "우리", "자리", "고기", "놀이터", "도서관",
    "축제", "부모", "할머니", "어머니", "언니", "누나", "동생", "친구", "가족", "선생님",
    "아버지", "할아버지", "이모", "고모", "삼촌", "커피", "카페", "버스", "택시", "회사",
    "학교", "영화", "드라마", "노래", "게임", "치킨", "피자", "라면", "산책", "운동", "공부",
    "시험", "여행", "주말", "생일", "선물", "케이크", "아침", "점심", "저녁", "강아지",
    "병원", "공원", "한강", "가게", "광고", "냉면", "사진", "휴가", "숙제", "과제", "엄마", "아빠", "비", "눈", "집", "밥", "책", "꽃", "꿈", "술", "빵", "산", "차", "옷",
    "일", "돈", "길", "잠", "숲", "봄", "별", "달", "몸", "맘", "글", "펜", "팀", "빛",
})
_KO_SINGLE_OK = frozenset(w for w in _KO_WHOLE if len(w) == 1)

# Endings that mark a verb or adjective form (checked after the noun and particle rules).
_PREDICATE_ENDINGS = (
    "다", "요", "고", "서", "며", "면", "니", "네", "죠", "게", "지", "데", "던", "듯",
    "여", "워", "줘", "봐", "려", "져", "쳐", "켜", "혀",
    "는다", "니다", "어요", "아요", "해요", "세요", "네요", "지만", "는데", "은데", "면서",
    "어서", "아서", "해서", "려고", "더니", "도록", "으니", "니까", "거든", "는지", "어도",
    "아도", "해도", "으면", "싶다", "싶어", "싶은", "같다", "같아", "같은", "없는", "없이",
    "있는", "하는", "하게", "스럽", "스러운", "스런", "롭게", "로운",
)
_VERBAL_NOUN = re.compile(
    r"^(.{2,}?)(하다|했다|했어|했고|했는데|했던|했지만|해서|해요|했어요|합니다|하고|하는|하며|하면|"
    r"하지|하니|하러|하려고|할|한|함|해|했|되다|됐다|되어|돼서|됐어|되고|되는|된|될|됐고|됐는데|"
    r"시키다|시켰다|스럽다|스러웠다|스러운|스러워|답다|다웠다)$"
)
_STOP_KO = frozenset({
    "오늘", "어제", "내일", "정말", "너무", "진짜", "그냥", "그리고", "그래서", "하지만", "그런데",
    "근데", "그러나", "그래도", "그러면", "그럼", "이제", "많이", "조금", "아주", "매우", "엄청",
    "완전", "이번", "하루", "지금", "다시", "계속", "같이", "함께", "혼자", "모두", "다들", "뭔가",
    "무언가", "그게", "이게", "그것", "이것", "저것", "여기", "거기", "어디", "누구", "무엇",
    "어떻게", "언제", "생각", "느낌", "기분", "정도", "처음", "진심", "약간", "별로", "아무",
    "하나", "한번", "제일", "가장", "항상", "자주", "가끔", "벌써", "아직", "이미", "드디어",
    "결국", "역시", "그런", "이런", "저런", "어떤", "무슨", "모든", "다른", "어느", "오랜만",
    "오랫동안", "요즘", "요새", "최근", "하루종일", "종일", "내내", "때문", "때문에", "위해",
    "대해", "통해", "사람", "자신", "스스로", "우리", "나는", "내가", "저는", "제가", "그냥",
    "이렇게", "그렇게", "저렇게", "왠지", "괜히", "마치", "특히", "또한", "물론", "사실",
    "얼마나", "마음", "것", "거", "수", "때", "등", "좀", "또", "더", "꼭", "잘", "못",
    "안", "왜", "막", "참", "다", "나", "너", "저", "내", "제", "그", "이", "뭐", "게", "데",
    "번", "날", "분", "쪽", "중", "채", "듯", "뿐", "만큼", "동안", "정말로", "되게", "굉장히",
    "무척", "빨리", "천천히", "오늘도", "그날", "이날", "다음", "마지막", "모처럼", "잠깐",
})


_JOSA_SET = frozenset(_ALL_JOSA)
_JOSA_MAX = max(map(len, _ALL_JOSA))


def _strip_josa(token: str) -> str | None:
    """The noun before a particle, or None when no particle fits.

    Longest particle first, but a known noun wins: 고양이랑 -> 고양이 (+랑), not 고양 (+이랑).
    """
    first: str | None = None
    for size in range(min(_JOSA_MAX, len(token) - 1), 0, -1):
        j = token[-size:]
        if j not in _JOSA_SET:
            continue
        stem = token[:-size]
        f = _final(stem[-1])
        if f < 0:
            continue
        if j in _AFTER_FINAL and f == 0:
            continue
        if j in _AFTER_VOWEL and f != 0:
            continue
        if j == "으로" and f == 8:  # ㄹ-final nouns take 로
            continue
        if j == "로" and f not in (0, 8):
            continue
        if _depluralise(stem) in _KO_WHOLE:
            return stem
        if first is None:
            first = stem
    return first


def _depluralise(noun: str) -> str:
    return noun[:-1] if noun.endswith("들") and len(noun) >= 3 else noun


def korean_noun(token: str) -> str | None:
    """The noun a Korean word carries (친구들과 -> 친구, 공부했다 -> 공부), or None."""
    if token in _KO_WHOLE:
        return token
    stripped = _strip_josa(token)
    if stripped is not None:
        stripped = _depluralise(stripped)
        if stripped in _KO_WHOLE:
            return stripped
        if (len(stripped) >= 2 and not any(_final(c) == 20 for c in stripped)
                and not stripped.endswith(_PREDICATE_ENDINGS)):
            return stripped
        if stripped.endswith(_PREDICATE_ENDINGS):  # 싶다+는: a verb form, not a noun
            return None
        if len(stripped) == 1:  # 탓을, 뭘: a one-syllable noun we do not know
            return None
    m = _VERBAL_NOUN.match(token)
    if m and not any(_final(c) == 20 for c in m.group(1)):
        return m.group(1)
    if any(_final(c) == 20 for c in token):  # 먹었다, 갔고, 있는: tense/existence forms
        return None
    if token.endswith(_PREDICATE_ENDINGS):
        return None
    token = _depluralise(token)
    return token if len(token) >= 2 else None


def is_korean_noun(word: str) -> bool:
    """Whether `word` reads as a bare noun: it comes back whole from "<word>을/를", and does not
    end in a particle that attaches to any noun (1년만, 친구도)."""
    return (korean_noun(josa(word, "을/를")) == word
            and not any(word.endswith(j) and len(word) > len(j) for j in _JOSA_ANY))


# ------------------------------------------------------------------ English rules

_STOP_EN = frozenset("""
a about above after again against all almost also although always am an and another any anybody
anyone anything anyway are around as at away back bad be became because become been before being
below best better between big bit both but by came can can't cannot come comes coming could
couldn't day days did didn't do does doesn't doing don't done down during each else enough even
ever every everybody everyone everything feel feeling feels felt few finally first for found from
get gets getting go goes going gone good got great had hadn't has hasn't have haven't having he
her here hers herself him himself his how however i i'd i'll i'm i've if in into is isn't it it's
its itself just keep kept kind know knew last least less let like little lot lots made make makes
making many maybe me might mine more most much must my myself need needed never new next nice no
nobody none nor not nothing now of off often oh ok okay old on once one only or other others our
ours ourselves out over own part people pretty put quite rather really right said same saw say see
seem seemed seems several she should shouldn't since so some somebody someone something sometimes
somewhat soon still such sure take taken takes than that that's the their theirs them themselves
then there there's these they they're thing things think thinking this those though thought
through time times to today together tomorrow tonight too took toward try tried trying two under
until up upon us use used very via want wanted wants was wasn't way we we're well went were weren't
what what's when where whether which while who whole whom whose why will with within without won't
would wouldn't yeah yes yet yesterday you you're your yours yourself morning evening night week
gonna wanna kinda sort around
ate began bought broke brought built caught chose drank drove fell flew forgot gave grew heard held
left met paid ran sat sang sent slept spent spoke stood swam taught told understood woke won wore
wrote
""".split())
_EN_TOKEN = re.compile(r"[a-z][a-z'\-]*[a-z]|[a-z]")


def _english_word(token: str) -> str | None:
    token = token.replace("’", "'")
    if token.endswith("'s"):
        token = token[:-2]
    if len(token) < 3 or token in _STOP_EN or "'" in token:
        return None
    if token.endswith("ly") and len(token) > 4:  # adverbs
        return None
    return token


# ------------------------------------------------------------------ extraction

_KO_TOKEN = re.compile(r"[가-힣a-z0-9]+")


class KeywordExtractor:
    """keywords + hashtags of one text; stateless and thread-safe."""

    def __init__(self, max_keywords: int = MAX_KEYWORDS, max_hashtags: int = MAX_HASHTAGS) -> None:
        self.max_keywords = max_keywords
        self.max_hashtags = max(MIN_HASHTAGS, min(MAX_HASHTAGS, max_hashtags))

    def extract(self, text: str, language: str | None = None,
                dominant: Emotion | None = None) -> Keywords:
        language = language or detect_language(text)
        norm = normalise(text)
        # word -> [score, first position, is-feeling-word]
        found: dict[str, list] = {}
        position = 0
        if language == "ko":
            for token in _KO_TOKEN.findall(norm):
                position += 1
                if token.isascii():
                    word = _english_word(token) if not token.isdigit() else None
                else:
                    word = korean_noun(token)
                if word is None or word in _STOP_KO:
                    continue
                if len(word) == 1 and word not in _KO_SINGLE_OK:
                    continue
                feeling = _is_feeling(word)
                length_factor = (0.8, 0.9, 1.0)[min(len(word), 3) - 1]
                self._add(found, word, position, length_factor * (0.5 if feeling else 1.0), feeling)
        else:
            for token in _EN_TOKEN.findall(norm):
                position += 1
                word = _english_word(token)
                if word is None:
                    continue
                feeling = word in EN_LEXICON
                factor = 1.0 if len(word) >= 4 else 0.8
                if word.endswith("ed") or word.endswith("ing"):
                    factor *= 0.6  # mostly verb forms
                self._add(found, word, position, factor * (0.5 if feeling else 1.0), feeling)
        ranked = sorted(found.items(), key=lambda kv: (-kv[1][0], kv[1][1]))
        top = ranked[0][1][0] if ranked else 1.0
        keywords = tuple((w, round(v[0] / top, 4)) for w, v in ranked[: self.max_keywords])
        return Keywords(keywords, self._hashtags(ranked, language, dominant))

    @staticmethod
    def _add(found: dict[str, list], word: str, position: int, weight: float, feeling: bool) -> None:
        entry = found.get(word)
        if entry is None:
            # earlier words weigh a little more (the topic tends to come first)
            found[word] = [weight * (1.0 + 0.2 / (1 + position / 8)), position, feeling]
        else:
            entry[0] += weight

    def _hashtags(self, ranked: list, language: str, dominant: Emotion | None) -> tuple[str, ...]:
        tags = [w for w, v in ranked if not v[2]][: self.max_hashtags]
        if len(tags) < MIN_HASHTAGS:
            tags += [w for w, v in ranked if v[2]][: MIN_HASHTAGS - len(tags)]
        # Too short a text: fall back on the feeling and the day itself.
        fallback = ([dominant.korean] if dominant and dominant is not Emotion.NONE else []) + ["오늘", "일기", "하루"]
        if language == "en":
            fallback = ([dominant.name.lower()] if dominant and dominant is not Emotion.NONE else []) + ["today", "diary", "day"]
        for word in fallback:
            if len(tags) >= MIN_HASHTAGS:
                break
            if word not in tags:
                tags.append(word)
        return tuple(tags)


_KO_FEELING_STEMS = frozenset(s for s in KO_LEXICON if " " not in s and len(s) >= 2) | {
    "행복", "기쁨", "슬픔", "불안", "걱정", "짜증", "우울", "분노", "공포", "감사", "긴장", "설렘",
    "스트레스", "외로움", "즐거움", "두려움", "피곤", "피로", "힘듦", "눈물",
}
# A word is a feeling word when it starts with a feeling stem or is the start of one (화가 -> 화).
_KO_FEELING_PREFIXES = frozenset(s[:n] for s in _KO_FEELING_STEMS for n in range(2, len(s) + 1))
_KO_FEELING_MAX = max(map(len, _KO_FEELING_STEMS))


def _is_feeling(word: str) -> bool:
    if word in _KO_FEELING_PREFIXES:
        return True
    return any(word[:n] in _KO_FEELING_STEMS for n in range(2, min(len(word), _KO_FEELING_MAX) + 1))
