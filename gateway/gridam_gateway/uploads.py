"""Reading multipart requests: text fields must be UTF-8, uploaded image parts are size-limited
here and checked by content in the services."""

from __future__ import annotations

from contextlib import aclosing

from fastapi import Request
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from gridam_gateway.errors import ApiError
from gridam_domain.images import MAX_UPLOAD_BYTES


class _Utf8MultiPartParser(MultiPartParser):
    """Starlette's parser decodes a text field that is not valid UTF-8 as Latin-1 without a word
    (a diary then stored the garbage); this one refuses it with 400 COMMON4001, as a JSON body."""

    def on_part_end(self) -> None:
        part = self._current_part
        if part.file is None:
            try:
                part.data.decode("utf-8")
            except UnicodeDecodeError:
                raise ApiError("COMMON4001") from None
        super().on_part_end()


async def read_form(request: Request) -> FormData:
    """The multipart form of `request` (415 COMMON4151 when it is not one); close it when done."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise ApiError("COMMON4151")
    try:
        async with aclosing(request.stream()) as stream:
            return await _Utf8MultiPartParser(request.headers, stream, max_files=2, max_fields=5).parse()
    except MultiPartException:
        raise ApiError("COMMON4005") from None


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
    form = await read_form(request)
    try:
        return await read_file_part(form, field)
    finally:
        await form.close()
