"""A short, kind line about the diary, in the diary's language.

Grounded in what the person wrote (one of their own keywords) and the dominant emotion;
validating, never diagnosing (docs/ml.md §6). Deterministic: the template is picked by a
hash of the text, so the same diary always gets the same line and different diaries vary.

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

from emotion_service.analysis.emotions import Emotion
from emotion_service.analysis.safety import RiskLevel
from emotion_service.analysis.text import josa

__all__ = ["CONCERN_EN", "CONCERN_KO", "CRISIS_EN", "CRISIS_KO", "FeedbackWriter"]

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

# {k}: the person's keyword; {k_i}: the keyword quoted, with 이/가 chosen by josa().
_KO: dict[Emotion, tuple[str, ...]] = {
    Emotion.HAPPY: (
        "'{k}' 이야기에서 행복한 마음이 전해져요. 이런 순간을 기록해 두신 게 참 좋네요.",
        "{k_i} 있어 따뜻한 하루였나 봐요. 그 행복을 오래 기억하면 좋겠어요.",
        "'{k}' 덕분에 마음이 포근해진 하루였군요. 이런 날이 또 찾아오길 바라요.",
        "행복했던 '{k}'의 기억, 글로 남겨 두니 더 오래 빛날 거예요.",
    ),
    Emotion.JOY: (
        "'{k}' 이야기에서 설레고 기쁜 마음이 느껴져요! 그 신나는 기분을 마음껏 누리세요.",
        "{k_i} 큰 기쁨이 되었네요. 오늘의 웃음을 꼭 기억해 두세요.",
        "'{k}' 덕분에 즐거운 하루였나 봐요. 그 기쁨이 내일까지 이어지길 바라요.",
        "기쁜 일이 있었군요! '{k}' 이야기를 읽으니 덩달아 기분이 좋아져요.",
    ),
    Emotion.SAD: (
        "'{k}' 이야기에서 슬픈 마음이 전해져요. 그렇게 느끼는 건 자연스러운 일이에요. 오늘은 스스로에게 조금 더 다정해도 괜찮아요.",
        "{k_i} 마음을 무겁게 한 하루였군요. 슬픔을 글로 꺼내 놓은 것만으로도 충분히 애쓰셨어요.",
        "'{k}' 때문에 속상하셨겠어요. 지친 마음이 천천히 쉬어 갈 수 있기를 바라요.",
        "힘들었던 '{k}' 이야기를 적어 주셔서 고마워요. 오늘 하루 정말 수고 많으셨어요.",
    ),
    Emotion.ANXIOUS: (
        "'{k}' 일로 마음이 많이 쓰였군요. 걱정되는 마음을 적어 둔 것만으로도 한결 정리가 될 거예요.",
        "{k_i} 신경 쓰이는 하루였나 봐요. 잠시 숨을 고르고 지금 할 수 있는 작은 것부터 해 봐요.",
        "'{k}' 이야기에서 불안한 마음이 느껴져요. 그런 마음이 드는 건 당연해요. 너무 혼자 애쓰지 않아도 돼요.",
        "긴장되는 '{k}' 앞에서도 하루를 잘 버텨 냈어요. 스스로를 조금 다독여 주세요.",
    ),
    Emotion.ANGRY: (
        "'{k}' 일로 화가 날 만했어요. 그 마음을 글로 풀어낸 것, 잘하셨어요.",
        "{k_i} 정말 답답하게 느껴졌겠어요. 오늘은 마음을 가라앉힐 작은 휴식을 챙겨 보세요.",
        "'{k}' 이야기에서 속상함과 짜증이 느껴져요. 그렇게 느낄 수 있어요. 충분히 애쓰셨어요.",
        "화가 났던 '{k}'의 순간, 적어 두면 한결 가벼워질 거예요. 오늘 수고 많으셨어요.",
    ),
    Emotion.SURPRISE: (
        "'{k}' 일로 깜짝 놀란 하루였군요! 예상 못 한 순간도 하루를 특별하게 만들어 줘요.",
        "{k_i} 뜻밖이었나 봐요. 놀랐던 마음을 기록해 두니 나중에 다시 보면 재미있을 거예요.",
        "'{k}' 이야기에서 놀라움이 느껴져요. 새로운 경험이 오늘을 어떻게 바꿨는지 궁금해요.",
    ),
    Emotion.DISGUST: (
        "'{k}' 일로 불쾌한 기분이 드셨겠어요. 그런 마음이 드는 건 당연해요.",
        "{k_i} 많이 거북하게 느껴졌나 봐요. 오늘은 기분을 환기할 작은 일을 해 보세요.",
        "'{k}' 이야기에서 싫은 마음이 전해져요. 그 감정도 소중한 기록이에요.",
    ),
    Emotion.FEAR: (
        "'{k}' 일로 많이 무서우셨겠어요. 지금은 안전한 곳에서 마음을 편히 쉬게 해 주세요.",
        "{k_i} 두렵게 느껴졌나 봐요. 그 마음을 털어놓은 것만으로도 용기 있는 일이에요.",
        "'{k}' 이야기에서 두려운 마음이 전해져요. 믿을 수 있는 사람과 함께 이야기해 봐도 좋아요.",
    ),
    Emotion.NONE: (
        "'{k}' 이야기를 담담하게 적어 주셨네요. 평범한 하루도 소중한 기록이에요.",
        "{k_i} 함께한 하루였군요. 차분한 하루를 기록해 두신 것, 잘하셨어요.",
        "'{k}' 이야기로 하루를 정리하셨네요. 내일은 어떤 하루가 될지 기대돼요.",
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
    ),
    Emotion.SAD: (
        "It sounds like {k} weighed on you today, and feeling sad about it makes sense. Be gentle with yourself tonight.",
        "Thank you for putting into words what happened with {k}. Sad days are part of life, and you got through this one.",
        "I'm sorry {k} left you feeling low. Writing it down is already a kind thing to do for yourself.",
    ),
    Emotion.ANXIOUS: (
        "It sounds like {k} has been on your mind a lot. Worry is natural; maybe take one small step at a time.",
        "Feeling uneasy about {k} is understandable. Writing it down can make it a little lighter.",
        "{K} seems to be causing some stress. Take a slow breath; you've handled hard things before.",
    ),
    Emotion.ANGRY: (
        "It makes sense that {k} frustrated you. Letting it out on the page was a healthy move.",
        "That situation with {k} sounds really annoying. I hope you find a quiet moment to reset.",
        "Your frustration about {k} comes through clearly, and it's okay to feel that way.",
    ),
    Emotion.SURPRISE: (
        "{K} sounds like quite a surprise! Unexpected moments can make a day memorable.",
        "What a twist with {k}! It will be fun to look back on this entry later.",
    ),
    Emotion.DISGUST: (
        "That moment with {k} sounds really unpleasant. It's okay to feel put off by it.",
        "{K} clearly didn't sit well with you, and that's a valid reaction. Maybe do something refreshing tonight.",
    ),
    Emotion.FEAR: (
        "It sounds like {k} was really frightening. I hope you're somewhere safe and calm now.",
        "Feeling scared about {k} is understandable. Talking it through with someone you trust may help.",
    ),
    Emotion.NONE: (
        "Thanks for writing about {k}. Quiet, ordinary days are worth recording too.",
        "A calm entry about {k}. Keeping track of everyday moments is a good habit.",
        "You wrote about {k} today. I wonder what tomorrow's page will hold.",
    ),
}


def _pick(options: Sequence[str], text: str, salt: str) -> str:
    digest = hashlib.blake2b(f"{salt}\0{text}".encode("utf-8", "replace"), digest_size=8).digest()
    return options[int.from_bytes(digest, "big") % len(options)]


class FeedbackWriter:
    """`write(text, language, dominant, keywords, risk)` -> 1-3 sentences."""

    def write(self, text: str, language: str, dominant: Emotion, keywords: Sequence[str],
              risk: RiskLevel = RiskLevel.NONE) -> str:
        if risk is RiskLevel.URGENT:
            return CRISIS_KO if language == "ko" else CRISIS_EN
        if risk is RiskLevel.CONCERN:
            return CONCERN_KO if language == "ko" else CONCERN_EN
        keyword = keywords[0] if keywords else ("오늘" if language == "ko" else "today")
        if language == "ko":
            template = _pick(_KO[dominant], text, "ko")
            quoted_subject = f"'{keyword}'" + josa(keyword, "이/가")[len(keyword):]
            return template.format(k=keyword, k_i=quoted_subject)
        template = _pick(_EN[dominant], text, "en")
        return template.format(k=keyword, K=keyword[:1].upper() + keyword[1:])
