"""Single-image helpers of ``tf.keras.preprocessing.image``: Pillow images <-> arrays
(``load_img``, ``img_to_array``, ``array_to_img``, ``save_img``) and the random geometric
and colour transforms ``ImageDataGenerator`` applies (``apply_affine_transform``,
``random_rotation``, ``random_shift``, ...).

TensorFlow's Keras resamples with ``scipy.ndimage.affine_transform``; smallflow does not
depend on SciPy, so the resampling is done here in NumPy with the same conventions: the
output pixel ``o`` reads the input at ``A @ o + offset``, spline order 0 (nearest) or 1
(linear), and points outside the image follow ``fill_mode``: ``'constant'`` (``cval``
outside ``[0, n - 1]``), ``'nearest'`` (edge repeated), ``'reflect'`` (mirrored about the
pixel edge: ``d c b a | a b c d | d c b a``) and ``'wrap'`` (SciPy's legacy wrap, whose
period is ``n - 1``). Random parameters come from NumPy's global generator in Keras's order,
so a program that seeds NumPy gets Keras's augmentations.
"""

import os

import numpy as np

__all__ = ["apply_affine_transform", "apply_brightness_shift", "apply_channel_shift",
           "array_to_img", "flip_axis", "img_to_array", "load_img", "random_brightness",
           "random_channel_shift", "random_rotation", "random_shear", "random_shift",
           "random_zoom", "save_img", "transform_matrix_offset_center"]

_FILL_MODES = ("constant", "nearest", "reflect", "wrap")


def _pil():
    try:
        from PIL import Image, ImageEnhance
    except ImportError:
        raise ImportError("Could not import PIL.Image. The use of `load_img`, `array_to_img`, "
                          "`save_img` and brightness shifts requires PIL (pip install "
                          "smallflow[image]).") from None
    return Image, ImageEnhance


def _data_format(data_format):
    if data_format is None:
        from .. import backend

        data_format = backend.image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(f"Unknown data_format: {data_format}")
    return data_format


# -- Pillow images and arrays ------------------------------------------------------------------
def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A ``[rows, cols, channels]`` array (1, 3 or 4 channels) as a Pillow image; ``scale``
    maps the array's range onto 0-255."""
    Image, _ = _pil()
    data_format = _data_format(data_format)
    x = np.asarray(x, dtype=dtype or "float32")
    if x.ndim != 3:
        raise ValueError(f"Expected image array to have rank 3 (single image). Got array with "
                         f"shape: {x.shape}")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x + max(-np.min(x), 0)
        peak = np.max(x)
        if peak != 0:
            x = x / peak
        x = x * 255
    channels = x.shape[2]
    if channels == 4:
        return Image.fromarray(x.astype("uint8"), "RGBA")
    if channels == 3:
        return Image.fromarray(x.astype("uint8"), "RGB")
    if channels == 1:
        if np.max(x) > 255:
            return Image.fromarray(x[:, :, 0].astype("int32"), "I")
        return Image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"Unsupported channel number: {channels}")


def img_to_array(img, data_format=None, dtype=None):
    """A Pillow image as a float array ``[rows, cols, channels]`` (or channels first)."""
    data_format = _data_format(data_format)
    x = np.asarray(img, dtype=dtype or "float32")
    if x.ndim == 2:
        x = x[:, :, None]
    elif x.ndim != 3:
        raise ValueError(f"Unsupported image shape: {x.shape}")
    return x.transpose(2, 0, 1) if data_format == "channels_first" else x


_RESAMPLING = {"nearest": "NEAREST", "bilinear": "BILINEAR", "bicubic": "BICUBIC",
               "lanczos": "LANCZOS", "box": "BOX", "hamming": "HAMMING"}


