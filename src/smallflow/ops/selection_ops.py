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
from .shape_ops import reshape, shape, squeeze

# -- gathering and selecting --------------------------------------------------------------------


def _gather_static(op):
    params = op.inputs[0].shape
    indices = op.inputs[1].shape
    axis = constant_value(op.inputs[2])
    if params.ndims == 0:
        raise ShapeError("Shape must be at least rank 1 but is rank 0")
    if params.ndims is None or indices.ndims is None or axis is None:
        return [unknown_shape()]
    dims = params.as_list()
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


def gather(params, indices, validate_indices=None, name=None, axis=0, batch_dims=0):
    """The slices of ``params`` along ``axis`` picked by ``indices`` (out of range: error)."""
    if batch_dims:
        raise NotImplementedError("smallflow's gather supports batch_dims=0 only")
    params = convert_to_tensor(params)
    indices = convert_to_tensor(indices)
    if indices.dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"Value passed to parameter 'indices' has DataType "
                        f"{indices.dtype.name} not in list of allowed values: int32, int64")
    axis = convert_to_tensor(axis, dtype=indices.dtype, name="axis") if not (
        is_tensor_like(axis)) else convert_to_tensor(axis)
    return make_op("GatherV2", [params, indices, axis], [params.dtype], None, name,
                   "GatherV2").outputs[0]


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
    bool_hint = None if is_tensor_like(condition) else dtypes.bool
    condition = convert_to_tensor(condition, dtype=bool_hint, name="condition")
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


