"""Specification of tf.layers' separable and 3-D layers: SeparableConv1D/2D, Conv3D,
Conv3DTranspose, MaxPooling3D, AveragePooling3D (names, shapes, arithmetic, gradients)."""

import numpy as np
import pytest

import smallflow as tf
from smallflow import layers

RNG = np.random.default_rng(12)


def _run(fetches, feed=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetches, feed)


def _variables():
    return [(v.name, v.shape.as_list()) for v in tf.global_variables()]


# (builder, input shape, expected variables, expected output shape) -- TF 1.x's names/shapes.
NAMES_AND_SHAPES = [
    (lambda x: layers.separable_conv2d(x, 5, 3, padding="same", strides=2), [None, 8, 8, 3],
     [("separable_conv2d/depthwise_kernel:0", [3, 3, 3, 1]),
      ("separable_conv2d/pointwise_kernel:0", [1, 1, 3, 5]),
      ("separable_conv2d/bias:0", [5])], [None, 4, 4, 5]),
    (lambda x: layers.separable_conv1d(x, 4, 3, depth_multiplier=2), [None, 10, 3],
     [("separable_conv1d/depthwise_kernel:0", [3, 3, 2]),
      ("separable_conv1d/pointwise_kernel:0", [1, 6, 4]),
      ("separable_conv1d/bias:0", [4])], [None, 8, 4]),
    (lambda x: layers.conv3d(x, 4, 3), [None, 6, 6, 6, 2],
     [("conv3d/kernel:0", [3, 3, 3, 2, 4]), ("conv3d/bias:0", [4])], [None, 4, 4, 4, 4]),
    (lambda x: layers.conv3d_transpose(x, 4, 3, strides=2, padding="same"),
     [None, 3, 3, 3, 2],
     [("conv3d_transpose/kernel:0", [3, 3, 3, 4, 2]), ("conv3d_transpose/bias:0", [4])],
     [None, 6, 6, 6, 4]),
    (lambda x: layers.Conv3DTranspose(1, [2, 3, 1], [2, 1, 3], name="up")(x), [2, 3, 3, 3, 2],
     [("up/kernel:0", [2, 3, 1, 1, 2]), ("up/bias:0", [1])], [2, 6, 5, 9, 1]),
    (lambda x: layers.max_pooling3d(x, 2, 2), [None, 6, 7, 6, 2], [], [None, 3, 3, 3, 2]),
    (lambda x: layers.AveragePooling3D(3, 1, "same")(x), [None, 4, 4, 4, 2], [],
     [None, 4, 4, 4, 2]),
]


@pytest.mark.parametrize(("build", "input_shape", "variables", "output_shape"), NAMES_AND_SHAPES)
def test_variables_and_output_shapes_are_tensorflows(build, input_shape, variables,
                                                     output_shape):
    y = build(tf.placeholder(tf.float32, input_shape))
    assert _variables() == variables
    assert y.shape.as_list() == output_shape


def _depthwise_reference(x, depthwise, stride=1):
    """NumPy 'valid' depthwise convolution: each channel with its own multiplier filters."""
    kh, kw, channels, multiplier = depthwise.shape
    n, h, w, _ = x.shape
    oh, ow = (h - kh) // stride + 1, (w - kw) // stride + 1
    out = np.zeros((n, oh, ow, channels * multiplier))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]
            out[:, i, j, :] = np.einsum("nhwc,hwcm->ncm", patch, depthwise).reshape(n, -1)
    return out


def test_separable_conv2d_is_depthwise_then_pointwise_plus_bias():
    x_value = RNG.standard_normal((2, 6, 5, 3))
    x = tf.constant(x_value)
    y = layers.separable_conv2d(x, 4, [3, 2], depth_multiplier=2, activation=tf.nn.relu,
                                bias_initializer=tf.constant_initializer(0.1))
    layer_vars = tf.global_variables()
    assert [v.dtype.base_dtype for v in layer_vars] == [tf.float64] * 3
    y_value, depthwise, pointwise, bias = _run([y, *layer_vars])
    mixed = _depthwise_reference(x_value, depthwise) @ pointwise[0, 0] + bias
    np.testing.assert_allclose(y_value, np.maximum(mixed, 0), rtol=1e-10)


def test_separable_conv1d_matches_the_2d_layer_on_a_height_one_image():
    x_value = RNG.standard_normal((2, 9, 2))
    one = layers.separable_conv1d(tf.constant(x_value), 3, 4, strides=2, padding="same",
                                  depth_multiplier=3, name="one")
    depthwise, pointwise, _ = tf.global_variables()
    two = layers.separable_conv2d(tf.constant(x_value[:, None]), 3, [1, 4], strides=[1, 2],
                                  padding="same", depth_multiplier=3, name="two")
    copies = [tf.assign(t, tf.expand_dims(s, 0))
              for s, t in zip((depthwise, pointwise), tf.global_variables()[3:5])]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(copies)
        a, b = sess.run([one, two])
    assert a.shape == (2, 5, 3)
    np.testing.assert_allclose(a, b[:, 0], rtol=1e-12)


def _conv3d_reference(x, kernel):
    kd, kh, kw, _, out = kernel.shape
    n, d, h, w, _ = x.shape
    y = np.zeros((n, d - kd + 1, h - kh + 1, w - kw + 1, out))
    for a in range(y.shape[1]):
        for b in range(y.shape[2]):
            for c in range(y.shape[3]):
                patch = x[:, a:a + kd, b:b + kh, c:c + kw, :]
                y[:, a, b, c] = np.einsum("ndhwi,dhwio->no", patch, kernel)
    return y