def load_img(path, grayscale=False, color_mode="rgb", target_size=None,
             interpolation="nearest"):
    """Read an image file as a Pillow image in ``color_mode`` (``'grayscale'``, ``'rgb'``,
    ``'rgba'``), resized to ``target_size = (rows, cols)`` if given."""
    Image, _ = _pil()
    if grayscale:
        color_mode = "grayscale"
    if not os.path.exists(path):
        raise FileNotFoundError(f"load_img: no such file: {path!r}")
    with open(path, "rb") as handle:
        img = Image.open(handle)
        img.load()
    if color_mode == "grayscale":
        if img.mode not in ("L", "I;16", "I"):
            img = img.convert("L")
    elif color_mode == "rgba":
        if img.mode != "RGBA":
            img = img.convert("RGBA")
    elif color_mode == "rgb":
        if img.mode != "RGB":
            img = img.convert("RGB")
    else:
        raise ValueError('color_mode must be "grayscale", "rgb", or "rgba"')
    if target_size is not None:
        size = (int(target_size[1]), int(target_size[0]))
        if img.size != size:
            if interpolation not in _RESAMPLING:
                raise ValueError(f"Invalid interpolation method {interpolation} specified. "
                                 f"Supported methods are {', '.join(_RESAMPLING)}")
            img = img.resize(size, getattr(Image.Resampling, _RESAMPLING[interpolation]))
    return img


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Write an image array to ``path`` (the format from ``file_format`` or the name);
    written to a temporary name and renamed, so a reader never sees half a file."""
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and (file_format == "jpg" or file_format == "jpeg" or str(
            path).lower().endswith((".jpg", ".jpeg"))):
        img = img.convert("RGB")
    if file_format is None:
        file_format = os.path.splitext(str(path))[1][1:] or None
    if file_format is not None and file_format.lower() == "jpg":
        file_format = "jpeg"
    temporary = f"{path}.tmp{os.getpid()}"
    try:
        img.save(temporary, format=file_format, **kwargs)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


# -- resampling ----------------------------------------------------------------------------------
def _index_map(index, size, fill_mode):
    """Integer sample positions outside ``[0, size)`` mapped back inside, as ``fill_mode``."""
    if fill_mode == "reflect":
        period = 2 * size
        index = np.mod(index, period)
        return np.where(index >= size, period - 1 - index, index)
    return np.clip(index, 0, size - 1)


def _wrap_coordinates(coord, size):
    """SciPy's legacy ``'wrap'``: coordinates folded into ``[0, size - 1]`` with period
    ``size - 1`` (the first and last rows coincide)."""
    if size <= 1:
        return np.zeros_like(coord)
    span = size - 1
    below = coord < 0
    above = coord > span
    coord = np.where(below, coord + span * (np.trunc(-coord / span) + 1), coord)
    return np.where(above, coord - span * np.trunc(coord / span), coord)


def _resample(channel, matrix, offset, order, fill_mode, cval):
    rows, cols = channel.shape
    grid = np.indices((rows, cols), dtype=np.float64).reshape(2, -1)
    # summed offset first, as SciPy does (the rounding decides which edge points are inside)
    coords = (np.asarray(offset, np.float64)[:, None] + matrix[:, :1] * grid[:1]) + \
        matrix[:, 1:] * grid[1:]
    outside = None
    if fill_mode == "constant":
        # strict, as SciPy's: a coordinate rounded to -1e-16 is already outside
        outside = ((coords[0] < 0) | (coords[0] > rows - 1) |
                   (coords[1] < 0) | (coords[1] > cols - 1))
    elif fill_mode == "wrap":
        coords = np.stack([_wrap_coordinates(coords[0], rows),
                           _wrap_coordinates(coords[1], cols)])
    mode = "reflect" if fill_mode == "reflect" else "nearest"
    if order == 0:
        r = _index_map(np.floor(coords[0] + 0.5).astype(np.int64), rows, mode)
        c = _index_map(np.floor(coords[1] + 0.5).astype(np.int64), cols, mode)
        values = channel[r, c].astype(np.float64)
    else:
        r0 = np.floor(coords[0])
        c0 = np.floor(coords[1])
        fr = coords[0] - r0
        fc = coords[1] - c0
        r0 = r0.astype(np.int64)
        c0 = c0.astype(np.int64)
        ra, rb = _index_map(r0, rows, mode), _index_map(r0 + 1, rows, mode)
        ca, cb = _index_map(c0, cols, mode), _index_map(c0 + 1, cols, mode)
        source = channel.astype(np.float64)
        values = ((1 - fr) * ((1 - fc) * source[ra, ca] + fc * source[ra, cb]) +
                  fr * ((1 - fc) * source[rb, ca] + fc * source[rb, cb]))
    if outside is not None:
        values = np.where(outside, cval, values)
    return values.reshape(rows, cols).astype(channel.dtype)


def transform_matrix_offset_center(matrix, x, y):
    """``matrix`` (3x3, homogeneous) moved so it acts about the image's centre."""
    o_x = float(x) / 2 - 0.5
    o_y = float(y) / 2 - 0.5
    to_center = np.array([[1, 0, o_x], [0, 1, o_y], [0, 0, 1]])
    back = np.array([[1, 0, -o_x], [0, 1, -o_y], [0, 0, 1]])
    return to_center @ matrix @ back


