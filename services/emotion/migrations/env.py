"""Alembic environment of the emotion service (run through gridam_runtime.db.migrate)."""

from emotion_service.adapters.orm import Base
from gridam_runtime.db import run_migrations

run_migrations(Base.metadata)
