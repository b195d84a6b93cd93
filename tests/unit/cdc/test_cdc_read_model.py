"""The read model's mapping: a change -> what it sets in its diary's document, and a document's
changes -> one update that skips what is not newer than what is stored."""

from __future__ import annotations

import dataclasses
import datetime

import pytest

from cdc_service.domain.envelope import CREATE, DELETE, READ, UPDATE
from cdc_service.domain.read_model import document_partition, live_entries, merge, part_write, summary_write, versions_of
from tests.support.cdc_changes import analysis_row, card_row, change, diary_row

DOC_5 = "00000000000000000005"


def test_a_diary_row_sets_the_diary_part_typed_and_the_documents_identity():
    created = change("diaries", CREATE, diary_row(5, author_id=7, date="2026-11-21"), seq=40, index=2)

    write = part_write(created)

    assert (write.document_id, write.path, write.version) == (DOC_5, "diary", created.version)
    assert write.value == {
        "id": 5,
        "author_id": 7,
        "title": "산책",
        "content": "친구와 바다에 갔다.",
        "date": "2026-11-21",  # DATE stays text
        "photo_key": "",
        "hashtags": ["바다", "친구"],
        "analysis_state": "pending",
        "created_at": datetime.datetime(2026, 11, 20, 9, 30, 0, 123456),
    }
    assert merge(None, [write]).update == {
        "$set": {"diary": write.value, "v.diary": created.version, "author_id": 7, "date": "2026-11-21"}
    }


def test_an_analysis_row_is_typed_and_only_fills_the_identity_of_a_new_document():
    updated = change("diary_analyses", UPDATE, analysis_row(5, dominant="SAD", safety_flag=1, risk_level="urgent"), seq=41)

    write = part_write(updated)

    assert (write.document_id, write.path) == (DOC_5, "analysis")
    assert write.value["distribution"] == {"SAD": 0.75, "CALM": 0.25}
    # FerretDB stores no nested arrays.
    assert write.value["keywords"] == [{"word": "바다", "weight": 1.0}, {"word": "친구", "weight": 0.5}]
    assert (write.value["safety_flag"], write.value["risk_level"]) == (True, "urgent")
    assert write.value["created_at"] == datetime.datetime(2026, 11, 20, 9, 31)
    update = merge(None, [write]).update
    assert update["$set"] == {"analysis": write.value, "v.analysis": updated.version}
    assert update["$setOnInsert"] == {"author_id": 7, "date": "2026-11-20"}


