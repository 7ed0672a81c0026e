"""Arithmetic on SparseTensors: ``sparse_add`` (sparse + sparse or dense), reductions,
``sparse_softmax``, sparse x dense matrix products, ``sparse_fill_empty_rows``,
element-wise maximum/minimum, ``sparse_merge``/``sparse_to_indicator``, the
``sparse_segment_*`` reductions and ``sparse_matmul``."""

import numpy as np

from .. import dtypes
from ..graph import ShapeError, convert_to_tensor, get_default_graph, name_scope
from ..op_signature import FLOATS, NUMBERS, REALS, signature
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape, unknown_shape
from . import array_extra_ops, array_ops, math_ops, segment_ops
from .common import constant_value, make_op
from .sparse_ops import _as_sparse, _error, sparse_reorder, sparse_to_dense
from .sparse_tensor import SparseTensor

__all__ = [
    "sparse_add", "sparse_fill_empty_rows", "sparse_matmul", "sparse_maximum", "sparse_merge",
    "sparse_minimum", "sparse_reduce_max", "sparse_reduce_max_sparse", "sparse_reduce_sum",
    "sparse_reduce_sum_sparse", "sparse_segment_mean", "sparse_segment_sqrt_n",
    "sparse_segment_sum", "sparse_softmax", "sparse_tensor_dense_matmul",
]

_I64 = dtypes.int64


def _keys(indices, shape):
    if len(indices) == 0:
        return np.zeros(0, np.int64)
    return np.ravel_multi_index(indices.T, tuple(int(d) for d in shape))


def _merge(a_indices, b_indices, shape):
    """Positions of a's and b's entries in their sorted union, and the union's indices."""
    a_keys, b_keys = _keys(a_indices, shape), _keys(b_indices, shape)
    union, inverse = np.unique(np.concatenate([a_keys, b_keys]), return_inverse=True)
    if len(union):
        union_indices = np.stack(np.unravel_index(union, tuple(int(d) for d in shape)), 1)
    else:
        union_indices = np.zeros((0, len(shape)), np.int64)
    return inverse[:len(a_keys)], inverse[len(a_keys):], union_indices.astype(np.int64)


def _check_same_shape(a_shape, b_shape):
    if not np.array_equal(a_shape, b_shape):
        raise _error(f"Operands do not have the same ranks or shapes: {a_shape.tolist()} and "
                     f"{b_shape.tolist()}")


# -- sparse + sparse, sparse + dense ---------------------------------------------------------------


def _add_kernel(attrs):
    def add(a_indices, a_values, a_shape, b_indices, b_values, b_shape, thresh):
        _check_same_shape(a_shape, b_shape)
        a_at, b_at, indices = _merge(a_indices, b_indices, a_shape)
        values = np.zeros(len(indices), dtype=a_values.dtype)
        np.add.at(values, a_at, a_values)
        np.add.at(values, b_at, b_values)
        # Only sums of two entries are compared with the threshold (TensorFlow's rule).
        both = np.zeros(len(indices), bool)
        both[np.intersect1d(a_at, b_at)] = True
        keep = ~both | (np.abs(values) >= thresh)
        return indices[keep], values[keep], a_shape

    return add


def _add_grad_kernel(attrs):
    def add_grad(grad, a_indices, b_indices, sum_indices):
        shape = np.max(np.concatenate([a_indices, b_indices, sum_indices, np.zeros(
            (1, a_indices.shape[1]), np.int64)]), 0) + 1
        sum_keys = _keys(sum_indices, shape)
        lookup = dict(zip(sum_keys.tolist(), range(len(sum_keys))))

        def pick(indices):
            out = np.zeros(len(indices), dtype=grad.dtype)
            for i, key in enumerate(_keys(indices, shape).tolist()):
                if key in lookup:
                    out[i] = grad[lookup[key]]
            return out

        return pick(a_indices), pick(b_indices)

    return add_grad


