"""ListDiaries a page at a time (Diaries.list and its plain reads on SQLite; the authenticator is a test double):
the pages give every diary once in the order the whole list had (day, then id, newest first),
keyset pages stay put when a diary is written or deleted between two of them, and a bad page
size or a page token the service did not issue is INVALID_ARGUMENT (COMMON4002), never a 500."""

from __future__ import annotations

import base64
import datetime

import pytest

from diary_service.adapters.orm import ANALYSIS_PENDING, Diary
from diary_service.config import DiarySettings
from diary_service.domain import pages
from diary_service.service_layer.dependencies import Dependencies
from diary_service.service_layer.diaries import Diaries
from gridam_domain.storage import LocalFolderStorage
from gridam_runtime.errors import DomainError, InvalidArgument
from gridam_runtime.kv import InProcessRateLimiter
from gridam_runtime.limits import Limiter
from tests.support.callers import Caller

OWNER, STRANGER = 1, 2
# Noon in Seoul (UTC+9) on these days: the day a diary belongs to.
DAY_1, DAY_2, DAY_3, DAY_4 = (datetime.datetime(2026, 3, d, 3) for d in (1, 2, 3, 4))


class Clock:
    def __init__(self) -> None:
        self.now = DAY_1

    def __call__(self) -> datetime.datetime:
        return self.now


class World:
    def __init__(self, uow, reads, tmp_path, **settings) -> None:
        self.caller, self.clock = Caller(OWNER), Clock()
        self.diaries = Diaries(Dependencies(
            settings=DiarySettings(**settings), uow=uow, plain=reads, authenticator=self.caller,
            storage=LocalFolderStorage(tmp_path / "media"), search=None, limiter=Limiter(InProcessRateLimiter()),
            clock=self.clock,
        ))

    async def write(self, moment: datetime.datetime, title: str, author: int = OWNER) -> int:
        self.clock.now, self.caller.user_id = moment, author
        diary = await self.diaries.create(title, "오늘의 일기", b"")
        self.caller.user_id = OWNER
        return diary.id

    async def page(self, size: int, token: str = "") -> tuple[list[int], str]:
        found, next_token = await self.diaries.list(size, token)
        return [d.id for d in found], next_token

    async def all_pages(self, size: int) -> list[list[int]]:
        ids, token = await self.page(size)
        result = [ids]
        while token:
            ids, token = await self.page(size, token)
            result.append(ids)
        return result


async def five_diaries(world: World) -> list[int]:
    """Five diaries over three days, written out of the list's order; the list's order."""
    a = await world.write(DAY_3, "a")
    b = await world.write(DAY_1, "b")
    c = await world.write(DAY_3, "c")
    d = await world.write(DAY_2, "d")
    e = await world.write(DAY_1, "e")
    await world.write(DAY_4, "someone else's", author=STRANGER)
    return [c, a, d, e, b]  # by day, then id, newest first


async def reason(coroutine) -> str:
    with pytest.raises(DomainError) as refused:
        await coroutine
    assert isinstance(refused.value, InvalidArgument)  # INVALID_ARGUMENT on the wire
    return refused.value.reason


async def test_pages_of_two_give_all_five_once_in_the_order_of_the_whole_list(uow, reads, tmp_path):
    world = World(uow, reads, tmp_path)
    order = await five_diaries(world)
    with uow() as unit:
        assert [d.id for d in unit.diaries.list_for_author(OWNER)] == order  # the order before paging
    assert await world.all_pages(2) == [order[0:2], order[2:4], order[4:]]
    assert await world.all_pages(5) == [order]  # an exact fit: no empty last page
    assert await world.all_pages(0) == [order]  # 0: the default size (100)
    assert await world.all_pages(pages.MAX_PAGE_SIZE) == [order]


async def test_page_size_0_takes_the_setting(uow, reads, tmp_path):
    world = World(uow, reads, tmp_path, diary_list_page_size=2)
    order = await five_diaries(world)
    assert await world.all_pages(0) == [order[0:2], order[2:4], order[4:]]


