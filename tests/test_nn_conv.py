"""Specification of tf.nn's convolution, pooling, bias, loss and ranking ops (graph level).

Forward results are compared with direct loop implementations written from TensorFlow's
documented rules; gradients with numeric Jacobians (smallflow.gradient_checker).
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smallflow as tf
from smallflow import errors
from smallflow.gradient_checker import compute_gradient_error
from smallflow.ops import nn_ops

RNG = np.random.default_rng(20240505)


# -- reference implementations: loops over outputs and taps, padding as bounds checks ----------


def ref_geometry(size, k, stride, padding):
    """(output size, padding before) from TensorFlow's documented formulas."""
    if padding == "VALID":
        return math.ceil((size - k + 1) / stride), 0
    out = math.ceil(size / stride)
    return out, max((out - 1) * stride + k - size, 0) // 2


def ref_windows(x_hw, k_hw, strides, padding):
    """Output size and, for each output (i, j), the in-bounds taps (di, dj, row, col)."""
    (h, w), (kh, kw), (sh, sw) = x_hw, k_hw, strides
    out_h, top = ref_geometry(h, kh, sh, padding)
    out_w, left = ref_geometry(w, kw, sw, padding)
    taps = {}
    for i in range(out_h):
        for j in range(out_w):
            taps[i, j] = [
                (di, dj, i * sh + di - top, j * sw + dj - left)
                for di in range(kh)
                for dj in range(kw)
                if 0 <= i * sh + di - top < h and 0 <= j * sw + dj - left < w
            ]
    return (out_h, out_w), taps


def ref_conv2d(x, w, strides, padding):
    (out_h, out_w), taps = ref_windows(x.shape[1:3], w.shape[:2], strides, padding)
    out = np.zeros((x.shape[0], out_h, out_w, w.shape[3]))
    for (i, j), window in taps.items():
        for di, dj, r, c in window:
            out[:, i, j] += x[:, r, c].astype(np.float64) @ w[di, dj]
    return out


def ref_pool(x, ksize, strides, padding, reduce):
    (out_h, out_w), taps = ref_windows(x.shape[1:3], ksize, strides, padding)
    out = np.zeros((x.shape[0], out_h, out_w, x.shape[3]))
    for (i, j), window in taps.items():
        values = np.stack([x[:, r, c] for _, _, r, c in window])
        out[:, i, j] = reduce(values.astype(np.float64), axis=0)
    return out


def run(fetches, feed_dict=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed_dict)


# -- forward against the references ------------------------------------------------------------

