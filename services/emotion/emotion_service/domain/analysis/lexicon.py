"""GriDam's own small emotion lexicons (Korean and English), with negation and intensifiers.

Hand-written for diary language by the GriDam team (not derived from NRC or any other
research-only lexicon). Each entry maps a stem to one of the nine emotions and a weight.

* Korean: on the comment path of the offline classifier (offline.py), the KOTE-trained n-gram
  model plus this lexicon, as before the diary models came.
* Both: keyword extraction (keywords.py) ranks feeling words lower and keeps them out of
  hashtags.
"""
from __future__ import annotations

import re

import numpy as np

from emotion_service.domain.analysis.emotions import EMOTIONS, Emotion
from emotion_service.domain.analysis.text import normalise

__all__ = ["EN_LEXICON", "KO_LEXICON", "korean_scores"]

H, J, S, AX, AN, SU, D, F = (Emotion.HAPPY, Emotion.JOY, Emotion.SAD, Emotion.ANXIOUS,
                             Emotion.ANGRY, Emotion.SURPRISE, Emotion.DISGUST, Emotion.FEAR)
_POSITIVE = frozenset({H, J})
_INDEX = {e: i for i, e in enumerate(EMOTIONS)}

# ---------------------------------------------------------------- English
# word (lower case, exact or with a listed inflection) -> (emotion, weight)
_EN: dict[Emotion, tuple[str, ...]] = {
    H: ("happy", "happier", "happiest", "happiness", "grateful", "thankful", "thanks", "blessed",
        "content", "peaceful", "calm", "relaxed", "relieved", "relief", "proud", "cozy", "cosy",
        "warm", "love", "loved", "lovely", "wonderful", "great", "good", "nice", "glad",
        "pleased", "satisfied", "comfortable", "safe", "appreciate", "appreciated", "kind",
        "sweet", "beautiful", "smile", "smiled", "smiling", "hug", "hugged", "cherish"),
    J: ("joy", "joyful", "excited", "exciting", "excitement", "thrilled", "fun", "delighted",
        "amazing", "awesome", "fantastic", "laugh", "laughed", "laughing", "celebrate",
        "celebrated", "enjoy", "enjoyed", "enjoying", "cheerful", "yay", "hooray", "eager",
        "looking forward", "can't wait", "cannot wait", "ecstatic", "elated", "playful"),
    S: ("sad", "sadder", "saddest", "sadness", "unhappy", "cry", "cried", "crying", "tears",
        "tearful", "lonely", "alone", "miss", "missed", "missing", "depressed", "down", "blue",
        "heartbroken", "grief", "grieving", "lost", "hurt", "disappointed", "disappointing",
        "regret", "regretted", "sorry", "tired", "exhausted", "drained", "empty", "hopeless",
        "gloomy", "miserable", "upset", "worn out", "burned out", "burnt out", "sigh",
        "awful", "terrible", "horrible", "bad", "worse", "worst", "failed", "fail", "failure",
        "devastated", "crushed", "ruined", "broke up", "dumped", "rejected", "useless",
        "worthless", "sorrow", "mourning", "funeral", "homesick", "lonesome", "defeated"),
    AX: ("anxious", "anxiety", "worried", "worry", "worrying", "nervous", "stressed", "stress",
         "stressful", "tense", "uneasy", "restless", "overwhelmed", "pressure", "embarrassed",
         "embarrassing", "ashamed", "awkward", "insecure", "panic", "panicked", "jittery",
         "unsure", "uncertain", "deadline", "afraid of failing", "interview", "exam", "exams",
         "test", "overthinking", "can't sleep", "couldn't sleep", "insomnia", "concerned",
         "apprehensive", "fidgety", "on edge"),
    AN: ("angry", "anger", "mad", "furious", "annoyed", "annoying", "irritated", "irritating",
         "frustrated", "frustrating", "frustration", "rage", "hate", "hated", "unfair", "yelled",
         "shouted", "argued", "argument", "fight", "fought", "pissed", "resent", "outraged",
         "fed up", "sick of", "infuriating", "infuriated", "livid", "resentful", "bitter",
         "rude", "disrespected", "betrayed", "cheated", "lied", "ignored", "insulted", "grumpy"),
    SU: ("surprised", "surprise", "surprising", "shocked", "shocking", "unexpected",
         "unexpectedly", "astonished", "amazed", "wow", "suddenly", "stunned", "curious"),
    D: ("disgusted", "disgusting", "gross", "nasty", "revolting", "creepy", "yuck", "ew",
        "sickening", "repulsive", "vile", "filthy"),
    F: ("scared", "afraid", "fear", "feared", "frightened", "terrified", "terrifying", "scary",
        "horror", "horrified", "dread", "dreading", "spooked", "nightmare"),
}
#: Weaker cues (0.5): common words that lean one way without naming a feeling.
_EN_WEAK = frozenset({"good", "nice", "great", "kind", "sweet", "beautiful", "warm", "alone",
                      "down", "blue", "lost", "sorry", "miss", "missed", "missing", "deadline",
                      "pressure", "suddenly", "curious", "fight", "argument", "safe", "hug", "bad", "worse",
                      "fail", "interview", "exam", "exams", "test", "ignored", "funeral",
                      "hugged", "smile", "smiled", "smiling", "love", "lovely", "tired", "sigh",
                      "stress"})

