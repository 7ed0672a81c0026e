"""Variables behave as TensorFlow 1.x reference variables.

A read that runs after an assignment it depends on (through a control dependency or data)
sees the assigned value, in the same ``Session.run``; ``Variable.dtype`` is the ``_ref``
dtype and ``base_dtype`` is what values carry.
"""

import numpy as np
import pytest

import smallflow as tf


def _session():
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    return sess


READS = {
    "identity": lambda v: tf.identity(v),
    "read_value": lambda v: v.read_value(),
    "plus_zero": lambda v: v + 0,
    "value": lambda v: tf.identity(v.value()),
    "convert": lambda v: tf.convert_to_tensor(v) * 1,
}


@pytest.mark.parametrize("read", list(READS), ids=list(READS))
def test_a_read_under_a_control_dependency_sees_the_update(read):
    v = tf.Variable(0.0)
    inc = v.assign_add(1.0)
    with tf.control_dependencies([inc]):
        r = READS[read](v)
    sess = _session()
    assert [sess.run(r) for _ in range(3)] == [1.0, 2.0, 3.0]


def test_a_read_after_an_assign_in_its_data_path_sees_the_update():
    v = tf.Variable(5.0)
    assigned = v.assign(2.0)
    with tf.control_dependencies([assigned]):
        total = tf.add(v.read_value(), 0.0)
    sess = _session()
    assert sess.run(total) == 2.0


def test_a_read_without_a_dependency_sees_the_stored_value():
    v = tf.Variable(1.0)
    doubled = v * 2
    sess = _session()
    assert sess.run(doubled) == 2.0
    sess.run(v.assign(4.0))
    assert sess.run(doubled) == 8.0


def test_moving_average_update_then_read():
    # The pattern of batch-norm statistics: update, then read the new value in one step.
    mean = tf.Variable(0.0)
    x = tf.placeholder(tf.float32, [])
    update = mean.assign(0.9 * mean + 0.1 * x)
    with tf.control_dependencies([update]):
        current = tf.identity(mean)
    sess = _session()
    assert sess.run(current, {x: 10.0}) == pytest.approx(1.0)
    assert sess.run(current, {x: 10.0}) == pytest.approx(1.9)


def test_a_fetched_read_is_a_copy_not_the_stored_array():
    v = tf.Variable([1.0, 2.0])
    sess = _session()
    got = sess.run(v)
    got[0] = 99.0
    assert sess.run(v).tolist() == [1.0, 2.0]


def test_an_optimizer_step_then_read_sees_the_new_weights():
    w = tf.Variable(1.0)
    loss = tf.square(w)
    step = tf.train.GradientDescentOptimizer(0.25).minimize(loss)
    with tf.control_dependencies([step]):
        after = tf.identity(w)
    sess = _session()
    assert sess.run(after) == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("value", "ref", "base"),
    [
        (0.0, tf.float32_ref, tf.float32),
        (np.float64(0.0), tf.float64_ref, tf.float64),
        (0, tf.int32_ref, tf.int32),
        (True, tf.bool_ref, tf.bool),
    ],
)
def test_variable_dtype_is_the_ref_dtype(value, ref, base):
    v = tf.Variable(value)
    assert v.dtype == ref
    assert v.dtype != base
    assert v.dtype.base_dtype == base
    assert v.dtype.name == base.name + "_ref"
    assert v.value().dtype == base
    assert tf.convert_to_tensor(v).dtype == base
    assert v.dtype.is_compatible_with(base)
    assert f"dtype={base.name}_ref>" in repr(v)


def test_ref_dtypes_work_where_a_dtype_is_expected():
    v = tf.Variable([1.0, 2.0])
    assert tf.zeros([2], dtype=v.dtype).dtype == tf.float32
    assert tf.cast(tf.constant([1, 2]), v.dtype).dtype == tf.float32
    assert tf.placeholder(v.dtype, [2]).dtype == tf.float32
    assert tf.as_dtype("float32_ref") == tf.float32_ref
    assert tf.get_variable("w", [2], dtype=v.dtype).dtype == tf.float32_ref
