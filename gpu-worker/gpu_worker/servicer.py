"""ImageGenService over gRPC: a thin layer over the dispatcher.

GenerateImage accepts only service tokens of the allowed callers (gridam-card by default),
validates the request, queues it, and answers with the PNG. RESOURCE_EXHAUSTED carries the
retry hint twice: `google.rpc.RetryInfo` in the status details (what gRPC-aware clients
read) and `retry_after_seconds` in the ErrorInfo metadata (what GriDam's clients read).

`ImageGenServicer` serves gridam.imagegen.v2; `ImageGenV1Servicer`, v1 for one release (callers
not yet rolled out, docs/protos.md), reads v1's emotion keys into v2's typed emotions and asks
the v2 servicer. Removed in the next release.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from google.protobuf import duration_pb2
from google.rpc import error_details_pb2, status_pb2

from gpu_worker.domain.images import ImageRequest
from gpu_worker.service_layer.dispatcher import Dispatcher
from gridam.common.v1 import emotion_pb2
from gridam.imagegen.v1 import imagegen_service_pb2 as v1
from gridam.imagegen.v1 import imagegen_service_pb2_grpc as v1_grpc
from gridam.imagegen.v2 import imagegen_service_pb2 as pb
from gridam.imagegen.v2 import imagegen_service_pb2_grpc
from gridam_domain.emotions import Emotion
from gridam_runtime import context, emotions
from gridam_runtime.auth import Authenticator
from gridam_runtime.errors import STATUS_DETAILS_KEY, InvalidArgument, ResourceExhausted, to_status_details
from gridam_runtime.server import ServicerContext
from gridam_runtime.versions import recast

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
    try:
        shares = emotions.shares_from_proto(message.palette)
    except emotions.InvalidEmotion as error:
        raise InvalidArgument("IMAGEGEN4005", f"palette: {error}") from None
    for emotion, fraction in shares.items():
        if not (math.isfinite(fraction) and 0.0 <= fraction <= 1.0):
            raise InvalidArgument("IMAGEGEN4006", f"palette share of {emotion.name} must be in [0, 1]")
    palette = tuple((emotion, float(fraction)) for emotion, fraction in shares.items())  # in the caller's order
    return ImageRequest(
        prompt=message.prompt,
        seed=message.seed,
        width=message.width,
        height=message.height,
        steps=message.steps,
        palette=palette,
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


def v1_palette(palette: Iterable[v1.EmotionWeight]) -> list[emotion_pb2.EmotionShare]:
    """v1's emotion keys ("SAD") as typed shares; IMAGEGEN4005 for a key that is no emotion."""
    shares = []
    for entry in palette:
        if entry.emotion not in Emotion.__members__:
            raise InvalidArgument("IMAGEGEN4005", f"unknown palette emotion {entry.emotion[:20]!r}")
        shares.append(emotion_pb2.EmotionShare(emotion=emotions.to_proto(Emotion[entry.emotion]), fraction=entry.weight))
    return shares


class ImageGenV1Servicer(v1_grpc.ImageGenServiceServicer):
    """gridam.imagegen.v1 over the v2 servicer, for one release (see the module docstring)."""

    def __init__(self, current: ImageGenServicer) -> None:
        self._current = current

    async def GenerateImage(self, request: v1.GenerateImageRequest, ctx: ServicerContext) -> v1.GenerateImageResponse:
        fields = {name: getattr(request, name) for name in ("prompt", "seed", "width", "height", "steps", "motifs", "calm")}
        reply = await self._current.GenerateImage(pb.GenerateImageRequest(**fields, palette=v1_palette(request.palette)), ctx)
        return recast(reply, v1.GenerateImageResponse)
