"""Every registered gradient function is checked numerically: one row per op type.

``CASES`` maps each op type whose gradient is registered to a builder of a small float64
graph that contains that op between its inputs and its output. The walk fails when a
differentiable op type has no row (or a row names an op type that is not differentiable).
"""

import numpy as np
import pytest

import smallflow as tf
import smallflow.distribute as hvd  # registers the MPI collectives, whose gradients are here too
from smallflow.gradient_checker import compute_gradient_error
from smallflow.ops import array_ops, nn_ops, pad_ops
from smallflow.ops.common import make_op
from smallflow.registry import GRADIENTS, OP_DEFS

RNG = np.random.default_rng(1234)
F64 = tf.float64
# Central differences in float64: truncation error ~ DELTA**2, rounding error ~ 1e-16 / DELTA.
DELTA = 1e-5


def _ph(shape):
    return tf.placeholder(F64, shape)


def _uniform(shape, low=-1.0, high=1.0):
    return RNG.uniform(low, high, size=shape)


def _away_from_zero(shape):
    """Values of either sign with magnitude in [0.5, 1.5] (clear of kinks at 0)."""
    return _uniform(shape, 0.5, 1.5) * RNG.choice([-1.0, 1.0], size=shape)


def _distinct(shape):
    """A shuffled grid of values 0.1 apart: no ties, so max/min have one winner."""
    count = int(np.prod(shape))
    return RNG.permutation(np.arange(count) * 0.1 - count * 0.05).reshape(shape)


def _positive(shape):
    return _uniform(shape, 0.5, 1.5)


def _const(value):
    return tf.constant(np.asarray(value, dtype=np.float64))


class Case:
    """Inputs to check (placeholders), where to check them, and the output."""

    def __init__(self, xs, inits, y, tolerance=1e-6, delta=DELTA):
        self.xs = xs
        self.inits = inits
        self.y = y
        self.tolerance = tolerance
        self.delta = delta


def _unary(fn, init=_uniform, shape=(2, 3), tolerance=1e-6):
    def build():
        x = _ph(list(shape))
        return Case([x], [init(shape)], fn(x), tolerance)

    return build


def _binary(fn, shape_a=(2, 3), shape_b=(3,), init_a=_uniform, init_b=_uniform):
    def build():
        a = _ph(list(shape_a))
        b = _ph(list(shape_b))
        return Case([a, b], [init_a(shape_a), init_b(shape_b)], fn(a, b))

    return build


def _relu_grad_case(op_type, features):
    def build():
        g = _ph([2, 3])
        out = make_op(op_type, [g, _const(features)], [F64]).outputs[0]
        return Case([g], [_uniform((2, 3))], out)

    return build


def _strided_slice_grad_case():
    x = _const(_uniform((3, 4)))
    upstream = _ph([2, 2])
    (scattered,) = tf.gradients(x[1:, ::2], x, grad_ys=upstream)
    return Case([upstream], [_uniform((2, 2))], scattered * _const(_uniform((3, 4))))


def _mirror_pad_grad_case():
    g = _ph([5, 6])
    folded = pad_ops._mirror_pad_grad(g, tf.constant([[1, 1], [2, 1]]), "REFLECT")
    return Case([g], [_uniform((5, 6))], folded)


def _gather_case():
    params = _ph([4, 3])
    return Case([params], [_uniform((4, 3))], tf.gather(params, [[0, 2], [2, 3]]))


def _segment_sum_case():
    data = _ph([5, 2])
    summed = tf.unsorted_segment_sum(data, tf.constant([0, 2, -1, 0, 1]), 3)
    return Case([data], [_uniform((5, 2))], summed)


def _xent_case():
    logits = _ph([3, 4])
    labels = _ph([3, 4])
    loss = nn_ops.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
    # The fused gradient (softmax - labels) assumes each row of labels sums to 1, as in TF.
    weights = _uniform((3, 4), 0.1, 1.0)
    distributions = weights / weights.sum(axis=1, keepdims=True)
    return Case([logits, labels], [_uniform((3, 4)), distributions], loss)


def _sparse_xent_case():
    logits = _ph([3, 4])
    loss = nn_ops.sparse_softmax_cross_entropy_with_logits(
        labels=tf.constant([0, 3, 1]), logits=logits)
    return Case([logits], [_uniform((3, 4))], loss)


def _cast_case():
    x = _ph([2, 3])
    # Through float32 and back: the numeric side sees float32 rounding (about 1e-7 / delta),
    # so this linear case takes a large step.
    y = tf.cast(tf.cast(x, tf.float32), F64)
    return Case([x], [_uniform((2, 3))], y, tolerance=1e-5, delta=1e-2)