def _rank_of(op, index=0):
    """The rank a sparse op's indices input (``[N, rank]``) declares, or None."""
    dims = op.inputs[index].shape
    return dims.as_list()[1] if dims.ndims == 2 else None


register_op("SparseAdd", _add_kernel,
            lambda op: [TensorShape([None, _rank_of(op)]), TensorShape([None]),
                        op.inputs[2].shape],
            signature=signature("a_indices: int64, a_values: T, a_shape: int64, "
                                "b_indices: int64, b_values: T, b_shape: int64, thresh: Treal "
                                "-> sum_indices: int64, sum_values: T, sum_shape: int64",
                                T=NUMBERS, Treal=REALS))
register_op("SparseAddGrad", _add_grad_kernel,
            lambda op: [op.inputs[1].shape[:1], op.inputs[2].shape[:1]],
            signature=signature("backprop_val_grad: T, a_indices: int64, b_indices: int64, "
                                "sum_indices: int64 -> a_val_grad: T, b_val_grad: T",
                                T=NUMBERS))
NotDifferentiable("SparseAddGrad")


def _dense_add_kernel(attrs):
    def add(indices, values, shape, dense):
        out = np.array(dense, copy=True)
        np.add.at(out, tuple(indices.T), values)
        return out

    return add


register_op("SparseTensorDenseAdd", _dense_add_kernel, lambda op: [op.inputs[3].shape],
            signature=signature("a_indices: Tindices, a_values: T, a_shape: Tindices, b: T -> "
                                "output: T", T=NUMBERS, Tindices=(dtypes.int32, dtypes.int64)))


def sparse_add(a, b, threshold=0, thresh=None):
    """``a + b``: two SparseTensors give a SparseTensor (sums whose magnitude is below
    ``threshold`` are dropped); a SparseTensor and a dense tensor give a dense tensor."""
    threshold = thresh if thresh is not None else threshold
    sparse_a = isinstance(a, SparseTensor) or hasattr(a, "dense_shape")
    sparse_b = isinstance(b, SparseTensor) or hasattr(b, "dense_shape")
    if not (sparse_a or sparse_b):
        raise TypeError("At least one input should be SparseTensor; do you mean to use "
                        "tf.add()?")
    if sparse_a and sparse_b:
        a, b = _as_sparse(a, "a"), _as_sparse(b, "b")
        values_b = convert_to_tensor(b.values, dtype=a.dtype)
        real = a.dtype if not a.dtype.is_complex else dtypes.float64
        limit = convert_to_tensor(threshold, dtype=real, name="threshold")
        static_a, static_b = a.shape, b.shape
        if not static_a.is_compatible_with(static_b):
            raise ValueError(f"Shapes {static_a} and {static_b} are incompatible")
        parts = make_op("SparseAdd", [a.indices, a.values, a.dense_shape, b.indices, values_b,
                                      b.dense_shape, limit], [_I64, a.dtype, _I64]).outputs
        merged = static_a.merge_with(static_b)
        # As TensorFlow does: a statically known shape replaces the op's shape output.
        shape = merged.as_list() if merged.is_fully_defined() else parts[2]
        return SparseTensor(parts[0], parts[1], shape)
    sparse, dense = (a, b) if sparse_a else (b, a)
    sparse = _as_sparse(sparse)
    dense = convert_to_tensor(dense, dtype=sparse.dtype, name="b")
    return make_op("SparseTensorDenseAdd", [sparse.indices, sparse.values, sparse.dense_shape,
                                            dense], [dense.dtype]).outputs[0]


# -- reductions ------------------------------------------------------------------------------------


def _reduction_layout(shape, axes, keep_dims):
    rank = len(shape)
    axes = sorted({int(a) % rank for a in np.atleast_1d(axes)}) if np.size(axes) else \
        list(range(rank))
    kept = [d for d in range(rank) if d not in axes]
    out_shape = [1 if d in axes else int(shape[d]) for d in range(rank)] if keep_dims else \
        [int(shape[d]) for d in kept]
    return axes, kept, out_shape


