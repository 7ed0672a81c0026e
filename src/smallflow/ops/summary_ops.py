"""Summary ops: each returns a serialized ``Summary`` protocol buffer as a string tensor.

``tf.summary.scalar/histogram/image/audio/text/tensor_summary`` build these ops; ``merge``
joins their outputs. The kernels fill TensorBoard's own ``Summary`` message (from the
optional ``tensorboard`` extra), so the bytes a session returns are what TensorFlow's
kernels return and ``FileWriter.add_summary`` writes. Images become PNG and audio WAV,
encoded with the standard library (zlib, wave): no imaging library is needed.
"""

import contextlib
import io
import re
import struct
import wave
import zlib

import numpy as np

from .. import dtypes, errors, tb_protos, tensor_util
from ..graph import GraphKeys, ShapeError, add_to_collection, convert_to_tensor, name_scope
from ..op_signature import ALL, signature
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape
from .common import make_op, scalar_shape

_REAL = (
    dtypes.float16, dtypes.float32, dtypes.float64, dtypes.int8, dtypes.int16, dtypes.int32,
    dtypes.int64, dtypes.uint8, dtypes.uint16, dtypes.uint32, dtypes.uint64,
)
_IMAGE_DTYPES = (dtypes.uint8, dtypes.float16, dtypes.float32, dtypes.float64)
_INVALID_TAG_CHARACTERS = re.compile(r"[^-/\w\.]")


# -- names, tags and collections ----------------------------------------------------------------


def clean_tag(name):
    """Replace characters TensorBoard does not allow in tags by ``_``; drop a leading ``/``."""
    if name is None:
        return None
    cleaned = _INVALID_TAG_CHARACTERS.sub("_", name)
    return cleaned.lstrip("/")


@contextlib.contextmanager
def summary_scope(name, family=None, default_name=None, values=None):
    """Yield ``(tag, scope)``: the summary's tag and the name scope its op is built in.

    The tag is the scope's full name, so two summaries named ``loss`` get the tags
    ``loss`` and ``loss_1``; a ``family`` prefixes the tag once more so that TensorBoard
    shows it in that family's tab.
    """
    name = clean_tag(name)
    family = clean_tag(family)
    base = name if not family else f"{family}/{name}"
    with name_scope(base, default_name, values) as scope:
        tag = scope.rstrip("/")
        if family:
            tag = f"{family}/{tag}"
        yield tag, scope


def collect(value, collections, default_collections):
    """Add ``value`` to ``collections`` (or to the defaults when it is None)."""
    if collections is None:
        collections = default_collections
    for key in collections:
        add_to_collection(key, value)


def _string_scalar():
    return tensor_util.string_dtype()


_EMPTY_STRING_SCALAR = np.empty((), dtype=object)


def _as_string_array(serialized):
    out = _EMPTY_STRING_SCALAR.copy()  # cheaper than np.empty or np.array
    out[()] = serialized
    return out


# Serialized summaries made by the kernels below that carry no plugin metadata, by id():
# FileWriter.add_summary queues such bytes as they are without walking their fields first
# (that walk was a tenth of what a summary every step adds to the tutorial). The bytes
# objects themselves are held, so an id cannot be reused while it is listed; the table is
# emptied when full (a summary not found is walked, as any other bytes are).
_PLAIN_SUMMARIES = {}
_PLAIN_MAX = 64


def _plain(serialized):
    if len(_PLAIN_SUMMARIES) >= _PLAIN_MAX:
        _PLAIN_SUMMARIES.clear()
    _PLAIN_SUMMARIES[id(serialized)] = serialized
    return serialized


def is_plain_summary(data):
    """Whether ``data`` is a serialized summary one of our kernels made without metadata."""
    return _PLAIN_SUMMARIES.get(id(data)) is data


def _summary(values):
    pb = tb_protos.load()
    return pb.summary_pb2.Summary(value=values)