def test_a_card_row_is_a_summary_in_the_cards_map_of_its_diary():
    created = change("cards", CREATE, card_row(77, diary_id=5, version=2), seq=42)

    write = part_write(created)

    assert (write.document_id, write.path) == (DOC_5, "cards.77")  # the card's diary
    assert write.value == {
        "id": 77,
        "version": 2,
        "dominant": "HAPPY",
        "image_key": "cards/77.png",
        "hashtags": ["바다"],
        "safety_flag": False,
        "created_at": datetime.datetime(2026, 11, 20, 9, 32),
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

    update = merge(None, [part_write(deleted)]).update

    assert update["$set"][path] is None
    assert update["$set"][f"v.{path}"] == deleted.version


def test_a_snapshot_read_writes_like_a_create():
    row = diary_row(5)
    read, created = change("diaries", READ, row, seq=40), change("diaries", CREATE, row, seq=40)

    assert part_write(read) == part_write(created)


def test_null_columns_stay_null():
    row = analysis_row(5) | {"keywords": None, "safety_flag": None, "created_at": None}

    analysis = part_write(change("diary_analyses", CREATE, row, seq=40)).value

    assert (analysis["keywords"], analysis["safety_flag"], analysis["created_at"]) == (None, None, None)


def test_a_table_without_projection_is_refused():
    other = dataclasses.replace(change("diaries", CREATE, diary_row(5), seq=40), table="feed_posts")

    with pytest.raises(ValueError, match="feed_posts"):
        part_write(other)


# --- merging a document's changes -----------------------------------------------------------


def test_changes_older_than_the_stored_versions_are_stale():
    stored = versions_of({"_id": DOC_5, "v": {"diary": 100_000_000, "cards": {"77": 300_000_000}}})
    assert stored == {"diary": 100_000_000, "cards.77": 300_000_000}
    old_diary = part_write(change("diaries", UPDATE, diary_row(5, title="옛날"), seq=50))  # version 50,000,000
    new_card = part_write(change("cards", UPDATE, card_row(77, diary_id=5), seq=400))
    old_card = part_write(change("cards", UPDATE, card_row(77, diary_id=5), seq=200))

    merged = merge(stored, [old_diary, new_card, old_card])

    assert merged.applied == (False, True, False)
    assert merged.update["$set"] == {"cards.77": new_card.value, "v.cards.77": new_card.version}
    assert merged.versions == {"diary": 100_000_000, "cards.77": new_card.version}


def test_a_stored_version_equal_to_the_change_is_a_replay():
    write = part_write(change("diary_analyses", CREATE, analysis_row(5), seq=41))

    merged = merge({"analysis": write.version}, [write])

    assert (merged.update, merged.applied) == (None, (False,))


def test_in_one_batch_the_newest_change_of_a_part_wins_whatever_the_order():
    created = part_write(change("diaries", CREATE, diary_row(5, title="처음"), seq=40))
    edited = part_write(change("diaries", UPDATE, diary_row(5, title="고침"), seq=41))
    deleted = part_write(change("diaries", DELETE, diary_row(5), seq=42))

    in_order = merge(None, [created, edited, deleted])
    replayed_late = merge(None, [deleted, created, edited])  # a create replayed after the delete

    assert in_order.update["$set"]["diary"] is None and in_order.applied == (True, True, True)
    assert replayed_late.update["$set"]["diary"] is None and replayed_late.applied == (True, False, False)
    assert in_order.update["$set"]["v.diary"] == replayed_late.update["$set"]["v.diary"] == deleted.version


def test_the_diary_row_owns_the_identity_even_when_another_part_came_first():
    analysis = part_write(change("diary_analyses", CREATE, analysis_row(5, author_id=7), seq=40))
    diary = part_write(change("diaries", UPDATE, diary_row(5, author_id=7, date="2026-11-22"), seq=41))

    update = merge(None, [analysis, diary]).update

    assert "$setOnInsert" not in update
    assert (update["$set"]["author_id"], update["$set"]["date"]) == (7, "2026-11-22")
    assert set(update["$set"]) >= {"analysis", "v.analysis", "diary", "v.diary"}


def test_a_new_document_is_the_update_written_out():
    analysis = part_write(change("diary_analyses", CREATE, analysis_row(5), seq=40))
    card = part_write(change("cards", CREATE, card_row(77, diary_id=5), seq=41))

    document = merge(None, [analysis, card]).new_document(DOC_5)

    assert document == {
        "_id": DOC_5,
        "author_id": 7,
        "date": "2026-11-20",
        "analysis": analysis.value,
        "cards": {"77": card.value},
        "v": {"analysis": analysis.version, "cards": {"77": card.version}},
    }
    assert versions_of(document) == merge(None, [analysis, card]).versions


# --- the authors' summary documents ---------------------------------------------------------

SUMMARY_7_2 = "00000000000000000007.0002"


def test_diary_and_analysis_changes_are_entries_of_their_authors_summary_for_the_partition():
    diary = summary_write(change("diaries", UPDATE, diary_row(5, author_id=7, title="고침"), seq=40), partition=2)
    analysis = summary_write(change("diary_analyses", CREATE, analysis_row(5, author_id=7, dominant="SAD"), seq=41), partition=2)
    card = summary_write(change("cards", CREATE, card_row(77, diary_id=5), seq=42), partition=2)

    assert card is None  # no reader needs the cards from there
    assert diary is not None and analysis is not None
    assert (diary.document_id, diary.path, diary.value) == (SUMMARY_7_2, f"diaries.{DOC_5}", {"diary_id": 5})
    assert (analysis.document_id, analysis.path, analysis.value) == (
        SUMMARY_7_2,
        f"analyses.{DOC_5}",
        {"diary_id": 5, "date": "2026-11-20", "dominant": "SAD"},
    )
    document = merge(None, [diary, analysis]).new_document(SUMMARY_7_2)
    assert document == {
        "_id": SUMMARY_7_2,
        "author_id": 7,
        "diaries": {DOC_5: {"diary_id": 5}},
        "analyses": {DOC_5: analysis.value},
        "v": {"diaries": {DOC_5: diary.version}, "analyses": {DOC_5: analysis.version}},
    }
    assert sorted(live_entries(document)) == [f"analyses.{DOC_5}", f"diaries.{DOC_5}"]


def test_a_summary_is_left_without_live_entries_only_once_the_diaries_and_analyses_are_deleted():
    created = [
        summary_write(change("diaries", CREATE, diary_row(5), seq=40), partition=2),
        summary_write(change("diary_analyses", CREATE, analysis_row(5), seq=41), partition=2),
    ]
    analysis_deleted = summary_write(change("diary_analyses", DELETE, analysis_row(5), seq=42), partition=2)
    diary_deleted = summary_write(change("diaries", DELETE, diary_row(5), seq=43), partition=2)

    only_the_diary = merge(None, [*created, analysis_deleted]).new_document(SUMMARY_7_2)
    nothing = merge(None, [*created, analysis_deleted, diary_deleted]).new_document(SUMMARY_7_2)

    assert live_entries(only_the_diary) == [f"diaries.{DOC_5}"]
    assert nothing["diaries"] == {DOC_5: None} and live_entries(nothing) == []


# --- partitions -----------------------------------------------------------------------------


def test_every_change_of_a_diary_has_the_same_partition_and_diaries_spread():
    for diary_id in range(1, 200):
        rows = [
            change("diaries", CREATE, diary_row(diary_id), seq=1),
            change("diary_analyses", UPDATE, analysis_row(diary_id), seq=2),
            change("cards", DELETE, card_row(diary_id * 10, diary_id=diary_id), seq=3),
        ]
        assert len({document_partition(row, 3) for row in rows}) == 1
    spread = [document_partition(change("diaries", CREATE, diary_row(i), seq=1), 3) for i in range(1, 301)]
    assert all(spread.count(p) > 60 for p in range(3))
