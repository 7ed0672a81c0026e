"""Turn a picture of a handwritten digit into a 784-vector prepared the way MNIST digits were."""

import os

import numpy as np

__all__ = ["ImageError", "load_digit", "prepare_digit"]

# MNIST digits fit in a 20x20 box and sit in a 28x28 field with their centre of mass at
# pixel index (14, 14) (measured on the real test set: mean 13.99, 14.01).
SIZE = 28
BOX = 20
CENTRE = 14.0

# Contrast (on a 0..1 scale) the brightest ink must reach above the background; below it the
# picture counts as empty. JPEG noise on a blank page stays well under this.
MIN_CONTRAST = 0.1
# After stretching the ink to 0..1, pixels at or below this level do not count towards the
# digit's bounding box (scanner dust, JPEG ringing).
INK_THRESHOLD = 0.1
# Larger photos are first scaled down to this many pixels on their longer side.
_MAX_SIDE = 1024
# Fraction of the shorter side used as the border band that tells background from ink.
_BORDER_FRACTION = 0.05

# The dataset's scaling: float32(byte) * float32(1/255).
_BYTE_SCALE = np.float32(1.0 / 255.0)

# ITU-R 601-2 luma, the weights Pillow's own "L" conversion uses.
_LUMA = np.array([0.299, 0.587, 0.114])


_EMPTY = "the image is empty: nothing stands out from the background (no ink found)"


class ImageError(ValueError):
    """A picture that cannot be read or holds no digit; ``path`` names it."""

    def __init__(self, path, problem):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def load_digit(path):
    """Read an image file (PNG, JPEG, GIF, BMP, WebP, ...) and return it as an MNIST digit.

    The result has shape (784,), dtype float32 and values in [0, 1], scaled as the
    dataset's pixels are. Raises ImageError naming the file if it cannot be read as an
    image or shows no digit.
    """
    name = os.fspath(path)
    gray = _read_gray(name)
    return prepare_digit(gray, name=name)


def prepare_digit(image, name="<array>"):
    """Prepare a 2-D grayscale image the way MNIST digits were made; return shape (784,).

    ``image`` is uint8 (0..255), another unsigned integer type (0..its maximum), bool, or
    float with values in [0, 1]. Either polarity is accepted: dark ink on a light page is
    inverted to MNIST's white-on-black. The ink is cropped to its bounding box, scaled so
    its longer side is 20 pixels, and placed in a 28x28 field with its centre of mass at
    the centre. ``name`` is used in error messages.
    """
    gray = _as_unit_float(image, name)
    ink = _ink_on_black(gray, name)
    box = _crop_to_ink(ink)
    scaled = _fit_in_box(box)
    field = _centre_by_mass(scaled)
    as_bytes = np.round(field * 255.0).astype(np.uint8)
    return as_bytes.reshape(SIZE * SIZE).astype(np.float32) * _BYTE_SCALE


def _as_unit_float(image, name):
    """Check the array and map its values to float64 in [0, 1]."""
    array = np.asarray(image)
    if array.ndim != 2:
        raise ImageError(name, f"expected a 2-D grayscale image, got shape {array.shape}")
    if array.size == 0:
        raise ImageError(name, "the image has no pixels")
    if array.dtype == np.bool_:
        return array.astype(np.float64)
    if np.issubdtype(array.dtype, np.unsignedinteger):
        return array.astype(np.float64) / np.iinfo(array.dtype).max
    if np.issubdtype(array.dtype, np.floating):
        values = array.astype(np.float64)
        if not np.isfinite(values).all():
            raise ImageError(name, "the image contains NaN or infinite values")
        if values.min() < 0.0 or values.max() > 1.0:
            raise ImageError(
                name,
                f"float pixel values must lie in [0, 1], got {values.min():g}..{values.max():g}"
                " (divide 0..255 values by 255)",
            )
        return values
    raise ImageError(name, f"unsupported pixel type {array.dtype}; use uint8 or float in [0, 1]")


def _ink_on_black(gray, name):
    """Return the ink as bright-on-black, stretched so the background is 0 and the peak 1."""
    rows, cols = _border_pixels(gray.shape)
    border = gray[rows, cols]
    level = float(np.median(border))
    # The ink is whatever strays furthest from the page: darker (pen on paper) or lighter.
    darker_by = level - float(gray.min())
    lighter_by = float(gray.max()) - level
    dark_ink = darker_by > lighter_by
    if max(darker_by, lighter_by) < MIN_CONTRAST:
        raise ImageError(name, _EMPTY)
    # Page pixels on the border: those nearer the page's level than the ink's extreme.
    split = level - darker_by / 2 if dark_ink else level + lighter_by / 2
    on_page = border >= split if dark_ink else border <= split
    deviation = gray - _fit_plane(gray.shape, rows[on_page], cols[on_page], border[on_page])
    ink = -deviation if dark_ink else deviation
    contrast = float(ink.max())
    if contrast < MIN_CONTRAST:
        raise ImageError(name, _EMPTY)
    return np.clip(ink / contrast, 0.0, 1.0)


