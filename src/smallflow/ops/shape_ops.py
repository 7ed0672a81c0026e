"""Shape ops: shape/size/rank, reshape, filled tensors, transpose, expand_dims, squeeze, one_hot."""

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import ShapeError, Tensor, convert_to_tensor, is_tensor_like, name_scope
from ..op_signature import ALL, INDEX, NUMBERS, signature
from ..registry import register_op
from ..tensor_shape import TensorShape, as_shape, unknown_shape
from .common import (
    constant_ints,
    constant_value,
    make_op,
    make_unary,
    normalize_axes,
    same_shape,
)
from .constant_op import _autopack, _contains_tensor, cast, constant
from .sparse_tensor import SparseTensor, SparseTensorValue

# -- shapes ----------------------------------------------------------------------------------


def _shape_input(shape, name="shape"):
    """A shape argument as an int tensor (lists, tuples, TensorShapes, tensors, or lists
    mixing ints and scalar tensors, which are stacked)."""
    if isinstance(shape, TensorShape):
        shape = shape.as_list()
    if is_tensor_like(shape) or _contains_tensor(shape):
        return _int_input(shape, name)
    return _int_input(np.asarray(shape, dtype=np.int64).reshape(-1), name)


def _int_input(value, name):
    """An index-like argument (nested lists may hold scalar tensors) as an int32 tensor, or
    int64 when a value needs it."""
    if is_tensor_like(value):
        return convert_to_tensor(value)
    if _contains_tensor(value):
        return _autopack(list(value), None, name)
    array = np.asarray(value, dtype=np.int64)
    fits = array.size == 0 or (array.min() >= -(2**31) and array.max() < 2**31)
    return constant(array.astype(np.int32) if fits else array, name=name)


