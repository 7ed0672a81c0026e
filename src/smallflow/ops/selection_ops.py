"""Gathering and selecting: gather, where, boolean_mask, diag."""

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import (
    ShapeError,
    convert_to_tensor,
    is_tensor_like,
    name_scope,
)
from ..op_signature import ALL, FLOAT_INT_COMPLEX, INDEX, NUMBERS, signature
from ..registry import register_op
from ..tensor_shape import TensorShape, unknown_shape
from .common import (
    binary_inputs,
    broadcast_static,
    canonical_axis,
    constant_value,
    element_array,
    make_op,
    make_unary,
    merge_shapes,
)
from .join_split_ops import concat
from .reduction_ops import reduce_prod
from .sequence_ops import range as range_op
from .shape_ops import ones, reshape, shape, squeeze, transpose

# -- gathering and selecting --------------------------------------------------------------------


def _gather_static(op):
    params = op.inputs[0].shape
    indices = op.inputs[1].shape
    axis = constant_value(op.inputs[2])
    if params.ndims == 0:
        raise ShapeError("Shape must be at least rank 1 but is rank 0")
    if params.ndims is None or indices.ndims is None:
        return [unknown_shape()]
    if axis is None:  # the rank is known: params' less the axis, plus indices'
        return [unknown_shape(params.ndims - 1 + indices.ndims)]
    dims = params.as_list()
    axis = int(axis)
    if not -len(dims) <= axis < len(dims):
        # TensorFlow's shape function asks params for enough dimensions to hold the axis.
        needed = axis + 1 if axis >= 0 else -axis
        raise ShapeError(f"Shape must be at least rank {needed} but is rank {len(dims)}")
    axis = canonical_axis(axis, len(dims))
    return [TensorShape(dims[:axis] + indices.as_list() + dims[axis + 1:])]


def _index_text(flat_position, shape):
    return ",".join(str(int(i)) for i in np.unravel_index(flat_position, shape)) if shape else ""


def _gather_kernel(attrs):
    def gather_array(params, indices, axis):
        axis = int(axis)
        if not -params.ndim <= axis < params.ndim:
            raise InvalidArgumentError(
                None, None, f"Expected axis in the range [{-params.ndim}, {params.ndim}), "
                f"but got {axis}")
        limit = params.shape[axis]
        if indices.size and (indices.min() < 0 or indices.max() >= limit):
            bad = int(np.argmax((indices < 0) | (indices >= limit)))
            raise InvalidArgumentError(
                None, None, f"indices[{_index_text(bad, indices.shape)}] = "
                f"{indices.ravel()[bad]} is not in [0, {limit})")
        return element_array(np.take(params, indices, axis=axis), params)

    return gather_array


register_op("GatherV2", _gather_kernel, _gather_static,
            signature=signature("params: Tparams, indices: Tindices, axis: Taxis"
                                " -> output: Tparams",
                                Tparams=ALL,
                                Tindices=INDEX,
                                Taxis=INDEX))


def gather(params, indices, validate_indices=None, name=None, axis=None, batch_dims=0):
    """The slices of ``params`` along ``axis`` picked by ``indices`` (out of range: error).

    With ``batch_dims`` = b, the first b dimensions of ``params`` and ``indices`` are batch
    dimensions: each batch entry gathers from its own slice of ``params``. ``axis`` defaults
    to ``batch_dims``; negative values count from the end (of ``indices`` for batch_dims).
    """
    params = convert_to_tensor(params)
    indices = convert_to_tensor(indices)
    if indices.dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"Value passed to parameter 'indices' has DataType "
                        f"{indices.dtype.name} not in list of allowed values: int32, int64")
    batch_dims = 0 if batch_dims is None else int(batch_dims)
    if batch_dims < 0:
        if indices.shape.ndims is None:
            raise ValueError("gather with a negative batch_dims needs indices of known rank")
        batch_dims += indices.shape.ndims
    if axis is None:
        axis = batch_dims
    if batch_dims:
        return _batch_gather(params, indices, axis, batch_dims, name)
    axis = convert_to_tensor(axis, dtype=indices.dtype, name="axis") if not (
        is_tensor_like(axis)) else convert_to_tensor(axis)
    return make_op("GatherV2", [params, indices, axis], [params.dtype], None, name,
                   "GatherV2").outputs[0]


