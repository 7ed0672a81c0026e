"""``tf.sparse``: SparseTensor and the sparse ops under their TensorFlow 1.x names here."""

from .ops import array_ops as _array_ops
from .ops.sparse_cross_ops import sparse_cross as cross
from .ops.sparse_cross_ops import sparse_cross_hashed as cross_hashed
from .ops.sparse_embedding_ops import sparse_mask as mask
from .ops.sparse_math_ops import (
    from_dense,
)
from .ops.sparse_math_ops import (
    sparse_add as add,
)
from .ops.sparse_math_ops import (
    sparse_fill_empty_rows as fill_empty_rows,
)
from .ops.sparse_math_ops import (
    sparse_maximum as maximum,
)
from .ops.sparse_math_ops import (
    sparse_merge as merge,
)
from .ops.sparse_math_ops import (
    sparse_minimum as minimum,
)
from .ops.sparse_math_ops import (
    sparse_reduce_max as reduce_max,
)
from .ops.sparse_math_ops import (
    sparse_reduce_max_sparse as reduce_max_sparse,
)
from .ops.sparse_math_ops import (
    sparse_reduce_sum as reduce_sum,
)
from .ops.sparse_math_ops import (
    sparse_reduce_sum_sparse as reduce_sum_sparse,
)
from .ops.sparse_math_ops import (
    sparse_segment_mean as segment_mean,
)
from .ops.sparse_math_ops import (
    sparse_segment_sqrt_n as segment_sqrt_n,
)
from .ops.sparse_math_ops import (
    sparse_segment_sum as segment_sum,
)
from .ops.sparse_math_ops import (
    sparse_softmax as softmax,
)
from .ops.sparse_math_ops import (
    sparse_tensor_dense_matmul as sparse_dense_matmul,
)
from .ops.sparse_math_ops import (
    sparse_to_indicator as to_indicator,
)
from .ops.sparse_ops import (
    sparse_concat as concat,
)
from .ops.sparse_ops import (
    sparse_placeholder as placeholder,
)
from .ops.sparse_ops import (
    sparse_reorder as reorder,
)
from .ops.sparse_ops import (
    sparse_reset_shape as reset_shape,
)
from .ops.sparse_ops import (
    sparse_reshape as reshape,
)
from .ops.sparse_ops import (
    sparse_retain as retain,
)
from .ops.sparse_ops import (
    sparse_slice as slice,  # noqa: A004 - TensorFlow's name
)
from .ops.sparse_ops import (
    sparse_split as split,
)
from .ops.sparse_ops import (
    sparse_tensor_to_dense as to_dense,
)
from .ops.sparse_ops import (
    sparse_transpose as transpose,
)
from .ops.sparse_tensor import SparseTensor

matmul = sparse_dense_matmul


def expand_dims(sp_input, axis=None, name=None):
    """The SparseTensor with a new dimension of size 1 at ``axis``."""
    from .graph import name_scope
    from .ops import math_ops

    with name_scope(name or "expand_dims"):
        rank = sp_input.shape.ndims
        if rank is None:
            raise ValueError("sparse.expand_dims needs the rank known")
        axis = -1 if axis is None else int(axis)
        position = axis if axis >= 0 else rank + 1 + axis
        zeros = _array_ops.zeros_like(sp_input.indices[:, :1])
        indices = _array_ops.concat([sp_input.indices[:, :position], zeros,
                                     sp_input.indices[:, position:]], 1)
        one = math_ops.cast(_array_ops.ones([1]), "int64")
        shape = _array_ops.concat([sp_input.dense_shape[:position], one,
                                   sp_input.dense_shape[position:]], 0)
        return SparseTensor(indices, sp_input.values, shape)


def eye(num_rows, num_columns=None, dtype="float32", name=None):
    """A sparse identity matrix ``[num_rows, num_columns]``."""
    from . import dtypes
    from .graph import name_scope
    from .ops import math_ops

    with name_scope(name or "eye"):
        columns = num_rows if num_columns is None else num_columns
        count = math_ops.minimum(math_ops.cast(num_rows, "int64"),
                                 math_ops.cast(columns, "int64"))
        diagonal = math_ops.range(count)
        indices = _array_ops.stack([diagonal, diagonal], 1)
        values = _array_ops.ones_like(diagonal, dtype=dtypes.as_dtype(dtype))
        shape = _array_ops.stack([math_ops.cast(num_rows, "int64"),
                                  math_ops.cast(columns, "int64")])
        return SparseTensor(indices, values, shape)


__all__ = [
    "SparseTensor", "add", "concat", "cross", "cross_hashed", "expand_dims", "eye",
    "fill_empty_rows", "from_dense", "mask", "matmul", "maximum", "merge", "minimum",
    "placeholder", "reduce_max", "reduce_max_sparse",
    "reduce_sum", "reduce_sum_sparse", "reorder", "reset_shape", "reshape", "retain",
    "segment_mean", "segment_sqrt_n", "segment_sum", "slice", "softmax", "sparse_dense_matmul",
    "split", "to_dense", "to_indicator", "transpose",
]
