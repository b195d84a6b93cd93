"""sanitize_image: untrusted uploads in, metadata-free re-encoded pictures out."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import ExifTags, Image, ImageCms, PngImagePlugin, features

from gridam_domain.images import MAX_UPLOAD_BYTES, SanitizedImage, sanitize_image
from gridam_runtime.errors import DomainError, InvalidArgument

RED = (255, 0, 0)
BLUE = (0, 0, 255)
GPS_LATITUDE = (37.0, 33.0, 59.0)


# -- helpers -----------------------------------------------------------------------------------
def encode(image: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


def two_tone(size=(40, 20), mode="RGB", left=RED, right=BLUE) -> Image.Image:
    """Left half `left`, right half `right`: lets a test see which way the picture was turned."""
    width, height = size
    image = Image.new(mode, size, left)
    image.paste(Image.new(mode, (width - width // 2, height), right), (width // 2, 0))
    return image


def noisy(size=(256, 256)) -> Image.Image:
    """Incompressible content, so truncation really cuts into the pixel data."""
    return Image.frombytes("RGB", size, bytes((i * 7919 + (i >> 5) * 31) % 251 for i in range(size[0] * size[1] * 3)))


def opened(result: SanitizedImage) -> Image.Image:
    image = Image.open(io.BytesIO(result.data))
    image.load()
    return image


def close_to(actual, expected, tolerance=40) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def png_claiming(width: int, height: int) -> bytes:
    """A tiny valid PNG whose header (IHDR, with a correct CRC) claims width x height."""
    data = bytearray(encode(Image.new("L", (1, 1)), "PNG"))
    assert data[12:16] == b"IHDR"
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


def reason_of(data: bytes, **kwargs) -> str:
    with pytest.raises(InvalidArgument) as caught:
        sanitize_image(data, **kwargs)
    assert isinstance(caught.value, DomainError)
    return caught.value.reason


@pytest.fixture
def phone_photo() -> bytes:
    """A JPEG as a phone writes it: EXIF with GPS position and orientation 6, ICC, XMP, comment."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # stored sideways: rotate 90° clockwise to display
    exif[ExifTags.Base.Make] = "SecretPhoneMaker"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: GPS_LATITUDE,
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (126.0, 58.0, 41.0),
    }
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(
        two_tone((40, 20)),
        "JPEG",
        quality=95,
        exif=exif,
        icc_profile=icc,
        comment=b"secret-comment-xyz",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">secret-xmp-xyz</x:xmpmeta>',
    )
    # Sanity: the input really carries what we expect to see stripped.
    source = Image.open(io.BytesIO(data))
    assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
    assert source.getexif()[ExifTags.Base.Orientation] == 6
    assert "icc_profile" in source.info and "xmp" in source.info and "comment" in source.info
    return data


# -- metadata and orientation --------------------------------------------------------------------
def test_phone_photo_loses_all_metadata_and_is_shown_upright(phone_photo):
    result = sanitize_image(phone_photo)

    assert result.content_type == "image/jpeg"
    assert result.extension == "jpg"
    image = opened(result)
    assert image.format == "JPEG"
    # Rotated: 40x20 stored sideways becomes 20x40, left half (red) on top.
    assert (result.width, result.height) == image.size == (20, 40)
    assert close_to(image.getpixel((10, 5)), RED)
    assert close_to(image.getpixel((10, 34)), BLUE)
    # Nothing of the metadata survives.
    assert len(image.getexif()) == 0
    for key in ("exif", "icc_profile", "xmp", "comment"):
        assert key not in image.info
    for marker in (b"Exif", b"GPS", b"SecretPhoneMaker", b"secret-comment-xyz", b"secret-xmp-xyz", b"ICC_PROFILE", b"xmpmeta"):
        assert marker not in result.data


