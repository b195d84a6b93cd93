"""DiaryAnalyser: hashtags and keywords from the text, feedback in the text's language and
about it, crisis resources when the safety check fires."""

from __future__ import annotations

import dataclasses
import math
import re

import pytest

from emotion_service.domain.analysis.analyser import Analysis, DiaryAnalyser
from emotion_service.domain.analysis.emotions import Emotion
from emotion_service.domain.analysis.factory import build_classifier
from emotion_service.domain.analysis.keywords import KeywordExtractor
from emotion_service.domain.analysis.nouns import english_nouns, is_korean_noun, korean_nouns

KO_DIARY = ("오랜만에 고양이랑 공원에서 산책했다. 날씨가 따뜻해서 기분이 좋았다. "
            "저녁에는 도서관에 가서 공부를 했다. 정말 행복한 하루였다.")
EN_DIARY = ("I had such a happy day at the beach with my family. We built a sandcastle "
            "and ate ice cream while the sun went down.")
KO_SAD = "시험에 떨어져서 너무 슬펐다. 집에 와서 혼자 울었다. 엄마가 끓여 준 된장찌개를 먹고 조금 나아졌다."
EN_SAD = "I was so sad and tired today. My grandma is in the hospital and I miss her cooking."
HANGUL = re.compile(r"[가-힣]")


@pytest.fixture(scope="module")
def analyser() -> DiaryAnalyser:
    return DiaryAnalyser(build_classifier("offline"))


def _one(analyser: DiaryAnalyser, text: str) -> Analysis:
    return analyser.analyse([text])[0]


def test_analysis_is_frozen_and_consistent(analyser):
    a = _one(analyser, KO_DIARY)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.dominant = Emotion.SAD  # type: ignore[misc]  # a frozen dataclass written to on purpose
    assert a.dominant is a.distribution.dominant
    assert math.isclose(sum(a.distribution.values()), 1.0, abs_tol=1e-3)
    assert a.language == "ko" and not a.safety_flag


@pytest.mark.parametrize("text", [KO_DIARY, EN_DIARY, KO_SAD, EN_SAD])
def test_hashtags_are_one_to_three_words_of_the_text(analyser, text):
    a = _one(analyser, text)
    assert 1 <= len(a.hashtags) <= 3
    assert len(set(a.hashtags)) == len(a.hashtags)
    lowered = text.lower()
    for tag in a.hashtags:
        assert not tag.startswith("#") and " " not in tag
        assert tag.lower() in lowered, (tag, text)


def test_korean_hashtags_are_nouns_without_particles(analyser):
    a = _one(analyser, KO_DIARY)
    assert {"고양이", "공원", "산책", "도서관"} <= set(a.hashtags) | {k for k, _ in a.keywords}
    for tag in a.hashtags:
        assert is_korean_noun(tag), tag
    assert "오늘" not in a.hashtags  # stop word: every diary has it


@pytest.mark.parametrize(("text", "nouns"), [
    ("친구들과 고양이랑 공원에서 놀았다", ["친구", "고양이", "공원"]),  # particles and the plural 들 go
    ("면접장에서 편집자님을 만났다", ["면접장", "편집자님"]),  # compounds and 님 stay whole
    ("시험에 떨어져서 책을 덮었다", ["시험", "책"]),
    ("먹었다. 좋았다. 싶다는 갔는데", []),  # verb and adjective forms are not nouns
    ("충분히 잘 보낸 하루", ["하루"]),  # nor adverbs (충분히) or verb forms (보낸): issue 17
    ("영화 보러 갔다", ["영화"]),
    ("감정적인 얘기", ["얘기"]),  # 감정+적: an adjective
])
def test_korean_nouns(text, nouns):
    assert [n.word for n in korean_nouns(text) if n.kind == "noun"] == nouns


def test_the_noun_of_a_hada_verb_is_kept_apart():
    assert [(n.word, n.kind) for n in korean_nouns("도서관에서 공부했다")] == [("도서관", "noun"), ("공부", "verbal")]


@pytest.mark.parametrize(("text", "nouns"), [
    ("We went for a long walk in the rain.", ["walk", "rain"]),  # after a determiner: nouns
    ("I walk to work when it doesn't rain.", []),  # after a pronoun or "to": verbs
    ("Told HR about the restructuring and Sarah laughed.", ["HR", "restructuring", "sarah"]),
    ("It was a quick call, I stayed outside.", ["call"]),  # quick, outside: adjective, adverb
])
def test_english_nouns(text, nouns):
    assert [n.word for n in english_nouns(text)] == nouns


