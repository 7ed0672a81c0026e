"""Image file formats as ops: ``decode_png/jpeg/bmp/gif/image``, ``encode_png/jpeg``,
``extract_jpeg_shape``, ``is_jpeg`` and the JPEG-quality augmentations.

The kernels take and give ``tf.string`` scalars (bytes) and use Pillow, imported the first
time a kernel runs (so building a graph needs no Pillow, and ``import smallflow`` stays
light); without it the kernel raises an ImportError naming the ``smallflow[image]`` extra.
Pillow's JPEG codec is libjpeg(-turbo) with its default (slow integer) DCT, the library and
method TensorFlow uses by default, so decoded pixels agree with TensorFlow's; PNG, GIF and
BMP decoding is exact. Pictures larger than ``smallflow.imaging.MAX_PIXELS`` are refused.
"""

import io

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import convert_to_tensor, name_scope
from ..op_signature import signature
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape, unknown_shape
from . import array_ops, random_ops
from .common import constant_value, make_op
from .image_ops_extra import convert_image_dtype

__all__ = [
    "adjust_jpeg_quality", "decode_and_crop_jpeg", "decode_bmp", "decode_gif", "decode_image",
    "decode_jpeg", "decode_png", "encode_jpeg", "encode_png", "extract_jpeg_shape", "is_jpeg",
    "random_jpeg_quality",
]

_MAX_PIXELS = 50_000_000
_JPEG_MAGIC = b"\xff\xd8\xff"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_GIF_MAGICS = (b"GIF87a", b"GIF89a")
_BMP_MAGIC = b"BM"


def _pil():
    try:
        from PIL import Image
    except ImportError as error:
        raise ImportError("Decoding and encoding images needs Pillow: pip install "
                          "'smallflow[image]'") from error
    Image.MAX_IMAGE_PIXELS = _MAX_PIXELS
    return Image


def _bytes(contents, what):
    value = contents.item() if isinstance(contents, np.ndarray) else contents
    if not isinstance(value, bytes):
        raise InvalidArgumentError(None, None, f"{what}: contents must be a scalar string")
    return value


def _open(data, kind):
    image_module = _pil()
    try:
        picture = image_module.open(io.BytesIO(data))
        picture.load()
    except Exception as error:  # noqa: BLE001 - Pillow raises many classes for bad files
        raise InvalidArgumentError(None, None, f"Invalid {kind} data, size {len(data)}: "
                                               f"{error}") from None
    return picture


_MODES = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}


def _to_array(picture, channels, kind):
    """The decoded pixels ``[h, w, c]`` with ``channels`` (0: as stored)."""
    mode = picture.mode
    sixteen = mode in ("I;16", "I;16B", "I;16L", "I")
    if channels == 0:
        if sixteen:
            return np.asarray(picture, dtype=np.uint16)[..., None]
        if mode == "P":
            mode = "RGBA" if "transparency" in picture.info else "RGB"
        elif mode == "1":
            mode = "L"
        elif mode not in ("L", "LA", "RGB", "RGBA"):
            mode = "RGB"
        channels = {"L": 1, "LA": 2, "RGB": 3, "RGBA": 4}[mode]
    if channels not in _MODES:
        raise InvalidArgumentError(None, None, f"{kind}: channels must be 0, 1, 3 or 4, got "
                                               f"{channels}")
    if sixteen:
        gray = np.asarray(picture, dtype=np.uint16)[..., None]
        return _convert_channels(gray, channels, 65535)
    stored = picture.mode if picture.mode in ("L", "LA", "RGB", "RGBA") else (
        "RGBA" if picture.mode == "P" and "transparency" in picture.info else
        "L" if picture.mode == "1" else "RGB")
    array = np.asarray(picture.convert(stored), dtype=np.uint8)
    array = array.reshape(*array.shape[:2], len(stored))
    return _convert_channels(array, channels, 255)


def _convert_channels(array, channels, opaque):
    """Change the channel count as libpng does for TensorFlow: colour to gray with the
    fixed-point weights of 0.299/0.587/0.114 (truncating), alpha dropped or made opaque."""
    have = array.shape[-1]
    if have == channels:
        return array
    colour = array[..., :3] if have >= 3 else None
    gray = array[..., :1] if have <= 2 else None
    alpha = array[..., have - 1:] if have in (2, 4) else np.full(array.shape[:2] + (1,),
                                                                 opaque, array.dtype)
    if channels in (1, 2) and gray is None:
        weights = np.array([9797, 19234, 3737], dtype=np.uint64)
        gray = ((colour.astype(np.uint64) @ weights) >> 15).astype(array.dtype)[..., None]
    if channels in (3, 4) and colour is None:
        colour = np.repeat(gray, 3, -1)
    if channels == 1:
        return gray
    if channels == 2:
        return np.concatenate([gray, alpha], -1)
    if channels == 3:
        return colour
    return np.concatenate([colour, alpha], -1)


