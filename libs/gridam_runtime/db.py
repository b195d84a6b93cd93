"""SQLAlchemy engines and Alembic migrations, the same way for every service."""

from __future__ import annotations

import datetime
import pathlib
import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple, Self, TypeVar, cast

import sqlalchemy
from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Dialect
from sqlalchemy.engine.interfaces import DBAPIConnection, DBAPICursor
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

_T = TypeVar("_T")

READ_TIMEOUT_SECONDS = 2
# MariaDB connections are replaced after this long, well within its wait_timeout (8 h).
RECYCLE_SECONDS = 1800

# The pieces every service's adapters/orm.py declares its tables with.
# SQLite only auto-increments INTEGER PRIMARY KEY columns.
BigId = sqlalchemy.BigInteger().with_variant(sqlalchemy.Integer, "sqlite")
MYSQL_TABLE_ARGS = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_bin"}


def declarative_base() -> type[DeclarativeBase]:
    """A new declarative base: each service's tables in a metadata of their own. mypy does not
    take the returned class as a base class: a typed service declares
    `class Base(DeclarativeBase): ...` in its adapters/orm.py instead (the same thing)."""

    class Base(DeclarativeBase):
        pass

    return Base


def affected_rows(db: Session, statement: sqlalchemy.Executable) -> int:
    """Execute an UPDATE or DELETE in the session; how many rows it matched. Session.execute is
    typed as returning a Result, which has no rowcount; for these statements it is a CursorResult
    (SQLAlchemy's own documentation casts it the same way)."""
    return cast("sqlalchemy.CursorResult[Any]", db.execute(statement)).rowcount


def utcnow() -> datetime.datetime:
    """Now as naive UTC: what every service stores in its DATETIME columns (SQLite and MariaDB alike)."""
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def create_engine(url: str, *, pool_size: int = 10, autocommit: bool = False) -> sqlalchemy.Engine:
    """MySQL/MariaDB (distributed profile: mysqlclient, `mysql+mysqldb://`, or PyMySQL,
    `mysql+pymysql://`) or a SQLite file (embedded).

    `autocommit=True` makes an engine for single-statement reads: each statement is its own
    transaction, and giving a connection back to the pool costs no ROLLBACK round trip. Its
    MariaDB connections give up after READ_TIMEOUT_SECONDS, since such reads may run on an
    event loop.
    """
    options = {"isolation_level": "AUTOCOMMIT", "skip_autocommit_rollback": True} if autocommit else {}
    if url.startswith("sqlite"):
        engine = sqlalchemy.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **options)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    # No pool_pre_ping: it costs a round trip on every checkout. Connections are recycled
    # well before MariaDB's wait_timeout instead, and a dropped one fails one request.
    if autocommit:
        options["connect_args"] = {
            "connect_timeout": READ_TIMEOUT_SECONDS,
            "read_timeout": READ_TIMEOUT_SECONDS,
            "write_timeout": READ_TIMEOUT_SECONDS,
        }
    return sqlalchemy.create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_recycle=RECYCLE_SECONDS, **options)


def session_factory(engine: sqlalchemy.Engine) -> sessionmaker[Session]:
    # Objects stay readable after commit; a unit of work never reuses them across requests.
    return sessionmaker(engine, expire_on_commit=False)


def ping(engine: sqlalchemy.Engine) -> bool:
    with engine.connect() as connection:
        connection.execute(sqlalchemy.text("SELECT 1"))
    return True


def migrate(migrations_dir: pathlib.Path, url: str) -> None:
    """Bring the database to the newest schema (alembic upgrade head)."""
    if url.startswith("sqlite:///"):
        pathlib.Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(config, "head")


class UnitOfWork:
    """One database transaction, rolled back unless `commit()` is called.

    Each service subclasses it and attaches its repositories to the session in `_attach`.
    """

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._session_factory = session_factory

    def __enter__(self) -> Self:
        self._db = self._session_factory()
        self._attach(self._db)
        return self

    def _attach(self, db: Session) -> None:
        raise NotImplementedError

    def __exit__(self, *exc_info: object) -> None:
        # close() rolls back whatever was not committed and detaches the objects without
        # expiring them, so what a use case returns stays readable.
        self._db.close()

    def commit(self) -> None:
        self._db.commit()


