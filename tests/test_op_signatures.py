"""Every op type declares its dtypes, and a session returns exactly the declared dtype.

``ROWS`` maps each registered op type to the attr whose dtype is varied and a builder
``fn(dtype) -> (fetches, feed_dict)``. The walk builds the op for every dtype its signature
allows and checks each fetched value's NumPy dtype against the tensor's declared dtype; a
registered op type without a row fails the coverage test.
"""

import os
import tempfile

import numpy as np
import pytest

import smallflow as tf
import smallflow.distribute.mpi_ops  # noqa: F401 - registers the MPI op types
from smallflow.ops import (
    broadcast_ops,
    nn_ops,
    pad_ops,
    tensor_array_ops,
    tf_graph_ops,
    training_ops,
)
from smallflow.ops import sparse_training_ops as sto
from smallflow.ops.common import make_op
from smallflow.registry import OP_DEFS

VALUES = np.array([[1, 2, 3], [4, 5, 6]])


def _array(dtype, values=VALUES):
    values = np.asarray(values)
    if dtype == tf.string:
        return np.vectorize(lambda v: str(v).encode(), otypes=[object])(values)
    if dtype == tf.bool:
        return values % 2 == 1
    return values.astype(dtype.as_numpy_dtype)


def _c(dtype, values=VALUES):
    return tf.constant(_array(dtype, values), dtype=dtype)


def _grad_op(op_type, dtype, n_inputs=2, attrs=None):
    inputs = [_c(dtype) for _ in range(n_inputs)]
    return make_op(op_type, inputs, [dtype], attrs).outputs[0]


def _var(dtype):
    return tf.Variable(_c(dtype))


def _nhwc(dtype):
    return _c(dtype, np.arange(1, 10).reshape(1, 3, 3, 1))


def _filter(dtype):
    return _c(dtype, np.ones((2, 2, 1, 1)))


_POOL = {"ksize": [1, 2, 2, 1], "strides": [1, 1, 1, 1], "padding": "VALID"}
_CONV = {"strides": [1, 1, 1, 1], "padding": "VALID"}


def _max_pool_grad(fn, dtype):
    x = _nhwc(dtype)
    y = tf.nn.max_pool(x, **_POOL)
    grad = tf.ones_like(x if fn is nn_ops.max_pool_grad_grad else y)
    return fn(x, y, grad, **_POOL)


def _strided_slice_grad(dtype):
    x = _c(dtype)
    y = x[0:1]
    inputs = [tf.ones_like(y) if dtype != tf.string else y, x, *y.op.inputs[1:]]
    return make_op("StridedSliceGrad", inputs, [dtype], dict(y.op.attrs)).outputs[0]


def _h(dtype, value=0.5):
    """A hyper-parameter: a scalar of the variable's dtype."""
    return tf.constant(value, dtype=dtype)


def _apply(fn, n_slots, dtype, n_scalars):
    """``fn(var, *slots, *scalars, grad)``: the training ops' argument order."""
    var = _var(dtype)
    slots = [_var(dtype) for _ in range(n_slots)]
    scalars = [tf.constant(0.5, dtype=dtype) for _ in range(n_scalars)]
    return fn(var, *slots, *scalars, _c(dtype))


def _row(attr, build):
    return (attr, build)


def _generator():
    return tf.random.experimental.Generator.from_seed(7)


def _clustering():
    # tf.contrib.factorization's kernels have no public tf.* name (tf.raw_ops in TensorFlow)
    from smallflow.ops import clustering_ops

    return clustering_ops


def _unary(fn):
    return _row("T", lambda dt: fn(_c(dt)))


def _binary(fn):
    return _row("T", lambda dt: fn(_c(dt), _c(dt)))


def _reduction(fn):
    return _row("T", lambda dt: fn(_c(dt), axis=1))


