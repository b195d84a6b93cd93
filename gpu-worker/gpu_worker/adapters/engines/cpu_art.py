"""CPU generative-art engine ("cpu-art"): no weights, Pillow + numpy only.

How a picture is made (all vectorised numpy on float32 (h, w) fields, a few Pillow draws):

* **Colours** come from the emotion palette. Each emotion has a colour family built from the web
  frontend's colours (web-api.md §10: diary-card/pie colour, stats colour, light card background,
  plus a deep shade). The families are laid side by side on a colour ramp, each taking a width
  proportional to its share, so a 70 % SAD / 30 % HAPPY picture is mostly blues with a band of gold.
* **Temperament** (energy, warp, softness, brightness) is mixed from the emotions by share: ANGRY
  and ANXIOUS give higher frequencies and stronger warps, SAD and NONE soft, slow shapes, FEAR a
  darker vignette.
* **Structure** comes from the motifs: each word (normalised: lower case, no leading '#') is hashed
  with BLAKE2b into a layer kind — flow (domain-warped contour bands), blobs (soft metaballs), rings,
  strokes (brush lines advected along a noise flow field), waves (layered horizon silhouettes), rays,
  particles — and its parameters. Up to four motif layers are composited over a warped multi-stop
  gradient background; with fewer than two motifs the dominant emotions' preferred kinds fill in.
* **The seed** places everything (centres, angles, noise grids); the same request always gives the
  same bytes, another seed another picture with the same character.
* **calm=True** ignores prompt, motifs and palette: a quiet, low-contrast sky/horizon gradient in one
  of a few pastel schemes (chosen by the seed) with faint clouds.

The prompt is not used (the motifs and palette carry the content). Its speed: bench/README.md
(`bench.card_bench`).
"""

from __future__ import annotations

import hashlib
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from gpu_worker.domain.images import ImageRequest
from gridam_domain.emotions import Emotion

MAX_SIDE = 4096
MAX_MOTIF_LAYERS = 4
PNG_COMPRESS_LEVEL = 1  # zlib level: 1 is ~3x faster than Pillow's default 6 for ~15 % larger files
_LUT_SIZE = 256


RGB = tuple[float, float, float]  # channels in 0..1


def _hex(code: str) -> RGB:
    code = code.lstrip("#")
    return int(code[0:2], 16) / 255.0, int(code[2:4], 16) / 255.0, int(code[4:6], 16) / 255.0


def _shade(rgb: RGB, factor: float) -> RGB:
    return rgb[0] * factor, rgb[1] * factor, rgb[2] * factor


# web-api.md §10: (diary card / pie colour, stats popup colour, day-popup card background), plus one
# extra where the frontend uses a second hue for the emotion (JOY is orange on the pie and emerald
# on the calendar; DISGUST is green in the word cloud).
_FRONTEND_COLOURS: dict[str, tuple[str, ...]] = {
    "HAPPY": ("#FFD700", "#FBBF24", "#FEF3C7"),
    "JOY": ("#FFA500", "#34D399", "#D1FAE5"),
    "SAD": ("#4169E1", "#60A5FA", "#DBEAFE"),
    "ANXIOUS": ("#9370DB", "#A78BFA", "#E9D5FF"),
    "ANGRY": ("#DC143C", "#F87171", "#FEE2E2"),
    "SURPRISE": ("#FF6347", "#FB923C", "#FED7AA"),
    "DISGUST": ("#696969", "#84A98C", "#9CA3AF", "#F3F4F6"),
    "FEAR": ("#8B008B", "#6B7280", "#334155", "#F9FAFB"),
    "NONE": ("#CCCCCC", "#D1D5DB", "#F3F4F6"),
}

#: Colour family per emotion, dark to light: a deep shade of the card colour, then the frontend's.
FAMILIES: dict[str, np.ndarray] = {
    key: np.array(
        sorted([_shade(_hex(cols[0]), 0.45), *(_hex(c) for c in cols)], key=lambda c: sum(c)),
        dtype=np.float32,
    )
    for key, cols in _FRONTEND_COLOURS.items()
}