def _reduce_kernel(kind, sparse_out):
    def factory(attrs):
        keep = attrs["keep_dims"]

        def reduce(indices, values, shape, axes):
            axes, kept, out_shape = _reduction_layout(shape, axes, keep)
            coords = indices[:, kept] if kept else np.zeros((len(indices), 0), np.int64)
            kept_shape = tuple(int(shape[d]) for d in kept)
            flat = np.ravel_multi_index(coords.T, kept_shape) if kept else np.zeros(
                len(indices), np.int64)
            size = int(np.prod(kept_shape)) if kept else 1
            if kind == "sum":
                out = np.zeros(size, dtype=values.dtype)
                np.add.at(out, flat, values)
            else:
                # The maximum of the stored values only; a cell none reaches reads 0.
                lowest = (-np.inf if values.dtype.kind in "fc"
                          else np.iinfo(values.dtype).min)
                out = np.full(size, lowest, dtype=values.dtype)
                np.maximum.at(out, flat, values)
                reached = np.zeros(size, bool)
                reached[flat] = True
                out[~reached] = 0
            if not sparse_out:
                return out.reshape(out_shape)
            present = np.unique(flat)
            out_indices = np.stack(np.unravel_index(present, kept_shape), 1) if kept else \
                np.zeros((len(present), 0), np.int64)
            if keep:
                full = np.zeros((len(present), len(shape)), np.int64)
                full[:, kept] = out_indices
                out_indices = full
            return (out_indices.astype(np.int64), out[present],
                    np.array(out_shape, np.int64))

        return reduce

    return factory


def _reduce_shape(sparse_out):
    def shape_fn(op):
        if sparse_out:
            return [unknown_shape(), unknown_shape(), unknown_shape()]
        dims = constant_value(op.inputs[2])
        axes = constant_value(op.inputs[3])
        if dims is None or axes is None:
            return [unknown_shape()]
        return [TensorShape(_reduction_layout(dims, axes, op.attrs["keep_dims"])[2])]

    return shape_fn


_REDUCE_IN = "input_indices: int64, input_values: T, input_shape: int64, reduction_axes: int32"
for _kind, _op_type, _types in (("sum", "SparseReduceSum", NUMBERS),
                                ("max", "SparseReduceMax", REALS)):
    register_op(_op_type, _reduce_kernel(_kind, False), _reduce_shape(False),
                signature=signature(_REDUCE_IN + " -> output: T", T=_types))
    register_op(_op_type + "Sparse", _reduce_kernel(_kind, True), _reduce_shape(True),
                signature=signature(_REDUCE_IN + " -> output_indices: int64, output_values: "
                                    "T, output_shape: int64", T=_types))
NotDifferentiable("SparseReduceMax")
NotDifferentiable("SparseReduceMaxSparse")
NotDifferentiable("SparseReduceSumSparse")


def _reduce(op_type, sp_input, axis, keepdims, reduction_axes, keep_dims, name, sparse_out):
    sp_input = _as_sparse(sp_input)
    axis = reduction_axes if axis is None else axis
    keep = bool(keepdims if keepdims is not None else keep_dims)
    axes = convert_to_tensor(np.array([] if axis is None else np.atleast_1d(axis), np.int32),
                             name="reduction_axes")
    outputs = [_I64, sp_input.dtype, _I64] if sparse_out else [sp_input.dtype]
    op = make_op(op_type, [sp_input.indices, sp_input.values, sp_input.dense_shape, axes],
                 outputs, {"keep_dims": keep}, name)
    return SparseTensor(*op.outputs) if sparse_out else op.outputs[0]


