"""The diary servicer's protos built straight from plain-read rows: the same messages as from
ORM objects, every stored notice type known (their timestamps: tests/unit/test_timestamps.py)."""

from __future__ import annotations

import datetime

from diary_service import servicer
from diary_service.adapters.orm import NOTICE_TYPES, Diary, Notification
from diary_service.adapters.reads import DiaryRow, NotificationRow
from gridam.diary.v1 import diary_service_pb2 as pb

MOMENTS = [
    datetime.datetime(1970, 1, 1),
    datetime.datetime(2026, 12, 7, 18, 30, 5, 123456),
    datetime.datetime(2038, 1, 19, 3, 14, 8, 999999),
]


def test_every_stored_notice_type_has_its_enum_value():
    assert set(servicer.NOTICE_TYPES) == set(NOTICE_TYPES)
    for stored, value in servicer.NOTICE_TYPES.items():
        assert pb.NoticeType.Name(value) == "NOTICE_TYPE_" + stored


def test_a_row_gives_the_proto_its_orm_object_gives():
    moment = MOMENTS[1]
    diary = DiaryRow(3, 7, "하루", "좋은 날", datetime.date(2026, 12, 7), "diary-photos/a.jpg", ["산책"], moment, "DONE")
    assert servicer._diary(diary) == servicer._diary(Diary(**diary._asdict()))
    notice = NotificationRow(5, "COMMENT", 9, "alice", "", "{actor}님이 …", "좋아요", False, moment)
    assert servicer._notification(notice) == servicer._notification(Notification(**notice._asdict()))
    assert servicer._notification(notice).notice_type == pb.NOTICE_TYPE_COMMENT
