"""A migrated database for a service layer's tests. SQLite: a copy of a database migrated once
per test session (running the migrations costs 0.1-0.5 s per service, a copy a millisecond);
any other database is migrated in place."""

from __future__ import annotations

import pathlib
import shutil
import tempfile

from gridam_runtime import db

_TEMPLATES = tempfile.TemporaryDirectory(prefix="gridam-migrated-")
_SQLITE = "sqlite:///"


def migrate(migrations_dir: pathlib.Path, database_url: str) -> None:
    target = pathlib.Path(database_url.removeprefix(_SQLITE))
    if not database_url.startswith(_SQLITE) or target.exists():
        db.migrate(migrations_dir, database_url)
        return
    template = pathlib.Path(_TEMPLATES.name) / f"{migrations_dir.parent.name}.db"
    if not template.exists():
        db.migrate(migrations_dir, _SQLITE + str(template))
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target)
