"""Helpers shared by the op families: building ops, converting inputs, static shapes, and
float sums as BLAS products (small reductions are mostly call overhead in ufunc.reduce)."""

import numpy as np

from .. import dtypes
from ..dtypes import type_string
from ..errors import InvalidArgumentError
from ..graph import ShapeError, Tensor, convert_to_tensor, get_default_graph, is_tensor_like
from ..tensor_shape import TensorShape, unknown_shape

_FLOATS = (dtypes.float16, dtypes.float32, dtypes.float64)


def make_op(op_type, inputs, out_dtypes, attrs=None, name=None, default_name=None):
    """Create an op in the default graph and return it."""
    op_name = name if name is not None else (default_name or op_type)
    return get_default_graph().create_op(op_type, list(inputs), out_dtypes, attrs, op_name)


def make_unary(op_type, x, name=None, default_name=None, out_dtype=None, attrs=None):
    """Create a one-input, one-output op and return its output tensor."""
    x = convert_to_tensor(x, name="x")
    dtype = out_dtype or x.dtype
    return make_op(op_type, [x], [dtype], attrs, name, default_name).outputs[0]


def composite_dispatch(*values):
    """The ``_dispatch_op`` of the first composite tensor (a RaggedTensor) among ``values``,
    or None: ops that accept ragged arguments hand them to it, as TensorFlow's ops dispatch to
    their ragged versions. Duck-typed, so this layer imports nothing above it."""
    for value in values:
        handler = getattr(value, "_dispatch_op", None)
        if handler is not None:
            return handler
    return None


def binary_inputs(op_type, x, y, names=("x", "y")):
    """Convert two operands of an op that shares one type attr between them.

    As TensorFlow's op builder: the first operand fixes the dtype (a Python value on its own
    becomes int32 or float32), the second is converted to it (NumPy arrays are cast) and a
    tensor of another dtype is a TypeError, since TensorFlow never promotes implicitly. So
    ``tf.add(2, float_tensor)`` is an error while ``2 + float_tensor`` is not: the operators
    convert their Python operand to the tensor's dtype first (tensor_operators.py).
    """
    x = convert_to_tensor(x, name=names[0])
    y = _convert_operand(op_type, y, x.dtype, names[1], names[0])
    return x, y


def _convert_operand(op_type, value, dtype, arg, other_arg):
    if is_tensor_like(value):
        tensor = convert_to_tensor(value)
        if tensor.dtype != dtype and tensor._is_eager:
            # The eager kernel's wording (TF 1.x eager raises it when the op runs).
            raise InvalidArgumentError(
                None, None, f"cannot compute {op_type} as input #1(zero-based) was expected "
                f"to be a {type_string(dtype)} tensor but is a {type_string(tensor.dtype)} "
                f"tensor [Op:{op_type}]")
        if tensor.dtype != dtype:
            raise TypeError(
                f"Input '{arg}' of '{op_type}' Op has type {tensor.dtype.name} that does not "
                f"match type {dtype.name} of argument '{other_arg}'."
            )
        return tensor
    return convert_to_tensor(value, dtype=dtype, name=arg)


def bytes_array(value, what=None):
    """``value`` (str, bytes, nested lists or an array of them) as an object array of bytes.

    This is the one representation of a ``tf.string`` tensor's value: Python ``str`` is
    encoded as UTF-8, like TensorFlow does, and anything else is a TypeError.
    """
    array = np.array(value, dtype=object)
    out = np.empty(array.shape, dtype=object)
    flat = out.reshape(-1)
    for index, item in enumerate(array.flat):
        if isinstance(item, bytes):
            flat[index] = item if type(item) is bytes else bytes(item)
        elif isinstance(item, str):
            flat[index] = item.encode("utf-8")
        else:
            where = f" (in {what})" if what else ""
            raise TypeError(f"Expected string, got {item!r} of type '{type(item).__name__}' "
                            f"instead{where}.")
    return out


def element_array(value, like):
    """An element picked out of the array ``like`` (by an index, a gather) as an array: NumPy
    hands back one element of an object array as the bytes themselves, and ``np.asarray`` of
    bytes would make a fixed-width ``S`` array; a string tensor's value stays an object array."""
    if isinstance(value, np.ndarray):
        return value
    return np.asarray(value, dtype=like.dtype)


