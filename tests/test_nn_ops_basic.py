"""Softmax, log-softmax, the cross entropies and tf.losses' sparse loss, as TF1 defines them."""

import re

import numpy as np
import pytest

import smallflow as tf
from smallflow import errors
from smallflow.gradient_checker import compute_gradient, compute_gradient_error

RNG = np.random.default_rng(5)


def run(fetches, feed_dict=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed_dict)


def np_log_softmax(z, axis=-1):
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def one_hot(labels, classes):
    return np.eye(classes, dtype=np.float32)[labels]


# -- softmax and log_softmax ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "axis"),
    [
        (lambda z: tf.nn.softmax(z), -1),
        (lambda z: tf.nn.softmax(z, axis=0), 0),
        (lambda z: tf.nn.softmax(z, dim=1), 1),
        (lambda z: tf.nn.softmax(z, axis=-2), -2),
    ],
)
def test_softmax_matches_numpy_along_the_axis(build, axis):
    logits = RNG.normal(size=(2, 3, 4)).astype(np.float32)

    result = run(build(tf.constant(logits)))

    assert result.dtype == np.float32
    np.testing.assert_allclose(result, np.exp(np_log_softmax(logits, axis)), rtol=1e-5)
    np.testing.assert_allclose(result.sum(axis=axis), 1.0, rtol=1e-6)


@pytest.mark.parametrize("axis", [-1, 0])
def test_log_softmax_matches_numpy(axis):
    logits = RNG.normal(size=(3, 5)).astype(np.float32)

    result = run(tf.nn.log_softmax(logits, axis=axis))

    np.testing.assert_allclose(result, np_log_softmax(logits, axis), rtol=1e-5, atol=1e-6)


def test_softmax_and_log_softmax_are_stable_for_large_logits():
    logits = tf.constant([[1000.0, 0.0, -1000.0]])

    soft, log_soft = run([tf.nn.softmax(logits), tf.nn.log_softmax(logits)])

    assert soft.tolist() == [[1.0, 0.0, 0.0]]
    assert log_soft.tolist() == [[0.0, -1000.0, -2000.0]]


def test_softmax_of_a_scalar_is_a_shape_error():
    with pytest.raises(ValueError, match="Shape must be at least rank 1 but is rank 0"):
        tf.nn.softmax(tf.constant(1.0))


def test_softmax_refuses_integer_logits():
    with pytest.raises(TypeError, match="DataType int32 not in list of allowed values"):
        tf.nn.softmax(tf.constant([1, 2]))


@pytest.mark.parametrize("fn", [tf.nn.softmax, tf.nn.log_softmax])
@pytest.mark.parametrize("axis", [-1, 0])
def test_softmax_gradients(fn, axis):
    x = tf.placeholder(tf.float64, [3, 4])

    error = compute_gradient_error(x, [3, 4], fn(x, axis=axis), [3, 4], delta=1e-5)

    assert error < 1e-8


@pytest.mark.parametrize(
    ("fn", "np_fn"),
    [(tf.nn.relu, lambda x: np.maximum(x, 0)), (tf.nn.relu6, lambda x: np.clip(x, 0, 6))],
)
def test_relus(fn, np_fn):
    value = np.array([-3.0, -0.5, 0.0, 0.5, 5.0, 8.0], dtype=np.float32)

    result = run(fn(value))

    assert result.dtype == np.float32
    np.testing.assert_array_equal(result, np_fn(value))


# -- softmax cross entropy ---------------------------------------------------------------------

XENTS = [tf.nn.softmax_cross_entropy_with_logits, tf.nn.softmax_cross_entropy_with_logits_v2]


@pytest.mark.parametrize("xent", XENTS)
def test_cross_entropy_matches_the_formula(xent):
    logits = RNG.normal(size=(4, 5)).astype(np.float32)
    labels = RNG.dirichlet(np.ones(5), size=4).astype(np.float32)

    loss = xent(labels=labels, logits=logits)

    assert loss.shape.as_list() == [4]
    expected = -(labels * np_log_softmax(logits)).sum(axis=-1)
    np.testing.assert_allclose(run(loss), expected, rtol=1e-5)


@pytest.mark.parametrize("xent", XENTS)
def test_cross_entropy_is_stable_for_large_logits(xent):
    logits = tf.constant([[1000.0, 0.0, -1000.0]])
    labels = tf.constant([[0.0, 0.0, 1.0]])
    loss = xent(labels=labels, logits=logits)

    (grad,) = tf.gradients(loss, logits)
    loss_value, grad_value = run([loss, grad])

    assert loss_value.tolist() == [2000.0]
    assert grad_value.tolist() == [[1.0, 0.0, -1.0]]


def test_v1_stops_the_gradient_into_labels():
    logits = tf.placeholder(tf.float32, [2, 3])
    labels = tf.placeholder(tf.float32, [2, 3])

    loss = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)

    assert tf.gradients(loss, labels) == [None]
    assert tf.gradients(loss, logits)[0] is not None


def test_v2_passes_the_gradient_into_labels():
    logits_value = RNG.normal(size=(2, 3))
    logits = tf.constant(logits_value)
    labels = tf.placeholder(tf.float64, [2, 3])
    loss = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)

    theoretical, numerical = compute_gradient(labels, [2, 3], loss, [2], delta=1e-5)

    np.testing.assert_allclose(theoretical, numerical, atol=1e-8)
    (grad,) = tf.gradients(loss, labels)
    np.testing.assert_allclose(run(grad, {labels: np.ones((2, 3))}),
                               -np_log_softmax(logits_value), rtol=1e-10)


