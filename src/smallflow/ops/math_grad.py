"""Gradients of the math ops: each function builds graph and returns one gradient per input."""

from ..registry import NotDifferentiable, RegisterGradient
from . import array_ops, math_ops
from .array_ops import broadcast_to_shape_of, reduce_to_shape_of
from .common import holomorphic, make_op

# -- unary ---------------------------------------------------------------------------------------


@RegisterGradient("Neg")
def _neg_grad(op, grad):
    return math_ops.negative(grad)


@RegisterGradient("Abs")
def _abs_grad(op, grad):
    return grad * math_ops.sign(op.inputs[0])


@RegisterGradient("Square")
@holomorphic
def _square_grad(op, grad):
    x = op.inputs[0]
    return grad * (2.0 * x)


@RegisterGradient("Sqrt")
@holomorphic
def _sqrt_grad(op, grad):
    return grad * 0.5 / op.outputs[0]


@RegisterGradient("Rsqrt")
@holomorphic
def _rsqrt_grad(op, grad):
    y = op.outputs[0]
    return grad * (-0.5 * y * y * y)


@RegisterGradient("Exp")
@holomorphic
def _exp_grad(op, grad):
    return grad * op.outputs[0]


@RegisterGradient("Log")
@holomorphic
def _log_grad(op, grad):
    # One division rather than TensorFlow's reciprocal-then-multiply: one op fewer per step.
    return math_ops.realdiv(grad, op.inputs[0])


@RegisterGradient("Log1p")
@holomorphic
def _log1p_grad(op, grad):
    return grad * math_ops.reciprocal(1.0 + op.inputs[0])


@RegisterGradient("Reciprocal")
@holomorphic
def _reciprocal_grad(op, grad):
    y = op.outputs[0]
    return -grad * y * y


@RegisterGradient("Tanh")
@holomorphic
def _tanh_grad(op, grad):
    y = op.outputs[0]
    return grad * (1.0 - y * y)


@RegisterGradient("Sigmoid")
@holomorphic
def _sigmoid_grad(op, grad):
    y = op.outputs[0]
    return grad * (y * (1.0 - y))


@RegisterGradient("Sign")
def _sign_grad(op, grad):
    # Zero, not None: TensorFlow's choice, so sums through sign() still get a gradient tensor.
    return array_ops.zeros_like(op.inputs[0])


NotDifferentiable("Floor")
NotDifferentiable("Ceil")
NotDifferentiable("Round")
NotDifferentiable("LogicalNot")
NotDifferentiable("IsNan")
NotDifferentiable("IsInf")
NotDifferentiable("IsFinite")

# -- binary --------------------------------------------------------------------------------------


@RegisterGradient("Add")
def _add_grad(op, grad):
    x, y = op.inputs
    return reduce_to_shape_of(grad, x), reduce_to_shape_of(grad, y)


RegisterGradient("AddV2")(_add_grad)


@RegisterGradient("Sub")
def _sub_grad(op, grad):
    x, y = op.inputs
    return reduce_to_shape_of(grad, x), reduce_to_shape_of(-grad, y)


def _conj(t):
    """conj(t) for a complex tensor (TensorFlow's gradients of products conjugate the other
    factor), t itself otherwise; the Conj op is registered in complex_ops.py."""
    if not t.dtype.is_complex:
        return t
    return make_op("Conj", [t], [t.dtype], None, None, "Conj").outputs[0]


@RegisterGradient("Mul")
def _mul_grad(op, grad):
    x, y = op.inputs
    return reduce_to_shape_of(grad * _conj(y), x), reduce_to_shape_of(_conj(x) * grad, y)


@RegisterGradient("RealDiv")
@holomorphic
def _realdiv_grad(op, grad):
    x, y = op.inputs
    grad_x = grad / y
    grad_y = grad * (-x / y / y)
    return reduce_to_shape_of(grad_x, x), reduce_to_shape_of(grad_y, y)


@RegisterGradient("DivNoNan")
@holomorphic
def _div_no_nan_grad(op, grad):
    x, y = op.inputs
    grad_x = math_ops.div_no_nan(grad, y)
    grad_y = grad * math_ops.div_no_nan(math_ops.div_no_nan(-x, y), y)
    return reduce_to_shape_of(grad_x, x), reduce_to_shape_of(grad_y, y)