ROWS = {
    # element-wise
    "Neg": _unary(tf.negative),
    "Abs": _unary(tf.abs),
    "Square": _unary(tf.square),
    "Sign": _unary(tf.sign),
    "Reciprocal": _unary(tf.reciprocal),
    "Round": _unary(tf.round),
    "Sqrt": _unary(tf.sqrt),
    "Rsqrt": _unary(tf.rsqrt),
    "Exp": _unary(tf.exp),
    "Log": _unary(tf.log),
    "Log1p": _unary(tf.log1p),
    "Tanh": _unary(tf.tanh),
    "Sigmoid": _unary(tf.sigmoid),
    "Floor": _unary(tf.floor),
    "Ceil": _unary(tf.ceil),
    "LogicalNot": _row(None, lambda dt: tf.logical_not(_c(tf.bool))),
    "IsNan": _unary(tf.is_nan),
    "IsInf": _unary(tf.is_inf),
    "IsFinite": _unary(tf.is_finite),
    "Add": _binary(tf.add),
    "AddV2": _binary(lambda x, y: x + y),
    "Sub": _binary(tf.subtract),
    "Mul": _binary(tf.multiply),
    "RealDiv": _binary(tf.realdiv),
    "FloorDiv": _binary(tf.floordiv),
    "FloorMod": _binary(tf.floormod),
    "Pow": _binary(tf.pow),
    "SquaredDifference": _binary(tf.squared_difference),
    "Maximum": _binary(tf.maximum),
    "Minimum": _binary(tf.minimum),
    "DivNoNan": _binary(tf.div_no_nan),
    "Equal": _binary(tf.equal),
    "NotEqual": _binary(tf.not_equal),
    "Less": _binary(tf.less),
    "LessEqual": _binary(tf.less_equal),
    "Greater": _binary(tf.greater),
    "GreaterEqual": _binary(tf.greater_equal),
    "LogicalAnd": _row(None, lambda dt: tf.logical_and(_c(tf.bool), _c(tf.bool))),
    "LogicalOr": _row(None, lambda dt: tf.logical_or(_c(tf.bool), _c(tf.bool))),
    "BitwiseAnd": _binary(tf.bitwise.bitwise_and),
    "BitwiseOr": _binary(tf.bitwise.bitwise_or),
    "BitwiseXor": _binary(tf.bitwise.bitwise_xor),
    "LeftShift": _row("T", lambda dt: tf.bitwise.left_shift(_c(dt), _c(dt, [[1, 2, 0]] * 2))),
    "RightShift": _binary(tf.bitwise.right_shift),
    "Invert": _unary(tf.bitwise.invert),
    # matrices, sums, reductions, scans
    "MatMul": _row("T", lambda dt: tf.matmul(_c(dt), _c(dt), transpose_b=True)),
    "BatchMatMulV2": _row("T", lambda dt: tf.matmul(_c(dt, [VALUES]), _c(dt, [VALUES.T]))),
    "AddN": _row("T", lambda dt: tf.add_n([_c(dt), _c(dt)])),
    "Sum": _reduction(tf.reduce_sum),
    "Mean": _reduction(tf.reduce_mean),
    "Max": _reduction(tf.reduce_max),
    "Min": _reduction(tf.reduce_min),
    "Prod": _reduction(tf.reduce_prod),
    "All": _row(None, lambda dt: tf.reduce_all(_c(tf.bool), axis=1)),
    "Any": _row(None, lambda dt: tf.reduce_any(_c(tf.bool), axis=1)),
    "ArgMax": _row("T", lambda dt: tf.argmax(_c(dt), 1)),
    "ArgMin": _row("T", lambda dt: tf.argmin(_c(dt), 1)),
    "Cumsum": _row("T", lambda dt: tf.cumsum(_c(dt), 1)),
    "Cumprod": _row("T", lambda dt: tf.cumprod(_c(dt), 1)),
    "Range": _row("Tidx", lambda dt: tf.range(_c(dt, 0), _c(dt, 5), _c(dt, 2))),
    "LinSpace": _row("T", lambda dt: tf.linspace(_c(dt, 0), _c(dt, 1), 5)),
    "UnsortedSegmentSum": _row(
        "T", lambda dt: tf.unsorted_segment_sum(_c(dt), tf.constant([1, 0]), 2)),
    # constants, placeholders, casts, shapes
    "Const": _row("dtype", _c),
    "Placeholder": _row("dtype", lambda dt: (
        p := tf.placeholder(dt, [2, 3]), {p: _array(dt)})[0:2]),
    "PlaceholderWithDefault": _row(
        "dtype", lambda dt: tf.placeholder_with_default(_c(dt), [2, 3])),
    "Identity": _unary(tf.identity),
    "StopGradient": _unary(tf.stop_gradient),
    "Cast": _row("SrcT", lambda dt: tf.cast(_c(dt), tf.int8 if dt != tf.int8 else tf.int16)),
    "Pack": _row("T", lambda dt: tf.stack([_c(dt), _c(dt)])),
    "Unpack": _row("T", lambda dt: tf.unstack(_c(dt))),
    "Reshape": _row("T", lambda dt: tf.reshape(_c(dt), [3, 2])),
    # Of a tensor of unknown shape: a known shape is folded to a constant, as TensorFlow's.
    "Shape": _unary(lambda x: tf.shape(tf.placeholder_with_default(x, None))),
    "Size": _unary(lambda x: tf.size(tf.placeholder_with_default(x, None))),
    "Rank": _unary(lambda x: tf.rank(tf.placeholder_with_default(x, None))),
    "Fill": _row("T", lambda dt: tf.fill([2], _c(dt, 1))),
    "ZerosLike": _unary(tf.zeros_like),
    "OnesLike": _unary(tf.ones_like),
    "Transpose": _unary(tf.transpose),
    "ConjugateTranspose": _row("T", lambda dt: make_op(
        "ConjugateTranspose", [_c(dt), tf.constant([1, 0])], [dt]).outputs[0]),
    "ExpandDims": _row("T", lambda dt: tf.expand_dims(_c(dt), 0)),
    "Squeeze": _row("T", lambda dt: tf.squeeze(_c(dt, [[1, 2, 3]]))),
    "OneHot": _row("T", lambda dt: tf.one_hot([0, 2], 3, on_value=_c(dt, 1),
                                              off_value=_c(dt, 0))),
    "ConcatV2": _row("T", lambda dt: tf.concat([_c(dt), _c(dt)], 0)),
    "Split": _row("T", lambda dt: tf.split(_c(dt), 3, axis=1)),
    "SplitV": _row("T", lambda dt: tf.split(_c(dt), [1, 2], axis=1)),
    "Slice": _row("T", lambda dt: tf.slice(_c(dt), [0, 1], [1, 2])),
    "StridedSlice": _row("T", lambda dt: _c(dt)[0, 1:]),
    "StridedSliceGrad": _row("T", _strided_slice_grad),
    "Tile": _row("T", lambda dt: tf.tile(_c(dt), [1, 2])),
    "Pad": _row("T", lambda dt: tf.pad(_c(dt), [[1, 0], [0, 1]])),
    "PadV2": _row("T", lambda dt: tf.pad(_c(dt), [[1, 0], [0, 1]], constant_values=_c(dt, 1))),
    "MirrorPad": _row("T", lambda dt: tf.pad(_c(dt), [[1, 0], [0, 1]], mode="REFLECT")),
    "MirrorPadGrad": _row(
        "T", lambda dt: pad_ops._mirror_pad_grad(_c(dt), tf.constant([[0, 0], [1, 0]]),
                                                 "REFLECT")),
    "ReverseV2": _row("T", lambda dt: tf.reverse(_c(dt), [1])),
    "BroadcastTo": _row("T", lambda dt: tf.broadcast_to(_c(dt), [2, 2, 3])),
    "GatherV2": _row("Tparams", lambda dt: tf.gather(_c(dt), [1, 0])),
    "Select": _row("T", lambda dt: tf.where(_c(tf.bool), _c(dt), _c(dt))),
    "SelectV2": _row("T", lambda dt: tf.where_v2(_c(tf.bool), _c(dt), _c(dt))),
    "Where": _row("T", lambda dt: tf.where(_c(dt))),
    "Diag": _row("T", lambda dt: tf.diag(_c(dt, [1, 2]))),
    "DiagPart": _row("T", lambda dt: tf.diag_part(_c(dt, [[1, 2], [3, 4]]))),
    "ReduceToShapeOf": _row(
        "T", lambda dt: broadcast_ops.reduce_to_shape_of(_c(dt), _c(dt, [1, 2, 3]))),
    "BroadcastToShapeOf": _row(
        "T", lambda dt: broadcast_ops.broadcast_to_shape_of(_c(dt, [1, 2, 3]), _c(dt),
                                                            axes=[0])),
    "BroadcastGradientArgs": _row("T", lambda dt: list(broadcast_ops.broadcast_gradient_args(
        tf.constant([2, 1, 3], dtype=dt), tf.constant([3], dtype=dt)))),
    "PreventGradient": _unary(broadcast_ops.prevent_gradient),
    "ShapeN": _row("out_type", lambda dt: tf_graph_ops.shape_n([_c(tf.float32), _c(tf.float32)],
                                                             out_type=dt)),
    # neural-network ops
    "Softmax": _unary(tf.nn.softmax),
    "LogSoftmax": _unary(tf.nn.log_softmax),
    "SoftmaxCrossEntropyWithLogits": _row(
        "T", lambda dt: tf.nn.softmax_cross_entropy_with_logits_v2(labels=_c(dt),
                                                                   logits=_c(dt))),
    "SparseSoftmaxCrossEntropyWithLogits": _row(
        "T", lambda dt: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 2],
                                                                       logits=_c(dt))),
    "Relu": _unary(tf.nn.relu),
    "Relu6": _unary(tf.nn.relu6),
    "ReluGrad": _row("T", lambda dt: _grad_op("ReluGrad", dt)),
    "Relu6Grad": _row("T", lambda dt: _grad_op("Relu6Grad", dt)),
    "Elu": _unary(tf.nn.elu),
    "Softplus": _unary(tf.nn.softplus),
    "LeakyRelu": _unary(tf.nn.leaky_relu),
    "EluGrad": _row("T", lambda dt: _grad_op("EluGrad", dt)),
    "SoftplusGrad": _row("T", lambda dt: _grad_op("SoftplusGrad", dt)),
    "SoftsignGrad": _row("T", lambda dt: _grad_op("SoftsignGrad", dt)),
    "LeakyReluGrad": _row("T", lambda dt: _grad_op("LeakyReluGrad", dt, attrs={"alpha": 0.2})),
    "BiasAdd": _row("T", lambda dt: tf.nn.bias_add(_c(dt), _c(dt, [1, 2, 3]))),
    "BiasAddGrad": _row("T", lambda dt: nn_ops.bias_add_grad(_c(dt))),
    "L2Loss": _unary(tf.nn.l2_loss),
    "InTopKV2": _row("T", lambda dt: tf.nn.in_top_k(_c(tf.float32), _c(dt, [0, 2]), 1)),
    "Dropout": _row("T", lambda dt: tf.nn.dropout(_c(dt), keep_prob=0.5, seed=1)),
    "Conv2D": _row("T", lambda dt: tf.nn.conv2d(_nhwc(dt), _filter(dt), **_CONV)),
    "Conv2DBackpropInput": _row("T", lambda dt: nn_ops.conv2d_backprop_input(
        [1, 3, 3, 1], _filter(dt), _c(dt, np.ones((1, 2, 2, 1))), **_CONV)),
    "Conv2DBackpropFilter": _row("T", lambda dt: nn_ops.conv2d_backprop_filter(
        _nhwc(dt), [2, 2, 1, 1], _c(dt, np.ones((1, 2, 2, 1))), **_CONV)),
    "MaxPool": _row("T", lambda dt: tf.nn.max_pool(_nhwc(dt), **_POOL)),
    "MaxPoolGrad": _row("T", lambda dt: _max_pool_grad(nn_ops.max_pool_grad, dt)),
    "MaxPoolGradGrad": _row("T", lambda dt: _max_pool_grad(nn_ops.max_pool_grad_grad, dt)),
    "AvgPool": _row("T", lambda dt: tf.nn.avg_pool(_nhwc(dt), **_POOL)),
    "AvgPoolGrad": _row("T", lambda dt: nn_ops.avg_pool_grad(
        [1, 3, 3, 1], _c(dt, np.ones((1, 2, 2, 1))), **_POOL)),
    # strings
    "AsString": _unary(tf.as_string),
    "StringJoin": _row(None, lambda dt: tf.strings.join([_c(tf.string), _c(tf.string)])),
    "StringToNumber": _row("out_type", lambda dt: tf.string_to_number(_c(tf.string),
                                                                      out_type=dt)),
    # special math (ops/special_math_ops.py)
    "Sin": _unary(tf.sin),
    "Cos": _unary(tf.cos),
    "Tan": _unary(tf.tan),
    "Asin": _unary(tf.asin),
    "Acos": _unary(tf.acos),
    "Atan": _unary(tf.atan),
    "Sinh": _unary(tf.sinh),
    "Cosh": _unary(tf.cosh),
    "Asinh": _unary(tf.asinh),
    "Acosh": _unary(tf.acosh),
    "Atanh": _unary(tf.atanh),
    "Expm1": _unary(tf.expm1),
    "Erf": _unary(tf.erf),
    "Erfc": _unary(tf.erfc),
    "Lgamma": _unary(tf.lgamma),
    "Digamma": _unary(tf.digamma),
    "Softsign": _unary(tf.nn.softsign),
    "Rint": _unary(tf.rint),
    "Atan2": _binary(tf.atan2),
    "Polygamma": _binary(tf.polygamma),
    "TruncateDiv": _binary(tf.truncatediv),
    "TruncateMod": _binary(tf.truncatemod),
    # state and randomness
    "VariableV2": _row("dtype", lambda dt: _var(dt).value()),
    "Assign": _row("T", lambda dt: _var(dt).assign(_c(dt))),
    "AssignAdd": _row("T", lambda dt: _var(dt).assign_add(_c(dt))),
    "AssignSub": _row("T", lambda dt: _var(dt).assign_sub(_c(dt))),
    "IsVariableInitialized": _row(None, lambda dt: tf.is_variable_initialized(_var(tf.int32))),
    "NoOp": _row(None, lambda dt: tf.no_op()),
    "RandomStandardNormal": _row("dtype", lambda dt: tf.random_normal([2], dtype=dt)),
    "TruncatedNormal": _row("dtype", lambda dt: tf.truncated_normal([2], dtype=dt)),
    "RandomUniform": _row("dtype", lambda dt: tf.random_uniform([2], dtype=dt)),
    "RandomUniformInt": _row("Tout", lambda dt: tf.random_uniform([2], 0, 9, dtype=dt)),
    "ApplyGradientDescent": _row(
        "T", lambda dt: _apply(training_ops.apply_gradient_descent, 0, dt, 1)),
    "ApplyMomentum": _row(
        "T", lambda dt: training_ops.apply_momentum(_var(dt), _var(dt), _c(dt, 0.5), _c(dt),
                                                    _c(dt, 0.5))),
    "ApplyAdam": _row("T", lambda dt: _apply(training_ops.apply_adam, 2, dt, 6)),
    "ApplyAdagrad": _row("T", lambda dt: _apply(training_ops.apply_adagrad, 1, dt, 1)),
    "ApplyRMSProp": _row("T", lambda dt: _apply(training_ops.apply_rms_prop, 2, dt, 4)),
    "ApplyCenteredRMSProp": _row(
        "T", lambda dt: _apply(training_ops.apply_centered_rms_prop, 3, dt, 4)),
    # sparse updates (rows [1, 0] of a 2 x 3 variable): var, slots, then TensorFlow's order
    "SparseApplyMomentum": _row("T", lambda dt: sto.sparse_apply_momentum(
        _var(dt), _var(dt), _h(dt), _c(dt), [1, 0], _h(dt))),
    "SparseApplyAdagrad": _row("T", lambda dt: sto.sparse_apply_adagrad(
        _var(dt), _var(dt), _h(dt), _c(dt), [1, 0])),
    "SparseApplyProximalAdagrad": _row("T", lambda dt: sto.sparse_apply_proximal_adagrad(
        _var(dt), _var(dt), _h(dt), _h(dt), _h(dt), _c(dt), [1, 0])),
    "SparseApplyProximalGradientDescent": _row(
        "T", lambda dt: sto.sparse_apply_proximal_gradient_descent(
            _var(dt), _h(dt), _h(dt), _h(dt), _c(dt), [1, 0])),
    "SparseApplyAdagradDA": _row("T", lambda dt: sto.sparse_apply_adagrad_da(
        _var(dt), _var(dt), _var(dt), _c(dt), [1, 0], _h(dt), _h(dt), _h(dt),
        tf.constant(1, tf.int64))),
    "SparseApplyAdadelta": _row("T", lambda dt: sto.sparse_apply_adadelta(
        _var(dt), _var(dt), _var(dt), _h(dt), _h(dt), _h(dt), _c(dt), [1, 0])),
    "SparseApplyRMSProp": _row("T", lambda dt: sto.sparse_apply_rms_prop(
        _var(dt), _var(dt), _var(dt), _h(dt), _h(dt), _h(dt), _h(dt), _c(dt), [1, 0])),
    "SparseApplyCenteredRMSProp": _row("T", lambda dt: sto.sparse_apply_centered_rms_prop(
        _var(dt), _var(dt), _var(dt), _var(dt), _h(dt), _h(dt), _h(dt), _h(dt), _c(dt),
        [1, 0])),
    "SparseApplyFtrl": _row("T", lambda dt: sto.sparse_apply_ftrl(
        _var(dt), _var(dt), _var(dt), _c(dt), [1, 0], _h(dt), _h(dt), _h(dt), _h(dt, -0.5))),
    "SparseApplyFtrlV2": _row("T", lambda dt: sto.sparse_apply_ftrl_v2(
        _var(dt), _var(dt), _var(dt), _c(dt), [1, 0], _h(dt), _h(dt), _h(dt), _h(dt),
        _h(dt, -0.5))),
    # array extras, linear algebra, segments, scatters
    "GatherNd": _row("Tparams", lambda dt: tf.gather_nd(_c(dt), [[0, 1], [1, 2]])),
    "ScatterNd": _row("T", lambda dt: tf.scatter_nd([[1], [0]], _c(dt), [3, 3])),
    "TopKV2": _row("T", lambda dt: list(tf.nn.top_k(_c(dt), 2))),
    "Unique": _row("T", lambda dt: list(tf.unique(_c(dt, [3, 1, 3, 2])))),
    "UniqueWithCounts": _row("T", lambda dt: list(tf.unique_with_counts(_c(dt, [3, 1, 3])))),
    "ReverseSequence": _row("T", lambda dt: tf.reverse_sequence(_c(dt), [2, 3], seq_axis=1,
                                                                batch_axis=0)),
    "DynamicPartition": _row("T", lambda dt: tf.dynamic_partition(_c(dt), [0, 1], 2)),
    "DynamicStitch": _row("T", lambda dt: tf.dynamic_stitch(
        [[1], [0]], [_c(dt, [[1, 2, 3]]), _c(dt, [[4, 5, 6]])])),
    "SearchSorted": _row("T", lambda dt: tf.searchsorted(_c(dt, [[1, 2, 3]]), _c(dt, [[3]]))),
    "ListDiff": _row("T", lambda dt: list(tf.setdiff1d(_c(dt, [1, 2, 3]), _c(dt, [2])))),
    "MatrixInverse": _row("T", lambda dt: tf.matrix_inverse(_c(dt, _SPD))),
    "MatrixDeterminant": _row("T", lambda dt: tf.matrix_determinant(_c(dt, _SPD))),
    "LogMatrixDeterminant": _row("T", lambda dt: list(tf.linalg.slogdet(_c(dt, _SPD)))),
    "Cholesky": _row("T", lambda dt: tf.cholesky(_c(dt, _SPD))),
    "MatrixSolve": _row("T", lambda dt: tf.matrix_solve(_c(dt, _SPD), _c(dt, [[1], [2]]))),
    "MatrixSolveLs": _row("T", lambda dt: tf.matrix_solve_ls(_c(dt, _SPD), _c(dt, [[1], [2]]),
                                                             fast=False)),
    "MatrixTriangularSolve": _row("T", lambda dt: tf.matrix_triangular_solve(
        _c(dt, _SPD), _c(dt, [[1], [2]]))),
    "Qr": _row("T", lambda dt: list(tf.qr(_c(dt, _SPD)))),
    "Einsum": _row("T", lambda dt: tf.einsum("ij,kj->ik", _c(dt), _c(dt))),
    "UnsortedSegmentMax": _row(
        "T", lambda dt: tf.unsorted_segment_max(_c(dt), tf.constant([1, 0]), 3)),
    "UnsortedSegmentMin": _row(
        "T", lambda dt: tf.unsorted_segment_min(_c(dt), tf.constant([1, 1]), 2)),
    "UnsortedSegmentProd": _row(
        "T", lambda dt: tf.unsorted_segment_prod(_c(dt), tf.constant([0, 0]), 2)),
    "ScatterUpdate": _row("T", lambda dt: tf.scatter_update(_var(dt), [1], _c(dt, [[7] * 3]))),
    "ScatterAdd": _row("T", lambda dt: tf.scatter_add(_var(dt), [1, 1], _c(dt))),
    "ScatterSub": _row("T", lambda dt: tf.scatter_sub(_var(dt), [0], _c(dt, [[1] * 3]))),
    "ScatterMul": _row("T", lambda dt: tf.scatter_mul(_var(dt), [0, 0], _c(dt))),
    "ScatterDiv": _row("T", lambda dt: tf.scatter_div(_var(dt), [1, 1], _c(dt, [[1, 2, 3]] * 2))),
    "ScatterMax": _row("T", lambda dt: tf.scatter_max(_var(dt), [0], _c(dt, [[9, 0, 9]]))),
    "ScatterMin": _row("T", lambda dt: tf.scatter_min(_var(dt), [0], _c(dt, [[9, 0, 9]]))),
    "ScatterNdUpdate": _row("T", lambda dt: tf.scatter_nd_update(_var(dt), [[0, 1]], _c(dt, [5]))),
    "ScatterNdAdd": _row("T", lambda dt: tf.scatter_nd_add(_var(dt), [[0, 1]], _c(dt, [5]))),
    "ScatterNdSub": _row("T", lambda dt: tf.scatter_nd_sub(_var(dt), [[1]], _c(dt, [[1] * 3]))),
    "CountUpTo": _row("T", lambda dt: tf.count_up_to(tf.Variable(_c(dt, 0)), 5)),
    # randomness and sampling
    "RandomShuffle": _row("T", lambda dt: tf.random_shuffle(_c(dt), seed=1)),
    "Multinomial": _row("T", lambda dt: tf.multinomial(_c(dt), 2, seed=1)),
    "CandidateSampler": _row(None, lambda dt: list(tf.nn.uniform_candidate_sampler(
        tf.constant([[1]], tf.int64), 1, 2, True, 5, seed=1))),
    "ComputeAccidentalHits": _row(None, lambda dt: list(tf.nn.compute_accidental_hits(
        tf.constant([[1]], tf.int64), tf.constant([1, 2], tf.int64), 1))),
    "ImageProjectiveTransformV2": _row("dtype", lambda dt: tf.contrib.image.transform(
        _nhwc(dt), [1, 0, 0, 0, 1, 0, 0, 0])),
    # debugging and Python functions
    "Print": _row("T", lambda dt: tf.Print(_c(dt), [_c(tf.int32)], summarize=1)),
    "PrintV2": _row("T", lambda dt: tf.print(_c(dt), output_stream=_DISCARD)),
    "CheckNumerics": _row("T", lambda dt: tf.check_numerics(_c(dt), "checked")),
    "Assert": _row("T", lambda dt: tf.Assert(tf.placeholder_with_default(True, []), [_c(dt)])),
    "IdentityN": _row("T", lambda dt: tf.identity_n([_c(dt), _c(tf.int32)])),
    "PyFunc": _row("Tout", lambda dt: tf.py_func(lambda x: x, [_c(dt)], dt)),
    # reading and parsing
    "DecodeCSV": _row("OUT_TYPE", lambda dt: tf.decode_csv(tf.constant(["1,2"]),
                                                           [_c(dt, [1]), _c(dt, [0])])),
    "DecodeRaw": _row("out_type", lambda dt: tf.decode_raw(tf.constant([b"\x01" * 16]), dt)),
    "ReadFile": _row(None, lambda dt: tf.read_file(__file__)),
    "MatchingFiles": _row(None, lambda dt: tf.matching_files(__file__)),
    "ReaderReadV2": _row(None, lambda dt: list(_reader_read())),
    "ReaderNumRecordsProducedV2": _row(None, lambda dt: tf.TextLineReader().num_records_produced()),
    "ReaderResetV2": _row(None, lambda dt: tf.TextLineReader().reset()),
    "ParseExample": _row(None, lambda dt: _parse_example()),
    # queues, iterators, tensor arrays
    "QueueV2": _row(None, lambda dt: tf.FIFOQueue(1, tf.int32).queue_ref),
    "QueueEnqueueV2": _row("Tcomponents", lambda dt: tf.FIFOQueue(1, dt).enqueue(_c(dt))),
    "QueueDequeueV2": _row("component_types", lambda dt: _dequeued(dt)),
    "QueueCloseV2": _row(None, lambda dt: tf.FIFOQueue(1, tf.int32).close()),
    "QueueSizeV2": _row(None, lambda dt: tf.FIFOQueue(1, tf.int32).size()),
    "QueueIsClosedV2": _row(None, lambda dt: tf.FIFOQueue(1, tf.int32).is_closed()),
    "MakeIterator": _row(None, lambda dt: tf.data.Dataset.from_tensors(
        _c(tf.int32)).make_initializable_iterator().initializer),
    "IteratorGetNext": _row("output_types", lambda dt: tf.data.Dataset.from_tensors(
        _c(dt)).make_one_shot_iterator().get_next()),
    "IteratorToStringHandle": _row(None, lambda dt: tf.data.Dataset.from_tensors(
        _c(tf.int32)).make_one_shot_iterator().string_handle()),
    "DatasetToSingleElement": _row("output_types", lambda dt: tf.data.experimental.
                                   get_single_element(tf.data.Dataset.from_tensors(_c(dt)))),
    "DatasetToTFRecord": _row(None, lambda dt: _records_written()),
    "IteratorGetNextAsOptional": _row("output_types", lambda dt: tf.data.experimental.
                                      get_next_as_optional(tf.data.Dataset.from_tensors(
                                          _c(dt)).make_one_shot_iterator()).get_value()),
    "OptionalGetValue": _row("Toutput_types", lambda dt: tf.data.experimental.Optional.
                             from_value(_c(dt)).get_value()),
    "TensorArrayV3": _row("dtype", lambda dt: _written(dt).read(0)),
    "TensorArrayWriteV3": _row("T", lambda dt: _written(dt).read(1)),
    "TensorArrayReadV3": _row("dtype", lambda dt: _written(dt).read(0)),
    "TensorArrayGatherV3": _row("dtype", lambda dt: _written(dt).gather([1, 0])),
    "TensorArrayStack": _row("dtype", lambda dt: _written(dt).stack()),
    "TensorArrayScatterV3": _row("T", lambda dt: tf.TensorArray(dt, size=2).scatter(
        [1, 0], _c(dt)).stack()),
    "TensorArrayUnstack": _row("T", lambda dt: tf.TensorArray(dt, size=2).unstack(
        _c(dt)).stack()),
    "TensorArraySizeV3": _row("T", lambda dt: _written(dt).size()),
    "TensorArrayConcatV3": _row("dtype", lambda dt: _written(dt).concat()),
    "TensorArraySplitV3": _row("T", lambda dt: tf.TensorArray(dt, size=2).split(
        _c(dt), [1, 1]).concat()),
    "ZerosLikeValue": _row("T", lambda dt: tensor_array_ops.zeros_like_value(_c(dt))),
    "AccumulateGrad": _row("T", lambda dt: tensor_array_ops.accumulate(_c(dt), _c(dt))),
    "CaseCheck": _row(None, lambda dt: tf.case(
        [(tf.placeholder_with_default(True, []), lambda: tf.constant(1)),
         (tf.placeholder_with_default(False, []), lambda: tf.constant(2))], exclusive=True)),
    "ReportUninitializedVariables": _row(None, lambda dt: tf.report_uninitialized_variables(
        [tf.Variable(1.0)])),
    # MPI collectives (the mpi extra), in a job of one process
    "MPIAllreduce": _row("T", lambda dt: _mpi().allreduce(_c(dt), average=False)),
    "MPIAllgather": _row("T", lambda dt: _mpi().allgather(_c(dt))),
    "MPIAllgatherGrad": _row(None, lambda dt: _mpi_grad(_mpi().allgather)),
    "MPIBroadcast": _row("T", lambda dt: _mpi().broadcast(_c(dt), 0)),
    "MPIBroadcastGrad": _row(None, lambda dt: _mpi_grad(lambda x: _mpi().broadcast(x, 0))),
    # summaries (the tensorboard extra)
    "ScalarSummary": _row("T", lambda dt: _summary(tf.summary.scalar, "s", _c(dt, 1))),
    "HistogramSummary": _row("T", lambda dt: _summary(tf.summary.histogram, "h", _c(dt))),
    "ImageSummary": _row("T", lambda dt: _summary(tf.summary.image, "i", _nhwc(dt))),
    "AudioSummaryV2": _row(None, lambda dt: _summary(tf.summary.audio, "a", tf.zeros([1, 4]),
                                                     8000)),
    "TensorSummaryV2": _row("T", lambda dt: _summary(tf.summary.tensor_summary, "t", _c(dt))),
    "MergeSummary": _row(None, lambda dt: tf.summary.merge(
        [_summary(tf.summary.scalar, "m", tf.constant(1.0))])),
}

