"""The soak checker's reading of deletions whose answer was lost (a timeout, a 5xx): they may have
been applied, so the diary may be gone, and only then with its posts."""

from __future__ import annotations

from soak.checker import deleted_diaries


def _attempt(diary_id: int) -> dict:
    return {"at": 1.0, "user": "u1", "op": "attempt", "attempt": "deletion", "diary_id": diary_id}


def _ack(diary_id: int) -> dict:
    return {"at": 2.0, "user": "u1", "op": "ack", "ack": "deletion", "diary_id": diary_id}


def test_an_acknowledged_deletion_counts_whether_or_not_the_diary_is_there():
    history = [_attempt(7), _ack(7)]
    assert deleted_diaries(history, present=set()) == {7}
    assert deleted_diaries(history, present={7}) == {7}  # the checker then reports it as not applied


def test_an_unanswered_deletion_counts_only_when_the_diary_is_gone():
    history = [_attempt(227), _attempt(300)]
    assert deleted_diaries(history, present={300}) == {227}


def test_a_diary_nobody_asked_to_delete_is_never_counted_deleted():
    assert deleted_diaries([_attempt(1), _ack(1)], present=set()) == {1}
    assert 5 not in deleted_diaries([_attempt(1)], present=set())
