"""Alembic environment of the card service (run through gridam_runtime.db.migrate)."""

from alembic import context
from sqlalchemy import engine_from_config, pool

from card_service.adapters.orm import Base

config = context.config

connectable = engine_from_config(config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool)
with connectable.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
    )
    with context.begin_transaction():
        context.run_migrations()