# tf.image, tf.linalg extras, sparse ops (issue 9, "math" namespaces).
def _image(dtype):
    return _c(dtype, np.arange(24).reshape(1, 2, 4, 3))


def _sp(dtype, indices=((0, 0), (1, 2)), shape=(2, 3)):
    return tf.SparseTensor([list(i) for i in indices], _c(dtype, [1, 2]), list(shape))


def _matrix(dtype):
    return _c(dtype, [[4, 1], [1, 3]])


def _crop_image_grad(dtype):
    image = _image(dtype)
    crops = tf.image.crop_and_resize(image, [[0.0, 0.0, 1.0, 1.0]], [0], [2, 2])
    return tf.gradients(crops, image)[0]


def _crop_boxes_grad(dtype):
    boxes = tf.constant([[0.1, 0.1, 0.9, 0.8]])
    crops = tf.image.crop_and_resize(_image(dtype), boxes, [0], [2, 2])
    return tf.gradients(crops, boxes)[0]


def _jpeg(dtype=None):
    return tf.image.encode_jpeg(tf.constant(np.full((4, 4, 3), 9, np.uint8)))


def _image_file(fmt):
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(np.full((3, 4, 3), 60, np.uint8)).save(out, fmt)
    return out.getvalue()


def _nms_boxes(dtype):
    return tf.constant([[0, 0, 1, 1], [0, 0.1, 1, 1.1]], dtype=dtype)