def _check_real(op_type, tensor, allowed=_REAL, arg="values"):
    if tensor.dtype not in allowed:
        names = ", ".join(d.name for d in allowed)
        raise TypeError(
            f"Value passed to parameter '{arg}' has DataType {tensor.dtype.name} not in list "
            f"of allowed values: {names} (op '{op_type}', tensor '{tensor.name}')"
        )


def _summary_op(op_type, inputs, attrs, scope):
    """Build one summary op named after its scope; return its string output."""
    return make_op(op_type, inputs, [_string_scalar()], attrs, scope).outputs[0]


# -- scalar -----------------------------------------------------------------------------------


def _varint(number):
    """Protocol buffer base-128 varint of a non-negative int."""
    if number < 0x80:
        return _ONE_BYTE_VARINTS[number]
    if number < 0x4000:  # a step or a length below 16,384: the next most common case
        return bytes((number & 0x7F | 0x80, number >> 7))
    out = bytearray()
    while True:
        low = number & 0x7F
        number >>= 7
        if number:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


_ONE_BYTE_VARINTS = [bytes((n,)) for n in range(0x80)]


def _scalar_kernel(attrs):
    """``Summary{value{tag, simple_value}}``, encoded by hand: the bytes around the float
    never change, and building a message per step costs more than the training step.
    (The test suite checks the bytes against TensorBoard's own encoding.)"""
    tag = attrs["tag"]
    tag_bytes = tag.encode("utf-8")
    value_body = b"\x0a" + _varint(len(tag_bytes)) + tag_bytes + b"\x15"  # tag, then float
    prefix = b"\x0a" + _varint(len(value_body) + 4) + value_body

    little_endian_f32 = np.dtype("<f4")

    def scalar(values):
        # The usual input, a float32 loss (a NumPy scalar, as reductions to one value
        # give, or a 0-d array): its bytes are the float field's. Few calls, as this
        # runs with every training step that writes a summary.
        if type(values) is np.float32:
            number = float(values)  # exact; packing it back gives the same four bytes
            if number == number:  # (a NaN's payload could change: tobytes keeps it)
                serialized = prefix + _F32_BYTES(number)
                if len(_PLAIN_SUMMARIES) >= _PLAIN_MAX:  # _plain and _as_string_array,
                    _PLAIN_SUMMARIES.clear()  # inlined: two calls fewer every step
                _PLAIN_SUMMARIES[id(serialized)] = serialized
                out = _EMPTY_STRING_SCALAR.copy()
                out[()] = serialized
                return out
        if type(values) is np.ndarray and values.dtype == little_endian_f32 and not values.ndim:
            return _as_string_array(_plain(prefix + values.tobytes()))
        # Kernels run with NumPy's floating-point warnings off: a value too big for a
        # float becomes inf, as protobuf stores it.
        if np.shape(values):
            raise errors.InvalidArgumentError(
                None, None,
                f"tags and values not the same shape: [] != {_dims(values)} (tag '{tag}')",
            )
        return _as_string_array(_plain(prefix + np.array(values, dtype="<f4").tobytes()))

    scalar.prefix = prefix
    return scalar


_FLOAT32_EXACT_COUNT = 1 << 24  # counts up to here are exact in float32 (see Mean's kernel)


def scalar_of_mean_kernel(scalar_kernel, mean_kernel, keep_mean, as_bytes):
    """``ScalarSummary(Mean(x))`` as one kernel, for a plan (fusion.py): a loss written
    every step. For a float32 vector the mean is summed as the Mean kernel sums it
    (NumPy's pairwise sum, without the keyword arguments that cost as much as the sum)
    and divided in double precision; packing that quotient as a float rounds it as the
    Mean kernel's float32 does, so the bytes are the two kernels' bytes. Anything else
    runs the two kernels. Returns the summary, after the mean when ``keep_mean``; as
    bytes (what a fetch gives) when ``as_bytes``: no other op reads it.
    """
    prefix = scalar_kernel.prefix
    add_reduce = np.add.reduce
    float32 = np.float32
    pack = _F32_BYTES
    plain = _PLAIN_SUMMARIES

    def scalar_of_mean(x):
        if (type(x) is np.ndarray and x.ndim == 1 and x.dtype.char == "f"
                and 0 < x.size <= _FLOAT32_EXACT_COUNT):
            number = float(add_reduce(x)) / x.size
            if number == number:  # (a NaN's payload: the kernels' path keeps it)
                serialized = prefix + pack(number)
                if len(plain) >= _PLAIN_MAX:
                    plain.clear()
                plain[id(serialized)] = serialized
                summary = serialized if as_bytes else _as_string_array(serialized)
                return (float32(number), summary) if keep_mean else summary
        mean = mean_kernel(x)
        summary = scalar_kernel(mean)
        if as_bytes:
            summary = summary[()]
        return (mean, summary) if keep_mean else summary

    return scalar_of_mean