def apply_affine_transform(x, theta=0, tx=0, ty=0, shear=0, zx=1, zy=1, row_axis=1,
                           col_axis=2, channel_axis=0, fill_mode="nearest", cval=0.0,
                           order=1):
    """Rotate (``theta`` degrees), shift (``tx`` rows, ``ty`` columns), shear (degrees) and
    zoom one image ``x`` (rank 3), each channel resampled alike."""
    if len({row_axis, col_axis, channel_axis}) != 3:
        raise ValueError("'row_axis', 'col_axis', and 'channel_axis' must be distinct")
    if {row_axis, col_axis, channel_axis} != {0, 1, 2}:
        raise ValueError(f"Invalid axis' indices: "
                         f"{ {row_axis, col_axis, channel_axis} - {0, 1, 2} }")
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError("Input arrays must be multi-channel 2D images.")
    if channel_axis not in (0, 2):
        raise ValueError("Channels are allowed and the first and last dimensions.")
    if fill_mode not in _FILL_MODES:
        raise ValueError(f"fill_mode must be one of {_FILL_MODES}, got {fill_mode!r}")
    if order not in (0, 1):
        raise NotImplementedError(f"apply_affine_transform: interpolation order {order}: "
                                  "smallflow resamples with order 0 or 1 only")
    parts = []
    if theta != 0:
        angle = np.deg2rad(theta)
        parts.append(np.array([[np.cos(angle), -np.sin(angle), 0],
                               [np.sin(angle), np.cos(angle), 0], [0, 0, 1]]))
    if tx != 0 or ty != 0:
        parts.append(np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]]))
    if shear != 0:
        angle = np.deg2rad(shear)
        parts.append(np.array([[1, -np.sin(angle), 0], [0, np.cos(angle), 0], [0, 0, 1]]))
    if zx != 1 or zy != 1:
        parts.append(np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]]))
    if not parts:
        return x
    matrix = parts[0]
    for part in parts[1:]:
        matrix = matrix @ part
    matrix = transform_matrix_offset_center(matrix, x.shape[row_axis], x.shape[col_axis])
    if col_axis > row_axis:
        # The matrix speaks of (x, y); arrays index (row, col): swap both axes of it.
        matrix = matrix[[1, 0, 2]][:, [1, 0, 2]]
    planes = np.moveaxis(x, channel_axis, 0)
    out = np.stack([_resample(plane, matrix[:2, :2], matrix[:2, 2], order, fill_mode, cval)
                    for plane in planes])
    return np.moveaxis(out, 0, channel_axis)


def flip_axis(x, axis):
    return np.flip(np.asarray(x), axis).copy()


def random_rotation(x, rg, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                    cval=0.0, interpolation_order=1):
    theta = np.random.uniform(-rg, rg)
    return apply_affine_transform(x, theta=theta, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_shift(x, wrg, hrg, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                 cval=0.0, interpolation_order=1):
    rows, cols = x.shape[row_axis], x.shape[col_axis]
    tx = np.random.uniform(-hrg, hrg) * rows
    ty = np.random.uniform(-wrg, wrg) * cols
    return apply_affine_transform(x, tx=tx, ty=ty, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_shear(x, intensity, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                 cval=0.0, interpolation_order=1):
    shear = np.random.uniform(-intensity, intensity)
    return apply_affine_transform(x, shear=shear, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_zoom(x, zoom_range, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                cval=0.0, interpolation_order=1):
    if len(zoom_range) != 2:
        raise ValueError(f"`zoom_range` should be a tuple or list of two floats. Received: "
                         f"{zoom_range}")
    if zoom_range[0] == 1 and zoom_range[1] == 1:
        zx, zy = 1, 1
    else:
        zx, zy = np.random.uniform(zoom_range[0], zoom_range[1], 2)
    return apply_affine_transform(x, zx=zx, zy=zy, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def apply_channel_shift(x, intensity, channel_axis=0):
    """Add ``intensity`` to every channel, clipped to the image's old range."""
    planes = np.moveaxis(np.asarray(x), channel_axis, 0)
    low, high = np.min(planes), np.max(planes)
    shifted = np.stack([np.clip(plane + intensity, low, high) for plane in planes])
    return np.moveaxis(shifted, 0, channel_axis)


def random_channel_shift(x, intensity_range, channel_axis=0):
    intensity = np.random.uniform(-intensity_range, intensity_range)
    return apply_channel_shift(x, intensity, channel_axis=channel_axis)


def apply_brightness_shift(x, brightness, scale=True):
    """Brightness scaled by ``brightness`` through Pillow's ImageEnhance (channels last)."""
    _, ImageEnhance = _pil()
    x = np.asarray(x)
    low, high = np.min(x), np.max(x)
    out_of_range = bool(low < 0 or high > 255)
    img = array_to_img(x, scale=out_of_range or scale)
    img = ImageEnhance.Brightness(img).enhance(brightness)
    out = img_to_array(img)
    if not scale and out_of_range:
        out = out / 255 * (high - low) + low
    return out


def random_brightness(x, brightness_range, scale=True):
    if len(brightness_range) != 2:
        raise ValueError(f"`brightness_range should be tuple or list of two floats. Received: "
                         f"{brightness_range}")
    value = np.random.uniform(brightness_range[0], brightness_range[1])
    return apply_brightness_shift(x, value, scale)