def test_conv3d_cross_correlates_volumes_and_adds_the_bias():
    x_value = RNG.standard_normal((2, 4, 5, 3, 2))
    y = layers.conv3d(tf.constant(x_value), 3, [2, 3, 2],
                      bias_initializer=tf.constant_initializer(-0.5))
    kernel, bias = tf.global_variables()
    y_value, k, b = _run([y, kernel, bias])
    np.testing.assert_allclose(y_value, _conv3d_reference(x_value, k) + b, rtol=1e-10)


def test_conv3d_transpose_is_the_input_gradient_of_conv3d():
    # <conv3d(z, K), v> == <z, conv3d_transpose(v, K)> for every z and v (the adjoint).
    z_value = RNG.standard_normal((2, 6, 4, 6, 3))
    v_value = RNG.standard_normal((2, 3, 2, 3, 2))
    v = tf.placeholder(tf.float64, [None, 3, 2, 3, 2])
    up = layers.conv3d_transpose(v, 3, 2, strides=2, use_bias=False)
    (kernel,) = tf.global_variables()
    down = tf.nn.conv3d(tf.constant(z_value), kernel, [1, 2, 2, 2, 1], "VALID")
    up_value, down_value = _run([up, down], {v: v_value})
    assert up_value.shape == z_value.shape
    np.testing.assert_allclose(np.vdot(down_value, v_value), np.vdot(z_value, up_value),
                               rtol=1e-10)


@pytest.mark.parametrize(("layer", "reduce"), [
    (layers.MaxPooling3D, np.max),
    (layers.AveragePooling3D, np.mean),
])
def test_3d_pooling_reduces_each_window(layer, reduce):
    x_value = RNG.standard_normal((2, 4, 6, 2, 3)).astype(np.float32)
    y_value = _run(layer([2, 3, 2], [2, 3, 2])(tf.constant(x_value)))
    windows = x_value.reshape(2, 2, 2, 2, 3, 1, 2, 3)
    np.testing.assert_allclose(y_value, reduce(windows, axis=(2, 4, 6)), rtol=1e-6)


@pytest.mark.parametrize(("build", "shape"), [
    (lambda x, f: layers.conv3d(x, 2, 2, padding="same", data_format=f), [2, 3, 4, 4, 5]),
    (lambda x, f: layers.conv3d_transpose(x, 2, 2, strides=2, data_format=f), [2, 3, 2, 3, 2]),
    (lambda x, f: layers.max_pooling3d(x, 2, 2, data_format=f), [1, 2, 4, 4, 4]),
    (lambda x, f: layers.separable_conv2d(x, 2, 3, data_format=f), [2, 3, 5, 5]),
])
def test_channels_first_gives_the_transposed_result_of_channels_last(build, shape):
    x_value = RNG.standard_normal(shape).astype(np.float32)
    rank = len(shape)
    to_last = [0, *range(2, rank), 1]
    with tf.variable_scope("shared"):
        first = build(tf.constant(x_value), "channels_first")
    with tf.variable_scope("shared", reuse=True):
        last = build(tf.constant(x_value.transpose(to_last)), "channels_last")
    a, b = _run([first, last])
    np.testing.assert_allclose(a.transpose(to_last), b, rtol=1e-5, atol=1e-6)


def test_gradients_flow_to_the_separable_and_3d_kernels():
    volume = tf.constant(RNG.standard_normal((1, 3, 4, 4, 2)))
    image = tf.constant(RNG.standard_normal((1, 5, 5, 2)))
    loss = (tf.reduce_sum(tf.square(layers.conv3d(volume, 2, 2)))
            + tf.reduce_sum(tf.square(layers.separable_conv2d(image, 2, 3))))
    variables = tf.trainable_variables()
    grads = tf.gradients(loss, variables)
    assert all(g is not None for g in grads)
    for variable, grad in zip(variables, grads):
        assert grad.shape.as_list() == variable.shape.as_list()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for variable in (variables[0], variables[2]):  # conv3d and depthwise kernels
            error = tf.test.compute_gradient_error(variable, variable.shape.as_list(), loss,
                                                   [], delta=1e-6)
            assert error < 1e-5


@pytest.mark.parametrize(("build", "message"), [
    (lambda: layers.conv3d(tf.placeholder(tf.float32, [None, 4, 4, 2]), 2, 2), "5-D"),
    (lambda: layers.separable_conv2d(tf.placeholder(tf.float32, [None, 4, 4, 2]), 2, 2,
                                     depth_multiplier=0), "depth_multiplier"),
    (lambda: layers.separable_conv2d(tf.placeholder(tf.int32, [None, 4, 4, 2]), 2, 2),
     "floating point"),
    (lambda: layers.max_pooling3d(tf.placeholder(tf.float32, [None, 4, 4, 2, 1]), [2, 2], 2),
     "pool_size"),
    (lambda: layers.conv3d(tf.placeholder(tf.float32, [None, 4, 4, 4, 1]), 2, 2,
                           padding="full"), "padding"),
])
def test_bad_arguments_are_refused_naming_the_problem(build, message):
    with pytest.raises((ValueError, TypeError), match=message):
        build()


def test_float64_inputs_give_float64_batch_normalization_variables():
    # A DType never equals None (NumPy reads None as float64), so layers keep the inputs' type.
    assert tf.float64 != None  # noqa: E711 - the comparison under test
    assert tf.float64 not in (None, tf.float16)
    x = tf.constant(RNG.standard_normal((4, 3)))
    y = layers.batch_normalization(x, training=True)
    assert y.dtype == tf.float64
    assert {v.dtype.base_dtype for v in tf.global_variables()} == {tf.float64}
