"""db.PlainRead and db.HeldReadConnections (the user service's profile reads) on the real
MariaDB: rows as tuples from the autocommit read engine, a connection kept by each reading
thread, and a dropped connection fails one read, never the ones after it."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy

from gridam_runtime import db

metadata = sqlalchemy.MetaData()
things = sqlalchemy.Table(
    "things", metadata,
    sqlalchemy.Column("id", sqlalchemy.Integer, primary_key=True),
    sqlalchemy.Column("name", sqlalchemy.String(20), nullable=False),
)
BY_ID = db.PlainRead(sqlalchemy.select(things.c.id, things.c.name).where(things.c.id == sqlalchemy.bindparam("id")))


@pytest.fixture
def engines(mariadb):
    url = mariadb.create_database("gridam_plain_read")
    writer = db.create_engine(url)
    metadata.create_all(writer)
    with writer.begin() as connection:
        connection.execute(things.insert(), [{"id": 1, "name": "하나"}])
    reader = db.create_engine(url, pool_size=1, autocommit=True)
    yield writer, reader
    reader.dispose()
    writer.dispose()


def read(engine: sqlalchemy.Engine, thing_id: int):
    connection = engine.raw_connection()
    try:
        return BY_ID.first(connection, engine.dialect, id=thing_id)
    finally:
        connection.close()


def test_a_read_sees_what_is_committed_without_a_transaction_of_its_own(engines):
    writer, reader = engines
    assert read(reader, 1) == (1, "하나")
    assert read(reader, 2) is None
    with writer.begin() as connection:
        connection.execute(things.insert(), [{"id": 2, "name": "둘"}])
    assert read(reader, 2) == (2, "둘")  # the same pooled connection: no snapshot kept from before


def test_a_dropped_connection_fails_one_read_and_is_not_handed_out_again(engines):
    writer, reader = engines
    connection = reader.raw_connection()
    cursor = connection.cursor()
    cursor.execute("SELECT CONNECTION_ID()")
    (connection_id,) = cursor.fetchone()
    cursor.close()
    connection.close()  # back to the pool (size 1)
    with writer.connect() as other:
        other.execute(sqlalchemy.text(f"KILL {int(connection_id)}"))
    with pytest.raises(reader.dialect.loaded_dbapi.OperationalError):
        read(reader, 1)
    assert read(reader, 1) == (1, "하나")


CONNECTION_ID = db.PlainRead(sqlalchemy.select(sqlalchemy.func.connection_id()))


def read_held(connections: db.HeldReadConnections, statement: db.PlainRead = BY_ID, **params):
    connection = connections.connection()
    try:
        return statement.first(connection, connections.dialect, **params)
    finally:
        connections.give_back(connection)


def connection_id(connections: db.HeldReadConnections) -> int:
    return read_held(connections, CONNECTION_ID)[0]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def held(engines):
    _writer, reader = engines
    clock = Clock()
    connections = db.HeldReadConnections(reader, recycle_seconds=60, clock=clock)
    yield connections, reader, clock
    connections.close()


def test_a_thread_keeps_its_connection_between_reads_and_another_thread_has_its_own(held):
    connections, reader, _clock = held
    mine = connection_id(connections)
    assert read_held(connections, id=1) == (1, "하나")
    assert connection_id(connections) == mine
    theirs = []
    thread = threading.Thread(target=lambda: theirs.append(connection_id(connections)))
    thread.start()
    thread.join()
    assert theirs and theirs[0] != mine
    assert reader.pool.checkedout() == 2  # held, not given back after each read
    connections.close()
    assert reader.pool.checkedout() == 0


def test_a_held_connection_sees_what_is_committed_after_it_was_taken(held, engines):
    writer, _reader = engines
    connections, _reader, _clock = held
    assert read_held(connections, id=2) is None
    with writer.begin() as connection:
        connection.execute(things.insert(), [{"id": 2, "name": "둘"}])
    assert read_held(connections, id=2) == (2, "둘")


def test_threads_past_the_limit_take_a_connection_from_the_pool_per_read(engines):
    _writer, reader = engines
    connections = db.HeldReadConnections(reader, max_held=1)
    try:
        mine = connection_id(connections)
        others = []
        for _ in range(2):
            thread = threading.Thread(target=lambda: others.append(read_held(connections, id=1)))
            thread.start()
            thread.join()
        assert others == [(1, "하나"), (1, "하나")]
        assert reader.pool.checkedout() == 1  # only the first thread's is kept
        assert connection_id(connections) == mine
    finally:
        connections.close()


def test_a_dropped_held_connection_fails_one_read_then_the_thread_gets_a_new_one(held, engines):
    writer, _reader = engines
    connections, reader, _clock = held
    dropped = connection_id(connections)
    with writer.connect() as other:
        other.execute(sqlalchemy.text(f"KILL {int(dropped)}"))
    with pytest.raises(reader.dialect.loaded_dbapi.OperationalError):
        read_held(connections, id=1)
    assert read_held(connections, id=1) == (1, "하나")
    assert connection_id(connections) != dropped
    assert reader.pool.checkedout() == 1


def test_a_held_connection_is_given_back_once_it_is_as_old_as_the_recycle_age(held):
    connections, reader, clock = held
    first = connections.connection()
    clock.now += 59
    assert connections.connection() is first
    clock.now += 1
    assert connections.connection() is not first
    assert reader.pool.checkedout() == 1  # the old one went back to the pool