def _nms_scores(dtype):
    return tf.constant([0.5, 0.7], dtype=dtype)


def _image_grad(op_type, dtype, original):
    grads = tf.ones([1, 3, 3, 3], dtype=tf.float32 if op_type != "ResizeNearestNeighborGrad"
                    else dtype)
    attrs = {"align_corners": False, "half_pixel_centers": False}
    return make_op(op_type, [grads, original], [dtype], attrs).outputs[0]


ROWS.update({
    "ResizeBilinear": _row("T", lambda dt: tf.image.resize_bilinear(_image(dt), [3, 3])),
    "ResizeBicubic": _row("T", lambda dt: tf.image.resize_bicubic(_image(dt), [3, 3])),
    "ResizeArea": _row("T", lambda dt: tf.image.resize_area(_image(dt), [3, 3])),
    "ResizeNearestNeighbor": _row(
        "T", lambda dt: tf.image.resize_nearest_neighbor(_image(dt), [3, 3])),
    "ResizeBilinearGrad": _row(
        "T", lambda dt: _image_grad("ResizeBilinearGrad", dt, _image(dt))),
    "ResizeBicubicGrad": _row("T", lambda dt: _image_grad("ResizeBicubicGrad", dt, _image(dt))),
    "ResizeNearestNeighborGrad": _row(
        "T", lambda dt: _image_grad("ResizeNearestNeighborGrad", dt, tf.constant([2, 4]))),
    "RGBToHSV": _row("T", lambda dt: tf.image.rgb_to_hsv(_image(dt) / 30)),
    "HSVToRGB": _row("T", lambda dt: tf.image.hsv_to_rgb(_image(dt) / 30)),
    "AdjustHue": _row("T", lambda dt: tf.image.adjust_hue(_image(dt) / 30, 0.2)),
    "AdjustSaturation": _row("T", lambda dt: tf.image.adjust_saturation(_image(dt) / 30, 0.5)),
    "AdjustContrastv2": _row("T", lambda dt: tf.image.adjust_contrast(_image(dt) / 30, 0.5)),
    "DecodePng": _row("dtype", lambda dt: tf.image.decode_png(
        tf.image.encode_png(tf.constant(np.ones((2, 2, 1)), dtype=dt)), dtype=dt)),
    "DecodeImage": _row("dtype", lambda dt: tf.image.decode_image(
        tf.image.encode_png(tf.constant(np.ones((2, 2, 1)), dtype=dt)), dtype=dt)),
    "EncodePng": _row("T", lambda dt: tf.reshape(tf.image.encode_png(
        tf.constant(np.ones((2, 2, 1)), dtype=dt)), [1])),
    "DecodeJpeg": _row(None, lambda dt: tf.image.decode_jpeg(_jpeg())),
    "DecodeBmp": _row(None, lambda dt: tf.image.decode_bmp(_image_file("BMP"))),
    "DecodeGif": _row(None, lambda dt: tf.image.decode_gif(_image_file("GIF"))),
    "EncodeJpeg": _row(None, lambda dt: tf.reshape(_jpeg(), [1])),
    "EncodeJpegVariableQuality": _row(
        None, lambda dt: tf.image.random_jpeg_quality(_image(tf.uint8)[0], 50, 60)),
    "ExtractJpegShape": _row("output_type", lambda dt: tf.image.extract_jpeg_shape(
        _jpeg(), output_type=dt)),
    "IsJpeg": _row(None, lambda dt: tf.image.is_jpeg(_jpeg())),
    "CropAndResize": _row("T", lambda dt: tf.image.crop_and_resize(
        _image(dt), [[0.0, 0.0, 1.0, 1.0]], [0], [2, 2])),
    "CropAndResizeGradImage": _row("T", lambda dt: _crop_image_grad(dt)),
    "CropAndResizeGradBoxes": _row("T", lambda dt: _crop_boxes_grad(dt)),
    "NonMaxSuppressionV3": _row("T", lambda dt: tf.image.non_max_suppression(
        _nms_boxes(dt), _nms_scores(dt), 2)),
    "NonMaxSuppressionV4": _row("T", lambda dt: list(tf.image.non_max_suppression_padded(
        _nms_boxes(dt), _nms_scores(dt), 2, pad_to_max_output_size=True))),
    "NonMaxSuppressionV5": _row("T", lambda dt: list(tf.image.non_max_suppression_with_scores(
        _nms_boxes(dt), _nms_scores(dt), 2))),
    "NonMaxSuppressionWithOverlaps": _row(None, lambda dt: tf.image.non_max_suppression_overlaps(
        tf.eye(2), [0.5, 0.7], 2)),
    "DrawBoundingBoxes": _row("T", lambda dt: tf.image.draw_bounding_boxes(
        _image(dt), [[[0.0, 0.0, 1.0, 1.0]]])),
    "DrawBoundingBoxesV2": _row("T", lambda dt: tf.image.draw_bounding_boxes(
        _image(dt), [[[0.0, 0.0, 1.0, 1.0]]], colors=[[1.0, 0.0, 0.0, 1.0]])),
    "SampleDistortedBoundingBoxV2": _row("T", lambda dt: list(
        tf.image.sample_distorted_bounding_box(tf.constant([4, 5, 3], dtype=dt),
                                               [[[0.0, 0.0, 1.0, 1.0]]]))),
    "Svd": _row("T", lambda dt: list(tf.svd(_matrix(dt)))),
    "SelfAdjointEigV2": _row("T", lambda dt: list(tf.self_adjoint_eig(_matrix(dt)))),
    "Lu": _row("output_idx_type", lambda dt: list(tf.linalg.lu(_matrix(tf.float64),
                                                               output_idx_type=dt))),
    "MatrixExponential": _row("T", lambda dt: tf.linalg.expm(_matrix(dt))),
    "MatrixLogarithm": _row("T", lambda dt: tf.linalg.logm(_matrix(dt))),
    "MatrixSquareRoot": _row("T", lambda dt: tf.linalg.sqrtm(_matrix(dt))),
    "SparseToDense": _row("T", lambda dt: tf.sparse_tensor_to_dense(
        _sp(dt), default_value=_c(dt, 0))),
    "SparseReorder": _row("T", lambda dt: list(tf.sparse_reorder(_sp(dt, [[1, 2], [0, 0]])))[
        :2]),
    # A known shape is folded to a constant (as TensorFlow): the op's indices are fetched.
    "SparseReshape": _row(None, lambda dt: list(tf.sparse_reshape(_sp(tf.float32), [3, 2]))[
        :1]),
    "SparseSlice": _row("T", lambda dt: list(tf.sparse_slice(_sp(dt), [0, 0], [1, 3]))),
    "SparseAdd": _row("T", lambda dt: list(tf.sparse_add(_sp(dt), _sp(dt)))[:2]),
    "SparseAddGrad": _row("T", lambda dt: list(make_op(
        "SparseAddGrad", [_c(dt, [1, 2]), tf.constant([[0, 0]], tf.int64),
                          tf.constant([[0, 1]], tf.int64),
                          tf.constant([[0, 0], [0, 1]], tf.int64)], [dt, dt]).outputs)),
    "SparseTensorDenseAdd": _row("T", lambda dt: tf.sparse_add(_sp(dt), _c(dt))),
    "SparseReduceSum": _row("T", lambda dt: tf.sparse_reduce_sum(_sp(dt), 1)),
    "SparseReduceSumSparse": _row("T", lambda dt: list(tf.sparse_reduce_sum_sparse(_sp(dt),
                                                                                  1))),
    "SparseReduceMax": _row("T", lambda dt: tf.sparse_reduce_max(_sp(dt), 1)),
    "SparseReduceMaxSparse": _row("T", lambda dt: list(tf.sparse_reduce_max_sparse(_sp(dt),
                                                                                  1))),
    "SparseSoftmax": _row("T", lambda dt: tf.sparse_softmax(_sp(dt)).values),
    "SparseDenseCwiseMul": _row("T", lambda dt: (_sp(dt) * _c(dt, 2)).values),
    "SparseDenseCwiseDiv": _row("T", lambda dt: _sp(dt).__div__(_c(dt, 1)).values),
    "EditDistance": _row("T", lambda dt: tf.edit_distance(_sp(dt), _sp(dt))),
    "GatherTree": _row("T", lambda dt: tf.contrib.seq2seq.gather_tree(
        _c(dt, [[[1, 2]]]), _c(dt, [[[0, 1]]]), [1], _c(dt, 2))),
    "NearestNeighbors": _row(None, lambda dt: list(_clustering().nearest_neighbors(
        np.ones((3, 2), np.float32), np.zeros((2, 2), np.float32), 1))),
    "KmeansPlusPlusInitialization": _row(None, lambda dt: _clustering()
                                         .kmeans_plus_plus_initialization(
                                             np.eye(3, dtype=np.float32), 2, 0, 1)),
    "KMC2ChainInitialization": _row(None, lambda dt: _clustering().kmc2_chain_initialization(
        np.ones(3, np.float32), 0)),
    "SparseTensorDenseMatMul": _row("T", lambda dt: tf.sparse_tensor_dense_matmul(
        _sp(dt), _c(dt, np.ones((3, 2))))),
    "SparseFillEmptyRows": _row("T", lambda dt: list(tf.sparse_fill_empty_rows(
        _sp(dt, [[0, 0], [2, 2]], (3, 3)), _c(dt, 0))[0])[:2]),
    "SparseConcat": _row("T", lambda dt: list(tf.sparse_concat(1, [_sp(dt), _sp(dt)]))[:2]),
    "SparseSparseMaximum": _row("T", lambda dt: list(tf.sparse_maximum(_sp(dt), _sp(dt)))[:2]),
    "SparseSparseMinimum": _row("T", lambda dt: list(tf.sparse_minimum(_sp(dt), _sp(dt)))[:2]),
    "StatelessRandomUniform": _row("dtype", lambda dt: tf.random.stateless_uniform(
        [2], [1, 2], dtype=dt)),
    "StatelessRandomNormal": _row("dtype", lambda dt: tf.random.stateless_normal(
        [2], [1, 2], dtype=dt)),
    "StatelessTruncatedNormal": _row("dtype", lambda dt: tf.random.stateless_truncated_normal(
        [2], [1, 2], dtype=dt)),
    "StatelessRandomUniformInt": _row("dtype", lambda dt: tf.random.stateless_uniform(
        [2], [1, 2], 0, 5, dtype=dt)),
    "StatelessMultinomial": _row("output_dtype", lambda dt: tf.random.stateless_multinomial(
        [[0.0, 1.0]], 2, [1, 2], output_dtype=dt)),
    "StatelessRandomGammaV2": _row("dtype", lambda dt: tf.random.stateless_gamma(
        [2], [1, 2], 2.0, dtype=dt)),
    "StatelessRandomPoisson": _row("dtype", lambda dt: tf.random.stateless_poisson(
        [2], [1, 2], 2.0, dtype=dt)),
    "StatelessRandomBinomial": _row("dtype", lambda dt: tf.random.stateless_binomial(
        [2], [1, 2], 4.0, 0.5, output_dtype=dt)),
    "StatelessParameterizedTruncatedNormal": _row(
        None, lambda dt: tf.random.stateless_parameterized_truncated_normal([2], [1, 2])),
    "RandomGamma": _row("T", lambda dt: tf.random.gamma([2], 2.0, dtype=dt)),
    "RandomPoissonV2": _row("dtype", lambda dt: tf.random.poisson(2.0, [2], dtype=dt)),
    "StatelessSeedMix": _row("T", lambda dt: tf.random.split(tf.constant([1, 2], dt))),
    "Erfinv": _row("T", lambda dt: tf.math.erfinv(_c(dt, [0.5]))),
    "Ndtri": _row("T", lambda dt: tf.math.ndtri(_c(dt, [0.5]))),
    "BesselI0e": _row("T", lambda dt: tf.math.bessel_i0e(_c(dt))),
    "BesselI1e": _row("T", lambda dt: tf.math.bessel_i1e(_c(dt))),
    "Igamma": _row("T", lambda dt: tf.igamma(_c(dt), _c(dt))),
    "Igammac": _row("T", lambda dt: tf.igammac(_c(dt), _c(dt))),
    "IgammaGradA": _row("T", lambda dt: make_op("IgammaGradA", [_c(dt), _c(dt)],
                                                [dt]).outputs[0]),
    "Zeta": _row("T", lambda dt: tf.zeta(_c(dt) + 1, _c(dt))),
    "Betainc": _row("T", lambda dt: tf.betainc(_c(dt), _c(dt), _c(dt) / 10)),
    "EagerPyFunc": _row("Tout", lambda dt: tf.py_function(lambda x: x, [_c(dt)], dt)),

    "CTCLoss": _row("T", lambda dt: tf.nn.ctc_loss(
        tf.SparseTensor([[0, 0]], tf.constant([0]), [1, 1]), _c(dt, np.zeros((2, 1, 3))), [2])),
    "CTCGreedyDecoder": _row("T", lambda dt: tf.nn.ctc_greedy_decoder(
        _c(dt, np.zeros((2, 1, 3))), [2])[1]),
})

