"""Every service's migrations build exactly the schema its ORM models describe, on MariaDB
and on SQLite: a model changed without a migration (or a hand-written migration that differs
from the model) fails here, not on someone's production database."""

from __future__ import annotations

import importlib

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext

from gridam_runtime import db

pytestmark = pytest.mark.integration

SERVICES = ("user_service", "diary_service", "emotion_service", "card_service")


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_match_the_models(service: str, database_url: str):
    bootstrap = importlib.import_module(f"{service}.bootstrap")
    metadata = importlib.import_module(f"{service}.adapters.orm").Base.metadata
    db.migrate(bootstrap.MIGRATIONS_DIR, database_url)
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_existing_analyses_get_their_risk_level_from_the_safety_flag(database_url: str):
    """Emotion service 0002: an analysis stored before risk levels is urgent when it was
    safety-flagged, none otherwise."""
    config = Config()
    config.set_main_option("script_location", str(importlib.import_module("emotion_service.bootstrap").MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    command.upgrade(config, "0001")
    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as connection:
            for diary_id, flagged in ((1, True), (2, False)):
                connection.execute(
                    sa.text(
                        "INSERT INTO diary_analyses (diary_id, author_id, date, dominant, distribution, hashtags, keywords,"
                        " feedback, safety_flag, language, classifier, created_at) VALUES (:id, 7, '2026-12-01', 'SAD',"
                        " '{}', '[]', '[]', '', :flagged, 'ko', 'offline', '2026-12-01 09:00:00')"
                    ),
                    {"id": diary_id, "flagged": flagged},
                )
        command.upgrade(config, "head")
        with engine.connect() as connection:
            levels = dict(connection.execute(sa.text("SELECT diary_id, risk_level FROM diary_analyses")).all())
    finally:
        engine.dispose()
    assert levels == {1: "urgent", 2: "none"}