def _fill_case():
    value = _ph([])
    return Case([value], [np.array(0.7)], tf.fill([2, 3], value))


def _placeholder_with_default_case():
    x = _ph([2, 3])
    y = array_ops.placeholder_with_default(x * 2.0, shape=[2, 3])
    return Case([x], [_uniform((2, 3))], y)


def _broadcast_to_shape_of_case():
    g = _ph([2])
    like = _const(np.zeros((2, 3)))
    spread = array_ops.broadcast_to_shape_of(g, like, axes=(1,), mean=True)
    return Case([g], [_uniform((2,))], spread)


def _reduce_to_shape_of_case():
    g = _ph([2, 3])
    like = _const(np.zeros((1, 3)))
    return Case([g], [_uniform((2, 3))], array_ops.reduce_to_shape_of(g, like))


def _split_case():
    x = _ph([2, 6])
    first, _, third = tf.split(x, 3, axis=1)
    return Case([x], [_uniform((2, 6))], tf.concat([first, third * 2.0], 0))


def _split_v_case():
    x = _ph([5, 2])
    first, second = tf.split(x, [2, -1])
    return Case([x], [_uniform((5, 2))], second)


def _unpack_case():
    x = _ph([3, 2])
    rows = tf.unstack(x, axis=0)
    return Case([x], [_uniform((3, 2))], rows[0] * 3.0 + rows[2])


def _select_case():
    a = _ph([2, 3])
    b = _ph([2, 3])
    chosen = tf.where(tf.constant([[True, False, True], [False, False, True]]), a, b)
    return Case([a, b], [_uniform((2, 3)), _uniform((2, 3))], chosen)


def _select_v2_case():
    a = _ph([2, 1])
    b = _ph([3])
    chosen = tf.where_v2(tf.constant([[True, False, True], [False, True, True]]), a, b)
    return Case([a, b], [_uniform((2, 1)), _uniform((3,))], chosen)


def _gather_nd_case():
    params = _ph([3, 4])
    return Case([params], [_uniform((3, 4))], tf.gather_nd(params, [[0, 1], [2, 3], [0, 1]]))


def _scatter_nd_case():
    updates = _ph([3, 2])
    return Case([updates], [_uniform((3, 2))], tf.scatter_nd([[1], [3], [1]], updates, [4, 2]))


def _top_k_case():
    x = _ph([2, 5])
    values, _ = tf.nn.top_k(x, 3)
    return Case([x], [_distinct((2, 5))], values)


def _reverse_sequence_case():
    x = _ph([3, 4])
    return Case([x], [_uniform((3, 4))], tf.reverse_sequence(x, [4, 1, 2], seq_axis=1))


def _dynamic_partition_case():
    x = _ph([5, 2])
    first, second = tf.dynamic_partition(x, [1, 0, 1, 1, 0], 2)
    return Case([x], [_uniform((5, 2))],
                tf.reshape(tf.concat([first * 2.0, second], 0), [5, 2]))


def _dynamic_stitch_case():
    a = _ph([2, 3])
    b = _ph([1, 3])
    stitched = tf.dynamic_stitch([tf.constant([0, 2]), tf.constant([1])], [a, b])
    return Case([a, b], [_uniform((2, 3)), _uniform((1, 3))], tf.reshape(stitched, [3, 3]))


def _spd_case(fn):
    def build():
        x = _ph([3, 3])
        spd = tf.matmul(x, x, transpose_b=True) + 3.0 * tf.eye(3, dtype=F64)
        return Case([x], [_uniform((3, 3))], fn(spd))

    return build


def _segment_case(fn, data_init=_uniform):
    def build():
        data = _ph([5, 2])
        out = fn(data, tf.constant([0, 2, -1, 0, 1]), 3)
        return Case([data], [data_init((5, 2))], out)

    return build


# -- nn ops: convolution, pooling, dropout (rows added with those ops) -------------------------

_WINDOW = {"ksize": [1, 2, 2, 1], "strides": [1, 1, 1, 1], "padding": "SAME"}


def _pool_grad_case(op_builder):
    """A gradient-of-pooling op on a fixed input without ties, checked in its incoming grad."""

    def build():
        x = _const(_distinct((1, 3, 3, 2)))
        y = tf.nn.max_pool(x, **_WINDOW)
        g = _ph([1, 3, 3, 2])
        return Case([g], [_uniform((1, 3, 3, 2))], op_builder(x, y, g))

    return build


def _dropout_case():
    x = _ph([2, 3])
    keep_prob = _ph([])
    # Fixed draws clear of 1 - keep_prob (0.4), so the mask does not move with keep_prob.
    uniform = _const([[0.1, 0.7, 0.3], [0.9, 0.2, 0.6]])
    y = make_op("Dropout", [x, keep_prob, uniform], [F64, F64]).outputs[0]
    return Case([x, keep_prob], [_uniform((2, 3)), np.array(0.6)], y)