async def test_a_diary_written_between_pages_shifts_and_repeats_none(uow, reads, tmp_path):
    world = World(uow, reads, tmp_path)
    c, a, d, e, b = await five_diaries(world)
    first, token = await world.page(2)
    assert first == [c, a]
    # Written today (the newest day, as every diary written through the API): before the page
    # already read, so an offset would have shown `a` again; the keyset shows the rest unmoved.
    await world.write(DAY_4, "new")
    second, token = await world.page(2, token)
    assert second == [d, e]
    # Diaries of days further back (imports): one behind the page read, which it does not
    # show again; one ahead, which comes once, in its place.
    with uow() as unit:
        behind, ahead = (
            unit.add_diary(Diary(author_id=OWNER, title="imported", content="x", date=day, photo_key="",
                                   hashtags=[], analysis_state=ANALYSIS_PENDING, created_at=DAY_4))
            for day in (DAY_2.date(), datetime.date(2026, 2, 28))
        )
        unit.commit()
    third, token = await world.page(2, token)
    assert (third, token) == ([b, ahead.id], "")
    with uow() as unit:
        assert behind.id in [diary.id for diary in unit.diaries.list_for_author(OWNER)]


async def test_deleting_the_diary_a_token_names_moves_nothing(uow, reads, tmp_path):
    world = World(uow, reads, tmp_path)
    _, a, d, e, _ = await five_diaries(world)
    _, token = await world.page(2)
    await world.diaries.delete(a)  # the last diary of the page read
    assert await world.page(2, token) == ([d, e], pages.encode_token(pages.DiaryKey(DAY_1.date(), e)))


async def test_bad_page_sizes_and_tokens_are_invalid_arguments(uow, reads, tmp_path):
    world = World(uow, reads, tmp_path)
    await five_diaries(world)
    for size in (pages.MAX_PAGE_SIZE + 1, 2**31 - 1, -1):
        assert await reason(world.diaries.list(size, "")) == "COMMON4002"
    _, token = await world.page(2)
    garbled = [
        "garbage!",  # not base64
        token[:-1],  # cut short
        token + "=",  # padded
        token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1],  # one character changed
        token.replace("-", "+").replace("_", "/") + "+/",  # another alphabet
        "토큰",  # not ASCII
        "A" * 10_000,  # far too long
        base64.urlsafe_b64encode(b"d1:2026-02-30:1").rstrip(b"=").decode(),  # no such day
        base64.urlsafe_b64encode(b"d1:2026-03-01:0").rstrip(b"=").decode(),  # no such id
        base64.urlsafe_b64encode(b"d1:2026-03-01:9223372036854775808").rstrip(b"=").decode(),  # past int64
        base64.urlsafe_b64encode(b"d1:2026-03-01:01").rstrip(b"=").decode(),  # not as written
        base64.urlsafe_b64encode(b"d2:2026-03-01:1").rstrip(b"=").decode(),  # another version
        base64.urlsafe_b64encode(b'{"date": "2026-03-01", "id": 1}').rstrip(b"=").decode(),
    ]
    for bad in garbled:
        assert await reason(world.diaries.list(2, bad)) == "COMMON4002", bad


async def test_a_token_only_pages_through_the_callers_own_diaries(uow, reads, tmp_path):
    world = World(uow, reads, tmp_path)
    order = await five_diaries(world)
    _, token = await world.page(2)
    world.caller.user_id = STRANGER
    assert await world.page(2, token) == ([], "")  # the stranger's diary is of a later day
    assert await world.page(2) == ([max(order) + 1], "")
    # A well-formed token the service never issued only says where to start.
    world.caller.user_id = OWNER
    forged = pages.encode_token(pages.DiaryKey(datetime.date(2026, 3, 2), 2**63 - 1))
    assert await world.page(5, forged) == (order[2:], "")
