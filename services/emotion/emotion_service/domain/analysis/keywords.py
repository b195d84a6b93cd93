"""Keywords (for word clouds) and hashtags, taken from the diary's own nouns (nouns.py).

Hashtags name what the day was about: the nouns the entry uses as nouns, most repeated and
earliest first. The noun of a "X하다" verb (공부했다 -> 공부) comes next, and feeling words
(행복, "sadness") last: they are kept as keywords, ranked lower, and become hashtags only when
the entry has nothing else to show. Words every diary has (오늘, "day") are never either.
"""
from __future__ import annotations

from dataclasses import dataclass

from emotion_service.domain.analysis.emotions import Emotion
from emotion_service.domain.analysis.lexicon import EN_LEXICON, KO_LEXICON
from emotion_service.domain.analysis.nouns import NAME, VERBAL, nouns
from emotion_service.domain.analysis.text import detect_language

__all__ = ["KeywordExtractor", "Keywords"]

MAX_KEYWORDS = 15
MAX_HASHTAGS = 3  # what a card shows
#: Fewer nouns than this used as nouns: the nouns of verbs, then feeling words, fill in.
MIN_HASHTAGS_FROM_TEXT = 2


@dataclass(frozen=True)
class Keywords:
    keywords: tuple[tuple[str, float], ...]  # weight in (0, 1], highest first
    hashtags: tuple[str, ...]  # 1-3, without '#'


@dataclass(slots=True)
class _Found:
    """A word of the text as `extract` counts it."""

    score: float
    position: int  # of its first use
    feeling: bool  # a feeling word
    kind: str  # nouns.STANDING, VERBAL or NAME (its first use)
    as_noun: bool  # used as a noun at least once


# One-syllable Korean nouns worth showing; other one-syllable nouns (것, 때, 점) say too little.
_KO_ONE_SYLLABLE = frozenset({
    "비", "밥", "책", "꽃", "꿈", "술", "빵", "산", "차", "옷", "돈", "길", "잠", "숲", "봄",
    "별", "글", "펜", "팀", "빛", "약", "병", "곡", "땀", "방", "국", "떡", "죽", "벌", "개",
})

# Words every diary has, or too vague to name a day by.
_STOP_KO = frozenset({
    "오늘", "어제", "내일", "하루", "지금", "이번", "요즘", "요새", "최근", "처음", "마지막", "다음", "그날",
    "이날", "오랜만", "종일", "하루종일", "내내", "동안", "때문", "생각", "느낌", "기분", "마음", "정도",
    "진심", "진짜", "정말", "사실", "사람", "자신", "자체", "별일", "모습", "뭔가", "하나", "한번", "것", "거",
    "수", "때", "등", "번", "날", "분", "쪽", "중", "채", "듯", "뿐",
    # where, said of anything: 가운데 앉은, 소리가 나서
    "가운데", "자리", "바닥", "앞", "뒤", "옆", "위", "아래", "밖", "소리", "혼자",
})

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
# Times of day, days, dates and units: when and how much, never what the day was about.
_TIME_KO = frozenset({
    "아침", "점심", "저녁", "오전", "오후", "새벽", "밤", "낮", "어젯밤", "오늘밤", "지난주", "이번주", "다음주",
    "지난달", "이번달", "다음달", "주말", "평일", "월요일", "화요일", "수요일", "목요일", "금요일", "토요일",
    "일요일", "하루하루", "하룻밤", "이틀", "사흘", "나흘", "닷새", "한참", "한동안", "시간", "시간대", "날짜", "요일",
    "작년", "올해", "내년", "지난해", "평소", "중간", "사이", "반년", "월말", "월초", "연말", "연초", "첫날", "밤새",
    "그동안", "분", "초", "미터", "킬로", "퍼센트",
})
_STOP_EN_NOUNS = frozenset("""
monday tuesday wednesday thursday friday saturday sunday mondays tuesdays wednesdays thursdays fridays
saturdays sundays weekend weekends weekday weekdays january february
march april may june july august september october november december weeks months years hour half
degrees inches inch metre metres meter meters mile miles kilometre kilometres percent minutes ones
afternoon afternoons dozen dozens ton tons total couple pair bunch loads
day days time times today tonight morning evening night week month year hour hours minute minutes
moment thing things lot lots bit way stuff kind sort everyone everything something nothing anything
people person guy guys life rest end start feeling feelings mood lol tbh omg lmao haha idk ok ways
experience name word words front side middle top bottom mind home
""".split())

# Body parts mostly say how a feeling felt (심장이 벌렁벌렁, my heart sank): ranked with the
# feeling words, below what the day was about.
_BODY_KO = frozenset({
    "머리", "얼굴", "눈", "코", "입", "귀", "목", "어깨", "팔", "손", "손끝", "손가락", "가슴", "심장", "배",
    "허리", "다리", "무릎", "발", "발가락", "등", "피부", "속", "몸", "목소리", "숨",
})
_BODY_EN = frozenset("""
head face eye eyes nose mouth ear ears neck shoulder shoulders arm arms hand hands finger fingers
chest heart stomach belly back leg legs knee knees foot feet skin body throat voice breath
""".split())

