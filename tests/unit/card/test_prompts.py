"""Image prompts: an emotion analysis → what the gpu-worker draws for the card."""

from __future__ import annotations

import dataclasses

import pytest

from card_service.domain.prompts import CALM_PROMPT, MAX_MOTIFS, ImagePrompt, build_prompt, card_hashtags, is_denied, seed_for
from emotion_service.domain.analysis.analyser import Analysis
from emotion_service.domain.analysis.emotions import EMOTIONS, Distribution, Emotion
from emotion_service.domain.analysis.safety import RiskLevel


def analysis(**overrides) -> dict:
    base = dict(
        dominant=Emotion.HAPPY,
        distribution={Emotion.HAPPY: 0.55, Emotion.JOY: 0.25, Emotion.SAD: 0.1, Emotion.ANXIOUS: 0.06, Emotion.NONE: 0.04},
        keywords=[("산책", 1.0), ("친구", 0.8), ("커피", 0.6), ("gallery", 0.5), ("바다", 0.4), ("노을", 0.3)],
        hashtags=["산책", "친구", "커피"],
        safety_flag=False,
        language="ko",
    )
    base.update(overrides)
    return base


def test_prompt_describes_mood_motifs_and_style():
    result = build_prompt(analysis(), diary_id=7, version=1)
    assert isinstance(result, ImagePrompt)
    assert result.calm is False
    assert result.motifs == ("산책", "친구", "커피", "gallery", "바다")  # top 5 by weight
    assert len(result.motifs) <= MAX_MOTIFS
    for motif in result.motifs:
        assert motif in result.prompt
    assert "노을" not in result.prompt
    assert "no text" in result.prompt
    assert "sunlight" in result.prompt  # the HAPPY scene
    assert "touch of joy" in result.prompt  # JOY at 25% is a strong second emotion
    assert result.prompt.isascii() is False  # Korean motifs stay Korean
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.calm = True  # type: ignore[misc]  # a frozen dataclass written to on purpose


def test_style_varies_by_emotion():
    prompts = {key: build_prompt(analysis(dominant=key, distribution={key: 1.0}), diary_id=1, version=1).prompt
               for key in EMOTIONS}
    assert len(set(prompts.values())) == len(EMOTIONS)
    assert all(prompt.endswith("no text") for prompt in prompts.values())


def test_safety_flag_gives_a_fixed_calm_prompt_without_the_diary_content():
    diary = analysis(
        dominant=Emotion.SAD,
        distribution={Emotion.SAD: 0.7, Emotion.FEAR: 0.3},
        keywords=[("바다", 1.0), ("다리", 0.9), ("엄마", 0.8), ("rain", 0.5)],
        hashtags=["바다", "다리", "엄마"],
        safety_flag=True,
    )
    result = build_prompt(diary, diary_id=3, version=2)
    assert result.calm is True
    assert result.motifs == ()
    assert result.prompt == CALM_PROMPT
    for word, _ in diary["keywords"]:
        assert word not in result.prompt
    assert all(isinstance(key, Emotion) for key, _ in result.palette)
    assert Emotion.SAD not in dict(result.palette) and Emotion.FEAR not in dict(result.palette)
    assert sum(share for _, share in result.palette) == pytest.approx(1.0)
    # The same prompt whatever the diary said.
    other = build_prompt(analysis(safety_flag=True), diary_id=3, version=2)
    assert (other.prompt, other.palette, other.motifs) == (result.prompt, result.palette, result.motifs)


@pytest.mark.parametrize(
    "word",
    ["자해", "자살", "칼", "피", "흉기", "살인사건", "극단적 선택", "수면제", "suicide", "self-harm", "knife",
     "Blood", "killing", "kill myself", "gun", "murderer"],
)
def test_deny_listed_keywords_never_become_motifs(word):
    assert is_denied(word)
    result = build_prompt(analysis(keywords=[(word, 1.0), ("산책", 0.5)], hashtags=[word, "산책"]),
                          diary_id=1, version=1)
    assert word not in result.motifs
    assert word.casefold() not in result.prompt.casefold()
    assert result.motifs == ("산책",)


@pytest.mark.parametrize("word", ["피자", "커피", "칼국수", "칼로리", "피곤", "총무", "상해", "haircut", "deadline",
                                  "산책", "gallery", "beat", "photo shot"])
def test_ordinary_words_are_not_denied(word):
    assert not is_denied(word)


