"""Alembic environment of the card service (run through gridam_runtime.db.migrate)."""

from gridam_runtime.db import run_migrations
from card_service.adapters.orm import Base

run_migrations(Base.metadata)