@RegisterGradient("Pow")
@holomorphic
def _pow_grad(op, grad):
    x, y = op.inputs
    z = op.outputs[0]
    grad_x = grad * y * math_ops.pow(x, y - 1.0)
    if x.dtype.is_complex:
        # log x where x != 0 (any complex number but 0 has a logarithm), 0 at x == 0.
        at_zero = math_ops.cast(math_ops.equal(x, 0.0), x.dtype)
        safe_log = math_ops.log(x + at_zero) * (1.0 - at_zero)
    else:
        safe_log = math_ops.log(math_ops.maximum(x, 0.0) + math_ops.cast(x <= 0.0, x.dtype))
    grad_y = grad * z * safe_log
    return reduce_to_shape_of(grad_x, x), reduce_to_shape_of(grad_y, y)


def _select_grad(op, grad, pick_x):
    x, y = op.inputs
    mask_x = math_ops.cast(pick_x, grad.dtype)
    return reduce_to_shape_of(grad * mask_x, x), reduce_to_shape_of(grad * (1.0 - mask_x), y)


@RegisterGradient("Maximum")
def _maximum_grad(op, grad):
    x, y = op.inputs
    return _select_grad(op, grad, x >= y)


@RegisterGradient("Minimum")
def _minimum_grad(op, grad):
    x, y = op.inputs
    return _select_grad(op, grad, x <= y)


@RegisterGradient("SquaredDifference")
def _squared_difference_grad(op, grad):
    x, y = op.inputs
    scaled = grad * (2.0 * (x - y))
    return reduce_to_shape_of(scaled, x), reduce_to_shape_of(-scaled, y)


NotDifferentiable("FloorDiv")
@RegisterGradient("FloorMod")
def _floor_mod_grad(op, grad):
    # x mod y = x - floor(x / y) * y: d/dx = 1, d/dy = -floor(x / y).
    x, y = op.inputs
    quotient = math_ops.floordiv(x, y)
    return reduce_to_shape_of(grad, x), reduce_to_shape_of(-grad * quotient, y)
NotDifferentiable("Equal")
NotDifferentiable("NotEqual")
NotDifferentiable("Less")
NotDifferentiable("LessEqual")
NotDifferentiable("Greater")
NotDifferentiable("GreaterEqual")
NotDifferentiable("LogicalAnd")
NotDifferentiable("LogicalOr")
NotDifferentiable("ArgMax")
NotDifferentiable("ArgMin")
NotDifferentiable("All")
NotDifferentiable("Any")

# -- matmul and sums ------------------------------------------------------------------------------


@RegisterGradient("MatMul")
def _matmul_grad(op, grad):
    a, b = (_conj(t) for t in op.inputs)
    t_a = op.attrs["transpose_a"]
    t_b = op.attrs["transpose_b"]
    if not t_a and not t_b:
        return (math_ops.matmul(grad, b, transpose_b=True),
                math_ops.matmul(a, grad, transpose_a=True))
    if not t_a and t_b:
        return math_ops.matmul(grad, b), math_ops.matmul(grad, a, transpose_a=True)
    if t_a and not t_b:
        return math_ops.matmul(b, grad, transpose_b=True), math_ops.matmul(a, grad)
    return (math_ops.matmul(b, grad, transpose_a=True, transpose_b=True),
            math_ops.matmul(grad, a, transpose_a=True, transpose_b=True))


@RegisterGradient("BatchMatMulV2")
def _batch_matmul_grad(op, grad):
    a, b = op.inputs
    grad_a, grad_b = _matmul_grad(op, grad)
    return reduce_to_shape_of(grad_a, a), reduce_to_shape_of(grad_b, b)


@RegisterGradient("AddN")
def _add_n_grad(op, grad):
    return [grad] * len(op.inputs)


def _reduced_axes(op):
    axes = op.attrs["axes"]
    if op.attrs["keep_dims"]:
        return None
    if len(op.inputs) > 1:
        return op.inputs[1]  # axes fed at run time
    return "all" if axes is None else axes


def _and_no_axes_gradient(op, grad):
    # Axes fed as a tensor are an input of the reduction too; they get no gradient.
    return (grad, None) if len(op.inputs) > 1 else grad


def _reduction_axis_argument(op):
    """The ``axis`` to rebuild the same reduction with."""
    return op.inputs[1] if len(op.inputs) > 1 else op.attrs["axes"]


@RegisterGradient("Sum")
def _sum_grad(op, grad):
    return _and_no_axes_gradient(op, broadcast_to_shape_of(grad, op.inputs[0],
                                                           axes=_reduced_axes(op)))


@RegisterGradient("Mean")
def _mean_grad(op, grad):
    return _and_no_axes_gradient(op, broadcast_to_shape_of(grad, op.inputs[0],
                                                           axes=_reduced_axes(op), mean=True))