def _grad_op(op_type, attrs=None):
    return lambda g, x: make_op(op_type, [g, x], [F64], attrs).outputs[0]


def _collective(fn):
    """A collective's gradient in a job of one process (tests/test_distribute.py runs 2)."""

    def build():
        pytest.importorskip("mpi4py", reason="mpi4py not installed (smallflow[mpi])")
        hvd.init()
        return _unary(lambda x: fn(x) * _const([1.0, 2.0, 3.0]))()

    return build


def _if_case():
    x = _ph([2, 3])
    y = tf.cond(tf.constant(True), lambda: tf.tanh(x) * x, lambda: x)
    return Case([x], [_uniform((2, 3))], y)


def _cond_value_case():
    # The gradient of a cond reads tanh(x) from inside the branch (a ControlFlowValue op):
    # checking that gradient's own Jacobian checks the value's gradient (second order).
    x = _ph([2, 3])
    y = tf.cond(tf.constant(True), lambda: tf.tanh(x) * x, lambda: x)
    (first,) = tf.gradients(y, x)
    return Case([x], [_uniform((2, 3))], first)


def _while_case():
    x = _ph([3])
    _, y = tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, tf.tanh(v) * x), [0, x])
    return Case([x], [_uniform((3,))], y)


def _tensor_array_case(build, shape):
    def case():
        x = _ph([3, 2])
        y = build(x)
        y.set_shape(shape)  # a TensorArray does not know its length statically
        return Case([x], [_uniform((3, 2))], y)

    return case


def _ta(size=3):
    return tf.TensorArray(F64, size=size, clear_after_read=False)


