"""``tf.IndexedSlices``: some rows of a tensor, the form gradients of row gathers take.

``IndexedSlices(values, indices, dense_shape)`` stands for the ``dense_shape`` tensor whose
row ``indices[i]`` is ``values[i]`` (rows named twice add up) and whose other rows are zero.
The gradient of ``gather(params, ids)`` with respect to ``params`` is one: a batch of 128 ids
into a 50,000-row embedding table touches 128 rows, and optimizers update only those
(``Optimizer._apply_sparse``). Anything that needs a plain tensor converts it
(``convert_to_tensor``), which sums the rows into a dense tensor with
``unsorted_segment_sum`` and warns, as TensorFlow 1.x does, when that tensor may be huge
(more than 100M elements, or a shape not known when the graph is built).

Fetching one gives ``IndexedSlicesValue(values, indices, dense_shape)`` (session.py).
"""

import collections
import warnings

import numpy as np

from .. import dtypes
from ..graph import Tensor, convert_to_tensor, register_tensor_conversion_function
from ..tensor_shape import TensorShape, unknown_shape
from . import cwise_ops, join_split_ops, sequence_ops, slice_ops
from .common import constant_value
from .constant_op import cast
from .sparse_tensor import ValuesBacked

__all__ = ["IndexedSlices", "IndexedSlicesValue", "convert_to_tensor_or_indexed_slices",
           "aggregate_gradients"]

# What a fetched IndexedSlices gives; dense_shape is None when the slices have none.
IndexedSlicesValue = collections.namedtuple("IndexedSlicesValue",
                                            ["values", "indices", "dense_shape"],
                                            defaults=(None,))

# TensorFlow warns when densifying more elements than this (framework/ops.py).
_LARGE_SPARSE_NUM_ELEMENTS = 100_000_000


class IndexedSlices(ValuesBacked):
    """Rows ``values[i]`` of a ``dense_shape`` tensor at rows ``indices[i]`` (a sparse
    gradient). ``dense_shape`` may be None (then it cannot be made dense)."""

    _fetch_type = IndexedSlicesValue

    def __init__(self, values, indices, dense_shape=None):
        self._values = convert_to_tensor(values, name="values")
        self._indices = convert_to_tensor(indices, name="indices")
        self._dense_shape = None if dense_shape is None else convert_to_tensor(
            dense_shape, name="dense_shape")

    @property
    def values(self):
        return self._values

    @property
    def indices(self):
        return self._indices

    @property
    def dense_shape(self):
        return self._dense_shape

    @property
    def name(self):
        return self._values.name

    @property
    def device(self):
        return self._values.device

    @property
    def shape(self):
        """The static shape of the dense tensor this stands for (as far as known)."""
        rows = self._values.shape
        tail = rows[1:] if rows.ndims is not None else unknown_shape()
        if self._dense_shape is None:
            return unknown_shape() if rows.ndims is None else TensorShape([None]).concatenate(
                tail)
        known = constant_value(self._dense_shape)
        if known is not None:
            return TensorShape([int(d) for d in np.ravel(known)])
        rank = self._dense_shape.shape.as_list()[0] if self._dense_shape.shape.ndims else None
        if rank is None and rows.ndims is None:
            return unknown_shape()
        return TensorShape([None]).concatenate(tail) if rows.ndims is not None else \
            unknown_shape(rank)

    def get_shape(self):
        return self.shape

    def consumers(self):
        parts = [self._values, self._indices]
        if self._dense_shape is not None:
            parts.append(self._dense_shape)
        return [op for part in parts for op in part.consumers()]

    def _fetch_parts(self):
        """The tensors a session fetches for this (rebuilt as ``_fetch_type``)."""
        parts = [self._values, self._indices]
        return parts if self._dense_shape is None else [*parts, self._dense_shape]

    def __neg__(self):
        return IndexedSlices(cwise_ops.negative(self._values), self._indices, self._dense_shape)

    def __str__(self):
        shape = "" if self._dense_shape is None else f", dense_shape={self._dense_shape}"
        return f"IndexedSlices(indices={self._indices}, values={self._values}{shape})"

    def __repr__(self):
        shape = "" if self._dense_shape is None else f", dense_shape={self._dense_shape!r}"
        return f"IndexedSlices(indices={self._indices!r}, values={self._values!r}{shape})"


def _to_dense(value, dtype=None, name=None):
    """The dense tensor an IndexedSlices stands for (TensorFlow's conversion, same warning)."""
    if dtype is not None and not dtypes.as_dtype(dtype).is_compatible_with(value.dtype):
        raise ValueError(f"Tensor conversion requested dtype {dtypes.as_dtype(dtype).name} for "
                         f"IndexedSlices with dtype {value.dtype.name}")
    if value.dense_shape is None:
        raise ValueError(f"Tensor conversion requested for IndexedSlices without "
                         f"dense_shape: {value!s}")
    known = constant_value(value.dense_shape)
    if known is None:
        warnings.warn("Converting sparse IndexedSlices to a dense Tensor of unknown shape. "
                      "This may consume a large amount of memory.", UserWarning, stacklevel=3)
    else:
        count = int(np.prod(known, dtype=np.int64))
        if count >= _LARGE_SPARSE_NUM_ELEMENTS:
            warnings.warn(f"Converting sparse IndexedSlices to a dense Tensor with {count} "
                          f"elements. This may consume a large amount of memory.",
                          UserWarning, stacklevel=3)
    return densify(value, name)


def densify(value, name=None):
    """``value`` (IndexedSlices with a dense_shape) as a dense tensor, without a warning."""
    rows = slice_ops.strided_slice(value.dense_shape, [0], [1], shrink_axis_mask=1)
    dense = sequence_ops.unsorted_segment_sum(value.values, value.indices, rows, name=name)
    dense.set_shape(dense.shape.merge_with(value.shape))
    return dense


register_tensor_conversion_function(IndexedSlices, _to_dense)


def convert_to_tensor_or_indexed_slices(value, dtype=None, name=None):
    """IndexedSlices as they are, anything else through ``convert_to_tensor``."""
    if isinstance(value, IndexedSlices):
        if dtype is not None and not dtypes.as_dtype(dtype).is_compatible_with(value.dtype):
            raise ValueError(f"Tensor conversion requested dtype {dtypes.as_dtype(dtype).name} "
                             f"for IndexedSlices with dtype {value.dtype.name}")
        return value
    return convert_to_tensor(value, dtype=dtype, name=name)


def aggregate_gradients(grads, add_n):
    """The sum of several gradients of one tensor, as TensorFlow aggregates them.

    All dense: ``add_n``. Some IndexedSlices with a dense tensor among them: everything is
    made dense and added. Only IndexedSlices: their values and indices are concatenated into
    one IndexedSlices (the rows are summed later, by whoever applies it).
    """
    grads = [g for g in grads if g is not None]
    if not grads:
        return None
    if len(grads) == 1:
        return grads[0]
    if all(isinstance(g, Tensor) for g in grads):
        return add_n(grads)
    if any(isinstance(g, Tensor) for g in grads):
        return add_n([convert_to_tensor(g) for g in grads])
    values = join_split_ops.concat([g.values for g in grads], 0)
    indices = join_split_ops.concat([_same_index_dtype(g.indices, grads) for g in grads], 0)
    return IndexedSlices(values, indices, grads[0].dense_shape)


def _same_index_dtype(indices, grads):
    """int32 and int64 indices concatenated together become int64."""
    if any(g.indices.dtype == dtypes.int64 for g in grads) and indices.dtype != dtypes.int64:
        return cast(indices, dtypes.int64)
    return indices