def _batch_gather(params, indices, axis, batch_dims, name):
    """``gather`` with batch dimensions, built from one plain gather: the gathered axis moved
    next to the batch dimensions, batch and axis flattened into one dimension, each batch
    entry's indices offset into its block, and the result's axes put back in order."""
    p_rank = params.shape.ndims
    i_rank = indices.shape.ndims
    if p_rank is None or i_rank is None:
        raise ValueError("gather with batch_dims needs params and indices of known rank")
    if is_tensor_like(axis):
        raise ValueError("gather with batch_dims needs a Python int axis")
    axis = int(axis) + (p_rank if int(axis) < 0 else 0)
    if batch_dims >= i_rank:
        raise ValueError(f"batch_dims = {batch_dims} must be less than rank(indices) = "
                         f"{i_rank}")
    if not batch_dims <= axis < p_rank:
        raise ValueError(f"batch_dims = {batch_dims} must be less than or equal to axis = "
                         f"{axis}, and axis less than rank(params) = {p_rank}")
    for dim in range(batch_dims):
        p_dim, i_dim = params.shape[dim].value, indices.shape[dim].value
        if p_dim is not None and i_dim is not None and p_dim != i_dim:
            raise ValueError(f"params.shape[{dim}]: {p_dim} should be equal to "
                             f"indices.shape[{dim}]: {i_dim}")
    with name_scope(name or "GatherV2"):
        leading = [*range(batch_dims), axis]
        perm = leading + [d for d in range(p_rank) if d not in leading]
        moved = transpose(params, perm) if axis != batch_dims else params
        p_shape = shape(moved, out_type=indices.dtype)
        batch_size = reduce_prod(p_shape[:batch_dims])
        block = p_shape[batch_dims]
        offsets = range_op(batch_size, dtype=indices.dtype) * block
        offsets_shape = concat([shape(indices, out_type=indices.dtype)[:batch_dims],
                                ones([i_rank - batch_dims], dtype=indices.dtype)], 0)
        flat_indices = indices + reshape(offsets, offsets_shape)
        flat_params = reshape(moved, concat([[-1], p_shape[batch_dims + 1:]], 0))
        result = gather(flat_params, flat_indices)
        if axis != batch_dims:
            # [batch, indices..., params between batch and axis..., rest] -> batch, the
            # params dims, then the indices dims, then the rest.
            n_indices = i_rank - batch_dims
            n_between = axis - batch_dims
            order = ([*range(batch_dims)]
                     + [batch_dims + n_indices + k for k in range(n_between)]
                     + [batch_dims + k for k in range(n_indices)])
            order += [d for d in range(result.shape.ndims) if d not in order]
            result = transpose(result, order)
        static = (params.shape[:batch_dims].merge_with(indices.shape[:batch_dims])
                  .concatenate(params.shape[batch_dims:axis])
                  .concatenate(indices.shape[batch_dims:])
                  .concatenate(params.shape[axis + 1:]))
        result.set_shape(static)
        return result


def _select_static(op):
    condition, then, otherwise = (t.shape for t in op.inputs)
    if op.type == "SelectV2":
        return [broadcast_static(broadcast_static(condition, then), otherwise)]
    values = merge_shapes([then, otherwise])
    if condition.ndims == 0:  # TF 1.x's Select: a scalar picks all of then or all of else
        return [values]
    if condition.ndims == 1 and values.ndims is not None and values.ndims > 1:
        first = merge_shapes([condition, TensorShape(values.as_list()[:1])])
        return [TensorShape(first.as_list() + values.as_list()[1:])]
    return [merge_shapes([condition, values])]


def _select_kernel(attrs):
    def select(condition, then, otherwise):
        if then.shape != otherwise.shape:
            raise InvalidArgumentError(
                None, None, f"'then' and 'else' must have the same size.  but are: "
                f"{list(then.shape)} vs. {list(otherwise.shape)}")
        if condition.ndim == 0:
            return np.array(then if condition else otherwise, copy=True)
        if condition.shape != then.shape:
            if condition.ndim != 1 or then.ndim < 1 or condition.shape[0] != then.shape[0]:
                raise InvalidArgumentError(
                    None, None, f"'condition' must be a vector of size {then.shape[:1]} or "
                    f"have the shape of 'then': {list(condition.shape)} vs. {list(then.shape)}")
            condition = condition.reshape((-1,) + (1,) * (then.ndim - 1))
        return np.where(condition, then, otherwise)

    return select


register_op("Select", _select_kernel, _select_static,
            signature=signature("condition: bool, t: T, e: T -> output: T", T=ALL))
register_op("SelectV2", lambda attrs: np.where, _select_static,
            signature=signature("condition: bool, t: T, e: T -> output: T", T=ALL))
register_op("Where", lambda attrs: lambda x: np.argwhere(x).astype(np.int64, copy=False),
            lambda op: [TensorShape([None, op.inputs[0].shape.ndims])],
            signature=signature("input: T -> index: int64", T=NUMBERS + (dtypes.bool,)))


def _select_inputs(op_type, condition, x, y):
    # A Python or NumPy condition converts to the op's bool input (a NumPy int array is cast,
    # as TensorFlow's op builder does); a tensor must already be bool.
    if not is_tensor_like(condition):
        try:
            condition = convert_to_tensor(condition, dtype=dtypes.bool, name="condition")
        except TypeError as err:
            raise TypeError(f"Expected bool passed to parameter 'condition' of op "
                            f"'{op_type}', got {condition!r} of type "
                            f"'{type(condition).__name__}' instead. Error: {err}") from None
    condition = convert_to_tensor(condition, name="condition")
    if condition.dtype != dtypes.bool:
        raise TypeError(f"Input 'condition' of '{op_type}' Op has type "
                        f"{condition.dtype.name} that does not match expected type of bool.")
    then, otherwise = binary_inputs(op_type, x, y)
    return condition, then, otherwise