def sparse_reduce_sum(sp_input, axis=None, keepdims=None, reduction_axes=None, keep_dims=None):
    """The sum over ``axis`` (all axes by default) as a dense tensor."""
    return _reduce("SparseReduceSum", sp_input, axis, keepdims, reduction_axes, keep_dims,
                   None, False)


def sparse_reduce_sum_sparse(sp_input, axis=None, keepdims=None, reduction_axes=None,
                             keep_dims=None):
    """The sum over ``axis`` as a SparseTensor (only the cells some entry reaches)."""
    return _reduce("SparseReduceSumSparse", sp_input, axis, keepdims, reduction_axes,
                   keep_dims, None, True)


def sparse_reduce_max(sp_input, axis=None, keepdims=None, reduction_axes=None, keep_dims=None):
    """The maximum of the *stored* values over ``axis`` (cells with none: the lowest value)."""
    return _reduce("SparseReduceMax", sp_input, axis, keepdims, reduction_axes, keep_dims,
                   None, False)


def sparse_reduce_max_sparse(sp_input, axis=None, keepdims=None, reduction_axes=None,
                             keep_dims=None):
    return _reduce("SparseReduceMaxSparse", sp_input, axis, keepdims, reduction_axes,
                   keep_dims, None, True)


# -- softmax, products -----------------------------------------------------------------------------


def _softmax_kernel(attrs):
    def softmax(indices, values, shape):
        if len(values) == 0:
            return values.copy()
        rows = indices[:, :-1]
        _, group = np.unique(rows, axis=0, return_inverse=True)
        group = group.reshape(-1)
        peak = np.full(group.max() + 1, -np.inf)
        np.maximum.at(peak, group, values)
        exps = np.exp(values - peak[group])
        totals = np.zeros(len(peak))
        np.add.at(totals, group, exps)
        return (exps / totals[group]).astype(values.dtype)

    return softmax


register_op("SparseSoftmax", _softmax_kernel, lambda op: [op.inputs[1].shape],
            signature=signature("sp_indices: int64, sp_values: T, sp_shape: int64 -> "
                                "output: T", T=FLOATS))


def sparse_softmax(sp_input, name=None):
    """Softmax over the stored values of each innermost row (missing entries take no part)."""
    sp_input = _as_sparse(sp_input)
    values = make_op("SparseSoftmax", [sp_input.indices, sp_input.values, sp_input.dense_shape],
                     [sp_input.dtype], None, name).outputs[0]
    return SparseTensor(sp_input.indices, values, sp_input.dense_shape)


def _dense_matmul_kernel(attrs):
    adjoint_a, adjoint_b = attrs["adjoint_a"], attrs["adjoint_b"]

    def matmul(indices, values, shape, b):
        rows, cols = indices[:, 0], indices[:, 1]
        height = int(shape[0])
        if adjoint_a:
            rows, cols = cols, rows
            values = np.conj(values)
            height = int(shape[1])
        dense_b = np.conj(b.T) if adjoint_b else b
        inner = int(shape[0] if adjoint_a else shape[1])
        if dense_b.shape[0] != inner:
            raise _error(f"Cannot multiply A and B because inner dimension does not match: "
                         f"{inner} vs. {dense_b.shape[0]}.  Did you forget a transpose?  "
                         f"Dimensions of A: [{shape[0]}, {shape[1]}).  Dimensions of B: "
                         f"{list(b.shape)}")
        bad_k, bad_m = (cols < 0) | (cols >= inner), (rows < 0) | (rows >= height)
        if np.any(bad_k | bad_m):
            # TensorFlow's kernel walks the entries checking k (the inner index) first.
            first = int(np.argmax(bad_k | bad_m))
            m_col, k_col = (1, 0) if adjoint_a else (0, 1)
            if bad_k[first]:
                raise _error(f"k ({cols[first]}) from index[{first},{k_col}] out of bounds "
                             f"(>={inner})")
            raise _error(f"m ({rows[first]}) from index[{first},{m_col}] out of bounds "
                         f"(>={height})")
        out = np.zeros((height, dense_b.shape[1]), dtype=b.dtype)
        np.add.at(out, rows, values[:, None] * dense_b[cols])
        return out

    return matmul


