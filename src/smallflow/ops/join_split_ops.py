"""Joining and splitting tensors: concat, stack, unstack, split."""

import numbers

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import (
    ShapeError,
    convert_to_tensor,
    is_tensor_like,
    name_scope,
)
from ..op_signature import ALL, INDEX, signature
from ..registry import register_op
from ..tensor_shape import TensorShape, unknown_shape
from .common import (
    canonical_axis,
    composite_dispatch,
    constant_ints,
    constant_value,
    element_array,
    make_op,
    merge_shapes,
)
from .constant_op import _contains_tensor, _first_tensor_dtype, _pack, constant, identity
from .shape_ops import _shape_input

# -- joining and splitting ----------------------------------------------------------------------


def _concat_static(op):
    values = op.inputs[:-1]
    axis_rank = op.inputs[-1].shape.ndims
    if axis_rank not in (None, 0):
        raise ShapeError(f"Shape must be rank 0 but is rank {axis_rank}")
    axis = constant_value(op.inputs[-1])
    ranks = {t.shape.ndims for t in values} - {None}
    if len(ranks) > 1:
        low, high = sorted(ranks)[:2]
        raise ShapeError(f"Shape must be rank {high} but is rank {low}")
    if ranks == {0}:
        raise ShapeError("Can't concatenate scalars (use tf.stack instead)")
    rank = ranks.pop() if ranks else None
    if rank is None or axis is None:
        return [unknown_shape(rank)]
    axis = canonical_axis(axis, rank, "concatenating dimensions")
    others = [TensorShape(t.shape.as_list()[:axis] + [0] + t.shape.as_list()[axis + 1:])
              for t in values if t.shape.ndims is not None]
    merged = merge_shapes(others).as_list()
    sizes = [t.shape[axis].value for t in values]
    merged[axis] = None if None in sizes else sum(sizes)
    return [TensorShape(merged)]


def _concat_kernel(attrs):
    def concat_arrays(*args):
        axis = int(args[-1])
        rank = args[0].ndim
        if not -rank <= axis < rank:
            raise InvalidArgumentError(
                None, None, f"ConcatOp : Expected concatenating dimensions in the range "
                f"[{-rank}, {rank}), but got {axis}")
        return np.concatenate(args[:-1], axis=axis)

    return concat_arrays


register_op("ConcatV2", _concat_kernel, _concat_static,
            signature=signature("values: N * T, axis: Tidx -> output: T", T=ALL, Tidx=INDEX))


def _same_dtype_tensors(values, op_type, arg="values"):
    """Convert a list of values to tensors of one dtype (the first tensor's)."""
    if not isinstance(values, list | tuple):
        raise TypeError(f"Expected list for '{arg}' argument to '{op_type}' Op, not {values!r}.")
    dtype = _first_tensor_dtype(list(values))
    tensors = [convert_to_tensor(v) if is_tensor_like(v) else convert_to_tensor(v, dtype=dtype)
               for v in values]
    if len({t.dtype for t in tensors}) > 1:
        names = ", ".join(t.dtype.name for t in tensors)
        raise TypeError(f"Tensors in list passed to '{arg}' of '{op_type}' Op have types "
                        f"[{names}] that don't all match.")
    return tensors


def concat(values, axis, name="concat"):
    """Join tensors along ``axis``; all other dimensions must agree."""
    if not isinstance(values, list | tuple):
        values = [values]
    dispatch = composite_dispatch(*values)
    if dispatch is not None:  # RaggedTensors
        return dispatch("concat", values, axis, name)
    if len(values) == 1:
        # One tensor: no op to check the axis, so it is checked here (an int32 scalar), as
        # TensorFlow does before returning the tensor itself.
        with name_scope(name or "concat"):
            axis_tensor = convert_to_tensor(axis, dtype=dtypes.int32, name="concat_dim")
            axis_tensor.shape.assert_has_rank(0)
            return identity(values[0], name=name or "concat")
    if not values:
        raise ValueError("List argument 'values' to 'ConcatV2' Op with length 0 shorter than "
                         "minimum length 2.")
    tensors = _same_dtype_tensors(values, "ConcatV2")
    axis_tensor = convert_to_tensor(axis, dtype=dtypes.int32, name="axis") if not (
        is_tensor_like(axis)) else convert_to_tensor(axis)
    return make_op("ConcatV2", [*tensors, axis_tensor], [tensors[0].dtype], None,
                   name).outputs[0]


