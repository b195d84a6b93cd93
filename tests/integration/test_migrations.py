"""Every service's migrations build exactly the schema its ORM models describe, on MariaDB
and on SQLite: a model changed without a migration (or a hand-written migration that differs
from the model) fails here, not on someone's production database."""

from __future__ import annotations

import importlib

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
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
