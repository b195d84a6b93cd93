"""Request bounds (declared in the imagegen protos, checked by the call chain's
gridam_runtime.validation), reading a request into the domain, and settings of the gpu-worker."""

from __future__ import annotations

import pytest

from diary_service.config import DiarySettings
from gpu_worker.adapters.workers import EngineSpec
from gpu_worker.config import GpuWorkerSettings
from gpu_worker.servicer import to_image_request, v1_palette
from gridam.common.v1 import emotion_pb2 as common
from gridam.imagegen.v1 import imagegen_service_pb2 as v1
from gridam.imagegen.v2 import imagegen_service_pb2 as pb
from gridam_domain.emotions import Emotion
from gridam_runtime import validation
from gridam_runtime.errors import InvalidArgument

BOUNDS = {
    version: validation.rules_for(f"/gridam.imagegen.{version}.ImageGenService/GenerateImage") for version in ("v1", "v2")
}


def message(**fields) -> pb.GenerateImageRequest:
    base = dict(prompt="a calm sea", seed=7, width=512, height=512, steps=0)
    return pb.GenerateImageRequest(**(base | fields))


def test_a_valid_request_becomes_an_image_request():
    request = to_image_request(message(
        palette=[common.EmotionShare(emotion=common.EMOTION_SAD, fraction=0.7),
                 common.EmotionShare(emotion=common.EMOTION_HAPPY, fraction=0.3)],
        motifs=["#바다", "rain"], calm=True, steps=4, width=64, height=1024,
    ))
    assert request.palette == ((Emotion.SAD, 0.7), (Emotion.HAPPY, 0.3))
    assert request.motifs == ("#바다", "rain")
    assert (request.width, request.height, request.steps, request.seed, request.calm) == (64, 1024, 4, 7, True)
    assert request.batch_key() == (64, 1024, 4)


def v1_message(**fields) -> v1.GenerateImageRequest:
    palette = [v1.EmotionWeight(emotion=common.Emotion.Name(s.emotion).removeprefix("EMOTION_"), weight=s.fraction)
               for s in fields.pop("palette", [])]
    base = dict(prompt="a calm sea", seed=7, width=512, height=512, steps=0)
    return v1.GenerateImageRequest(**(base | fields), palette=palette)


@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"width": 0}, "IMAGEGEN4001"),
        ({"width": 56}, "IMAGEGEN4001"),
        ({"height": 1032}, "IMAGEGEN4001"),
        ({"height": 100}, "IMAGEGEN4001"),
        ({"width": -512}, "IMAGEGEN4001"),
        ({"steps": 51}, "IMAGEGEN4002"),
        ({"steps": -1}, "IMAGEGEN4002"),
        ({"prompt": "가" * 1001}, "IMAGEGEN4003"),
        ({"motifs": [f"m{i}" for i in range(11)]}, "IMAGEGEN4004"),
        ({"motifs": ["x" * 101]}, "IMAGEGEN4004"),
        ({"palette": [common.EmotionShare(emotion=common.EMOTION_SAD, fraction=1.5)]}, "IMAGEGEN4006"),
        ({"palette": [common.EmotionShare(emotion=common.EMOTION_SAD, fraction=-0.1)]}, "IMAGEGEN4006"),
        ({"palette": [common.EmotionShare(emotion=common.EMOTION_SAD, fraction=float("nan"))]}, "IMAGEGEN4006"),
    ],
)
def test_out_of_bounds_requests_are_invalid_arguments(version, fields, reason):
    """Both versions declare the same bounds with the same reasons (v1 is served over v2's servicer,
    which no longer checks them)."""
    with pytest.raises(InvalidArgument) as invalid:
        BOUNDS[version].check((v1_message if version == "v1" else message)(**fields))
    assert invalid.value.reason == reason


def test_the_refusal_names_each_broken_field_and_rule():
    with pytest.raises(InvalidArgument) as invalid:
        BOUNDS["v2"].check(message(width=1020, motifs=["ok", "x" * 101], palette=[
            common.EmotionShare(emotion=common.EMOTION_SAD, fraction=0.5),
            common.EmotionShare(emotion=common.EMOTION_JOY, fraction=2.0),
        ]))
    assert invalid.value.reason == "IMAGEGEN4001"  # the first broken field's
    assert invalid.value.detail == (
        "width: must be a multiple of 8; palette[1].fraction: must be greater than or equal to 0 and less than or "
        "equal to 1; motifs[1]: must be at most 100 characters"
    )


@pytest.mark.parametrize(
    "palette",
    [
        [common.EmotionShare(emotion=common.EMOTION_UNSPECIFIED, fraction=0.5)],
        [common.EmotionShare(emotion=10, fraction=0.5)],  # a newer caller's emotion
        [common.EmotionShare(emotion=common.EMOTION_SAD, fraction=0.5)] * 2,
    ],
)
def test_a_palette_of_no_known_emotion_is_refused_when_read(palette):
    BOUNDS["v2"].check(message(palette=palette))  # within bounds: a share is in [0, 1]
    with pytest.raises(InvalidArgument) as invalid:
        to_image_request(message(palette=palette))
    assert invalid.value.reason == "IMAGEGEN4005"