def _decode_png(attrs):
    channels = attrs["channels"]
    dtype = attrs["dtype"].as_numpy_dtype

    def decode(contents):
        data = _bytes(contents, "DecodePng")
        if not data.startswith(_PNG_MAGIC):
            raise InvalidArgumentError(None, None, f"Invalid PNG header, data size {len(data)}")
        array = _to_array(_open(data, "PNG"), channels, "DecodePng")
        if array.dtype == dtype:
            return array
        if dtype == np.uint16:  # an 8-bit PNG read as 16 bits: 255 -> 65535
            return array.astype(np.uint16) * 257
        return (array // 257).astype(np.uint8)

    return decode


def _decode_jpeg(attrs):
    channels = attrs["channels"]
    ratio = attrs["ratio"]

    def decode(contents):
        data = _bytes(contents, "DecodeJpeg")
        if not data.startswith(_JPEG_MAGIC):
            raise InvalidArgumentError(None, None, "Invalid JPEG data or crop window, data "
                                                   f"size {len(data)}")
        picture = _pil().open(io.BytesIO(data))
        # libjpeg itself scales (ratio: DCT scaling) and converts to gray (its Y channel),
        # as it does for TensorFlow; Pillow's draft mode asks it to.
        width, height = picture.size
        mode = "L" if channels == 1 else ("RGB" if channels == 3 else picture.mode)
        if ratio != 1 or mode != picture.mode:
            # Pillow picks the largest scale whose result is at least the size asked for.
            picture.draft(mode, (max(width // ratio, 1), max(height // ratio, 1)))
        try:
            picture.load()
        except Exception as error:  # noqa: BLE001
            raise InvalidArgumentError(None, None, f"Invalid JPEG data, size {len(data)}: "
                                                   f"{error}") from None
        return _to_array(picture, channels, "DecodeJpeg")

    return decode


def _decode_bmp(attrs):
    channels = attrs["channels"]

    def decode(contents):
        data = _bytes(contents, "DecodeBmp")
        if not data.startswith(_BMP_MAGIC):
            raise InvalidArgumentError(None, None, "Invalid BMP header, not starting with BM")
        return _to_array(_open(data, "BMP"), channels, "DecodeBmp")

    return decode


def _gif_frames(data):
    picture = _open(data, "GIF")
    frames = []
    for index in range(getattr(picture, "n_frames", 1)):
        picture.seek(index)
        frames.append(np.asarray(picture.convert("RGB"), dtype=np.uint8))
    return np.stack(frames)


def _decode_gif(attrs):
    def decode(contents):
        data = _bytes(contents, "DecodeGif")
        if not data.startswith(_GIF_MAGICS):
            raise InvalidArgumentError(None, None, "Invalid GIF data (not a GIF file)")
        return _gif_frames(data)

    return decode


def _decode_image(attrs):
    channels = attrs["channels"]
    expand = attrs["expand_animations"]
    dtype = attrs["dtype"].as_numpy_dtype

    def decode(contents):
        data = _bytes(contents, "DecodeImage")
        if data.startswith(_GIF_MAGICS):
            if channels not in (0, 3):
                raise InvalidArgumentError(None, None, "channels must be 0 or 3 for GIF, got "
                                                       f"{channels}")
            frames = _gif_frames(data)
            array = frames if expand else frames[0]
        elif data.startswith(_JPEG_MAGIC):
            array = _decode_jpeg({"channels": channels, "ratio": 1})(contents)
        elif data.startswith(_PNG_MAGIC):
            array = _decode_png({"channels": channels,
                                 "dtype": dtypes.as_dtype(dtype)})(contents)
        elif data.startswith(_BMP_MAGIC):
            array = _decode_bmp({"channels": channels})(contents)
        else:
            raise InvalidArgumentError(None, None, "Unknown image file format. One of JPEG, "
                                                   "PNG, GIF, BMP required.")
        return array.astype(dtype) if array.dtype != dtype else array

    return decode


def _encode(picture_array, fmt, **options):
    image_module = _pil()
    channels = picture_array.shape[-1]
    mode = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}[channels]
    if picture_array.dtype == np.uint16:
        if channels != 1:
            raise InvalidArgumentError(None, None, "smallflow encodes 16-bit PNGs with one "
                                                   "channel only")
        picture = image_module.fromarray(picture_array[..., 0].astype("<u2"))
    else:
        squeezed = picture_array[..., 0] if channels == 1 else picture_array
        picture = image_module.fromarray(np.ascontiguousarray(squeezed), mode)
    out = io.BytesIO()
    picture.save(out, fmt, **options)
    return np.array(out.getvalue(), dtype=object)


def _check_image(image, what, allowed):
    if image.ndim != 3:
        raise InvalidArgumentError(None, None, f"{what}: image must be 3-dimensional, got "
                                               f"shape {list(image.shape)}")
    if image.shape[-1] not in allowed:
        raise InvalidArgumentError(None, None, f"{what}: image must have "
                                               f"{' or '.join(map(str, allowed))} channels, "
                                               f"got {image.shape[-1]}")


def _encode_png(attrs):
    level = attrs["compression"]

    def encode(image):
        _check_image(image, "EncodePng", (1, 2, 3, 4))
        return _encode(image, "PNG", compress_level=6 if level < 0 else min(level, 9))

    return encode


def _encode_jpeg(attrs):
    def encode(image):
        _check_image(image, "EncodeJpeg", (1, 3))
        fmt = attrs["format"]
        if fmt == "grayscale" and image.shape[-1] != 1:
            raise InvalidArgumentError(None, None, "EncodeJpeg: format 'grayscale' needs 1 "
                                                   "channel")
        if fmt == "rgb" and image.shape[-1] != 3:
            raise InvalidArgumentError(None, None, "EncodeJpeg: format 'rgb' needs 3 channels")
        unit = {"in": 1, "cm": 2}[attrs["density_unit"]]
        options = {"quality": attrs["quality"], "progressive": attrs["progressive"],
                   "optimize": attrs["optimize_size"],
                   "subsampling": 2 if attrs["chroma_downsampling"] else 0,
                   "dpi": (attrs["x_density"], attrs["y_density"])}
        if unit == 2:
            options["dpi"] = (attrs["x_density"] * 2.54, attrs["y_density"] * 2.54)
        return _encode(image, "JPEG", **options)

    return encode


def _extract_jpeg_shape(attrs):
    out = attrs["output_type"].as_numpy_dtype

    def extract(contents):
        data = _bytes(contents, "ExtractJpegShape")
        if not data.startswith(_JPEG_MAGIC):
            raise InvalidArgumentError(None, None, "Invalid JPEG data, size "
                                                   f"{len(data)}")
        picture = _pil().open(io.BytesIO(data))  # reads the header only
        width, height = picture.size
        return np.array([height, width, len(picture.getbands())], dtype=out)

    return extract


def _image_shape(rank, channels_attr=True):
    def shape_fn(op):
        channels = op.attrs.get("channels", 0) if channels_attr else 3
        last = channels if channels else None
        return [TensorShape([None] * (rank - 1) + [last])]

    return shape_fn


_STRING_IN = "contents: string -> image: {}"
register_op("DecodePng", _decode_png, _image_shape(3),
            signature=signature(_STRING_IN.format("dtype"), dtype=(dtypes.uint8, dtypes.uint16)))
register_op("DecodeJpeg", _decode_jpeg, _image_shape(3),
            signature=signature(_STRING_IN.format("uint8")))
register_op("DecodeBmp", _decode_bmp, _image_shape(3),
            signature=signature(_STRING_IN.format("uint8")))
register_op("DecodeGif", _decode_gif, _image_shape(4, channels_attr=False),
            signature=signature(_STRING_IN.format("uint8")))
register_op("DecodeImage", _decode_image, lambda op: [unknown_shape()],
            signature=signature(_STRING_IN.format("dtype"), dtype=(dtypes.uint8, dtypes.uint16)))
register_op("EncodePng", _encode_png, lambda op: [TensorShape([])],
            signature=signature("image: T -> contents: string", T=(dtypes.uint8, dtypes.uint16)))
register_op("EncodeJpeg", _encode_jpeg, lambda op: [TensorShape([])],
            signature=signature("image: uint8 -> contents: string"))
register_op("ExtractJpegShape", _extract_jpeg_shape, lambda op: [TensorShape([3])],
            signature=signature("contents: string -> image_shape: output_type",
                                output_type=(dtypes.int32, dtypes.int64)))
for _op_type in ("DecodePng", "DecodeJpeg", "DecodeBmp", "DecodeGif", "DecodeImage",
                 "EncodePng", "EncodeJpeg", "ExtractJpegShape"):
    NotDifferentiable(_op_type)


def _contents(contents):
    contents = convert_to_tensor(contents, dtype=dtypes.string, name="contents")
    if contents.shape.ndims not in (None, 0):
        raise ValueError(f"Shape must be rank 0 but is rank {contents.shape.ndims} for "
                         f"'contents' ({contents.name})")
    return contents


def _make(op_type, inputs, dtype, attrs, name):
    return make_op(op_type, inputs, [dtype], attrs, name).outputs[0]


def _decode(op_type, contents, dtype, attrs, name):
    return _make(op_type, [_contents(contents)], dtype, attrs, name)


def _check_channels(channels, allowed, what):
    if channels not in allowed:
        raise ValueError(f"{what}: channels must be one of {allowed}, got {channels}")
    return int(channels)


def decode_png(contents, channels=0, dtype=dtypes.uint8, name=None):
    """A PNG file's pixels ``[h, w, channels]`` (0: as stored), uint8 or uint16."""
    channels = _check_channels(channels, (0, 1, 2, 3, 4), "decode_png")
    dtype = dtypes.as_dtype(dtype)
    return _decode("DecodePng", contents, dtype, {"channels": channels, "dtype": dtype}, name)


def decode_jpeg(contents, channels=0, ratio=1, fancy_upscaling=True,
                try_recover_truncated=False, acceptable_fraction=1, dct_method="", name=None):
    """A JPEG file's pixels ``[h / ratio, w / ratio, channels]`` (uint8; channels 0, 1, 3)."""
    channels = _check_channels(channels, (0, 1, 3), "decode_jpeg")
    if ratio not in (1, 2, 4, 8):
        raise ValueError(f"decode_jpeg: ratio must be 1, 2, 4 or 8, got {ratio}")
    attrs = {"channels": channels, "ratio": int(ratio), "dct_method": dct_method,
             "fancy_upscaling": bool(fancy_upscaling)}
    return _decode("DecodeJpeg", contents, dtypes.uint8, attrs, name)


def decode_and_crop_jpeg(contents, crop_window, channels=0, ratio=1, fancy_upscaling=True,
                         try_recover_truncated=False, acceptable_fraction=1, dct_method="",
                         name=None):
    """``decode_jpeg`` then the window ``[y, x, height, width]``."""
    with name_scope(name or "decode_and_crop_jpeg"):
        image = decode_jpeg(contents, channels, ratio, fancy_upscaling)
        window = convert_to_tensor(crop_window, dtype=dtypes.int32, name="crop_window")
        begin = array_ops.concat([window[:2], [0]], 0)
        size = array_ops.concat([window[2:], [-1]], 0)
        cropped = array_ops.slice(image, begin, size)
        known = constant_value(window)
        if known is not None:
            cropped.set_shape([int(known[2]), int(known[3]), channels or None])
        return cropped


def decode_bmp(contents, channels=0, name=None):
    """A BMP file's pixels ``[h, w, channels]`` (uint8; channels 0, 3 or 4)."""
    channels = _check_channels(channels, (0, 3, 4), "decode_bmp")
    return _decode("DecodeBmp", contents, dtypes.uint8, {"channels": channels}, name)


def decode_gif(contents, name=None):
    """A GIF file's frames ``[frames, h, w, 3]`` (uint8)."""
    return _decode("DecodeGif", contents, dtypes.uint8, {}, name)


def decode_image(contents, channels=None, dtype=dtypes.uint8, name=None,
                 expand_animations=True):
    """Any of PNG, JPEG, GIF, BMP, told apart by their first bytes; float dtypes are scaled
    to ``[0, 1]`` (``convert_image_dtype``). GIFs give 4-D frames unless
    ``expand_animations=False``."""
    dtype = dtypes.as_dtype(dtype)
    with name_scope(name or "decode_image"):
        channels = _check_channels(channels or 0, (0, 1, 3, 4), "decode_image")
        raw = dtypes.uint16 if dtype == dtypes.uint16 else dtypes.uint8
        attrs = {"channels": channels, "dtype": raw,
                 "expand_animations": bool(expand_animations)}
        image = _decode("DecodeImage", contents, raw, attrs, None)
        if dtype != raw:
            image = convert_image_dtype(image, dtype)
        return image


def encode_png(image, compression=-1, name=None):
    """A PNG file (``tf.string`` scalar) of a ``[h, w, c]`` uint8/uint16 image."""
    image = convert_to_tensor(image, name="image")
    return _make("EncodePng", [image], dtypes.string,
                          {"compression": int(compression)}, name)


def encode_jpeg(image, format="", quality=95, progressive=False,  # noqa: A002
                optimize_size=False, chroma_downsampling=True, density_unit="in",
                x_density=300, y_density=300, xmp_metadata="", name=None):
    """A JPEG file of a ``[h, w, 1 or 3]`` uint8 image."""
    if format not in ("", "grayscale", "rgb"):
        raise ValueError(f"encode_jpeg: format must be '', 'grayscale' or 'rgb', got "
                         f"{format!r}")
    if density_unit not in ("in", "cm"):
        raise ValueError(f"encode_jpeg: density_unit must be 'in' or 'cm', got "
                         f"{density_unit!r}")
    if not 0 <= quality <= 100:
        raise ValueError(f"encode_jpeg: quality must be in [0, 100], got {quality}")
    image = convert_to_tensor(image, name="image")
    attrs = {"format": format, "quality": int(quality), "progressive": bool(progressive),
             "optimize_size": bool(optimize_size),
             "chroma_downsampling": bool(chroma_downsampling), "density_unit": density_unit,
             "x_density": int(x_density), "y_density": int(y_density)}
    return _make("EncodeJpeg", [image], dtypes.string, attrs, name)


def extract_jpeg_shape(contents, output_type=dtypes.int32, name=None):
    """``[height, width, channels]`` of a JPEG file, read from its header."""
    output_type = dtypes.as_dtype(output_type)
    return _decode("ExtractJpegShape", contents, output_type, {"output_type": output_type},
                   name)


def is_jpeg(contents, name=None):
    """True when ``contents`` starts with JPEG's magic bytes ``FF D8 FF``."""
    return _make("IsJpeg", [_contents(contents)], dtypes.bool, {}, name or "is_jpeg")


def adjust_jpeg_quality(image, jpeg_quality, name=None):
    """The image after a JPEG round trip at ``jpeg_quality`` (0-100), in its own dtype."""
    with name_scope(name or "adjust_jpeg_quality"):
        image = convert_to_tensor(image, name="image")
        original = image.dtype
        as_bytes = convert_image_dtype(image, dtypes.uint8, saturate=True)
        quality = jpeg_quality
        if not isinstance(quality, int):
            raise TypeError("adjust_jpeg_quality: jpeg_quality must be a Python int in "
                            "smallflow (the encoder's quality is an attribute)")
        decoded = decode_jpeg(encode_jpeg(as_bytes, quality=quality))
        return convert_image_dtype(decoded, original, saturate=True)


def random_jpeg_quality(image, min_jpeg_quality, max_jpeg_quality, seed=None):
    """``adjust_jpeg_quality`` with a quality drawn from ``[min, max)`` each run."""
    if not 0 <= min_jpeg_quality < max_jpeg_quality <= 100:
        raise ValueError("jpeg_quality must be in [0,100] and min_jpeg_quality must be < "
                         "max_jpeg_quality")
    with name_scope("random_jpeg_quality"):
        image = convert_to_tensor(image, name="image")
        quality = random_ops.random_uniform([], min_jpeg_quality, max_jpeg_quality,
                                            dtype=dtypes.int32, seed=seed)
        original = image.dtype
        as_bytes = convert_image_dtype(image, dtypes.uint8, saturate=True)
        encoded = _make("EncodeJpegVariableQuality", [as_bytes, quality],
                                 dtypes.string, {}, None)
        decoded = decode_jpeg(encoded)
        return convert_image_dtype(decoded, original, saturate=True)


def _encode_variable_quality(attrs):
    def encode(image, quality):
        _check_image(image, "EncodeJpegVariableQuality", (1, 3))
        return _encode(image, "JPEG", quality=int(quality))

    return encode


def _is_jpeg(attrs):
    return lambda contents: np.array(_bytes(contents, "is_jpeg").startswith(_JPEG_MAGIC))


# TensorFlow builds is_jpeg from Substr and Equal; one small op does the same here.
register_op("IsJpeg", _is_jpeg, lambda op: [TensorShape([])],
            signature=signature("contents: string -> is_jpeg: bool"))
NotDifferentiable("IsJpeg")
register_op("EncodeJpegVariableQuality", _encode_variable_quality,
            lambda op: [TensorShape([])],
            signature=signature("images: uint8, quality: int32 -> contents: string"))
NotDifferentiable("EncodeJpegVariableQuality")
