"""The FerretDB wrapper (tools/ferretdb/idindex.go) gives every collection an index that FerretDB's
own UPDATE and DELETE statements by `_id` use: without it each one scans the collection's table,
which made the CDC projector's writes slower with every diary."""

from __future__ import annotations

import sqlite3
import time
import uuid

from pymongo import MongoClient

from tests.support.servers import FerretDb

WAIT_SECONDS = 30  # the wrapper looks for new collections every second; generous for slow CI machines


def update_plan(database_file, collection: str) -> str:
    uri = f"file:{database_file}?mode=ro"
    with sqlite3.connect(uri, uri=True) as connection:
        [(table,)] = connection.execute("SELECT table_name FROM _ferretdb_collections WHERE name = ?", (collection,))
        plan = connection.execute(
            f"EXPLAIN QUERY PLAN UPDATE \"{table}\" SET _ferretdb_sjson = ? WHERE _ferretdb_sjson->'$._id' = ?",
            ("{}", '"x"'),
        ).fetchall()
    return " ".join(row[-1] for row in plan)


def test_updates_by_id_of_a_new_collection_are_indexed(ferretdb: FerretDb):
    database = f"idindex_{uuid.uuid4().hex[:8]}"
    with MongoClient(ferretdb.url, serverSelectionTimeoutMS=5000) as client:
        collection = client[database]["diaries"]
        collection.insert_one({"_id": "00000000000000000001", "n": 1})
        database_file = ferretdb.root / "data" / f"{database}.sqlite"
        deadline = time.monotonic() + WAIT_SECONDS
        while "USING INDEX" not in (plan := update_plan(database_file, "diaries")):
            assert time.monotonic() < deadline, f"no index for updates by _id: {plan}"
            time.sleep(0.2)
        # FerretDB keeps working with the index it does not know about.
        collection.update_one({"_id": "00000000000000000001"}, {"$set": {"n": 2}})
        collection.insert_one({"_id": "00000000000000000002", "n": 1})
        assert sorted((d["_id"], d["n"]) for d in collection.find()) == [
            ("00000000000000000001", 2),
            ("00000000000000000002", 1),
        ]
        client.drop_database(database)
