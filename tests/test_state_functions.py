"""tf.assign / assign_add / assign_sub, scatter updates and count_up_to against NumPy."""

import numpy as np
import pytest

import smallflow as tf
from smallflow import errors


def run_after_init(fetches):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetches)


ASSIGNS = [
    (tf.assign, [4.0, 5.0, 6.0], [4.0, 5.0, 6.0]),
    (tf.assign_add, [1.0, 1.0, 1.0], [2.0, 3.0, 4.0]),
    (tf.assign_sub, [1.0, 2.0, 3.0], [0.0, 0.0, 0.0]),
]


@pytest.mark.parametrize(("fn", "value", "expected"), ASSIGNS,
                         ids=lambda v: getattr(v, "__name__", ""))
def test_assign_functions_write_the_variable_and_return_its_new_value(fn, value, expected):
    v = tf.Variable([1.0, 2.0, 3.0])
    update = fn(v, value)
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(update).tolist() == expected
        assert sess.run(v).tolist() == expected


def test_assign_checks_shape_unless_validate_shape_is_false():
    v = tf.Variable([1.0, 2.0])
    with pytest.raises(ValueError, match="Shapes"):
        tf.assign(v, [1.0, 2.0, 3.0])
    grown = tf.assign(v, [1.0, 2.0, 3.0], validate_shape=False)
    assert run_after_init(grown).tolist() == [1.0, 2.0, 3.0]


def test_assign_refuses_a_plain_tensor():
    with pytest.raises(TypeError, match="variable"):
        tf.assign(tf.constant(1.0), 2.0)


SCATTERS = [
    (tf.scatter_update, [0, 2], [10.0, 30.0], [10.0, 2.0, 30.0]),
    (tf.scatter_add, [0, 0], [10.0, 30.0], [41.0, 2.0, 3.0]),
    (tf.scatter_sub, [1, 2], [1.0, 1.0], [1.0, 1.0, 2.0]),
    (tf.scatter_mul, [1, 1], [3.0, 2.0], [1.0, 12.0, 3.0]),
    (tf.scatter_div, [2], [2.0], [1.0, 2.0, 1.5]),
    (tf.scatter_max, [0, 1], [5.0, 0.0], [5.0, 2.0, 3.0]),
    (tf.scatter_min, [0, 1], [5.0, 0.0], [1.0, 0.0, 3.0]),
    (tf.scatter_nd_update, [[1], [2]], [7.0, 8.0], [1.0, 7.0, 8.0]),
    (tf.scatter_nd_add, [[1], [1]], [7.0, 8.0], [1.0, 17.0, 3.0]),
    (tf.scatter_nd_sub, [[0]], [1.0], [0.0, 2.0, 3.0]),
]


@pytest.mark.parametrize(("fn", "indices", "updates", "expected"), SCATTERS,
                         ids=lambda v: getattr(v, "__name__", ""))
def test_scatter_updates_match_numpy(fn, indices, updates, expected):
    v = tf.Variable([1.0, 2.0, 3.0])
    result = run_after_init(fn(v, indices, updates))
    np.testing.assert_allclose(result, expected)


def test_scatter_update_of_rows_of_a_matrix():
    v = tf.Variable(np.zeros((3, 2), np.float32))
    result = run_after_init(tf.scatter_update(v, [2], [[1.0, 2.0]]))
    assert result.tolist() == [[0, 0], [0, 0], [1, 2]]


def test_scatter_nd_update_of_single_elements():
    v = tf.Variable(np.zeros((2, 2), np.float32))
    result = run_after_init(tf.scatter_nd_update(v, [[0, 1], [1, 0]], [5.0, 6.0]))
    assert result.tolist() == [[0, 5], [6, 0]]


def test_scatter_index_out_of_range_names_the_index():
    v = tf.Variable([1.0, 2.0])
    with pytest.raises(errors.InvalidArgumentError, match=r"indices\[0\] = 5 is not in \[0, 2\)"):
        run_after_init(tf.scatter_update(v, [5], [1.0]))


def test_count_up_to_returns_the_old_value_then_stops_at_the_limit():
    counter = tf.Variable(0, dtype=tf.int64)
    step = tf.count_up_to(counter, 2)
    with tf.Session() as sess:
        sess.run(counter.initializer)
        assert [sess.run(step), sess.run(step)] == [0, 1]
        with pytest.raises(errors.OutOfRangeError, match="Reached limit of 2"):
            sess.run(step)


def test_variable_load_sets_the_value_without_an_op_in_the_fetches():
    v = tf.Variable([1.0, 2.0])
    with tf.Session() as sess:
        sess.run(v.initializer)
        v.load([3.0, 4.0], sess)
        assert sess.run(v).tolist() == [3.0, 4.0]


def test_assignments_have_no_gradient():
    v = tf.Variable(1.0)
    x = tf.constant(2.0)
    assert tf.gradients(tf.assign(v, x), x) == [None]


def test_assign_ops_have_the_static_shapes_tensorflow_gives():
    v = tf.Variable([1.0, 2.0])
    assert v.assign_add([1.0, 1.0]).shape.as_list() == [2]
    assert tf.assign_sub(v, [1.0, 1.0]).shape.as_list() == [2]
    assert v.assign([3.0, 4.0]).shape.as_list() == [2]
    assert tf.assign(v, [1.0, 2.0, 3.0], validate_shape=False).shape.as_list() == [3]