def stack(values, axis=0, name="stack"):
    """Stack rank-R tensors into one rank-(R+1) tensor along a new ``axis``."""
    if isinstance(values, np.ndarray) and values.ndim:
        # A NumPy array stacks its rows: along axis 0 it is the array itself (a Const).
        if axis == 0:
            return constant(values, name=name)
        values = list(values)
    if not isinstance(values, list | tuple) or not values:
        raise ValueError(f"stack needs a non-empty list of tensors, got {values!r}")
    if axis == 0 and not _contains_tensor(values):
        try:
            return constant(values, name=name)
        except (TypeError, ValueError):
            pass  # ragged values: the Pack op below reports their shapes
    tensors = _same_dtype_tensors(values, "Pack")
    rank = tensors[0].shape.ndims
    if rank is not None and not -(rank + 1) <= axis < rank + 1:
        raise ValueError(f"axis = {axis} not in [{-(rank + 1)}, {rank + 1})")
    return _pack(tensors, axis, name)


def _unpack_static(op):
    known = op.inputs[0].shape
    if known.ndims is None:
        return [unknown_shape() for _ in op.outputs]
    dims = known.as_list()
    axis = canonical_axis(op.attrs["axis"], len(dims))
    if dims[axis] is not None and dims[axis] != op.attrs["num"]:
        raise ShapeError(f"Dimension must be {dims[axis]} but is {op.attrs['num']}")
    del dims[axis]
    return [TensorShape(dims) for _ in op.outputs]


def _unpack_kernel(attrs):
    axis = attrs["axis"]
    num = attrs["num"]

    def unpack(x):
        if x.shape[axis] != num:
            raise InvalidArgumentError(
                None, None, f"Input shape axis {axis % x.ndim} must equal {num}, got shape "
                f"{list(x.shape)}")
        parts = tuple(element_array(part, x) for part in np.moveaxis(x, axis, 0))
        return parts[0] if num == 1 else parts

    return unpack


register_op("Unpack", _unpack_kernel, _unpack_static,
            signature=signature("value: T -> output: num * T", T=ALL))


def unstack(value, num=None, axis=0, name="unstack"):
    """Split a rank-R tensor into a list of rank-(R-1) tensors along ``axis``."""
    value = convert_to_tensor(value)
    if num is None:
        dims = value.shape.as_tuple()
        if dims is None:
            raise ValueError(f"Cannot infer num from shape {value.shape}")
        if not -len(dims) <= axis < len(dims):
            raise ValueError(f"axis = {axis} not in [{-len(dims)}, {len(dims)})")
        num = dims[axis]
        if num is None:
            raise ValueError(f"Cannot infer num from shape {value.shape}")
    attrs = {"num": int(num), "axis": int(axis)}
    return make_op("Unpack", [value], [value.dtype] * int(num), attrs, name).outputs


def _split_dim(axis):
    """The split dimension fed as the graph runs: one element (of any rank), as TensorFlow."""
    if np.size(axis) != 1:
        raise InvalidArgumentError(None, None, "split_dim_tensor must have exactly one element.")
    return int(np.ravel(axis)[0])


def _split_static(op):
    axis = constant_value(op.inputs[0])
    known = op.inputs[1].shape
    num = op.attrs["num_split"]
    if known.ndims is None or axis is None:
        return [unknown_shape(known.ndims) for _ in range(num)]
    dims = known.as_list()
    axis = canonical_axis(axis, len(dims))
    if dims[axis] is not None:
        if dims[axis] % num:
            raise ShapeError(f"Dimension size must be evenly divisible by {num} but is "
                             f"{dims[axis]}\n\tNumber of ways to split should evenly divide "
                             f"the split dimension")
        dims[axis] //= num
    return [TensorShape(dims) for _ in range(num)]


def _split_kernel(attrs):
    num = attrs["num_split"]

    def split_array(axis, x):
        axis = _split_dim(axis)
        if x.shape[axis] % num:
            raise InvalidArgumentError(
                None, None, f"Number of ways to split should evenly divide the split "
                f"dimension, but got split_dim {axis} (size = {x.shape[axis]}) and num_split "
                f"{num}")
        parts = tuple(np.split(x, num, axis=axis))
        return parts[0] if num == 1 else parts

    return split_array


