"""Reading a picture file for ``imaging``: checks before decoding, then its luminance.

Files are checked before Pillow decodes them (regular file, pixel budget, PNG chunk CRCs,
JPEG marker structure), since a damaged or hostile file must give one clear ImageError
naming it rather than a wrong picture, a hang or a huge allocation.
"""

import os
import re
import stat
import struct
import zlib

import numpy as np

# Pictures with more pixels than this are refused before they are decoded: 50 megapixels is
# more than phone cameras take, and a small file can declare a huge picture (a 0.5 MB PNG of
# 13000 x 13000 pixels would need 2 GB). Pillow's own decompression-bomb limit is set to it.
MAX_PIXELS = 50_000_000
# Larger photos are first scaled down to this many pixels on their longer side.
_MAX_SIDE = 1024

# ITU-R 601-2 luma, the weights Pillow's own "L" conversion uses.
_LUMA = np.array([0.299, 0.587, 0.114])


class ImageError(ValueError):
    """A picture that cannot be read or holds no digit; ``path`` names it."""

    def __init__(self, path, problem):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def read_gray(name):
    """Open an image file and return its luminance as float64 in [0, 1] (alpha composited)."""
    import warnings

    from PIL import Image, ImageOps, UnidentifiedImageError

    _check_regular_file(name)
    try:
        with warnings.catch_warnings():
            # Pillow warns (rather than fails) between its limit and twice it; refuse both.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            Image.MAX_IMAGE_PIXELS = MAX_PIXELS
            with Image.open(name) as picture:
                width, height = picture.size
                if width * height > MAX_PIXELS:
                    raise ImageError(name, _too_large(width, height))
                if picture.format == "PNG":
                    _check_png_checksums(name)
                elif picture.format == "JPEG":
                    _check_jpeg_structure(name)
                # JPEG can decode straight to a reduced size (no effect on other formats).
                picture.draft(picture.mode, (_MAX_SIDE, _MAX_SIDE))
                picture.load()
                # Phone photos store their rotation as an EXIF tag; apply it.
                upright = ImageOps.exif_transpose(picture)
                return _luminance(_shrink(upright))
    except ImageError:
        raise
    except UnidentifiedImageError:
        raise ImageError(name, "not an image file (format not recognised)") from None
    except PermissionError:
        raise ImageError(name, "cannot be opened: permission denied") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError(name, _too_large(None, None)) from None
    except MemoryError:
        raise ImageError(name, "too large to decode in the memory available") from None
    except (OSError, SyntaxError, ValueError, EOFError, struct.error) as exc:
        raise ImageError(
            name, f"cannot read the image: file corrupt or truncated ({exc})"
        ) from None


def _too_large(width, height):
    size = f" of {width} x {height} pixels" if width else ""
    return (
        f"the picture{size} is over the limit of {MAX_PIXELS // 1_000_000} megapixels; "
        "scale it down first"
    )


def _check_regular_file(name):
    """Refuse what is not a plain file before opening it: a named pipe would block forever,
    a device could be endless."""
    try:
        mode = os.stat(name).st_mode
    except FileNotFoundError:
        raise ImageError(name, "no such file") from None
    except PermissionError:
        raise ImageError(name, "cannot be opened: permission denied") from None
    except OSError as error:
        raise ImageError(name, f"cannot be opened: {error.strerror or error}") from None
    if stat.S_ISDIR(mode):
        raise ImageError(name, "is a directory, not an image file")
    if not stat.S_ISREG(mode):
        raise ImageError(name, "is not a regular file (a pipe, socket or device?)")


