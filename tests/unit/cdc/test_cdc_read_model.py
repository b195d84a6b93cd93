"""The read model's mapping: a change -> the guarded upsert of its diary's document."""

from __future__ import annotations

import dataclasses
import datetime

import pytest

from cdc_service.envelope import CREATE, DELETE, READ, UPDATE
from cdc_service.read_model import write_for
from tests.support.cdc_changes import analysis_row, card_row, change, diary_row


def guard(path: str, version: int) -> list[dict]:
    return [{path: {"$exists": False}}, {path: {"$lt": version}}]


def test_a_diary_row_sets_the_diary_part_typed_and_the_documents_identity():
    created = change("diaries", CREATE, diary_row(5, author_id=7, date="2026-11-21"), seq=40, index=2)

    write = write_for(created)

    assert write.filter == {"_id": 5, "$or": guard("v.diary", created.version)}
    assert write.update == {
        "$set": {
            "diary": {
                "id": 5,
                "author_id": 7,
                "title": "산책",
                "content": "친구와 바다에 갔다.",
                "date": "2026-11-21",  # DATE stays text
                "photo_key": "",
                "hashtags": ["바다", "친구"],
                "analysis_state": "pending",
                "created_at": datetime.datetime(2026, 11, 20, 9, 30, 0, 123456),
            },
            "v.diary": created.version,
            "author_id": 7,
            "date": "2026-11-21",
        }
    }


def test_an_analysis_row_is_typed_and_only_fills_the_identity_of_a_new_document():
    updated = change("diary_analyses", UPDATE, analysis_row(5, dominant="SAD", safety_flag=1), seq=41)

    write = write_for(updated)

    assert write.filter == {"_id": 5, "$or": guard("v.analysis", updated.version)}
    analysis = write.update["$set"]["analysis"]
    assert analysis["distribution"] == {"SAD": 0.75, "CALM": 0.25}
    # FerretDB stores no nested arrays.
    assert analysis["keywords"] == [{"word": "바다", "weight": 1.0}, {"word": "친구", "weight": 0.5}]
    assert analysis["safety_flag"] is True
    assert analysis["created_at"] == datetime.datetime(2026, 11, 20, 9, 31)
    assert write.update["$set"]["v.analysis"] == updated.version
    assert write.update["$setOnInsert"] == {"author_id": 7, "date": "2026-11-20"}
    assert "author_id" not in write.update["$set"]


def test_a_card_row_is_a_summary_in_the_cards_map_of_its_diary():
    created = change("cards", CREATE, card_row(77, diary_id=5, version=2), seq=42)

    write = write_for(created)

    assert write.filter == {"_id": 5, "$or": guard("v.cards.77", created.version)}  # the card's diary
    assert write.update["$set"] == {
        "cards.77": {
            "id": 77,
            "version": 2,
            "dominant": "HAPPY",
            "image_key": "cards/77.png",
            "hashtags": ["바다"],
            "safety_flag": False,
            "created_at": datetime.datetime(2026, 11, 20, 9, 32),
        },
        "v.cards.77": created.version,
    }


@pytest.mark.parametrize(
    ("table", "row", "path"),
    [
        ("diaries", diary_row(5), "diary"),
        ("diary_analyses", analysis_row(5), "analysis"),
        ("cards", card_row(77, diary_id=5), "cards.77"),
    ],
)
def test_a_delete_leaves_a_tombstone_with_its_version(table, row, path):
    deleted = change(table, DELETE, row, seq=50)

    write = write_for(deleted)

    assert write.filter == {"_id": 5, "$or": guard(f"v.{path}", deleted.version)}
    assert write.update["$set"][path] is None
    assert write.update["$set"][f"v.{path}"] == deleted.version


def test_a_snapshot_read_writes_like_a_create():
    row = diary_row(5)
    read, created = change("diaries", READ, row, seq=40), change("diaries", CREATE, row, seq=40)

    assert write_for(read) == write_for(created)


def test_null_columns_stay_null():
    row = analysis_row(5) | {"keywords": None, "safety_flag": None, "created_at": None}

    analysis = write_for(change("diary_analyses", CREATE, row, seq=40)).update["$set"]["analysis"]

    assert (analysis["keywords"], analysis["safety_flag"], analysis["created_at"]) == (None, None, None)


def test_a_table_without_projection_is_refused():
    other = dataclasses.replace(change("diaries", CREATE, diary_row(5), seq=40), table="feed_posts")

    with pytest.raises(ValueError, match="feed_posts"):
        write_for(other)
