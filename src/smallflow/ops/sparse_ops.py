"""Sparse tensor ops: to and from dense, reorder, add, concat, reshape, slice, split,
transpose, retain, reductions, softmax, sparse x dense products, fill-empty-rows,
element-wise max/min, merge, indicators, segment reductions and ``sparse_placeholder``.

Kernels work on the three arrays of a SparseTensor. Outputs that TensorFlow puts in
canonical (row-major) order are sorted here too; ops that keep the input order (slice,
retain, reshape) keep it. Gradients (for the ``values``) are in ``sparse_grad.py``.
"""

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import Tensor, convert_to_tensor, name_scope
from ..op_signature import ALL, INDEX, NUMBERS, signature
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape, unknown_shape
from . import array_ops, math_ops
from .common import constant_value, make_op
from .sparse_tensor import SparseTensor, SparseTensorValue

__all__ = [
    "sparse_concat", "sparse_placeholder", "sparse_reorder", "sparse_reset_shape",
    "sparse_reshape", "sparse_retain", "sparse_slice", "sparse_split", "sparse_tensor_to_dense",
    "sparse_to_dense", "sparse_transpose",
]

_I64 = dtypes.int64


def _error(message):
    return InvalidArgumentError(None, None, message)


def _order(indices, shape=None):
    """The permutation putting ``indices`` rows in row-major order (stable)."""
    if len(indices) == 0 or indices.shape[1] == 0:
        return np.arange(len(indices))
    return np.lexsort(indices.T[::-1])


def _as_sparse(value, what="sp_input"):
    if isinstance(value, SparseTensorValue):
        return SparseTensor.from_value(value)
    if not isinstance(value, SparseTensor):
        raise TypeError(f"Input must be a SparseTensor, got {type(value).__name__} ({what})")
    return value


def _sparse_make(op_type, inputs, out_dtypes, attrs=None, name=None):
    return make_op(op_type, inputs, out_dtypes, attrs, name).outputs


def _unknown(rank=None):
    return unknown_shape(rank)


# -- to dense --------------------------------------------------------------------------------------


def _sparse_to_dense_kernel(attrs):
    validate = attrs["validate_indices"]

    def to_dense(indices, output_shape, values, default):
        shape = tuple(int(d) for d in np.atleast_1d(output_shape))
        # A scalar index is one entry; a vector holds one index per entry of a 1-D output.
        indices = np.asarray(indices).reshape(1, -1) if np.ndim(indices) == 0 else indices
        if indices.ndim == 1:
            indices = indices[:, None]
        count = len(indices)
        values = np.broadcast_to(values, (count,))
        if indices.shape[1] != len(shape):
            raise _error(f"sparse_indices should have {len(shape)} columns, got "
                         f"{indices.shape[1]}")
        if count and (np.any(indices < 0) or np.any(indices >= np.array(shape))):
            bad = int(np.nonzero(np.any((indices < 0) | (indices >= np.array(shape)), 1))[0][0])
            raise _error(f"indices[{bad}] = {indices[bad].tolist()} is out of bounds: need "
                         f"0 <= index < {list(shape)}")
        if validate and count > 1:
            flat = np.ravel_multi_index(indices.T, shape)
            steps = np.diff(flat)
            if np.any(steps == 0):
                bad = int(np.nonzero(steps == 0)[0][0]) + 1
                raise _error(f"indices[{bad}] = {indices[bad].tolist()} is repeated")
            if np.any(steps < 0):
                bad = int(np.nonzero(steps < 0)[0][0]) + 1
                raise _error(f"indices[{bad}] = {indices[bad].tolist()} is out of order. Many "
                             "sparse ops require sorted indices.\n    Use `tf.sparse.reorder` "
                             "to create a correctly ordered copy.")
        out = np.full(shape, default, dtype=values.dtype)
        out[tuple(indices.T)] = values
        return out

    return to_dense


def _sparse_to_dense_shape(op):
    known = constant_value(op.inputs[1])
    if known is None:
        size = op.inputs[1].shape.as_list()[0] if op.inputs[1].shape.ndims == 1 else None
        return [_unknown(size)]
    return [TensorShape([int(d) for d in np.atleast_1d(known)])]


