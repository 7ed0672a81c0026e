"""``tf.contrib.deprecated``: TensorFlow 0.x's summary functions, kept by TensorFlow 1.x for
programs written before ``tf.summary``. Unlike ``tf.summary.*``, the tag is used exactly as
given (no name scope is prepended, no character is replaced), ``scalar_summary`` takes a
tag per element of its values, and ``image_summary`` calls its limit ``max_images``.
"""

import numpy as np

from .. import dtypes
from ..graph import GraphKeys, convert_to_tensor, name_scope
from ..ops import summary_ops
from ..ops.common import constant_value
from ..ops.shape_ops import reshape
from ..ops.slice_ops import strided_slice
from ._missing import missing_attribute

__all__ = ["audio_summary", "histogram_summary", "image_summary", "merge_all_summaries",
           "merge_summary", "scalar_summary"]


def _tags(tags, what):
    """The tags as Python strings (with their shape): they must be known when building."""
    value = tags if isinstance(tags, str | bytes | list | tuple | np.ndarray) else (
        constant_value(convert_to_tensor(tags)))
    if value is None:
        raise ValueError(f"{what}: smallflow needs the tags as strings known when the graph is "
                         f"built (a constant), got the computed tensor {tags!r}")
    array = np.asarray(value, dtype=object)
    flat = [t.decode() if isinstance(t, bytes) else str(t) for t in array.ravel()]
    return flat, array.shape


def scalar_summary(tags, values, collections=None, name=None):
    """One scalar summary value per element of ``values``, tagged by the same element of
    ``tags`` (both of the same shape; a single tag and a scalar value in the common case)."""
    summary_ops.tb_protos.load()
    with name_scope(name, "ScalarSummary", [values]) as scope:
        values = convert_to_tensor(values)
        tags, shape = _tags(tags, "scalar_summary")
        if values.shape.is_fully_defined() and tuple(values.shape.as_list()) != tuple(shape):
            raise ValueError(f"tags and values not the same shape: {list(shape)} != "
                             f"{values.shape.as_list()} (tags {tags!r})")
        if len(tags) == 1 and shape == ():
            value = summary_ops._summary_op("ScalarSummary", [values],
                                            {"tag": tags[0], "T": values.dtype}, scope)
        else:
            flat = reshape(values, [-1])
            parts = [summary_ops._summary_op(
                "ScalarSummary", [strided_slice(flat, [i], [i + 1], shrink_axis_mask=1)],
                {"tag": tag, "T": values.dtype}, f"{scope}element_{i}")
                for i, tag in enumerate(tags)]
            value = summary_ops.merge(parts, name="merged")
    summary_ops.collect(value, collections, [GraphKeys.SUMMARIES])
    return value


def histogram_summary(tag, values, collections=None, name=None):
    """A histogram of ``values`` under the tag ``tag`` as written."""
    summary_ops.tb_protos.load()
    with name_scope(name, "HistogramSummary", [values]) as scope:
        values = convert_to_tensor(values)
        summary_ops._check_real("HistogramSummary", values)
        (tag,), _ = _tags(tag, "histogram_summary")
        value = summary_ops._summary_op("HistogramSummary", [values],
                                        {"tag": tag, "T": values.dtype}, scope)
    summary_ops.collect(value, collections, [GraphKeys.SUMMARIES])
    return value


def image_summary(tag, tensor, max_images=3, collections=None, name=None):
    """Up to ``max_images`` images of ``tensor`` under ``tag`` ('tag/image/0', ... for
    several, as the ImageSummary op names them)."""
    summary_ops.tb_protos.load()
    with name_scope(name, "ImageSummary", [tensor]) as scope:
        tensor = convert_to_tensor(tensor)
        summary_ops._check_real("ImageSummary", tensor, summary_ops._IMAGE_DTYPES, "tensor")
        (tag,), _ = _tags(tag, "image_summary")
        attrs = {"tag": tag, "max_images": int(max_images), "T": tensor.dtype,
                 "bad_color": (255, 0, 0, 255)}
        value = summary_ops._summary_op("ImageSummary", [tensor], attrs, scope)
    summary_ops.collect(value, collections, [GraphKeys.SUMMARIES])
    return value


def audio_summary(tag, tensor, sample_rate, max_outputs=3, collections=None, name=None):
    """Up to ``max_outputs`` clips of ``tensor`` at ``sample_rate`` Hz under ``tag``."""
    summary_ops.tb_protos.load()
    with name_scope(name, "AudioSummary", [tensor]) as scope:
        tensor = convert_to_tensor(tensor, dtype=dtypes.float32)
        sample_rate = convert_to_tensor(sample_rate, dtype=dtypes.float32, name="sample_rate")
        (tag,), _ = _tags(tag, "audio_summary")
        value = summary_ops._summary_op("AudioSummaryV2", [tensor, sample_rate],
                                        {"tag": tag, "max_outputs": int(max_outputs)}, scope)
    summary_ops.collect(value, collections, [GraphKeys.SUMMARIES])
    return value


def merge_summary(inputs, collections=None, name=None):
    """``tf.summary.merge``."""
    return summary_ops.merge(inputs, collections=collections, name=name)


def merge_all_summaries(key=GraphKeys.SUMMARIES):
    """``tf.summary.merge_all(key)``: None when the collection is empty."""
    return summary_ops.merge_all(key)


__getattr__ = missing_attribute(__name__, "tf.contrib.deprecated")