CASES = {
    "Abs": _unary(tf.abs, _away_from_zero),
    "Acos": _unary(tf.acos, lambda s: _uniform(s, -0.8, 0.8)),
    "Acosh": _unary(tf.acosh, lambda s: _uniform(s, 1.5, 3.0)),
    "Add": _binary(tf.add),
    "AddN": _binary(lambda a, b: tf.add_n([a, b, a]), shape_b=(2, 3)),
    "AddV2": _binary(lambda a, b: a + b, (2, 1), (1, 3)),
    "Asin": _unary(tf.asin, lambda s: _uniform(s, -0.8, 0.8)),
    "Asinh": _unary(tf.asinh),
    "Atan": _unary(tf.atan),
    "Atan2": _binary(tf.atan2, init_b=_away_from_zero),
    "Atanh": _unary(tf.atanh, lambda s: _uniform(s, -0.8, 0.8)),
    "AvgPool": _unary(lambda x: tf.nn.avg_pool(x, [1, 2, 3, 1], [1, 2, 1, 1], "SAME"),
                      shape=(1, 3, 4, 2)),
    "AvgPoolGrad": _unary(lambda g: nn_ops.avg_pool_grad([1, 3, 3, 2], g, **_WINDOW),
                          shape=(1, 3, 3, 2)),
    "BatchMatMulV2": _binary(tf.matmul, (2, 2, 3), (3, 4)),
    "BiasAdd": _binary(tf.nn.bias_add, (2, 3, 4), (4,)),
    "BiasAddGrad": _unary(nn_ops.bias_add_grad, shape=(2, 3, 4)),
    "BroadcastTo": _unary(lambda x: tf.broadcast_to(x, [2, 3]), shape=(2, 1)),
    "BroadcastToShapeOf": _broadcast_to_shape_of_case,
    "Cast": _cast_case,
    "CheckNumerics": _unary(lambda x: tf.check_numerics(x, "checked")),
    "Cholesky": _spd_case(tf.cholesky),
    "ConcatV2": _binary(lambda a, b: tf.concat([a, b], axis=-1), (2, 3), (2, 2)),
    "Conv2D": _binary(lambda x, w: tf.nn.conv2d(x, w, [1, 2, 2, 1], "SAME"), (1, 5, 4, 2),
                      (3, 2, 2, 3)),
    "Conv2DBackpropFilter": _binary(
        lambda x, g: tf.nn.conv2d_backprop_filter(x, [3, 2, 2, 3], g, [1, 2, 2, 1], "SAME"),
        (1, 5, 4, 2), (1, 3, 2, 3)),
    "Conv2DBackpropInput": _binary(
        lambda w, g: tf.nn.conv2d_backprop_input([1, 5, 4, 2], w, g, [1, 2, 2, 1], "SAME"),
        (3, 2, 2, 3), (1, 3, 2, 3)),
    "Cos": _unary(tf.cos),
    "Cosh": _unary(tf.cosh),
    "Cumprod": _unary(lambda x: tf.cumprod(x, axis=1, exclusive=True), _positive),
    "Cumsum": _unary(lambda x: tf.cumsum(x, axis=1, reverse=True)),
    "Diag": _unary(tf.diag, shape=(3,)),
    "DiagPart": _unary(array_ops.diag_part, shape=(3, 3)),
    "Digamma": _unary(tf.digamma, _positive, tolerance=1e-5),
    "DivNoNan": _binary(tf.div_no_nan, init_b=_away_from_zero),
    "Dropout": _dropout_case,
    "DynamicPartition": _dynamic_partition_case,
    "DynamicStitch": _dynamic_stitch_case,
    "Einsum": _binary(lambda a, b: tf.einsum("ij,kj->ik", a, b), (2, 3), (4, 3)),
    "Elu": _unary(tf.nn.elu, _away_from_zero),
    "EluGrad": _binary(_grad_op("EluGrad"), (2, 3), (2, 3), init_b=_away_from_zero),
    "Erf": _unary(tf.erf),
    "Erfc": _unary(tf.erfc),
    "Exp": _unary(tf.exp),
    "ExpandDims": _unary(lambda x: tf.expand_dims(x, 1)),
    "Expm1": _unary(tf.expm1),
    "Fill": _fill_case,
    "GatherNd": _gather_nd_case,
    "GatherV2": _gather_case,
    "If": _if_case,
    "ControlFlowValue": _cond_value_case,
    "Identity": _unary(tf.identity),
    "IdentityN": _binary(lambda a, b: tf.identity_n([a, b])[0] * 2.0 + tf.identity_n([b])[0],
                         (2, 3), (2, 3)),
    "L2Loss": _unary(tf.nn.l2_loss),
    "LeakyRelu": _unary(lambda x: tf.nn.leaky_relu(x, 0.3), _away_from_zero),
    "LeakyReluGrad": _binary(_grad_op("LeakyReluGrad", {"alpha": 0.3}), (2, 3), (2, 3),
                             init_b=_away_from_zero),
    "Lgamma": _unary(tf.lgamma, _positive),
    "Log": _unary(tf.log, _positive),
    "Log1p": _unary(tf.log1p, _positive),
    "LogMatrixDeterminant": _spd_case(lambda m: tf.linalg.slogdet(m)[1]),
    "LogSoftmax": _unary(tf.nn.log_softmax),
    "MPIAllgather": _collective(lambda x: tf.reshape(hvd.allgather(x), [2, 3])),
    "MPIAllreduce": _collective(hvd.allreduce),
    "MPIBroadcast": _collective(lambda x: hvd.broadcast(x, 0)),
    "MatMul": _binary(lambda a, b: tf.matmul(a, b, transpose_b=True), (2, 3), (4, 3)),
    "MatrixDeterminant": _spd_case(tf.matrix_determinant),
    "MatrixInverse": _spd_case(tf.matrix_inverse),
    "MatrixSolve": _binary(tf.matrix_solve, (3, 3), (3, 2),
                           init_a=lambda s: _uniform(s) + 3 * np.eye(3)),
    "MatrixTriangularSolve": _binary(tf.matrix_triangular_solve, (3, 3), (3, 2),
                                   init_a=lambda s: _uniform(s) + 3 * np.eye(3)),
    "Max": _unary(lambda x: tf.reduce_max(x, axis=1), _distinct),
    "MaxPool": _unary(lambda x: tf.nn.max_pool(x, [1, 3, 2, 1], [1, 2, 1, 1], "SAME"),
                      _distinct, shape=(1, 4, 3, 2)),
    "MaxPoolGrad": _pool_grad_case(lambda x, y, g: nn_ops.max_pool_grad(x, y, g, **_WINDOW)),
    "MaxPoolGradGrad": _pool_grad_case(
        lambda x, y, g: nn_ops.max_pool_grad_grad(x, y, g, **_WINDOW)),
    "Maximum": _binary(tf.maximum, init_a=_distinct, init_b=_distinct),
    "Mean": _unary(lambda x: tf.reduce_mean(x, axis=0)),
    "Min": _unary(lambda x: tf.reduce_min(x, axis=[0, 1]), _distinct),
    "Minimum": _binary(tf.minimum, init_a=_distinct, init_b=_distinct),
    "MirrorPad": _unary(lambda x: tf.pad(x, [[1, 1], [2, 2]], "REFLECT"), shape=(3, 3)),
    "MirrorPadGrad": _mirror_pad_grad_case,
    "Mul": _binary(tf.multiply),
    "Neg": _unary(tf.negative),
    "Pack": _binary(lambda a, b: tf.stack([a, b], axis=1), shape_b=(2, 3)),
    "Pad": _unary(lambda x: tf.pad(x, [[1, 0], [0, 2]])),
    "PadV2": _unary(lambda x: tf.pad(x, [[1, 0], [0, 2]], constant_values=3.0)),
    "PlaceholderWithDefault": _placeholder_with_default_case,
    "Polygamma": _unary(lambda x: tf.polygamma(tf.constant(2.0, tf.float64), x), _positive,
                      tolerance=1e-5),
    "FloorMod": _binary(tf.floormod, init_a=lambda shape: _uniform(shape, 0.2, 0.4),
                        init_b=_positive),
    "Pow": _binary(tf.pow, init_a=_positive),
    "Print": _unary(lambda x: tf.Print(x, [x], first_n=0)),
    "Prod": _unary(lambda x: tf.reduce_prod(x, axis=1)),
    "Qr": _unary(lambda x: tf.concat(tf.qr(x), 0), shape=(4, 3)),
    "RealDiv": _binary(tf.divide, init_b=_away_from_zero),
    "Reciprocal": _unary(tf.reciprocal, _away_from_zero),
    "ReduceToShapeOf": _reduce_to_shape_of_case,
    "Relu": _unary(tf.nn.relu, _away_from_zero),
    "Relu6": _unary(lambda x: tf.nn.relu6(x * 4.0 + 3.0), _away_from_zero),
    "Relu6Grad": _relu_grad_case("Relu6Grad", [[-1.0, 2.0, 7.0], [3.0, 5.0, -2.0]]),
    "ReluGrad": _relu_grad_case("ReluGrad", [[-1.0, 2.0, 7.0], [3.0, -5.0, 1.0]]),
    "Reshape": _unary(lambda x: tf.reshape(x, [3, -1])),
    "ReverseSequence": _reverse_sequence_case,
    "ReverseV2": _unary(lambda x: tf.reverse(x, [1])),
    "Rsqrt": _unary(tf.rsqrt, _positive),
    "ScatterNd": _scatter_nd_case,
    "Select": _select_case,
    "SelectV2": _select_v2_case,
    "Sigmoid": _unary(tf.sigmoid),
    "Sign": _unary(tf.sign, _away_from_zero),
    "Sin": _unary(tf.sin),
    "Sinh": _unary(tf.sinh),
    "Slice": _unary(lambda x: tf.slice(x, [0, 1], [-1, 2])),
    "Softmax": _unary(tf.nn.softmax),
    "SoftmaxCrossEntropyWithLogits": _xent_case,
    "Softplus": _unary(tf.nn.softplus),
    "SoftplusGrad": _binary(_grad_op("SoftplusGrad"), (2, 3), (2, 3)),
    "Softsign": _unary(tf.nn.softsign),
    "SparseSoftmaxCrossEntropyWithLogits": _sparse_xent_case,
    "Split": _split_case,
    "SplitV": _split_v_case,
    "Sqrt": _unary(tf.sqrt, _positive),
    "Square": _unary(tf.square),
    "SquaredDifference": _binary(tf.squared_difference),
    "Squeeze": _unary(tf.squeeze, shape=(2, 1, 3)),
    "StridedSlice": _unary(lambda x: x[1:, ::-2], shape=(3, 4)),
    "StridedSliceGrad": _strided_slice_grad_case,
    "Sub": _binary(tf.subtract, (2, 1), (1, 3)),
    "Sum": _unary(lambda x: tf.reduce_sum(x, axis=-1, keepdims=True)),
    "Tan": _unary(tf.tan),
    "Tanh": _unary(tf.tanh),
    "Tile": _unary(lambda x: tf.tile(x, [2, 3])),
    "TopKV2": _top_k_case,
    "Transpose": _unary(lambda x: tf.transpose(x, [2, 0, 1]), shape=(2, 3, 4)),
    "Unpack": _unpack_case,
    "UnsortedSegmentMax": _segment_case(tf.unsorted_segment_max, _distinct),
    "UnsortedSegmentMin": _segment_case(tf.unsorted_segment_min, _distinct),
    "UnsortedSegmentProd": _segment_case(tf.unsorted_segment_prod, _away_from_zero),
    "UnsortedSegmentSum": _segment_sum_case,
    "While": _while_case,
    "TensorArrayWriteV3": _tensor_array_case(lambda x: _ta(2).write(0, x).write(1, x * x)
                                             .stack(), [2, 3, 2]),
    "TensorArrayReadV3": _tensor_array_case(lambda x: _ta().unstack(x).read(1) * 2.0, [2]),
    "TensorArrayStack": _tensor_array_case(lambda x: _ta().unstack(x).stack(), [3, 2]),
    "TensorArrayUnstack": _tensor_array_case(lambda x: _ta().unstack(x).gather([2, 0]), [2, 2]),
    "TensorArrayGatherV3": _tensor_array_case(lambda x: _ta().unstack(x).gather([1, 1, 0]), [3, 2]),
    "TensorArrayScatterV3": _tensor_array_case(
        lambda x: _ta().scatter([2, 0, 1], x).stack(), [3, 2]),
    "TensorArrayConcatV3": _tensor_array_case(lambda x: _ta().unstack(x).concat(), [6]),
    "TensorArraySplitV3": _tensor_array_case(
        lambda x: _ta(2).split(tf.reshape(x, [6]), [2, 4]).read(1), [4]),
}