# Session 9: argmax pooling, CTC beam search, glimpses.
def _argmax_pool(dtype):
    return tf.nn.max_pool_with_argmax(_nhwc(dtype), **_POOL)


def _argmax_pool_grad(op_type, dtype):
    from smallflow.python.ops import gen_nn_ops

    x = _nhwc(dtype)
    _, argmax = tf.nn.max_pool_with_argmax(_nhwc(tf.float32), **_POOL)
    grad = tf.ones_like(x) if op_type.startswith("MaxPoolGradGrad") else \
        _c(dtype, np.ones((1, 2, 2, 1)))
    build = gen_nn_ops.max_pool_grad_grad_with_argmax if op_type.startswith(
        "MaxPoolGradGrad") else gen_nn_ops.max_pool_grad_with_argmax
    return build(x, grad, argmax, **_POOL)


ROWS.update({
    "MaxPoolWithArgmax": _row("T", lambda dt: list(_argmax_pool(dt))),
    "MaxPoolGradWithArgmax": _row("T", lambda dt: _argmax_pool_grad("MaxPoolGradWithArgmax",
                                                                    dt)),
    "MaxPoolGradGradWithArgmax": _row("T", lambda dt: _argmax_pool_grad(
        "MaxPoolGradGradWithArgmax", dt)),
    "CTCBeamSearchDecoder": _row("T", lambda dt: tf.nn.ctc_beam_search_decoder(
        _c(dt, np.zeros((2, 1, 3))), [2], beam_width=2)[1]),
    "ExtractGlimpse": _row(None, lambda dt: tf.image.extract_glimpse(
        _c(tf.float32, np.ones((1, 4, 4, 1))), [2, 2], [[0.0, 0.0]])),
})


# String ops, hashing and tf.io ops (issue 9, helper h9a).
def _strings():
    return _c(tf.string)


def _sparse(dtype):
    return tf.SparseTensor(tf.constant([[0, 1], [1, 0]], tf.int64),
                           _c(dtype, np.array([1, 2])), tf.constant([2, 2], tf.int64))