def check_dtype(op_type, tensor, allowed, arg="x"):
    if tensor.dtype not in allowed:
        names = ", ".join(d.name for d in allowed)
        raise TypeError(
            f"Value passed to parameter '{arg}' has DataType {tensor.dtype.name} not in list "
            f"of allowed values: {names} (op '{op_type}', tensor '{tensor.name}')"
        )


def require_float(op_type, tensor, arg="x"):
    check_dtype(op_type, tensor, _FLOATS, arg)


# -- static shapes -------------------------------------------------------------------------------


def same_shape(op):
    return [op.inputs[0].shape]


def scalar_shape(op):
    return [TensorShape([])]


def unknown_shapes(op):
    return [unknown_shape() for _ in op.outputs]


def broadcast_static(shape_a, shape_b):
    """NumPy broadcasting of two static shapes; unknown sizes stay unknown when undecidable."""
    a = shape_a.as_tuple()
    b = shape_b.as_tuple()
    if a is None or b is None:
        return unknown_shape()
    rank = max(len(a), len(b))
    a = (1,) * (rank - len(a)) + a
    b = (1,) * (rank - len(b)) + b
    out = []
    for da, db in zip(a, b, strict=True):
        if da == 1:
            out.append(db)
        elif db == 1:
            out.append(da)
        elif da is None:
            out.append(db)
        elif db is None or da == db:
            out.append(da)
        else:
            raise ShapeError(f"Dimensions must be equal, but are {da} and {db}")
    return TensorShape(out)


def broadcast_shape_fn(op):
    return [broadcast_static(op.inputs[0].shape, op.inputs[1].shape)]


def normalize_axes(axes, rank, what="axis"):
    """Turn an int or list of (possibly negative) axes into a sorted tuple of non-negatives."""
    if axes is None:
        return tuple(range(rank)) if rank is not None else None
    items = [axes] if np.ndim(axes) == 0 else list(np.asarray(axes).ravel())
    if rank is None:
        return tuple(int(a) for a in items)
    out = []
    for a in items:
        a = int(a)
        if not -rank <= a < rank:
            raise ShapeError(f"Invalid reduction dimension {a} for input with {rank} dimensions.")
        out.append(a % rank)
    return tuple(sorted(set(out)))


def constant_value(tensor):
    """The value of a tensor known at build time, or None.

    Known values are those of a Const, a Cast of a known value, a Shape whose input shape is
    fully defined, and a Pack (``stack``) of known scalars: enough for shape arguments.
    """
    if not isinstance(tensor, Tensor):
        return None
    op = tensor.op
    if op.type == "Const":
        return op.attrs["value"]
    if op.type == "Cast":
        source = constant_value(op.inputs[0])
        return None if source is None else source.astype(op.attrs["DstT"].as_numpy_dtype)
    if op.type == "Shape" and op.inputs[0].shape.is_fully_defined():
        dims = op.inputs[0].shape.as_list()
        return np.array(dims, dtype=op.attrs["out_type"].as_numpy_dtype)
    if op.type == "Pack" and op.attrs["axis"] == 0:
        parts = [constant_value(t) for t in op.inputs]
        if all(p is not None and np.ndim(p) == 0 for p in parts):
            return np.array(parts, dtype=tensor.dtype.as_numpy_dtype)
    # As TensorFlow's shape inference evaluates small constant subgraphs: a reshaped or
    # sliced known value (``zeros([tf.shape(c)[0]])`` has a static shape).
    if op.type == "Identity":
        return constant_value(op.inputs[0])
    if op.type == "Reshape":
        value, shape = constant_value(op.inputs[0]), constant_value(op.inputs[1])
        if value is not None and shape is not None and value.size < 1024:
            return np.reshape(value, [int(d) for d in np.ravel(shape)])
    if op.type == "StridedSlice":
        return _constant_strided_slice(op)
    if op.type == "Fill":  # tf.zeros/ones of 1,000 elements or more (capped: memory)
        value = constant_value(op.inputs[1])
        if value is not None and tensor.shape.is_fully_defined() and (
                tensor.shape.num_elements() <= _LARGEST_FOLDED_FILL):
            return np.full(tensor.shape.as_list(), value, dtype=value.dtype)
    return None