def _dense_matmul_shape(op):
    a = constant_value(op.inputs[2])
    b = op.inputs[3].shape.as_list() if op.inputs[3].shape.ndims == 2 else [None, None]
    rows = None if a is None else int(a[1] if op.attrs["adjoint_a"] else a[0])
    cols = b[0] if op.attrs["adjoint_b"] else b[1]
    inner_a = None if a is None else int(a[0] if op.attrs["adjoint_a"] else a[1])
    inner_b = b[1] if op.attrs["adjoint_b"] else b[0]
    if inner_a is not None and inner_b is not None and inner_a != inner_b:
        raise ShapeError(f"Dimensions must be equal, but are {inner_a} and {inner_b}")
    return [TensorShape([rows, cols])]


register_op("SparseTensorDenseMatMul", _dense_matmul_kernel, _dense_matmul_shape,
            signature=signature("a_indices: Tindices, a_values: T, a_shape: int64, b: T -> "
                                "product: T", T=NUMBERS, Tindices=(dtypes.int32, dtypes.int64)))


def sparse_tensor_dense_matmul(sp_a, b, adjoint_a=False, adjoint_b=False, name=None):
    """``sp_a @ b`` for a rank-2 SparseTensor and a dense matrix (dense result)."""
    sp_a = _as_sparse(sp_a, "sp_a")
    b = convert_to_tensor(b, dtype=sp_a.dtype, name="b")
    attrs = {"adjoint_a": bool(adjoint_a), "adjoint_b": bool(adjoint_b)}
    return make_op("SparseTensorDenseMatMul", [sp_a.indices, sp_a.values, sp_a.dense_shape, b],
                   [b.dtype], attrs, name).outputs[0]


def sparse_matmul(a, b, transpose_a=False, transpose_b=False, a_is_sparse=False,
                  b_is_sparse=False, name=None):
    """TensorFlow's ``SparseMatMul``: a dense float32 product (the flags are only hints)."""
    with name_scope(name or "SparseMatMul"):
        a = math_ops.cast(convert_to_tensor(a, name="a"), dtypes.float32)
        b = math_ops.cast(convert_to_tensor(b, name="b"), dtypes.float32)
        return math_ops.matmul(a, b, transpose_a=transpose_a, transpose_b=transpose_b)


# -- fill empty rows, max/min, merge, indicator ----------------------------------------------------


def _fill_kernel(attrs):
    def fill(indices, values, dense_shape, default):
        rows = int(dense_shape[0]) if len(dense_shape) else 0
        if len(indices) and (indices[:, 0].min() < 0 or indices[:, 0].max() >= rows):
            raise _error(f"indices(0, 0) is invalid: row outside [0, {rows})")
        present = np.zeros(rows, bool)
        present[indices[:, 0]] = True
        empty = np.nonzero(~present)[0]
        filler = np.zeros((len(empty), indices.shape[1]), np.int64)
        filler[:, 0] = empty
        all_indices = np.concatenate([indices, filler])
        all_values = np.concatenate([values, np.full(len(empty), default, values.dtype)])
        order = np.argsort(all_indices[:, 0], kind="stable")  # rows in order, entries kept
        reverse = np.empty(len(all_indices), np.int64)
        reverse[order] = np.arange(len(order))
        return all_indices[order], all_values[order], ~present, reverse[:len(indices)]

    return fill


def _fill_shape(op):
    dims = constant_value(op.inputs[2])
    rows = None if dims is None or np.size(dims) == 0 else int(np.ravel(dims)[0])
    return [TensorShape([None, _rank_of(op)]), TensorShape([None]), TensorShape([rows]),
            op.inputs[1].shape]


