"""ImageGenService over gRPC: a thin layer over the dispatcher.

GenerateImage accepts only service tokens of the allowed callers (gridam-card by default),
validates the request, queues it, and answers with the PNG. RESOURCE_EXHAUSTED carries the
retry hint twice: `google.rpc.RetryInfo` in the status details (what gRPC-aware clients
read) and `retry_after_seconds` in the ErrorInfo metadata (what GriDam's clients read).
"""

from __future__ import annotations

import math
from typing import Any

from google.protobuf import duration_pb2
from google.rpc import error_details_pb2, status_pb2

from gpu_worker.domain.images import ImageRequest
from gpu_worker.service_layer.dispatcher import Dispatcher
from gridam.imagegen.v1 import imagegen_service_pb2 as pb
from gridam.imagegen.v1 import imagegen_service_pb2_grpc
from gridam_domain.emotions import EMOTION_KEYS
from gridam_runtime import context
from gridam_runtime.auth import Authenticator
from gridam_runtime.errors import STATUS_DETAILS_KEY, InvalidArgument, ResourceExhausted, to_status_details
from gridam_runtime.server import ServicerContext

MIN_SIDE, MAX_SIDE = 64, 1024
MAX_STEPS = 50
MAX_PROMPT_CHARS = 1000
MAX_MOTIFS = 10
MAX_MOTIF_CHARS = 100


def to_image_request(message: pb.GenerateImageRequest) -> ImageRequest:
    """Validate a GenerateImageRequest; InvalidArgument (IMAGEGEN400x) when it is out of bounds."""
    for name, side in (("width", message.width), ("height", message.height)):
        if not MIN_SIDE <= side <= MAX_SIDE or side % 8:
            raise InvalidArgument("IMAGEGEN4001", f"{name} must be a multiple of 8 in {MIN_SIDE}..{MAX_SIDE}, got {side}")
    if not 0 <= message.steps <= MAX_STEPS:
        raise InvalidArgument("IMAGEGEN4002", f"steps must be in 0..{MAX_STEPS}, got {message.steps}")
    if len(message.prompt) > MAX_PROMPT_CHARS:
        raise InvalidArgument("IMAGEGEN4003", f"prompt longer than {MAX_PROMPT_CHARS} characters")
    if len(message.motifs) > MAX_MOTIFS:
        raise InvalidArgument("IMAGEGEN4004", f"at most {MAX_MOTIFS} motifs, got {len(message.motifs)}")
    if any(len(m) > MAX_MOTIF_CHARS for m in message.motifs):
        raise InvalidArgument("IMAGEGEN4004", f"a motif is longer than {MAX_MOTIF_CHARS} characters")
    palette = []
    seen = set()
    for entry in message.palette:
        if entry.emotion not in EMOTION_KEYS:
            raise InvalidArgument("IMAGEGEN4005", f"unknown palette emotion {entry.emotion[:20]!r}")
        if entry.emotion in seen:
            raise InvalidArgument("IMAGEGEN4005", f"palette emotion {entry.emotion} given twice")
        if not (math.isfinite(entry.weight) and 0.0 <= entry.weight <= 1.0):
            raise InvalidArgument("IMAGEGEN4006", f"palette weight of {entry.emotion} must be in [0, 1]")
        seen.add(entry.emotion)
        palette.append((entry.emotion, float(entry.weight)))
    return ImageRequest(
        prompt=message.prompt,
        seed=message.seed,
        width=message.width,
        height=message.height,
        steps=message.steps,
        palette=tuple(palette),
        motifs=tuple(message.motifs),
        calm=message.calm,
    )


def status_with_retry_info(error: ResourceExhausted) -> bytes:
    """The runtime's status details (ErrorInfo) plus a google.rpc.RetryInfo."""
    status = status_pb2.Status.FromString(to_status_details(error))
    retry = error_details_pb2.RetryInfo(retry_delay=duration_pb2.Duration(seconds=error.retry_after_seconds or 0))
    status.details.add().Pack(retry)
    return status.SerializeToString()


class ImageGenServicer(imagegen_service_pb2_grpc.ImageGenServiceServicer):
    def __init__(self, dispatcher: Dispatcher[Any], authenticator: Authenticator, allowed_callers: frozenset[str]) -> None:
        self._dispatcher = dispatcher
        self._auth = authenticator
        self._allowed = allowed_callers

    async def GenerateImage(self, request: pb.GenerateImageRequest, ctx: ServicerContext) -> pb.GenerateImageResponse:
        self._auth.require_service(self._allowed)
        image_request = to_image_request(request)
        try:
            # The interceptor keeps the caller's deadline on the monotonic clock, as the dispatcher's.
            result = await self._dispatcher.submit(image_request, deadline=context.deadline.get())
        except ResourceExhausted as exc:
            await ctx.abort(exc.status_code, exc.detail, trailing_metadata=((STATUS_DETAILS_KEY, status_with_retry_info(exc)),))
            raise  # not reached: abort raises
        return pb.GenerateImageResponse(png=result.png, engine=result.engine, batch_size=result.batch_size)