def test_seed_is_stable_per_version_and_differs_across_versions_and_diaries():
    diary = analysis()
    first = build_prompt(diary, diary_id=42, version=1)
    assert build_prompt(diary, diary_id=42, version=1).seed == first.seed
    seeds = {build_prompt(diary, diary_id=42, version=v).seed for v in range(1, 21)}
    assert len(seeds) == 20
    assert build_prompt(diary, diary_id=43, version=1).seed != first.seed
    assert all(0 <= s < 2**31 for s in seeds)
    # Only (diary, version) matters: the safety-flagged prompt keeps the seed.
    assert build_prompt(analysis(safety_flag=True), diary_id=42, version=1).seed == first.seed
    assert seed_for(42, 1) == first.seed
    for bad in ((-1, 1), (1, -1), (True, 1), ("1", 1)):
        with pytest.raises(ValueError):
            seed_for(*bad)


def test_palette_is_the_top_shares_renormalised():
    result = build_prompt(analysis(), diary_id=1, version=1)
    keys = [key for key, _ in result.palette]
    assert keys == [Emotion.HAPPY, Emotion.JOY, Emotion.SAD]
    assert all(isinstance(key, Emotion) for key in keys)
    shares = [share for _, share in result.palette]
    assert sum(shares) == pytest.approx(1.0, abs=1e-9)
    assert shares == sorted(shares, reverse=True)
    assert shares[0] == pytest.approx(0.55 / 0.9, abs=1e-3)


def test_palette_drops_tiny_shares_and_handles_an_empty_distribution():
    result = build_prompt(analysis(dominant=Emotion.SAD, distribution={Emotion.SAD: 0.97, Emotion.FEAR: 0.03}), diary_id=1, version=1)
    assert result.palette == ((Emotion.SAD, 1.0),)
    result = build_prompt(analysis(dominant=Emotion.ANGRY, distribution={}), diary_id=1, version=1)
    assert result.palette == ((Emotion.ANGRY, 1.0),)
    assert "stormy" in result.prompt


def test_the_emotion_service_analysis_dataclass_is_accepted():
    distribution = Distribution({Emotion.SAD: 0.6, Emotion.FEAR: 0.3, Emotion.NONE: 0.1})
    record = Analysis(
        distribution=distribution,
        dominant=Emotion.SAD,
        hashtags=("비", "우산", "혼자"),
        keywords=(("비", 1.0), ("우산", 0.7), ("혼자", 0.5)),
        feedback="…",
        language="ko",
        safety_flag=False,
        risk=RiskLevel.NONE,
    )
    result = build_prompt(record, diary_id=9, version=1)
    assert [key for key, _ in result.palette] == [Emotion.SAD, Emotion.FEAR, Emotion.NONE]
    assert result.motifs == ("비", "우산", "혼자")
    assert "rainy" in result.prompt and "touch of apprehension" in result.prompt


def test_motifs_fall_back_to_hashtags_and_prompt_syntax_is_stripped():
    result = build_prompt(analysis(keywords=[], hashtags=["#여행", "(masterpiece:1.5)", "여행"]),
                          diary_id=1, version=1)
    assert result.motifs == ("여행", "masterpiece 1 5")
    assert "(" not in result.prompt and ":" not in result.prompt


def test_dominant_falls_back_to_the_largest_share():
    result = build_prompt(analysis(dominant=None, distribution={Emotion.FEAR: 0.8, Emotion.SAD: 0.2}), diary_id=1, version=1)
    assert result.palette[0][0] == Emotion.FEAR
    assert "misty" in result.prompt


def test_a_card_shows_no_hashtags_of_a_flagged_diary_and_never_a_deny_listed_one():
    tags = ["산책", "자해", "손목", "칼로", "카페", "suicide", "razor"]
    assert card_hashtags(tags, safety_flag=True) == []
    assert card_hashtags(tags, safety_flag=False) == ["산책", "손목", "카페"]
    # Ordinary words that merely contain a one-syllable deny-listed word stay.
    assert card_hashtags(["칼국수", "칼로리", "커피", "피로", "독도"], safety_flag=False) == ["칼국수", "칼로리", "커피", "피로", "독도"]


@pytest.mark.parametrize("spelling", ["HAPPY", "행복", "EMOTION_HAPPY", 1])
def test_an_emotion_is_the_domain_type_never_a_spelling_of_one(spelling):
    with pytest.raises(TypeError):
        build_prompt(analysis(dominant=spelling), diary_id=1, version=1)
    with pytest.raises(TypeError):
        build_prompt(analysis(distribution={spelling: 1.0}), diary_id=1, version=1)