def _border_pixels(shape):
    """Row and column indices of (a sample of) the band along the image's edges."""
    height, width = shape
    band = max(1, int(round(min(height, width) * _BORDER_FRACTION)))
    in_border = np.zeros(shape, dtype=bool)
    in_border[:band] = True
    in_border[-band:] = True
    in_border[:, :band] = True
    in_border[:, -band:] = True
    rows, cols = np.nonzero(in_border)
    # Every k-th border pixel is plenty for three coefficients, even on a large photo.
    step = max(1, rows.size // 20000)
    return rows[::step], cols[::step]


def _fit_plane(shape, rows, cols, values):
    """The page's brightness as a plane through its border pixels, evaluated everywhere.

    A plane rather than one level, so a photo lit from one side (darker towards one edge)
    does not turn the dim side into "ink". Pixels far off a first fit are dropped and the
    plane fitted again.
    """
    height, width = shape
    design = np.column_stack([np.ones(rows.size), rows / height, cols / width])
    coefficients = np.linalg.lstsq(design, values, rcond=None)[0]
    residual = np.abs(values - design @ coefficients)
    close = residual <= 3.0 * float(np.median(residual)) + 2.0 / 255.0
    coefficients = np.linalg.lstsq(design[close], values[close], rcond=None)[0]
    row_term = coefficients[1] * (np.arange(height) / height)
    col_term = coefficients[2] * (np.arange(width) / width)
    return coefficients[0] + row_term[:, None] + col_term[None, :]


def _crop_to_ink(ink):
    """Cut the ink's bounding box out of the image, ignoring faint specks."""
    marked = ink > INK_THRESHOLD
    rows = np.flatnonzero(marked.any(axis=1))
    cols = np.flatnonzero(marked.any(axis=0))
    box = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1].copy()
    # Specks below the threshold inside the box are background, as in MNIST (exact zeros).
    box[box <= INK_THRESHOLD / 2] = 0.0
    return box


def _fit_in_box(box):
    """Scale so the longer side is BOX pixels, keeping the aspect ratio (antialiased)."""
    from PIL import Image

    height, width = box.shape
    factor = BOX / max(height, width)
    new_height = max(1, int(round(height * factor)))
    new_width = max(1, int(round(width * factor)))
    picture = Image.fromarray(box.astype(np.float32))  # mode "F"
    # Pillow's resampling filters widen with the reduction factor, so downscaling averages
    # every source pixel (antialiasing); LANCZOS keeps thin strokes sharp.
    resized = picture.resize((new_width, new_height), resample=Image.Resampling.LANCZOS)
    scaled = np.clip(np.asarray(resized, dtype=np.float64), 0.0, 1.0)
    # Shrinking dims thin strokes; MNIST digits all reach full brightness, so restore it.
    peak = scaled.max()
    return scaled / peak if peak > 0.0 else scaled


def _centre_by_mass(scaled):
    """Paste into a SIZE x SIZE field so the centre of mass lands on (CENTRE, CENTRE)."""
    height, width = scaled.shape
    total = scaled.sum()
    if total > 0.0:
        row_mass = scaled.sum(axis=1)
        col_mass = scaled.sum(axis=0)
        com_row = float(row_mass @ np.arange(height)) / total
        com_col = float(col_mass @ np.arange(width)) / total
    else:
        com_row = (height - 1) / 2.0
        com_col = (width - 1) / 2.0
    # Whole-pixel shifts (no resampling blur); clamped so no ink falls off the field.
    top = int(np.clip(round(CENTRE - com_row), 0, SIZE - height))
    left = int(np.clip(round(CENTRE - com_col), 0, SIZE - width))
    field = np.zeros((SIZE, SIZE), dtype=np.float64)
    field[top : top + height, left : left + width] = scaled
    return field


def _read_gray(name):
    """Open an image file and return its luminance as float64 in [0, 1] (alpha composited)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not os.path.exists(name):
        raise ImageError(name, "no such file")
    if os.path.isdir(name):
        raise ImageError(name, "is a directory, not an image file")
    try:
        with Image.open(name) as picture:
            # JPEG can decode straight to a reduced size (no effect on other formats).
            picture.draft(picture.mode, (_MAX_SIDE, _MAX_SIDE))
            picture.load()
            # Phone photos store their rotation as an EXIF tag; apply it.
            upright = ImageOps.exif_transpose(picture)
            return _luminance(_shrink(upright))
    except UnidentifiedImageError:
        raise ImageError(name, "not an image file (format not recognised)") from None
    except PermissionError:
        raise ImageError(name, "cannot be opened: permission denied") from None
    except Image.DecompressionBombError as exc:
        raise ImageError(name, f"image too large to read safely ({exc})") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageError(
            name, f"cannot read the image: file corrupt or truncated ({exc})"
        ) from None


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
        top = 65535.0 if mode.startswith("I;16") or values.max() > 255.0 else 255.0
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