def run_migrations(metadata: sqlalchemy.MetaData) -> None:
    """The body of every service's Alembic env.py: migrate the configured database online."""
    from alembic import context

    config = context.config
    connectable = sqlalchemy.engine_from_config(
        config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=sqlalchemy.pool.NullPool
    )
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        )
        with context.begin_transaction():
            context.run_migrations()


class HeldReadConnections:
    """Threads that read keep one connection of an autocommit read engine between their reads,
    instead of checking one out of the pool and back in for every read.

    SQLAlchemy's checkout and check-in are a measurable share of a profile read (the gain:
    docs/performance.md). The first `max_held` threads that read
    keep theirs (the event loop's, where profile reads run, and a few of the default
    executor's); any other thread takes one from the pool per read, as before, so the pool
    is never emptied by threads. A kept connection is replaced once a read has found it
    dropped (PlainRead invalidates it) and once it is RECYCLE_SECONDS old, as the pool
    itself does at checkout.

    Only for an engine made by create_engine(autocommit=True): a connection kept inside a
    transaction would go on reading that transaction's snapshot.
    """

    def __init__(
        self, engine: sqlalchemy.Engine, *, max_held: int = 4, recycle_seconds: float = RECYCLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._engine = engine
        self._max_held = max_held
        self._recycle_seconds = recycle_seconds
        self._clock = clock
        self._local = threading.local()
        self._lock = threading.Lock()
        self._held: set[PoolProxiedConnection] = set()

    @property
    def dialect(self) -> Dialect:
        return self._engine.dialect

    def connection(self) -> PoolProxiedConnection:
        """A connection for the calling thread; hand it to give_back() after the read."""
        now = self._clock()
        held: tuple[PoolProxiedConnection, float] | None = getattr(self._local, "held", None)
        if held is not None:
            connection, since = held
            if connection.is_valid and now - since < self._recycle_seconds:
                return connection
            self._local.held = None
            with self._lock:
                self._held.discard(connection)
            connection.close()  # back to the pool, which reconnects an invalidated one
        connection = self._engine.raw_connection()
        with self._lock:
            if len(self._held) < self._max_held:
                self._held.add(connection)
                self._local.held = (connection, now)
        return connection

    def give_back(self, connection: PoolProxiedConnection) -> None:
        """Return a connection to the pool unless the calling thread keeps it."""
        held = getattr(self._local, "held", None)
        if held is None or held[0] is not connection:
            connection.close()

    def rows(self, read: PlainRead, **params: Any) -> list[tuple[Any, ...]]:
        """One plain read on the calling thread's connection (for several on one connection:
        connection() and give_back())."""
        connection = self.connection()
        try:
            return read.all(connection, self._engine.dialect, **params)
        finally:
            self.give_back(connection)

    def close(self) -> None:
        """Give every kept connection back to the pool (at shutdown, when nothing reads)."""
        with self._lock:
            held, self._held = self._held, set()
        for connection in held:
            connection.close()


class PlainRead:
    """A SELECT run straight on a DBAPI cursor of a pooled connection (`engine.raw_connection()`),
    compiled once per dialect: a row comes back as a tuple, without the per-execution work of
    SQLAlchemy's Connection and Result, most of a primary-key read's cost in Python (the gain:
    docs/performance.md). For the hottest reads. A column whose type the driver does not
    return as SQLAlchemy would (JSON, a boolean on MariaDB, a date or time on SQLite) goes
    through its type's own result processor for the dialect; the others come back untouched.
    An IN list (`column.in_(bindparam(name, expanding=True))`, or a literal list) gets as many
    placeholders as its value has items, per read; an empty one is refused.

    A DBAPI error that means the connection is gone invalidates it, so the pool does not hand
    it out again (what a SQLAlchemy Connection does by itself).
    """

    def __init__(self, statement: sqlalchemy.Select[*tuple[Any, ...]]) -> None:
        self._statement = statement
        self._compiled: dict[tuple[str, str], _Compiled] = {}

    def _sql(self, dialect: Dialect) -> _Compiled:
        key = (dialect.name, dialect.paramstyle)
        compiled = self._compiled.get(key)
        if compiled is None:
            done = self._statement.compile(dialect=dialect)
            if not done.positional:  # MySQLdb, PyMySQL ("format") and sqlite3 ("qmark") are
                raise ValueError(f"{dialect.name} uses named parameters ({dialect.paramstyle})")
            assert done.positiontup is not None  # set for every positional compilation
            if dialect.paramstyle not in _PLACEHOLDERS:
                raise ValueError(f"{dialect.name} uses {dialect.paramstyle} parameters")
            processors = [c.type.dialect_impl(dialect).result_processor(dialect, None) for c in self._statement.selected_columns]
            # Values fixed in the statement (e.g. a LIMIT) are parameters too, with their value.
            compiled = self._compiled[key] = _Compiled(
                str(done), tuple(done.positiontup), dict(done.params),
                tuple(processors) if any(processors) else None,
                frozenset(name for name, bind in done.binds.items() if bind.expanding),
                _PLACEHOLDERS[dialect.paramstyle],
            )
        return compiled

    @staticmethod
    def _arguments(compiled: _Compiled, params: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
        fixed = compiled.fixed
        if not compiled.expanding:
            return compiled.sql, tuple(params[name] if name in params else fixed[name] for name in compiled.names)
        sql, values = compiled.sql, []
        for name in compiled.names:
            value = params[name] if name in params else fixed[name]
            if name not in compiled.expanding:
                values.append(value)
                continue
            items = list(value)
            if not items:
                raise ValueError(f"an empty IN list ({name})")
            sql = sql.replace(f"__[POSTCOMPILE_{name}]", ", ".join([compiled.placeholder] * len(items)), 1)
            values += items
        return sql, tuple(values)

    def _run(
        self, connection: PoolProxiedConnection, dialect: Dialect, params: dict[str, Any], fetch: Callable[[DBAPICursor], _T]
    ) -> tuple[_T, _Compiled]:
        compiled = self._sql(dialect)
        sql, arguments = self._arguments(compiled, params)
        cursor = connection.cursor()
        try:
            cursor.execute(sql, arguments)
            return fetch(cursor), compiled
        except dialect.loaded_dbapi.Error as exc:
            if dialect.is_disconnect(exc, connection.dbapi_connection, cursor):
                connection.invalidate(exc)
            raise
        finally:
            cursor.close()

    def first(self, connection: PoolProxiedConnection, dialect: Dialect, **params: Any) -> tuple[Any, ...] | None:
        row, compiled = self._run(connection, dialect, params, _fetch_one)
        return row if row is None or compiled.processors is None else _processed(compiled.processors, row)

    def all(self, connection: PoolProxiedConnection, dialect: Dialect, **params: Any) -> list[tuple[Any, ...]]:
        rows, compiled = self._run(connection, dialect, params, _fetch_all)
        processors = compiled.processors
        return rows if processors is None else [_processed(processors, row) for row in rows]


class _Compiled(NamedTuple):
    sql: str
    names: tuple[str, ...]
    fixed: dict[str, Any]
    processors: tuple[Callable[[Any], Any] | None, ...] | None  # None: no column needs one
    expanding: frozenset[str]  # IN lists
    placeholder: str


# The drivers' positional placeholders (MySQLdb and PyMySQL: format; sqlite3: qmark).
_PLACEHOLDERS = {"format": "%s", "qmark": "?"}


def _processed(processors: tuple[Callable[[Any], Any] | None, ...], row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(value if process is None else process(value) for process, value in zip(processors, row, strict=True))


def _fetch_one(cursor: DBAPICursor) -> tuple[Any, ...] | None:
    row: tuple[Any, ...] | None = cursor.fetchone()  # a DBAPI row is a tuple
    return row


def _fetch_all(cursor: DBAPICursor) -> list[tuple[Any, ...]]:
    return list(cursor.fetchall())

