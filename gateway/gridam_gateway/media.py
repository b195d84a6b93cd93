"""Images through signed, expiring URLs (decision 13): browsers send no token with
<img src>, so the URL itself is the permission. Services decide who gets an object key;
the gateway signs it and later serves it only with a valid, unexpired signature."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from starlette.responses import Response, StreamingResponse

from gridam_domain.signed_urls import UrlSigner
from gridam_domain.storage import ObjectStorage, OpenedObject
from gridam_gateway.errors import ApiError

MEDIA_PREFIX = "/api/media/"
# Objects up to this size (every image) are read in one go; larger ones (export archives) are
# sent a chunk at a time, so the gateway never holds one whole.
WHOLE_BYTES = CHUNK_BYTES = 1024 * 1024

router = APIRouter(tags=["media"])


def media_url(request: Request, key: str) -> str:
    """A signed URL for a stored object, or "" when there is none."""
    if not key:
        return ""
    base_url: str = request.app.state.public_base_url
    signer: UrlSigner = request.app.state.signer
    return base_url + signer.sign(MEDIA_PREFIX + key)


@router.get("/api/media/{key:path}", summary="서명된 이미지 주소로 이미지 받기", include_in_schema=True)
async def get_media(key: str, request: Request, exp: str | None = None, sig: str | None = None) -> Response:
    signer: UrlSigner = request.app.state.signer
    storage: ObjectStorage = request.app.state.storage
    if exp is None or not signer.verify(request.url.path, exp, sig):  # verify() refuses a missing exp too
        raise ApiError("IMAGE4031")
    try:
        opened, data = await asyncio.to_thread(_load, storage, key)
    except ValueError:  # not a valid key at all
        opened, data = None, None
    if opened is None:
        raise ApiError("IMAGE4041")
    max_age = min(signer.max_age(int(exp), time.time()), 3600)
    headers = {"Cache-Control": f"private, max-age={max_age}", "X-Content-Type-Options": "nosniff"}
    if data is not None:
        return Response(data, media_type=opened.content_type, headers=headers)
    headers["Content-Length"] = str(opened.size)
    return StreamingResponse(_chunks(opened), media_type=opened.content_type, headers=headers)


def _load(storage: ObjectStorage, key: str) -> tuple[OpenedObject | None, bytes | None]:
    """The object opened, and read whole when it is small (one trip to a thread for an image)."""
    opened = storage.open_object(key)
    if opened is None or opened.size > WHOLE_BYTES:
        return opened, None
    with opened.file:
        return opened, opened.file.read()


async def _chunks(opened: OpenedObject) -> AsyncIterator[bytes]:
    try:
        while chunk := await asyncio.to_thread(opened.file.read, CHUNK_BYTES):
            yield chunk
    finally:
        await asyncio.to_thread(opened.file.close)
