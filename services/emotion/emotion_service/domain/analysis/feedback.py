"""A short, kind line about the diary, in the diary's language.

Grounded in the dominant emotion and, for positive and neutral ones, one of the person's own
words; validating, never diagnosing, never blaming. Deterministic: the template is picked by a
hash of the text, so the same diary always gets the same line and different diaries vary.
`feedback_check.py` holds the rules every line must keep.

By the safety check's risk level:
- urgent: the line leads with crisis resources (자살예방상담전화 109, 정신건강위기상담
  1577-0199; English adds the US 988), calm and without praise or jokes, and takes nothing
  from the diary itself (it might name a method);
- concern: a softer line that acknowledges the weight and invites reaching out, with the
  24-hour line for when it is needed, again without quoting the diary;
- none: the emotion's templates below.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence

from emotion_service.domain.analysis.emotions import Emotion
from emotion_service.domain.analysis.nouns import is_korean_noun
from emotion_service.domain.analysis.safety import RiskLevel
from emotion_service.domain.analysis.text import josa, normalise

__all__ = ["CONCERN_EN", "CONCERN_KO", "CRISIS_EN", "CRISIS_KO", "NEGATIVE", "FeedbackWriter", "usable_keyword"]

CRISIS_KO = (
    "마음이 많이 힘든 시간을 솔직하게 적어 주셔서 고마워요. 혼자 견디지 않아도 괜찮아요. "
    "자살예방상담전화 109, 정신건강위기상담 1577-0199에서 24시간 언제든 이야기를 들어 줄 거예요."
)
CRISIS_EN = (
    "Thank you for writing down how heavy things feel right now; you don't have to carry this alone. "
    "You can talk to someone any time, day or night: in Korea call 109 (suicide prevention) or "
    "1577-0199 (mental health crisis line), and in the US call or text 988."
)
CONCERN_KO = (
    "요즘 마음이 많이 무거우신 것 같아요. 그 무게를 글로 꺼내 놓은 것만으로도 큰일을 하셨어요. "
    "믿을 수 있는 사람에게 지금 마음을 조금 나눠 보면 어떨까요? 이야기할 곳이 필요할 때는 "
    "정신건강위기상담 1577-0199가 24시간 열려 있어요."
)
CONCERN_EN = (
    "It sounds like things have been feeling very heavy lately, and writing it down took real effort. "
    "Could you share a little of this with someone you trust? If you ever need to talk to someone right away, "
    "you can call or text 988 in the US, or 1577-0199 in Korea, any time."
)

# Templates. Positive and neutral emotions may name a keyword of the entry as its topic ({k}; {k_i}
# with 이/가 chosen by josa()). Negative emotions never do: naming a person or a thing beside a
# negative feeling reads as blaming it ("화가 났던 '엄마'의 순간"), and the entry may not say
# what caused the feeling. They acknowledge the feeling without cause, blame or praise
# (feedback_check.py enforces this over the diary set).
_KO: dict[Emotion, tuple[str, ...]] = {
    Emotion.HAPPY: (
        "'{k}' 이야기에서 행복한 마음이 전해져요. 이런 순간을 기록해 두신 게 참 좋네요.",
        "{k_i} 있어 따뜻한 하루였나 봐요. 그 행복을 오래 기억하면 좋겠어요.",
        "'{k}' 덕분에 마음이 포근해진 하루였군요. 이런 날이 또 찾아오길 바라요.",
        "행복했던 '{k}'의 기억, 글로 남겨 두니 더 오래 빛날 거예요.",
        "'{k}' 이야기를 읽으니 덩달아 마음이 따뜻해져요. 오늘의 온기를 오래 간직하세요.",
    ),
    Emotion.JOY: (
        "'{k}' 이야기에서 설레고 기쁜 마음이 느껴져요! 그 신나는 기분을 마음껏 누리세요.",
        "{k_i} 큰 기쁨이 되었네요. 오늘의 웃음을 꼭 기억해 두세요.",
        "'{k}' 덕분에 즐거운 하루였나 봐요. 그 기쁨이 내일까지 이어지길 바라요.",
        "기쁜 일이 있었군요! '{k}' 이야기를 읽으니 덩달아 기분이 좋아져요.",
        "'{k}' 소식이 반가워요. 스스로를 마음껏 칭찬해 줘도 좋은 날이에요.",
    ),
    Emotion.SAD: (
        "오늘은 마음이 많이 가라앉은 하루였나 봐요. 그렇게 느끼는 건 자연스러운 일이에요.",
        "슬픈 마음을 글로 꺼내 놓으셨군요. 오늘은 스스로에게 조금 더 다정해도 괜찮아요.",
        "마음이 무거운 날이었군요. 지친 마음이 천천히 쉬어 갈 수 있기를 바라요.",
        "속상한 마음이 글에서 느껴져요. 오늘 하루 정말 수고 많으셨어요.",
        "허전하고 슬픈 마음이 드는 날도 있어요. 따뜻한 것 한 잔 마시며 쉬어 가요.",
        "울적한 마음이 전해져요. 내일은 오늘보다 조금 가벼운 하루가 되길 바라요.",
    ),
    Emotion.ANXIOUS: (
        "마음이 많이 쓰이는 하루였군요. 걱정되는 마음을 적어 둔 것만으로도 한결 정리가 될 거예요.",
        "신경 쓰이는 일이 있었나 봐요. 잠시 숨을 고르고 지금 할 수 있는 작은 것부터 해 봐요.",
        "불안한 마음이 느껴져요. 그런 마음이 드는 건 당연해요. 너무 혼자 애쓰지 않아도 돼요.",
        "걱정이 많은 날이었군요. 오늘 밤은 마음을 내려놓고 푹 쉬면 좋겠어요.",
        "초조한 마음이 글에서 전해져요. 하나씩 차근차근 해 나가면 괜찮을 거예요.",
        "앞일이 걱정되는 날이었나 봐요. 할 수 있는 만큼만 해도 충분해요.",
    ),
    Emotion.ANGRY: (
        "화가 나는 하루였군요. 그렇게 느낄 수 있어요. 그 마음을 글로 꺼내 놓으셨네요.",
        "답답하고 속상한 마음이 전해져요. 오늘은 마음을 가라앉힐 작은 휴식을 챙겨 보세요.",
        "짜증과 속상함이 느껴지는 하루였어요. 그런 감정이 드는 건 자연스러운 일이에요.",
        "마음이 많이 상한 날이었나 봐요. 적어 두면 한결 가벼워질 거예요.",
        "억울하고 화가 나는 마음이 글에서 느껴져요. 오늘 수고 많으셨어요.",
        "분한 마음이 드는 날도 있어요. 잠시 숨을 돌리며 마음을 쉬게 해 주세요.",
    ),
    Emotion.SURPRISE: (
        "'{k}' 이야기, 예상 못 한 일이었나 봐요! 놀란 마음을 기록해 두니 나중에 다시 보면 새로울 거예요.",
        "{k_i} 뜻밖이었나 봐요. 놀라운 순간도 하루를 특별하게 만들어 줘요.",
        "'{k}' 이야기에서 놀라움이 느껴져요. 새로운 일이 오늘을 어떻게 바꿨는지 궁금해요.",
        "깜짝 놀란 하루였군요. '{k}' 이야기를 적어 두신 것, 나중에 다시 읽어 보면 재미있을 거예요.",
    ),
    Emotion.DISGUST: (
        "불쾌한 기분이 드는 하루였군요. 그런 마음이 드는 건 당연해요.",
        "많이 거북한 일이 있었나 봐요. 오늘은 기분을 환기할 작은 일을 해 보세요.",
        "싫은 마음이 글에서 전해져요. 그 감정도 소중한 기록이에요.",
        "마음이 편치 않은 날이었군요. 좋아하는 것으로 기분을 조금 씻어 내 보세요.",
        "불편한 감정이 느껴져요. 그렇게 느낄 수 있어요. 오늘은 푹 쉬어요.",
    ),
    Emotion.FEAR: (
        "많이 무서운 하루였군요. 지금은 안전한 곳에서 마음을 편히 쉬게 해 주세요.",
        "두려운 마음이 전해져요. 그 마음을 털어놓은 것만으로도 용기 있는 일이에요.",
        "겁이 났던 하루였나 봐요. 믿을 수 있는 사람과 함께 이야기해 봐도 좋아요.",
        "놀라고 무서운 마음이 글에서 느껴져요. 오늘 밤은 따뜻하게 푹 쉬어요.",
        "무서운 일을 겪으셨군요. 몸과 마음이 진정될 시간을 충분히 가져요.",
    ),
    Emotion.NONE: (
        "'{k}' 이야기를 담담하게 적어 주셨네요. 평범한 하루도 소중한 기록이에요.",
        "{k_i} 함께한 하루였군요. 차분한 하루도 차곡차곡 쌓이면 소중한 기록이 돼요.",
        "'{k}' 이야기로 하루를 정리하셨네요. 내일은 어떤 하루가 될지 기대돼요.",
        "잔잔한 하루였군요. '{k}' 이야기처럼 소소한 날들도 모이면 큰 기록이 돼요.",
    ),
}

_EN: dict[Emotion, tuple[str, ...]] = {
    Emotion.HAPPY: (
        "There's a real warmth in what you wrote about {k}. It's lovely that you kept this moment.",
        "It sounds like {k} made your day brighter. May that good feeling stay with you a while.",
        "Reading about {k}, I can feel how happy you were. Moments like this are worth remembering.",
        "What a good day, with {k} in it. Thank you for writing the happy moments down too.",
    ),
    Emotion.JOY: (
        "Your excitement about {k} shines through! Enjoy every bit of it.",
        "It sounds like {k} brought you real joy today. Hold on to that spark.",
        "What fun, with {k}! I hope that cheerful energy carries into tomorrow.",
        "Great news about {k}! You deserve to celebrate this one.",
    ),
    Emotion.SAD: (
        "It sounds like today weighed on you, and feeling sad makes sense. Be gentle with yourself tonight.",
        "Thank you for putting a hard day into words. Sad days are part of life, and you got through this one.",
        "I'm sorry today left you feeling low. Writing it down is already a kind thing to do for yourself.",
        "It sounds like a lonely, hard day. I hope tomorrow feels a little lighter.",
        "That sounds really hard. It's okay to slow down and let yourself feel it.",
    ),
    Emotion.ANXIOUS: (
        "It sounds like a lot has been on your mind. Worry is natural; maybe take one small step at a time.",
        "Feeling uneasy is understandable. Writing it down can make it a little lighter.",
        "That sounds stressful. Take a slow breath; you've handled hard things before.",
        "It sounds like you're carrying a lot of worry. Try to be easy on yourself tonight.",
        "Waiting and wondering is tiring. One thing at a time is enough.",
    ),
    Emotion.ANGRY: (
        "It makes sense to feel frustrated after a day like this. Letting it out on the page is a healthy move.",
        "That sounds really annoying. I hope you find a quiet moment to reset.",
        "Your frustration comes through clearly, and it's okay to feel that way.",
        "Anger can be exhausting. Maybe give yourself a few quiet minutes tonight.",
        "That sounds like a maddening day. Writing it down can take a little of the heat out of it.",
    ),
    Emotion.SURPRISE: (
        "{K} sounds like quite a surprise! Unexpected moments can make a day memorable.",
        "What a twist with {k}! It will be interesting to look back on this entry later.",
        "I didn't see {k} coming either. Days like this are worth writing down.",
    ),
    Emotion.DISGUST: (
        "That sounds really unpleasant. It's okay to feel put off by it.",
        "Something clearly didn't sit well with you today, and that's a valid reaction. Maybe do something refreshing tonight.",
        "That sounds gross and upsetting. I hope the rest of your evening is calmer.",
        "It's understandable to feel uncomfortable after that. Take some time for something you enjoy.",
    ),
    Emotion.FEAR: (
        "That sounds really frightening. I hope you're somewhere safe and calm now.",
        "Feeling scared after that is understandable. Talking it through with someone you trust may help.",
        "What a scary moment. Give yourself time to settle.",
        "That sounds terrifying. Be gentle with yourself tonight.",
    ),
    Emotion.NONE: (
        "Thanks for writing about {k}. Quiet, ordinary days are worth recording too.",
        "A calm entry about {k}. Keeping track of everyday moments is a good habit.",
        "You wrote about {k} today. I wonder what tomorrow's page will hold.",
        "An ordinary day with {k} in it. These pages add up to a life.",
    ),
}

#: Lines for positive and neutral emotions when no keyword of the entry can be named.
_KO_NO_KEYWORD: dict[Emotion, str] = {
    Emotion.HAPPY: "행복한 마음이 전해지는 하루였어요. 이런 순간을 기록해 두신 게 참 좋네요.",
    Emotion.JOY: "기쁜 일이 있었군요! 그 신나는 기분을 마음껏 누리세요.",
    Emotion.SURPRISE: "예상 못 한 일이 있었나 봐요! 놀란 마음을 기록해 두니 나중에 다시 보면 새로울 거예요.",
    Emotion.NONE: "담담한 하루를 적어 주셨네요. 평범한 하루도 소중한 기록이에요.",
}
_EN_NO_KEYWORD: dict[Emotion, str] = {
    Emotion.HAPPY: "There's a real warmth in today's entry. It's lovely that you kept this moment.",
    Emotion.JOY: "What a fun day! Enjoy every bit of it.",
    Emotion.SURPRISE: "Sounds like a day with a surprise in it! Unexpected moments make a day memorable.",
    Emotion.NONE: "A calm, ordinary day. Quiet days are worth recording too.",
}

#: Emotions whose lines never name a keyword.
NEGATIVE = frozenset({Emotion.SAD, Emotion.ANXIOUS, Emotion.ANGRY, Emotion.DISGUST, Emotion.FEAR})


def _pick(options: Sequence[str], text: str, salt: str) -> str:
    digest = hashlib.blake2b(f"{salt}\0{text}".encode("utf-8", "replace"), digest_size=8).digest()
    return options[int.from_bytes(digest, "big") % len(options)]


def usable_keyword(text: str, language: str, keywords: Sequence[str]) -> str | None:
    """The first keyword that appears, as written, in the entry (a stem such as 공부 from
    공부했다 must still read as the person's own word) and reads as a noun. The keywords are the
    hashtags, nouns of the entry already (nouns.py); a Korean one is checked again on its own,
    since a noun run inside a word (첫+차) need not read as a noun when quoted alone."""
    plain = normalise(text)
    return next((keyword for keyword in keywords
                 if keyword and keyword in plain and (language != "ko" or is_korean_noun(keyword))), None)


class FeedbackWriter:
    """`write(text, language, dominant, keywords, risk)` -> 1-3 sentences."""

    def write(self, text: str, language: str, dominant: Emotion, keywords: Sequence[str],
              risk: RiskLevel = RiskLevel.NONE) -> str:
        if risk is RiskLevel.URGENT:
            return CRISIS_KO if language == "ko" else CRISIS_EN
        if risk is RiskLevel.CONCERN:
            return CONCERN_KO if language == "ko" else CONCERN_EN
        keyword = None if dominant in NEGATIVE else usable_keyword(text, language, keywords)
        if language == "ko":
            if keyword is None and dominant not in NEGATIVE:
                return _KO_NO_KEYWORD[dominant]
            template = _pick(_KO[dominant], text, "ko")
            if keyword is None:
                return template
            quoted_subject = f"'{keyword}'" + josa(keyword, "이/가")[len(keyword):]
            return template.format(k=keyword, k_i=quoted_subject)
        if keyword is None and dominant not in NEGATIVE:
            return _EN_NO_KEYWORD[dominant]
        template = _pick(_EN[dominant], text, "en")
        if keyword is None:
            return template
        return template.format(k=keyword, K=keyword[:1].upper() + keyword[1:])