# (energy, warp, softness, brightness) per emotion, mixed by share.
TEMPERAMENT: dict[str, tuple[float, float, float, float]] = {
    "HAPPY": (0.5, 0.3, 0.7, 0.10),
    "JOY": (0.7, 0.4, 0.6, 0.10),
    "SAD": (0.25, 0.25, 0.9, -0.10),
    "ANXIOUS": (0.9, 0.95, 0.35, -0.05),
    "ANGRY": (1.0, 0.6, 0.15, 0.0),
    "SURPRISE": (0.85, 0.5, 0.45, 0.05),
    "DISGUST": (0.5, 0.85, 0.5, -0.10),
    "FEAR": (0.6, 0.7, 0.6, -0.20),
    "NONE": (0.3, 0.2, 0.8, 0.0),
}

KINDS = ("flow", "blobs", "rings", "strokes", "waves", "rays", "particles")
PREFERRED_KINDS: dict[str, tuple[str, str]] = {
    "HAPPY": ("blobs", "rays"),
    "JOY": ("particles", "blobs"),
    "SAD": ("waves", "strokes"),
    "ANXIOUS": ("flow", "rings"),
    "ANGRY": ("strokes", "rays"),
    "SURPRISE": ("rays", "particles"),
    "DISGUST": ("flow", "blobs"),
    "FEAR": ("rings", "waves"),
    "NONE": ("waves", "blobs"),
}

# Calm schemes: (sky top, near horizon, ground/sea) — pastel and close in value.
CALM_SCHEMES = (
    (_hex("#C9DCEF"), _hex("#F5DCCB"), _hex("#E2DBD0")),  # dawn
    (_hex("#D3E2E8"), _hex("#EEF1E6"), _hex("#D2DFDA")),  # mist
    (_hex("#D9D3EE"), _hex("#F3E2EA"), _hex("#D8DCEA")),  # lavender
    (_hex("#D2E6DE"), _hex("#F4EEDA"), _hex("#DCE2CF")),  # sage
)


def _digest_int(*parts: object) -> int:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(repr(part).encode("utf-8"))
        h.update(b"\x00")
    return int.from_bytes(h.digest(), "little")


def _rng(*parts: object) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(_digest_int(*parts)))