register_op("Split", _split_kernel, _split_static,
            signature=signature("split_dim: int32, value: T -> output: num_split * T", T=ALL))


def _resolve_split_sizes(sizes, total):
    """Fill in one -1 in ``sizes`` (a list of ints) so that they sum to ``total``."""
    if sizes.count(-1) > 1:
        raise ValueError("Only one dimensions can have a value of-1. Second one found at "
                         f"dimension {[i for i, s in enumerate(sizes) if s == -1][1]}")
    known = sum(s for s in sizes if s != -1)
    if -1 in sizes:
        if total is not None and known > total:
            raise ValueError(
                "Determined shape must either match input shape along split_dim exactly if "
                "fully specified, or be less than the size of the input along split_dim if "
                f"not fully specified.  Got: {known}")
        return [total - known if s == -1 and total is not None else s for s in sizes]
    if total is not None and known != total:
        raise ValueError(
            "Determined shape must either match input shape along split_dim exactly if fully "
            "specified, or be less than the size of the input along split_dim if not fully "
            f"specified.  Got: {known}")
    return sizes


def _split_v_static(op):
    known = op.inputs[0].shape
    sizes = constant_ints(op.inputs[1])
    axis = constant_value(op.inputs[2])
    num = op.attrs["num_split"]
    if known.ndims is None or axis is None:
        return [unknown_shape(known.ndims) for _ in range(num)]
    if sizes is not None and len(sizes) != num:
        raise ShapeError("Length of size_splits should be equal to num_outputs")
    dims = known.as_list()
    axis = canonical_axis(axis, len(dims))
    if sizes is None or None in sizes:
        return [TensorShape(dims[:axis] + [None] + dims[axis + 1:]) for _ in range(num)]
    try:
        sizes = _resolve_split_sizes(sizes, dims[axis])
    except ValueError as err:
        raise ShapeError(str(err)) from None
    return [TensorShape(dims[:axis] + [None if s == -1 else s] + dims[axis + 1:])
            for s in sizes]


def _split_v_kernel(attrs):
    num = attrs["num_split"]

    def split_v(x, sizes, axis):
        axis = _split_dim(axis)
        try:
            sizes = _resolve_split_sizes([int(s) for s in sizes], x.shape[axis])
        except ValueError as err:
            raise InvalidArgumentError(None, None, str(err)) from None
        parts = tuple(np.split(x, np.cumsum(sizes)[:-1], axis=axis))
        return parts[0] if num == 1 else parts

    return split_v


register_op("SplitV", _split_v_kernel, _split_v_static,
            signature=signature("value: T, size_splits: Tlen, split_dim: int32"
                                " -> output: num_split * T",
                                T=ALL,
                                Tlen=INDEX))


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """Split ``value`` along ``axis`` into equal parts (an int) or parts of given sizes."""
    value = convert_to_tensor(value)
    axis_tensor = convert_to_tensor(axis, dtype=dtypes.int32, name="split_dim") if not (
        is_tensor_like(axis)) else convert_to_tensor(axis)
    if isinstance(num_or_size_splits, numbers.Integral):
        count = int(num_or_size_splits)
        if count < 1:
            raise ValueError(f"num_or_size_splits must be at least 1, got {count}")
        op = make_op("Split", [axis_tensor, value], [value.dtype] * count,
                     {"num_split": count}, name)
        return op.outputs
    sizes = _shape_input(num_or_size_splits, name="size_splits")
    if sizes.shape.ndims == 0:
        raise ValueError("Rank-0 tensors are not supported as the num_or_size_splits argument "
                         f"to split. Argument provided: {num_or_size_splits}")
    if num is None:
        num = sizes.shape[0].value
        if num is None:
            raise ValueError(f"Cannot infer num from shape {num_or_size_splits}")
    op = make_op("SplitV", [value, sizes, axis_tensor], [value.dtype] * int(num),
                 {"num_split": int(num)}, name)
    return op.outputs




def parallel_stack(values, name="parallel_stack"):
    """``tf.parallel_stack``: ``stack`` along a new first axis (TensorFlow's arguments: no
    ``axis``, so ``parallel_stack(values, "name")`` names the op)."""
    return stack(values, axis=0, name=name)