register_op("SparseFillEmptyRows", _fill_kernel, _fill_shape,
            signature=signature("indices: int64, values: T, dense_shape: int64, "
                                "default_value: T -> output_indices: int64, output_values: T, "
                                "empty_row_indicator: bool, reverse_index_map: int64",
                                T=NUMBERS + (dtypes.bool, dtypes.string)))


def sparse_fill_empty_rows(sp_input, default_value, name=None):
    """``(filled, empty_row_indicator)``: every row without entries gets one
    ``default_value`` in column 0."""
    sp_input = _as_sparse(sp_input)
    default = convert_to_tensor(default_value, dtype=sp_input.dtype, name="default_value")
    op = make_op("SparseFillEmptyRows", [sp_input.indices, sp_input.values,
                                         sp_input.dense_shape, default],
                 [_I64, sp_input.dtype, dtypes.bool, _I64], None, name)
    return SparseTensor(op.outputs[0], op.outputs[1], sp_input.dense_shape), op.outputs[2]


def _extreme_kernel(pick):
    def factory(attrs):
        def extreme(a_indices, a_values, a_shape, b_indices, b_values, b_shape):
            _check_same_shape(a_shape, b_shape)
            a_at, b_at, indices = _merge(a_indices, b_indices, a_shape)
            # A cell stored in only one operand meets an implicit zero in the other.
            left = np.zeros(len(indices), a_values.dtype)
            right = np.zeros(len(indices), a_values.dtype)
            left[a_at] = a_values
            right[b_at] = b_values
            return indices, pick(left, right)

        return extreme

    return factory


for _op_type, _pick in (("SparseSparseMaximum", np.maximum), ("SparseSparseMinimum", np.minimum)):
    register_op(_op_type, _extreme_kernel(_pick),
                lambda op: [TensorShape([None, None]), TensorShape([None])],
                signature=signature("a_indices: int64, a_values: T, a_shape: int64, "
                                    "b_indices: int64, b_values: T, b_shape: int64 -> "
                                    "output_indices: int64, output_values: T", T=REALS))
    NotDifferentiable(_op_type)


def _extreme(op_type, sp_a, sp_b, name):
    sp_a, sp_b = _as_sparse(sp_a, "sp_a"), _as_sparse(sp_b, "sp_b")
    values_b = convert_to_tensor(sp_b.values, dtype=sp_a.dtype)
    out = make_op(op_type, [sp_a.indices, sp_a.values, sp_a.dense_shape, sp_b.indices,
                            values_b, sp_b.dense_shape], [_I64, sp_a.dtype], None, name).outputs
    return SparseTensor(out[0], out[1], sp_a.dense_shape)


def sparse_maximum(sp_a, sp_b, name=None):
    """Element-wise maximum of two SparseTensors of one shape (missing entries are 0)."""
    return _extreme("SparseSparseMaximum", sp_a, sp_b, name)


def sparse_minimum(sp_a, sp_b, name=None):
    """Element-wise minimum of two SparseTensors of one shape (missing entries are 0)."""
    return _extreme("SparseSparseMinimum", sp_a, sp_b, name)


def sparse_merge(sp_ids, sp_values, vocab_size, name=None, already_sorted=False):
    """A SparseTensor with ``sp_values``' values at ``[row..., id]`` where the ids come from
    ``sp_ids`` (one id per entry) and ``vocab_size`` is the last dimension."""
    sp_ids = _as_sparse(sp_ids, "sp_ids")
    sp_values = _as_sparse(sp_values, "sp_values")
    with name_scope(name or "SparseMerge"):
        ids = math_ops.cast(sp_ids.values, _I64)
        rows = sp_ids.indices[:, :-1]
        indices = array_ops.concat([rows, array_ops.expand_dims(ids, 1)], 1)
        size = convert_to_tensor(vocab_size, dtype=_I64, name="vocab_size")
        shape = array_ops.concat([sp_ids.dense_shape[:-1], array_ops.reshape(size, [1])], 0)
        merged = SparseTensor(indices, sp_values.values, shape)
        return merged if already_sorted else sparse_reorder(merged)


