"""Reading the PNGs the product draws (card art, cards, word clouds) in tests."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def opened_png(data: bytes) -> Image.Image:
    """The decoded image; fails unless `data` is a whole PNG."""
    assert data.startswith(PNG_SIGNATURE), data[:16]
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    image.load()
    return image


def png_pixels(data: bytes) -> np.ndarray:
    """RGB pixels as float32, height x width x 3."""
    return np.asarray(opened_png(data).convert("RGB"), dtype=np.float32)


def art_png(width: int = 512, height: int = 512, mode: str = "RGB", seed: int = 3) -> bytes:
    """Noise standing in for generated card art, as a PNG of that size and mode."""
    rng = np.random.default_rng(seed)
    pixels = (rng.random((height, width, 3)) * 255).astype("uint8")
    image = Image.fromarray(pixels, "RGB")
    if mode != "RGB":
        image = image.convert(mode)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
