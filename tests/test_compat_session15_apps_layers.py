"""tf.keras.applications details beyond tests/test_compat_session15_apps.py: ResNet's head
as TensorFlow 1.15 names it, and the depthwise convolution MobileNet and Xception are built
of (one patch extraction for images of known size, as fast to build as a convolution)."""

import time

import numpy as np
import pytest

import smallflow as tf


@pytest.fixture(autouse=True)
def _fresh_keras():
    tf.keras.backend.clear_session()
    yield
    tf.keras.backend.clear_session()


def test_resnet_heads_are_named_as_tensorflow_1_15_names_them():
    v1 = tf.keras.applications.ResNet50(weights=None, input_shape=(32, 32, 3), classes=4)
    assert [layer.name for layer in v1.layers[-3:]] == ["conv5_block3_out", "avg_pool",
                                                         "probs"]
    v2 = tf.keras.applications.ResNet50V2(weights=None, input_shape=(32, 32, 3), classes=4)
    assert [layer.name for layer in v2.layers[-3:]] == ["post_relu", "avg_pool", "probs"]


@pytest.mark.parametrize(("shape", "multiplier", "strides", "padding", "rate"), [
    ((2, 9, 8, 4), 2, [1, 2, 2, 1], "SAME", None),
    ((1, 7, 7, 3), 1, [1, 1, 1, 1], "VALID", None),
    ((2, 10, 9, 2), 3, [1, 1, 1, 1], "SAME", [2, 2]),
])
def test_depthwise_convolution_by_patches_equals_the_per_channel_form(shape, multiplier,
                                                                      strides, padding, rate):
    """Known spatial sizes take the patches form; unknown ones the per-channel one."""
    rng = np.random.default_rng(5)
    x = rng.normal(size=shape).astype(np.float32)
    kernel = rng.normal(size=(3, 3, shape[3], multiplier)).astype(np.float32)
    known = tf.placeholder(tf.float32, [None, *shape[1:]])
    unknown = tf.placeholder(tf.float32, [None, None, None, shape[3]])
    outputs = []
    for images in (known, unknown):
        y = tf.nn.depthwise_conv2d(images, kernel, strides, padding, rate=rate)
        outputs += [y, tf.gradients(tf.reduce_sum(y * y), images)[0]]
    with tf.Session() as session:
        y1, g1, y2, g2 = session.run(outputs, {known: x, unknown: x})
    assert y1.shape[3] == shape[3] * multiplier
    np.testing.assert_allclose(y1, y2, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(g1, g2, rtol=1e-5, atol=1e-4)


def test_depthwise_layers_of_many_channels_build_quickly():
    """Xception's 728-channel separable convolutions: the per-channel form took ~20 s to
    build here; the patch form is a few ops per layer."""
    started = time.perf_counter()
    model = tf.keras.applications.Xception(weights=None, include_top=False,
                                           input_shape=(71, 71, 3))
    assert time.perf_counter() - started < 10
    graph_ops = len(tf.get_default_graph().get_operations())
    assert graph_ops < 5000
    assert model.output_shape == (None, 3, 3, 2048)
