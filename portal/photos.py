"""Citizens' photos from the online form: checked by their content, turned upright, resized,
and written again without any metadata (EXIF, GPS, camera). The location the photo carries is
read first and kept only if the citizen agrees (pure Pillow, no Django model)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 1600
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png")}
GPS_TAG = 0x8825


class PhotoError(ValueError):
    pass


@dataclass
class CleanPhoto:
    content: bytes
    content_type: str
    extension: str
    latitude: float | None = None
    longitude: float | None = None


def _degrees(value, ref: str) -> float | None:
    try:
        degrees, minutes, seconds = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = degrees + minutes / 60 + seconds / 3600
    return -result if ref in {"S", "W"} else result


def gps_of(image: Image.Image) -> tuple[float, float] | None:
    gps = image.getexif().get_ifd(GPS_TAG)
    if not gps or 2 not in gps or 4 not in gps:
        return None
    lat, lon = _degrees(gps[2], gps.get(1, "N")), _degrees(gps[4], gps.get(3, "E"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return round(lat, 6), round(lon, 6)


def clean(data: bytes) -> CleanPhoto:
    """The photo re-encoded without metadata, or PhotoError with the reason."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in FORMATS:
                raise PhotoError("format")
            if probe.width * probe.height > MAX_PIXELS:
                raise PhotoError("size")
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise PhotoError("unreadable") from error
    content_type, extension = FORMATS[image.format]
    location = gps_of(image)
    image = ImageOps.exif_transpose(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    if content_type == "image/jpeg":
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    else:
        image.save(out, "PNG", optimize=True)
    photo = CleanPhoto(out.getvalue(), content_type, extension)
    if location:
        photo.latitude, photo.longitude = location
    return photo