def _check_png_checksums(name):
    """Verify every chunk's CRC: Pillow skips those of the image data, so a damaged byte
    would otherwise give a wrong picture silently."""
    with open(name, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        if file.read(8) != b"\x89PNG\r\n\x1a\n":
            return
        while True:
            header = file.read(8)
            if len(header) < 8:
                raise ImageError(name, "cannot read the image: file truncated (no IEND chunk)")
            length, kind = struct.unpack(">I4s", header)
            # A damaged length must not make us allocate it: it can claim up to 4 GiB.
            if length > size - file.tell():
                raise ImageError(name, f"cannot read the image: file truncated in a {kind!r} chunk")
            data = file.read(length)
            crc = file.read(4)
            if len(data) < length or len(crc) < 4:
                raise ImageError(name, f"cannot read the image: file truncated in a {kind!r} chunk")
            if zlib.crc32(kind + data) != struct.unpack(">I", crc)[0]:
                raise ImageError(
                    name,
                    f"cannot read the image: file corrupt (checksum of its {kind.decode('latin-1')}"
                    " chunk is wrong)",
                )
            if kind == b"IEND":
                return


def _check_jpeg_structure(name):
    """Walk a JPEG file's markers: the file must end its last scan with an end-of-image
    marker, restart markers must come in order (and as many as the frame needs), and the
    compressed data may hold no other marker. JPEG has no checksum, and libjpeg only warns
    (which Pillow does not pass on) about a file cut short or bytes out of place; what this
    cannot see - a byte changed inside the compressed data - decodes to a wrong picture."""
    with open(name, "rb") as file:
        data = file.read()
    problem = _jpeg_problem(data)
    if problem:
        raise ImageError(name, f"cannot read the image: {problem}")


# Markers without a length field: TEM, RST0-7, SOI, EOI.
_STANDALONE = {0x01, *range(0xD0, 0xD8), 0xD8, 0xD9}
_BASELINE_FRAMES = {0xC0, 0xC1}


def _jpeg_problem(data):
    """What is wrong with a JPEG file's structure, or None."""
    size = len(data)
    truncated = "file truncated (no end-of-image marker)"
    frame = None
    restart_interval = 0
    position = 2  # after SOI
    while True:
        if position >= size:
            return truncated
        if data[position] != 0xFF:
            return f"file corrupt (no marker where one is due, at byte {position})"
        while position < size and data[position] == 0xFF:  # fill bytes
            position += 1
        if position >= size:
            return truncated
        marker = data[position]
        position += 1
        if marker == 0xD9:
            return None  # end of image; what follows (a camera's trailer) is not ours
        if marker in _STANDALONE:
            continue
        if marker < 0xC0:
            return f"file corrupt (invalid marker 0xFF{marker:02X} at byte {position - 2})"
        if position + 2 > size:
            return truncated
        length = int.from_bytes(data[position : position + 2], "big")
        if length < 2 or position + length > size:
            return truncated if position + length > size else "file corrupt (bad segment length)"
        body = data[position + 2 : position + length]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            frame = (marker, body)
        elif marker == 0xDD and len(body) >= 2:
            restart_interval = int.from_bytes(body[:2], "big")
        position += length
        if marker != 0xDA:
            continue
        # Compressed data: 0xFF is followed by 0x00 (a stuffed byte), a restart marker, or the
        # marker that ends the scan.
        restarts = 0
        for found in re.finditer(rb"\xff+[^\x00\xff]", data[position:]):
            code = found.group()[-1]
            if 0xD0 <= code <= 0xD7:
                if code != 0xD0 + restarts % 8:
                    return "file corrupt (restart markers out of order)"
                restarts += 1
                continue
            position += found.start()
            break
        else:
            return truncated
        expected = _restarts_expected(frame, body, restart_interval)
        if expected is not None and restarts != expected:
            return (f"file corrupt (the compressed data holds {restarts} restart markers, "
                    f"the picture needs {expected})")


def _restarts_expected(frame, scan, interval):
    """How many restart markers a baseline scan needs, or None when that is not known."""
    if frame is None or frame[0] not in _BASELINE_FRAMES or not interval or len(frame[1]) < 6:
        return None
    header = frame[1]
    height = int.from_bytes(header[1:3], "big")
    width = int.from_bytes(header[3:5], "big")
    count = header[5]
    if height == 0 or len(header) < 6 + 3 * count or not scan:
        return None
    sampling = {header[6 + 3 * i]: (header[7 + 3 * i] >> 4, header[7 + 3 * i] & 15)
                for i in range(count)}
    if any(h == 0 or v == 0 for h, v in sampling.values()):
        return None
    h_max = max(h for h, _ in sampling.values())
    v_max = max(v for _, v in sampling.values())
    in_scan = [scan[1 + 2 * i] for i in range(scan[0])] if len(scan) >= 1 + 2 * scan[0] else []
    if len(in_scan) == 1 and in_scan[0] in sampling:
        h, v = sampling[in_scan[0]]
        # A component scanned alone: its own blocks, its size rounded up.
        units = (_ceil_div(_ceil_div(width * h, h_max), 8)
                 * _ceil_div(_ceil_div(height * v, v_max), 8))
    else:
        units = _ceil_div(width, 8 * h_max) * _ceil_div(height, 8 * v_max)
    return _ceil_div(units, interval) - 1


def _ceil_div(a, b):
    return -(-a // b)


def _shrink(picture):
    """Scale a large photo down (area averaging) so its longer side is at most _MAX_SIDE.

    The digit ends up 20 pixels tall, so nothing is lost, and a 12-megapixel photo is
    processed in a fraction of the time and memory.
    """
    from PIL import Image

    if max(picture.size) <= _MAX_SIDE:
        return picture
    if picture.mode not in ("L", "LA", "RGB", "RGBA", "I", "I;16", "F"):
        # Palette and bilevel images would be resized by nearest neighbour; convert first.
        picture = picture.convert("RGBA" if _has_alpha(picture) else "RGB")
    smaller = picture.copy()
    smaller.thumbnail((_MAX_SIDE, _MAX_SIDE), resample=Image.Resampling.BOX)
    return smaller


def _has_alpha(picture):
    return picture.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in picture.info


def _luminance(picture):
    """Luminance in [0, 1] of a Pillow image of any mode; transparency is composited away."""
    mode = picture.mode
    if mode.startswith("I") or mode == "F":
        values = np.asarray(picture, dtype=np.float64)
        if mode == "F" and values.min() >= 0.0 and values.max() <= 1.0:
            return values
        # The smallest of the usual full scales (8, 10, 12, 14, 16 bits; 32 for mode "I")
        # that holds the data: a 16-bit file of 12-bit camera data is not "nearly black".
        peak = float(values.max())
        top = next((2.0**bits - 1 for bits in (8, 10, 12, 14, 16, 32) if peak <= 2.0**bits - 1),
                   peak)
        return np.clip(values / top, 0.0, 1.0)
    if not _has_alpha(picture):
        rgb = np.asarray(picture.convert("RGB"), dtype=np.float64) / 255.0
        return rgb @ _LUMA
    rgba = np.asarray(picture.convert("RGBA"), dtype=np.float64) / 255.0
    luma = rgba[..., :3] @ _LUMA
    alpha = rgba[..., 3]
    opacity = alpha.sum()
    if opacity == 0.0:
        return np.zeros_like(luma)  # fully transparent: uniform, reported as empty
    # Strokes drawn on a transparent canvas: the opaque pixels are the ink, so lay them on a
    # background of the opposite lightness (dark ink on white, light ink on black).
    ink_lightness = float((luma * alpha).sum() / opacity)
    background = 1.0 if ink_lightness < 0.5 else 0.0
    return luma * alpha + background * (1.0 - alpha)