def sparse_to_indicator(sp_input, vocab_size, name=None):
    """A dense bool tensor ``[..., vocab_size]``: True where a row holds that id."""
    sp_input = _as_sparse(sp_input)
    with name_scope(name or "SparseToIndicator"):
        ids = SparseTensor(sp_input.indices, math_ops.cast(sp_input.values, _I64),
                           sp_input.dense_shape)
        flags = SparseTensor(sp_input.indices, math_ops.cast(
            array_ops.ones_like(sp_input.values, dtype=dtypes.int32), dtypes.bool),
            sp_input.dense_shape)
        merged = sparse_merge(ids, flags, vocab_size)
        out = sparse_to_dense(merged.indices, merged.dense_shape, merged.values, False,
                              validate_indices=False)
        if isinstance(vocab_size, int) and sp_input.shape.ndims is not None:
            out.set_shape(sp_input.shape.as_list()[:-1] + [vocab_size])
        return out


# -- segment reductions over selected rows ---------------------------------------------------------


def _sparse_segment(kind, data, indices, segment_ids, name, num_segments):
    with name_scope(name or f"SparseSegment{kind}"):
        data = convert_to_tensor(data, name="data")
        indices = convert_to_tensor(indices, name="indices")
        segment_ids = convert_to_tensor(segment_ids, name="segment_ids")
        # TensorFlow's SparseSegment* ops have a dense gradient for data, not IndexedSlices.
        with get_default_graph().gradient_override_map({"GatherV2": "DenseGatherGrad"}):
            rows = array_ops.gather(data, indices)
        if num_segments is not None:
            total = math_ops.unsorted_segment_sum(rows, segment_ids, num_segments)
            ones = array_ops.ones_like(segment_ids, dtype=data.dtype)
            counts = math_ops.unsorted_segment_sum(ones, segment_ids, num_segments)
        else:
            total = segment_ops.segment_sum(rows, segment_ids)
            counts = segment_ops.segment_sum(array_ops.ones_like(segment_ids, dtype=data.dtype),
                                             segment_ids)
        if kind == "Sum":
            return total
        scale = counts if kind == "Mean" else math_ops.sqrt(counts)
        scale = math_ops.maximum(scale, array_ops.ones_like(scale))  # empty segments: 0
        rank = data.shape.ndims
        shape = [-1] + [1] * ((rank or 1) - 1)
        return total / array_ops.reshape(scale, shape)


def sparse_segment_sum(data, indices, segment_ids, name=None, num_segments=None):
    """``out[s] = sum of data[indices[i]] over i with segment_ids[i] == s``."""
    return _sparse_segment("Sum", data, indices, segment_ids, name, num_segments)


def sparse_segment_mean(data, indices, segment_ids, name=None, num_segments=None):
    """Like ``sparse_segment_sum``, divided by each segment's size."""
    return _sparse_segment("Mean", data, indices, segment_ids, name, num_segments)


def sparse_segment_sqrt_n(data, indices, segment_ids, name=None, num_segments=None):
    """Like ``sparse_segment_sum``, divided by the square root of each segment's size."""
    return _sparse_segment("SqrtN", data, indices, segment_ids, name, num_segments)


def from_dense(tensor, name=None):
    """The SparseTensor of ``tensor``'s non-zero (non-empty, True) entries."""
    with name_scope(name or "dense_to_sparse"):
        tensor = convert_to_tensor(tensor, name="tensor")
        zero = array_ops.zeros_like(tensor)
        indices = array_ops.where(math_ops.not_equal(tensor, zero))
        values = array_extra_ops.gather_nd(tensor, indices)
        shape = array_ops.shape(tensor, out_type=_I64)
        return SparseTensor(indices, values, shape)