_F32_BYTES = struct.Struct("<f").pack  # protocol buffers' float: little-endian


def _dims(array):
    return "[" + ",".join(str(d) for d in np.shape(array)) + "]"


register_op("ScalarSummary", _scalar_kernel, scalar_shape,
            signature=signature("values: T -> summary: string", T=_REAL))


def scalar(name, tensor, collections=None, family=None):
    """A summary holding one number (a 0-d real tensor), tagged with ``name``'s scope."""
    tb_protos.load()
    with summary_scope(name, family, values=[tensor]) as (tag, scope):
        tensor = convert_to_tensor(tensor)
        _check_real("ScalarSummary", tensor)
        if tensor.shape.ndims not in (None, 0):
            raise ValueError(
                f"Shape must be rank 0 but is rank {tensor.shape.ndims} for '{scope[:-1]}' "
                f"(op: 'ScalarSummary') with input shapes: {tensor.shape.bracket_str()}."
            )
        value = _summary_op("ScalarSummary", [tensor], {"tag": tag, "T": tensor.dtype}, scope)
    collect(value, collections, [GraphKeys.SUMMARIES])
    return value


# -- histogram ----------------------------------------------------------------------------------


def _default_bucket_limits():
    """TensorFlow's histogram buckets: edges growing by 10% from 1e-12 while below 1e20, then
    the largest double, mirrored for negative values around a 0.0 edge. (Built by repeated
    multiplication, as TensorFlow does, so the edges are the very same doubles.)"""
    positive = []
    edge = 1.0e-12
    while edge < 1.0e20:
        positive.append(edge)
        edge *= 1.1
    positive.append(np.finfo(np.float64).max)
    negative = [-v for v in reversed(positive)]
    return np.array([*negative, 0.0, *positive], dtype=np.float64)


_BUCKET_LIMITS = None


def _bucket_limits():
    global _BUCKET_LIMITS
    if _BUCKET_LIMITS is None:
        _BUCKET_LIMITS = _default_bucket_limits()
    return _BUCKET_LIMITS


def _filled_buckets(values):
    """The buckets that hold values, in order, their counts, and the sorted values: a value
    belongs to the first bucket whose limit is above it (the largest double stays in the
    last bucket).

    The values are sorted, then each limit is searched among them (1,549 searches, however
    many values): the count of values below each limit gives every bucket's count.
    """
    limits = _bucket_limits()
    ordered = np.sort(values)
    below = np.searchsorted(ordered, limits, side="left")
    counts = np.diff(below, prepend=0)
    counts[-1] += ordered.size - below[-1]  # values at the largest double
    buckets = np.flatnonzero(counts)
    return buckets, counts[buckets], limits, ordered


def _encoded_buckets(values):
    """``(bucket_limit, bucket)`` lists as TensorFlow writes them (each run of empty buckets
    becomes one empty bucket with the limit of the run's last), and the smallest and
    largest value."""
    buckets, counts, limits, ordered = _filled_buckets(values)
    last = limits.size - 1
    gap_before = np.empty(buckets.size, dtype=bool)
    gap_before[0] = buckets[0] > 0
    gap_before[1:] = buckets[1:] > buckets[:-1] + 1
    trailing = buckets[-1] < last
    positions = np.arange(buckets.size) + np.cumsum(gap_before)
    size = buckets.size + int(gap_before.sum()) + int(trailing)
    out_limits = np.empty(size)
    out_counts = np.zeros(size)
    out_limits[positions] = limits[buckets]
    out_counts[positions] = counts
    out_limits[positions[gap_before] - 1] = limits[buckets[gap_before] - 1]
    if trailing:
        out_limits[-1] = limits[last]
    return out_limits.tolist(), out_counts.tolist(), float(ordered[0]), float(ordered[-1])


