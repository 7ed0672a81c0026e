"""Small top-level names of TF1: bitcast, timestamp, versions, dtypes tokens, the v2
switches smallflow refuses with an explanation."""

import time

import numpy as np
import pytest

import smallflow as tf


@pytest.mark.parametrize(
    ("value", "dtype", "out_type", "expected_shape"),
    [
        (np.array([1.0, -2.0], np.float32), tf.float32, tf.int32, [2]),
        (np.array([1.0, -2.0], np.float32), tf.float32, tf.uint8, [2, 4]),
        (np.array([[0, 0, 128, 63]], np.uint8), tf.uint8, tf.float32, [1]),
        (np.array([3], np.int64), tf.int64, tf.int16, [1, 4]),
        (np.array([1 + 2j], np.complex64), tf.complex64, tf.float64, [1]),
    ],
)
def test_bitcast_reinterprets_bytes_as_numpy_view_does(value, dtype, out_type,
                                                      expected_shape):
    y = tf.bitcast(tf.constant(value, dtype), out_type)
    assert y.shape.as_list() == expected_shape
    got = tf.Session().run(y)
    assert got.dtype == out_type.as_numpy_dtype
    assert got.tobytes() == value.tobytes()


def test_bitcast_to_a_wider_type_needs_the_ratio_as_last_dimension():
    with pytest.raises(ValueError, match="last dimension"):
        tf.bitcast(tf.constant([1, 2, 3], tf.uint8), tf.float32)


def test_timestamp_is_the_time_when_run():
    stamp = tf.timestamp()
    before = time.time()
    with tf.Session() as sess:
        first = sess.run(stamp)
        second = sess.run(stamp)
    assert before <= first <= second <= time.time()
    assert stamp.dtype == tf.float64


def test_versions():
    assert tf.VERSION.startswith("1.15")
    assert tf.GRAPH_DEF_VERSION == 134
    assert tf.GRAPH_DEF_VERSION_MIN_CONSUMER == tf.GRAPH_DEF_VERSION_MIN_PRODUCER == 0
    assert tf.SMALLFLOW_VERSION in tf.GIT_VERSION
    assert tf.__version__ == tf.VERSION == "1.15.0"
    assert tf.get_logger().name == "smallflow"


@pytest.mark.parametrize(
    "switch",
    [tf.enable_v2_behavior, tf.enable_control_flow_v2, tf.enable_resource_variables,
     tf.enable_tensor_equality, tf.enable_v2_tensorshape],
)
def test_tf2_switches_are_refused_with_an_explanation(switch):
    with pytest.raises(NotImplementedError, match="TensorFlow 1.x graph mode only"):
        switch()


@pytest.mark.parametrize("dtype", [tf.qint8, tf.quint8, tf.qint16, tf.quint16, tf.qint32])
def test_quantized_dtypes_are_tokens_that_refuse_arithmetic(dtype):
    assert dtype.is_quantized
    assert not dtype.is_floating
    assert tf.as_dtype(dtype.name) is dtype
    assert dtype in tf.QUANTIZED_DTYPES
    with pytest.raises(TypeError):
        _ = dtype.max
    with pytest.raises(TypeError):
        tf.add(tf.placeholder(dtype), tf.placeholder(dtype))


def test_complex_real_dtype_and_handle_dtypes():
    assert tf.complex64.real_dtype == tf.float32
    assert tf.complex128.real_dtype == tf.float64
    assert tf.as_dtype("resource") is tf.resource
    assert not tf.variant.is_numpy_compatible


@pytest.mark.parametrize(
    ("text", "parts", "printed"),
    [
        ("/job:worker/replica:0/task:1/device:GPU:2", ("worker", 0, 1, "GPU", 2),
         "/job:worker/replica:0/task:1/device:GPU:2"),
        ("/cpu:0", (None, None, None, "CPU", 0), "/device:CPU:0"),
        ("/device:CPU:*", (None, None, None, "CPU", None), "/device:CPU:*"),
        ("/job:ps", ("ps", None, None, None, None), "/job:ps"),
        ("", (None, None, None, None, None), ""),
    ],
)
def test_device_spec_parses_and_prints_tensorflows_form(text, parts, printed):
    spec = tf.DeviceSpec.from_string(text)
    assert (spec.job, spec.replica, spec.task, spec.device_type, spec.device_index) == parts
    assert spec.to_string() == printed


def test_device_spec_merges_and_refuses_unknown_parts():
    spec = tf.DeviceSpec(job="worker", device_type="cpu", device_index=0)
    assert spec.to_string() == "/job:worker/device:CPU:0"
    merged = spec.make_merged_spec("/task:3/device:GPU:1")
    assert merged.to_string() == "/job:worker/task:3/device:GPU:1"
    assert spec == "/job:worker/device:CPU:0"
    with pytest.raises(ValueError, match="Unknown attribute: 'nonsense:1'"):
        tf.DeviceSpec.from_string("/nonsense:1")