# tf.image, tf.linalg extras, sparse ops (issue 9, "math" namespaces).
def _image(fn):
    # The resize kernels give float32 outputs; they are linear, so a large step is exact and
    # keeps float32 rounding out of the numeric derivative.
    def build():
        x = _ph([1, 3, 4, 2])
        return Case([x], [_uniform((1, 3, 4, 2))], fn(x), tolerance=1e-4, delta=0.1)

    return build


def _sp(values, indices=((0, 1), (1, 0), (2, 3)), shape=(3, 4)):
    return tf.SparseTensor([list(i) for i in indices], values, list(shape))


def _sparse_values(fn):
    def build():
        v = _ph([3])
        return Case([v], [_uniform((3,))], fn(v))

    return build


def _sparse_dense(fn, dense_shape=(3, 4)):
    """A SparseTensor's values and a dense tensor (broadcast to the sparse shape), both
    checked; dense entries are kept away from zero for the division."""
    def build():
        v = _ph([3])
        d = _ph(list(dense_shape))
        return Case([v, d], [_uniform((3,)), _away_from_zero(dense_shape)],
                    fn(_sp(v), d).values)

    return build


CASES.update({
    "SparseDenseCwiseMul": _sparse_dense(lambda sp, d: sp * d),
    "SparseDenseCwiseDiv": _sparse_dense(lambda sp, d: sp / d, dense_shape=(4,)),
})