def _smoothstep(e0: float, e1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def normalise_palette(palette: Sequence[tuple[Emotion, float]]) -> list[tuple[str, float]]:
    """(emotion's name, share) pairs, shares summing to 1, largest first (the colour tables are by name)."""
    totals: dict[str, float] = {}
    for emotion, share in palette:
        name = emotion.name
        if not (share > 0) or not math.isfinite(share):
            continue
        totals[name] = totals.get(name, 0.0) + float(share)
    total = sum(totals.values())
    if total <= 0:
        return [("NONE", 1.0)]
    return sorted(((k, v / total) for k, v in totals.items()), key=lambda kv: (-kv[1], kv[0]))


def normalise_motifs(motifs: Sequence[str]) -> list[str]:
    seen: list[str] = []
    for word in motifs:
        w = str(word).strip().lstrip("#").strip().lower()
        if w and w not in seen:
            seen.append(w)
    return seen


@dataclass
class _Ramp:
    positions: np.ndarray  # (k,)
    colours: np.ndarray  # (k, 3)

    def __post_init__(self) -> None:
        xs = np.linspace(0.0, 1.0, _LUT_SIZE)
        self.lut = np.stack(
            [np.interp(xs, self.positions, self.colours[:, c]) for c in range(3)], axis=-1
        ).astype(np.float32)

    def __call__(self, t: np.ndarray) -> np.ndarray:
        """Colours for values t in [0, 1] (clipped): (..., 3) float32, through a 256-entry LUT."""
        idx = np.clip(t * (_LUT_SIZE - 1) + 0.5, 0, _LUT_SIZE - 1).astype(np.intp)
        return self.lut[idx]

    def pick(self, rng: np.random.Generator, lo: float = 0.0, hi: float = 1.0) -> np.ndarray:
        t = rng.uniform(lo, hi)
        return np.array([np.interp(t, self.positions, self.colours[:, c]) for c in range(3)], np.float32)


def _build_ramp(palette: list[tuple[str, float]], rng: np.random.Generator) -> _Ramp:
    """Families side by side, widths by share; each family runs dark to light, alternating direction."""
    weights = np.array([max(share, 0.12) for _, share in palette], dtype=np.float64)
    edges = np.concatenate([[0.0], np.cumsum(weights / weights.sum())])
    positions: list[float] = []
    colours: list[np.ndarray] = []
    for i, (key, _share) in enumerate(palette):
        fam = FAMILIES[key]
        if i % 2 == 1:  # light-dark-light... so neighbouring families meet at similar values
            fam = fam[::-1]
        lo, hi = edges[i], edges[i + 1]
        span = hi - lo
        pts = np.linspace(lo + 0.02 * span, hi - 0.02 * span, len(fam))
        positions.extend(pts.tolist())
        colours.extend(fam)
    pos = np.array(positions, dtype=np.float64)
    cols = np.array(colours, dtype=np.float32)
    # A small seeded jitter of hue positions keeps two same-palette pictures from sharing bands.
    pos = np.sort(np.clip(pos + rng.uniform(-0.01, 0.01, len(pos)), 0.0, 1.0))
    pos[0], pos[-1] = 0.0, 1.0
    return _Ramp(pos, cols)


class _Canvas:
    """Coordinates, noise and compositing for one picture."""

    def __init__(self, width: int, height: int):
        self.w, self.h = width, height
        self.s = float(min(width, height))
        self.u = ((np.arange(width, dtype=np.float32) + 0.5 - width / 2) / self.s)[None, :]
        self.v = ((np.arange(height, dtype=np.float32) + 0.5 - height / 2) / self.s)[:, None]
        self.half_u = width / 2 / self.s
        self.half_v = height / 2 / self.s
        self.img = np.zeros((height, width, 3), dtype=np.float32)

    def noise(self, rng: np.random.Generator, cells: float, octaves: int = 2) -> np.ndarray:
        """Smooth value noise in about [-1, 1]: random grids upsampled bicubically by Pillow."""
        total = np.zeros((self.h, self.w), dtype=np.float32)
        amp, norm = 1.0, 0.0
        for o in range(octaves):
            c = cells * (2**o)
            gx = max(2, int(round(c * self.w / self.s)) + 1)
            gy = max(2, int(round(c * self.h / self.s)) + 1)
            grid = rng.standard_normal((gy, gx)).astype(np.float32)
            up = Image.fromarray(grid).resize((self.w, self.h), Image.Resampling.BICUBIC)
            total += amp * np.asarray(up, dtype=np.float32)
            norm += amp
            amp *= 0.5
        return total / (norm * 1.2)

    def warp_sample(self, field: np.ndarray, dx: np.ndarray, dy: np.ndarray) -> np.ndarray:
        """field sampled at (x + dx, y + dy) in pixels (nearest, clamped): cheap domain warping."""
        ys = np.clip(np.arange(self.h, dtype=np.int32)[:, None] + dy.astype(np.int32), 0, self.h - 1)
        xs = np.clip(np.arange(self.w, dtype=np.int32)[None, :] + dx.astype(np.int32), 0, self.w - 1)
        return field[ys, xs]

    def over(self, rgb: np.ndarray, alpha: np.ndarray, box: tuple[slice, slice] | None = None) -> None:
        """Composite a layer: rgb (h, w, 3) or (3,), alpha (h, w) in [0, 1] (or the box's shape)."""
        img = self.img if box is None else self.img[box]
        tmp = rgb - img
        tmp *= alpha[..., None]
        img += tmp

    def box(self, cx: float, cy: float, radius: float) -> tuple[tuple[slice, slice], np.ndarray, np.ndarray]:
        """Pixel box around a (u, v) centre with a (u, v) radius, and its u, v coordinate slices."""
        x0 = max(0, int((cx - radius) * self.s + self.w / 2))
        x1 = min(self.w, int((cx + radius) * self.s + self.w / 2) + 2)
        y0 = max(0, int((cy - radius) * self.s + self.h / 2))
        y1 = min(self.h, int((cy + radius) * self.s + self.h / 2) + 2)
        x1, y1 = max(x1, x0), max(y1, y0)
        return (slice(y0, y1), slice(x0, x1)), self.u[:, x0:x1], self.v[y0:y1, :]

    def rgba_layer(self) -> tuple[Image.Image, ImageDraw.ImageDraw]:
        layer = Image.new("RGBA", (self.w, self.h), (0, 0, 0, 0))
        return layer, ImageDraw.Draw(layer)

    def over_rgba(self, layer: Image.Image) -> None:
        arr = np.asarray(layer, dtype=np.float32) / 255.0
        self.over(arr[..., :3], arr[..., 3])


@dataclass(frozen=True)
class _Mood:
    energy: float
    warp: float
    softness: float
    brightness: float


def _mood(palette: list[tuple[str, float]]) -> _Mood:
    mixed = [sum(TEMPERAMENT[k][i] * share for k, share in palette) for i in range(4)]
    return _Mood(*mixed)


# ---- layers -------------------------------------------------------------------------------------


def _background(cv: _Canvas, ramp: _Ramp, mood: _Mood, rng: np.random.Generator) -> None:
    theta = rng.uniform(0, 2 * math.pi)
    t = cv.u * math.cos(theta) + cv.v * math.sin(theta)
    t = t / (abs(math.cos(theta)) * cv.half_u + abs(math.sin(theta)) * cv.half_v) * 0.5 + 0.5
    t = t + (0.12 + 0.2 * mood.warp) * cv.noise(rng, 1.5, octaves=2)
    # Background leans to the light end of each family: squash into a sub-range of the ramp.
    lo = rng.uniform(0.0, 0.25)
    t = lo + np.clip(t, 0, 1) * rng.uniform(0.55, 0.75)
    base = ramp(np.clip(t, 0.0, 1.0))
    light = 0.35 + 0.25 * mood.softness + 0.5 * mood.brightness
    cv.img[...] = base * (1 - light) + light  # wash towards white for the paper feel


def _flow(cv: _Canvas, ramp: _Ramp, mood: _Mood, rng: np.random.Generator) -> None:
    cells = 1.0 + 2.5 * mood.energy * rng.uniform(0.7, 1.3)
    field = cv.noise(rng, cells, octaves=2)
    amount = (0.08 + 0.25 * mood.warp) * cv.s
    dx = cv.noise(rng, 1.2, octaves=1) * amount
    dy = cv.noise(rng, 1.2, octaves=1) * amount
    warped = cv.warp_sample(field, dx, dy)
    freq = rng.uniform(3.0, 6.0) + 6.0 * mood.energy
    bands = 0.5 + 0.5 * np.sin(warped * freq * math.pi + rng.uniform(0, 2 * math.pi))
    edge = 0.35 + 0.5 * (1 - mood.softness)
    alpha = _smoothstep(1 - edge, 1.0, bands) * rng.uniform(0.55, 0.85)
    colour = ramp(np.clip(0.5 + 0.6 * warped, 0, 1))
    cv.over(colour, alpha)


def _blobs(cv: _Canvas, ramp: _Ramp, mood: _Mood, rng: np.random.Generator) -> None:
    n = int(rng.integers(4, 8) + 5 * mood.energy)
    soft = mood.softness > 0.5
    for _ in range(n):
        cx = rng.uniform(-cv.half_u, cv.half_u)
        cy = rng.uniform(-cv.half_v, cv.half_v)
        r = rng.uniform(0.06, 0.26) * (1.2 - 0.5 * mood.energy)
        colour, opacity = ramp.pick(rng), rng.uniform(0.45, 0.85)
        box, u, v = cv.box(cx, cy, r * (3.0 if soft else 1.0))  # only where the blob shows
        d2 = ((u - cx) ** 2 + (v - cy) ** 2) * (1.0 / (r * r))
        if soft:
            alpha = np.exp(-d2)  # soft glow
        else:
            alpha = _smoothstep(1.0, 0.6 + 0.35 * mood.softness, d2)  # firmer disc
        alpha *= opacity
        cv.over(colour, alpha, box)


def _rings(cv: _Canvas, ramp: _Ramp, mood: _Mood, rng: np.random.Generator) -> None:
    wobble = cv.noise(rng, 2.0, octaves=2) * (0.01 + 0.05 * mood.warp)
    for _ in range(int(rng.integers(1, 4))):
        cx = rng.uniform(-cv.half_u * 0.8, cv.half_u * 0.8)
        cy = rng.uniform(-cv.half_v * 0.8, cv.half_v * 0.8)
        d = np.sqrt((cv.u - cx) ** 2 + (cv.v - cy) ** 2) + wobble
        freq = rng.uniform(8, 16) + 18 * mood.energy
        ring = 0.5 + 0.5 * np.cos(d * freq * 2 * math.pi)
        sharp = 1.5 + 10 * (1 - mood.softness)
        reach = rng.uniform(0.35, 0.8)
        alpha = ring**sharp * np.exp(-d / reach) * rng.uniform(0.6, 0.95)
        colour = ramp(np.clip((d * rng.uniform(0.8, 1.6)) % 1.0, 0, 1))
        cv.over(colour, alpha)


def _strokes(cv: _Canvas, ramp: _Ramp, mood: _Mood, rng: np.random.Generator) -> None:
    # Flow field at low resolution; all strokes advance together.
    gh, gw = 64, max(2, int(64 * cv.w / cv.h))
    angle_grid = np.asarray(
        Image.fromarray(rng.standard_normal((5, 5)).astype(np.float32)).resize(
            (gw, gh), Image.Resampling.BICUBIC
        )
    )
    base_angle = rng.uniform(0, 2 * math.pi)
    turn = math.pi * (0.4 + 1.2 * mood.warp)
    n = int(25 + 45 * mood.energy * rng.uniform(0.7, 1.3))
    steps = 18
    step = cv.s * rng.uniform(0.012, 0.025)
    x = rng.uniform(0, cv.w, n)
    y = rng.uniform(0, cv.h, n)
    paths = np.empty((steps + 1, n, 2), dtype=np.float64)
    paths[0, :, 0], paths[0, :, 1] = x, y
    for k in range(steps):
        gi = np.clip((y / cv.h * gh).astype(int), 0, gh - 1)
        gj = np.clip((x / cv.w * gw).astype(int), 0, gw - 1)
        a = base_angle + turn * angle_grid[gi, gj]
        x = x + step * np.cos(a)
        y = y + step * np.sin(a)
        paths[k + 1, :, 0], paths[k + 1, :, 1] = x, y
    layer, draw = cv.rgba_layer()
    width_hi = max(2, int(cv.s * (0.008 + 0.02 * mood.softness)))
    for i in range(n):
        rgb = (ramp.pick(rng) * 255).astype(int)
        alpha = int(rng.uniform(140, 230))
        width = int(rng.integers(1, width_hi + 1))
        pts = [tuple(p) for p in paths[:, i, :].tolist()]
        draw.line(pts, fill=(*rgb.tolist(), alpha), width=width, joint="curve")
    cv.over_rgba(layer)


def _waves(cv: _Canvas, ramp: _Ramp, mood: _Mood, rng: np.random.Generator) -> None:
    layers = int(rng.integers(3, 6))
    xs = cv.u[0]
    for i in range(layers):
        knots = int(3 + 6 * mood.energy) + i
        ky = rng.uniform(-1, 1, knots + 1)
        kx = np.linspace(-cv.half_u, cv.half_u, knots + 1)
        profile = np.interp(xs, kx, ky)
        profile = np.convolve(np.pad(profile, 4, mode="edge"), np.ones(9) / 9, mode="valid")  # round corners
        ripple = np.sin(xs * rng.uniform(8, 30) * (0.5 + mood.energy) + rng.uniform(0, 6.3))
        base = -cv.half_v * 0.4 + (i + 1) / (layers + 1) * cv.half_v * 1.5
        edge = base + 0.12 * profile + 0.02 * mood.warp * ripple
        soft = 0.004 + 0.03 * mood.softness
        alpha = _smoothstep(-soft, soft, cv.v - edge[None, :].astype(np.float32))
        t = 0.15 + 0.8 * (i / max(1, layers - 1))
        colour = ramp.pick(rng, max(0.0, t - 0.15), min(1.0, t + 0.15))
        cv.over(colour * (0.75 + 0.25 * (1 - i / layers)), alpha * rng.uniform(0.6, 0.9))


def _rays(cv: _Canvas, ramp: _Ramp, mood: _Mood, rng: np.random.Generator) -> None:
    cx = rng.uniform(-cv.half_u * 0.7, cv.half_u * 0.7)
    cy = rng.uniform(-cv.half_v * 0.7, cv.half_v * 0.7)
    du, dv = cv.u - cx, cv.v - cy
    theta = np.arctan2(dv, du)
    d = np.sqrt(du * du + dv * dv)
    n = int(rng.integers(5, 12) + 14 * mood.energy)
    twist = cv.noise(rng, 1.5, octaves=1) * (0.3 + 2.0 * mood.warp)
    rays = 0.5 + 0.5 * np.cos(theta * n + twist + d * rng.uniform(-6, 6))
    sharp = 1.0 + 6.0 * (1 - mood.softness)
    alpha = rays**sharp * np.exp(-d / rng.uniform(0.4, 0.9)) * rng.uniform(0.5, 0.85)
    cv.over(ramp.pick(rng, 0.3, 1.0), alpha)
    glow = np.exp(-(d / rng.uniform(0.05, 0.14)) ** 2)
    cv.over(ramp.pick(rng, 0.5, 1.0) * 0.5 + 0.5, glow * 0.8)


def _particles(cv: _Canvas, ramp: _Ramp, mood: _Mood, rng: np.random.Generator) -> None:
    layer, draw = cv.rgba_layer()
    n = int(40 + 160 * mood.energy * rng.uniform(0.6, 1.2))
    # Clustered: particles gather around a few seeded attractors.
    centres = rng.uniform([0, 0], [cv.w, cv.h], size=(int(rng.integers(2, 5)), 2))
    which = rng.integers(0, len(centres), n)
    spread = cv.s * rng.uniform(0.1, 0.3)
    pos = centres[which] + rng.standard_normal((n, 2)) * spread
    radii = cv.s * np.exp(rng.uniform(math.log(0.004), math.log(0.04 + 0.03 * mood.softness), n))
    for (px, py), r in zip(pos.tolist(), radii.tolist(), strict=True):
        rgb = (ramp.pick(rng) * 255).astype(int)
        draw.ellipse((px - r, py - r, px + r, py + r), fill=(*rgb.tolist(), int(rng.uniform(120, 230))))
    cv.over_rgba(layer)


_LAYERS = {
    "flow": _flow,
    "blobs": _blobs,
    "rings": _rings,
    "strokes": _strokes,
    "waves": _waves,
    "rays": _rays,
    "particles": _particles,
}


def _finish(cv: _Canvas, mood: _Mood, rng: np.random.Generator) -> None:
    d2 = (cv.u / max(cv.half_u, 1e-6)) ** 2 + (cv.v / max(cv.half_v, 1e-6)) ** 2
    strength = 0.12 + 0.25 * max(0.0, -mood.brightness) * 2
    cv.img *= (1.0 - strength * np.clip(d2 * 0.5, 0, 1))[..., None]


def layer_plan(palette: list[tuple[str, float]], motifs: list[str], seed: int) -> list[tuple[str, int]]:
    """(kind, parameter seed) per layer: one per motif (kind from the word's hash), then fill-ins."""
    plan: list[tuple[str, int]] = []
    for word in motifs[:MAX_MOTIF_LAYERS]:
        kind = KINDS[_digest_int("kind", word) % len(KINDS)]
        plan.append((kind, _digest_int("motif", word, seed)))
    for key, _share in palette[:2]:
        for kind in PREFERRED_KINDS[key]:
            if len(plan) >= 2:
                break
            if kind not in (k for k, _ in plan):
                plan.append((kind, _digest_int("mood", key, kind, seed)))
    return plan


def draw_art(request: ImageRequest) -> np.ndarray:
    """The picture as a float32 (h, w, 3) array in [0, 1] (before PNG encoding)."""
    _check_size(request)
    cv = _Canvas(request.width, request.height)
    seed = int(request.seed) & 0xFFFF_FFFF_FFFF_FFFF
    if request.calm:
        _calm(cv, seed)
        return np.clip(cv.img, 0.0, 1.0)
    palette = normalise_palette(request.palette)
    motifs = normalise_motifs(request.motifs)
    mood = _mood(palette)
    base_rng = _rng("art", seed, tuple(palette), tuple(motifs))
    ramp = _build_ramp(palette, base_rng)
    _background(cv, ramp, mood, base_rng)
    for kind, param_seed in layer_plan(palette, motifs, seed):
        _LAYERS[kind](cv, ramp, mood, _rng(kind, param_seed))
    _finish(cv, mood, base_rng)
    return np.clip(cv.img, 0.0, 1.0)


def _calm(cv: _Canvas, seed: int) -> None:
    rng = _rng("calm", seed)
    top, mid, bottom = (np.array(c, np.float32) for c in CALM_SCHEMES[seed % len(CALM_SCHEMES)])
    horizon = rng.uniform(0.1, 0.25) * cv.half_v  # a little below the middle
    v = cv.v + 0.01 * np.sin(cv.u * rng.uniform(2, 4) + rng.uniform(0, 6.3))  # barely curved
    sky_t = np.clip((v + cv.half_v) / (horizon + cv.half_v), 0, 1) ** 1.5
    sky = top + (mid - top) * sky_t[..., None]
    below = _smoothstep(horizon - 0.01, horizon + 0.03, v)
    ground = mid + (bottom - mid) * np.clip((v - horizon) / (cv.half_v - horizon + 1e-6), 0, 1)[..., None]
    cv.img[...] = sky + (ground - sky) * below[..., None]
    clouds = np.clip(cv.noise(rng, 1.2, octaves=2), 0, 1) * (1 - below) * 0.035
    cv.img += clouds[..., None]


def _check_size(request: ImageRequest) -> None:
    if not (1 <= request.width <= MAX_SIDE and 1 <= request.height <= MAX_SIDE):
        raise ValueError(f"image size must be 1..{MAX_SIDE} per side, got {request.width}x{request.height}")


def encode_png(img: np.ndarray, compress_level: int = PNG_COMPRESS_LEVEL) -> bytes:
    arr = (img * 255.0 + 0.5).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format="PNG", compress_level=compress_level)
    return buf.getvalue()


class CpuArtEngine:
    """Abstract generative art from palette, motifs and seed; see the module docstring."""

    name = "cpu-art"

    def __init__(self, png_compress_level: int = PNG_COMPRESS_LEVEL):
        if not 0 <= int(png_compress_level) <= 9:
            raise ValueError("png_compress_level must be 0..9")
        self.png_compress_level = int(png_compress_level)

    def load(self) -> None:
        """Nothing to load; warms numpy/Pillow with one tiny picture."""
        draw_art(ImageRequest(prompt="", seed=0, width=8, height=8))

    def generate(self, batch: Sequence[ImageRequest]) -> list[bytes]:
        return [encode_png(draw_art(r), self.png_compress_level) for r in batch]
