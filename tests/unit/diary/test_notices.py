"""What notifications say (decision 6: Korean message and content, numeric entity ids)."""

from __future__ import annotations

from diary_service.service_layer.notifications import EXCERPT_CHARS, card_ready_notice, excerpt, follow_notice
from gridam_domain.emotions import Emotion


def test_excerpts_fold_whitespace_and_stop_at_the_limit():
    assert excerpt("  오늘은\n\n 맑음  ") == "오늘은 맑음"
    long = "가" * (EXCERPT_CHARS + 5)
    cut = excerpt(long)
    assert len(cut) == EXCERPT_CHARS and cut.endswith("…")
    assert excerpt("가" * EXCERPT_CHARS) == "가" * EXCERPT_CHARS


def test_card_ready_names_the_day_the_emotion_in_korean_and_hashtags():
    notice = card_ready_notice(7, 42, "2026-11-30", Emotion.HAPPY, ["바다", "친구", "a", "b", "c", "d"], "cards/x.png")
    assert (notice.recipient_id, notice.notice_type, notice.entity_id, notice.diary_id) == (7, "CARD_READY", 42, 42)
    assert notice.message == "2026-11-30 감정 카드가 완성되었어요"
    assert notice.content == "오늘의 감정: 행복 #바다 #친구 #a #b #c"  # five hashtags at most
    assert notice.image_key == "cards/x.png" and notice.dedupe_key == "CARD_READY:42"
    unknown = card_ready_notice(7, 43, "2026-11-30", None, [], "cards/y.png")
    assert unknown.content == ""


def test_a_follow_is_keyed_by_the_pair_and_points_at_the_follower():
    notice = follow_notice(follower_id=11, follower_login_id="haru", followee_id=12)
    assert (notice.recipient_id, notice.entity_id, notice.dedupe_key) == (12, 11, "FOLLOW:11:12")
    # The message names the follower by a placeholder the gateway fills with their nickname (decision 18).
    assert notice.message == "{actor}님이 회원님을 팔로우하기 시작했어요" and notice.actor_login_id == "haru"
    assert "haru" not in notice.content and notice.checked is False