ROWS.update({
    "StringLength": _row(None, lambda dt: tf.strings.length(_strings())),
    "StringLower": _row(None, lambda dt: tf.strings.lower(_strings())),
    "StringUpper": _row(None, lambda dt: tf.strings.upper(_strings())),
    "StringStrip": _row(None, lambda dt: tf.strings.strip(_strings())),
    "Substr": _row("T", lambda dt: tf.strings.substr(_strings(), tf.constant(0, dt),
                                                     tf.constant(1, dt))),
    "RegexFullMatch": _row(None, lambda dt: tf.strings.regex_full_match(
        _strings(), tf.constant("[0-9]"))),
    "StaticRegexFullMatch": _row(None, lambda dt: tf.strings.regex_full_match(_strings(), "1")),
    "RegexReplace": _row(None, lambda dt: tf.strings.regex_replace(
        _strings(), tf.constant("1"), tf.constant("x"))),
    "StaticRegexReplace": _row(None, lambda dt: tf.strings.regex_replace(_strings(), "1", "x")),
    "ReduceJoin": _row(None, lambda dt: tf.strings.reduce_join(_strings(), 1)),
    "StringSplitV2": _row(None, lambda dt: list(tf.strings.split(tf.constant(["a b"])))),
    "StringSplit": _row(None, lambda dt: list(tf.string_split(tf.constant(["a b"])))),
    "EncodeBase64": _row(None, lambda dt: tf.io.encode_base64(_strings())),
    "DecodeBase64": _row(None, lambda dt: tf.io.decode_base64(tf.constant(["aGk"]))),
    "StringToHashBucketFast": _row(None, lambda dt: tf.string_to_hash_bucket_fast(_strings(), 5)),
    "StringToHashBucketStrong": _row(None, lambda dt: tf.string_to_hash_bucket_strong(
        _strings(), 5, [1, 2])),
    "StringToHashBucket": _row(None, lambda dt: tf.string_to_hash_bucket(_strings(), 5)),
    "SparseCross": _row(None, lambda dt: list(tf.sparse.cross_hashed(
        [tf.SparseTensor([[0, 0]], tf.constant(["a"]), [1, 1]), tf.constant([[3]], tf.int64)],
        num_buckets=5))),
    "Fingerprint": _row("T", lambda dt: tf.fingerprint(_c(dt))),
    # A string scalar is fetched as one bytes object: stacked to be fetched as an array.
    "SerializeTensor": _row("T", lambda dt: tf.stack([tf.io.serialize_tensor(_c(dt))])),
    "ParseTensor": _row("out_type", lambda dt: tf.io.parse_tensor(
        tf.io.serialize_tensor(_c(dt)), dt)),
    "DecodeCompressed": _row(None, lambda dt: tf.io.decode_compressed(_strings())),
    "WriteFile": _row(None, lambda dt: tf.io.write_file(
        os.path.join(tempfile.gettempdir(), "smallflow_signature_write_file"), "x")),
    "DecodeJSONExample": _row(None, lambda dt: tf.io.decode_json_example(tf.constant(["{}"]))),
    "Bitcast": _row("T", lambda dt: tf.bitcast(_c(dt), dt)),
    "StringNGrams": _row(None, lambda dt: tf.strings.ngrams(_strings(), 2)),
    "StringFormat": _row("T", lambda dt: tf.stack([tf.strings.format("{} {}", [_c(dt),
                                                                               _c(tf.int32)])])),
    "ParseSequenceExample": _row(None, lambda dt: _protobuf() or list(tf.io.parse_sequence_example(
        tf.constant([b""]), context_features={"x": tf.FixedLenFeature([], tf.int64, 0)})[0]
        .values())),
    "FakeQuantWithMinMaxArgs": _row(None, lambda dt: tf.fake_quant_with_min_max_args(
        _c(tf.float32))),
    "FakeQuantWithMinMaxArgsGradient": _row(None, lambda dt: (
        tf.fake_quant_with_min_max_args_gradient(_c(tf.float32), _c(tf.float32)))),
    "FakeQuantWithMinMaxVars": _row(None, lambda dt: tf.fake_quant_with_min_max_vars(
        _c(tf.float32), -1.0, 1.0)),
    "FakeQuantWithMinMaxVarsGradient": _row(None, lambda dt: list(
        tf.fake_quant_with_min_max_vars_gradient(_c(tf.float32), _c(tf.float32), -1.0, 1.0))),
    "FakeQuantWithMinMaxVarsPerChannel": _row(None, lambda dt: (
        tf.fake_quant_with_min_max_vars_per_channel(_c(tf.float32), [-1.0] * 3, [1.0] * 3))),
    "FakeQuantWithMinMaxVarsPerChannelGradient": _row(None, lambda dt: list(
        tf.fake_quant_with_min_max_vars_per_channel_gradient(
            _c(tf.float32), _c(tf.float32), [-1.0] * 3, [1.0] * 3))),
    "SerializeSparse": _row("T", lambda dt: tf.serialize_sparse(_sparse(dt))),
    "SerializeManySparse": _row("T", lambda dt: tf.serialize_many_sparse(_sparse(dt))),
    "DeserializeManySparse": _row("dtype", lambda dt: list(tf.deserialize_many_sparse(
        tf.serialize_many_sparse(_sparse(dt)), dt))),
    "UnsortedSegmentJoin": _row("Tindices", lambda dt: tf.strings.unsorted_segment_join(
        _strings(), tf.constant([1, 0], dt), tf.constant(2, dt))),
    "UnicodeEncode": _row(None, lambda dt: tf.strings.unicode_encode([[104, 105]], "UTF-8")),
    "UnicodeTranscode": _row(None, lambda dt: tf.strings.unicode_transcode(
        _strings(), "UTF-8", "UTF-16-BE")),
    "UnicodeDecode": _row(None, lambda dt: tf.strings.unicode_decode(
        _strings(), "UTF-8").flat_values),
    "UnicodeDecodeWithOffsets": _row(None, lambda dt: [
        part.flat_values for part in tf.strings.unicode_decode_with_offsets(
            _strings(), "UTF-8")]),
    "UnicodeScript": _row(None, lambda dt: tf.strings.unicode_script([65, 0x4E00])),
    "RngReadAndSkip": _row(None, lambda dt: _generator().skip(3)),
    "StatelessRandomUniformV2": _row("dtype", lambda dt: _generator().uniform([2], dtype=dt)),
    "StatelessRandomNormalV2": _row("dtype", lambda dt: _generator().normal([2], dtype=dt)),
    "StatelessTruncatedNormalV2": _row("dtype", lambda dt: _generator().truncated_normal(
        [2], dtype=dt)),
    "StatelessRandomUniformIntV2": _row("dtype", lambda dt: _generator().uniform(
        [2], minval=0, maxval=5, dtype=dt)),
    "StatelessRandomUniformFullIntV2": _row("dtype", lambda dt: _generator().uniform_full_int(
        [2], dtype=dt)),
    "Timestamp": _row(None, lambda dt: tf.stack([tf.timestamp()])),
    "Complex": _row("T", lambda dt: tf.complex(_c(dt), _c(dt))),
    "Real": _row("T", lambda dt: tf.real(_c(dt))),
    "Imag": _row("T", lambda dt: tf.imag(_c(dt))),
    "Angle": _row("T", lambda dt: tf.angle(_c(dt))),
    "ComplexAbs": _row("T", lambda dt: tf.abs(_c(dt))),
    "Conj": _row("T", lambda dt: tf.conj(_c(dt))),
    **{op: _row("Tcomplex", lambda dt, fn=fn: fn(_c(dt, np.ones((2, 2, 2)))))
       for op, fn in (("FFT", tf.fft), ("IFFT", tf.ifft), ("FFT2D", tf.fft2d),
                      ("IFFT2D", tf.ifft2d), ("FFT3D", tf.fft3d), ("IFFT3D", tf.ifft3d))},
    **{op: _row(None, lambda dt, fn=fn, real=real: fn(_c(tf.complex64 if real else tf.float32,
                                                          np.ones((2, 2, 4)))))
       for op, fn, real in (("RFFT", tf.signal.rfft, False), ("IRFFT", tf.signal.irfft, True),
                            ("RFFT2D", tf.signal.rfft2d, False),
                            ("IRFFT2D", tf.signal.irfft2d, True),
                            ("RFFT3D", tf.signal.rfft3d, False),
                            ("IRFFT3D", tf.signal.irfft3d, True))},
})


# The op families whose every op type must declare a signature. Another family joins by
# declaring all its ops (``signature=`` in each register_op call, one row each above) and
# adding its module here; until then its ops are built without dtype checks.

_SPD = [[4, 2], [2, 3]]  # symmetric positive definite: every linear-algebra op accepts it


class _Discard:
    def write(self, text):
        pass


_DISCARD = _Discard()


def _summary(fn, *args):
    pytest.importorskip("tensorboard", reason="summaries need the tensorboard extra")
    return fn(*args)


def _mpi():
    pytest.importorskip("mpi4py", reason="MPI collectives need the mpi extra")
    import smallflow.distribute as distribute

    distribute.init()
    return distribute


def _mpi_grad(collective):
    x = _c(tf.float32)
    return tf.gradients(collective(x), x, grad_ys=_c(tf.float32))[0]


_FOLDER = tempfile.TemporaryDirectory(prefix="smallflow-signatures-")  # removed at exit


def _records_written():
    writer = tf.data.experimental.TFRecordWriter(f"{_FOLDER.name}/records.tfrecord")
    return writer.write(tf.data.Dataset.from_tensor_slices(tf.constant(["a", "b"])))


def _written(dtype):
    return tf.TensorArray(dtype, size=2).write(0, _c(dtype)).write(1, _c(dtype))


def _dequeued(dtype):
    queue = tf.FIFOQueue(1, dtype)
    with tf.control_dependencies([queue.enqueue(_c(dtype))]):
        return queue.dequeue()


def _reader_read():
    filenames = tf.FIFOQueue(1, tf.string)
    with tf.control_dependencies([filenames.enqueue(__file__)]):
        close = filenames.close()
    with tf.control_dependencies([close]):
        return tf.TextLineReader().read(filenames)


def _protobuf():
    """Skip the row without protobuf (the tensorboard extra): Example parsing needs it."""
    pytest.importorskip("google.protobuf", reason="tf.train.Example needs protobuf")