# (input [n, h, w, c], filter or window (kh, kw), strides (sh, sw))
GEOMETRIES = [
    ((2, 7, 7, 3), (3, 3), (1, 1)),
    ((1, 8, 6, 2), (5, 5), (1, 1)),
    ((2, 7, 9, 1), (3, 2), (2, 2)),
    ((1, 10, 10, 2), (4, 4), (3, 3)),
    ((1, 6, 7, 3), (1, 1), (2, 3)),
    ((1, 5, 5, 2), (5, 5), (2, 1)),
    ((3, 4, 4, 1), (2, 2), (2, 2)),
]


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
@pytest.mark.parametrize(("x_shape", "k_hw", "strides"), GEOMETRIES)
def test_conv2d_matches_the_direct_loop(x_shape, k_hw, strides, padding):
    x = RNG.standard_normal(x_shape).astype(np.float32)
    w = RNG.standard_normal((*k_hw, x_shape[3], 4)).astype(np.float32)

    y = tf.nn.conv2d(tf.constant(x), tf.constant(w), [1, *strides, 1], padding)
    value = run(y)

    expected = ref_conv2d(x, w, strides, padding)
    assert value.dtype == np.float32
    assert y.shape.as_list() == list(expected.shape)
    np.testing.assert_allclose(value, expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
@pytest.mark.parametrize(("x_shape", "k_hw", "strides"), GEOMETRIES)
def test_pooling_matches_the_direct_loop(x_shape, k_hw, strides, padding):
    x = RNG.standard_normal(x_shape).astype(np.float32) - 3.0  # all negative: padding must lose
    window = dict(ksize=[1, *k_hw, 1], strides=[1, *strides, 1], padding=padding)

    maximum, mean = run([tf.nn.max_pool(x, **window), tf.nn.avg_pool(x, **window)])

    np.testing.assert_array_equal(maximum, ref_pool(x, k_hw, strides, padding, np.max))
    np.testing.assert_allclose(mean, ref_pool(x, k_hw, strides, padding, np.mean), rtol=1e-5)
    assert maximum.dtype == mean.dtype == np.float32


@settings(max_examples=25, deadline=None)
@given(
    size=st.tuples(st.integers(1, 9), st.integers(1, 9)),
    k_hw=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    strides=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    padding=st.sampled_from(["SAME", "VALID"]),
)
def test_conv2d_and_max_pool_match_the_loops_for_any_geometry(size, k_hw, strides, padding):
    if padding == "VALID" and (k_hw[0] > size[0] or k_hw[1] > size[1]):
        return
    rng = np.random.default_rng(size[0] * 100 + size[1])
    x = rng.standard_normal((2, *size, 2))
    w = rng.standard_normal((*k_hw, 2, 3))
    with tf.Graph().as_default():
        conv = tf.nn.conv2d(x, w, [1, *strides, 1], padding)
        pool = tf.nn.max_pool(x, [1, *k_hw, 1], [1, *strides, 1], padding)
        conv_value, pool_value = run([conv, pool])
    np.testing.assert_allclose(conv_value, ref_conv2d(x, w, strides, padding), atol=1e-12)
    np.testing.assert_array_equal(pool_value, ref_pool(x, k_hw, strides, padding, np.max))


def test_same_padding_puts_the_smaller_half_before():
    # 4 wide, 2-wide window, stride 1: one column of padding in total, after the input.
    x = np.arange(4, dtype=np.float32).reshape(1, 1, 4, 1)
    w = np.ones((1, 2, 1, 1), dtype=np.float32)
    y = run(tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME"))
    np.testing.assert_array_equal(y.ravel(), [1, 3, 5, 3])


def test_avg_pool_same_divides_by_the_real_elements_only():
    x = np.ones((1, 3, 3, 1), dtype=np.float32)
    y = run(tf.nn.avg_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME"))
    np.testing.assert_array_equal(y, np.ones((1, 2, 2, 1)))


def test_max_pool_gradient_goes_to_the_first_maximum_of_a_tie():
    x = tf.constant(np.array([[5, 5], [5, 1]], dtype=np.float32).reshape(1, 2, 2, 1))
    y = tf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    (grad,) = tf.gradients(y, x)
    np.testing.assert_array_equal(run(grad).reshape(2, 2), [[1, 0], [0, 0]])


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_nchw_gives_the_nhwc_results_transposed(padding):
    x = RNG.standard_normal((2, 7, 6, 3)).astype(np.float32)
    w = RNG.standard_normal((3, 2, 3, 4)).astype(np.float32)
    b = RNG.standard_normal(4).astype(np.float32)
    x_nchw = tf.constant(x.transpose(0, 3, 1, 2))

    def both(layout_x, data_format, strides):
        conv = tf.nn.conv2d(layout_x, w, strides, padding, data_format=data_format)
        biased = tf.nn.bias_add(conv, b, data_format=data_format)
        pooled = tf.nn.max_pool(biased, 2, 2, padding, data_format=data_format)
        averaged = tf.nn.avg_pool(biased, 3, 1, padding, data_format=data_format)
        (grad,) = tf.gradients(tf.reduce_sum(pooled * pooled) + tf.reduce_sum(averaged),
                               layout_x)
        return [biased, pooled, averaged, grad]

    nhwc = run(both(tf.constant(x), "NHWC", [1, 2, 1, 1]))
    nchw = run(both(x_nchw, "NCHW", [1, 1, 2, 1]))
    for a, b_ in zip(nhwc, nchw):
        np.testing.assert_allclose(a, b_.transpose(0, 2, 3, 1), rtol=1e-5, atol=1e-5)


# -- static shapes -----------------------------------------------------------------------------

# (input shape, filter shape, strides, padding, expected output shape)
CONV_SHAPES = [
    ([None, 28, 28, 1], [5, 5, 1, 32], [1, 1, 1, 1], "SAME", [None, 28, 28, 32]),
    ([None, 14, 14, 32], [5, 5, 32, 64], [1, 1, 1, 1], "SAME", [None, 14, 14, 64]),
    ([None, 28, 28, 1], [5, 5, 1, 8], [1, 2, 2, 1], "VALID", [None, 12, 12, 8]),
    ([4, 28, 27, 1], [3, 3, 1, 2], [1, 3, 2, 1], "SAME", [4, 10, 14, 2]),
    ([None, None, None, 3], [3, 3, 3, 2], [1, 1, 1, 1], "SAME", [None, None, None, 2]),
    (None, [3, 3, 3, 2], [1, 1, 1, 1], "VALID", [None, None, None, 2]),
    ([2, 9, 9, None], [3, 3, 3, None], [1, 2, 2, 1], "VALID", [2, 4, 4, None]),
]


@pytest.mark.parametrize(("x_shape", "w_shape", "strides", "padding", "expected"), CONV_SHAPES)
def test_conv2d_static_shape(x_shape, w_shape, strides, padding, expected):
    x = tf.placeholder(tf.float32, x_shape)
    w = tf.placeholder(tf.float32, w_shape)
    assert tf.nn.conv2d(x, w, strides, padding).shape.as_list() == expected


# (input shape, ksize, strides, padding, expected output shape)
POOL_SHAPES = [
    ([None, 28, 28, 32], 2, 2, "SAME", [None, 14, 14, 32]),
    ([None, 7, 7, 64], 2, 2, "SAME", [None, 4, 4, 64]),
    ([None, 7, 7, 64], 2, 2, "VALID", [None, 3, 3, 64]),
    ([1, 9, 5, 2], [3, 2], [2, 1], "VALID", [1, 4, 4, 2]),
    ([1, 9, None, 2], [1, 3, 3, 1], [1, 3, 3, 1], "SAME", [1, 3, None, 2]),
]


@pytest.mark.parametrize(("x_shape", "ksize", "strides", "padding", "expected"), POOL_SHAPES)
def test_pool_static_shape(x_shape, ksize, strides, padding, expected):
    x = tf.placeholder(tf.float32, x_shape)
    assert tf.nn.max_pool(x, ksize, strides, padding).shape.as_list() == expected
    assert tf.nn.avg_pool(x, ksize, strides, padding).shape.as_list() == expected


def test_nchw_static_shapes():
    x = tf.placeholder(tf.float32, [None, 3, 28, 28])
    y = tf.nn.conv2d(x, tf.zeros([5, 5, 3, 8]), [1, 1, 2, 2], "VALID", data_format="NCHW")
    assert y.shape.as_list() == [None, 8, 12, 12]
    pooled = tf.nn.max_pool(y, [1, 1, 2, 2], [1, 1, 2, 2], "SAME", data_format="NCHW")
    assert pooled.shape.as_list() == [None, 8, 6, 6]


def test_gradient_ops_have_the_static_shapes_of_the_inputs():
    x = tf.placeholder(tf.float32, [None, 28, 28, 1])
    w = tf.Variable(tf.zeros([5, 5, 1, 32]))
    y = tf.nn.max_pool(tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME"), 2, 2, "SAME")
    d_x, d_w = tf.gradients(tf.reduce_sum(y), [x, w])
    assert d_x.shape.as_list() == [None, 28, 28, 1]
    assert d_w.shape.as_list() == [5, 5, 1, 32]


# -- gradients ---------------------------------------------------------------------------------


def _check(xs, inits, y, tolerance=1e-6):
    shapes = [list(v.shape) for v in inits]
    error = compute_gradient_error(xs, shapes, y, y.shape.as_list(), x_init_value=inits,
                                   delta=1e-6)
    assert error < tolerance


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
@pytest.mark.parametrize(("x_shape", "k_hw", "strides"), [
    ((2, 5, 5, 2), (3, 3), (1, 1)),
    ((1, 6, 5, 2), (3, 2), (2, 2)),
    ((1, 7, 7, 1), (2, 4), (3, 2)),
])
def test_conv2d_gradients_match_numeric_differences(x_shape, k_hw, strides, padding):
    x = tf.placeholder(tf.float64, x_shape)
    w = tf.placeholder(tf.float64, [*k_hw, x_shape[3], 2])
    y = tf.nn.conv2d(x, w, [1, *strides, 1], padding)
    inits = [RNG.standard_normal(x_shape), RNG.standard_normal((*k_hw, x_shape[3], 2))]
    _check([x, w], inits, y)


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
@pytest.mark.parametrize(("ksize", "strides"), [((2, 2), (2, 2)), ((3, 3), (2, 2)),
                                                ((2, 3), (1, 2))])
def test_pool_gradients_match_numeric_differences(ksize, strides, padding):
    shape = (2, 5, 6, 2)
    x = tf.placeholder(tf.float64, shape)
    window = dict(ksize=[1, *ksize, 1], strides=[1, *strides, 1], padding=padding)
    distinct = RNG.permutation(np.arange(np.prod(shape)) * 0.1).reshape(shape)
    _check([x], [distinct], tf.nn.max_pool(x, **window))
    _check([x], [RNG.standard_normal(shape)], tf.nn.avg_pool(x, **window))


def test_conv2d_input_gradient_can_be_differentiated_again():
    x = tf.placeholder(tf.float64, [1, 5, 5, 2])
    w = tf.placeholder(tf.float64, [3, 3, 2, 2])
    y = tf.nn.conv2d(x, w, [1, 2, 2, 1], "SAME")
    weights = tf.constant(RNG.standard_normal((1, 3, 3, 2)))
    (d_x,) = tf.gradients(tf.reduce_sum(y * y * weights), x)
    inits = [RNG.standard_normal((1, 5, 5, 2)), RNG.standard_normal((3, 3, 2, 2))]
    _check([x, w], inits, d_x, tolerance=1e-5)


def test_nchw_gradients_match_numeric_differences():
    x = tf.placeholder(tf.float64, [1, 2, 5, 4])
    w = tf.placeholder(tf.float64, [3, 2, 2, 3])
    y = tf.nn.conv2d(x, w, [1, 1, 2, 1], "SAME", data_format="NCHW")
    _check([x, w], [RNG.standard_normal((1, 2, 5, 4)), RNG.standard_normal((3, 2, 2, 3))], y)

    distinct = tf.constant(RNG.permutation(np.arange(40) * 0.1).reshape(1, 2, 5, 4))
    pooled = tf.nn.max_pool(distinct, [1, 1, 2, 2], [1, 1, 1, 2], "SAME", data_format="NCHW")
    pooled_shape = pooled.shape.as_list()
    upstream = tf.placeholder(tf.float64, pooled_shape)
    (routed,) = tf.gradients(pooled, distinct, grad_ys=upstream)  # MaxPoolGrad
    _check([upstream], [RNG.standard_normal(pooled_shape)], routed)
    second = tf.placeholder(tf.float64, [1, 2, 5, 4])
    (read_back,) = tf.gradients(routed, upstream, grad_ys=second)  # MaxPoolGradGrad
    assert read_back.op.type == "MaxPoolGradGrad"
    _check([second], [RNG.standard_normal((1, 2, 5, 4))], read_back)


def test_training_gradients_stay_float32():
    x = tf.placeholder(tf.float32, [None, 8, 8, 1])
    w = tf.Variable(tf.truncated_normal([3, 3, 1, 4], stddev=0.1))
    b = tf.Variable(tf.constant(0.1, shape=[4]))
    h = tf.nn.max_pool(tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, w, 1, "SAME"), b)), 2, 2,
                       "SAME")
    grads = tf.gradients(tf.nn.l2_loss(h), [w, b])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = sess.run(grads, {x: RNG.random((3, 8, 8, 1))})
    assert [v.dtype for v in values] == [np.float32, np.float32]


# -- bad input ---------------------------------------------------------------------------------


def _conv(x_shape, w_shape, strides=(1, 1, 1, 1), padding="SAME", **kwargs):
    return lambda: tf.nn.conv2d(tf.zeros(x_shape), tf.zeros(w_shape), list(strides), padding,
                                **kwargs)


def _max_pool(x_shape, ksize, strides, padding="SAME", **kwargs):
    return lambda: tf.nn.max_pool(tf.zeros(x_shape), ksize, strides, padding, **kwargs)


BUILD_ERRORS = [
    (_conv([1, 8, 8, 3], [5, 5, 3]), ValueError,
     "Shape must be rank 4 but is rank 3 for 'Conv2D' (op: 'Conv2D') with input shapes: "
     "[1,8,8,3], [5,5,3]."),
    (lambda: tf.nn.conv2d(tf.placeholder(tf.float32, [None, 784]), tf.zeros([5, 5, 1, 32]),
                          [1, 1, 1, 1], "SAME"), ValueError,
     "Shape must be rank 4 but is rank 2 for 'Conv2D' (op: 'Conv2D') with input shapes: "
     "[?,784], [5,5,1,32]."),
    (_conv([1, 8, 8, 3], [5, 5, 1, 32]), ValueError,
     "Dimensions must be equal, but are 3 and 1 for 'Conv2D' (op: 'Conv2D') with input shapes: "
     "[1,8,8,3], [5,5,1,32]."),
    (_conv([1, 4, 4, 1], [5, 5, 1, 2], padding="VALID"), ValueError,
     "Negative dimension size caused by subtracting 5 from 4 for 'Conv2D'"),
    (_conv([1, 8, 8, 1], [3, 3, 1, 2], strides=[2, 1, 1, 1]), ValueError,
     "does not yet support strides in the batch and depth dimensions"),
    (_conv([1, 8, 8, 1], [3, 3, 1, 2], strides=[1, 1, 1, 2]), ValueError,
     "does not yet support strides in the batch and depth dimensions"),
    (_conv([1, 8, 8, 1], [3, 3, 1, 2], strides=[1, 0, 1, 1]), ValueError,
     r"strides must be > 0 in every dimension, but got [1, 0, 1, 1] for 'Conv2D'"),
    (_conv([1, 8, 8, 1], [3, 3, 1, 2], strides=[1, -2, 1, 1]), ValueError,
     "strides must be > 0"),
    (_conv([1, 8, 8, 1], [3, 3, 1, 2], strides=[1, 1, 1]), ValueError,
     "strides should be of length 1, 2 or 4 but was 3"),
    (_conv([1, 8, 8, 1], [3, 3, 1, 2], padding="same"), ValueError,
     """Value for attr 'padding' of "same" is not in the list of allowed values: "SAME", """
     """"VALID" for 'Conv2D'"""),
    (_conv([1, 8, 8, 1], [3, 3, 1, 2], padding=[[0, 0], [1, 1], [1, 1], [0, 0]]), ValueError,
     "Value for attr 'padding' of [[0, 0], [1, 1], [1, 1], [0, 0]] is not in the list"),
    (_conv([1, 8, 8, 1], [3, 3, 1, 2], data_format="NCWH"), ValueError,
     "Invalid data format string: 'NCWH'"),
    (_conv([1, 8, 8, 1], [3, 3, 1, 2], dilations=[1, 2, 2, 1]), ValueError,
     "dilations other than 1 are not supported"),
    (lambda: tf.nn.conv2d(tf.zeros([1, 8, 8, 1]), tf.zeros([3, 3, 1, 2], tf.float64), 1,
                          "SAME"), TypeError,
     "Input 'filter' of 'Conv2D' Op has type float64 that does not match type float32 of "
     "argument 'input'."),
    (lambda: tf.nn.conv2d(tf.zeros([1, 8, 8, 1], tf.int32), tf.zeros([3, 3, 1, 2], tf.int32), 1,
                          "SAME"), TypeError, "DataType int32 not in list of allowed values"),
    (lambda: tf.nn.conv2d(tf.zeros([1, 8, 8, 1]), tf.zeros([3, 3, 1, 2]), 1), ValueError,
     "conv2d needs padding"),
    (_max_pool([1, 4, 4, 1], [1, 5, 5, 1], [1, 1, 1, 1], "VALID"), ValueError,
     "Negative dimension size caused by subtracting 5 from 4 for 'MaxPool' (op: 'MaxPool') "
     "with input shapes: [1,4,4,1]."),
    (_max_pool([1, 4, 4, 1], [2, 2, 2, 1], [1, 2, 2, 1]), ValueError,
     "Pooling is not yet supported on the batch or depth dimension. (ksize = [2, 2, 2, 1])"),
    (_max_pool([1, 4, 4, 2], [1, 2, 2, 1], [1, 2, 2, 2]), ValueError,
     "Pooling is not yet supported on the batch or depth dimension. (strides = [1, 2, 2, 2])"),
    (_max_pool([1, 4, 4, 1], [1, 0, 2, 1], [1, 2, 2, 1]), ValueError,
     "ksize must be > 0 in every dimension, but got [1, 0, 2, 1]"),
    (_max_pool([1, 4, 4, 1], [1, 2, 2, 1], [1, 1, 1, 1, 1]), ValueError,
     "strides should be of length 1, 2 or 4 but was 5 (MaxPool)"),
    (_max_pool([4, 4, 1], 2, 2), ValueError, "Shape must be rank 4 but is rank 3 for 'MaxPool'"),
    (_max_pool([1, 4, 4, 1], 2, 2, padding="FULL"), ValueError,
     """Value for attr 'padding' of "FULL" is not in the list"""),
    (lambda: tf.nn.avg_pool(tf.zeros([1, 3, 3, 1]), 4, 1, "VALID"), ValueError,
     "Negative dimension size caused by subtracting 4 from 3 for 'AvgPool'"),
    (lambda: tf.nn.max_pool(tf.zeros([1, 4, 4, 1]), tf.constant([1, 2, 2, 1]), 2, "SAME"),
     TypeError, "ksize of MaxPool must be a list of ints known when the graph is built"),
    (lambda: tf.nn.bias_add(tf.zeros([2, 10]), tf.zeros([5])), ValueError,
     "Dimensions must be equal, but are 10 and 5 for 'BiasAdd' (op: 'BiasAdd') with input "
     "shapes: [2,10], [5]."),
    (lambda: tf.nn.bias_add(tf.zeros([2, 10]), tf.zeros([1, 10])), ValueError,
     "Shape must be rank 1 but is rank 2 for 'BiasAdd'"),
    (lambda: tf.nn.bias_add(tf.zeros([10]), tf.zeros([10])), ValueError,
     "Shape must be at least rank 2 but is rank 1 for 'BiasAdd'"),
    (lambda: tf.nn.in_top_k(tf.zeros([3]), [0, 1, 2], 1), ValueError,
     "Shape must be rank 2 but is rank 1 for 'in_top_k/InTopKV2'"),
    (lambda: tf.nn.in_top_k(tf.zeros([3, 4]), [0, 1], 1), ValueError,
     "Dimensions must be equal, but are 3 and 2 for 'in_top_k/InTopKV2'"),
    (lambda: tf.nn.in_top_k(tf.zeros([3, 4]), tf.zeros([3]), 1), TypeError,
     "'targets' has DataType float32 not in list of allowed values: int32, int64"),
    (lambda: tf.nn.l2_loss(tf.constant([1, 2])), TypeError, "DataType int32 not in list"),
    (lambda: tf.nn.conv2d_transpose(tf.zeros([1, 3, 3, 4]), tf.zeros([3, 3, 2, 5]),
                                    [1, 6, 6, 2], [1, 2, 2, 1]), ValueError,
     "input channels does not match filter's input channels, 4 != 5"),
]


@pytest.mark.parametrize(("build", "error", "message"), BUILD_ERRORS)
def test_bad_arguments_are_build_time_errors_naming_op_and_shapes(build, error, message):
    with pytest.raises(error) as caught:
        build()
    assert message in str(caught.value)


def test_shapes_known_only_at_run_time_are_checked_by_the_kernel():
    x = tf.placeholder(tf.float32, [None, None, None, None])
    conv = tf.nn.conv2d(x, tf.zeros([3, 3, 1, 2]), [1, 1, 1, 1], "SAME")
    pool = tf.nn.max_pool(x, 5, 1, "VALID")
    with tf.Session() as sess:
        with pytest.raises(errors.InvalidArgumentError, match="Conv2D op 'Conv2D' failed"):
            sess.run(conv, {x: np.zeros((1, 8, 8, 3))})
        with pytest.raises(errors.InvalidArgumentError, match="MaxPool op 'MaxPool' failed"):
            sess.run(pool, {x: np.zeros((1, 4, 4, 1))})


def test_strides_and_ksize_accept_tensorflow_short_forms():
    x = tf.zeros([1, 8, 8, 1])
    assert tf.nn.conv2d(x, tf.zeros([3, 3, 1, 2]), 2, "SAME").op.attrs["strides"] == [1, 2, 2, 1]
    pooled = tf.nn.max_pool(x, [2, 3], (1, 2), "VALID")
    assert pooled.op.attrs["ksize"] == [1, 2, 3, 1]
    assert pooled.op.attrs["strides"] == [1, 1, 2, 1]
    assert pooled.shape.as_list() == [1, 7, 3, 1]


# -- bias_add, l2_loss, in_top_k and friends ---------------------------------------------------


def test_bias_add_adds_along_the_channel_axis():
    value = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    bias = RNG.standard_normal(4).astype(np.float32)
    nchw = RNG.standard_normal((2, 4, 3, 3)).astype(np.float32)
    out, out_nchw = run([tf.nn.bias_add(value, bias),
                         tf.nn.bias_add(nchw, bias, data_format="NCHW")])
    np.testing.assert_array_equal(out, value + bias)
    np.testing.assert_array_equal(out_nchw, nchw + bias[:, None, None])


def test_bias_add_gradient_sums_over_all_but_the_channel_axis():
    grad = RNG.standard_normal((5, 6, 7, 3)).astype(np.float32)
    sums = run(nn_ops.bias_add_grad(tf.constant(grad)))
    np.testing.assert_allclose(sums, grad.sum(axis=(0, 1, 2)), rtol=1e-5, atol=1e-5)
    assert sums.dtype == np.float32


def test_l2_loss_is_half_the_sum_of_squares():
    x = RNG.standard_normal((3, 4)).astype(np.float32)
    value = run(tf.nn.l2_loss(x))
    assert value.dtype == np.float32
    assert value == pytest.approx(float((x.astype(np.float64) ** 2).sum() / 2), rel=1e-6)


# (predictions row(s), targets, k, expected): only strictly larger scores push a target out.
IN_TOP_K = [
    ([[0.1, 0.3, 0.3, 0.2]], [1], 1, [True]),
    ([[0.1, 0.3, 0.3, 0.2]], [2], 1, [True]),
    ([[0.1, 0.3, 0.3, 0.2]], [3], 1, [False]),
    ([[0.1, 0.3, 0.3, 0.2]], [3], 2, [False]),
    ([[0.1, 0.3, 0.3, 0.2]], [3], 3, [True]),
    ([[0.1, 0.3, 0.3, 0.2]], [0], 0, [False]),
    ([[0.1, np.nan, 0.3, 0.2]], [2], 4, [False]),
    ([[0.1, np.inf, 0.3, 0.2]], [1], 4, [False]),
    ([[0.1, 0.3, 0.3, 0.2]], [4], 4, [False]),
    ([[0.1, 0.3, 0.3, 0.2]], [-1], 4, [False]),
    ([[0.5, 0.1], [0.1, 0.5], [0.2, 0.2]], [0, 0, 1], 1, [True, False, True]),
]


@pytest.mark.parametrize(("predictions", "targets", "k", "expected"), IN_TOP_K)
def test_in_top_k_counts_strictly_larger_scores(predictions, targets, k, expected):
    found = tf.nn.in_top_k(np.array(predictions, dtype=np.float32), targets, k)
    assert found.dtype == tf.bool
    assert run(found).tolist() == expected


def test_in_top_k_takes_a_fed_k():
    k = tf.placeholder(tf.int32, [])
    found = tf.nn.in_top_k(tf.constant([[0.1, 0.3, 0.3, 0.2]]), tf.constant([3]), k)
    with tf.Session() as sess:
        assert [sess.run(found, {k: v})[0] for v in (1, 2, 3)] == [False, False, True]


@pytest.mark.parametrize(("build", "reference"), [
    (tf.nn.elu, lambda x: np.where(x < 0, np.expm1(x), x)),
    (lambda x: tf.nn.leaky_relu(x, 0.1), lambda x: np.where(x > 0, x, 0.1 * x)),
    (tf.nn.softplus, lambda x: np.log1p(np.exp(x))),
    (tf.nn.sigmoid, lambda x: 1 / (1 + np.exp(-x))),
    (tf.nn.tanh, np.tanh),
    (tf.nn.relu6, lambda x: np.clip(x, 0, 6)),
])
def test_activations_match_their_formulas(build, reference):
    x = np.linspace(-8, 8, 33).astype(np.float32)
    value = run(build(tf.constant(x)))
    assert value.dtype == np.float32
    np.testing.assert_allclose(value, reference(x.astype(np.float64)), rtol=1e-5, atol=1e-6)


def test_softplus_does_not_overflow():
    value = run(tf.nn.softplus(tf.constant([-200.0, 200.0])))
    np.testing.assert_allclose(value, [0.0, 200.0])


def test_sigmoid_cross_entropy_is_stable_and_matches_the_formula():
    logits = np.array([-1000.0, -2.0, 0.0, 3.0, 1000.0], dtype=np.float32)
    labels = np.array([0.0, 1.0, 0.5, 0.0, 1.0], dtype=np.float32)
    value = run(tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits))
    x = logits.astype(np.float64)
    expected = np.maximum(x, 0) - x * labels + np.log1p(np.exp(-np.abs(x)))
    np.testing.assert_allclose(value, expected, rtol=1e-6)


