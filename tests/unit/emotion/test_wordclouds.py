"""Word clouds: per-emotion keyword aggregation and PNG rendering with a Korean font."""

from __future__ import annotations

import math
import random

import pytest
from PIL import Image, ImageFont

from emotion_service.domain.analysis.emotions import Emotion
from emotion_service.domain.wordclouds import PALETTES, DiaryKeywords, WeightedWord, aggregate_keywords, render_word_cloud, render_word_clouds
from gridam_domain import fonts
from gridam_domain.fonts import FontMissingError, korean_font_path
from tests.support.pngs import opened_png

WIDTH, HEIGHT = 800, 600
KOREAN = "산책 친구 커피 바다 햇살 가족 음악 영화 여행 고양이 강아지 점심 운동 공원 하늘 노래 선물 사진 주말 휴식".split()


def diary(emotion: Emotion, *keywords: tuple[str, float]) -> DiaryKeywords:
    return DiaryKeywords(emotion, list(keywords))


def ink_share(image: Image.Image, background: str) -> float:
    """Share of pixels that differ from the background colour."""
    bg = Image.new("RGB", image.size, background).tobytes()
    data = image.tobytes()
    differing = sum(1 for i in range(0, len(data), 3) if data[i : i + 3] != bg[i : i + 3])
    return differing / (image.size[0] * image.size[1])


@pytest.fixture(scope="module")
def happy_words() -> list[WeightedWord]:
    rng = random.Random(7)
    diaries = [diary(Emotion.HAPPY, *[(w, rng.uniform(0.1, 1.0)) for w in rng.sample(KOREAN, 10)]) for _ in range(12)]
    return aggregate_keywords(diaries)[Emotion.HAPPY]


@pytest.fixture(scope="module")
def happy_png(happy_words) -> bytes:
    png = render_word_cloud(Emotion.HAPPY, happy_words)
    assert png is not None
    return png


# -- aggregation ---------------------------------------------------------------------------------
def test_recurring_words_outrank_a_single_strong_one_and_top_is_one():
    result = aggregate_keywords(
        [
            diary(Emotion.HAPPY, ("산책", 0.6), ("케이크", 1.0)),
            diary(Emotion.HAPPY, ("산책", 0.5), ("친구", 1.0)),
            diary(Emotion.HAPPY, ("산책", 0.7), ("친구", 0.2), ("바다", 1.0)),
        ]
    )
    words = result[Emotion.HAPPY]
    assert words[0] == WeightedWord("산책", 1.0)
    assert [w.word for w in words].index("친구") < [w.word for w in words].index("케이크")
    weights = [w.weight for w in words]
    assert weights == sorted(weights, reverse=True)
    assert all(0.0 < w <= 1.0 for w in weights)
    assert max(weights) == 1.0


def test_per_diary_scaling_stops_one_diary_with_big_raw_weights_dominating():
    result = aggregate_keywords(
        [
            diary(Emotion.SAD, ("비", 100.0), ("우산", 90.0)),
            diary(Emotion.SAD, ("우산", 0.8), ("혼자", 1.0)),
            diary(Emotion.SAD, ("우산", 0.9), ("혼자", 0.3)),
        ]
    )
    assert result[Emotion.SAD][0].word == "우산"


def test_emotions_are_kept_apart_and_only_those_with_diaries_appear():
    result = aggregate_keywords(
        [
            diary(Emotion.HAPPY, ("여행", 1.0), ("친구", 0.5)),
            diary(Emotion.ANGRY, ("야근", 1.0), ("상사", 0.8)),
            diary(Emotion.HAPPY, ("여행", 0.9)),
            diary(Emotion.FEAR),  # a diary without keywords still makes the emotion appear
        ]
    )
    assert list(result) == [Emotion.HAPPY, Emotion.ANGRY, Emotion.FEAR]  # EMOTIONS order
    assert {w.word for w in result[Emotion.HAPPY]} == {"여행", "친구"}
    assert {w.word for w in result[Emotion.ANGRY]} == {"야근", "상사"}
    assert result[Emotion.FEAR] == []
    assert aggregate_keywords([]) == {}


def test_top_n_and_bad_input_are_handled():
    keywords = [(f"word{i:02d}", 1.0 - i / 100) for i in range(50)]
    keywords += [("", 1.0), ("   ", 1.0), ("zero", 0.0), ("negative", -1.0), ("nan", math.nan), ("inf", math.inf)]
    result = aggregate_keywords([(Emotion.JOY, keywords)], top_n=10)[Emotion.JOY]
    assert [w.word for w in result] == [f"word{i:02d}" for i in range(10)]
    assert len(aggregate_keywords([(Emotion.JOY, keywords)])[Emotion.JOY]) == 30  # default top 30
    with pytest.raises(ValueError):
        aggregate_keywords([], top_n=0)
    with pytest.raises(TypeError):
        aggregate_keywords([("행복", [("a", 1.0)])])


def test_spellings_merge_and_a_word_counts_once_per_diary():
    decomposed_haengbok = "\u1112\u1162\u11bc\u1107\u1169\u11a8"  # 행복 in NFD jamo
    result = aggregate_keywords(
        [
            diary(Emotion.JOY, ("Friend", 1.0), (" friend ", 0.4), ("행복", 0.5)),
            diary(Emotion.JOY, ("friend", 1.0), (decomposed_haengbok, 1.0)),
            diary(Emotion.JOY, ("friend", 1.0)),
        ]
    )[Emotion.JOY]
    assert result[0] == WeightedWord("friend", 1.0)  # 2 × "friend" beats 1 × "Friend"
    assert result[1] == WeightedWord("행복", 0.5)  # (0.5 + 1.0) / 3.0
    assert len(result) == 2