def _parse_example():
    _protobuf()
    example = tf.train.Example(features=tf.train.Features(feature={
        "x": tf.train.Feature(float_list=tf.train.FloatList(value=[1.0])),
        "s": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"a"])),
        "n": tf.train.Feature(int64_list=tf.train.Int64List(value=[3, 4]))}))
    parsed = tf.parse_example([example.SerializeToString()], {
        "x": tf.FixedLenFeature([1], tf.float32), "s": tf.FixedLenFeature([1], tf.string),
        "n": tf.VarLenFeature(tf.int64)})
    return [parsed["x"], parsed["s"], *parsed["n"]]


# Our own op types that TensorFlow has no counterpart for and whose inputs and outputs carry
# values of any dtype by construction: they declare no signature.
UNTYPED_INTERNAL_OPS = {
    "If": "runs a cond branch sub-graph; its inputs are whatever the branches capture "
          "(TF1 builds Switch/Merge for tf.cond)",
    "While": "runs a while_loop body sub-graph; inputs are the loop variables and captures "
             "(TF1 builds Enter/Merge/Switch/NextIteration/Exit)",
    "WhileGrad": "runs the gradient of a While body over its recorded iterations",
    "LoopVar": "the stand-in for a loop variable inside a body sub-graph (of the variable's "
               "dtype), never run outside the While that feeds it",
    "ControlFlowValue": "reads a value recorded inside a branch or loop for a gradient",
    "TensorArrayGradRead": "TensorArray gradient plumbing (TF1 uses TensorArrayGradV3 "
                           "handles instead)",
}
# A graph TensorFlow wrote imports with its Saver's ops; they raise UnimplementedError if run.
for _name in ("SaveV2", "RestoreV2", "MergeV2Checkpoints", "ShardedFilename"):
    UNTYPED_INTERNAL_OPS[_name] = ("TensorFlow's checkpoint ops, present so that graphs "
                                   "TensorFlow wrote import; running one is an error")
for _kind in ("Write", "Unstack", "Scatter", "Stack", "Gather", "Split", "Concat"):
    UNTYPED_INTERNAL_OPS[f"TensorArrayGrad{_kind}"] = UNTYPED_INTERNAL_OPS["TensorArrayGradRead"]


# TensorFlow 1.x's control flow and the ops of the gradient loops it writes, present so that
# graphs TensorFlow wrote import (ops/tf1_control_flow_ops.py); the dataflow executor runs them.
for _name in ("Switch", "RefSwitch", "Merge", "RefMerge", "Enter", "RefEnter", "Exit",
              "RefExit", "NextIteration", "RefNextIteration", "LoopCond", "ControlTrigger"):
    UNTYPED_INTERNAL_OPS[_name] = ("TensorFlow 1.x's control-flow primitives, typed by the "
                                   "GraphDef TensorFlow wrote; run by the dataflow executor")
for _name in ("StackV2", "StackPushV2", "StackPopV2", "StackCloseV2", "SigmoidGrad",
              "TanhGrad", "ConcatOffset"):
    UNTYPED_INTERNAL_OPS[_name] = ("ops of the gradient graphs TensorFlow 1.x writes, typed by "
                                   "the GraphDef; smallflow's own gradients never build them")
for _kind in ("", "Grad", "Write", "Read", "Gather", "Scatter", "Size", "Concat", "Split",
              "Close"):
    UNTYPED_INTERNAL_OPS[f"HandleTensorArray{_kind}V3"] = (
        "TensorFlow's TensorArray ops passing a handle (smallflow's TensorArrayV3 passes the "
        "array as a value): imported from graphs TensorFlow wrote")
UNTYPED_INTERNAL_OPS["PartitionedCall"] = ("calls a traced tf.function: its inputs and outputs "
                                           "are the trace's, typed when it was traced")
UNTYPED_INTERNAL_OPS["StatefulPartitionedCall"] = UNTYPED_INTERNAL_OPS["PartitionedCall"]
# Defun registers an op type per traced function, typed as the call ops above.
DEFUN_MODULE = "smallflow.python.framework.function"


def test_every_op_type_declares_a_signature():
    """Every registered op type checks its dtypes when built, like TensorFlow's op defs."""
    missing = sorted(name for name, op_def in OP_DEFS.items()
                     if op_def.signature is None and name not in UNTYPED_INTERNAL_OPS
                     and OP_DEFS.where(name) != DEFUN_MODULE)
    assert missing == [], "op types without a signature (add signature= to register_op)"


def test_untyped_internal_ops_are_registered_and_untyped():
    for name in UNTYPED_INTERNAL_OPS:
        assert name in OP_DEFS, f"{name} is allowed to be untyped but is not registered"
        assert OP_DEFS.lookup(name).signature is None, f"{name} has a signature now"


def test_every_declared_op_type_has_a_dtype_row():
    declared = {name for name, op_def in OP_DEFS.items() if op_def.signature is not None}
    assert sorted(declared - set(ROWS)) == []
    assert sorted(set(ROWS) - set(OP_DEFS)) == []


def _dtypes_of(op_type):
    """The dtypes the op is built and run with: declared, and with a kernel."""
    attr, _ = ROWS[op_type]
    sig = OP_DEFS.lookup(op_type).signature
    allowed = sig.allowed(attr) if attr else (None,)
    allowed = tf.dtypes._ALL if allowed is None else allowed
    kernels = sig.kernel_types.get(attr) if attr else None
    return [d for d in allowed if kernels is None or d in kernels]


@pytest.mark.parametrize(("build", "op_type"), [
    (lambda: tf.unique(tf.constant([1j, 1j])), "Unique"),
    (lambda: tf.searchsorted(tf.constant([[True]]), tf.constant([[False]])), "SearchSorted"),
    (lambda: tf.realdiv(tf.constant(1), tf.constant(2)), "RealDiv"),
    (lambda: tf.reciprocal(tf.constant([2])), "Reciprocal"),
])
def test_declared_types_without_a_kernel_fail_when_run(build, op_type):
    """As in TensorFlow: the graph builds; running it reports the missing kernel."""
    with tf.Graph().as_default():
        out = build()
        with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                                 match=f"No OpKernel .* '{op_type}'"):
            sess.run(out)


def _check_one(op_type, dtype):
    _, build = ROWS[op_type]
    with tf.Graph().as_default():
        built = build(dtype)
        fetches, feed = built if isinstance(built, tuple) else (built, None)
        tensors = fetches if isinstance(fetches, list) else [fetches]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            values = sess.run(tensors, feed)
    for tensor, value in zip(tensors, values, strict=True):
        if isinstance(tensor, tf.Operation):
            assert value is None
            continue
        assert tensor.op.type == op_type or op_type in {o.type for o in _ops_below(tensor)}
        expected = np.dtype(tensor.dtype.base_dtype.as_numpy_dtype)
        if tensor.dtype == tf.string and isinstance(value, bytes):
            continue  # a string scalar is fetched as bytes, as in TensorFlow
        assert np.asarray(value).dtype == expected, (
            f"{op_type}[{dtype}]: declared {tensor.dtype.name}, got {np.asarray(value).dtype}"
        )


@pytest.mark.parametrize("op_type", sorted(ROWS))
def test_session_returns_the_declared_dtype(op_type):
    # One test per op type, every dtype its signature allows (one graph each).
    if op_type not in OP_DEFS:
        pytest.fail(f"{op_type} has a row but is not registered")
    for dtype in _dtypes_of(op_type):
        _check_one(op_type, dtype)


def _ops_below(tensor):
    seen = set()
    stack = [tensor.op]
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        stack.extend(t.op for t in op.inputs)
        stack.extend(op.control_inputs)
    return seen


def _value_table(dtype):
    keys = tf.constant([0, 1], tf.int64)
    init = tf.contrib.lookup.KeyValueTensorInitializer(keys, _c(dtype, [1, 2]))
    return tf.contrib.lookup.HashTable(init, _c(dtype, [0])[0])


def _looked_up(dtype):
    table = _value_table(dtype)
    with tf.control_dependencies([table.initializer]):
        return table.lookup(tf.constant([1, 5], tf.int64))


def _file_table_init():
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as handle:
        handle.write("a\nb\n")
    return tf.contrib.lookup.index_table_from_file(path).initializer


def _initialize_table_v2(dtype):
    # TF 1.x's older initializer op (graphs read from files build it).
    from smallflow.ops import lookup_ops

    handle = tf.contrib.lookup.HashTable(tf.contrib.lookup.KeyValueTensorInitializer(
        tf.constant([0], tf.int64), _c(dtype, [1])), _c(dtype, [0])[0]).resource_handle
    return lookup_ops.initialize_table(handle, tf.constant([5, 6], tf.int64), _c(dtype, [1, 2]))


def _table_size():
    table = _value_table(tf.int64)
    with tf.control_dependencies([table.initializer]):
        return table.size()


ROWS.update({
    "HashTableV2": _row(None, lambda dt: _value_table(tf.int32).resource_handle),
    "InitializeTableV2": _row("Tval", lambda dt: _initialize_table_v2(dt)),
    "LookupTableImportV2": _row("Tout", lambda dt: _value_table(dt).initializer),
    "InitializeTableFromTextFileV2": _row(None, lambda dt: _file_table_init()),
    "LookupTableFindV2": _row("Tout", _looked_up),
    "LookupTableSizeV2": _row(None, lambda dt: _table_size()),
})


def _accumulated(dtype):
    accumulator = tf.ConditionalAccumulator(dtype)
    with tf.control_dependencies([accumulator.apply_grad(_c(dtype))]):
        return accumulator.take_grad(1)


ROWS.update({
    "ConditionalAccumulator": _row(None, lambda dt: tf.ConditionalAccumulator(
        tf.float32).accumulator_ref),
    "AccumulatorApplyGradient": _row("dtype", lambda dt: tf.ConditionalAccumulator(
        dt).apply_grad(_c(dt))),
    "AccumulatorTakeGradient": _row("dtype", _accumulated),
    "AccumulatorNumAccumulated": _row(None, lambda dt: tf.ConditionalAccumulator(
        tf.float32).num_accumulated()),
    "AccumulatorSetGlobalStep": _row(None, lambda dt: tf.ConditionalAccumulator(
        tf.float32).set_global_step(3)),
})


def _set(dtype, values):
    return _c(dtype, np.array(values))