def test_png_metadata_chunks_are_dropped():

    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "secret-author-xyz")
    text.add_itxt("Comment", "secret-itxt-xyz")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretPhoneMaker"
    image = Image.new("RGBA", (16, 16), (10, 200, 30, 128))
    data = encode(image, "PNG", pnginfo=text, exif=exif)
    assert b"secret-author-xyz" in data and b"SecretPhoneMaker" in data

    result = sanitize_image(data)

    assert result.content_type == "image/png"
    for marker in (b"secret-author-xyz", b"secret-itxt-xyz", b"SecretPhoneMaker", b"eXIf", b"tEXt", b"iTXt", b"iCCP"):
        assert marker not in result.data


def test_trailing_payload_after_the_image_is_not_kept():
    """A polyglot (valid JPEG + appended HTML/ZIP) comes out as just a picture."""
    payload = b"<script>alert('xss')</script>PK\x03\x04"
    data = encode(two_tone(), "JPEG") + payload

    result = sanitize_image(data)

    assert payload not in result.data
    assert b"<script>" not in result.data


def test_orientation_is_applied_for_every_exif_value():
    for orientation, expected_size in ((1, (40, 20)), (3, (40, 20)), (6, (20, 40)), (8, (20, 40))):
        exif = Image.Exif()
        exif[ExifTags.Base.Orientation] = orientation
        result = sanitize_image(encode(two_tone(), "JPEG", quality=95, exif=exif))
        image = opened(result)
        assert image.size == expected_size, orientation
        assert len(image.getexif()) == 0
    # orientation 8: rotate 90° counter-clockwise → left half (red) at the bottom
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 8
    image = opened(sanitize_image(encode(two_tone(), "JPEG", quality=95, exif=exif)))
    assert close_to(image.getpixel((10, 34)), RED)
    assert close_to(image.getpixel((10, 5)), BLUE)


def swapped_primaries_profile() -> bytes:
    """An RGB ICC profile whose red and green primaries are swapped (sRGB's tags, rXYZ <-> gXYZ):
    a pixel that is (255, 0, 0) in this profile is pure green in sRGB."""
    icc = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    (count,) = struct.unpack(">I", icc[128:132])
    offsets = {bytes(icc[132 + 12 * i : 136 + 12 * i]): 132 + 12 * i for i in range(count)}
    r, g = offsets[b"rXYZ"], offsets[b"gXYZ"]
    icc[r + 4 : r + 12], icc[g + 4 : g + 12] = icc[g + 4 : g + 12], icc[r + 4 : r + 12]
    return bytes(icc)


def test_wide_gamut_photo_is_converted_to_srgb_before_the_profile_is_dropped():
    """Pixels described by an embedded profile keep their colour once untagged."""
    icc = swapped_primaries_profile()
    photo = sanitize_image(encode(Image.new("RGB", (8, 8), RED), "JPEG", quality=95, icc_profile=icc))
    assert b"ICC_PROFILE" not in photo.data
    assert close_to(opened(photo).getpixel((4, 4)), (0, 255, 0), tolerance=8)

    # Alpha survives the conversion.
    sticker = sanitize_image(encode(Image.new("RGBA", (8, 8), (255, 0, 0, 100)), "PNG", icc_profile=icc))
    assert sticker.content_type == "image/png" and b"iCCP" not in sticker.data
    assert close_to(opened(sticker).getpixel((4, 4)), (0, 255, 0, 100), tolerance=2)


def test_unusable_icc_profile_falls_back_to_plain_pixels():
    garbage = sanitize_image(encode(Image.new("RGB", (8, 8), (200, 100, 50)), "JPEG", icc_profile=b"\x00" * 200))
    assert close_to(opened(garbage).getpixel((4, 4)), (200, 100, 50), tolerance=8)
    lab = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()  # not an RGB profile
    result = sanitize_image(encode(Image.new("RGB", (8, 8), (200, 100, 50)), "JPEG", icc_profile=lab))
    assert result.content_type == "image/jpeg" and b"ICC_PROFILE" not in result.data


