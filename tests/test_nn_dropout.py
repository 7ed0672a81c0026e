"""Specification of tf.nn.dropout: TF1's scaling and keep rule, fed keep_prob, seeds, errors."""

import re

import numpy as np
import pytest

import smallflow as tf
from smallflow import errors

ROWS, COLS = 200, 500  # 100,000 draws: the kept fraction's standard deviation is below 0.0016


def _kept_fraction(value):
    return float(np.count_nonzero(value)) / value.size


# -- the identity cases ---------------------------------------------------------------------------


@pytest.mark.parametrize("arguments", [
    {"keep_prob": 1.0},
    {"keep_prob": 1},
    {"keep_prob": np.float32(1.0)},
    {"rate": 0.0},
    {"rate": 0},
])
def test_keep_prob_one_known_when_building_returns_x_itself(arguments):
    x = tf.placeholder(tf.float32, [None, 3])
    assert tf.nn.dropout(x, **arguments) is x


def test_a_constant_keep_prob_of_one_returns_x_itself():
    x = tf.placeholder(tf.float32, [None, 3])
    assert tf.nn.dropout(x, tf.constant(1.0)) is x


def test_fed_keep_prob_of_one_keeps_everything_unscaled():
    x = np.random.default_rng(0).random((ROWS, COLS)).astype(np.float32) + 0.5
    keep_prob = tf.placeholder(tf.float32)
    y = tf.nn.dropout(tf.constant(x), keep_prob)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {keep_prob: 1.0}), x)


# -- statistics and scaling ------------------------------------------------------------------------


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9])
def test_keeps_about_keep_prob_of_the_elements_scaled_by_its_inverse(keep):
    tf.set_random_seed(7)
    y = tf.nn.dropout(tf.ones([ROWS, COLS]), keep)
    with tf.Session() as sess:
        value = sess.run(y)
    assert value.dtype == np.float32
    assert abs(_kept_fraction(value) - keep) < 0.008
    kept = value[value != 0]
    np.testing.assert_array_equal(kept, np.float32(1) / np.float32(keep))


def test_fed_keep_prob_changes_between_runs_of_one_graph():
    tf.set_random_seed(3)
    keep_prob = tf.placeholder(tf.float32)
    y = tf.nn.dropout(tf.ones([ROWS, COLS]), keep_prob)
    with tf.Session() as sess:
        fractions = [_kept_fraction(sess.run(y, {keep_prob: k})) for k in (0.2, 0.5, 0.8)]
    np.testing.assert_allclose(fractions, [0.2, 0.5, 0.8], atol=0.008)


def test_rate_is_one_minus_keep_prob():
    tf.set_random_seed(11)
    rate = tf.placeholder(tf.float32, [])
    y = tf.nn.dropout(tf.ones([ROWS, COLS]), rate=rate)
    z = tf.nn.dropout(tf.ones([ROWS, COLS]), rate=0.75)
    with tf.Session() as sess:
        assert abs(_kept_fraction(sess.run(y, {rate: 0.3})) - 0.7) < 0.008
        assert abs(_kept_fraction(sess.run(z)) - 0.25) < 0.008


def test_every_run_draws_a_fresh_mask():
    tf.set_random_seed(5)
    y = tf.nn.dropout(tf.ones([20, 20]), 0.5)
    with tf.Session() as sess:
        first, second = sess.run(y), sess.run(y)
    assert not np.array_equal(first, second)


def test_noise_shape_shares_one_decision_along_its_unit_axes():
    tf.set_random_seed(2)
    x = tf.placeholder(tf.float32, [None, 6])
    rows = tf.nn.dropout(x, 0.5, noise_shape=[None, 1])
    with tf.Session() as sess:
        value = sess.run(rows, {x: np.ones((400, 6))})
    assert rows.shape.as_list() == [None, 6]
    assert set(np.unique(value)) <= {0.0, 2.0}
    assert (value == value[:, :1]).all()  # whole rows kept or dropped
    assert 0.4 < _kept_fraction(value) < 0.6


def test_static_shape_and_dtype_are_those_of_x():
    x = tf.placeholder(tf.float64, [None, 1024])
    y = tf.nn.dropout(x, tf.placeholder(tf.float64))
    assert y.shape.as_list() == [None, 1024]
    assert y.dtype == tf.float64
    assert y.op.name == "dropout"
    assert any(op.name.startswith("dropout/random_uniform")
               for op in tf.get_default_graph().get_operations())


# -- gradients ------------------------------------------------------------------------------------