def test_ties_are_broken_the_same_way_whatever_the_input_order():
    records = [
        diary(Emotion.SURPRISE, ("b", 1.0), ("a", 1.0), ("c", 0.5)),
        diary(Emotion.SURPRISE, ("d", 1.0), ("c", 0.5)),
    ]
    first = aggregate_keywords(records)
    shuffled = [diary(r.emotion, *reversed(r.keywords)) for r in reversed(records)]
    assert aggregate_keywords(shuffled) == first
    # c: 0.5 + 0.5 = 1.0 in two diaries beats a, b, d (1.0 each, one diary); then by word.
    assert [w.word for w in first[Emotion.SURPRISE]] == ["c", "a", "b", "d"]


# -- font ----------------------------------------------------------------------------------------
def test_font_comes_from_the_installed_package():
    path = korean_font_path()
    assert path.is_file() and path.suffix in {".otf", ".ttf"}


def test_hangul_renders_as_glyphs_not_tofu():
    font = ImageFont.truetype(str(korean_font_path()), 48)
    masks = {char: font.getmask(char) for char in ("행", "복", "\uffff")}
    bitmaps = {char: bytes(mask) for char, mask in masks.items()}
    for char in ("행", "복"):
        assert masks[char].getbbox() is not None, f"{char} drew nothing"
        assert bitmaps[char] != bitmaps["\uffff"], f"{char} drew the .notdef box"
    assert bitmaps["행"] != bitmaps["복"]


def test_a_missing_font_package_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(fonts, "FONT_PACKAGE", "no_such_font_package_xyz")
    fonts.korean_font_path.cache_clear()
    try:
        with pytest.raises(FontMissingError, match="pylopdf-fonts-ko"):
            korean_font_path()
        with pytest.raises(FontMissingError):
            render_word_cloud(Emotion.HAPPY, [("a", 1.0)])
    finally:
        monkeypatch.undo()
        fonts.korean_font_path.cache_clear()


# -- rendering -----------------------------------------------------------------------------------
def test_png_has_the_size_and_is_not_blank(happy_png):
    image = opened_png(happy_png).convert("RGB")
    assert image.size == (WIDTH, HEIGHT)
    share = ink_share(image, PALETTES[Emotion.HAPPY].background)
    assert 0.03 < share < 0.9


def test_rendering_is_deterministic(happy_words, happy_png):
    assert render_word_cloud(Emotion.HAPPY, happy_words) == happy_png
    assert render_word_cloud(Emotion.HAPPY, list(reversed(happy_words))) == happy_png
    assert render_word_cloud(Emotion.HAPPY, happy_words, seed=1) != happy_png


def test_each_emotion_has_its_own_colours():
    words = [("하늘", 1.0), ("바다", 0.6)]
    happy = opened_png(render_word_cloud(Emotion.HAPPY, words, size=(200, 150))).convert("RGB")
    sad = opened_png(render_word_cloud(Emotion.SAD, words, size=(200, 150))).convert("RGB")
    assert happy.getpixel((0, 0)) == Image.new("RGB", (1, 1), PALETTES[Emotion.HAPPY].background).getpixel((0, 0))
    assert sad.getpixel((0, 0)) == Image.new("RGB", (1, 1), PALETTES[Emotion.SAD].background).getpixel((0, 0))
    data = sad.tobytes()
    blue_ink = [i for i in range(0, len(data), 3) if data[i + 2] > data[i] + 60]
    assert blue_ink, "the sad cloud should be drawn in blue"
    assert len(PALETTES) == len(Emotion)


def test_nothing_to_draw_returns_none():
    assert render_word_cloud(Emotion.NONE, []) is None
    assert render_word_cloud(Emotion.NONE, [("😀🎉", 1.0), ("word", 0.0), ("\u200d\ufe0f", 0.5)]) is None


def test_emoji_and_very_long_words_do_not_break_rendering():
    words = [("😀행복😀", 1.0), ("👨\u200d👩\u200d👧", 0.9), ("아" * 300, 0.8), ("x" * 500, 0.7), ("a\nb\tc", 0.5)]
    image = opened_png(render_word_cloud(Emotion.JOY, words, size=(400, 300))).convert("RGB")
    assert image.size == (400, 300)
    assert ink_share(image, PALETTES[Emotion.JOY].background) > 0.01


def test_render_all_skips_emotions_with_nothing_to_draw():
    aggregated = aggregate_keywords([diary(Emotion.ANXIOUS, ("시험", 1.0)), diary(Emotion.DISGUST)])
    images = render_word_clouds(aggregated, size=(200, 150))
    assert list(images) == [Emotion.ANXIOUS]
    assert opened_png(images[Emotion.ANXIOUS]).size == (200, 150)


def test_bad_render_arguments_are_rejected():
    with pytest.raises(ValueError):
        render_word_cloud(Emotion.HAPPY, [("a", 1.0)], size=(10, 10))
    with pytest.raises(ValueError):
        render_word_cloud(Emotion.HAPPY, [("a", 1.0)], max_words=0)