# -- formats and modes -----------------------------------------------------------------------------
def test_png_with_transparency_stays_png_with_alpha():
    image = Image.new("RGBA", (30, 20), (0, 0, 0, 0))
    image.paste(Image.new("RGBA", (10, 10), (0, 255, 0, 255)), (0, 0))

    result = sanitize_image(encode(image, "PNG"))

    assert (result.content_type, result.extension) == ("image/png", "png")
    out = opened(result)
    assert out.format == "PNG" and out.mode == "RGBA"
    assert out.getpixel((25, 15))[3] == 0  # still transparent
    assert out.getpixel((5, 5)) == (0, 255, 0, 255)


def test_opaque_png_becomes_jpeg():
    for mode in ("RGB", "RGBA", "P", "L", "1"):
        image = Image.new("RGB", (20, 20), (255, 255, 255)).convert(mode)
        result = sanitize_image(encode(image, "PNG"))
        assert result.content_type == "image/jpeg", mode
        assert opened(result).format == "JPEG"


def test_palette_gif_with_transparency_becomes_png():
    image = Image.new("P", (10, 10), 1)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    image.paste(0, (0, 0, 5, 10))
    result = sanitize_image(encode(image, "GIF", transparency=0))
    out = opened(result)
    assert result.content_type == "image/png" and out.mode == "RGBA"
    assert out.getpixel((1, 1))[3] == 0
    assert out.getpixel((8, 8)) == (255, 0, 0, 255)


