"""Emotion-card composition: generated art + Korean typography → one portrait PNG."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageChops, ImageFont

from card_service.domain import composition
from card_service.domain.composition import DEFAULT_SIZE, EMOTION_STYLES, CardArtError, compose_card, format_date, wrap_text
from gridam_domain.emotions import Emotion
from gridam_domain.fonts import korean_font_path
from tests.support.pngs import art_png, opened_png

W, H = DEFAULT_SIZE
FEEDBACK_A = "오늘 하루도 정말 수고 많았어요. 친구와 함께한 산책이 마음을 따뜻하게 해 주었네요."
FEEDBACK_B = "It sounds like a heavy day. Take a slow breath and be gentle with yourself tonight."
CRISIS = ("지금 많이 힘드시군요. 혼자 견디지 않으셔도 괜찮아요. 자살예방상담전화 109 또는 "
          "정신건강위기상담전화 1577-0199로 언제든 연락해 주세요.")
TAGS = ["산책", "#친구", "커피", "가을하늘"]
ART = art_png()


def card(**overrides) -> bytes:
    args = dict(date="2026-11-30", emotion=Emotion.HAPPY, hashtags=TAGS, feedback=FEEDBACK_A)
    art = overrides.pop("art", ART)
    args.update(overrides)
    return compose_card(art, **args)


def panel_top(height: int = H, width: int = W) -> int:
    layout = composition._layout(width, height)
    return layout.art_height + layout.stripe


def rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


@pytest.fixture(scope="module")
def happy() -> Image.Image:
    return opened_png(card())


# -- size and format -----------------------------------------------------------------------------
def test_card_is_a_png_of_the_requested_size(happy):
    assert happy.size == (W, H)
    assert happy.mode == "RGB"
    other = opened_png(card(size=(600, 900)))
    assert other.size == (600, 900)


@pytest.mark.parametrize("size", [(1, 1), (3, 700), (1600, 200), (512, 512), (2000, 1500)])
def test_art_of_any_size_and_aspect_is_cover_cropped(size):
    image = opened_png(card(art=art_png(*size)))
    assert image.size == (W, H)


@pytest.mark.parametrize("mode", ["RGBA", "LA", "L", "P", "I;16"])
def test_art_in_other_modes_is_accepted(mode):
    assert opened_png(card(art=art_png(64, 48, mode=mode))).size == (W, H)


def test_jpeg_art_is_accepted():
    out = io.BytesIO()
    Image.open(io.BytesIO(ART)).save(out, format="JPEG")
    assert opened_png(card(art=out.getvalue())).size == (W, H)


def test_stripe_and_panel_use_the_emotion_colours_of_web_api_section_10():
    layout = composition._layout(W, H)
    for emotion in (Emotion.HAPPY, Emotion.SAD, Emotion.FEAR):
        image = opened_png(card(emotion=emotion))
        style = EMOTION_STYLES[emotion.name]
        assert image.getpixel((W // 2, layout.art_height + layout.stripe // 2)) == rgb(style.colour)
        assert image.getpixel((W // 2, H - 2)) == rgb(style.panel)


# -- text is drawn -------------------------------------------------------------------------------
def test_the_panel_carries_text(happy):
    panel = happy.crop((0, panel_top(), W, H))
    background = rgb(EMOTION_STYLES["HAPPY"].panel)
    data = np.asarray(panel)
    inked = np.any(data != np.array(background, dtype=data.dtype), axis=2).mean()
    assert 0.02 < inked < 0.5
    assert len(panel.getcolors(maxcolors=1 << 16) or range(1 << 16)) > 16  # anti-aliased text


def test_different_feedback_changes_only_the_feedback_area(happy):
    other = opened_png(card(feedback=FEEDBACK_B))
    box = ImageChops.difference(happy, other).getbbox()
    assert box is not None, "the feedback was not drawn"
    left, top, right, bottom = box
    assert top > panel_top() + 120  # date, label and chips are unchanged
    assert bottom <= H - composition._layout(W, H).bottom_margin


def test_label_date_and_hashtags_are_drawn():
    base = opened_png(card(feedback=""))
    for changed in (dict(emotion=Emotion.SAD), dict(date="2027-01-02"), dict(hashtags=["바다"])):
        assert ImageChops.difference(base, opened_png(card(feedback="", **changed))).getbbox() is not None


def test_label_is_drawn_in_the_emotion_colour_family():
    image = opened_png(card(emotion=Emotion.SAD, feedback="", hashtags=[]))
    panel = np.asarray(image.crop((0, panel_top(), W, H))).astype(int)
    r, g, b = panel[..., 0], panel[..., 1], panel[..., 2]
    blue_ink = (b - r > 80) & (b - g > 40)
    assert blue_ink.sum() > 500  # the big 슬픔 in royal blue


def test_long_feedback_stays_inside_the_margins():
    long_text = " ".join([CRISIS] * 6) + " " + "끝없이이어지는띄어쓰기없는한국어문장" * 10
    image = opened_png(card(feedback=long_text))
    layout = composition._layout(W, H)
    background = rgb(EMOTION_STYLES["HAPPY"].panel)
    bottom = image.crop((0, H - layout.bottom_margin + 2, W, H))
    assert bottom.getcolors() == [(bottom.width * bottom.height, background)]
    right = image.crop((W - layout.margin + 4, panel_top(), W, H))
    assert right.getcolors() == [(right.width * right.height, background)]
    # And the text does reach close to the bottom: it was cut, not dropped.
    near_bottom = image.crop((0, H - layout.bottom_margin - 60, W, H - layout.bottom_margin))
    assert len(near_bottom.getcolors(maxcolors=1 << 16) or range(1 << 16)) > 1


def test_feedback_emoji_are_left_out_not_drawn_as_boxes():
    assert card(feedback=FEEDBACK_A + " 😊") == card(feedback=FEEDBACK_A)
    assert card(hashtags=["산책🌿", "친구"]) == card(hashtags=["산책", "친구"])


def test_emotion_emoji_without_a_glyph_is_left_out(monkeypatch):
    with_emoji = card()
    monkeypatch.setitem(EMOTION_STYLES, "HAPPY", EMOTION_STYLES["HAPPY"]._replace(emoji=""))
    assert card() == with_emoji  # Noto Sans KR has no emoji: nothing (no tofu) was drawn


def test_hashtags_are_cleaned_and_deduplicated():
    assert card(hashtags=["#산책", "산책", " 친구 ", "", "#"]) == card(hashtags=["산책", "친구"])


# -- glyphs --------------------------------------------------------------------------------------
def test_korean_text_renders_as_glyphs_not_tofu():
    font = ImageFont.truetype(str(korean_font_path()), 48)
    missing = bytes(font.getmask("\uffff"))
    chars = set("".join(style.label for style in EMOTION_STYLES.values()) + "년월일" + FEEDBACK_A + CRISIS)
    for char in sorted(chars - {" "}):
        mask = font.getmask(char)
        assert mask.getbbox() is not None, f"{char!r} drew nothing"
        assert bytes(mask) != missing, f"{char!r} drew the .notdef box"


# -- wrapping ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def font() -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(korean_font_path()), 24, layout_engine=ImageFont.Layout.BASIC)


def test_wrapping_fits_the_width_and_keeps_crisis_numbers_whole(font):
    for width in (180, 260, 400, 672):
        lines = wrap_text(CRISIS, font, width)
        assert all(font.getlength(line) <= width for line in lines)
        assert "".join(lines).replace(" ", "") == CRISIS.replace(" ", "")
        assert any("1577-0199" in line for line in lines)
        assert any("109" in line for line in lines)


def test_a_word_wider_than_a_line_is_broken_by_characters(font):
    word = "띄어쓰기없이길게이어지는한국어문장입니다" * 3
    lines = wrap_text(word, font, 200)
    assert len(lines) > 3
    assert "".join(lines) == word
    assert all(font.getlength(line) <= 200 for line in lines)


def test_digit_groups_are_not_split_when_breaking_a_word(font):
    word = "상담전화1577-0199상담전화1577-0199상담전화1577-0199"
    lines = wrap_text(word, font, 190)
    assert "".join(lines) == word
    assert sum(line.count("1577-0199") for line in lines) == 3


def test_newlines_are_paragraph_breaks(font):
    assert wrap_text("첫 줄\n둘째 줄", font, 600) == ["첫 줄", "둘째 줄"]


# -- dates, emotions, errors ---------------------------------------------------------------------
def test_date_is_written_in_korean():
    assert format_date("2026-11-30") == "2026년 11월 30일"
    assert format_date("2026-01-05T09:00:00") == "2026년 1월 5일"
    for bad in ("30/11/2026", "2026-13-01", "", "2026-11-30x"):
        with pytest.raises(ValueError):
            format_date(bad)


@pytest.mark.parametrize("spelling", ["HAPPY", "happy", "행복", "BORED", 1])
def test_an_emotion_is_the_domain_type_never_a_spelling_of_one(spelling):
    with pytest.raises(TypeError):
        card(emotion=spelling)


def test_bad_date_and_bad_size_are_value_errors():
    with pytest.raises(ValueError, match="date"):
        card(date="yesterday")
    with pytest.raises(ValueError, match="size"):
        card(size=(10, 10))


@pytest.mark.parametrize(
    "broken",
    [b"", b"not an image at all", ART[: len(ART) // 2], b"\x89PNG\r\n\x1a\n" + b"\0" * 64, b"GIF89a" + b"\0" * 32],
)
def test_broken_art_is_a_clear_value_error(broken):
    with pytest.raises(ValueError, match="art") as caught:
        card(art=broken)
    assert isinstance(caught.value, CardArtError)


def test_gif_art_is_refused():
    out = io.BytesIO()
    Image.open(io.BytesIO(ART)).save(out, format="GIF")
    with pytest.raises(CardArtError):
        card(art=out.getvalue())


# -- determinism ---------------------------------------------------------------------------------
def test_the_same_input_gives_the_same_bytes():
    first = card(feedback=CRISIS, emotion=Emotion.SAD)
    assert card(feedback=CRISIS, emotion=Emotion.SAD) == first
    assert card(feedback=CRISIS, emotion=Emotion.ANXIOUS) != first
    assert card(feedback=CRISIS, emotion=Emotion.SAD, art=art_png(seed=4)) != first


def test_a_cut_line_ends_with_an_ellipsis_and_never_halves_a_number(font):
    line = "상담전화 1577-0199"
    width = font.getlength("상담전화 1577-01")
    cut = composition._with_ellipsis(line, font, width)
    assert cut == "상담전화…"
    assert font.getlength(cut) <= width