def test_moments_are_the_mean_and_population_variance():
    x = RNG.standard_normal((4, 5, 3))
    mean, variance = run(tf.nn.moments(tf.constant(x), axes=[0, 1]))
    np.testing.assert_allclose(mean, x.mean(axis=(0, 1)))
    np.testing.assert_allclose(variance, x.var(axis=(0, 1)))
    kept_mean, _ = tf.nn.moments(tf.constant(x), axes=[1], keep_dims=True)
    assert kept_mean.shape.as_list() == [4, 1, 3]


def test_xw_plus_b_is_matmul_then_bias_add():
    x, w, b = RNG.random((2, 3)), RNG.random((3, 4)), RNG.random(4)
    np.testing.assert_allclose(run(tf.nn.xw_plus_b(x, w, b)), x @ w + b)


def test_conv2d_transpose_is_the_gradient_of_conv2d():
    x = tf.placeholder(tf.float64, [1, 6, 6, 2])
    w = tf.constant(RNG.standard_normal((3, 3, 2, 4)))
    y = tf.nn.conv2d(x, w, [1, 2, 2, 1], "SAME")
    upstream = tf.constant(RNG.standard_normal((1, 3, 3, 4)))
    (grad,) = tf.gradients(y, x, grad_ys=upstream)
    transposed = tf.nn.conv2d_transpose(upstream, w, [1, 6, 6, 2], [1, 2, 2, 1], "SAME")
    assert transposed.shape.as_list() == [1, 6, 6, 2]
    a, b = run([grad, transposed], {x: np.zeros((1, 6, 6, 2))})
    np.testing.assert_allclose(a, b)
