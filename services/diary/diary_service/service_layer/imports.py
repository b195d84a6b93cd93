"""Imports: a GriDam export or a Day One journal restored into the caller's account
(docs/export-import.md).

- `Imports.start` takes the archive the gateway streamed into the storage (imports/<user id>/),
  reads it there a member at a time and checks everything in it (archive.py) before writing
  anything: a broken or foreign archive is refused with its IMPORT code, deleted, and leaves no
  trace. A good one stays there and is restored by an `import` job; one import runs at a time
  per user (IMPORT4091).
- `ImportRunner.run` (the worker's `import` job) restores the archive's diaries in order, each
  in two steps: (1) the diary with its photo, the import row naming it as pending; (2) once the
  emotion service stored its analysis (the archive's, or a new one when it has none), the
  diary's cards restored from the archive (the card service's RestoreCards) or, without them or
  for a safety-flagged analysis, its card owed (drawn anew, calm when flagged), then its hashtags
  and the import's progress, in one transaction. A worker killed between the two finishes the
  pending diary first; one killed before (1) commits redoes it.
- Importing is idempotent: a diary of the same day with the same title and content is already
  there and is not added again, so a second import of the same archive adds nothing.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import zipfile
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

from sqlalchemy.exc import IntegrityError

from diary_service.adapters.orm import ANALYSIS_DONE, ANALYSIS_PENDING, TRANSFER_DONE, TRANSFER_RUNNING, Diary, Import
from diary_service.service_layer import archive
from diary_service.service_layer.diaries import CARD, COUNT, PHOTO_MAX_SIDE
from diary_service.unit_of_work import UnitOfWork
from gridam.card.v2 import card_service_pb2 as card_pb
from gridam.card.v2.card_service_pb2_grpc import CardServiceStub
from gridam.common.v1 import emotion_pb2
from gridam.emotion.v2 import emotion_service_pb2 as emotion_pb
from gridam.emotion.v2.emotion_service_pb2_grpc import EmotionServiceStub
from gridam_domain.emotions import Emotion
from gridam_domain.images import SanitizedImage, sanitize_image
from gridam_domain.storage import ObjectStorage, content_addressed_key
from gridam_runtime import context
from gridam_runtime.auth import Authenticator
from gridam_runtime.db import utcnow
from gridam_runtime.emotions import shares_to_proto, to_proto
from gridam_runtime.errors import AlreadyExists, InvalidArgument, NotFound
from gridam_runtime.jobs import Job, JobQueue, LeaseLost
from gridam_runtime.tokens import ServiceTokenIssuer

log = logging.getLogger("gridam.diary.imports")

IMPORT = "import"
UPLOADS = "imports"  # the gateway stores an uploaded archive under imports/<user id>/
# An upload no running import reads, stored this long ago, was abandoned: a gateway stopped
# between storing it and StartImport's answer (which it waits up to 600 s for), or an upload
# broken off with its process. Swept every ABANDONED_UPLOAD_SWEEP_SECONDS by the diary server.
ABANDONED_UPLOAD_SECONDS = 3600
ABANDONED_UPLOAD_SWEEP_SECONDS = 900
# The card images of one diary travel in one RestoreCards request (the services take 16 MB):
# versions beyond this, oldest first, stay in the archive only.
MAX_RESTORED_CARD_BYTES = 12 * 1024 * 1024


def progress(row: Import) -> int:
    if row.state != TRANSFER_RUNNING:
        return 100
    return min(99, int(100 * row.diaries_done / row.diaries_total)) if row.diaries_total else 0


@dataclass(frozen=True)
class ImportDependencies:
    uow: Callable[[], UnitOfWork]
    authenticator: Authenticator
    storage: ObjectStorage
    time_zone: str
    clock: Callable[[], datetime.datetime] = utcnow


class Imports:
    """What the owner asks of their imports (the diary server)."""

    def __init__(self, deps: ImportDependencies) -> None:
        self._d = deps
        self._zone = zoneinfo.ZoneInfo(deps.time_zone)

    def _running(self, user_id: int) -> bool:
        with self._d.uow() as uow:
            return uow.transfers.running_import(user_id) is not None

    async def start(self, archive_key: str) -> Import:
        """Check the archive the gateway stored under `archive_key` (imports/<user id>/…) and
        start its job; a refused archive is deleted."""
        return await asyncio.to_thread(self._start, archive_key)

    def _start(self, archive_key: str) -> Import:
        identity = self._d.authenticator.require()
        if not archive_key.startswith(f"{UPLOADS}/{identity.user_id}/"):
            raise InvalidArgument("COMMON4000", "not an upload of the caller")
        try:
            return self._check_and_start(identity.user_id, archive_key)
        except (InvalidArgument, AlreadyExists):
            self._d.storage.delete(archive_key)
            raise

    def _check_and_start(self, user_id: int, key: str) -> Import:
        if self._running(user_id):  # before the costly check; the unique key decides
            raise AlreadyExists("IMPORT4091", "an import of the caller is running")
        file = self._d.storage.open(key)
        if file is None:
            raise InvalidArgument(archive.NOT_A_ZIP, "nothing was uploaded")
        with file:  # read from the store, a member at a time
            parsed = archive.read_archive(file, self._zone)
        now = self._d.clock()
        try:
            with self._d.uow() as uow:
                row = uow.transfers.add(
                    Import(
                        user_id=user_id,
                        active_user_id=user_id,
                        state=TRANSFER_RUNNING,
                        format=parsed.format,
                        archive_key=key,
                        diaries_total=len(parsed.diaries),
                        diaries_done=0,
                        diaries_added=0,
                        images_total=parsed.images,
                        images_done=0,
                        pending_diary_id=0,
                        created_at=now,
                        updated_at=now,
                    )
                )
                uow.owe(IMPORT, row.id)
                uow.commit()
        except IntegrityError:
            raise AlreadyExists("IMPORT4091", "an import of the caller is running") from None
        return row

    def sweep_abandoned_uploads(self) -> int:
        """Delete the uploads under imports/ that no running import reads, stored more than
        ABANDONED_UPLOAD_SECONDS ago (and unfinished uploads as old); how many were deleted."""
        before = self._d.clock().replace(tzinfo=datetime.UTC).timestamp() - ABANDONED_UPLOAD_SECONDS
        deleted = 0
        stale = list(self._d.storage.stale(UPLOADS, before))
        for start in range(0, len(stale), 500):
            keys = stale[start : start + 500]
            with self._d.uow() as uow:
                in_use = uow.transfers.archives_in_use(keys)
            for key in keys:
                if key not in in_use:
                    self._d.storage.delete(key)
                    deleted += 1
        if deleted:
            log.info("abandoned import uploads deleted", extra={"count": deleted})
        return deleted

    async def get(self, import_id: int) -> Import:
        return await asyncio.to_thread(self._get, import_id)

    def _get(self, import_id: int) -> Import:
        identity = self._d.authenticator.require()
        with self._d.uow() as uow:
            row = uow.transfers.import_(import_id)
        if row is None or row.user_id != identity.user_id:
            raise NotFound("IMPORT4041", "no such import of the caller")
        return row


def _restored(analysis: dict[str, Any]) -> emotion_pb.Analysis:
    """The archive's analysis (checked by archive.py: emotions by their names); the risk level
    given by its label."""
    return emotion_pb.Analysis(
        distribution=shares_to_proto({Emotion[key]: fraction for key, fraction in analysis["emotions"].items()}),
        dominant=to_proto(Emotion[analysis["dominant"]]),
        hashtags=analysis["hashtags"],
        feedback=analysis["feedback"],
        safety_flag=analysis["safetyFlag"] or analysis["riskLevel"] == "urgent",
        keywords=[emotion_pb.Keyword(word=word, weight=weight) for word, weight in analysis["keywords"]],
        language=analysis["language"],
        risk_level=f"RISK_LEVEL_{analysis['riskLevel'].upper()}",
    )


class ImportRunner:
    """The `import` job (diary workers)."""

    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        jobs: JobQueue,
        emotion: EmotionServiceStub,  # the clients (ClientFactory.client), typed as their stubs
        cards: CardServiceStub,
        storage: ObjectStorage,
        service_tokens: ServiceTokenIssuer,
        time_zone: str,
        clock: Callable[[], datetime.datetime] = utcnow,
    ) -> None:
        self._uow = uow
        self._jobs = jobs
        self._emotion = emotion
        self._cards = cards
        self._storage = storage
        self._service_tokens = service_tokens
        self._zone = zoneinfo.ZoneInfo(time_zone)
        self._clock = clock

    def _row(self, import_id: int) -> Import | None:
        with self._uow() as uow:
            return uow.transfers.import_(import_id)

    def _current(self, import_id: int) -> Import:
        """The row again, after an update of it (import rows are never deleted)."""
        row = self._row(import_id)
        if row is None:
            raise RuntimeError(f"import {import_id} is gone")
        return row

    def _open(self, row: Import) -> BinaryIO:
        file = self._storage.open(row.archive_key)
        if file is None:
            raise RuntimeError(f"import {row.id}: its archive is gone")
        return file

    def _photo(self, zf: zipfile.ZipFile, entry: archive.ArchivedDiary) -> tuple[str, SanitizedImage | None]:
        if not entry.photo:
            return "", None
        image = sanitize_image(archive.image_bytes(zf, entry.photo), max_side=PHOTO_MAX_SIDE)
        key = content_addressed_key("diary-photos", image.data, image.extension)
        self._storage.put(key, image.data, image.content_type)
        return key, image

    def _store(self, row: Import, zf: zipfile.ZipFile, index: int, entry: archive.ArchivedDiary) -> Diary | None:
        """Step 1: the diary, unless the account has it already (then the entry is done)."""
        with self._uow() as uow:
            if uow.transfers.same_diary(row.user_id, entry.date, entry.title, entry.content) is not None:
                advanced = uow.transfers.advance(
                    Import, row.id, {"diaries_done": index, "pending_diary_id": 0},
                    {"diaries_done": index + 1, "updated_at": self._clock()},
                )
                if not advanced:
                    raise LeaseLost(f"import {row.id}")
                uow.commit()
                return None
        photo_key, image = self._photo(zf, entry)
        with self._uow() as uow:
            diary = uow.add_diary(
                Diary(
                    author_id=row.user_id,
                    title=entry.title,
                    content=entry.content,
                    date=entry.date,
                    photo_key=photo_key,
                    hashtags=[],
                    analysis_state=ANALYSIS_PENDING,
                    created_at=entry.created_at or self._clock(),
                )
            )
            advanced = uow.transfers.advance(
                Import, row.id, {"diaries_done": index, "pending_diary_id": 0},
                {"pending_diary_id": diary.id, "updated_at": self._clock()},
            )
            if not advanced:
                raise LeaseLost(f"import {row.id}")
            uow.commit()
        if image is not None and not self._storage.exists(photo_key):  # a purge of the same photo raced us
            self._storage.put(photo_key, image.data, image.content_type)
        return diary

    def _record(self, row: Import, index: int, diary: Diary, hashtags: list[str] | None, restored: bool) -> None:
        """Step 2: the analysis recorded on the diary, its card owed unless restored, the entry done."""
        with self._uow() as uow:
            if hashtags is not None and uow.diaries.record_analysis(diary.id, hashtags, ANALYSIS_DONE) and not restored:
                uow.owe(CARD, diary.id)
            values = {
                "diaries_done": index + 1,
                "diaries_added": row.diaries_added + 1,
                "images_done": row.images_done + (1 if diary.photo_key else 0),
                "pending_diary_id": 0,
                "updated_at": self._clock(),
            }
            if not uow.transfers.advance(Import, row.id, {"diaries_done": index, "pending_diary_id": diary.id}, values):
                raise LeaseLost(f"import {row.id}")
            uow.commit()

    async def _analyse(self, diary: Diary, entry: archive.ArchivedDiary) -> list[str] | None:
        request = emotion_pb.AnalyzeDiaryRequest(
            diary_id=diary.id, author_id=diary.author_id, date=diary.date.isoformat(), text=f"{diary.title}\n{diary.content}"
        )
        if entry.analysis is not None:
            request.restored.CopyFrom(_restored(entry.analysis))
        reply = await self._emotion.AnalyzeDiary(request)
        return list(reply.analysis.hashtags) if reply.stored else None

    @staticmethod
    def _archived_cards(zf: zipfile.ZipFile, entry: archive.ArchivedDiary) -> list[card_pb.ArchivedCard]:
        cards, size = [], 0
        for card in reversed(entry.cards):  # the newest first, as many as one request takes
            png = archive.image_bytes(zf, card.image)
            size += len(png)
            if size > MAX_RESTORED_CARD_BYTES:
                break
            # An archive's card may leave its emotion out (archive.py): the analysis' one is printed then.
            dominant = to_proto(Emotion[card.dominant]) if card.dominant else emotion_pb2.EMOTION_UNSPECIFIED
            message = card_pb.ArchivedCard(version=card.version, png=png, dominant=dominant,
                                           hashtags=card.hashtags, feedback=card.feedback)
            if card.created_at is not None:
                message.created_at.FromDatetime(card.created_at)
            cards.append(message)
        return cards[::-1]

    async def _restore_cards(self, zf: zipfile.ZipFile, diary: Diary, entry: archive.ArchivedDiary) -> bool:
        """The archive's cards of the diary restored (or restored before); False when it has none
        or the card service restores none (a safety-flagged analysis gets its calm card drawn)."""
        cards = await asyncio.to_thread(self._archived_cards, zf, entry)
        if not cards:
            return False
        reply = await self._cards.RestoreCards(card_pb.RestoreCardsRequest(diary_id=diary.id, cards=cards))
        return reply.restored

    def _finish(self, row: Import, job: Job) -> None:
        with self._uow() as uow:
            uow.transfers.advance(Import, row.id, {}, {"state": TRANSFER_DONE, "active_user_id": None, "updated_at": self._clock()})
            if row.diaries_added:
                uow.owe(COUNT, row.user_id)
            if not self._jobs.complete(uow.connection(), job):
                raise LeaseLost(f"job {job.id}")
            uow.commit()
        self._storage.delete(row.archive_key)

    async def run(self, job: Job) -> None:
        row = await asyncio.to_thread(self._row, job.subject_id)
        if row is None or row.state != TRANSFER_RUNNING:
            await asyncio.to_thread(self._finish_done, job)
            return
        file = await asyncio.to_thread(self._open, row)
        with file, zipfile.ZipFile(file) as zf:  # checked whole when the import was asked for
            parsed = await asyncio.to_thread(archive.read_diaries, zf, self._zone)
            context.bearer_token.set(self._service_tokens.token())
            while row.diaries_done < len(parsed.diaries):
                index = row.diaries_done
                entry = parsed.diaries[index]
                if row.pending_diary_id:  # stored by a worker that stopped before step 2
                    diary = await asyncio.to_thread(self._pending, row, index)
                else:
                    diary = await asyncio.to_thread(self._store, row, zf, index, entry)
                if diary is not None:
                    hashtags = await self._analyse(diary, entry)
                    restored = hashtags is not None and await self._restore_cards(zf, diary, entry)
                    await asyncio.to_thread(self._record, row, index, diary, hashtags, restored)
                row = await asyncio.to_thread(self._current, row.id)
        await asyncio.to_thread(self._finish, row, job)

    def _pending(self, row: Import, index: int) -> Diary | None:
        """The diary a stopped worker stored; when its owner deleted it since, the entry is done."""
        with self._uow() as uow:
            diary = uow.diaries.get(row.pending_diary_id)
            if diary is None:
                values = {"diaries_done": index + 1, "pending_diary_id": 0, "updated_at": self._clock()}
                if not uow.transfers.advance(Import, row.id, {"pending_diary_id": row.pending_diary_id}, values):
                    raise LeaseLost(f"import {row.id}")
                uow.commit()
            return diary

    def _finish_done(self, job: Job) -> None:
        with self._uow() as uow:
            if not self._jobs.complete(uow.connection(), job):
                raise LeaseLost(f"job {job.id}")
            uow.commit()
