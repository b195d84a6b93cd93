"""Reading multipart requests: text fields must be UTF-8, uploaded image parts are size-limited
here and checked by content in the services; a large file (an import archive) is streamed
through, never held."""

from __future__ import annotations

import asyncio
from contextlib import aclosing
from typing import BinaryIO

from fastapi import Request
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from gridam_domain.images import MAX_UPLOAD_BYTES
from gridam_gateway.errors import ApiError


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


MAX_PART_HEADER_BYTES = 16 * 1024
WRITE_BYTES = 1024 * 1024  # written out in pieces of about this size, each in a thread


async def stream_file_part(request: Request, field: str, out: BinaryIO) -> int | None:
    """Write the file part `field` of the multipart `request` into `out` as it arrives, holding
    about a megabyte at a time; its length, or None when the form has no such file. Other parts
    are skipped. 415 COMMON4151 when it is not a form, 400 COMMON4005 when it is malformed."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise ApiError("COMMON4151")
    boundary = parse_options_header(content_type)[1].get(b"boundary")
    if not boundary:
        raise ApiError("COMMON4005")
    header = {"name": b"", "value": b"", "disposition": b""}
    state = {"target": False, "found": False, "pending": 0}
    pending: list[bytes] = []

    def on_part_begin() -> None:
        state["target"] = False
        header["disposition"] = b""

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header["name"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header["value"] += data[start:end]
        if len(header["value"]) > MAX_PART_HEADER_BYTES:
            raise ApiError("COMMON4005")

    def on_header_end() -> None:
        if header["name"].lower() == b"content-disposition":
            header["disposition"] = header["value"]
        header["name"] = header["value"] = b""

    def on_headers_finished() -> None:
        options = parse_options_header(header["disposition"])[1]
        state["target"] = options.get(b"name") == field.encode() and b"filename" in options and not state["found"]
        state["found"] = state["found"] or state["target"]

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if state["target"]:
            pending.append(data[start:end])
            state["pending"] += end - start

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
        },
    )
    size = 0
    try:
        async with aclosing(request.stream()) as stream:
            async for chunk in stream:
                parser.write(chunk)
                if state["pending"] >= WRITE_BYTES:
                    size += await asyncio.to_thread(out.write, b"".join(pending))
                    pending.clear()
                    state["pending"] = 0
        parser.finalize()
    except FormParserError:
        raise ApiError("COMMON4005") from None
    if pending:
        size += await asyncio.to_thread(out.write, b"".join(pending))
    return size if state["found"] else None
