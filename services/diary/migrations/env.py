"""Alembic environment of the diary service (run through gridam_runtime.db.migrate)."""

from gridam_runtime.db import run_migrations
from diary_service.adapters.orm import Base

run_migrations(Base.metadata)
