"""Diary service migration 0005 (decision 18): stored notifications named who acted by login id;
afterwards their messages carry the placeholder the gateway fills with the nickname, on
MariaDB and SQLite alike."""

from __future__ import annotations

import importlib

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

pytestmark = pytest.mark.integration

ROWS = [
    # notice_type, actor_login_id, message, content
    ("COMMENT", "haru_01", "haru_01님이 회원님의 피드에 댓글을 남겼어요", "좋은 하루였네요"),
    ("REACTION", "haru_01", "haru_01님이 회원님의 피드에 '공감해요' 반응을 남겼어요", "오늘의 카드"),
    ("FOLLOW", "bom", "bom님이 회원님을 팔로우하기 시작했어요", "bom님의 프로필에서 감정 카드를 둘러보세요."),
    ("CARD_READY", "", "2026-12-01 감정 카드가 완성되었어요", "오늘의 감정: 행복"),
]


def test_stored_messages_name_the_actor_by_placeholder(database_url: str):
    config = Config()
    config.set_main_option("script_location", str(importlib.import_module("diary_service.bootstrap").MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    command.upgrade(config, "0004")
    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as connection:
            for n, (kind, actor, message, content) in enumerate(ROWS, 1):
                connection.execute(
                    sa.text(
                        "INSERT INTO notifications (recipient_id, notice_type, entity_id, actor_login_id, image_key,"
                        " message, content, checked, dedupe_key, created_at) VALUES (1, :kind, 1, :actor, '', :message,"
                        " :content, 0, :key, '2026-12-01 09:00:00')"
                    ),
                    {"kind": kind, "actor": actor, "message": message, "content": content, "key": f"K{n}"},
                )
        command.upgrade(config, "head")
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT message, content FROM notifications ORDER BY id")).all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in rows] == [
        ("{actor}님이 회원님의 피드에 댓글을 남겼어요", "좋은 하루였네요"),
        ("{actor}님이 회원님의 피드에 '공감해요' 반응을 남겼어요", "오늘의 카드"),
        ("{actor}님이 회원님을 팔로우하기 시작했어요", "프로필에서 감정 카드를 둘러보세요."),
        ("2026-12-01 감정 카드가 완성되었어요", "오늘의 감정: 행복"),
    ]
