"""Images through signed, expiring URLs (decision 13): browsers send no token with
<img src>, so the URL itself is the permission. Services decide who gets an object key;
the gateway signs it and later serves it only with a valid, unexpired signature."""

from __future__ import annotations

import asyncio
import time

from fastapi import APIRouter, Request
from starlette.responses import Response

from gridam_gateway.errors import ApiError

MEDIA_PREFIX = "/api/media/"

router = APIRouter(tags=["media"])


def media_url(request: Request, key: str) -> str:
    """A signed URL for a stored object, or "" when there is none."""
    if not key:
        return ""
    return request.app.state.public_base_url + request.app.state.signer.sign(MEDIA_PREFIX + key)


@router.get("/api/media/{key:path}", summary="서명된 이미지 주소로 이미지 받기", include_in_schema=True)
async def get_media(key: str, request: Request, exp: str | None = None, sig: str | None = None):
    signer = request.app.state.signer
    if not signer.verify(request.url.path, exp, sig):
        raise ApiError("IMAGE4031")
    try:
        stored = await asyncio.to_thread(request.app.state.storage.get, key)
    except ValueError:  # not a valid key at all
        stored = None
    if stored is None:
        raise ApiError("IMAGE4041")
    max_age = min(signer.max_age(int(exp), time.time()), 3600)
    return Response(
        stored.data,
        media_type=stored.content_type,
        headers={"Cache-Control": f"private, max-age={max_age}", "X-Content-Type-Options": "nosniff"},
    )
