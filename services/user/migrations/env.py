"""Alembic environment of the user service (run through gridam_runtime.db.migrate)."""

from gridam_runtime.db import run_migrations
from user_service.adapters.orm import Base

run_migrations(Base.metadata)
