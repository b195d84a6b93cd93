"""Exports: an archive of everything of a user (docs/export-import.md), built by a durable job.

- `Exports.start` (the user) records the export and its `export` job in one transaction; at
  most one runs per user (EXPORT4091). `Exports.get` reports it to its owner only.
- `ExportBuilder.build` (the worker's `export` job) goes through the diaries a page at a time,
  oldest first: each page, with every diary's analysis and card versions, becomes a part in the
  storage, and the export row records how far it got (the cursor) in a conditional update, so a
  worker killed anywhere leaves the next one to go on from the last part. With every diary
  written it assembles the zip into a temporary file — diaries.json streamed from the parts,
  then each image copied from the storage, one at a time — stores it, and marks the export
  done, owing its `export_expire` job. Memory holds a page, never the account.
- `ExportBuilder.expire` deletes the archive after `GRIDAM_EXPORT_TTL_HOURS`.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import pathlib
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import grpc
from sqlalchemy.exc import IntegrityError

from diary_service.adapters.orm import TRANSFER_DONE, TRANSFER_EXPIRED, TRANSFER_RUNNING, Diary, Export, FeedComment
from diary_service.service_layer import archive
from diary_service.unit_of_work import UnitOfWork
from gridam.card.v2 import card_service_pb2 as card_pb
from gridam.card.v2.card_service_pb2_grpc import CardServiceStub
from gridam.emotion.v2 import emotion_service_pb2 as emotion_pb
from gridam.emotion.v2.emotion_service_pb2_grpc import EmotionServiceStub
from gridam_domain.storage import ObjectStorage
from gridam_runtime import context
from gridam_runtime.auth import Authenticator
from gridam_runtime.db import utcnow
from gridam_runtime.emotions import from_proto
from gridam_runtime.errors import AlreadyExists, InvalidArgument, NotFound
from gridam_runtime.jobs import Job, JobQueue, LeaseLost
from gridam_runtime.tokens import ServiceTokenIssuer

EXPORT, EXPORT_EXPIRE = "export", "export_expire"
PAGE = 100  # diaries a part holds
PROFILE_MAX_BYTES = 4 * 1024 * 1024
# Progress: writing the diaries is the first 80 %, copying the images the rest.
DIARIES_SHARE = 80
KST = datetime.timezone(datetime.timedelta(hours=9))


def progress(row: Export) -> int:
    if row.state != TRANSFER_RUNNING:
        return 100
    diaries = row.diaries_done / row.diaries_total if row.diaries_total else 1.0
    images = row.images_done / row.images_total if row.images_total else 0.0
    return min(99, int(DIARIES_SHARE * min(diaries, 1.0) + (100 - DIARIES_SHARE) * images))


def local_time(moment: datetime.datetime | None) -> str | None:
    """A stored (naive UTC) time as the archive writes it: ISO 8601 with the Korean offset."""
    return None if moment is None else moment.replace(tzinfo=datetime.UTC).astimezone(KST).isoformat(timespec="seconds")


def _part_key(export_id: int, number: int) -> str:
    return f"exports/{export_id}/part-{number:06d}.json"


@dataclass(frozen=True)
class ExportDependencies:
    uow: Callable[[], UnitOfWork]
    authenticator: Authenticator
    clock: Callable[[], datetime.datetime] = utcnow


class Exports:
    """What the owner asks of their exports (the diary server)."""

    def __init__(self, deps: ExportDependencies) -> None:
        self._d = deps

    async def start(self, profile_json: str) -> Export:
        return await asyncio.to_thread(self._start, profile_json)

    def _start(self, profile_json: str) -> Export:
        identity = self._d.authenticator.require()
        if len(profile_json.encode()) > PROFILE_MAX_BYTES:
            raise InvalidArgument("COMMON4000", "profile snapshot too large")
        try:
            snapshot = json.loads(profile_json or "{}")
        except ValueError:
            raise InvalidArgument("COMMON4000", "profile snapshot is not JSON") from None
        if not isinstance(snapshot, dict):
            raise InvalidArgument("COMMON4000", "profile snapshot is not an object")
        now = self._d.clock()
        try:
            with self._d.uow() as uow:
                row = Export(
                    user_id=identity.user_id,
                    active_user_id=identity.user_id,
                    state=TRANSFER_RUNNING,
                    diaries_total=uow.diaries.count_for_author(identity.user_id),
                    diaries_done=0,
                    images_total=0,
                    images_done=0,
                    cursor=0,
                    parts=0,
                    profile_json=json.dumps(snapshot, ensure_ascii=False),
                    archive_key="",
                    created_at=now,
                    updated_at=now,
                )
                uow.transfers.add(row)
                uow.owe(EXPORT, row.id)
                uow.commit()
        except IntegrityError:  # active_user_id is unique: another export of theirs is running
            raise AlreadyExists("EXPORT4091", "an export of the caller is running") from None
        return row

    async def get(self, export_id: int) -> Export:
        return await asyncio.to_thread(self._get, export_id)

    def _get(self, export_id: int) -> Export:
        identity = self._d.authenticator.require()
        with self._d.uow() as uow:
            row = uow.transfers.export(export_id)
        if row is None or row.user_id != identity.user_id:
            raise NotFound("EXPORT4041", "no such export of the caller")
        return row


class ExportBuilder:
    """The `export` and `export_expire` jobs (diary workers)."""

    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        jobs: JobQueue,
        emotion: EmotionServiceStub,  # the clients (ClientFactory.client), typed as their stubs
        cards: CardServiceStub,
        storage: ObjectStorage,
        service_tokens: ServiceTokenIssuer,
        ttl_seconds: int,
        clock: Callable[[], datetime.datetime] = utcnow,
    ) -> None:
        self._uow = uow
        self._jobs = jobs
        self._emotion = emotion
        self._cards = cards
        self._storage = storage
        self._service_tokens = service_tokens
        self._ttl_seconds = ttl_seconds
        self._clock = clock

    # -- the job ---------------------------------------------------------------------------

    def _row(self, export_id: int) -> Export | None:
        with self._uow() as uow:
            return uow.transfers.export(export_id)

    def _current(self, export_id: int) -> Export:
        """The row again, after an update of it (export rows are never deleted)."""
        row = self._row(export_id)
        if row is None:
            raise RuntimeError(f"export {export_id} is gone")
        return row

    def _page(self, row: Export) -> list[Diary]:
        with self._uow() as uow:
            return uow.transfers.diaries_after(row.user_id, row.cursor, PAGE)

    def _advance(self, row: Export, **values: int) -> None:
        """Record progress only if nobody else did meanwhile (a worker whose lease ran out)."""
        with self._uow() as uow:
            changed = uow.transfers.advance(Export, row.id, {"parts": row.parts}, {"updated_at": self._clock(), **values})
            uow.commit()
        if not changed:
            raise LeaseLost(f"export {row.id}")

    async def build(self, job: Job) -> None:
        row = await asyncio.to_thread(self._row, job.subject_id)
        if row is None or row.state != TRANSFER_RUNNING:
            await asyncio.to_thread(self._complete, job)
            return
        context.bearer_token.set(self._service_tokens.token())
        while diaries := await asyncio.to_thread(self._page, row):
            entries: list[dict[str, Any]] = []
            files: list[list[str]] = []
            for diary in diaries:
                entry, diary_files = await self._diary(diary)
                entries.append(entry)
                files += diary_files
            part = json.dumps({"diaries": entries, "files": files}, ensure_ascii=False).encode()
            await asyncio.to_thread(self._storage.put, _part_key(row.id, row.parts + 1), part, "application/json")
            values = {
                "cursor": diaries[-1].id,
                "parts": row.parts + 1,
                "diaries_done": row.diaries_done + len(diaries),
                "diaries_total": max(row.diaries_total, row.diaries_done + len(diaries)),
                "images_total": row.images_total + len(files),
            }
            await asyncio.to_thread(self._advance, row, **values)
            row = await asyncio.to_thread(self._current, row.id)
        await asyncio.to_thread(self._assemble, row, job)

    async def _diary(self, diary: Diary) -> tuple[dict[str, Any], list[list[str]]]:
        files: list[list[str]] = []
        analysis: dict[str, Any] | None
        try:
            reply = await self._emotion.GetAnalysis(emotion_pb.GetAnalysisRequest(diary_id=diary.id))
            analysis = _analysis(reply.analysis)
        except grpc.aio.AioRpcError as error:
            if error.code() != grpc.StatusCode.NOT_FOUND:
                raise
            analysis = None  # not analysed (yet, or given up)
        cards = (await self._cards.ListDiaryCards(card_pb.ListDiaryCardsRequest(diary_id=diary.id))).cards
        photo = archive.archive_path(diary.photo_key) if diary.photo_key else None
        if photo:
            files.append([diary.photo_key, photo])
        for card in cards:
            files.append([card.image_key, archive.archive_path(card.image_key)])
        entry = {
            "date": diary.date.isoformat(),
            "title": diary.title,
            "content": diary.content,
            "createdAt": local_time(diary.created_at),
            "photo": photo,
            "hashtags": list(diary.hashtags or []),
            "analysis": analysis,
            "cards": [
                {
                    "version": card.version,
                    "image": archive.archive_path(card.image_key),
                    "createdAt": local_time(card.created_at.ToDatetime()),
                    "dominant": from_proto(card.dominant).name,
                    "hashtags": list(card.hashtags),
                    "feedback": card.feedback,
                }
                for card in cards
            ],
        }
        return entry, files

    # -- assembling the zip ----------------------------------------------------------------

    def _parts(self, row: Export) -> Iterator[dict[str, Any]]:
        for number in range(1, row.parts + 1):
            stored = self._storage.get(_part_key(row.id, number))
            if stored is None:
                raise RuntimeError(f"export {row.id}: part {number} is missing")
            yield json.loads(stored.data)

    def _assemble(self, row: Export, job: Job) -> None:
        snapshot = json.loads(row.profile_json)
        profile, profile_files = _profile(snapshot)
        feed = self._feed(row.user_id)
        key = f"exports/{row.id}/gridam-export-{self._clock():%Y%m%d}-{row.id}.zip"
        with tempfile.NamedTemporaryFile(suffix=".zip") as temporary:
            with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as zf:
                zf.writestr(archive.README, archive.README_TEXT)
                zf.writestr(archive.PROFILE, _document(profile))
                zf.writestr(archive.FEED, _document(feed))
                with zf.open(archive.DIARIES, "w") as out:
                    out.write(f'{{"format": "{archive.FORMAT}", "version": {archive.VERSION}, "diaries": ['.encode())
                    first = True
                    for part in self._parts(row):
                        for entry in part["diaries"]:
                            out.write((b"" if first else b",\n") + json.dumps(entry, ensure_ascii=False).encode())
                            first = False
                    out.write(b"]}\n")
                self._copy_images(row, zf, profile_files)
            temporary.flush()
            self._storage.put_file(key, pathlib.Path(temporary.name), "application/zip")
        self._finish(row, job, key)
        for number in range(1, row.parts + 1):
            self._storage.delete(_part_key(row.id, number))

    def _copy_images(self, row: Export, zf: zipfile.ZipFile, extra: list[list[str]]) -> None:
        written: set[str] = set()
        done = 0

        def files() -> Iterator[list[str]]:
            yield from extra
            for part in self._parts(row):
                yield from part["files"]

        for key, path in files():
            if path not in written:
                stored = self._storage.get(key)
                if stored is not None:  # an image deleted meanwhile is left out
                    zf.writestr(zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0)), stored.data, zipfile.ZIP_STORED)
                written.add(path)
            done += 1
            if done % PAGE == 0:
                self._advance(row, images_done=done)
        self._advance(row, images_done=done, images_total=max(done, row.images_total))

    def _feed(self, user_id: int) -> dict[str, Any]:
        with self._uow() as uow:
            posts = uow.transfers.posts_of(user_id)
            counts, _ = uow.reactions.summary([p.id for p in posts], user_id) if posts else ({}, {})
            dates = uow.transfers.diary_dates({p.diary_id for p in posts})
            mine = uow.transfers.comments_elsewhere(user_id)
            return {
                "posts": [
                    {
                        "id": post.id,
                        "diaryDate": dates[post.diary_id].isoformat() if post.diary_id in dates else None,
                        "content": post.content,
                        "audience": post.audience,
                        "createdAt": local_time(post.created_at),
                        "reactions": counts.get(post.id, {}),
                        "comments": [_comment(c) for c in uow.comments.of_post(post.id)],
                    }
                    for post in posts
                ],
                "myComments": [{**_comment(c), "postId": c.post_id, "postAuthor": author} for c, author in mine],
            }

    def _finish(self, row: Export, job: Job, key: str) -> None:
        now = self._clock()
        with self._uow() as uow:
            done = uow.transfers.advance(
                Export,
                row.id,
                {},
                {
                    "state": TRANSFER_DONE,
                    "active_user_id": None,
                    "archive_key": key,
                    "expires_at": now + datetime.timedelta(seconds=self._ttl_seconds),
                    "updated_at": now,
                },
            )
            if done:
                self._jobs.enqueue(uow.connection(), EXPORT_EXPIRE, row.id, delay_seconds=self._ttl_seconds)
            if not self._jobs.complete(uow.connection(), job):
                raise LeaseLost(f"job {job.id}")
            uow.commit()

    def _complete(self, job: Job) -> None:
        with self._uow() as uow:
            if not self._jobs.complete(uow.connection(), job):
                raise LeaseLost(f"job {job.id}")
            uow.commit()

    # -- expiry ----------------------------------------------------------------------------

    def _expire(self, job: Job) -> None:
        row = self._row(job.subject_id)
        if row is not None and row.archive_key:
            self._storage.delete(row.archive_key)
        with self._uow() as uow:
            if row is not None:
                row.state, row.archive_key, row.updated_at = TRANSFER_EXPIRED, "", self._clock()
                uow.transfers.save(row)
            if not self._jobs.complete(uow.connection(), job):
                raise LeaseLost(f"job {job.id}")
            uow.commit()

    async def expire(self, job: Job) -> None:
        await asyncio.to_thread(self._expire, job)


def _document(body: dict[str, Any]) -> str:
    return json.dumps({"format": archive.FORMAT, "version": archive.VERSION, **body}, ensure_ascii=False, indent=1)


def _comment(comment: FeedComment) -> dict[str, Any]:
    return {
        "id": comment.id,
        "userId": comment.author_login_id,
        "content": comment.content,
        "parentCommentId": comment.parent_id or None,
        "createdAt": local_time(comment.created_at),
    }


def _analysis(analysis: emotion_pb.Analysis) -> dict[str, Any]:
    """The archive's analysis: emotions by their names (docs/export-import.md)."""
    return {
        "emotions": {from_proto(share.emotion).name: share.fraction for share in analysis.distribution},
        "dominant": from_proto(analysis.dominant).name,
        "hashtags": list(analysis.hashtags),
        "keywords": [{"word": k.word, "weight": k.weight} for k in analysis.keywords],
        "feedback": analysis.feedback,
        "riskLevel": emotion_pb.RiskLevel.Name(analysis.risk_level).removeprefix("RISK_LEVEL_").lower(),
        "safetyFlag": analysis.safety_flag,
        "language": analysis.language,
    }


def _profile(snapshot: dict[str, Any]) -> tuple[dict[str, Any], list[list[str]]]:
    """profile.json from the gateway's snapshot, its storage keys turned into archive files."""
    files: list[list[str]] = []

    def file(key: str) -> str | None:
        if not key or key.split("/", 1)[0] not in ("avatars", "word-clouds"):
            return None
        files.append([key, archive.archive_path(key)])
        return archive.archive_path(key)

    profile = dict(snapshot.get("profile") or {})
    profile["image"] = file(profile.pop("avatarKey", ""))
    clouds = [
        {"emotion": cloud.get("emotion"), "image": file(cloud.get("imageKey", "")), "words": cloud.get("words", [])}
        for cloud in snapshot.get("wordClouds") or []
    ]
    body = {
        "profile": profile,
        "followers": snapshot.get("followers") or [],
        "following": snapshot.get("following") or [],
        "wordClouds": clouds,
    }
    return body, files