@pytest.mark.parametrize("keep", [0.5, 0.3])
def test_gradient_is_the_mask_over_keep_prob(keep):
    tf.set_random_seed(1)
    x_value = np.random.default_rng(1).random((30, 40)).astype(np.float32) + 0.5
    x = tf.placeholder(tf.float32, [30, 40])
    keep_prob = tf.placeholder(tf.float32)
    y = tf.nn.dropout(x, keep_prob)
    d_x, d_keep = tf.gradients(tf.reduce_sum(y), [x, keep_prob])
    with tf.Session() as sess:
        y_value, dx_value, dk_value = sess.run([y, d_x, d_keep], {x: x_value, keep_prob: keep})
    mask = y_value != 0
    assert dx_value.dtype == np.float32
    np.testing.assert_array_equal(dx_value, mask / np.float32(keep))
    assert dk_value == pytest.approx(-y_value.astype(np.float64).sum() / keep, rel=1e-5)


# -- seeds ---------------------------------------------------------------------------------------


def _masks(graph_seed, op_seed, runs=1):
    with tf.Graph().as_default():
        if graph_seed is not None:
            tf.set_random_seed(graph_seed)
        y = tf.nn.dropout(tf.ones([50, 50]), 0.5, seed=op_seed)
        with tf.Session() as sess:
            return [sess.run(y) for _ in range(runs)]


@pytest.mark.parametrize(("graph_seed", "op_seed"), [(1, None), (None, 9), (4, 9)])
def test_seeds_repeat_the_masks_of_a_rebuilt_graph(graph_seed, op_seed):
    first = _masks(graph_seed, op_seed, runs=2)
    again = _masks(graph_seed, op_seed, runs=2)
    np.testing.assert_array_equal(first, again)


def test_different_seeds_give_different_masks():
    assert not np.array_equal(_masks(None, 1)[0], _masks(None, 2)[0])
    assert not np.array_equal(_masks(1, None)[0], _masks(2, None)[0])


# -- bad input ------------------------------------------------------------------------------------

BUILD_ERRORS = [
    (lambda x: tf.nn.dropout(x, 1.5),
     "keep_prob must be a scalar tensor or a float in the range (0, 1], got 1.5"),
    (lambda x: tf.nn.dropout(x, 0.0),
     "keep_prob must be a scalar tensor or a float in the range (0, 1], got 0"),
    (lambda x: tf.nn.dropout(x, -0.5),
     "keep_prob must be a scalar tensor or a float in the range (0, 1], got -0.5"),
    (lambda x: tf.nn.dropout(x, tf.constant(2.0)),
     "keep_prob must be a scalar tensor or a float in the range (0, 1], got 2"),
    (lambda x: tf.nn.dropout(x, rate=1.0),
     "rate must be a scalar tensor or a float in the range [0, 1), got 1"),
    (lambda x: tf.nn.dropout(x, 0.5, rate=0.5), "Cannot specify both 'keep_prob' and 'rate'"),
    (lambda x: tf.nn.dropout(x), "You must provide keep_prob (or rate) to dropout."),
    (lambda x: tf.nn.dropout(tf.constant([1, 2]), 0.5),
     "x has to be a floating point tensor since it's going to be scaled. Got a int32 tensor "
     "instead."),
    (lambda x: tf.nn.dropout(x, tf.placeholder(tf.float32, [2])),
     "keep_prob must be a scalar, got shape (2,)"),
    (lambda x: tf.nn.dropout(x, 0.5, noise_shape=[3, 4]),
     "noise_shape [3,4] does not broadcast to the shape of x [2,3] for 'dropout'"),
    (lambda x: tf.nn.dropout(x, 0.5, noise_shape=[3, 1]),
     "noise_shape [3,1] does not broadcast to the shape of x [2,3]"),
]


@pytest.mark.parametrize(("build", "message"), BUILD_ERRORS)
def test_bad_arguments_known_when_building_are_value_errors(build, message):
    x = tf.zeros([2, 3])
    with pytest.raises(ValueError, match=re.escape(message)):
        build(x)


def test_a_keep_prob_of_another_dtype_is_refused():
    with pytest.raises(ValueError, match="requested dtype float32 for Tensor with dtype float64"):
        tf.nn.dropout(tf.zeros([2, 3]), tf.placeholder(tf.float64))


@pytest.mark.parametrize(("fed", "shown"), [(1.5, "1.5"), (0.0, "0"), (-1.0, "-1"),
                                            (float("nan"), "nan")])
def test_a_fed_keep_prob_outside_the_range_fails_at_run_time(fed, shown):
    keep_prob = tf.placeholder(tf.float32)
    y = tf.nn.dropout(tf.ones([4, 4]), keep_prob)
    with tf.Session() as sess, pytest.raises(errors.InvalidArgumentError) as caught:
        sess.run(y, {keep_prob: fed})
    message = str(caught.value)
    expected = f"keep_prob must be a scalar tensor or a float in the range (0, 1], got {shown}"
    assert expected in message
    assert "[[node dropout]]" in message


def test_an_unfed_keep_prob_is_named():
    keep_prob = tf.placeholder(tf.float32, name="keep_prob")
    y = tf.nn.dropout(tf.ones([4, 4]), keep_prob)
    with tf.Session() as sess, pytest.raises(errors.InvalidArgumentError,
                                             match="placeholder tensor 'keep_prob'"):
        sess.run(y)