EN_LEXICON: dict[str, tuple[Emotion, float]] = {
    w: (e, 0.5 if w in _EN_WEAK else 1.0) for e, words in _EN.items() for w in words
}

# ---------------------------------------------------------------- Korean
# Stems matched inside each eojeol (space-separated word) of the normalised text.
_KO: dict[Emotion, tuple[str, ...]] = {
    H: ("행복", "감사", "고마", "고맙", "뿌듯", "편안", "평온", "따뜻", "흐뭇", "다행", "안심",
        "만족", "사랑스", "든든", "포근", "여유로", "힐링", "좋았", "좋아서", "좋은 하루"),
    J: ("기쁘", "기뻤", "기뻐", "기쁨", "기쁜", "신나", "신났", "신난", "즐거", "즐겁", "즐겼",
        "설레", "설렜", "설렘", "재밌", "재미있", "웃었", "웃겼", "기대돼", "기대된", "기대가 돼",
        "신이 났"),
    S: ("슬프", "슬펐", "슬퍼", "슬픈", "슬픔", "우울", "눈물", "울었", "울고", "서럽", "서러",
        "외롭", "외로", "속상", "허전", "그립", "그리워", "힘들", "힘든", "지쳤", "지친", "지치",
        "무기력", "실망", "아쉽", "아쉬웠", "후회", "비참", "허무", "공허", "쓸쓸", "상처"),
    AX: ("불안", "걱정", "긴장", "초조", "조마조마", "떨렸", "떨려", "막막", "부담", "당황",
         "난처", "창피", "민망", "조급", "심란"),
    AN: ("화가", "화났", "화나", "화를", "짜증", "열받", "빡치", "빡쳤", "분노", "억울", "어이없",
         "답답", "싸웠", "미웠", "밉다", "귀찮", "괘씸", "분했"),
    SU: ("놀랐", "놀라", "놀랍", "깜짝", "신기", "뜻밖", "의외"),
    D: ("역겹", "역겨", "징그", "더럽", "혐오", "구역질", "토할", "불쾌", "한심", "극혐"),
    F: ("무섭", "무서", "두렵", "두려", "겁이", "겁나", "공포", "소름", "섬뜩"),
}
KO_LEXICON: dict[str, tuple[Emotion, float]] = {
    w: (e, 1.0) for e, words in _KO.items() for w in words
}
_KO_SINGLE = frozenset(w for w in KO_LEXICON if " " not in w)
_KO_LENGTHS = tuple(sorted({len(w) for w in _KO_SINGLE}, reverse=True))


def _ko_hit(token: str) -> tuple[Emotion, float] | None:
    """The longest lexicon stem inside `token` (leftmost on ties)."""
    for size in _KO_LENGTHS:
        for i in range(len(token) - size + 1):
            hit = KO_LEXICON.get(token[i:i + size])
            if hit is not None and token[i:i + size] in _KO_SINGLE:
                return hit
    return None


_KO_PHRASES = tuple(w for w in KO_LEXICON if " " in w)
_KO_INTENSIFIERS = frozenset({"너무", "정말", "진짜", "엄청", "완전", "매우", "아주", "몹시",
                              "되게", "참", "무척", "굉장히", "많이"})
_KO_NEG_BEFORE = frozenset({"안", "못", "전혀", "별로", "하나도"})
_KO_NEG_AFTER = re.compile(r"^(않|안\s|못|아니)")


def korean_scores(text: str) -> np.ndarray:
    """Lexicon hits per emotion (EMOTIONS order) for Korean text, with negation."""
    out = np.zeros(len(EMOTIONS))
    norm = normalise(text)
    for sentence in re.split(r"[.!?\n]+", norm):
        tokens = sentence.split()
        for i, token in enumerate(tokens):
            hit = _ko_hit(token)
            if hit is None:
                continue
            emotion, weight = hit
            prev = tokens[i - 1] if i else ""
            if prev in _KO_INTENSIFIERS:
                weight *= 1.5
            nxt = " ".join(tokens[i + 1:i + 2])
            negated = prev in _KO_NEG_BEFORE or (
                ("지않" in token or "지못" in token)
                or (token.endswith("지") or token.endswith("지는") or token.endswith("진"))
                and bool(_KO_NEG_AFTER.match(nxt))
            )
            if negated:
                if emotion in _POSITIVE:
                    out[_INDEX[S]] += 0.5 * weight
                continue
            out[_INDEX[emotion]] += weight
        for phrase in _KO_PHRASES:
            if phrase in sentence:
                emotion, weight = KO_LEXICON[phrase]
                out[_INDEX[emotion]] += weight
    return out