def _argmax_pool(x):
    return tf.nn.max_pool_with_argmax(x, [1, 2, 2, 1], [1, 1, 1, 1], "SAME")


def _argmax_pool_case():
    # Overlapping windows (stride 1) over distinct values: one winner each, shared cells.
    x = _ph([1, 3, 4, 2])
    return Case([x], [_distinct((1, 3, 4, 2))], _argmax_pool(x).output)


CASES.update({
    "MaxPoolWithArgmax": _argmax_pool_case,
})


CASES.update({
    "ResizeBilinear": _image(lambda x: tf.image.resize_bilinear(x, [5, 3])),
    "ResizeBicubic": _image(lambda x: tf.image.resize_bicubic(x, [2, 7], align_corners=True)),
    "ResizeNearestNeighbor": _image(lambda x: tf.image.resize_nearest_neighbor(x, [5, 3])),
    "Svd": _unary(lambda x: tf.concat([tf.svd(x)[0][:, None], tf.abs(tf.svd(x)[2])], 1),
                  shape=(4, 3)),
    "SelfAdjointEigV2": _unary(lambda x: tf.abs(tf.self_adjoint_eig(x + tf.transpose(x))[1]),
                               shape=(3, 3)),
    "MatrixExponential": _unary(tf.linalg.expm, shape=(3, 3), tolerance=1e-5),
    "SparseToDense": _sparse_values(lambda v: tf.sparse_tensor_to_dense(_sp(v))),
    "SparseReorder": _sparse_values(lambda v: tf.sparse_reorder(_sp(v, [[2, 3], [0, 1],
                                                                        [1, 0]])).values),
    # Rows 0-1 keep two of the three values; the third gets a zero gradient.
    "SparseSlice": _sparse_values(lambda v: tf.reshape(tf.sparse.slice(_sp(v), [0, 0],
                                                                       [2, 4]).values, [2])),
    "SparseAdd": _sparse_values(lambda v: tf.reshape(tf.sparse_add(_sp(v), _sp(v * v)).values,
                                                     [3])),
    "SparseTensorDenseAdd": _sparse_values(lambda v: tf.sparse_add(_sp(v),
                                                                   tf.ones([3, 4], F64))),
    "SparseReduceSum": _sparse_values(lambda v: tf.sparse_reduce_sum(_sp(v), 1)),
    "SparseSoftmax": _sparse_values(lambda v: tf.sparse_softmax(_sp(v, [[0, 1], [0, 2],
                                                                        [2, 3]])).values),
    "SparseTensorDenseMatMul": _sparse_values(lambda v: tf.sparse_tensor_dense_matmul(
        _sp(v), _const(np.arange(8.0).reshape(4, 2)))),
    "SparseFillEmptyRows": _sparse_values(lambda v: tf.reshape(tf.sparse_fill_empty_rows(
        _sp(v, [[0, 1], [2, 0], [2, 3]], [4, 4]), tf.constant(0.5, F64))[0].values, [5])),
    "Igamma": _binary(tf.igamma, (3,), (3,), _positive, _positive),
    "Igammac": _binary(tf.igammac, (3,), (3,), _positive, _positive),
    "Zeta": _unary(lambda q: tf.zeta(_const([2.0, 3.0, 2.5]), q), _positive, shape=(3,)),
    "Betainc": _unary(lambda x: tf.betainc(_const([2.0, 1.5, 3.0]), _const([1.0, 2.5, 2.0]),
                                           x), lambda s: _uniform(s, 0.2, 0.8), shape=(3,)),
    "Erfinv": _unary(tf.math.erfinv, lambda s: _uniform(s, -0.8, 0.8)),
    "Ndtri": _unary(tf.math.ndtri, lambda s: _uniform(s, 0.2, 0.8)),
    "BesselI0e": _unary(tf.math.bessel_i0e, _away_from_zero),
    "BesselI1e": _unary(tf.math.bessel_i1e, _away_from_zero),
    "CTCLoss": _unary(lambda x: tf.nn.ctc_loss(
        tf.SparseTensor([[0, 0], [1, 0]], tf.constant([0, 1]), [2, 1]), x, [3, 2]),
        shape=(3, 2, 3)),
    "CropAndResize": _image(lambda x: tf.image.crop_and_resize(
        x, [[0.1, 0.2, 0.8, 0.9], [0.7, 0.9, 0.2, 0.3]], [0, 0], [3, 2])),
})