def test_a_v1_palette_is_read_into_typed_emotions():
    """gridam.imagegen.v1 for one release (docs/protos.md): its emotion keys, exactly as v1 took them."""
    shares = v1_palette([v1.EmotionWeight(emotion="SAD", weight=0.7), v1.EmotionWeight(emotion="HAPPY", weight=0.3)])
    assert [(s.emotion, s.fraction) for s in shares] == [(common.EMOTION_SAD, 0.7), (common.EMOTION_HAPPY, 0.3)]
    for key in ("BORED", "sad", "행복", "EMOTION_SAD", ""):
        with pytest.raises(InvalidArgument) as invalid:
            v1_palette([v1.EmotionWeight(emotion=key, weight=0.5)])
        assert invalid.value.reason == "IMAGEGEN4005"


def test_limits_are_inclusive():
    motifs = [f"m{i}" for i in range(10)]
    for version, make in (("v1", v1_message), ("v2", message)):
        BOUNDS[version].check(make(prompt="가" * 1000, motifs=motifs, steps=50, width=1024, height=64))
        BOUNDS[version].check(make(motifs=["x" * 100], steps=0, width=64, height=1024, palette=[
            common.EmotionShare(emotion=common.EMOTION_SAD, fraction=0.0),
            common.EmotionShare(emotion=common.EMOTION_JOY, fraction=1.0),
        ]))
    request = to_image_request(message(prompt="x" * 1000, motifs=motifs, steps=50, width=1024, height=64))
    assert (len(request.prompt), request.motifs, request.steps, request.width, request.height) == (1000, tuple(motifs), 50, 1024, 64)


def test_settings_defaults_and_environment(monkeypatch):
    defaults = GpuWorkerSettings()
    assert (defaults.grpc_port, defaults.engine, defaults.worker_processes) == (50055, "cpu-art", 4)
    assert (defaults.max_batch_size, defaults.max_batch_wait_ms, defaults.max_queue) == (8, 20, 64)
    assert defaults.retry_after_seconds == 1
    assert defaults.engine_options() == {}
    monkeypatch.setenv("GRIDAM_ENGINE", "diffusers")
    monkeypatch.setenv("GRIDAM_ENGINE_MODEL", "/models/sd-turbo")
    monkeypatch.setenv("GRIDAM_ENGINE_DTYPE", "bf16")
    monkeypatch.setenv("GRIDAM_ENGINE_DEVICES", "cuda:0, cuda:1")
    monkeypatch.setenv("GRIDAM_MAX_BATCH_WAIT_MS", "5")
    settings = GpuWorkerSettings()
    assert settings.engine_devices == ("cuda:0", "cuda:1")
    assert settings.max_batch_wait_seconds == 0.005
    assert settings.engine_options() == {"model": "/models/sd-turbo", "dtype": "bf16", "torch_compile": False,
                                         "channels_last": False, "warmup_batch_sizes": (), "warmup_size": 512}
    # With torch.compile the workers compile before they are ready: batches of 1 and of the max.
    monkeypatch.setenv("GRIDAM_ENGINE_TORCH_COMPILE", "true")
    assert GpuWorkerSettings().engine_options()["warmup_batch_sizes"] == (1, 8)
    monkeypatch.setenv("GRIDAM_ENGINE_WARMUP_BATCH_SIZES", "1,2,4")
    assert GpuWorkerSettings().engine_options()["warmup_batch_sizes"] == (1, 2, 4)
    monkeypatch.setenv("GRIDAM_ENGINE_WARMUP_BATCH_SIZES", "0")
    with pytest.raises(ValueError):
        GpuWorkerSettings()
    monkeypatch.delenv("GRIDAM_ENGINE_WARMUP_BATCH_SIZES")
    monkeypatch.delenv("GRIDAM_ENGINE_TORCH_COMPILE")
    spec = EngineSpec(settings.engine, settings.engine_options(), settings.engine_devices)
    assert spec.devices[3 % len(spec.devices)] == "cuda:1"


def test_bad_settings_fail(monkeypatch):
    monkeypatch.setenv("GRIDAM_ENGINE", "diffusers")  # without a model folder
    with pytest.raises(ValueError):
        GpuWorkerSettings()
    monkeypatch.setenv("GRIDAM_ENGINE", "cpu-art")
    monkeypatch.setenv("GRIDAM_WORKER_PROCESSES", "0")
    with pytest.raises(ValueError):
        GpuWorkerSettings()


def test_a_hung_batch_is_given_up_while_its_callers_still_wait():
    """The default batch limit stays under the deadline of the pipeline's card call, so a batch
    stuck in a worker (a hung CUDA call) is retried on another one before the caller gives up."""
    batch_limit = GpuWorkerSettings.model_fields["worker_batch_timeout_seconds"].default
    card_call_deadline = DiarySettings.model_fields["job_call_timeout_seconds"].default
    assert batch_limit < card_call_deadline
    assert card_call_deadline - batch_limit >= 5  # room left to draw the retried batch