register_op("SparseToDense", _sparse_to_dense_kernel, _sparse_to_dense_shape,
            signature=signature("sparse_indices: Tindices, output_shape: Tindices, "
                                "sparse_values: T, default_value: T -> dense: T",
                                T=NUMBERS + (dtypes.bool, dtypes.string), Tindices=INDEX))


def sparse_to_dense(sparse_indices, output_shape, sparse_values, default_value=0,
                    validate_indices=True, name=None):
    """A dense ``output_shape`` tensor with ``sparse_values`` at ``sparse_indices`` and
    ``default_value`` elsewhere (indices must be sorted and distinct when validated)."""
    indices = convert_to_tensor(sparse_indices, name="sparse_indices")
    if indices.dtype not in INDEX:
        indices = convert_to_tensor(sparse_indices, dtype=dtypes.int64, name="sparse_indices")
    shape = convert_to_tensor(output_shape, dtype=indices.dtype, name="output_shape")
    values = convert_to_tensor(sparse_values, name="sparse_values")
    default = convert_to_tensor(default_value, dtype=values.dtype, name="default_value")
    return _sparse_make("SparseToDense", [indices, shape, values, default], [values.dtype],
                        {"validate_indices": bool(validate_indices)}, name)[0]


def sparse_tensor_to_dense(sp_input, default_value=0, validate_indices=True, name=None):
    """The dense tensor a SparseTensor stands for (``default_value`` where nothing is
    stored)."""
    sp_input = _as_sparse(sp_input)
    with name_scope(name or "SparseToDense"):
        return sparse_to_dense(sp_input.indices, sp_input.dense_shape, sp_input.values,
                               default_value, validate_indices)


# -- reorder, reshape, slice, split, concat, transpose, retain -------------------------------------


def _reorder_kernel(attrs):
    def reorder(indices, values, shape):
        if len(indices) != len(values):
            raise InvalidArgumentError(
                None, None, f"Number of elements in indices ({len(indices)}) and values "
                f"({len(values)}) do not match")
        order = _order(indices)
        return indices[order], values[order]

    return reorder


register_op("SparseReorder", _reorder_kernel,
            lambda op: [op.inputs[0].shape, op.inputs[1].shape],
            signature=signature("input_indices: int64, input_values: T, input_shape: int64 -> "
                                "output_indices: int64, output_values: T",
                                T=NUMBERS + (dtypes.bool, dtypes.string)))


def sparse_reorder(sp_input, name=None):
    """The same SparseTensor with its entries in row-major order."""
    sp_input = _as_sparse(sp_input)
    indices, values = _sparse_make(
        "SparseReorder", [sp_input.indices, sp_input.values, sp_input.dense_shape],
        [_I64, sp_input.dtype], None, name)
    return SparseTensor(indices, values, sp_input.dense_shape)


def _reshape_kernel(attrs):
    def reshape(indices, shape, new_shape):
        total = int(np.prod(shape))
        new_shape = np.array(new_shape, dtype=np.int64)
        unknown = np.nonzero(new_shape == -1)[0]
        if len(unknown) > 1:
            raise _error(f"only one output dimension may be -1, not both {unknown[0]} and "
                         f"{unknown[1]}")
        known = int(np.prod(new_shape[new_shape != -1]))
        if len(unknown):
            if known == 0 or total % known:
                raise _error(f"Input to reshape is a SparseTensor with {total} dense values, "
                             f"but the requested shape requires a multiple of {known}")
            new_shape[unknown[0]] = total // known
        elif known != total:
            raise _error(f"Input to reshape is a tensor with {total} dense values, but the "
                         f"requested shape has {known}")
        if len(indices) == 0:
            return np.zeros((0, len(new_shape)), np.int64), new_shape
        flat = np.ravel_multi_index(indices.T, tuple(shape))
        out = np.stack(np.unravel_index(flat, tuple(new_shape)), 1).astype(np.int64)
        return out, new_shape

    return reshape


def _reshape_shape(op):
    known = constant_value(op.inputs[2])
    rank = None if known is None else len(np.atleast_1d(known))
    count = op.inputs[0].shape.as_list()[0] if op.inputs[0].shape.ndims == 2 else None
    return [TensorShape([count, rank]), TensorShape([rank])]


def _rank_of(op, index=0):
    dims = op.inputs[index].shape
    return dims.as_list()[1] if dims.ndims == 2 else None


