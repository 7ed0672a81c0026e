"""Variable partitioners: ``tf.fixed_size_partitioner``, ``variable_axis_size_partitioner``,
``min_max_variable_partitioner``.

Each returns TensorFlow's callable ``partitioner(shape, dtype) -> [partitions per axis]``
with TensorFlow 1.x's rules, so programs that pass one to ``get_variable``,
``variable_scope`` or a canned estimator build and train. smallflow keeps every variable
whole (one array, one device): the partitioner is accepted and its answer not used, so
variable names and checkpoint keys are those of the unpartitioned variable.
"""

import math

from . import dtypes
from .tensor_shape import TensorShape

__all__ = ["fixed_size_partitioner", "min_max_variable_partitioner",
           "variable_axis_size_partitioner"]


def _element_bytes(dtype, bytes_per_string_element):
    dtype = dtypes.as_dtype(dtype)
    return bytes_per_string_element if dtype.base_dtype == dtypes.string else dtype.size


def fixed_size_partitioner(num_shards, axis=0):
    """``num_shards`` parts along ``axis`` (fewer when the axis is shorter)."""
    def _partitioner(shape, **unused_args):
        shape = TensorShape(shape)
        partitions = [1] * shape.ndims
        partitions[axis] = min(num_shards, shape.dims[axis].value)
        return partitions

    return _partitioner


def variable_axis_size_partitioner(max_shard_bytes, axis=0, bytes_per_string_element=16,
                                   max_shards=None):
    """As many parts along ``axis`` as keep each under ``max_shard_bytes`` (at least one
    slice each), at most ``max_shards``."""
    if max_shard_bytes < 1 or bytes_per_string_element < 1:
        raise ValueError(f"Both max_shard_bytes and bytes_per_string_element must be "
                         f"positive. Currently, max_shard_bytes is {max_shard_bytes} and "
                         f"bytes_per_string_element is {bytes_per_string_element}")
    if max_shards and max_shards < 1:
        raise ValueError("max_shards must be positive.")

    def _partitioner(shape, dtype):
        if not isinstance(shape, TensorShape):
            raise ValueError(f"shape is not a TensorShape: {shape}")
        if not shape.is_fully_defined():
            raise ValueError(f"shape is not fully defined: {shape}")
        if not isinstance(dtype, dtypes.DType):
            raise ValueError(f"dtype is not a DType: {dtype}")
        partitions = [1] * shape.ndims
        length = shape.dims[axis].value
        bytes_per_slice = shape.num_elements() / length * _element_bytes(
            dtype, bytes_per_string_element)
        slices_per_shard = max(1, math.floor(max_shard_bytes / bytes_per_slice))
        shards = int(math.ceil(length / slices_per_shard))
        if max_shards:
            shards = min(max_shards, shards)
        partitions[axis] = shards
        return partitions

    return _partitioner


def min_max_variable_partitioner(max_partitions=1, axis=0, min_slice_size=256 << 10,
                                 bytes_per_string_element=16):
    """Parts of at least ``min_slice_size`` bytes along ``axis``, at most
    ``max_partitions`` (and never more than the axis is long)."""
    def _partitioner(shape, dtype):
        shape = TensorShape(shape)
        if axis >= shape.ndims:
            raise ValueError(f"Can not partition variable along axis {axis} when shape is "
                             f"only {shape}")
        total = shape.num_elements() * _element_bytes(dtype, bytes_per_string_element)
        partitions = [1] * shape.ndims
        partitions[axis] = max(1, min(shape.dims[axis].value, max_partitions,
                                      int(math.ceil(total / min_slice_size))))
        return partitions

    return _partitioner
