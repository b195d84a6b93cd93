"""Reading uploaded image parts of multipart requests: size-limited here, checked by content in the services."""

from __future__ import annotations

from fastapi import Request
from starlette.datastructures import FormData, UploadFile

from gridam_gateway.errors import ApiError
from gridam_runtime.images import MAX_UPLOAD_BYTES


async def read_file_part(form: FormData, field: str = "image") -> bytes:
    """The bytes of one uploaded image part, at most 10 MB; checked by content in the service."""
    part = form.get(field)
    if not isinstance(part, UploadFile):
        raise ApiError("IMAGE4002")
    data = await part.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ApiError("IMAGE4131")
    if not data:
        raise ApiError("IMAGE4001")
    return data


async def read_image_part(request: Request, field: str = "image") -> bytes:
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise ApiError("COMMON4151")
    form = await request.form(max_files=2, max_fields=5)
    try:
        return await read_file_part(form, field)
    finally:
        await form.close()
