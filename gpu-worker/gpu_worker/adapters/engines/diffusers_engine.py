"""Diffusers text-to-image engine ("diffusers"): an SD-Turbo class pipeline from a local folder.

Options (all keyword arguments of `DiffusersEngine`, also accepted by `registry.build_engine`):

* ``model`` (required): a local `save_pretrained()` folder (model_index.json, unet/, vae/, ...).
  Loaded with `AutoPipelineForText2Image.from_pretrained(model, dtype=..., local_files_only=True)`;
  nothing is ever downloaded.
* ``device``: "cuda" (default when CUDA is available) or "cpu" (or "cuda:N").
* ``dtype``: "fp16" (default on CUDA), "bf16" or "fp32" (default, and the only sensible choice, on
  CPU; fp16 on CPU is rejected). bf16 avoids the fp16 overflow some VAEs show, at the same speed on
  H100/H200-class GPUs.
* ``variant``: weight file variant to load (e.g. "fp16"), when the folder has one.
* ``default_steps`` (1) and ``guidance_scale`` (0.0): SD-Turbo defaults; a request's ``steps``
  overrides the default when > 0. With guidance_scale <= 1 there is no classifier-free guidance, so
  no negative prompt and no batch doubling.
* ``scheduler``: "euler-trailing" (default) swaps in `EulerDiscreteScheduler` with
  ``timestep_spacing="trailing"`` (the SD-Turbo schedule, right for 1-4 steps) built from the
  model's own scheduler config, when the model lists Euler as compatible; "model" keeps the
  scheduler the folder ships.
* ``torch_compile``: False (default), True (= "max-autotune-no-cudagraphs") or a `torch.compile`
  mode for the UNet:
    - "reduce-overhead": CUDA graphs. Lowest launch overhead, best for small batches, but each new
      (batch size, height, width) is a new graph (recorded on first use, memory held per shape):
      feed it a few fixed batch buckets (e.g. 1/2/4/8/16, pad partial batches) and warm them up
      with `warmup()` before serving.
    - "max-autotune-no-cudagraphs": Triton kernel autotuning without CUDA graphs; long first
      compile per shape, no per-shape graph memory, tolerant of varying batch sizes.
    - "default" / "max-autotune" are passed through as well.
  ``compile_vae`` (False) also compiles the VAE decoder the same way (at 1 step the VAE decode is
  most of the FLOPs; see docs/performance.md). Compilation happens on the first batch of each shape:
  ``warmup_batch_sizes`` (e.g. (1, 8)) and ``warmup_size`` (512) make `load()` draw throwaway
  batches of those sizes, so compiling is done before the worker reports ready rather than on
  callers' first batches (whose deadlines it would outlast).
* ``channels_last`` (False): UNet and VAE in channels-last memory format (faster convolutions on
  tensor cores; usually combined with torch_compile).
* ``calm_prompt``: the fixed prompt used for ``calm`` requests (their own prompt is ignored).
* ``negative_prompt``: only used when guidance_scale > 1 (never for calm requests).

`generate(batch)` makes one pipeline call per batch key (the dispatcher sends one key per batch),
with one prompt and one `torch.Generator(device).manual_seed(seed)` per request, so every image
equals (within float tolerance) the image of the same request generated alone.
"""

from __future__ import annotations

import importlib.util
import io
import logging
import os
import time
from collections.abc import Sequence
from typing import Any

from gpu_worker.domain.images import ImageRequest

log = logging.getLogger(__name__)

CALM_PROMPT = "soft pastel gradient sky, calm, abstract, no people, no text"
DTYPES = ("fp16", "bf16", "fp32")
COMPILE_MODES = ("default", "reduce-overhead", "max-autotune", "max-autotune-no-cudagraphs")
SCHEDULERS = ("euler-trailing", "model")
SIZE_MULTIPLE = 8  # SD pipelines need height and width divisible by 8
PNG_COMPRESS_LEVEL = 1