register_op("SparseReshape", _reshape_kernel, _reshape_shape,
            signature=signature("input_indices: int64, input_shape: int64, new_shape: int64 -> "
                                "output_indices: int64, output_shape: int64"))
NotDifferentiable("SparseReshape")


def sparse_reshape(sp_input, shape, name=None):
    """The SparseTensor with a new dense shape (one ``-1`` allowed), entries in place."""
    sp_input = _as_sparse(sp_input)
    new_shape = convert_to_tensor(shape, name="shape")
    if new_shape.dtype != _I64:  # tf.shape's int32, as TensorFlow casts it
        new_shape = math_ops.cast(new_shape, _I64)
    indices, dense_shape = _sparse_make(
        "SparseReshape", [sp_input.indices, sp_input.dense_shape, new_shape], [_I64, _I64],
        None, name)
    known = constant_value(new_shape)
    static = sp_input.shape
    if known is not None and static.is_fully_defined():
        # Both known: TensorFlow checks the reshape when building and keeps the shape.
        wanted = [int(d) for d in np.ravel(known)]
        if wanted.count(-1) > 1:
            raise ValueError(f"At most one dimension can be inferred (-1). Found: {wanted}")
        size = int(np.prod(static.as_list()))
        resolved = list(wanted)
        if -1 in wanted:
            rest = int(np.prod([d for d in wanted if d != -1]))
            resolved[wanted.index(-1)] = size // rest if rest else 0
        if int(np.prod(resolved)) != size:
            raise ValueError(f"Cannot reshape a tensor with {size} elements to shape "
                             f"{wanted} ({int(np.prod(resolved))} elements).")
        dense_shape = convert_to_tensor(np.array(resolved, np.int64), dtype=_I64)
    return SparseTensor(indices, array_ops.identity(sp_input.values), dense_shape)


def _slice_kernel(attrs):
    def slice_(indices, values, shape, start, size):
        start = np.asarray(start, np.int64)
        end = np.minimum(start + np.asarray(size, np.int64), shape)
        inside = np.all((indices >= start) & (indices < end), axis=1) if len(indices) else \
            np.zeros(0, bool)
        out_shape = np.maximum(end - start, 0)
        return indices[inside] - start, values[inside], out_shape

    return slice_


register_op("SparseSlice", _slice_kernel,
            lambda op: [TensorShape([None, _rank_of(op)]), TensorShape([None]),
                        op.inputs[2].shape],
            signature=signature("indices: int64, values: T, shape: int64, start: int64, "
                                "size: int64 -> output_indices: int64, output_values: T, "
                                "output_shape: int64", T=NUMBERS + (dtypes.bool,
                                                                    dtypes.string)))


def sparse_slice(sp_input, start, size, name=None):
    """The entries inside the box ``[start, start + size)``, re-indexed from ``start``."""
    sp_input = _as_sparse(sp_input)
    start = convert_to_tensor(start, dtype=_I64, name="start")
    size = convert_to_tensor(size, dtype=_I64, name="size")
    parts = _sparse_make("SparseSlice", [sp_input.indices, sp_input.values,
                                         sp_input.dense_shape, start, size],
                         [_I64, sp_input.dtype, _I64], None, name)
    return SparseTensor(*parts)


def sparse_split(keyword_required=None, sp_input=None, num_split=None, axis=None, name=None,
                 split_dim=None):
    """``num_split`` SparseTensors along ``axis`` (the first ``size % num_split`` one row
    larger), as ``sparse_slice`` would cut them."""
    if keyword_required is not None:
        raise ValueError("Keyword arguments are required for this function.")
    axis = split_dim if axis is None else axis
    if sp_input is None or num_split is None or axis is None:
        raise ValueError("sparse_split needs sp_input, num_split and axis")
    sp_input = _as_sparse(sp_input)
    with name_scope(name or "SparseSplit"):
        shape = sp_input.dense_shape
        rank = sp_input.shape.ndims
        if rank is None:
            raise ValueError("sparse_split needs the rank of sp_input known")
        axis = int(axis) % rank
        size = shape[axis]
        base = size // num_split
        extra = size % num_split
        pieces = []
        for i in range(int(num_split)):
            offset = i * base + math_ops.minimum(convert_to_tensor(i, dtype=_I64), extra)
            length = base + math_ops.cast(math_ops.less(convert_to_tensor(i, dtype=_I64),
                                                        extra), _I64)
            start = array_ops.stack([offset if d == axis else convert_to_tensor(0, dtype=_I64)
                                     for d in range(rank)])
            extent = array_ops.stack([length if d == axis else shape[d] for d in range(rank)])
            pieces.append(sparse_slice(sp_input, start, extent))
        return pieces