def test_names_never_become_hashtags():
    tags = KeywordExtractor().extract("Had coffee with Sarah at the bakery, then Sarah drove me home.", "en").hashtags
    assert "sarah" not in tags and {"coffee", "bakery"} <= set(tags)


def test_keywords_are_weighted_and_sorted(analyser):
    for text in (KO_DIARY, EN_DIARY):
        kws = _one(analyser, text).keywords
        assert 3 <= len(kws) <= 15
        weights = [w for _, w in kws]
        assert all(w > 0 for w in weights)
        assert weights == sorted(weights, reverse=True)
        assert weights[0] == 1.0


def test_repeated_words_weigh_more():
    kws = dict(KeywordExtractor().extract("커피를 마셨다. 커피가 맛있었다. 커피 향이 좋았다. 케이크도 먹었다.").keywords)
    assert kws["커피"] == 1.0 and kws["커피"] > kws["케이크"]


def test_a_text_without_nouns_still_gets_its_feeling_as_a_hashtag(analyser):
    a = _one(analyser, "좋다")
    assert a.hashtags == (a.dominant.korean,)


@pytest.mark.parametrize(("text", "names_a_keyword"), [(KO_DIARY, True), (KO_SAD, False)])
def test_korean_feedback_is_korean_and_names_the_diary_only_on_good_days(analyser, text, names_a_keyword):
    a = _one(analyser, text)
    assert HANGUL.search(a.feedback)
    assert any(f"'{tag}'" in a.feedback for tag in a.hashtags) is names_a_keyword
    assert 1 <= len(re.findall(r"[.!?](?:\s|$)", a.feedback + " ")) <= 3


@pytest.mark.parametrize(("text", "names_a_keyword"), [(EN_DIARY, True), (EN_SAD, False)])
def test_english_feedback_is_english_and_names_the_diary_only_on_good_days(analyser, text, names_a_keyword):
    a = _one(analyser, text)
    assert a.language == "en"
    assert not HANGUL.search(a.feedback)
    assert any(re.search(rf"\b{re.escape(tag)}\b", a.feedback.lower()) for tag in a.hashtags) is names_a_keyword


def test_feedback_matches_the_mood(analyser):
    sad = _one(analyser, EN_SAD)
    happy = _one(analyser, EN_DIARY)
    assert sad.dominant is Emotion.SAD and happy.dominant is Emotion.HAPPY
    assert sad.feedback != happy.feedback
    assert re.search(r"sad|low|gentle|heavy|hard|lonely", sad.feedback.lower())


def test_feedback_is_deterministic_and_varies_across_diaries(analyser):
    texts = [f"오늘은 {place}에서 친구를 만났다. 정말 행복했다." for place in
             ("카페", "공원", "도서관", "한강", "식당", "극장", "시장", "바다")]
    first = [a.feedback for a in analyser.analyse(texts)]
    assert first == [a.feedback for a in analyser.analyse(texts)]
    templates = {re.sub(r"'[^']*'", "'X'", f) for f in first}
    assert len(templates) >= 2


@pytest.mark.parametrize("text", ["요즘 그냥 죽고 싶다는 생각만 든다. 회사도 집도 다 싫다.",
                                  "살기 싫어. 아무도 내 마음을 모른다."])
def test_flagged_korean_diary_carries_korean_crisis_numbers(analyser, text):
    a = _one(analyser, text)
    assert a.safety_flag
    assert "109" in a.feedback and "1577-0199" in a.feedback
    assert a.dominant is a.distribution.dominant  # emotions still reported


def test_flagged_english_diary_carries_crisis_numbers_and_no_diary_words(analyser):
    text = "Everything went wrong at school. I don't want to live anymore."
    a = _one(analyser, text)
    assert a.safety_flag
    assert "109" in a.feedback and "1577-0199" in a.feedback and "988" in a.feedback
    assert "school" not in a.feedback.lower()


def test_ordinary_sad_day_gets_no_crisis_line(analyser):
    a = _one(analyser, "오늘 너무 슬펐다. 배고파 죽겠다.")
    assert not a.safety_flag
    assert "109" not in a.feedback


def test_batch_of_mixed_languages_keeps_order(analyser):
    texts = [KO_DIARY, EN_SAD, KO_SAD, EN_DIARY]
    batch = analyser.analyse(texts)
    assert [a.language for a in batch] == ["ko", "en", "ko", "en"]
    assert batch == [_one(analyser, t) for t in texts]
    assert analyser.analyse([]) == []