class DiffusersEngine:
    """Text-to-image with a diffusers pipeline; see the module docstring for the options."""

    name = "diffusers"

    def __init__(
        self,
        model: str | os.PathLike[str] | None = None,
        *,
        device: str | None = None,
        dtype: str | None = None,
        variant: str | None = None,
        default_steps: int = 1,
        guidance_scale: float = 0.0,
        scheduler: str = "euler-trailing",
        torch_compile: bool | str = False,
        compile_vae: bool = False,
        channels_last: bool = False,
        calm_prompt: str = CALM_PROMPT,
        negative_prompt: str | None = None,
        png_compress_level: int = PNG_COMPRESS_LEVEL,
        warmup_batch_sizes: Sequence[int] = (),
        warmup_size: int = 512,
    ):
        if not model:
            raise ValueError("the diffusers engine needs model=<local pipeline folder>")
        if not os.path.isfile(os.path.join(model, "model_index.json")):
            raise ValueError(f"{model!s} is not a diffusers pipeline folder (no model_index.json)")
        if device is None:
            device = "cuda" if _cuda_available() else "cpu"
        if not (device == "cpu" or device.startswith("cuda")):
            raise ValueError(f"device must be 'cpu' or 'cuda[:N]', got {device!r}")
        if dtype is None:
            dtype = "fp32" if device == "cpu" else "fp16"
        if dtype not in DTYPES:
            raise ValueError(f"dtype must be one of {DTYPES}, got {dtype!r}")
        if device == "cpu" and dtype == "fp16":
            raise ValueError("fp16 is not supported on CPU; use dtype='fp32' (or 'bf16')")
        if torch_compile is True:
            torch_compile = "max-autotune-no-cudagraphs"
        if torch_compile not in (False, None, *COMPILE_MODES):
            raise ValueError(f"torch_compile must be a bool or one of {COMPILE_MODES}, got {torch_compile!r}")
        if scheduler not in SCHEDULERS:
            raise ValueError(f"scheduler must be one of {SCHEDULERS}, got {scheduler!r}")
        if int(default_steps) < 1:
            raise ValueError("default_steps must be >= 1")
        if not 0 <= int(png_compress_level) <= 9:
            raise ValueError("png_compress_level must be 0..9")
        if any(int(n) < 1 for n in warmup_batch_sizes) or int(warmup_size) < 1:
            raise ValueError("warm-up batch sizes and size must be >= 1")
        self.model = str(model)
        self.device = device
        self.dtype = dtype
        self.variant = variant
        self.default_steps = int(default_steps)
        self.guidance_scale = float(guidance_scale)
        self.scheduler = scheduler
        self.torch_compile = torch_compile or None
        self.compile_vae = bool(compile_vae)
        self.channels_last = bool(channels_last)
        self.calm_prompt = calm_prompt
        self.negative_prompt = negative_prompt
        self.png_compress_level = int(png_compress_level)
        self.warmup_batch_sizes = tuple(int(n) for n in warmup_batch_sizes)
        self.warmup_size = int(warmup_size)
        self.pipe: Any = None

    # -- loading --------------------------------------------------------------------------------

    def load(self) -> None:
        import torch
        from diffusers import AutoPipelineForText2Image, EulerDiscreteScheduler

        torch_dtype = {"fp16": torch.float16, "bf16": torch.bfloat16, "fp32": torch.float32}[self.dtype]
        kwargs: dict[str, Any] = {"dtype": torch_dtype, "local_files_only": True}
        if self.variant:
            kwargs["variant"] = self.variant
        if importlib.util.find_spec("accelerate") is None:
            kwargs["low_cpu_mem_usage"] = False  # what happens anyway; skips diffusers' warning
        pipe = AutoPipelineForText2Image.from_pretrained(self.model, **kwargs)
        if self.scheduler == "euler-trailing":
            compatible = {c.__name__ for c in getattr(pipe.scheduler, "compatibles", ())}
            if isinstance(pipe.scheduler, EulerDiscreteScheduler) or "EulerDiscreteScheduler" in compatible:
                config = dict(pipe.scheduler.config)
                config["timestep_spacing"] = "trailing"
                pipe.scheduler = EulerDiscreteScheduler.from_config(config)
            else:
                log.warning("scheduler %s is not Euler-compatible; keeping it", type(pipe.scheduler).__name__)
        if hasattr(pipe, "safety_checker"):
            pipe.safety_checker = None  # our own safety runs upstream (calm requests)
        pipe.set_progress_bar_config(disable=True)
        pipe = pipe.to(self.device)
        if self.channels_last:
            pipe.unet.to(memory_format=torch.channels_last)
            pipe.vae.to(memory_format=torch.channels_last)
        if self.torch_compile:
            pipe.unet = torch.compile(pipe.unet, mode=self.torch_compile, fullgraph=True)
            if self.compile_vae:
                pipe.vae.decode = torch.compile(pipe.vae.decode, mode=self.torch_compile, fullgraph=True)
        self.pipe = pipe
        if self.warmup_batch_sizes:
            self.warmup(self.warmup_batch_sizes, self.warmup_size, self.warmup_size)

    def warmup(self, batch_sizes: Sequence[int] = (1,), width: int = 512, height: int = 512, steps: int = 0) -> None:
        """Run throwaway batches so compilation / CUDA-graph capture happens before serving."""
        for n in batch_sizes:
            begin = time.perf_counter()
            self.generate([ImageRequest(prompt="warm-up", seed=i, width=width, height=height, steps=steps) for i in range(n)])
            log.info("warmed up", extra={"batch_size": n, "width": width, "height": height,
                                         "seconds": round(time.perf_counter() - begin, 2)})

    # -- generation -----------------------------------------------------------------------------

    def prompts_for(self, batch: Sequence[ImageRequest]) -> list[str]:
        return [self.calm_prompt if r.calm else r.prompt for r in batch]

    def generate(self, batch: Sequence[ImageRequest]) -> list[bytes]:
        if self.pipe is None:
            raise RuntimeError("DiffusersEngine.generate() before load()")
        if not batch:
            return []
        out: dict[int, bytes] = {}  # position in the batch -> its PNG
        groups: dict[tuple[int, int, int], list[int]] = {}
        for i, r in enumerate(batch):  # one group normally; tolerate mixed keys
            groups.setdefault(r.batch_key(), []).append(i)
        for (width, height, steps), idx in groups.items():
            pngs = self._generate_group([batch[i] for i in idx], width, height, steps)
            for i, png in zip(idx, pngs, strict=True):
                out[i] = png
        return [out[i] for i in range(len(batch))]

    def _generate_group(self, batch: Sequence[ImageRequest], width: int, height: int, steps: int) -> list[bytes]:
        import torch

        if width < 1 or height < 1:
            raise ValueError(f"bad image size {width}x{height}")
        # Generate at the next multiple of 8 and centre-crop back to the requested size.
        gen_w = -(-width // SIZE_MULTIPLE) * SIZE_MULTIPLE
        gen_h = -(-height // SIZE_MULTIPLE) * SIZE_MULTIPLE
        generators = [
            torch.Generator(self.device).manual_seed(int(r.seed) & 0xFFFF_FFFF_FFFF_FFFF) for r in batch
        ]
        call: dict[str, Any] = {
            "prompt": self.prompts_for(batch),
            "height": gen_h,
            "width": gen_w,
            "num_inference_steps": steps if steps > 0 else self.default_steps,
            "guidance_scale": self.guidance_scale,
            "generator": generators,
            "output_type": "pil",
        }
        if self.guidance_scale > 1.0 and self.negative_prompt:
            call["negative_prompt"] = ["" if r.calm else self.negative_prompt for r in batch]
        images = self.pipe(**call).images
        pngs = []
        for img in images:
            if img.size != (width, height):
                left, top = (gen_w - width) // 2, (gen_h - height) // 2
                img = img.crop((left, top, left + width, top + height))
            buf = io.BytesIO()
            img.save(buf, format="PNG", compress_level=self.png_compress_level)
            pngs.append(buf.getvalue())
        return pngs


def _cuda_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())
