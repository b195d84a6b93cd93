"""Writing, reading and deleting diaries. Only the author ever sees a diary."""

from __future__ import annotations

import asyncio
import builtins
import concurrent.futures
import contextvars
import datetime
import functools
import zoneinfo

from diary_service.adapters.orm import ANALYSIS_PENDING, Diary
from diary_service.adapters.reads import DiaryRow
from diary_service.domain import pages
from diary_service.domain.text import clean_text
from diary_service.service_layer.dependencies import Dependencies
from gridam_domain.dates import parse_day
from gridam_domain.images import sanitize_image
from gridam_domain.paging import check_page, split_page
from gridam_domain.storage import content_addressed_key
from gridam_runtime.errors import InvalidArgument, NotFound
from gridam_runtime.limits import Limit

# Kinds of work owed (jobs in diary_jobs): for a diary (subject = diary id), and COUNT for
# an author (subject = author id) whose number of diaries changed.
ANALYSE, CARD, PURGE, COUNT = "analyse", "card", "purge", "count"
PHOTO_MAX_SIDE = 2048
SEARCH_MAX_CHARS = 100
SEARCH_THREADS = 2


class Diaries:
    def __init__(self, deps: Dependencies) -> None:
        self._d = deps
        self._zone = zoneinfo.ZoneInfo(deps.settings.time_zone)
        self._writes = Limit("diary_writes", deps.settings.limit_diary_writes, "DIARY4291")
        self._search_threads = concurrent.futures.ThreadPoolExecutor(SEARCH_THREADS, thread_name_prefix="diary-search")

    def today(self) -> datetime.date:
        """The author's current day (decision: dates are assigned by the server)."""
        return self._d.clock().replace(tzinfo=datetime.UTC).astimezone(self._zone).date()

    async def create(self, title: str, content: str, photo: bytes) -> Diary:
        return await asyncio.to_thread(self._create, title, content, photo)

    def _create(self, title: str, content: str, photo: bytes) -> Diary:
        identity = self._d.authenticator.require()
        settings = self._d.settings
        title = clean_text(title, field_reason="DIARY4001", max_chars=settings.title_max_chars, multiline=False)
        content = clean_text(content, field_reason="DIARY4002", max_chars=settings.content_max_chars)
        # Each diary owes an analysis and a card: counted before its photo is decoded.
        self._d.limiter.hit(self._writes, identity.user_id)
        photo_key = ""
        if photo:
            # Checked, re-encoded and stripped of EXIF before anything is stored. The object is
            # content-addressed: if the commit below fails it is an unreferenced duplicate, not
            # a half-written diary.
            image = sanitize_image(photo, max_side=PHOTO_MAX_SIDE)
            photo_key = content_addressed_key("diary-photos", image.data, image.extension)
            self._d.storage.put(photo_key, image.data, image.content_type)
        with self._d.uow() as uow:
            diary = uow.add_diary(
                Diary(
                    author_id=identity.user_id,
                    title=title,
                    content=content,
                    date=self.today(),
                    photo_key=photo_key,
                    hashtags=[],
                    analysis_state=ANALYSIS_PENDING,
                    created_at=self._d.clock(),
                )
            )
            uow.owe(ANALYSE, diary.id)
            uow.owe(COUNT, identity.user_id)
            uow.commit()
        if photo_key and not self._d.storage.exists(photo_key):
            # The purge of a deleted diary with the same photo removed the object between the
            # put and the commit (it saw no diary using it): put it back.
            self._d.storage.put(photo_key, image.data, image.content_type)
        return diary

    # From here on `list` in the class body names this method: annotations say builtins.list.
    # The list, the diary of a day and a page of notifications are read on the event loop, not
    # in a worker thread: a token check from memory and one indexed read of at most a page on
    # the autocommit read engine (bounded by its timeouts) cost less than the hop to a thread
    # and back, as for the user service's GetProfile (docs/performance.md).
    async def list(self, page_size: int, page_token: str) -> tuple[builtins.list[DiaryRow], str]:
        """A page of the caller's diaries, newest first (by day, then id), and the token of the
        next page ("" on the last). `page_size` 0: the setting's default (domain.pages)."""
        identity = self._d.authenticator.require()
        size = pages.page_size(page_size, self._d.settings.diary_list_page_size)
        after = pages.decode_token(page_token)
        rows = self._d.plain.diary_page(identity.user_id, after, size + 1)
        page = rows[:size]
        # The extra row only says whether there is a next page.
        next_token = pages.encode_token(pages.DiaryKey(page[-1].date, page[-1].id)) if len(rows) > size else ""
        return page, next_token

    async def search(self, text: str, size: int, cursor: int) -> tuple[builtins.list[Diary], int]:
        """A page of the caller's diaries containing `text`, newest first, and the next cursor (0: none)."""
        # On threads of their own: a search reads as many of the author's diaries as it must to
        # fill a page, and slow ones must not hold every thread that writes and comments wait for.
        call = functools.partial(contextvars.copy_context().run, self._search, text, size, cursor)
        return await asyncio.get_running_loop().run_in_executor(self._search_threads, call)

    def _search(self, text: str, size: int, cursor: int) -> tuple[builtins.list[Diary], int]:
        identity = self._d.authenticator.require()
        text = clean_text(text, field_reason="DIARY4007", max_chars=SEARCH_MAX_CHARS, multiline=False)
        check_page(size, cursor)
        found = self._d.search.search(identity.user_id, text, cursor or None, size + 1)
        return split_page(found, size)

    async def get(self, diary_id: int) -> Diary:
        return await asyncio.to_thread(self._get, diary_id)

    def _get(self, diary_id: int) -> Diary:
        identity = self._d.authenticator.require()
        with self._d.uow() as uow:
            diary = uow.diaries.get_for_author(diary_id, identity.user_id)
        if diary is None:
            raise NotFound("DIARY4041", "no such diary of the caller")
        return diary

    async def by_date(self, day: str) -> DiaryRow:
        identity = self._d.authenticator.require()
        try:
            parsed = parse_day(day)
        except ValueError:
            raise InvalidArgument("DIARY4003", "date must be YYYY-MM-DD") from None
        diary = self._d.plain.latest_on(identity.user_id, parsed)
        if diary is None:
            raise NotFound("DIARY4042", "no diary that day")
        return diary

    async def forget_author(self, user_id: int, login_id: str) -> int:
        """A deleted account (docs/account-deletion.md; the user service's relay only): every
        diary deleted with its purge owed, as `delete` does for one, every other job row naming
        a diary or the person dropped, and the feed forgets the person, in one transaction; then
        the diary-writes limit forgets them. A repeat finds nothing more to do."""
        return await asyncio.to_thread(self._forget_author, user_id, login_id)

    def _forget_author(self, user_id: int, login_id: str) -> int:
        if user_id <= 0 or not login_id:
            raise InvalidArgument("DIARY4008", "a deleted account needs its id and login id")
        with self._d.uow() as uow:
            diaries = uow.diaries.list_for_author(user_id)
            for diary in diaries:
                uow.delete_diary(diary)
                uow.delete_posts(uow.posts.ids_of_diary(diary.id))
                uow.notifications.delete_of_diary(diary.id)
                uow.forget_jobs((ANALYSE, CARD), diary.id)  # pending ones cancelled, finished ones name it
                uow.owe(PURGE, diary.id, payload=diary.photo_key)
            uow.forget_jobs((COUNT,), user_id)
            uow.forget_author(user_id, login_id)
            uow.commit()
        self._d.limiter.reset(self._writes, user_id)
        return len(diaries)

    async def delete(self, diary_id: int) -> None:
        """Delete the diary now; its analysis and photo go through the durable purge job."""
        await asyncio.to_thread(self._delete, diary_id)

    def _delete(self, diary_id: int) -> None:
        identity = self._d.authenticator.require()
        with self._d.uow() as uow:
            diary = uow.diaries.get_for_author(diary_id, identity.user_id)
            if diary is None:
                raise NotFound("DIARY4041", "no such diary of the caller")
            uow.delete_diary(diary)
            uow.delete_posts(uow.posts.ids_of_diary(diary.id))
            uow.notifications.delete_of_diary(diary.id)
            uow.cancel_owed(ANALYSE, diary.id)
            uow.cancel_owed(CARD, diary.id)
            uow.owe(PURGE, diary.id, payload=diary.photo_key)
            uow.owe(COUNT, identity.user_id)
            uow.commit()