def _reshape_static(op):
    target = constant_ints(op.inputs[1])
    if target is None:
        return [unknown_shape()]
    known = op.inputs[0].shape
    if target.count(-1) > 1:
        raise ShapeError("Cannot infer multiple unknown dimensions in reshape")
    if None in target:
        return [TensorShape([None if d == -1 else d for d in target])]
    if known.is_fully_defined():
        total = known.num_elements()
        fixed = int(np.prod([d for d in target if d != -1]))
        # TensorFlow's wording: the shape read from the input, -1 shown as "?".
        spelled = "[" + ",".join("?" if d == -1 else str(d) for d in target) + "]"
        error = None
        if -1 in target and fixed == 0 and total == 0:
            # Zero elements to zero elements: the -1 is found by the kernel (TensorFlow
            # divides the non-zero dimensions), unknown until then.
            return [TensorShape([None if d == -1 else d for d in target])]
        if -1 in target and fixed != 0 and total % fixed:
            error = ShapeError(f"Dimension size must be evenly divisible by {fixed} but is "
                               f"{total}")
        elif (-1 in target and fixed == 0) or (-1 not in target and fixed != total):
            error = ShapeError(f"Cannot reshape a tensor with {total} elements to shape "
                               f"{spelled} ({fixed} elements)")
        if error is not None:
            error.partial_shapes = (" and with input tensors computed as partial shapes: "
                                    f"input[1] = {spelled}")
            raise error
        if -1 in target:
            target = [total // fixed if d == -1 else d for d in target]
    return [TensorShape([None if d == -1 else d for d in target])]


def _reshape_kernel(attrs):
    def reshape_array(x, shape):
        shape = [int(d) for d in shape]
        if x.size == 0 and -1 in shape and 0 in shape:
            # -1 among zero dimensions: the product of the input's non-zero dimensions over
            # that of the shape's, rounded down, as TensorFlow's kernel infers it.
            have = int(np.prod([d for d in x.shape if d > 0]))
            want = int(np.prod([d for d in shape if d > 0]))
            shape = [have // want if d == -1 else d for d in shape]
        try:
            return x.reshape(shape)
        except ValueError:
            requested = int(np.prod([d for d in shape if d != -1]))
            raise InvalidArgumentError(
                None, None,
                f"Input to reshape is a tensor with {x.size} values, but the requested shape "
                f"{'requires a multiple of' if -1 in shape else 'has'} {requested}",
            ) from None

    return reshape_array


register_op("Reshape", _reshape_kernel, _reshape_static,
            signature=signature("tensor: T, shape: Tshape -> output: T", T=ALL, Tshape=INDEX))


def reshape(tensor, shape, name=None):
    """Give ``tensor`` a new shape with the same number of elements (one -1 is inferred)."""
    # TensorFlow converts the arguments inside the op's own scope (Reshape/shape)
    with name_scope(name or "Reshape") as scope:
        tensor = convert_to_tensor(tensor, name="tensor")
        shape = _shape_input(shape)
        return make_op("Reshape", [tensor, shape], [tensor.dtype], None, scope).outputs[0]


def _shape_kernel(attrs):
    out = attrs["out_type"].as_numpy_dtype
    return lambda x: np.array(x.shape, dtype=out)


register_op("Shape", _shape_kernel, lambda op: [TensorShape([op.inputs[0].shape.ndims])],
            signature=signature("input: T -> output: out_type", T=ALL, out_type=INDEX))
register_op("Size",
            lambda attrs: lambda x: np.array(x.size, dtype=attrs["out_type"].as_numpy_dtype),
            lambda op: [TensorShape([])],
            signature=signature("input: T -> output: out_type", T=ALL, out_type=INDEX))
register_op("Rank", lambda attrs: lambda x: np.array(x.ndim, dtype=np.int32),
            lambda op: [TensorShape([])], signature=signature("input: T -> output: int32", T=ALL))


def _static_shape(value):
    """The static shape of a tensor-like value (a Variable's too), or None for others."""
    if isinstance(value, Tensor) or is_tensor_like(value):
        return getattr(value, "shape", None)
    return None


def shape(input, name=None, out_type=dtypes.int32):  # noqa: A002
    """The shape of ``input`` as a 1-D tensor: a constant when the static shape is fully
    known (TensorFlow 1.x's builder folds it, so it runs without feeding ``input``), else
    the ``Shape`` op."""
    out_type = dtypes.as_dtype(out_type).base_dtype
    if isinstance(input, SparseTensor | SparseTensorValue):
        # A sparse tensor's shape is its dense_shape (TensorFlow casts it to out_type).
        with name_scope(name, "Shape", [input]) as scope:
            dense_shape = convert_to_tensor(input.dense_shape, dtype=dtypes.int64)
            if out_type == dtypes.int64:
                return dense_shape
            return cast(dense_shape, out_type, name=scope)
    known = _static_shape(input)
    if known is not None and known.is_fully_defined():
        with name_scope(name, "Shape", [input]) as scope:
            return constant(known.as_list(), dtype=out_type, name=scope)
    return make_unary("Shape", input, name, out_dtype=out_type, attrs={"out_type": out_type})


def size(input, name=None, out_type=dtypes.int32):  # noqa: A002
    """The number of elements of ``input``: a constant when the static shape fixes it (fully
    known, or with a 0 dimension), else the ``Size`` op."""
    out_type = dtypes.as_dtype(out_type).base_dtype
    known = _static_shape(input)
    if known is not None and known.ndims is not None:
        count = known.num_elements() if known.is_fully_defined() else None
        if count is None and any(d == 0 for d in known.as_list()):
            count = 0
        if count is not None:
            with name_scope(name, "Size", [input]) as scope:
                return constant(count, dtype=out_type, name=scope)
    return make_unary("Size", input, name, out_dtype=out_type, attrs={"out_type": out_type})


def rank(input, name=None):  # noqa: A002
    """The rank of ``input``: a constant when the static rank is known, else the ``Rank`` op."""
    known = _static_shape(input)
    if known is not None and known.ndims is not None:
        with name_scope(name, "Rank", [input]) as scope:
            return constant(known.ndims, dtype=dtypes.int32, name=scope)
    return make_unary("Rank", input, name, out_dtype=dtypes.int32)


# -- filled tensors ------------------------------------------------------------------------------


def _fill_kernel(attrs):
    return lambda dims, value: np.full(tuple(dims), value, dtype=value.dtype)


def _fill_static(op):
    dims = constant_ints(op.inputs[0])
    return [unknown_shape() if dims is None else TensorShape(dims)]


register_op("Fill", _fill_kernel, _fill_static,
            signature=signature("dims: index_type, value: T -> output: T", T=ALL, index_type=INDEX))


def fill(dims, value, name=None):
    value = convert_to_tensor(value)
    return make_op("Fill", [_shape_input(dims), value], [value.dtype], None, name).outputs[0]


def _filled(shape, dtype, fill_value, name, default_name):
    """TensorFlow 1.x's ``zeros``/``ones``: a constant when the shape is known and holds fewer
    than 1,000 elements, else a ``Fill`` of a ``shape_as_tensor`` constant and the value (so
    that GraphDefs stay small), all under the op's name scope."""
    dtype = dtypes.as_dtype(dtype).base_dtype
    if dtype == dtypes.bool:
        fill_value = bool(fill_value)  # TensorFlow's ones/zeros of bool: True / False
    elif dtype == dtypes.string and fill_value == 0:
        fill_value = ""
    with name_scope(name, default_name, [shape]) as scope:
        if is_tensor_like(shape) or _contains_tensor(shape):
            dims = _shape_input(shape, "packed")  # TensorFlow's convert_to_tensor autopacks
        else:
            known = [int(d) for d in as_shape(shape).as_list()]
            if int(np.prod(known)) < _SMALL_FILLED:
                return constant(fill_value, dtype=dtype, shape=known, name=scope)
            dims = _int_input(np.asarray(known, dtype=np.int64), "shape_as_tensor")
        value = constant(fill_value, dtype=dtype)
        return make_op("Fill", [dims, value], [dtype], None, scope).outputs[0]


# TensorFlow 1.x's limit (array_ops._constant_if_small): smaller filled tensors are constants.
_SMALL_FILLED = 1000


def zeros(shape, dtype=dtypes.float32, name=None):
    """A tensor of zeros."""
    return _filled(shape, dtype, 0, name, "zeros")


def ones(shape, dtype=dtypes.float32, name=None):
    """A tensor of ones."""
    return _filled(shape, dtype, 1, name, "ones")


def _zeros_like(x):
    out = np.zeros_like(x)
    if out.dtype == object:  # strings: TensorFlow's zero is the empty string
        out.fill(b"")
    return out


register_op("ZerosLike", lambda attrs: _zeros_like, same_shape,
            signature=signature("x: T -> y: T", T=ALL))
register_op("OnesLike", lambda attrs: np.ones_like, same_shape,
            signature=signature("x: T -> y: T", T=NUMBERS + (dtypes.bool,)))


def zeros_like(tensor, dtype=None, name=None, optimize=True):
    # Named `zeros_like` by default, as TensorFlow names the op (not after its type).
    tensor = convert_to_tensor(tensor)
    if dtype is not None and dtypes.as_dtype(dtype).base_dtype != tensor.dtype:
        return zeros(shape(tensor), dtype=dtype, name=name or "zeros_like")
    return make_unary("ZerosLike", tensor, name, default_name="zeros_like")


def ones_like(tensor, dtype=None, name=None, optimize=True):
    # Named `ones_like` by default, as in TensorFlow (whose op there is a Fill of the shape).
    tensor = convert_to_tensor(tensor)
    wanted = tensor.dtype if dtype is None else dtypes.as_dtype(dtype).base_dtype
    if wanted != tensor.dtype or wanted == dtypes.string:
        # Strings have no one: TensorFlow 1.x builds ``ones`` here, whose constant 1 is refused
        # ("Expected string, got 1 of type 'int' instead.").
        return ones(shape(tensor), dtype=wanted, name=name or "ones_like")
    return make_unary("OnesLike", tensor, name, default_name="ones_like")


# -- rearrangements ---------------------------------------------------------------------------


def _transpose_static(op):
    perm_rank = op.inputs[1].shape.ndims
    if perm_rank not in (None, 1):
        raise ShapeError(f"Shape must be rank 1 but is rank {perm_rank}")
    perm = constant_value(op.inputs[1])
    known = op.inputs[0].shape
    if known.ndims is None:
        return [unknown_shape(None if perm is None else len(perm))]
    if perm is None:
        return [unknown_shape(known.ndims)]
    if len(perm) != known.ndims:
        raise ShapeError(f"Dimension must be {known.ndims} but is {len(perm)}")
    for p in perm:
        if not 0 <= int(p) < known.ndims:
            raise ShapeError(f"perm dim {int(p)} is out of range of input rank {known.ndims}")
    # A repeated axis is found by the kernel ("2 is missing"), as TensorFlow's.
    dims = known.as_list()
    return [TensorShape([dims[int(p)] for p in perm])]


def _checked_permutation(x, perm):
    perm = [int(p) for p in np.ravel(perm)]
    if len(perm) != x.ndim:
        raise InvalidArgumentError(None, None, f"transpose expects a vector of size {x.ndim}. "
                                               f"But input(1) is a vector of size {len(perm)}")
    for axis in range(x.ndim):
        if axis not in perm:
            text = ",".join(str(p) for p in perm)
            raise InvalidArgumentError(None, None, f"{axis} is missing from {{{text}}}.")
    return perm


register_op("Transpose",
            lambda attrs: lambda x, perm: np.transpose(x, _checked_permutation(x, perm)),
            _transpose_static,
            signature=signature("x: T, perm: Tperm -> y: T", T=ALL, Tperm=INDEX))
def _conjugate_transpose(x, perm):
    permuted = np.transpose(x, _checked_permutation(x, perm))
    return np.conj(permuted) if permuted.dtype.kind == "c" else permuted  # others: permuted


register_op("ConjugateTranspose", lambda attrs: _conjugate_transpose,
            _transpose_static, signature=signature("x: T, perm: Tperm -> y: T", T=ALL,
                                                   Tperm=INDEX))


def transpose(a, perm=None, name="transpose", conjugate=False):
    """Permute dimensions; the default reverses them. ``conjugate=True`` conjugates complex
    values too (TensorFlow's ``ConjugateTranspose`` op; real values are only permuted)."""
    a = convert_to_tensor(a)
    op_type = "ConjugateTranspose" if conjugate and a.dtype.is_complex else "Transpose"
    if perm is None and a.shape.ndims is None:
        # The rank is known only when the session runs: perm = range(rank - 1, -1, -1).
        with name_scope(name) as scope:
            rank = make_op("Rank", [a], [dtypes.int32]).outputs[0]
            start = make_op("Sub", [rank, constant(1)], [dtypes.int32]).outputs[0]
            perm = make_op("Range", [start, constant(-1), constant(-1)],
                           [dtypes.int32]).outputs[0]
            return make_op(op_type, [a, perm], [a.dtype], None, scope).outputs[0]
    if perm is None:
        perm = list(range(a.shape.ndims))[::-1]
    name = name or "transpose"  # (callers pass name=None for the default)
    if isinstance(perm, Tensor):
        return make_op(op_type, [a, perm], [a.dtype], None, name).outputs[0]
    # A Python perm becomes a constant inside the op's scope (``transpose/perm``), as
    # TensorFlow's op builder converts inputs.
    with name_scope(name) as scope:
        perm_tensor = constant(np.asarray(perm, np.int32), name="perm")
        return make_op(op_type, [a, perm_tensor], [a.dtype], None, scope).outputs[0]


def _expand_dims_static(op):
    known = op.inputs[0].shape
    if known.ndims is None:
        return [unknown_shape()]
    axis = op.attrs["axis"]
    rank = known.ndims + 1
    if not -rank <= axis < rank:
        raise ShapeError(f"Tried to expand dim index {axis} for tensor with {known.ndims} "
                         "dimensions.")
    dims = known.as_list()
    dims.insert(axis % rank, 1)
    return [TensorShape(dims)]


register_op("ExpandDims", lambda attrs: lambda x: np.expand_dims(x, attrs["axis"]),
            _expand_dims_static, signature=signature("input: T -> output: T", T=ALL))


def expand_dims(input, axis=None, name=None, dim=None):  # noqa: A002
    """Insert a dimension of size 1 at ``axis``."""
    if axis is None:
        axis = dim
    if axis is None:
        raise ValueError("Must specify an axis argument to tf.expand_dims()")
    return make_unary("ExpandDims", input, name, attrs={"axis": _expand_dims_axis(axis)})


def _expand_dims_axis(axis):
    """The single integer in ``axis``: TensorFlow takes ``dim`` as an int32/int64 tensor of
    one element (BERT writes ``axis=[-1]``), so a one-element list, array or known tensor is
    as good as an int."""
    if isinstance(axis, Tensor):
        if not axis.dtype.is_integer:
            raise TypeError(f"Value passed to parameter 'dim' has DataType {axis.dtype.name} "
                            "not in list of allowed values: int32, int64")
        value = constant_value(axis)
        if value is None:
            raise NotImplementedError(
                f"tf.expand_dims: the axis tensor '{axis.name}' has no value known when the "
                "graph is built; smallflow needs the axis as a constant")
        axis = value
    # A Python bool converts to an int32 tensor as an int does; an empty list is int32 too.
    value = np.asarray(int(axis) if isinstance(axis, bool) else axis)
    if value.size != 1:
        raise ValueError(f"'dim' input must be a tensor with a single value (got shape "
                         f"{list(value.shape)}: {value.ravel().tolist()})")
    if value.dtype.kind not in "iu":
        kind = "float32" if value.dtype.kind == "f" else str(value.dtype)
        raise TypeError(f"Value passed to parameter 'dim' has DataType {kind} not in list "
                        "of allowed values: int32, int64")
    return int(value.ravel()[0])


def _squeeze_static(op):
    known = op.inputs[0].shape
    axes = op.attrs["squeeze_dims"]
    if known.ndims is None:
        return [unknown_shape()]
    dims = known.as_list()
    if not axes:
        if None in dims:
            return [unknown_shape()]
        return [TensorShape([d for d in dims if d != 1])]
    wanted = normalize_axes(axes, len(dims))
    for a in wanted:
        if dims[a] not in (1, None):
            raise ShapeError(f"Can not squeeze dim[{a}], expected a dimension of 1, got {dims[a]}")
    return [TensorShape([d for i, d in enumerate(dims) if i not in wanted])]


def _squeeze_kernel(attrs):
    axes = attrs["squeeze_dims"]
    if not axes:
        return np.squeeze
    return lambda x: np.squeeze(x, axis=tuple(a % x.ndim for a in axes))


register_op("Squeeze", _squeeze_kernel, _squeeze_static,
            signature=signature("input: T -> output: T", T=ALL))


def squeeze(input, axis=None, name=None, squeeze_dims=None):  # noqa: A002
    """Remove dimensions of size 1 (all of them, or those in ``axis``)."""
    if axis is None:
        axis = squeeze_dims
    if isinstance(axis, int):
        axis = [axis]
    return make_unary("Squeeze", input, name, attrs={"squeeze_dims": tuple(axis or ())})


def _one_hot_kernel(attrs):
    axis = attrs["axis"]

    def one_hot_array(indices, depth, on_value, off_value):
        depth = int(depth)
        if depth < 0:
            raise InvalidArgumentError(None, None,
                                       f"depth must be non-negative, got: {depth}")
        hot = indices[..., None] == np.arange(depth)
        out = np.where(hot, on_value, off_value).astype(on_value.dtype, copy=False)
        return out if axis == -1 else np.moveaxis(out, -1, axis)

    return one_hot_array


def _one_hot_static(op):
    known = op.inputs[0].shape
    if known.ndims is None:
        return [unknown_shape()]
    dims = known.as_list()
    axis = op.attrs["axis"]
    depth = constant_value(op.inputs[1])
    dims.insert(len(dims) if axis == -1 else axis, None if depth is None else int(depth))
    return [TensorShape(dims)]


# depth is an input, as in TensorFlow: it may be a tensor (tf.constant(C), a placeholder)
register_op("OneHot", _one_hot_kernel, _one_hot_static,
            signature=signature("indices: TI, depth: int32, on_value: T, off_value: T "
                                "-> output: T",
                                T=ALL,
                                TI=(dtypes.uint8, dtypes.int32, dtypes.int64)))


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """Rows of ``depth`` values: ``on_value`` at each index, ``off_value`` elsewhere."""
    with name_scope(name or "one_hot") as scope:
        # given on/off values become tensors first (unnamed: Const, Const_1) and set the dtype
        on = None if on_value is None else convert_to_tensor(on_value)
        off = None if off_value is None else convert_to_tensor(off_value)
        given = [t for t in (on, off) if t is not None]
        if dtype is not None:
            dtype = dtypes.as_dtype(dtype).base_dtype
            for label, tensor in (("on_value", on), ("off_value", off)):
                if tensor is not None and tensor.dtype.base_dtype != dtype:
                    raise TypeError(f"dtype {tensor.dtype.base_dtype!r} of {label} does not "
                                    f"match dtype parameter {dtype!r}")
        else:
            dtype = given[0].dtype.base_dtype if given else dtypes.float32
        if on is None:
            on = convert_to_tensor(1, dtype=dtype, name="on_value")
        if off is None:
            off = convert_to_tensor(0, dtype=dtype, name="off_value")
        if on.dtype.base_dtype != off.dtype.base_dtype:
            raise TypeError(f"dtype {on.dtype.base_dtype!r} of on_value does not match "
                            f"dtype {off.dtype.base_dtype!r} of off_value")
        indices = convert_to_tensor(indices, name="indices")
        depth = convert_to_tensor(depth, dtype=dtypes.int32, name="depth")
        attrs = {"axis": -1 if axis is None else int(axis)}
        return make_op("OneHot", [indices, depth, on, off], [dtype], attrs, scope).outputs[0]


