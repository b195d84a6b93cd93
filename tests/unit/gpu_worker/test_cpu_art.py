"""CpuArtEngine: deterministic, seed- palette- and motif-driven abstract pictures; calm mode."""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from gpu_worker.adapters.engines.cpu_art import CpuArtEngine, draw_art, layer_plan, normalise_motifs, normalise_palette
from gpu_worker.adapters.engines.registry import build_engine
from gpu_worker.domain.images import ImageRequest
from gridam_domain.emotions import Emotion
from tests.support.pngs import png_pixels

SIZE = 192  # small enough to keep the suite fast; structure is resolution independent


def req(seed: int = 7, *, palette=((Emotion.HAPPY, 0.7), (Emotion.SAD, 0.3)), motifs=("바다", "산책"), calm=False,
        width: int = SIZE, height: int = SIZE, prompt: str = "오늘은 바다를 걸었다") -> ImageRequest:
    return ImageRequest(prompt=prompt, seed=seed, width=width, height=height,
                        palette=tuple(palette), motifs=tuple(motifs), calm=calm)


@pytest.fixture(scope="module")
def engine() -> CpuArtEngine:
    e = build_engine("cpu-art")
    e.load()
    return e


def mean_abs_diff(a: bytes, b: bytes) -> float:
    return float(np.abs(png_pixels(a) - png_pixels(b)).mean())


def channel_std(png: bytes) -> np.ndarray:
    return png_pixels(png).reshape(-1, 3).std(axis=0)


def test_name_and_registry(engine):
    assert engine.name == "cpu-art"
    assert isinstance(engine, CpuArtEngine)


def test_deterministic_same_bytes(engine):
    a, b = engine.generate([req(), req()])
    assert a == b
    assert engine.generate([req()])[0] == a  # across calls too


def test_not_flat_and_has_structure(engine):
    png = engine.generate([req()])[0]
    assert (channel_std(png) > 15).all(), channel_std(png)
    # Structure, not just a gradient: plenty of local edges.
    px = png_pixels(png).mean(axis=2)
    edges = np.abs(np.diff(px, axis=1)) > 4
    assert edges.mean() > 0.01


def test_different_seeds_differ(engine):
    a, b, c = engine.generate([req(seed=1), req(seed=2), req(seed=3)])
    assert mean_abs_diff(a, b) > 10
    assert mean_abs_diff(b, c) > 10


def test_palette_changes_colours(engine):
    warm, cold = engine.generate([
        req(palette=((Emotion.ANGRY, 0.8), (Emotion.SURPRISE, 0.2))),
        req(palette=((Emotion.SAD, 0.8), (Emotion.ANXIOUS, 0.2))),
    ])
    assert mean_abs_diff(warm, cold) > 25
    w, c = png_pixels(warm).reshape(-1, 3).mean(0), png_pixels(cold).reshape(-1, 3).mean(0)
    assert w[0] - w[2] > c[0] - c[2] + 30  # warm is redder, cold is bluer


def test_share_mixes_families(engine):
    mostly_happy, mostly_sad = engine.generate([
        req(palette=((Emotion.HAPPY, 0.9), (Emotion.SAD, 0.1))),
        req(palette=((Emotion.HAPPY, 0.1), (Emotion.SAD, 0.9))),
    ])
    assert mean_abs_diff(mostly_happy, mostly_sad) > 15


def test_motifs_change_structure(engine):
    # Same seed and palette; only the motif words differ -> different layer kinds and layout.
    plans = {m: [k for k, _ in layer_plan(normalise_palette(req().palette), [m], 7)] for m in ("바다", "rain", "cat")}
    assert len({tuple(p) for p in plans.values()}) > 1
    pngs = engine.generate([req(motifs=(m,)) for m in ("바다", "rain", "cat")] + [req(motifs=())])
    for i in range(len(pngs)):
        for j in range(i + 1, len(pngs)):
            assert mean_abs_diff(pngs[i], pngs[j]) > 8, (i, j)
    # Structure, not only colour: compare edge maps of the grey images.

    def edge_map(png: bytes) -> np.ndarray:
        g = png_pixels(png).mean(axis=2)
        return np.abs(np.diff(g, axis=0))[:, :-1] + np.abs(np.diff(g, axis=1))[:-1, :] > 6
    e = [edge_map(p) for p in pngs]
    assert (e[0] != e[1]).mean() > 0.05


def test_motif_normalisation():
    assert normalise_motifs(["#Rain", "rain", " 바다 ", ""]) == ["rain", "바다"]
    assert normalise_palette([(Emotion.HAPPY, 1.0), (Emotion.SAD, 3.0), (Emotion.FEAR, 0.0)]) == [("SAD", 0.75), ("HAPPY", 0.25)]
    assert normalise_palette([]) == [("NONE", 1.0)]
    assert req(motifs=("#Rain",)).motifs != req(motifs=("rain",)).motifs
    assert draw_art(req(motifs=("#Rain",))).tobytes() == draw_art(req(motifs=("rain",))).tobytes()


def test_calm_is_quiet_and_ignores_content(engine):
    calm_a, calm_b, calm_c, busy = engine.generate([
        req(calm=True),
        req(calm=True, motifs=("fire", "storm"), palette=((Emotion.ANGRY, 1.0),), prompt="다른 글"),
        req(calm=True, seed=8),
        req(),
    ])
    assert calm_a == calm_b  # prompt, motifs and palette are ignored
    assert (channel_std(calm_a) < 14).all(), channel_std(calm_a)
    assert (channel_std(calm_a) < channel_std(busy)).all()
    assert mean_abs_diff(calm_a, busy) > 15
    px = png_pixels(calm_a)
    assert px.mean() > 170  # light and soft
    assert np.abs(np.diff(px, axis=1)).max() < 20  # no hard edges
    assert calm_a != calm_c  # still seeded


@pytest.mark.parametrize("size", [(64, 64), (320, 180), (100, 333), (1, 1)])
def test_sizes_honoured(engine, size):
    w, h = size
    for calm in (False, True):
        png = engine.generate([req(width=w, height=h, calm=calm)])[0]
        with Image.open(io.BytesIO(png)) as im:
            assert im.format == "PNG" and im.size == (w, h)


def test_bad_size_rejected(engine):
    with pytest.raises(ValueError):
        engine.generate([req(width=0)])


def test_batch_mixed_requests_in_order(engine):
    batch = [req(seed=1), req(calm=True), req(seed=2, width=96, height=64), req(palette=((Emotion.FEAR, 1.0),), motifs=())]
    out = engine.generate(batch)
    assert len(out) == len(batch)
    for r, png in zip(batch, out, strict=True):
        assert png == engine.generate([r])[0]
    assert engine.generate([]) == []


def test_seed_range(engine):
    for seed in (0, -1, 2**63 - 1, 2**64 + 5):
        assert engine.generate([req(seed=seed, width=32, height=32)])[0]


def test_cpu_art_never_imports_torch():
    code = (
        "import sys\n"
        "from gpu_worker.adapters.engines.registry import build_engine\n"
        "from gpu_worker.domain.images import ImageRequest\n"
        "e = build_engine('cpu-art'); e.load()\n"
        "assert e.generate([ImageRequest('x', 1, 32, 32, motifs=('a',))])\n"
        "bad = [m for m in ('torch', 'diffusers', 'transformers') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_registry_rejects_unknown():
    with pytest.raises(ValueError, match="unknown image engine 'dall-e'.*cpu-art.*diffusers"):
        build_engine("dall-e")
    with pytest.raises(ValueError, match="unknown option.*colour.*png_compress_level"):
        build_engine("cpu-art", colour="red")
