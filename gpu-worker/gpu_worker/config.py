"""gpu-worker settings (environment variables with the GRIDAM_ prefix).

    GRIDAM_ENGINE=cpu-art|diffusers          which engine every worker process builds
    GRIDAM_ENGINE_MODEL=/models/sd-turbo     diffusers: a local pipeline folder
    GRIDAM_ENGINE_DTYPE=fp16|bf16            diffusers: weights/activations dtype
    GRIDAM_ENGINE_DEVICES=cuda:0,cuda:1      device per worker, round-robin ("cuda" = all share one GPU)
    GRIDAM_ENGINE_TORCH_COMPILE / GRIDAM_ENGINE_CHANNELS_LAST   diffusers speed-ups
    GRIDAM_ENGINE_WARMUP_BATCH_SIZES=1,8 / GRIDAM_ENGINE_WARMUP_SIZE=512
                                             diffusers: batches drawn before a worker is ready
                                             (default with torch.compile: 1 and the max batch size)
    GRIDAM_WORKER_PROCESSES=4                worker processes, each with its own engine
    GRIDAM_MAX_BATCH_SIZE=8 / GRIDAM_MAX_BATCH_WAIT_MS=20
    GRIDAM_MAX_QUEUE=64                      queued requests before RESOURCE_EXHAUSTED
    GRIDAM_RETRY_AFTER_SECONDS=1             the retry hint sent with RESOURCE_EXHAUSTED
    GRIDAM_MAX_REQUEST_SECONDS=120           the deadline of a request whose caller set none
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, ValidationInfo, field_validator
from pydantic_settings import NoDecode

from gridam_runtime.settings import ServiceSettings


class GpuWorkerSettings(ServiceSettings):
    grpc_port: int = 50055

    engine: Literal["cpu-art", "diffusers"] = "cpu-art"
    # Engine options, passed to gpu_worker.adapters.engines.registry.build_engine (diffusers only;
    # the CPU renderer takes none).
    engine_model: str = ""
    engine_dtype: Literal["fp16", "bf16", "fp32"] = "fp16"  # fp32: CPU runs
    # One device per worker, taken round-robin: "cuda:0,cuda:1,cuda:2,cuda:3" puts one worker
    # on each GPU; "cuda" puts all of them on one GPU (time-sliced, or shared through MPS).
    engine_devices: Annotated[tuple[str, ...], NoDecode] = ("cuda",)
    engine_torch_compile: bool = False
    engine_channels_last: bool = False
    engine_warmup_batch_sizes: Annotated[tuple[int, ...], NoDecode] = ()
    engine_warmup_size: int = Field(512, ge=8, le=2048)

    worker_processes: int = Field(4, ge=1, le=64)
    max_batch_size: int = Field(8, ge=1, le=256)
    max_batch_wait_ms: float = Field(20.0, ge=0, le=10_000)
    max_queue: int = Field(64, ge=1)
    retry_after_seconds: int = Field(1, ge=0)
    # The deadline of a request whose caller set none.
    max_request_seconds: float = Field(120.0, gt=0)
    # How long a worker may take to start and load its engine, and to draw one batch, before
    # it is killed and replaced (a hung CUDA call looks like this). A batch's limit stays under
    # its callers' deadlines (the card service's pipeline call: 30 s), so that the batch is
    # retried on another worker while they still wait.
    worker_start_timeout_seconds: float = Field(300.0, gt=0)
    worker_batch_timeout_seconds: float = Field(20.0, gt=0)

    @field_validator("engine_model")
    @classmethod
    def _model_needed(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("engine") == "diffusers" and not value:
            raise ValueError("a model folder is required with GRIDAM_ENGINE=diffusers")
        return value

    @field_validator("engine_warmup_batch_sizes", mode="before")
    @classmethod
    def _batch_sizes(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = tuple(int(part) for part in value.split(",") if part.strip())
        if any(n < 1 for n in value):
            raise ValueError("warm-up batch sizes must be >= 1")
        return value

    @field_validator("engine_devices", mode="before")
    @classmethod
    def _devices(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = tuple(part.strip() for part in value.split(",") if part.strip())
        if not value:
            raise ValueError("name at least one device")
        return value

    @property
    def max_batch_wait_seconds(self) -> float:
        return self.max_batch_wait_ms / 1000.0

    def engine_options(self) -> dict[str, Any]:
        """Keyword arguments for build_engine (the device is added per worker)."""
        if self.engine == "cpu-art":
            return {}
        return {
            "model": self.engine_model,
            "dtype": self.engine_dtype,
            "torch_compile": self.engine_torch_compile,
            "channels_last": self.engine_channels_last,
            # Compiling happens on a shape's first batch: do it before the worker is ready.
            "warmup_batch_sizes": self.engine_warmup_batch_sizes
            or ((1, self.max_batch_size) if self.engine_torch_compile else ()),
            "warmup_size": self.engine_warmup_size,
        }
