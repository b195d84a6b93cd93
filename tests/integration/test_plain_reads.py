"""db.PlainRead (the user service's profile reads) on the real MariaDB: rows as tuples from the
autocommit read engine, and a dropped connection fails one read, never the ones after it."""

from __future__ import annotations

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
