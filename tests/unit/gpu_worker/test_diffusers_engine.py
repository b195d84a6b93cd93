"""DiffusersEngine on a tiny Stable Diffusion pipeline built in the test: CPU, fp32, no downloads.

The pipeline is written with save_pretrained() (tests.support.tiny_diffusion) and opened through
the production class, so the real from_pretrained loading path is exercised. Needs torch,
transformers and diffusers; without them these tests fail rather than skip, so a missing install
step cannot pass silently.
"""

from __future__ import annotations

import io
import logging
import os

# Set before the imports below load transformers and diffusers, which read them once (hence E402).
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from gpu_worker.adapters.engines.diffusers_engine import CALM_PROMPT, DiffusersEngine  # noqa: E402
from gpu_worker.adapters.engines.registry import build_engine  # noqa: E402
from gpu_worker.domain.images import ImageRequest  # noqa: E402
from tests.support.pngs import png_pixels
from tests.support.tiny_diffusion import write_tiny_pipeline  # noqa: E402

# diffusers' Euler scheduler builds a numpy array from a torch tensor the numpy-2 way it warns about.
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")

W = H = 64  # tiny pipeline: VAE scale factor 2, so a 32x32 latent


def req(seed: int, prompt: str = "행복한 하루, 바다", *, calm: bool = False, width: int = W, height: int = H,
        steps: int = 0) -> ImageRequest:
    return ImageRequest(prompt=prompt, seed=seed, width=width, height=height, steps=steps, calm=calm)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> str:
    return str(write_tiny_pipeline(tmp_path_factory.mktemp("tiny-sd")))


@pytest.fixture(scope="module")
def engine(model_dir) -> DiffusersEngine:
    e = build_engine("diffusers", model=model_dir, device="cpu", dtype="fp32")
    e.load()
    return e


def test_tiny_pipeline_folder(model_dir):
    names = set(os.listdir(model_dir))
    assert {"model_index.json", "unet", "vae", "text_encoder", "tokenizer", "scheduler"} <= names
    from transformers import CLIPTokenizer

    tok = CLIPTokenizer.from_pretrained(os.path.join(model_dir, "tokenizer"))
    assert tok.model_max_length == 77
    happy, sad = tok("행복한 하루").input_ids, tok("슬픈 하루").input_ids
    assert happy != sad and len(happy) > 4  # Korean gets real ids, not just bos/eos


def test_loads_through_production_class(engine):
    from diffusers import EulerDiscreteScheduler, StableDiffusionPipeline

    assert isinstance(engine, DiffusersEngine) and engine.name == "diffusers"
    assert isinstance(engine.pipe, StableDiffusionPipeline)
    assert isinstance(engine.pipe.scheduler, EulerDiscreteScheduler)
    assert engine.pipe.scheduler.config.timestep_spacing == "trailing"
    assert engine.device == "cpu" and engine.dtype == "fp32"
    assert str(engine.pipe.unet.dtype) == "torch.float32"


def test_pngs_of_requested_size(engine):
    out = engine.generate([req(1), req(2)])
    assert len(out) == 2
    for png in out:
        with Image.open(io.BytesIO(png)) as im:
            assert im.format == "PNG" and im.size == (W, H)
    assert png_pixels(out[0]).std() > 1  # an actual picture, not a constant
    # Sizes that are not multiples of 8 are generated larger and centre-cropped.
    odd = engine.generate([req(3, width=60, height=44, steps=2)])[0]
    with Image.open(io.BytesIO(odd)) as im:
        assert im.size == (60, 44)
    # A batch that mixes keys (the dispatcher should not send one) is split, order kept.
    mixed = engine.generate([req(3, width=60, height=44, steps=2), req(1)])
    assert mixed[0] == odd and mixed[1] == out[0]


def test_deterministic_and_seeded(engine):
    a, b, c = engine.generate([req(5), req(5), req(6)])
    assert np.abs(png_pixels(a) - png_pixels(b)).max() <= 1
    assert np.abs(png_pixels(a) - png_pixels(c)).mean() > 1


def test_batched_equals_unbatched(engine):
    batch = [req(11, "슬픈 하루"), req(12, "a quiet walk by the sea"), req(13, "행복한 하루", calm=True), req(14)]
    together = engine.generate(batch)
    for r, png in zip(batch, together, strict=True):
        alone = engine.generate([r])[0]
        diff = np.abs(png_pixels(png) - png_pixels(alone))
        assert diff.max() <= 2 and diff.mean() < 0.5, (r.seed, diff.max(), diff.mean())


def test_calm_ignores_prompt(engine):
    assert engine.prompts_for([req(1, "죽고 싶다", calm=True), req(2, "bright day")]) == [CALM_PROMPT, "bright day"]
    calm_a, calm_b, plain_a, plain_b = engine.generate([
        req(21, "죽고 싶다", calm=True),
        req(21, "completely different words", calm=True),
        req(21, "죽고 싶다"),
        req(21, "completely different words"),
    ])
    assert np.abs(png_pixels(calm_a) - png_pixels(calm_b)).max() <= 1
    # The prompt does reach the model when not calm, so the check above is meaningful.
    assert not np.array_equal(png_pixels(plain_a), png_pixels(plain_b))


def test_generate_before_load_and_empty(model_dir, engine):
    with pytest.raises(RuntimeError):
        DiffusersEngine(model_dir, device="cpu").generate([req(1)])
    assert engine.generate([]) == []


def test_options_rejected(model_dir, tmp_path):
    with pytest.raises(ValueError, match="unknown option.*strength"):
        build_engine("diffusers", model=model_dir, strength=0.5)
    with pytest.raises(ValueError, match="unknown image engine"):
        build_engine("stable-cascade", model=model_dir)
    with pytest.raises(ValueError, match="needs model"):
        build_engine("diffusers")
    with pytest.raises(ValueError, match="model_index.json"):
        build_engine("diffusers", model=str(tmp_path))
    with pytest.raises(ValueError, match="dtype"):
        build_engine("diffusers", model=model_dir, device="cpu", dtype="int8")
    with pytest.raises(ValueError, match="fp16"):
        build_engine("diffusers", model=model_dir, device="cpu", dtype="fp16")
    with pytest.raises(ValueError, match="torch_compile"):
        build_engine("diffusers", model=model_dir, device="cpu", torch_compile="fastest")
    with pytest.raises(ValueError, match="device"):
        build_engine("diffusers", model=model_dir, device="tpu")
    e = build_engine("diffusers", model=model_dir, device="cpu", torch_compile=True, channels_last=True)
    assert e.torch_compile == "max-autotune-no-cudagraphs" and e.dtype == "fp32"


def test_load_draws_the_warm_up_batches_before_returning(model_dir, caplog):
    e = build_engine("diffusers", model=model_dir, device="cpu", dtype="fp32", warmup_batch_sizes=(1, 2), warmup_size=W)
    with caplog.at_level(logging.INFO, logger="gpu_worker.adapters.engines.diffusers_engine"):
        e.load()
    warmed = [(r.batch_size, r.width, r.height) for r in caplog.records if r.getMessage() == "warmed up"]
    assert warmed == [(1, W, H), (2, W, H)]
    with pytest.raises(ValueError, match="warm-up"):
        build_engine("diffusers", model=model_dir, device="cpu", warmup_batch_sizes=(0,))