_LARGEST_FOLDED_FILL = 1 << 22


def _constant_strided_slice(op):
    """A StridedSlice of a small known value (no ellipsis or new axes), or None."""
    attrs = op.attrs
    if attrs.get("ellipsis_mask") or attrs.get("new_axis_mask"):
        return None
    value, begin, end, strides = (constant_value(t) for t in op.inputs)
    if value is None or begin is None or end is None or strides is None or value.size > 1024:
        return None
    index = []
    for i, (b, e, st) in enumerate(zip(np.ravel(begin), np.ravel(end), np.ravel(strides))):
        if attrs["shrink_axis_mask"] & (1 << i):
            index.append(int(b))
        else:
            index.append(slice(None if attrs["begin_mask"] & (1 << i) else int(b),
                               None if attrs["end_mask"] & (1 << i) else int(e), int(st)))
    try:
        return np.asarray(value[tuple(index)])
    except IndexError:
        return None


def constant_ints(tensor):
    """A 1-D int tensor's entries known at build time: a list of ints and Nones, or None.

    Unlike ``constant_value`` this also answers for partly known vectors, such as
    ``stack([shape(x)[0], 10])`` (``[None, 10]``) or ``shape(x)`` of a ``[?, 784]`` tensor.
    """
    value = constant_value(tensor)
    if value is not None:
        return [int(v) for v in np.ravel(value)]
    op = tensor.op
    if op.type == "Shape":
        dims = op.inputs[0].shape.as_tuple()
        return None if dims is None else list(dims)
    if op.type == "Pack" and op.attrs["axis"] == 0:
        return [_known_scalar(t) for t in op.inputs]
    if op.type == "ConcatV2" and constant_value(op.inputs[-1]) is not None:
        pieces = [constant_ints(t) for t in op.inputs[:-1]]
        if all(p is not None for p in pieces):
            return [d for piece in pieces for d in piece]
    length = tensor.shape[0].value if tensor.shape.ndims == 1 else None
    return None if length is None else [None] * length


def _known_scalar(tensor):
    """A scalar known at build time, or None: constants, and ``shape(x)[i]`` where dimension
    ``i`` of ``x`` is known though others are not (TensorFlow infers ``[?, 3, 3]`` for
    ``stack([shape(z)[0], 3, shape(z)[1]])`` of a ``[?, 3]`` ``z``)."""
    value = constant_value(tensor)
    if value is not None:
        return None if np.ndim(value) else int(value)
    op = tensor.op
    if op.type == "StridedSlice" and op.inputs[0].op.type == "Shape" and \
            op.attrs["shrink_axis_mask"] == 1 and not op.attrs.get("ellipsis_mask"):
        begin = constant_value(op.inputs[1])
        dims = op.inputs[0].op.inputs[0].shape.as_tuple()
        if begin is not None and dims is not None and np.size(begin) == 1:
            index = int(np.ravel(begin)[0])
            if -len(dims) <= index < len(dims):
                return dims[index]
    return None


def canonical_axis(axis, rank, what="axis"):
    """One axis in ``[-rank, rank)`` made non-negative; ShapeError outside that range."""
    axis = int(axis)
    if rank is None:
        return axis
    if not -rank <= axis < rank:
        raise ShapeError(f"Expected {what} in the range [{-rank}, {rank}), but got {axis}")
    return axis % rank


def merge_shapes(shapes, what="values"):
    """Merge compatible static shapes into one, with TensorFlow's message on a mismatch."""
    merged = unknown_shape()
    for index, shape in enumerate(shapes):
        merged_dims = merged.as_tuple()
        dims = shape.as_tuple()
        if merged_dims is None or dims is None:
            merged = merged.merge_with(shape) if merged_dims is None else merged
            continue
        if len(merged_dims) != len(dims):
            raise ShapeError(f"Shapes must be equal rank, but are {len(merged_dims)} and "
                             f"{len(dims)}. From merging shape {index} with other shapes.")
        for axis, (a, b) in enumerate(zip(merged_dims, dims, strict=True)):
            if a is not None and b is not None and a != b:
                raise ShapeError(
                    f"Dimension {axis} in both shapes must be equal, but are {a} and {b}. "
                    f"Shapes are {merged.bracket_str()} and {shape.bracket_str()}. "
                    f"From merging shape {index} with other shapes."
                )
        merged = merged.merge_with(shape)
    return merged


