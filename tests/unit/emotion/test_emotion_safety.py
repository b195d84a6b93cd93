"""Safety check: clear self-harm/suicide statements flag; sad days and idioms do not."""

from __future__ import annotations

import pytest

from emotion_service.domain.analysis.safety import REASONS, SafetyCheck

CLEAR = [
    "죽고 싶다",
    "요즘은 그냥 죽고싶어.",
    "자살하고 싶어",
    "살기 싫어",
    "더 이상 살고 싶지 않다",
    "차라리 죽는 게 나을 것 같아",
    "어제 또 자해를 했다",
    "살아갈 이유가 없다",
    "회사 일도 다 망하고 그냥 사라지고 싶다",
    "I want to kill myself",
    "I don't want to live anymore",
    "Honestly I just want to die.",
    "Lately I keep thinking about suicide",
    "I wish I were dead",
    "Everyone would be better off without me.",
    "I want to end my life",
    "I'm having thoughts of suicide and I keep hurting myself",
]
ORDINARY = [
    "오늘 너무 슬펐다",
    "시험을 망쳐서 하루 종일 울었다. 너무 속상하다.",
    "죽을 만큼 웃었다",
    "배고파 죽겠다",
    "힘들어 죽겠다 진짜",
    "보고 싶어 죽겠어",
    "죽고 싶을 만큼 창피했다",
    "너무 창피해서 사라지고 싶었다",
    "수술 전날, 이대로 죽을까 봐 무서웠다",
    "일을 다 끝내버리고 싶다",
    "I was so sad and tired today",
    "I'm dying to see the new movie",
    "This homework is killing me",
    "I laughed so hard I almost died",
    "I hurt myself playing soccer",
    "I don't want to die, I want to get better",
    "The cake was to die for",
    "My phone died on the way home",
]


@pytest.fixture(scope="module")
def check() -> SafetyCheck:
    return SafetyCheck()


@pytest.mark.parametrize("text", CLEAR)
def test_clear_statements_are_flagged(check, text):
    result = check.check(text)
    assert result.flagged
    assert result.reasons  # a reason code, not the text


@pytest.mark.parametrize("text", ORDINARY)
def test_sad_days_and_idioms_are_not_flagged(check, text):
    assert not check.check(text).flagged


def test_a_clear_statement_counts_even_beside_an_idiom(check):
    assert check.check("배고파 죽겠다. 그런데 사실 요즘은 정말 죽고 싶다.").flagged


def test_reasons_are_codes_never_the_diary_text(check):
    for text in CLEAR:
        result = check.check(text)
        assert set(result.reasons) <= set(REASONS)
        assert all(r not in text for r in result.reasons)
