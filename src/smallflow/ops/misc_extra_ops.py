"""Small ops of TF1's top level: ``bitcast`` (reinterpret the bytes of a tensor as another
dtype) and ``timestamp`` (seconds since the epoch when the op runs)."""

import time

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import convert_to_tensor
from ..op_signature import NUMBERS, signature
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape, unknown_shape
from .common import make_op


def _bitcast_kernel(attrs):
    out_type = np.dtype(attrs["type"].as_numpy_dtype)

    def bitcast(x):
        in_size = x.dtype.itemsize
        out_size = out_type.itemsize
        if in_size < out_size:
            ratio = out_size // in_size
            if x.ndim == 0 or x.shape[-1] != ratio:
                raise InvalidArgumentError(None, None, f"Cannot bitcast from {x.dtype} to "
                                                       f"{out_type}: the last dimension must "
                                                       f"be {ratio}")
            return np.ascontiguousarray(x).view(out_type).reshape(x.shape[:-1])
        if in_size > out_size:
            ratio = in_size // out_size
            return np.ascontiguousarray(x).reshape(x.shape + (1,)).view(out_type).reshape(
                x.shape + (ratio,))
        return np.ascontiguousarray(x).view(out_type)

    return bitcast


def _bitcast_shape(op):
    shape = op.inputs[0].shape
    in_size = np.dtype(op.inputs[0].dtype.as_numpy_dtype).itemsize
    out_size = np.dtype(op.attrs["type"].as_numpy_dtype).itemsize
    if shape.ndims is None:
        return [unknown_shape()]
    dims = shape.as_list()
    if in_size > out_size:
        return [TensorShape([*dims, in_size // out_size])]
    if in_size < out_size:
        return [TensorShape(dims[:-1])]
    return [shape]


register_op("Bitcast", _bitcast_kernel, _bitcast_shape,
            signature=signature("input: T -> output: type", T=NUMBERS, type=NUMBERS))
NotDifferentiable("Bitcast")


def bitcast(input, type, name=None):  # noqa: A002 - TensorFlow's argument names
    """The bytes of ``input`` read as ``type``: same shape for equal sizes; a narrower type
    adds a last dimension of (size ratio); a wider one needs that last dimension and drops
    it."""
    x = convert_to_tensor(input, name="input")
    out_type = dtypes.as_dtype(type).base_dtype
    in_size = np.dtype(x.dtype.as_numpy_dtype).itemsize
    out_size = np.dtype(out_type.as_numpy_dtype).itemsize
    if in_size < out_size:
        dims = x.shape.as_list() if x.shape.ndims is not None else None
        if dims is not None and (not dims or dims[-1] not in (None, out_size // in_size)):
            raise ValueError(f"Cannot bitcast from {x.dtype.name} to {out_type.name}: the "
                             f"last dimension of shape {x.shape.bracket_str()} must be "
                             f"{out_size // in_size}")
    return make_op("Bitcast", [x], [out_type], {"type": out_type}, name).outputs[0]


def _timestamp_kernel(attrs, state=None):
    def timestamp():
        return np.float64(time.time())

    return timestamp


register_op("Timestamp", _timestamp_kernel, lambda op: [TensorShape([])], stateful=True,
            signature=signature("-> ts: float64"))
NotDifferentiable("Timestamp")


def timestamp(name=None):
    """The time in seconds since the Unix epoch (float64) when the op runs."""
    return make_op("Timestamp", [], [dtypes.float64], None, name).outputs[0]