def holomorphic(gradient):
    """Decorator of a gradient function written with real formulas (``grad * f'(x)``):
    for complex inputs it returns TensorFlow's ``grad * conj(f'(x))``, computed as
    ``conj(gradient(op, conj(grad)))``; real inputs are untouched (one dtype test when the
    gradient graph is built)."""

    def conjugate(t):
        if t is None or not t.dtype.is_complex:
            return t
        return make_op("Conj", [t], [t.dtype], None, None, "Conj").outputs[0]

    def wrapper(op, grad):
        if not any(t.dtype.is_complex for t in op.inputs):
            return gradient(op, grad)
        result = gradient(op, conjugate(grad))
        if isinstance(result, (list, tuple)):
            return type(result)(conjugate(t) for t in result)
        return conjugate(result)

    wrapper.__name__ = gradient.__name__
    wrapper.__doc__ = gradient.__doc__
    return wrapper


# -- float sums as matrix-vector products -----------------------------------------------------
# ``np.add.reduce`` over a short last axis (a [100, 10] batch of class scores) or over the
# leading axes (a bias gradient) costs 3-4 us even for a thousand numbers; the same sum as a
# BLAS product with a vector of ones costs about 1 us (measured in turns, one thread). Both
# add in the array's own precision. The last axis only goes through BLAS when it is at most
# this long: there NumPy adds sequentially too (its pairwise summation starts at 128
# elements), so the accuracy is the same; leading axes NumPy always adds one row at a time.
_BLAS_LAST_AXIS_MAX = 128
_ONES = {}  # (length, dtype char, as a column) -> read-only ones


def _ones(length, char, column=False):
    key = (length, char, column)
    ones = _ONES.get(key)
    if ones is None:
        if len(_ONES) > 256:
            _ONES.clear()
        ones = np.ones((length, 1) if column else length, dtype=char)
        ones.flags.writeable = False
        _ONES[key] = ones
    return ones


def blas_sum(x, axes, keepdims):
    """``np.add.reduce(x, axes, keepdims)`` for a C-contiguous float32/float64 array summed
    over its last axis (short) or over leading axes, as one BLAS product; None otherwise.

    ``axes`` is a tuple of non-negative axes in increasing order (repeated ones: None).
    ``np.dot`` rather than ``@``: for these 2-D products it has half the call overhead.
    """
    if type(x) is not np.ndarray or x.dtype.char not in "fd" or not x.size:
        return None
    shape = x.shape
    ndim = len(shape)
    if not axes or len(axes) >= ndim or not x.flags.c_contiguous:
        return None  # a full reduction keeps NumPy's pairwise sum
    if axes == (ndim - 1,):
        length = shape[-1]
        if length > _BLAS_LAST_AXIS_MAX:
            return None
        rows = x if ndim == 2 else x.reshape(-1, length)
        summed = np.dot(rows, _ones(length, x.dtype.char, keepdims))
        if ndim == 2:
            return summed
        return summed.reshape((*shape[:-1], 1) if keepdims else shape[:-1])
    if axes != tuple(range(len(axes))):
        return None  # not the leading axes
    if ndim == 2:
        summed = np.dot(_ones(shape[0], x.dtype.char), x)
        return summed.reshape(1, shape[1]) if keepdims else summed
    count = 1
    for d in shape[: len(axes)]:
        count *= d
    summed = np.dot(_ones(count, x.dtype.char), x.reshape(count, -1))
    return summed.reshape((1,) * len(axes) + shape[len(axes):] if keepdims
                          else shape[len(axes):])


def renamed_argument(new_name, new_value, old_name, old_value):
    """The value of an argument TensorFlow 1.x accepts under two names (``input`` and
    ``value``, ``filters`` and ``filter`` ...): whichever is given; both is an error."""
    if old_value is not None:
        if new_value is not None:
            raise ValueError(f"Cannot specify both '{old_name}' and '{new_name}'")
        return old_value
    return new_value
