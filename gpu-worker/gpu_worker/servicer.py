"""ImageGenService over gRPC: a thin layer over the dispatcher.

Who may call GenerateImage (gridam-card's service token) and the request's bounds (sizes,
steps, lengths, shares in [0, 1]) are declared in the proto and checked by the call chain
before the servicer runs (gridam_runtime.access, gridam_runtime.validation). The servicer reads
the request's palette into domain emotions, queues it, and answers with the PNG. RESOURCE_EXHAUSTED carries the
retry hint twice: `google.rpc.RetryInfo` in the status details (what gRPC-aware clients
read) and `retry_after_seconds` in the ErrorInfo metadata (what GriDam's clients read).

`ImageGenServicer` serves gridam.imagegen.v2; `ImageGenV1Servicer`, v1 for one release (callers
not yet rolled out, docs/protos.md), reads v1's emotion keys into v2's typed emotions and asks
the v2 servicer. Removed in the next release.
"""

from __future__ import annotations

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
from gridam_runtime.errors import STATUS_DETAILS_KEY, InvalidArgument, ResourceExhausted, to_status_details
from gridam_runtime.server import ServicerContext
from gridam_runtime.versions import recast


def to_image_request(message: pb.GenerateImageRequest) -> ImageRequest:
    """A GenerateImageRequest within its bounds (the call chain has checked them) as the domain's
    ImageRequest; InvalidArgument IMAGEGEN4005 when its palette names no emotion, one this
    version does not know, or one twice."""
    try:
        shares = emotions.shares_from_proto(message.palette)
    except emotions.InvalidEmotion as error:
        raise InvalidArgument("IMAGEGEN4005", f"palette: {error}") from None
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
    def __init__(self, dispatcher: Dispatcher[Any]) -> None:
        self._dispatcher = dispatcher

    async def GenerateImage(self, request: pb.GenerateImageRequest, ctx: ServicerContext) -> pb.GenerateImageResponse:
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