DEFUN_MODULE = "smallflow.python.framework.function"


def _sine_times(x):
    return tf.sin(x) * x


def _square_with_a_random_zero(x):
    return x * x + 0.0 * tf.random_uniform([], dtype=F64)


# tf.function's call ops: the gradient is the call of the traced backward function.
CASES.update({
    "PartitionedCall": _unary(lambda x: tf.function(_sine_times)(x)),
    "StatefulPartitionedCall": _unary(lambda x: tf.function(_square_with_a_random_zero)(x)),
})


# Session 15 (cops): fractional pooling over seeded (fixed) regions, overlapping ones for
# max pooling (cells shared by two regions), distinct values so each region has one winner.
def _fractional_case(pool, overlapping):
    def build():
        x = _ph([2, 7, 6, 2])
        out = pool(x, [1, 1.6, 1.4, 1], pseudo_random=True, overlapping=overlapping,
                   deterministic=True, seed=3, seed2=4)[0]
        return Case([x], [_distinct((2, 7, 6, 2))], out)

    return build


CASES.update({
    "FractionalMaxPool": _fractional_case(tf.nn.fractional_max_pool, True),
    "FractionalAvgPool": _fractional_case(tf.nn.fractional_avg_pool, True),
})


def _differentiable_op_types():
    # Gradients registered under names that are not op types (gradient_override_map targets,
    # custom_gradient's) are checked by the tests of those features.
    # PreventGradient's gradient is an error by design (tests/test_graph_tf_form.py), as is
    # WhileGrad's (a second-order while loop, tests/test_compat_session13_grads.py) and
    # MatrixSolveLs's (only its fast=False path is an op; TensorFlow defines no gradient for
    # it: tests/test_compat_session13_kernels2.py).
    # Defun registers an op type per traced function (tests/test_compat_session11_autograph.py
    # makes some); their gradients are those of the call ops above.
    # Ops with GPU kernels only (cuDNN's RNN) cannot run here, so their gradients cannot be
    # checked numerically; tests/test_compat_session12_contrib_rnn.py checks the graph they
    # build.
    return {op_type for op_type, fn in GRADIENTS.items()
            if fn is not None and op_type in OP_DEFS
            and op_type not in ("PreventGradient", "WhileGrad", "MatrixSolveLs")
            and GRADIENTS.where(op_type) != DEFUN_MODULE and not _gpu_only(op_type)}


def _gpu_only(op_type):
    signature = OP_DEFS.lookup(op_type).signature
    kernel_types = signature.kernel_types if signature is not None else {}
    return any(types == () for types in kernel_types.values())


def test_every_differentiable_op_type_has_a_gradient_check():
    missing = sorted(_differentiable_op_types() - set(CASES))
    assert not missing, f"add a row to CASES for: {missing}"


def test_every_row_names_a_differentiable_op_type():
    stale = sorted(set(CASES) - _differentiable_op_types())
    assert not stale, f"rows for op types without a registered gradient: {stale}"


