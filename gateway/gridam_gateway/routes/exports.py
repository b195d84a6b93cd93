"""Export and import of everything of the caller (docs/export-import.md, docs/web-api.md §6.7-6.8).

The export job runs in the diary service's workers, which hold diaries, the feed, and (asked of
the emotion and card services) analyses and cards; what only the user and emotion services
show the caller — the profile, follows and word clouds — is gathered here with the caller's
token when the export is asked for, and goes into profile.json as it was then."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import BinaryIO, TypeVar

import grpc
from fastapi import APIRouter, Depends, Request

from gridam.diary.v1 import diary_service_pb2 as pb
from gridam.emotion.v2 import emotion_service_pb2 as emotion_pb
from gridam.user.v1 import user_service_pb2 as user_pb
from gridam_domain.storage import ObjectStorage
from gridam_gateway.emotions import key
from gridam_gateway.envelope import JsonResponse, local_time, ok
from gridam_gateway.errors import ApiError
from gridam_gateway.media import media_url
from gridam_gateway.security import SignedInRoute, current_user
from gridam_gateway.uploads import stream_file_part
from gridam_runtime.context import Identity

router = APIRouter(prefix="/api/users", tags=["users"], route_class=SignedInRoute)

STATES = {pb.TRANSFER_STATE_DONE: "DONE", pb.TRANSFER_STATE_EXPIRED: "EXPIRED"}
FOLLOW_PAGE = 100
IMPORT_PATH = "/api/users/import"
# Checking a whole archive (every photo decoded) takes longer than an ordinary call: minutes for
# thousands of photos (measured in docs/export-import.md).
IMPORT_TIMEOUT_SECONDS = 600.0

ARCHIVE_UPLOAD_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary", "description": "GriDam 또는 Day One 내보내기 ZIP"}},
                }
            }
        },
    }
}


def _progress(transfer: pb.Transfer) -> dict[str, object]:
    return {
        "state": STATES.get(transfer.state, "RUNNING"),
        "progress": transfer.progress,
        "diariesDone": transfer.diaries_done,
        "diariesTotal": transfer.diaries_total,
        "imagesDone": transfer.images_done,
        "imagesTotal": transfer.images_total,
        "createdAt": local_time(transfer.created_at),
    }


def _export(request: Request, transfer: pb.Transfer) -> dict[str, object]:
    done = transfer.state == pb.TRANSFER_STATE_DONE
    return {
        "exportId": transfer.id,
        **_progress(transfer),
        "downloadUrl": media_url(request, transfer.archive_key) if done else None,
        "expiresAt": local_time(transfer.expires_at) if transfer.HasField("expires_at") else None,
    }


def _import(transfer: pb.Transfer) -> dict[str, object]:
    return {"importId": transfer.id, "format": transfer.format, "diariesAdded": transfer.diaries_added, **_progress(transfer)}


# ListFollowers or ListFollowing, each with its own request.
FollowListRequest = TypeVar("FollowListRequest", user_pb.ListFollowersRequest, user_pb.ListFollowingRequest)
FollowList = user_pb.ListFollowersResponse | user_pb.ListFollowingResponse


async def _follows(
    method: Callable[[FollowListRequest], Awaitable[FollowList]], request_type: type[FollowListRequest]
) -> list[dict[str, str]]:
    people: list[dict[str, str]] = []
    cursor = 0
    while True:
        reply = await method(request_type(page_size=FOLLOW_PAGE, cursor=cursor))
        people += [{"userId": e.profile.user_id, "userName": e.profile.nickname} for e in reply.entries]
        if not reply.next_cursor:
            return people
        cursor = reply.next_cursor


async def _snapshot(request: Request) -> str:
    state = request.app.state
    profile = (await state.users.GetProfile(user_pb.GetProfileRequest())).profile
    clouds = await state.emotions.GetWordClouds(emotion_pb.GetWordCloudsRequest())
    return json.dumps(
        {
            "profile": {
                "userId": profile.user_id,
                "userName": profile.nickname,
                "introduction": profile.introduction,
                "avatarKey": profile.avatar_key,
            },
            "followers": await _follows(state.users.ListFollowers, user_pb.ListFollowersRequest),
            "following": await _follows(state.users.ListFollowing, user_pb.ListFollowingRequest),
            "wordClouds": [
                {
                    "emotion": key(cloud.emotion),
                    "imageKey": cloud.image_key,
                    "words": [{"word": w.word, "weight": w.weight} for w in cloud.words],
                }
                for cloud in clouds.clouds
            ],
        },
        ensure_ascii=False,
    )


@router.post("/export", summary="내 모든 기록 내보내기 시작 (웹 API 확장, docs/export-import.md)")
async def start_export(request: Request) -> JsonResponse:
    reply = await request.app.state.diaries.StartExport(pb.StartExportRequest(profile_json=await _snapshot(request)))
    return ok(_export(request, reply.transfer), "내보내기를 시작했습니다. 준비되면 내려받을 수 있습니다.")


@router.get("/export/{export_id}", summary="내보내기 진행 상황과 내려받기 주소")
async def get_export(export_id: int, request: Request) -> JsonResponse:
    if not 1 <= export_id < 2**63:
        raise ApiError("EXPORT4041")
    reply = await request.app.state.diaries.GetExport(pb.GetExportRequest(export_id=export_id))
    return ok(_export(request, reply.transfer))


@contextlib.asynccontextmanager
async def _stored(storage: ObjectStorage, key: str) -> AsyncIterator[BinaryIO]:
    """storage.writer entered and left in a thread: closing a large file (its fsync) would
    stall the event loop."""
    writer = storage.writer(key, "application/zip")
    out = await asyncio.to_thread(writer.__enter__)
    try:
        yield out
    except BaseException as error:
        await asyncio.to_thread(writer.__exit__, type(error), error, error.__traceback__)
        raise
    await asyncio.to_thread(writer.__exit__, None, None, None)


@router.post(IMPORT_PATH.removeprefix("/api/users"), summary="GriDam 또는 Day One 내보내기 가져오기 (multipart file)", openapi_extra=ARCHIVE_UPLOAD_DOC)
async def start_import(request: Request, identity: Identity = Depends(current_user)) -> JsonResponse:
    # The upload goes into the media store as it arrives (GRIDAM_MAX_IMPORT_BODY_BYTES, 2 GiB);
    # the diary service checks it there whole and deletes it when it refuses it.
    storage = request.app.state.storage
    key = f"imports/{identity.user_id}/{secrets.token_hex(16)}.zip"
    async with _stored(storage, key) as out:
        size = await stream_file_part(request, "file", out)
        if size is None:
            raise ApiError("IMPORT4007")
        if not size:
            raise ApiError("IMPORT4001")
    try:
        reply = await request.app.state.diaries.StartImport(pb.StartImportRequest(archive_key=key), timeout=IMPORT_TIMEOUT_SECONDS)
    except grpc.aio.AioRpcError as error:
        if error.code() == grpc.StatusCode.UNAVAILABLE:  # never reached the service: nobody else will delete it
            await asyncio.to_thread(storage.delete, key)
        raise
    return ok(_import(reply.transfer), "가져오기를 시작했습니다.")


@router.get("/import/{import_id}", summary="가져오기 진행 상황")
async def get_import(import_id: int, request: Request) -> JsonResponse:
    if not 1 <= import_id < 2**63:
        raise ApiError("IMPORT4041")
    reply = await request.app.state.diaries.GetImport(pb.GetImportRequest(import_id=import_id))
    return ok(_import(reply.transfer))