_FEELING_NOUN_EN = {Emotion.HAPPY: "happiness", Emotion.JOY: "joy", Emotion.SAD: "sadness",
                    Emotion.ANXIOUS: "anxiety", Emotion.ANGRY: "anger", Emotion.SURPRISE: "surprise",
                    Emotion.DISGUST: "disgust", Emotion.FEAR: "fear"}

#: Weight of a noun by how the entry uses it: as a noun, or as the noun of a X하다 verb.
_STANDING_WEIGHT, _VERBAL_WEIGHT, _FEELING_FACTOR = 1.0, 0.6, 0.5


class KeywordExtractor:
    """keywords + hashtags of one text; stateless and thread-safe."""

    def __init__(self, max_keywords: int = MAX_KEYWORDS, max_hashtags: int = MAX_HASHTAGS) -> None:
        self.max_keywords = max_keywords
        self.max_hashtags = max(1, min(MAX_HASHTAGS, max_hashtags))

    def extract(self, text: str, language: str | None = None,
                dominant: Emotion | None = None) -> Keywords:
        language = language or detect_language(text)
        found: dict[str, _Found] = {}
        for noun in nouns(text, language):
            word = noun.word
            if not _worth_showing(word, language):
                continue
            feeling = _is_feeling(word, language)
            weight = _VERBAL_WEIGHT if noun.kind == VERBAL else _STANDING_WEIGHT
            weight *= _FEELING_FACTOR if feeling else 1.0
            entry = found.get(word)
            if entry is None:
                # earlier words weigh a little more (the topic tends to come first)
                found[word] = _Found(weight * (1.0 + 0.2 / (1 + noun.position / 8)), noun.position, feeling,
                                     noun.kind, noun.kind != VERBAL)
            else:
                entry.score += weight
                entry.as_noun |= noun.kind != VERBAL
        ranked = sorted(found.items(), key=lambda kv: (-kv[1].score, kv[1].position))
        top = ranked[0][1].score if ranked else 1.0
        keywords = tuple((w, round(v.score / top, 4)) for w, v in ranked[: self.max_keywords])
        return Keywords(keywords, self._hashtags(ranked, language, dominant))

    def _hashtags(self, ranked: list[tuple[str, _Found]], language: str, dominant: Emotion | None) -> tuple[str, ...]:
        # Names stay off: a card shared to the feed should not carry a friend's name.
        shown = [(w, v) for w, v in ranked if v.kind != NAME]
        tiers = ([w for w, v in shown if v.as_noun and not v.feeling],  # nouns used as nouns
                 [w for w, v in shown if not v.as_noun and not v.feeling],  # nouns of X하다 verbs
                 [w for w, v in shown if v.feeling])  # feeling words
        tags = tiers[0][: self.max_hashtags]
        for tier in tiers[1:]:
            if len(tags) >= MIN_HASHTAGS_FROM_TEXT:
                break
            tags += tier[: MIN_HASHTAGS_FROM_TEXT - len(tags)]
        if not tags and dominant is not None and dominant is not Emotion.NONE:
            # an entry without a single noun ("좋다"): the card still shows its feeling, as a noun
            tags = [dominant.korean if language == "ko" else _FEELING_NOUN_EN[dominant]]
        return tuple(tags)


def _worth_showing(word: str, language: str) -> bool:
    if language == "ko":
        return word not in _STOP_KO and word not in _TIME_KO and (len(word) > 1 or word in _KO_ONE_SYLLABLE)
    lower = word.lower()
    return lower not in _STOP_EN and lower not in _STOP_EN_NOUNS and (len(word) >= 3 or word.isupper())


def _is_feeling(word: str, language: str) -> bool:
    """A feeling word, or a body part that mostly says how a feeling felt."""
    if language == "ko":
        return word in _BODY_KO or _is_korean_feeling(word)
    return word.lower() in EN_LEXICON or word.lower() in _BODY_EN


_KO_FEELING_STEMS = frozenset(s for s in KO_LEXICON if " " not in s and len(s) >= 2) | {
    "행복", "기쁨", "슬픔", "불안", "걱정", "짜증", "우울", "분노", "공포", "감사", "긴장", "설렘",
    "스트레스", "외로움", "즐거움", "두려움", "피곤", "피로", "힘듦", "눈물",
}
# A word is a feeling word when it starts with a feeling stem or is the start of one (화가 -> 화).
_KO_FEELING_PREFIXES = frozenset(s[:n] for s in _KO_FEELING_STEMS for n in range(2, len(s) + 1))
_KO_FEELING_MAX = max(map(len, _KO_FEELING_STEMS))


def _is_korean_feeling(word: str) -> bool:
    if word in _KO_FEELING_PREFIXES:
        return True
    return any(word[:n] in _KO_FEELING_STEMS for n in range(2, min(len(word), _KO_FEELING_MAX) + 1))