@pytest.mark.parametrize("op_type", sorted(CASES))
def test_registered_gradient_matches_numeric_jacobian(op_type):
    case = CASES[op_type]()
    built = {op.type for op in tf.get_default_graph().get_operations()}
    assert op_type in built, f"the {op_type} row builds no {op_type} op"
    shapes = [list(np.shape(init)) for init in case.inits]
    y_shape = case.y.shape.as_list()

    error = compute_gradient_error(case.xs, shapes, case.y, y_shape, x_init_value=case.inits,
                                   delta=case.delta)

    assert error < case.tolerance


# Complex numbers and FFTs (issue 9, h9a): real inputs in, real outputs out, the complex ops
# in between (their complex-convention checks are in tests/test_complex_and_fft.py).
def _c128(x):
    return tf.complex(x, 0.5 * x + 0.25)


def _f32(fn):
    return lambda x: tf.cast(fn(tf.cast(x, tf.float32)), tf.float64)


CASES.update({
    "Complex": _unary(lambda x: tf.abs(_c128(x))),
    "Real": _unary(lambda x: tf.real(_c128(x) * _c128(x))),
    "Imag": _unary(lambda x: tf.imag(_c128(x) * _c128(x))),
    "Angle": _unary(lambda x: tf.angle(_c128(x))),
    "ComplexAbs": _unary(lambda x: tf.abs(_c128(x))),
    "Conj": _unary(lambda x: tf.imag(tf.conj(_c128(x)) * _c128(2.0 * x))),
    "ConjugateTranspose": _unary(lambda x: tf.imag(tf.transpose(_c128(x), [1, 0], conjugate=True)
                                                   * _c128(2.0 * tf.transpose(x)))),
    **{op: _unary(lambda x, fn=fn: tf.abs(fn(_c128(tf.reshape(x, [1, 2, 3])))))
       for op, fn in (("FFT", tf.fft), ("IFFT", tf.ifft), ("FFT2D", tf.fft2d),
                      ("IFFT2D", tf.ifft2d), ("FFT3D", tf.fft3d), ("IFFT3D", tf.ifft3d))},
    **{op: _unary(_f32(lambda x, fn=fn: tf.abs(fn(x))), tolerance=2e-2)
       for op, fn in (("RFFT", tf.signal.rfft), ("RFFT2D", tf.signal.rfft2d),
                      ("RFFT3D", lambda x: tf.signal.rfft3d(tf.reshape(x, [1, 2, 3]))))},
    **{op: _unary(_f32(lambda x, fn=fn: fn(tf.complex(x, x))), tolerance=2e-2)
       for op, fn in (("IRFFT", tf.signal.irfft), ("IRFFT2D", tf.signal.irfft2d),
                      ("IRFFT3D", lambda z: tf.signal.irfft3d(tf.reshape(z, [1, 2, 3]))))},
})


# Fake quantization: the gradient is the straight-through estimator, which equals the true
# derivative only where the input is clamped (0); checked there. Inside the range it is
# compared with TensorFlow by the oracle (tests/oracle/cases_strings_io.py).
def _outside_range(shape):
    return np.linspace(7.0, 9.0, int(np.prod(shape))).reshape(shape)


CASES.update({
    "FakeQuantWithMinMaxArgs": _unary(lambda x: tf.cast(tf.fake_quant_with_min_max_args(
        tf.cast(x, tf.float32)), tf.float64), init=_outside_range),
    "FakeQuantWithMinMaxVars": _unary(lambda x: tf.cast(tf.fake_quant_with_min_max_vars(
        tf.cast(x, tf.float32), -6.0, 6.0), tf.float64), init=_outside_range),
    "FakeQuantWithMinMaxVarsPerChannel": _unary(lambda x: tf.cast(
        tf.fake_quant_with_min_max_vars_per_channel(tf.cast(x, tf.float32), [-6.0] * 3,
                                                    [6.0] * 3), tf.float64),
        init=_outside_range),
})


# Session 12 (names). quantize_and_dequantize's gradient passes straight through; with 62
# bits its levels are so fine that the op is the identity to the checker's precision, where
# the pass-through gradient is also the true one. Dilation's gradient (to the window's
# maximum) is checked away from ties (random values).
CASES.update({
    "QuantizeAndDequantizeV2": _unary(lambda x: tf.quantization.quantize_and_dequantize(
        x, -2.0, 2.0, num_bits=62, range_given=True)),
    "Dilation2D": _binary(lambda x, k: tf.nn.dilation2d(x, k, [1, 2, 1, 1], [1, 1, 2, 1],
                                                        "SAME"),
                          shape_a=(1, 4, 5, 2), shape_b=(2, 2, 2)),
})