def _concat_kernel(attrs):
    axis = attrs["concat_dim"]
    expand = attrs["expand_nonconcat_dim"]

    def concat(*args):
        count = len(args) // 3
        all_indices, all_values, shapes = args[:count], args[count:2 * count], args[2 * count:]
        rank = len(shapes[0])
        dim = axis % rank
        shapes = [np.asarray(s, np.int64) for s in shapes]
        others = [np.delete(s, dim) for s in shapes]
        if not expand and any(not np.array_equal(o, others[0]) for o in others):
            raise _error(f"Input shapes must match: expected {shapes[0].tolist()} for "
                         f"non-concatenating dimensions, got {shapes[1].tolist()}")
        out_shape = np.max(np.stack(shapes), 0)
        out_shape[dim] = sum(int(s[dim]) for s in shapes)
        offset = 0
        pieces = []
        for indices, shape in zip(all_indices, shapes):
            moved = indices.copy()
            moved[:, dim] += offset
            offset += int(shape[dim])
            pieces.append(moved)
        indices = np.concatenate(pieces) if pieces else np.zeros((0, rank), np.int64)
        values = np.concatenate(all_values)
        order = _order(indices)
        return indices[order], values[order], out_shape

    return concat


def _concat_shape(op):
    count = len(op.inputs) // 3
    sizes = [t.shape.as_list()[0] if t.shape.ndims == 1 else None
             for t in op.inputs[count:2 * count]]
    total = None if None in sizes else sum(sizes)
    ranks = {_rank_of(op, i) for i in range(count)} - {None}
    rank = ranks.pop() if len(ranks) == 1 else None
    return [TensorShape([total, rank]), TensorShape([total]), TensorShape([rank])]


register_op("SparseConcat", _concat_kernel, _concat_shape,
            signature=signature("indices: N * int64, values: N * T, shapes: N * int64 -> "
                                "output_indices: int64, output_values: T, output_shape: int64",
                                T=ALL))
NotDifferentiable("SparseConcat")


def sparse_concat(axis, sp_inputs, name=None, expand_nonconcat_dim=False, concat_dim=None,
                  expand_nonconcat_dims=None):
    """Concatenate SparseTensors along ``axis`` (with ``expand_nonconcat_dim`` the other
    dimensions become the largest of the inputs'); entries in row-major order.
    ``expand_nonconcat_dims`` is TensorFlow 2's name of ``expand_nonconcat_dim``."""
    axis = concat_dim if concat_dim is not None else axis
    if expand_nonconcat_dims is not None:
        expand_nonconcat_dim = expand_nonconcat_dims
    sp_inputs = [_as_sparse(s) for s in sp_inputs]
    if not sp_inputs:
        raise ValueError("sparse_concat needs at least one input")
    indices = [s.indices for s in sp_inputs]
    values = [s.values for s in sp_inputs]
    shapes = [s.dense_shape for s in sp_inputs]
    ranks = {s.shape.ndims for s in sp_inputs} - {None}
    if len(ranks) > 1:  # TensorFlow's shape function merges the shapes' lengths
        raise ValueError(f"Shapes must be equal rank, but are {sorted(ranks)} (sparse_concat "
                         f"inputs)")
    attrs = {"concat_dim": int(axis), "expand_nonconcat_dim": bool(expand_nonconcat_dim)}
    op = make_op("SparseConcat", [*indices, *values, *shapes],
                 [_I64, sp_inputs[0].dtype, _I64], attrs, name)
    dense_shape = op.outputs[2]
    known = [s.shape for s in sp_inputs]
    if all(k.is_fully_defined() for k in known) and len({k.ndims for k in known}) == 1:
        # Every input's shape known: so is the result's (TensorFlow builds it as a constant).
        dims = np.array([k.as_list() for k in known])
        concat = int(axis) % dims.shape[1]
        out = dims.max(axis=0) if expand_nonconcat_dim else dims[0].copy()
        out[concat] = dims[:, concat].sum()
        dense_shape = convert_to_tensor(out.astype(np.int64), dtype=_I64)
    return SparseTensor(op.outputs[0], op.outputs[1], dense_shape)