def histogram_proto(values, tag="histogram"):
    """A ``HistogramProto`` of ``values`` with TensorFlow's default buckets.

    Runs of empty buckets are written as one bucket (the limit of the run's last), as
    TensorFlow does; non-finite values are an error naming ``tag``.
    """
    pb = tb_protos.load()
    flat = np.asarray(values, dtype=np.float64).ravel()
    if not np.isfinite(flat).all():
        raise errors.InvalidArgumentError(None, None, f"Nan in summary histogram for: {tag}")
    proto = pb.summary_pb2.HistogramProto()
    if flat.size == 0:
        proto.min = np.finfo(np.float64).max
        proto.max = -np.finfo(np.float64).max
        proto.bucket_limit.append(np.finfo(np.float64).max)
        proto.bucket.append(0.0)
        return proto
    proto.num = float(flat.size)
    with np.errstate(over="ignore"):  # sums of huge values are inf, as in TensorFlow
        proto.sum = float(flat.sum())
        proto.sum_squares = float(np.dot(flat, flat))
    bucket_limit, bucket, low, high = _encoded_buckets(flat)
    proto.min = low
    proto.max = high
    proto.bucket_limit.extend(bucket_limit)
    proto.bucket.extend(bucket)
    return proto


def _histogram_kernel(attrs):
    tag = attrs["tag"]
    pb = tb_protos.load()
    value_class = pb.summary_pb2.Summary.Value

    def histogram(values):
        proto = histogram_proto(values, tag)
        summary = _summary([value_class(tag=tag, histo=proto)])
        return _as_string_array(_plain(summary.SerializeToString()))

    return histogram


register_op("HistogramSummary", _histogram_kernel, scalar_shape,
            signature=signature("values: T -> summary: string", T=_REAL))


def histogram(name, values, collections=None, family=None):
    """A summary of the distribution of ``values`` (any shape, real numbers, all finite)."""
    tb_protos.load()
    with summary_scope(name, family, values=[values]) as (tag, scope):
        values = convert_to_tensor(values)
        _check_real("HistogramSummary", values)
        value = _summary_op("HistogramSummary", [values], {"tag": tag, "T": values.dtype},
                            scope)
    collect(value, collections, [GraphKeys.SUMMARIES])
    return value


# -- image ------------------------------------------------------------------------------------


def encode_png(pixels):
    """PNG bytes of an ``[height, width, channels]`` uint8 array (1, 3 or 4 channels)."""
    height, width, channels = pixels.shape
    color_type = {1: 0, 2: 4, 3: 2, 4: 6}[channels]
    rows = np.zeros((height, 1 + width * channels), dtype=np.uint8)
    rows[:, 1:] = pixels.reshape(height, width * channels)  # filter byte 0: none

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return b"".join([
        b"\x89PNG\r\n\x1a\n",
        chunk(b"IHDR", header),
        chunk(b"IDAT", zlib.compress(rows.tobytes(), 6)),
        chunk(b"IEND", b""),
    ])


def _normalize_float_image(image, bad_color):
    """A float image scaled to uint8 as TensorFlow does; non-finite pixels get ``bad_color``.

    All values non-negative: the largest becomes 255. Some negative: 0 maps to 128 and the
    largest magnitude to 127 away from it.
    """
    image = image.astype(np.float32)  # TensorFlow scales in float32
    finite_pixels = np.isfinite(image).all(axis=-1)
    finite_values = image[finite_pixels]
    low = float(finite_values.min()) if finite_values.size else 0.0
    high = float(finite_values.max()) if finite_values.size else 0.0
    threshold = 1e-6
    if low < 0:
        largest = max(abs(low), abs(high))
        scale = 0.0 if largest < threshold else np.float32(127.0) / np.float32(largest)
        offset = 128.0
    else:
        # In float32, as TensorFlow's kernel: a float64 scale can land a pixel one level off.
        scale = 0.0 if high < threshold else np.float32(255.0) / np.float32(high)
        offset = 0.0
    with np.errstate(invalid="ignore"):
        scaled = np.clip(image * scale + offset, 0, 255)
    out = np.where(finite_pixels[..., None], scaled, 0).astype(np.uint8)
    out[~finite_pixels] = bad_color[: image.shape[-1]]
    return out


