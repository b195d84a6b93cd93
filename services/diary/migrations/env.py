"""Alembic environment of the diary service (run through gridam_runtime.db.migrate)."""

from diary_service.adapters.orm import Base
from gridam_runtime.db import run_migrations

run_migrations(Base.metadata)
