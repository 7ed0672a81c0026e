"""``tf.compat``: ``tf.compat.v1`` is smallflow itself (so ``import smallflow.compat.v1 as
tf`` works), and TensorFlow's bytes/text helpers."""

import contextlib
import datetime
import numbers
import os
import sys

import numpy as np

from .. import tensor_shape

# ``smallflow.compat.v1`` is the package itself: TF1 programs written against the compat
# module (``import tensorflow.compat.v1 as tf``) run unchanged after the rename.
v1 = sys.modules[__name__.rpartition(".")[0]]
sys.modules[__name__ + ".v1"] = v1

bytes_or_text_types = (bytes, str)
integral_types = (numbers.Integral, np.integer)
real_types = (numbers.Real, np.integer, np.floating)
complex_types = (numbers.Complex, np.number)

__all__ = ["as_bytes", "as_str", "as_str_any", "as_text", "bytes_or_text_types",
           "complex_types", "dimension_at_index", "dimension_value",
           "forward_compatibility_horizon", "forward_compatible", "integral_types",
           "path_to_str", "real_types", "v1"]

# The forward-compatibility horizon of the TensorFlow release smallflow follows (the r1.15 /
# r2.0 branch point): code asks ``forward_compatible(y, m, d)`` to choose between an op's old
# and new forms; the answer is True for dates before the horizon.
# TF_FORWARD_COMPATIBILITY_DELTA_DAYS moves it, as in TensorFlow.
_HORIZON = {"date": datetime.date(2019, 8, 6)}


def _horizon():
    days = int(os.environ.get("TF_FORWARD_COMPATIBILITY_DELTA_DAYS", "0") or 0)
    return _HORIZON["date"] + datetime.timedelta(days=days)


def forward_compatible(year, month, day):
    """True when the horizon is past ``year-month-day``: graphs may use what consumers of
    that date understand."""
    return _horizon() > datetime.date(year, month, day)


@contextlib.contextmanager
def forward_compatibility_horizon(year, month, day):
    """The horizon set to ``year-month-day`` inside the block (tests of both forms)."""
    saved = _HORIZON["date"]
    _HORIZON["date"] = datetime.date(year, month, day)
    try:
        yield
    finally:
        _HORIZON["date"] = saved


def as_bytes(bytes_or_text, encoding="utf-8"):
    if isinstance(bytes_or_text, bytearray):
        return bytes(bytes_or_text)
    if isinstance(bytes_or_text, str):
        return bytes_or_text.encode(encoding)
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


def as_text(bytes_or_text, encoding="utf-8"):
    if isinstance(bytes_or_text, str):
        return bytes_or_text
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text.decode(encoding)
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


as_str = as_text


def as_str_any(value):
    return as_str(value) if isinstance(value, bytes) else str(value)


def path_to_str(path):
    return os.fspath(path) if hasattr(path, "__fspath__") else path


def dimension_value(dimension):
    """The int (or None) of a Dimension, or ``dimension`` itself."""
    return getattr(dimension, "value", dimension)


def dimension_at_index(shape, index):
    shape = tensor_shape.as_shape(shape)
    if shape.ndims is None:
        return tensor_shape.Dimension(None)
    return shape[index]