def _image_kernel(attrs):
    tag = attrs["tag"]
    max_images = attrs["max_images"]
    bad_color = np.asarray(attrs["bad_color"], dtype=np.uint8)
    pb = tb_protos.load()
    summary_class = pb.summary_pb2.Summary

    def image(tensor):
        if tensor.ndim != 4 or tensor.shape[-1] not in (1, 3, 4):
            raise errors.InvalidArgumentError(
                None, None,
                f"Tensor must be 4-D with last dim 1, 3, or 4, not {_dims(tensor)} "
                f"(tag '{tag}')",
            )
        batch, height, width, channels = tensor.shape
        values = []
        for index in range(min(batch, max_images)):
            pixels = tensor[index]
            if pixels.dtype != np.uint8:
                pixels = _normalize_float_image(pixels, bad_color)
            encoded = summary_class.Image(
                height=height, width=width, colorspace=channels,
                encoded_image_string=encode_png(pixels),
            )
            image_tag = f"{tag}/image" if max_images == 1 else f"{tag}/image/{index}"
            values.append(summary_class.Value(tag=image_tag, image=encoded))
        return _as_string_array(_summary(values).SerializeToString())

    return image


register_op("ImageSummary", _image_kernel, scalar_shape,
            signature=signature("tensor: T -> summary: string", T=_IMAGE_DTYPES))


def image(name, tensor, max_outputs=3, collections=None, family=None):
    """A summary of up to ``max_outputs`` images of a ``[batch, height, width, channels]``
    tensor (uint8 as is; floats scaled to 0..255 per image, as TensorFlow does)."""
    tb_protos.load()
    if int(max_outputs) < 1:
        raise ValueError(f"max_outputs must be at least 1, got {max_outputs}")
    with summary_scope(name, family, values=[tensor]) as (tag, scope):
        tensor = convert_to_tensor(tensor)
        # No shape check here: TensorFlow's ImageSummary has a scalar shape function and its
        # kernel refuses a tensor that is not [batch, height, width, 1|3|4] when it runs (a
        # wrong summary that is never run does not stop a program).
        _check_real("ImageSummary", tensor, _IMAGE_DTYPES, "tensor")
        attrs = {"tag": tag, "max_images": int(max_outputs), "T": tensor.dtype,
                 "bad_color": (255, 0, 0, 255)}
        value = _summary_op("ImageSummary", [tensor], attrs, scope)
    collect(value, collections, [GraphKeys.SUMMARIES])
    return value


# -- audio ------------------------------------------------------------------------------------