def _extremum_grad(op, grad):
    """Share the gradient equally among the positions that hold the max (or min)."""
    x = op.inputs[0]
    axes = _reduced_axes(op)
    y = broadcast_to_shape_of(op.outputs[0], x, axes=axes)
    hits = math_ops.cast(math_ops.equal(x, y), grad.dtype)
    count = broadcast_to_shape_of(
        math_ops.reduce_sum(hits, axis=_reduction_axis_argument(op),
                            keepdims=op.attrs["keep_dims"]),
        x, axes=axes)
    return _and_no_axes_gradient(op, broadcast_to_shape_of(grad, x, axes=axes) * hits / count)


RegisterGradient("Max")(_extremum_grad)
RegisterGradient("Min")(_extremum_grad)


@RegisterGradient("Prod")
@holomorphic
def _prod_grad(op, grad):
    """d prod / d x_i = product of the other entries, without dividing by x_i (zeros are fine).

    The reduced axes are moved to the front and flattened into one; the product of the others
    is then (exclusive cumprod from the left) * (exclusive cumprod from the right).
    """
    x = op.inputs[0]
    if len(op.inputs) > 1:
        raise ValueError(f"smallflow cannot differentiate {op.name}: its axes are known only "
                         "when the session runs")
    spread = broadcast_to_shape_of(grad, x, axes=_reduced_axes(op))
    rank = x.shape.ndims
    axes = op.attrs["axes"]
    if rank is None and axes is not None:
        raise ValueError(f"The gradient of {op.name} needs the rank of its input known")
    reduced = list(range(rank)) if axes is None and rank is not None else None
    if reduced is None and axes is not None:
        reduced = sorted(a % rank for a in axes)
    if reduced is None:
        rows = array_ops.reshape(x, [-1, 1])
        others = _exclusive_products(rows)
        return spread * array_ops.reshape(others, array_ops.shape(x))
    kept = [a for a in range(rank) if a not in reduced]
    perm = reduced + kept
    moved = x if perm == list(range(rank)) else array_ops.transpose(x, perm)
    moved_shape = array_ops.shape(moved)
    reduced_count = math_ops.reduce_prod(moved_shape[:len(reduced)])
    kept_count = math_ops.reduce_prod(moved_shape[len(reduced):])
    rows = array_ops.reshape(moved, array_ops.stack([reduced_count, kept_count]))
    others = array_ops.reshape(_exclusive_products(rows), moved_shape)
    if moved is not x:
        inverse = [perm.index(a) for a in range(rank)]
        others = array_ops.transpose(others, inverse)
    return spread * others


def _exclusive_products(rows):
    left = math_ops.cumprod(rows, axis=0, exclusive=True)
    right = math_ops.cumprod(rows, axis=0, exclusive=True, reverse=True)
    return left * right


# -- scans, sequences and segment sums ----------------------------------------------------------


@RegisterGradient("Cumsum")
def _cumsum_grad(op, grad):
    exclusive = op.attrs["exclusive"]
    reverse = op.attrs["reverse"]
    summed = math_ops.cumsum(grad, op.inputs[1], exclusive=exclusive, reverse=not reverse)
    return summed, None


@RegisterGradient("Cumprod")
def _cumprod_grad(op, grad):
    # TensorFlow's formula: divides by x, so it is NaN where x has zeros (as in TensorFlow).
    x, axis = op.inputs
    exclusive = op.attrs["exclusive"]
    reverse = op.attrs["reverse"]
    summed = math_ops.cumsum(op.outputs[0] * grad, axis, exclusive=exclusive,
                             reverse=not reverse)
    return summed / x, None


@RegisterGradient("UnsortedSegmentSum")
def _unsorted_segment_sum_grad(op, grad):
    """Each data row gets the gradient of its segment; rows with a negative id get zero."""
    data, ids = op.inputs[:2]
    valid = math_ops.greater_equal(ids, array_ops.zeros_like(ids))
    picked = array_ops.gather(grad, math_ops.maximum(ids, array_ops.zeros_like(ids)))
    extra = data.shape.ndims - ids.shape.ndims if data.shape.ndims is not None else None
    if extra is None or ids.shape.ndims is None:
        raise ValueError(f"The gradient of {op.name} needs the ranks of its inputs known")
    for _ in range(extra):
        valid = array_ops.expand_dims(valid, -1)
    return array_ops.where_v2(valid, picked, array_ops.zeros_like(picked)), None, None


NotDifferentiable("Range")
NotDifferentiable("LinSpace")
