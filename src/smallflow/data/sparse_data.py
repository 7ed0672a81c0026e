"""SparseTensor components of ``tf.data`` elements: slicing, batching and unbatching.

Inside a pipeline a sparse component is a ``SparseTensorValue`` of NumPy arrays (a dense one
is an array); ``get_next`` hands it out as three tensors that make a SparseTensor again.
The rules are TensorFlow's: slicing a SparseTensor into rows needs its indices in row-major
order, each row keeps the entries of its first index (``dense_shape[1:]``), and a batch of
sparse components is one SparseTensor of rank + 1 whose dense shape is the batch size then
the largest size of each dimension.
"""

import numpy as np

from .. import errors
from ..ops.sparse_tensor import SparseTensorValue

__all__ = ["batch", "row_slicer", "rows", "value_of"]


def value_of(context, sparse):
    """The value of a SparseTensor of the graph, read through an iterator's context."""
    indices, values, dense_shape = (context.value(part) for part in sparse)
    return SparseTensorValue(np.asarray(indices, dtype=np.int64).reshape(-1, np.size(
        dense_shape)), np.asarray(values), np.asarray(dense_shape, dtype=np.int64))


def rows(value):
    """Number of rows (first dimension) of a component."""
    if isinstance(value, SparseTensorValue):
        return int(value.dense_shape[0])
    return value.shape[0]


def _check_indices(value):
    """TensorFlow's validity check before a SparseTensor is split into rows: indices in
    bounds, in row-major order, none repeated."""
    indices, shape = value.indices, value.dense_shape
    for position, index in enumerate(indices):
        if np.any(index < 0) or np.any(index >= shape):
            raise errors.InvalidArgumentError(
                None, None, f"indices[{position}] = [{','.join(map(str, index))}] is out of "
                f"bounds: need 0 <= index < [{','.join(map(str, shape))}]")
        if position == 0:
            continue
        previous = tuple(indices[position - 1])
        if tuple(index) == previous:
            raise errors.InvalidArgumentError(
                None, None, f"indices[{position}] = [{','.join(map(str, index))}] is repeated")
        if tuple(index) < previous:
            raise errors.InvalidArgumentError(
                None, None, f"indices[{position}] = [{','.join(map(str, index))}] is out of "
                "order. Many sparse ops require sorted indices.\n    Use `tf.sparse.reorder` "
                "to create a correctly ordered copy.")


def row_slicer(value):
    """A function of ``i`` giving row ``i`` of a sparse value (one dimension fewer)."""
    if value.dense_shape.size == 0:
        raise errors.InvalidArgumentError(None, None, "Cannot slice a scalar SparseTensor")
    _check_indices(value)
    first = value.indices[:, 0]
    inner_shape = value.dense_shape[1:].copy()

    def row(index):
        start, stop = np.searchsorted(first, [index, index + 1])
        return SparseTensorValue(value.indices[start:stop, 1:].copy(),
                                 value.values[start:stop].copy(), inner_shape.copy())

    return row


def batch(parts, component):
    """Sparse values of one component, stacked along a new first dimension."""
    ranks = {len(part.dense_shape) for part in parts}
    if len(ranks) > 1:
        raise errors.InvalidArgumentError(
            None, None, f"Cannot batch sparse tensors of different ranks in component "
            f"{component}: {sorted(ranks)}")
    rank = ranks.pop()
    largest = np.max([part.dense_shape for part in parts], axis=0) if rank else np.zeros(
        0, np.int64)
    indices = [np.concatenate([np.full((len(part.indices), 1), row, dtype=np.int64),
                               part.indices.reshape(-1, rank)], axis=1)
               for row, part in enumerate(parts)]
    values = np.concatenate([part.values for part in parts]) if parts else np.zeros(0)
    return SparseTensorValue(np.concatenate(indices).reshape(-1, rank + 1), values,
                             np.concatenate([[len(parts)], largest]).astype(np.int64))