def encode_wav(samples, sample_rate):
    """16-bit PCM WAV bytes of ``[frames, channels]`` floats in [-1, 1] (clipped)."""
    # TensorFlow's WAV encoder scales by 2**15, rounds, then clamps to int16's range.
    scaled = np.round(np.asarray(samples, np.float32) * np.float32(32768.0))
    pcm = np.clip(scaled, -32768, 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(samples.shape[1])
        out.setsampwidth(2)
        out.setframerate(int(sample_rate))
        out.writeframes(pcm.tobytes())
    return buffer.getvalue()


def _audio_kernel(attrs):
    tag = attrs["tag"]
    max_outputs = attrs["max_outputs"]
    pb = tb_protos.load()
    summary_class = pb.summary_pb2.Summary

    def audio(tensor, sample_rate):
        if tensor.ndim not in (2, 3):
            raise errors.InvalidArgumentError(
                None, None, f"Tensor must be 3-D or 2-D, got: {_dims(tensor)} (tag '{tag}')")
        rate = float(sample_rate)
        if not rate > 0:
            raise errors.InvalidArgumentError(
                None, None, f"sample_rate must be positive, got {rate} (tag '{tag}')")
        if tensor.ndim == 2:
            tensor = tensor[:, :, None]
        values = []
        for index in range(min(tensor.shape[0], max_outputs)):
            clip = np.asarray(tensor[index], dtype=np.float32)
            encoded = summary_class.Audio(
                sample_rate=rate, num_channels=clip.shape[1], length_frames=clip.shape[0],
                encoded_audio_string=encode_wav(clip, rate), content_type="audio/wav",
            )
            audio_tag = f"{tag}/audio" if max_outputs == 1 else f"{tag}/audio/{index}"
            values.append(summary_class.Value(tag=audio_tag, audio=encoded))
        return _as_string_array(_summary(values).SerializeToString())

    return audio


register_op("AudioSummaryV2", _audio_kernel, scalar_shape,
            signature=signature("tensor: float32, sample_rate: float32 -> summary: string"))


def audio(name, tensor, sample_rate, max_outputs=3, collections=None, family=None):
    """A summary of up to ``max_outputs`` clips of a ``[batch, frames(, channels)]`` float
    tensor with values in [-1, 1], played at ``sample_rate`` Hz."""
    tb_protos.load()
    with summary_scope(name, family, values=[tensor]) as (tag, scope):
        tensor = convert_to_tensor(tensor, dtype=dtypes.float32)
        sample_rate = convert_to_tensor(sample_rate, dtype=dtypes.float32, name="sample_rate")
        attrs = {"tag": tag, "max_outputs": int(max_outputs)}
        value = _summary_op("AudioSummaryV2", [tensor, sample_rate], attrs, scope)
    collect(value, collections, [GraphKeys.SUMMARIES])
    return value


# -- tensors and text ---------------------------------------------------------------------------


def _tensor_summary_kernel(attrs):
    tag = attrs["tag"]
    pb = tb_protos.load()
    metadata = pb.summary_pb2.SummaryMetadata.FromString(attrs["serialized_summary_metadata"])
    value_class = pb.summary_pb2.Summary.Value

    def tensor_summary_kernel(tensor):
        proto = tensor_util.make_tensor_proto(tensor)
        summary = _summary([value_class(tag=tag, metadata=metadata, tensor=proto)])
        return _as_string_array(summary.SerializeToString())

    return tensor_summary_kernel


register_op("TensorSummaryV2", _tensor_summary_kernel, scalar_shape,
            signature=signature("tensor: T -> summary: string", T=ALL))


def tensor_summary(name, tensor, summary_description=None, collections=None,
                   summary_metadata=None, family=None, display_name=None):
    """A summary holding a whole tensor, with optional plugin metadata."""
    pb = tb_protos.load()
    if summary_metadata is None:
        summary_metadata = pb.summary_pb2.SummaryMetadata()
    if summary_description is not None:
        summary_metadata.summary_description = summary_description
    if display_name is not None:
        summary_metadata.display_name = display_name
    serialized = summary_metadata.SerializeToString()
    with summary_scope(name, family, values=[tensor]) as (tag, scope):
        tensor = convert_to_tensor(tensor)
        attrs = {"tag": tag, "serialized_summary_metadata": serialized, "T": tensor.dtype}
        value = _summary_op("TensorSummaryV2", [tensor], attrs, scope)
    collect(value, collections, [GraphKeys.SUMMARIES])
    return value


def text(name, tensor, collections=None):
    """A summary of a string tensor, shown (as Markdown) by TensorBoard's text dashboard."""
    pb = tb_protos.load()
    if isinstance(tensor, str | bytes):
        tensor = convert_to_tensor(tensor)
    tensor = convert_to_tensor(tensor)
    if tensor.dtype.name != "string":
        raise ValueError(f"Expected tensor {tensor.name} to have dtype string, got "
                         f"{tensor.dtype.name}")
    metadata = pb.summary_pb2.SummaryMetadata(
        plugin_data=pb.summary_pb2.SummaryMetadata.PluginData(plugin_name="text"))
    return tensor_summary(name, tensor, summary_metadata=metadata, collections=collections)


# -- merging ---------------------------------------------------------------------------------


def _bytes_of(value):
    return value[()] if type(value) is np.ndarray else value


def _as_string_array_of(value):
    return value if type(value) is np.ndarray else _as_string_array(value)


def _merge_kernel(attrs):
    pb = tb_protos.load()
    parse = pb.summary_pb2.Summary.FromString
    if attrs.get("distinct_tags"):
        # Every input's tags were known when the graph was built, and none repeats: joining
        # the serialized messages is merging them (repeated fields concatenate).
        if attrs["N"] == 1:
            return _as_string_array_of

        def join(*inputs):
            parts = [_bytes_of(v) for v in inputs]
            joined = b"".join(parts)
            if all(_PLAIN_SUMMARIES.get(id(part)) is part for part in parts):
                _plain(joined)
            return _as_string_array(joined)

        return join

    def merge_kernel(*inputs):
        seen = set()
        parts = []
        for serialized in inputs:
            serialized = serialized[()] if isinstance(serialized, np.ndarray) else serialized
            for value in parse(serialized).value:
                if value.tag in seen:
                    raise errors.InvalidArgumentError(
                        None, None, f"Duplicate tag {value.tag} found in summary inputs")
                seen.add(value.tag)
            parts.append(serialized)
        return _as_string_array(b"".join(parts))

    return merge_kernel


def _merge_shape(op):
    for tensor in op.inputs:
        if tensor.shape.ndims not in (None, 0):
            raise ShapeError(f"Shape must be rank 0 but is rank {tensor.shape.ndims}")
    return [TensorShape([])]


register_op("MergeSummary", _merge_kernel, _merge_shape,
            signature=signature("inputs: N * string -> summary: string"))


def merge(inputs, collections=None, name=None):
    """One summary holding all the values of ``inputs`` (serialized summaries)."""
    tb_protos.load()
    name = clean_tag(name)
    tensors = [convert_to_tensor(t) for t in inputs]
    for tensor in tensors:
        if tensor.dtype.name != "string":
            raise TypeError(f"tf.summary.merge needs string tensors (serialized summaries), "
                            f"got {tensor.name} of dtype {tensor.dtype.name}")
    tags = [_static_tags(t) for t in tensors]
    known = all(t is not None for t in tags)
    flat = [tag for group in tags for tag in group] if known else []
    attrs = {"N": len(tensors), "distinct_tags": known and len(set(flat)) == len(flat)}
    with name_scope(name, "Merge", tensors):
        op = make_op("MergeSummary", tensors, [_string_scalar()], attrs, name, "MergeSummary")
        value = op.outputs[0]
    collect(value, collections, [])
    return value


def _static_tags(tensor):
    """The tags a summary tensor can hold, known from its op; None when they are not."""
    op = tensor.op
    tag = op.attrs.get("tag")
    if op.type in ("ScalarSummary", "HistogramSummary", "TensorSummaryV2"):
        return [tag]
    if op.type in ("ImageSummary", "AudioSummaryV2"):
        kind = "image" if op.type == "ImageSummary" else "audio"
        count = op.attrs["max_images" if kind == "image" else "max_outputs"]
        return [f"{tag}/{kind}"] if count == 1 else [f"{tag}/{kind}/{i}" for i in range(count)]
    if op.type == "MergeSummary" and op.attrs.get("distinct_tags"):
        return [t for source in op.inputs for t in _static_tags(source)]
    return None


def merge_all(key=GraphKeys.SUMMARIES, scope=None, name=None):
    """Merge the summaries in collection ``key`` (None when there are none)."""
    from ..graph import get_collection

    summaries = get_collection(key, scope=scope)
    if not summaries:
        return None
    return merge(summaries, name=name)


for _op_type in ("ScalarSummary", "HistogramSummary", "ImageSummary", "AudioSummaryV2",
                 "TensorSummaryV2", "MergeSummary"):
    NotDifferentiable(_op_type)