def sparse_transpose(sp_input, perm=None, name=None):
    """The SparseTensor with its dimensions permuted (reversed by default), reordered."""
    sp_input = _as_sparse(sp_input)
    with name_scope(name or "SparseTranspose"):
        rank = sp_input.shape.ndims
        if perm is None:
            if rank is None:
                raise ValueError("sparse_transpose needs the rank known to reverse it")
            perm = list(range(rank - 1, -1, -1))
        perm = convert_to_tensor(perm, dtype=dtypes.int32, name="perm")
        indices = array_ops.gather(sp_input.indices, perm, axis=1)
        known_perm = constant_value(perm)
        if known_perm is not None and sp_input.shape.is_fully_defined():
            # A known shape stays known, as TensorFlow's (a constant dense shape).
            old = sp_input.shape.as_list()
            shape = convert_to_tensor([old[int(p)] for p in np.ravel(known_perm)], dtype=_I64)
        else:
            shape = array_ops.gather(sp_input.dense_shape, perm)
        return sparse_reorder(SparseTensor(indices, sp_input.values, shape))


def sparse_retain(sp_input, to_retain):
    """The entries where the bool vector ``to_retain`` is True (order kept)."""
    sp_input = _as_sparse(sp_input)
    with name_scope("SparseRetain"):
        to_retain = convert_to_tensor(to_retain, dtype=dtypes.bool, name="to_retain")
        if to_retain.shape.ndims not in (None, 1):
            raise ValueError(f"to_retain must be a vector, got shape {to_retain.shape}")
        where = array_ops.reshape(array_ops.where(to_retain), [-1])
        return SparseTensor(array_ops.gather(sp_input.indices, where),
                            array_ops.gather(sp_input.values, where), sp_input.dense_shape)


def sparse_reset_shape(sp_input, new_shape=None):
    """The same entries with a new dense shape (at least as large; default: the tightest)."""
    sp_input = _as_sparse(sp_input)
    with name_scope("SparseResetShape"):
        if new_shape is None:
            tight = math_ops.reduce_max(sp_input.indices, 0) + 1
            return SparseTensor(sp_input.indices, sp_input.values, tight)
        new_shape = convert_to_tensor(new_shape, dtype=_I64, name="new_shape")
        from .debug_ops import assert_less_equal

        check = assert_less_equal(sp_input.dense_shape, new_shape,
                                  message="new_shape must be at least the old shape")
        from .control_flow_ops import with_dependencies

        return SparseTensor(sp_input.indices, sp_input.values,
                            with_dependencies([check], new_shape))


def sparse_placeholder(dtype, shape=None, name=None):
    """A SparseTensor of placeholders, fed with a ``SparseTensorValue``."""
    from .constant_op import placeholder, placeholder_with_default

    def part(suffix):
        return f"{name}/{suffix}" if name else None

    rank = None
    if isinstance(shape, Tensor):
        # A shape tensor (gcn's `shape=tf.constant(features[2], dtype=tf.int64)`) becomes
        # the default of the shape placeholder, as TensorFlow 1.x does.
        if shape.shape.ndims != 1:
            raise ValueError(f"sparse_placeholder: shape must be a vector, got {shape}")
        rank = shape.shape.as_list()[0]
        # (TensorFlow makes the shape's placeholder first, then values and indices.)
        dense_shape = placeholder_with_default(shape, [rank],
                                               name=part("shape"))
        values = placeholder(dtype, [None], name=part("values"))
        indices = placeholder(_I64, [None, rank], name=part("indices"))
        return SparseTensor(indices, values, dense_shape)
    if shape is not None:
        shape = TensorShape(shape) if not isinstance(shape, TensorShape) else shape
        rank = shape.ndims
    if shape is not None and rank is not None:
        # As TensorFlow 1.x: a default shape with -1 for unknown dimensions, which
        # SparseTensor.shape reads back.
        default = np.array([-1 if d is None else d for d in shape.as_list()], np.int64)
        dense_shape = placeholder_with_default(default, [rank], name=part("shape"))
    else:
        dense_shape = placeholder(_I64, [rank], name=part("shape"))
    values = placeholder(dtype, [None], name=part("values"))
    indices = placeholder(_I64, [None, rank], name=part("indices"))
    return SparseTensor(indices, values, dense_shape)
