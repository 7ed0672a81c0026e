"""``tf.SparseTensor`` and ``tf.SparseTensorValue``.

A ``SparseTensor`` is three tensors: ``indices`` (int64 ``[N, rank]``, one row per stored
value), ``values`` (``[N]``) and ``dense_shape`` (int64 ``[rank]``). It is a named tuple of
those three, so nested structures (``tf.data`` elements, ``parse_example`` results) carry it
through as its parts; fetching one gives a ``SparseTensorValue`` of arrays, and feeding a
``SparseTensorValue`` (or a triple) to a sparse placeholder feeds its parts
(``session.py``). Values are stored in the order given: ``sparse_reorder`` sorts them.
"""

import collections

import numpy as np

from .. import dtypes
from ..graph import convert_to_tensor, get_default_graph, get_default_session
from ..tensor_shape import TensorShape, unknown_shape
from .common import constant_value

__all__ = ["SparseTensor", "SparseTensorValue", "convert_to_tensor_or_sparse_tensor",
           "is_sparse"]

SparseTensorValue = collections.namedtuple("SparseTensorValue",
                                           ["indices", "values", "dense_shape"])


class ValuesBacked:
    """dtype, op and graph of a composite tensor are those of its ``values`` tensor
    (SparseTensor and IndexedSlices share this)."""

    __slots__ = ()

    @property
    def dtype(self):
        return self.values.dtype

    @property
    def op(self):
        return self.values.op

    @property
    def graph(self):
        return self.values.graph


class SparseTensor(ValuesBacked, collections.namedtuple("SparseTensor",
                                                        ["indices", "values", "dense_shape"])):
    """A sparse tensor: ``values[i]`` sits at ``indices[i]`` in a ``dense_shape`` tensor."""

    __slots__ = ()
    # What a session returns when this is fetched (session.py looks it up).
    _fetch_type = SparseTensorValue

    def __new__(cls, indices, values, dense_shape):
        # Python parts become constants in a "SparseTensor" scope (SparseTensor/indices).
        with get_default_graph().name_scope("SparseTensor"):
            indices = convert_to_tensor(indices, dtype=dtypes.int64, name="indices")
            values = convert_to_tensor(values, name="values")
            dense_shape = convert_to_tensor(dense_shape, dtype=dtypes.int64,
                                            name="dense_shape")
        for tensor, rank, _what in ((indices, 2, "indices"), (values, 1, "values"),
                                   (dense_shape, 1, "dense_shape")):
            if tensor.shape.ndims not in (None, rank):
                # (TensorFlow's words: its shapes' with_rank check)
                raise ValueError(f"Shape {tensor.shape} must have rank {rank}")
        return super().__new__(cls, indices, values, dense_shape)

    @classmethod
    def from_value(cls, sparse_tensor_value):
        """A SparseTensor of constants from a ``SparseTensorValue`` (or a SparseTensor)."""
        if isinstance(sparse_tensor_value, SparseTensor):
            return sparse_tensor_value
        return cls(*sparse_tensor_value)

    @property
    def shape(self):
        """The static dense shape (known when ``dense_shape`` is a constant)."""
        known = constant_value(self.dense_shape)
        if known is not None:
            return TensorShape([int(d) for d in np.asarray(known).reshape(-1)])
        if self.dense_shape.op.type == "Pack":
            # A shape stacked from scalars (an iterator's sparse element): the constant ones
            # are known, as TensorFlow's constant_value_as_shape reads a Pack.
            dims = [constant_value(part) for part in self.dense_shape.op.inputs]
            return TensorShape([None if d is None else int(d) for d in dims])
        if self.dense_shape.op.type == "PlaceholderWithDefault":
            # sparse_placeholder's shape: its default, -1 marking unknown dimensions.
            default = constant_value(self.dense_shape.op.inputs[0])
            if default is not None:
                return TensorShape([None if d < 0 else int(d) for d in np.ravel(default)])
        rank = self.dense_shape.shape.as_list()[0] if self.dense_shape.shape.ndims else None
        if rank is None:
            rank = self.indices.shape.as_list()[1] if self.indices.shape.ndims == 2 else None
        return unknown_shape(rank)

    def get_shape(self):
        return self.shape

    def eval(self, feed_dict=None, session=None):
        """This sparse tensor's value in ``session`` (default: the default session)."""
        session = session or get_default_session()
        if session is None:
            raise ValueError("Cannot evaluate a SparseTensor without a session: pass "
                             "session= or use `with sess.as_default():`")
        return session.run(self, feed_dict)

    def consumers(self):
        return [op for part in self for op in part.consumers()]

    def __repr__(self):
        return (f"SparseTensor(indices={self.indices}, values={self.values}, "
                f"dense_shape={self.dense_shape})")


def is_sparse(value):
    return isinstance(value, SparseTensor | SparseTensorValue)


def convert_to_tensor_or_sparse_tensor(value, dtype=None, name=None):
    """A SparseTensor as is (a SparseTensorValue made constant), anything else a Tensor."""
    if isinstance(value, SparseTensorValue):
        value = SparseTensor.from_value(value)
    if isinstance(value, SparseTensor):
        if dtype is not None and value.dtype != dtypes.as_dtype(dtype):
            raise ValueError(f"Sparse dtype: requested = {dtypes.as_dtype(dtype).name}, "
                             f"actual = {value.dtype.name}")
        return value
    return convert_to_tensor(value, dtype=dtype, name=name)

