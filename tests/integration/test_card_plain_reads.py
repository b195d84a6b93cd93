"""The card service's plain reads (adapters/reads.py) on real MariaDB and on SQLite: the gallery
(the newest version of each diary's card, newest first, paged, only some diaries), the card of a
diary and of a day, with the ORM's Python types and the same protos; and the card of a day as the
use case answers it, asking the diary service which diary is the day's latest only when the caller
has a card that day."""

from __future__ import annotations

import datetime

import grpc
import pytest

from card_service.adapters.orm import Base, Card
from card_service.adapters.reads import CardReads, CardRow
from card_service.config import CardSettings
from card_service.service_layer.cards import Cards
from card_service.service_layer.dependencies import Dependencies
from card_service.servicer import card_message
from card_service.unit_of_work import UnitOfWork
from gridam.diary.v1 import diary_service_pb2 as diary_pb
from gridam_runtime import db
from gridam_runtime.context import Identity

pytestmark = pytest.mark.integration

AUTHOR, OTHER = 7, 8
NOW = datetime.datetime(2026, 12, 7, 9, 30, 1)  # MariaDB keeps whole seconds (DATETIME)
DAY, NEXT_DAY = datetime.date(2026, 12, 6), datetime.date(2026, 12, 7)


def card(diary_id: int, version: int, day: datetime.date = DAY, author_id: int = AUTHOR) -> Card:
    return Card(diary_id=diary_id, version=version, author_id=author_id, date=day, image_key=f"cards/{diary_id}-{version}.png",
                dominant="HAPPY", distribution={"HAPPY": 0.75, "SAD": 0.25}, hashtags=["산책", "봄"], keywords=[["산책", 1.0]],
                feedback="좋은 하루였네요.", safety_flag=version == 2, language="ko",
                created_at=NOW + datetime.timedelta(minutes=diary_id * 10 + version))


@pytest.fixture
def database(database_url):
    writer = db.create_engine(database_url)
    Base.metadata.create_all(writer)
    reader = db.create_engine(database_url, autocommit=True)
    connections = db.HeldReadConnections(reader)
    sessions = db.session_factory(writer)

    def add(*cards: Card) -> list[CardRow]:
        with sessions() as session:
            session.add_all(cards)
            session.commit()
            return [CardRow(*(getattr(c, f) for f in CardRow._fields)) for c in cards]

    yield add, CardReads(connections), sessions
    connections.close()
    reader.dispose()
    writer.dispose()


def test_the_gallery_and_the_card_of_a_diary_read_as_the_orm_reads_them(database):
    add, reads, _ = database
    # Diary 1 redrawn (versions 1, 2), diary 2 once, diary 3 redrawn after diary 4 was drawn.
    d1v1, d1v2, d2, d3v1, d4, d3v2 = add(card(1, 1), card(1, 2), card(2, 1), card(3, 1), card(4, 1, NEXT_DAY), card(3, 2))
    add(card(5, 1, author_id=OTHER))
    assert reads.page(AUTHOR, 10, None) == [d3v2, d4, d2, d1v2]
    first = reads.page(AUTHOR, 2, None)
    assert first == [d3v2, d4]
    assert reads.page(AUTHOR, 10, first[-1].id) == [d2, d1v2]
    assert reads.page(AUTHOR, 10, None, [1, 3]) == [d3v2, d1v2]
    assert reads.page(AUTHOR, 10, d3v2.id, [3, 4]) == [d4]  # the older version of diary 3 is not its newest
    assert reads.page(OTHER, 10, None, [1, 2]) == []
    row = reads.latest(1)
    assert row == d1v2 and isinstance(row.date, datetime.date) and row.safety_flag is True
    assert (row.distribution, row.hashtags, row.created_at) == ({"HAPPY": 0.75, "SAD": 0.25}, ["산책", "봄"], d1v2.created_at)
    assert reads.latest(3) == d3v2 and reads.latest(6) is None
    assert d1v1.safety_flag is False and reads.latest(2).safety_flag is False


def test_the_card_of_a_day_is_the_newest_version_of_its_last_diarys_with_a_card(database):
    add, reads, _ = database
    _, d2v1, d2v2, d3 = add(card(1, 1), card(2, 1), card(2, 2), card(3, 1, NEXT_DAY))
    add(card(4, 1, author_id=OTHER))
    assert reads.latest_of_day(AUTHOR, DAY) == d2v2 and d2v1.version == 1
    assert reads.latest_of_day(AUTHOR, NEXT_DAY) == d3
    assert reads.latest_of_day(AUTHOR, datetime.date(2026, 12, 5)) is None


def test_protos_from_rows_equal_those_from_orm_objects(database):
    add, reads, sessions = database
    (row,) = add(card(1, 1))
    with sessions() as session:
        stored = session.get(Card, row.id)
        from_orm = card_message(stored).SerializeToString(deterministic=True)
    assert card_message(reads.latest(1)).SerializeToString(deterministic=True) == from_orm


class TheAuthor:
    def require(self) -> Identity:
        return Identity(user_id=AUTHOR, login_id="haru", session_id="s1", expires_at=2_000_000_000)


class NotFoundError(grpc.aio.AioRpcError):
    def __init__(self) -> None:
        super().__init__(grpc.StatusCode.NOT_FOUND, grpc.aio.Metadata(), grpc.aio.Metadata(), "DIARY4042")


class LatestDiaries:
    """Test double of the diary service's client: the latest diary of each day, and the days asked."""

    def __init__(self, latest: dict[str, int]) -> None:
        self.latest, self.asked = latest, []

    async def GetDiaryByDate(self, request, timeout=None):
        self.asked.append(request.date)
        if request.date not in self.latest:
            raise NotFoundError()
        return diary_pb.GetDiaryByDateResponse(diary=diary_pb.Diary(id=self.latest[request.date], author_id=AUTHOR, date=request.date))


async def test_the_use_case_asks_the_diary_service_only_when_the_caller_has_a_card_that_day(database, tmp_path):
    add, reads, sessions = database
    _, d2 = add(card(1, 1), card(2, 1))
    add(card(9, 1, NEXT_DAY, author_id=OTHER))
    diaries = LatestDiaries({DAY.isoformat(): 2, NEXT_DAY.isoformat(): 10})
    cards = Cards(Dependencies(settings=CardSettings(data_dir=tmp_path), uow=lambda: UnitOfWork(sessions), plain=reads,
                               authenticator=TheAuthor(), storage=None, emotion=None, diaries=diaries, imagegen=None,
                               service_tokens=None, limiter=None))
    assert await cards.by_date(DAY.isoformat()) == d2
    assert diaries.asked == [DAY.isoformat()]
    # No card of the caller that day (another user's does not count): no diary of theirs has one.
    assert await cards.by_date(NEXT_DAY.isoformat()) is None
    assert await cards.by_date("2026-12-01") is None
    assert diaries.asked == [DAY.isoformat()]
    # The day's latest diary has no card yet: no card, though an earlier diary of that day has one.
    diaries.latest[DAY.isoformat()] = 3
    assert await cards.by_date(DAY.isoformat()) is None
    # Diary 2 was deleted and its card not yet: the card of the day's latest diary left.
    diaries.latest[DAY.isoformat()] = 1
    assert (await cards.by_date(DAY.isoformat())).diary_id == 1
    # Every diary of that day deleted, their cards not yet.
    del diaries.latest[DAY.isoformat()]
    assert await cards.by_date(DAY.isoformat()) is None