ROWS.update({  # tf.sets (session 11)
    "DenseToDenseSetOperation": _row("T", lambda dt: list(tf.sets.union(
        _set(dt, [[1, 2]]), _set(dt, [[2, 3]])))),
    "DenseToSparseSetOperation": _row("T", lambda dt: list(tf.sets.intersection(
        _set(dt, [[1, 2]]), tf.SparseTensor([[0, 0]], _set(dt, [2]), [1, 2])))),
    "SparseToSparseSetOperation": _row("T", lambda dt: list(tf.sets.difference(
        tf.SparseTensor([[0, 0]], _set(dt, [1]), [1, 2]),
        tf.SparseTensor([[0, 0]], _set(dt, [2]), [1, 2])))),
    "SetSize": _row("T", lambda dt: tf.sets.size(
        tf.SparseTensor([[0, 0], [0, 1]], _set(dt, [1, 2]), [1, 2]))),
})


def _audio_ops():
    from smallflow.contrib.framework.python.ops import audio_ops

    return audio_ops


ROWS.update({  # audio ops (session 12)
    "DecodeWav": _row(None, lambda dt: list(tf.audio.decode_wav(tf.constant(b"")))),
    "EncodeWav": _row(None, lambda dt: tf.audio.encode_wav(tf.zeros([4, 1]), 8000)),
    "AudioSpectrogram": _row(None, lambda dt: _audio_ops().audio_spectrogram(
        tf.zeros([16, 1]), window_size=4, stride=2)),
    "Mfcc": _row(None, lambda dt: _audio_ops().mfcc(tf.ones([1, 2, 129]), 8000)),
})


ROWS.update({  # tf.quantization (session 12, names)
    "QuantizeAndDequantizeV2": _row("T", lambda dt: tf.quantization.quantize_and_dequantize(
        _c(dt), 0.0, 0.0)),
})


def _combined_nms():
    boxes = tf.constant(np.array([[[[0, 0, 1, 1]], [[0, 0, 0.9, 1]]]], np.float32))
    scores = tf.constant(np.array([[[0.9], [0.8]]], np.float32))
    return list(tf.image.combined_non_max_suppression(boxes, scores, 2, 2))


def _dilation_backprop(op_type, dtype):
    x = tf.constant(np.arange(18).reshape(1, 3, 3, 2).astype(dtype.as_numpy_dtype))
    kernel = tf.constant(np.ones([2, 2, 2], dtype.as_numpy_dtype))
    grad = tf.constant(np.ones([1, 3, 3, 2], dtype.as_numpy_dtype))
    attrs = {"strides": [1, 1, 1, 1], "rates": [1, 1, 1, 1], "padding": "SAME"}
    return make_op(op_type, [x, kernel, grad], [dtype], attrs).outputs[0]


ROWS.update({  # morphology and combined NMS (session 12, names)
    "Dilation2D": _row("T", lambda dt: tf.nn.dilation2d(
        tf.reshape(_c(dt), [1, 2, 3, 1]), tf.reshape(_c(dt, [[1, 0]]), [1, 2, 1]),
        [1, 1, 1, 1], [1, 1, 1, 1], "SAME")),
    "Dilation2DBackpropInput": _row("T", lambda dt: _dilation_backprop(
        "Dilation2DBackpropInput", dt)),
    "Dilation2DBackpropFilter": _row("T", lambda dt: _dilation_backprop(
        "Dilation2DBackpropFilter", dt)),
    "CombinedNonMaxSuppression": _row(None, lambda dt: _combined_nms()),
})


def _quantized(dtype):
    q = tf.quantization.quantize(_c(tf.float32), 0.0, 6.0, dtype)
    return [*q, tf.quantization.dequantize(q.output, q.output_min, q.output_max)]


ROWS.update({  # quantize / dequantize (session 12, names)
    "QuantizeV2": _row("T", _quantized),
    "Dequantize": _row("T", _quantized),
})


def _boosted_trees(op_type, out_types, *inputs):
    """The BoostedTrees estimators' ops on an empty ensemble and one int32 feature."""
    from smallflow.estimator import boosted_trees

    hparams = boosted_trees._TreeHParams(1, 2, 0.1, 0.0, 0.0, 0.0, 0.0, False, "none")
    attrs = {"hparams": hparams, "bucket_sizes": [2], "train_in_memory": True,
             "n_batches_per_layer": 1}
    ensemble = tf.constant(b"")
    feature = tf.constant([0, 1])
    op = make_op(op_type, [ensemble, *inputs, feature], out_types, attrs)
    return list(op.outputs)


ROWS.update({  # tf.estimator.BoostedTrees* (session 12)
    "SmallflowBoostedTreesPredict": _row(None, lambda dt: _boosted_trees(
        "SmallflowBoostedTreesPredict", [tf.float32, tf.int32])),
    "SmallflowBoostedTreesDebugPaths": _row(None, lambda dt: _boosted_trees(
        "SmallflowBoostedTreesDebugPaths", [tf.string])),
    "SmallflowBoostedTreesUpdate": _row(None, lambda dt: _boosted_trees(
        "SmallflowBoostedTreesUpdate", [tf.string], tf.constant([0, 0]),
        tf.constant([[0.5], [-0.5]]), tf.constant([[0.25], [0.25]]))),
    "SmallflowBoostedTreesStates": _row(None, lambda dt: list(make_op(
        "SmallflowBoostedTreesStates", [tf.constant(b"")], [tf.int32] * 3).outputs)),
})


def _cudnn_lstm_graph(dt):
    """A cuDNN LSTM and its gradient (the three cuDNN op types)."""
    outputs, _ = tf.contrib.cudnn_rnn.CudnnLSTM(1, 2, dtype=dt)(tf.zeros([3, 2, 4], dt))
    return tf.gradients(tf.reduce_sum(outputs), outputs.op.inputs[0])


# tf.contrib.cudnn_rnn (session 12): declared with GPU kernels only, so no dtype runs here
# (tests/test_compat_session12_contrib_rnn.py checks the error). Naming the module registers
# the ops whatever the test order.
_ = tf.contrib.cudnn_rnn
ROWS.update({op: _row("T", _cudnn_lstm_graph)
             for op in ("CudnnRNNCanonicalToParams", "CudnnRNNV3", "CudnnRNNBackpropV3")})


def _forest_ops(op_type):
    """tf.contrib.tensor_forest's ops on an empty tree of a 2-class, 2-feature forest."""
    from smallflow.contrib.tensor_forest import forest_core, forest_ops
    from smallflow.contrib.tensor_forest.python import tensor_forest

    params = tensor_forest.ForestHParams(num_classes=2, num_features=2, num_trees=1).fill()
    tree = tf.constant(forest_core.Tree(2).to_bytes())
    data = tf.constant([[0.5, 1.5]])
    if op_type == "SmallflowForestTrain":
        return [forest_ops.train_tree(tree, data, [1.0], None, params, 1)]
    if op_type == "SmallflowForestPredict":
        return list(forest_ops.tree_predictions(tree, data, params))
    if op_type == "SmallflowForestSize":
        return [forest_ops.tree_size(tree, params)]
    return [forest_ops.feature_usage_counts(tree, params)]


ROWS.update({op: _row(None, lambda dt, op=op: _forest_ops(op))  # tensor_forest (session 15)
             for op in ("SmallflowForestTrain", "SmallflowForestPredict", "SmallflowForestSize",
                        "SmallflowForestFeatureUsage")})


def _gbdt_ops(op_type):
    """tf.contrib.boosted_trees's ops on an empty ensemble and two examples of one feature."""
    from smallflow.contrib.boosted_trees import gbdt_core, gbdt_ops

    ensemble = tf.constant(b"")
    features = tf.constant([[0.5], [1.5]])
    if op_type == "SmallflowGbdtPredict":
        return list(gbdt_ops.predict(ensemble, features, 1, False))
    if op_type == "SmallflowGbdtStats":
        return list(gbdt_ops.ensemble_stats(ensemble).values())
    config = {"strategy": gbdt_core.TREE_PER_CLASS, "l1": 0.0, "l2": 0.0,
              "tree_complexity": 0.0, "min_node_weight": 0.0, "max_tree_depth": 2,
              "growing_mode": gbdt_core.LAYER_BY_LAYER, "pruning_mode": gbdt_core.POST_PRUNE,
              "learning_rate": 0.1, "center_bias": False, "num_quantiles": 100,
              "dimension": 1}
    return list(gbdt_ops.train_step(
        ensemble, tf.constant(b""), tf.constant([0, 0]), tf.constant([[0.5], [-0.5]]),
        tf.constant([[0.25], [0.25]]), features, tf.constant([0.0]), tf.constant([0.0]),
        tf.constant(2, tf.int64), config))


ROWS.update({op: _row(None, lambda dt, op=op: _gbdt_ops(op))  # contrib.boosted_trees (s. 16)
             for op in ("SmallflowGbdtPredict", "SmallflowGbdtStats", "SmallflowGbdtTrain")})


def _fractional(op_type, dtype):
    from smallflow.python.ops import gen_nn_ops

    x = _c(dtype, np.arange(1, 26).reshape(1, 5, 5, 1))
    pool = tf.nn.fractional_max_pool if "Max" in op_type else tf.nn.fractional_avg_pool
    out, rows, cols = pool(x, [1, 1.5, 1.5, 1], deterministic=True, seed=1, seed2=2)
    if op_type == "FractionalMaxPoolGrad":
        return gen_nn_ops.fractional_max_pool_grad(x, out, out, rows, cols)
    if op_type == "FractionalAvgPoolGrad":
        return gen_nn_ops.fractional_avg_pool_grad(tf.shape(x, out_type=tf.int64), out, rows,
                                                   cols)
    return [out, rows, cols]


ROWS.update({op: _row("T", lambda dt, op=op: _fractional(op, dt))  # session 15 (cops)
             for op in ("FractionalMaxPool", "FractionalAvgPool", "FractionalMaxPoolGrad",
                        "FractionalAvgPoolGrad")})


def _components(dtype):
    from smallflow.contrib.image_components import connected_components

    values = np.array([[[1, 0, 1], [1, 0, 0], [0, 2, 2]]])
    if dtype == tf.string:
        return connected_components(tf.constant(values.astype(str).astype(object)))
    return connected_components(tf.cast(tf.constant(values), dtype))


ROWS.update({"ImageConnectedComponents": _row("dtype", _components)})  # session 15 (cops)