def test_cross_entropy_gradient_wrt_logits_is_softmax_minus_labels_times_upstream():
    logits_value = RNG.normal(size=(2, 3)).astype(np.float32)
    labels_value = one_hot([2, 0], 3)
    logits = tf.constant(logits_value)
    loss = tf.nn.softmax_cross_entropy_with_logits(labels=labels_value, logits=logits)

    (grad,) = tf.gradients(loss * tf.constant([1.0, 3.0]), logits)

    expected = (np.exp(np_log_softmax(logits_value)) - labels_value) * [[1.0], [3.0]]
    np.testing.assert_allclose(run(grad), expected, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize(
    ("xent", "name"),
    [
        (tf.nn.softmax_cross_entropy_with_logits, "softmax_cross_entropy_with_logits"),
        (tf.nn.softmax_cross_entropy_with_logits_v2, "softmax_cross_entropy_with_logits_v2"),
        (tf.nn.sparse_softmax_cross_entropy_with_logits,
         "sparse_softmax_cross_entropy_with_logits"),
    ],
)
def test_positional_arguments_are_refused(xent, name):
    message = f"Only call `{name}` with named arguments (labels=..., logits=..., ...)"

    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        xent(tf.constant([[0.0, 1.0]]), tf.constant([[1.0, 2.0]]))


def test_cross_entropy_shapes_must_agree():
    with pytest.raises(ValueError, match=re.escape(
            "logits and labels must be broadcastable: logits_size=[2,3] labels_size=[2,4]")):
        tf.nn.softmax_cross_entropy_with_logits_v2(labels=tf.zeros([2, 4]),
                                                   logits=tf.zeros([2, 3]))


def test_cross_entropy_with_the_class_axis_last_keeps_the_batch_shape():
    logits = RNG.normal(size=(2, 3, 4)).astype(np.float32)
    labels = one_hot(RNG.integers(0, 4, size=(2, 3)), 4)

    loss = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)

    assert loss.shape.as_list() == [2, 3]
    np.testing.assert_allclose(run(loss), -(labels * np_log_softmax(logits)).sum(-1),
                               rtol=1e-5)


def test_cross_entropy_over_the_first_axis_keeps_the_other_axes_in_order():
    logits = RNG.normal(size=(4, 2, 3)).astype(np.float32)
    labels = np.moveaxis(one_hot(RNG.integers(0, 4, size=(2, 3)), 4), -1, 0)

    loss = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits, axis=0)

    assert loss.shape.as_list() == [2, 3]
    np.testing.assert_allclose(run(loss), -(labels * np_log_softmax(logits, 0)).sum(0),
                               rtol=1e-5)


# -- sparse softmax cross entropy ------------------------------------------------------------


@pytest.mark.parametrize("label_dtype", [tf.int32, tf.int64])
def test_sparse_cross_entropy_matches_the_dense_one(label_dtype):
    logits = RNG.normal(size=(4, 3)).astype(np.float32)
    labels = np.array([2, 0, 1, 2])

    sparse = tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tf.constant(labels, dtype=label_dtype), logits=logits)
    dense = tf.nn.softmax_cross_entropy_with_logits(labels=one_hot(labels, 3), logits=logits)

    sparse_value, dense_value = run([sparse, dense])
    np.testing.assert_allclose(sparse_value, dense_value, rtol=1e-6)


def test_sparse_cross_entropy_gradient():
    logits = tf.placeholder(tf.float64, [3, 4])
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[1, 3, 0], logits=logits)

    assert compute_gradient_error(logits, [3, 4], loss, [3], delta=1e-5) < 1e-8


@pytest.mark.parametrize("bad", [5, -1])
def test_sparse_label_out_of_range_names_the_value_and_range(bad):
    labels = tf.placeholder(tf.int64, [None])
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=tf.zeros([2, 3]))

    with pytest.raises(errors.InvalidArgumentError, match=re.escape(
            f"Received a label value of {bad} which is outside the valid range of [0, 3)")):
        run(loss, {labels: [0, bad]})


def test_sparse_labels_must_have_one_rank_less_than_logits():
    with pytest.raises(ValueError, match=re.escape(
            "Rank mismatch: Rank of labels (received 2) should equal rank of logits minus 1 "
            "(received 2).")):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.zeros([2, 3], tf.int32),
                                                       logits=tf.zeros([2, 3]))


def test_sparse_labels_must_be_integers():
    with pytest.raises(TypeError, match="'labels' has DataType float32"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.zeros([2]),
                                                       logits=tf.zeros([2, 3]))


# -- tf.losses -------------------------------------------------------------------------------


@pytest.mark.parametrize("label_dtype", [tf.int32, tf.int64])
def test_losses_sparse_softmax_cross_entropy_is_the_mean(label_dtype):
    logits = RNG.normal(size=(5, 4)).astype(np.float32)
    labels = np.array([0, 3, 3, 1, 2])

    loss = tf.losses.sparse_softmax_cross_entropy(tf.constant(labels, dtype=label_dtype),
                                                  logits)

    assert loss.shape.as_list() == []
    expected = -np_log_softmax(logits)[np.arange(5), labels].mean()
    assert run(loss) == pytest.approx(expected, rel=1e-5)
    assert tf.get_collection(tf.GraphKeys.LOSSES) == [loss]


def test_losses_sparse_softmax_cross_entropy_of_an_empty_batch_is_zero():
    logits = tf.placeholder(tf.float32, [None, 10])
    labels = tf.placeholder(tf.int64, [None])
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)

    value = run(loss, {logits: np.zeros((0, 10)), labels: np.zeros(0)})

    assert value == 0.0
    assert value.dtype == np.float32
