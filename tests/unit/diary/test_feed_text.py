"""A feed post's text goes through the text policy (issue 19, finding 11: NUL, BEL and C1
controls were kept in posts). SQLite; the card service is the test double of test_sensitive_share."""

from __future__ import annotations

import asyncio

from tests.unit.diary.test_sensitive_share import ORDINARY_CARD, feed  # noqa: F401 - `feed` is a fixture


def test_hidden_characters_leave_a_post(feed):  # noqa: F811
    view = asyncio.run(feed.create(ORDINARY_CARD, " 오늘\x00의\x07 카드\x85\u202e\u200b\n둘째 줄 ", "PUBLIC", confirm_sensitive=False))
    assert view.post.content == "오늘의 카드\n둘째 줄"
