"""Sanitising untrusted image uploads (avatars now, diary photos later).

`sanitize_image` takes the raw bytes a client sent and returns a freshly encoded image that is
safe to store and to serve to other people:

* the type is decided by the **content** (Pillow restricted to JPEG, PNG, WEBP and GIF), never by
  a file name or a declared Content-Type; anything else (BMP, TIFF, SVG, HTML, text...), truncated
  or corrupt data, or a decompression bomb is refused with ``InvalidArgument("IMAGE4001")``;
* every byte we return was produced by our encoder from decoded pixels, so nothing the client
  smuggled in survives: no EXIF (GPS position, camera serial, capture time), no XMP, no ICC profile,
  no comments or text chunks, no trailing payload after the image (polyglot files);
* the EXIF orientation is applied to the pixels first, so a phone photo still shows upright once
  its EXIF is gone;
* an embedded ICC profile (e.g. Display P3 from iPhones, or a CMYK press profile) is converted to
  sRGB before it is dropped, so colours stay right; browsers assume sRGB for untagged images.

Output format: pictures with real transparency become PNG (lossless, keeps the alpha); everything
else becomes **JPEG, quality 88, progressive**. JPEG rather than WEBP because every browser, OS
image viewer and messenger opens it (the web client lets users download cards and photos, and a
downloaded ``.webp`` still annoys people on older Windows / iOS tools), the encoder is fast
(libjpeg-turbo), and at quality 88 it is visually lossless for photos. "Real transparency" means at
least one pixel with alpha < 255: an RGBA PNG whose alpha channel is fully opaque is a photo or a
screenshot and is stored as JPEG (much smaller).

GIF and animated WEBP/PNG keep their **first frame** only.

Everything happens in memory; nothing touches the disk. The function is CPU-bound and synchronous:
call it from a worker thread in async code.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from gridam_runtime.errors import InvalidArgument

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
"""Largest upload accepted (bytes). Larger → ``IMAGE4131``."""

MAX_PIXELS = 40_000_000
"""Largest decoded picture (width × height) accepted; larger → ``IMAGE4001`` (decompression bomb).
40 megapixels is above every phone camera in practical use (48/50/200 MP sensors save 12 MP
binned pictures by default) and bounds decoding memory to ~160 MB (RGBA)."""

JPEG_QUALITY = 88

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
"""The first bytes of every PNG (a card image is kept as a PNG byte for byte)."""

REASON_TOO_LARGE = "IMAGE4131"
REASON_INVALID = "IMAGE4001"

# Pillow plugins we let parse untrusted bytes. Restricting `Image.open(formats=...)` also means the
# parsers of every other format (TIFF, PSD, EPS via Ghostscript, ...) never see the data at all.
_OPEN_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
# What the opened image may report: a JPEG with a multi-picture (MPO) extension, as some phone
# cameras write, is a JPEG whose first picture we keep.
_ACCEPTED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "GIF"})


@dataclass(frozen=True)
class SanitizedImage:
    """A re-encoded, metadata-free image."""

    data: bytes
    content_type: str  # "image/jpeg" or "image/png"
    extension: str  # "jpg" or "png" (no dot)
    width: int
    height: int


def sanitize_image(
    data: bytes,
    *,
    max_bytes: int = MAX_UPLOAD_BYTES,
    max_side: int | None = None,
    max_pixels: int = MAX_PIXELS,
) -> SanitizedImage:
    """Validate an uploaded image by its content and re-encode it without any metadata.

    ``max_side``: when set, the picture is downscaled (LANCZOS) so that its longest side is at most
    ``max_side`` pixels; it is never upscaled.

    Raises ``InvalidArgument("IMAGE4131")`` when ``data`` is longer than ``max_bytes`` and
    ``InvalidArgument("IMAGE4001")`` when it is empty, not a JPEG/PNG/WEBP/GIF, truncated, corrupt
    or larger than ``max_pixels`` once decoded.
    """
    if max_side is not None and max_side < 1:
        raise ValueError("max_side must be at least 1")
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("data must be bytes")
    data = bytes(data)
    if len(data) > max_bytes:
        raise InvalidArgument(REASON_TOO_LARGE, f"image is {len(data)} bytes, the limit is {max_bytes}")
    if not data:
        raise InvalidArgument(REASON_INVALID, "empty upload")

    try:
        image = _decode(data, max_side=max_side, max_pixels=max_pixels)
        image = _upright(image)
        image = _to_srgb(image)
        image = _normalize_mode(image)
        if max_side is not None:
            image = _shrink(image, max_side)
        return _encode(image)
    except InvalidArgument:
        raise
    except UnidentifiedImageError:
        raise InvalidArgument(REASON_INVALID, "not a JPEG, PNG, WEBP or GIF image") from None
    except Image.DecompressionBombError as exc:
        raise InvalidArgument(REASON_INVALID, f"decompression bomb: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - any parser failure on untrusted bytes means "not a valid image"
        # Pillow reports bad data with many exception types (OSError, SyntaxError, ValueError,
        # EOFError, struct.error, IndexError, ...). None of them may escape as a 500.
        raise InvalidArgument(REASON_INVALID, f"not a valid image: {type(exc).__name__}: {exc}") from None


def _open(data: bytes, max_pixels: int) -> Image.Image:
    image = Image.open(io.BytesIO(data), formats=_OPEN_FORMATS)
    if image.format not in _ACCEPTED_FORMATS:
        raise InvalidArgument(REASON_INVALID, f"unsupported image format {image.format}")
    _check_pixels(image, max_pixels)
    return image


def _check_pixels(image: Image.Image, max_pixels: int) -> None:
    width, height = image.size
    if width < 1 or height < 1:
        raise InvalidArgument(REASON_INVALID, f"empty picture {width}x{height}")
    if width * height > max_pixels:
        raise InvalidArgument(
            REASON_INVALID, f"picture of {width}x{height} pixels exceeds {max_pixels} (decompression bomb?)"
        )


def _decode(data: bytes, *, max_side: int | None, max_pixels: int) -> Image.Image:
    """Open (header only), verify the structure, then reopen and decode the first frame."""
    # Pillow's own bomb check runs inside Image.open against Image.MAX_IMAGE_PIXELS (global; we do
    # not touch it): above twice that it raises DecompressionBombError, which sanitize_image turns
    # into IMAGE4001. Our stricter `max_pixels` check right after opening catches the rest before
    # a single pixel is decoded.
    with _open(data, max_pixels) as probe:
        probe.verify()  # structural check (PNG chunk CRCs, ...); the image is unusable afterwards

    image = _open(data, max_pixels)
    if image.format in ("JPEG", "MPO") and max_side is not None:
        # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when that still leaves >= max_side pixels
        # on each side: much faster and lighter for big photos; LANCZOS does the rest.
        image.draft(None, (max_side, max_side))
    image.load()  # decodes the first frame; truncated data raises OSError here
    _check_pixels(image, max_pixels)
    return image


def _upright(image: Image.Image) -> Image.Image:
    """Apply the EXIF orientation to the pixels (a broken EXIF block is ignored, not fatal)."""
    try:
        transposed = ImageOps.exif_transpose(image)
    except Exception:  # noqa: BLE001 - garbage EXIF must not reject an otherwise fine picture
        return image
    return transposed if transposed is not None else image


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert pixels described by an embedded ICC profile to sRGB (the profile is dropped later)."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        from PIL import ImageCms

        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        srgb = ImageCms.createProfile("sRGB")
        if image.mode == "RGBA":
            alpha = image.getchannel("A")
            rgb = ImageCms.profileToProfile(image.convert("RGB"), source, srgb, outputMode="RGB")
            assert rgb is not None
            rgb.putalpha(alpha)
            converted = rgb
        else:
            plain = ImageCms.profileToProfile(image, source, srgb, outputMode="RGB")
            assert plain is not None
            converted = plain
    except Exception:  # noqa: BLE001 - a bogus profile: fall back to the plain conversion
        return image
    converted.info = {k: v for k, v in image.info.items() if k != "icc_profile"}
    return converted


def _normalize_mode(image: Image.Image) -> Image.Image:
    """Bring any decoded mode to one of L, RGB (→ JPEG) or LA, RGBA (→ PNG, only with transparency)."""
    mode = image.mode
    has_transparency_key = "transparency" in image.info

    if mode in ("RGB", "L", "RGBA", "LA"):
        pass
    elif mode == "1":
        image = image.convert("L")
    elif mode in ("P", "PA"):
        image = image.convert("RGBA" if (mode == "PA" or has_transparency_key) else "RGB")
    elif mode == "La":
        image = image.convert("LA")
    elif mode == "RGBa":
        image = image.convert("RGBA")
    elif mode.startswith("I;16") or mode == "I":
        # 16-bit greyscale (e.g. PNG): scale 0..65535 to 0..255; a plain convert("L") would clip.
        image = image.convert("I").point(lambda v: v * (1 / 257)).convert("L")
    elif mode == "F":
        image = image.convert("L")
    else:  # CMYK without a usable profile, YCbCr, LAB, HSV, RGBX, ...
        image = image.convert("RGB")

    # A tRNS chunk on an RGB or L PNG marks one colour as transparent.
    if image.mode in ("RGB", "L") and has_transparency_key and mode in ("RGB", "L"):
        image = image.convert("RGBA" if image.mode == "RGB" else "LA")

    if image.mode in ("RGBA", "LA"):
        lowest_alpha, _ = image.getchannel("A").getextrema()  # one band: (min, max) as numbers
        # Alpha channel present but fully opaque: a plain picture.
        if isinstance(lowest_alpha, (int, float)) and lowest_alpha >= 255:
            image = image.convert("RGB" if image.mode == "RGBA" else "L")
    return image


def _shrink(image: Image.Image, max_side: int) -> Image.Image:
    width, height = image.size
    longest = max(width, height)
    if longest <= max_side:
        return image
    if width >= height:
        size = (max_side, max(1, round(height * max_side / width)))
    else:
        size = (max(1, round(width * max_side / height)), max_side)
    # reducing_gap: a fast integer pre-reduction for large factors, visually identical to pure LANCZOS.
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _encode(image: Image.Image) -> SanitizedImage:
    # Several Pillow encoders fall back to `image.info` for ICC profiles, comments, EXIF, text
    # chunks and animation settings: an empty info dict guarantees none of them is written.
    image.info = {}
    out = io.BytesIO()
    if image.mode in ("RGBA", "LA"):
        image.save(out, format="PNG", optimize=True)
        content_type, extension = "image/png", "png"
    else:
        image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        content_type, extension = "image/jpeg", "jpg"
    width, height = image.size
    return SanitizedImage(
        data=out.getvalue(), content_type=content_type, extension=extension, width=width, height=height
    )