def where(condition, x=None, y=None, name=None):
    """With ``x`` and ``y``: elementwise choice (condition of their shape, or a vector picking
    rows). Alone: the int64 coordinates ``[num_true, rank]`` of the true entries."""
    if x is None and y is None:
        condition = convert_to_tensor(condition, name="condition")
        return make_op("Where", [condition], [dtypes.int64], None, name).outputs[0]
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    inputs = _select_inputs("Select", condition, x, y)
    return make_op("Select", list(inputs), [inputs[1].dtype], None, name).outputs[0]


select = where


def where_v2(condition, x=None, y=None, name=None):
    """As ``where``, with NumPy broadcasting of ``condition``, ``x`` and ``y``."""
    if x is None and y is None:
        return where(condition, name=name)
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    inputs = _select_inputs("SelectV2", condition, x, y)
    return make_op("SelectV2", list(inputs), [inputs[1].dtype], None, name).outputs[0]


def boolean_mask(tensor, mask, name="boolean_mask", axis=None):
    """The entries of ``tensor`` where ``mask`` (covering dims ``axis..``) is true, flattened
    over the masked dimensions."""
    with name_scope(name):
        tensor = convert_to_tensor(tensor, name="tensor")
        mask = convert_to_tensor(mask, name="mask")
        mask_shape = mask.shape
        mask_rank = mask_shape.ndims
        if mask_rank == 0:
            raise ValueError("mask cannot be scalar.")
        if mask_rank is None:
            raise ValueError("Number of mask dimensions must be specified, even if some "
                             "dimensions are None.  E.g. shape=[None] is ok, but shape=None "
                             "is not.")
        axis = 0 if axis is None else int(axis)
        static = tensor.shape
        static[axis:axis + mask_rank].assert_is_compatible_with(mask_shape)
        dynamic = shape(tensor)
        leading = _prod_of(dynamic[axis:axis + mask_rank])
        new_shape = concat([dynamic[:axis], [leading], dynamic[axis + mask_rank:]], 0)
        flat = reshape(tensor, new_shape)
        if static.ndims is not None:
            first = static[axis:axis + mask_rank].num_elements()
            flat.set_shape(static[:axis].concatenate([first]).concatenate(
                static[axis + mask_rank:]))
        positions = squeeze(where(reshape(mask, [-1])), axis=[1])
        return gather(flat, positions, axis=axis)


def _prod_of(vector):
    return reduce_prod(vector, axis=[0])


# -- diagonals ----------------------------------------------------------------------------------


def _diag_static(op):
    known = op.inputs[0].shape
    if known.ndims is None:
        return [unknown_shape()]
    if known.ndims == 0:
        raise ShapeError("Shape must be at least rank 1 but is rank 0")
    return [known.concatenate(known)]


def _diag(x):
    n = x.size
    out = np.zeros(n * n, dtype=x.dtype)
    out[:: n + 1] = x.ravel()
    return out.reshape(x.shape + x.shape)


register_op("Diag", lambda attrs: _diag, _diag_static,
            signature=signature("diagonal: T -> output: T", T=FLOAT_INT_COMPLEX))


def _diag_part_static(op):
    known = op.inputs[0].shape
    if known.ndims is None:
        return [unknown_shape()]
    if known.ndims % 2 or known.ndims == 0:
        raise ShapeError(f"Input must have even rank <= 6, input rank is {known.ndims}")
    half = known.ndims // 2
    merged = merge_shapes([known[:half], known[half:]])
    return [merged]


def _diag_part(x):
    half = x.ndim // 2
    if x.ndim % 2 or x.shape[:half] != x.shape[half:]:
        raise InvalidArgumentError(
            None, None, f"Invalid shape {list(x.shape)}: dimensions i and i + {half} must be "
            "equal")
    n = int(np.prod(x.shape[:half]))
    return x.reshape(n, n).diagonal().reshape(x.shape[:half]).copy()


register_op("DiagPart", lambda attrs: _diag_part, _diag_part_static,
            signature=signature("input: T -> diagonal: T", T=FLOAT_INT_COMPLEX))


def diag(diagonal, name=None):
    """A tensor of rank 2k with ``diagonal`` (rank k) on its diagonal and zeros elsewhere."""
    return make_unary("Diag", diagonal, name)


def diag_part(input, name=None):  # noqa: A002
    """The diagonal of a rank-2k tensor (the inverse of ``diag``)."""
    return make_unary("DiagPart", input, name)


