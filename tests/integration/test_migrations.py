"""Every service's migrations build exactly the schema its ORM models describe, on MariaDB
and on SQLite: a model changed without a migration (or a hand-written migration that differs
from the model) fails here, not on someone's production database."""

from __future__ import annotations

import importlib
import pathlib

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from gridam_runtime import db

pytestmark = pytest.mark.integration

SERVICES = ("user_service", "diary_service", "emotion_service", "card_service")


@pytest.mark.parametrize("backend", ["mariadb", "sqlite"])
@pytest.mark.parametrize("service", SERVICES)
def test_migrations_match_the_models(service: str, backend: str, request, tmp_path: pathlib.Path):
    if backend == "mariadb":
        url = request.getfixturevalue("mariadb").create_database(f"gridam_migrations_{service}")
    else:
        url = f"sqlite:///{tmp_path / 'schema.db'}"
    bootstrap = importlib.import_module(f"{service}.bootstrap")
    metadata = importlib.import_module(f"{service}.adapters.orm").Base.metadata
    db.migrate(bootstrap.MIGRATIONS_DIR, url)
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, metadata)
    finally:
        engine.dispose()
    assert differences == []