def test_animated_gif_keeps_its_first_frame():
    frames = [Image.new("RGB", (16, 16), RED), Image.new("RGB", (16, 16), BLUE)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert Image.open(io.BytesIO(data)).n_frames == 2

    result = sanitize_image(data)

    out = opened(result)
    assert result.content_type == "image/jpeg"
    assert getattr(out, "n_frames", 1) == 1
    assert close_to(out.getpixel((8, 8)), RED)


def test_webp_is_accepted_and_reencoded():
    assert features.check("webp"), "this Pillow cannot read WEBP, which the upload endpoints accept"
    for mode, expected in (("RGB", "image/jpeg"), ("RGBA", "image/png")):
        image = Image.new(mode, (20, 10), (0, 128, 255, 100) if mode == "RGBA" else (0, 128, 255))
        result = sanitize_image(encode(image, "WEBP", lossless=True))
        assert result.content_type == expected
        assert (result.width, result.height) == (20, 10)


def test_cmyk_jpeg_becomes_rgb():
    result = sanitize_image(encode(Image.new("CMYK", (10, 10), (0, 255, 255, 0)), "JPEG"))
    out = opened(result)
    assert out.mode == "RGB"
    assert close_to(out.getpixel((5, 5)), RED, tolerance=60)


def test_grayscale_stays_grayscale_jpeg():
    result = sanitize_image(encode(Image.new("L", (10, 10), 77), "JPEG"))
    out = opened(result)
    assert out.mode == "L" and abs(out.getpixel((5, 5)) - 77) <= 3


def test_sixteen_bit_grayscale_png_is_scaled_not_clipped():
    image = Image.new("I;16", (10, 10), 32768)  # mid grey in 16 bits
    result = sanitize_image(encode(image, "PNG"))
    out = opened(result)
    assert result.content_type == "image/jpeg"
    assert abs(out.getpixel((5, 5)) - 128) <= 3


def test_la_png_with_transparency_stays_png():
    image = Image.new("LA", (10, 10), (100, 0))
    image.paste((200, 255), (0, 0, 5, 5))
    result = sanitize_image(encode(image, "PNG"))
    out = opened(result)
    assert result.content_type == "image/png" and out.mode == "LA"
    assert out.getpixel((8, 8))[1] == 0 and out.getpixel((2, 2)) == (200, 255)


# -- resizing -----------------------------------------------------------------------------------------
def test_max_side_downsizes_keeping_the_aspect_ratio():
    result = sanitize_image(encode(two_tone((400, 200)), "PNG"), max_side=100)
    assert (result.width, result.height) == opened(result).size == (100, 50)

    tall = sanitize_image(encode(two_tone((300, 900)), "JPEG"), max_side=256)
    assert (tall.width, tall.height) == (85, 256)


def test_max_side_applies_after_orientation(phone_photo):
    result = sanitize_image(phone_photo, max_side=10)
    assert (result.width, result.height) == (5, 10)


def test_max_side_never_upsizes():
    result = sanitize_image(encode(two_tone((50, 30)), "PNG"), max_side=100)
    assert (result.width, result.height) == (50, 30)


def test_large_jpeg_is_downsized_to_exact_bound():
    result = sanitize_image(encode(noisy((1000, 600)), "JPEG"), max_side=128)
    assert (result.width, result.height) == opened(result).size == (128, 77)


# -- refused uploads -------------------------------------------------------------------------------------
def test_empty_upload_is_refused():
    assert reason_of(b"") == "IMAGE4001"


def test_text_file_named_png_is_refused():
    assert reason_of(b"hello, this is not a picture\n" * 10) == "IMAGE4001"


def test_svg_and_html_are_refused():
    assert reason_of(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') == "IMAGE4001"
    assert reason_of(b"<!DOCTYPE html><html><body>hi</body></html>") == "IMAGE4001"


@pytest.mark.parametrize("fmt", ["BMP", "TIFF", "ICO", "PPM", "PDF"])
def test_other_image_formats_are_refused(fmt):
    assert reason_of(encode(Image.new("RGB", (16, 16), RED), fmt)) == "IMAGE4001"


def test_truncated_jpeg_is_refused():
    data = encode(noisy(), "JPEG", quality=95)
    assert reason_of(data[: len(data) // 2]) == "IMAGE4001"


def test_truncated_png_is_refused():
    data = encode(noisy(), "PNG")
    assert reason_of(data[: len(data) // 2]) == "IMAGE4001"


def test_corrupted_png_is_refused():
    data = bytearray(encode(noisy((64, 64)), "PNG"))
    data[len(data) // 2] ^= 0xFF  # breaks the IDAT checksum
    assert reason_of(bytes(data)) == "IMAGE4001"


def test_one_byte_over_the_limit_is_too_large():
    assert MAX_UPLOAD_BYTES == 10 * 1024 * 1024
    assert reason_of(b"\xff" * (MAX_UPLOAD_BYTES + 1)) == "IMAGE4131"


def test_custom_byte_limit_is_inclusive():
    data = encode(two_tone(), "PNG")
    assert sanitize_image(data, max_bytes=len(data)).width == 40
    assert reason_of(data, max_bytes=len(data) - 1) == "IMAGE4131"


def test_decompression_bomb_header_is_refused():
    """A few hundred bytes claiming 20000x20000 pixels (Pillow's own bomb error)."""
    data = png_claiming(20000, 20000)
    assert len(data) < 200
    assert reason_of(data) == "IMAGE4001"


def test_picture_over_our_pixel_limit_is_refused_before_decoding():
    """8000x8000 = 64 MP: under Pillow's default limit, over ours (40 MP)."""
    assert reason_of(png_claiming(8000, 8000)) == "IMAGE4001"
    assert reason_of(encode(Image.new("L", (100, 100)), "PNG"), max_pixels=9_999) == "IMAGE4001"


def test_pillow_global_limits_are_left_alone():
    before = (Image.MAX_IMAGE_PIXELS, __import__("PIL.ImageFile").ImageFile.LOAD_TRUNCATED_IMAGES)
    with pytest.raises(InvalidArgument):
        sanitize_image(png_claiming(20000, 20000))
    sanitize_image(encode(two_tone(), "PNG"))
    assert (Image.MAX_IMAGE_PIXELS, __import__("PIL.ImageFile").ImageFile.LOAD_TRUNCATED_IMAGES) == before


def test_result_is_immutable_and_bytes():
    result = sanitize_image(encode(two_tone(), "JPEG"))
    assert isinstance(result.data, bytes)
    with pytest.raises(AttributeError):
        result.width = 1  # type: ignore[misc]  # a frozen dataclass written to on purpose


def test_bytearray_input_is_accepted():
    result = sanitize_image(bytearray(encode(two_tone(), "JPEG")))
    assert result.content_type == "image/jpeg"
