"""Kernels may overwrite an input only when nothing else can see it (smallflow.ownership).

Specification:
- exclusive()/writable_alone() say True only for a value the calling kernel alone holds,
  and writable_alone() only for an owning, writeable, C-contiguous ndarray;
- the plan hands a marked kernel the inputs it reads for the last time (take());
- Adam then updates its variable and slots in place, with the same float results as new
  arrays, and never changes an array someone else holds (a fetched value, a fetch of the
  same run, an initial value).
"""

import weakref

import numpy as np
import pytest

import smallflow as tf
from smallflow import ownership
from smallflow.ops import training_ops


def _alone(value):
    return ownership.exclusive(value), ownership.writable_alone(value)


def _fresh():
    return ownership.take([np.zeros(4, np.float32)], 0)


def _read_only():
    array = np.zeros(4, np.float32)
    array.flags.writeable = False
    return ownership.take([array], 0)


_KEPT = np.zeros(4, np.float32)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (_fresh, (True, True)),
        (lambda: _KEPT, (False, False)),  # a module global holds it
        (lambda: ownership.take([np.zeros((2, 4), np.float32).T], 0), (True, False)),  # a view
        (lambda: ownership.take([np.zeros((4, 4), np.float32)[:, 0].copy()], 0), (True, True)),
        (_read_only, (True, False)),
        (lambda: ownership.take([[1.0, 2.0]], 0), (True, False)),  # not an ndarray
    ],
    ids=["alone", "held-elsewhere", "view", "own-copy", "read-only", "list"],
)
def test_exclusive_and_writable_alone(make, expected):
    found = _alone(make())  # not inside the assert: pytest's rewriting would hold the value
    assert found == expected


def test_a_second_holder_is_seen():
    array = _fresh()
    found = _alone(array)  # the local name is a second holder
    assert found == (False, False)


def _adam_session():
    w = tf.Variable(np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4))
    loss = tf.reduce_sum(w * w * w)
    train = tf.train.AdamOptimizer(0.1).minimize(loss)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    return w, train, sess


def _store_array(sess, w):
    return sess._state.variables[w.op.attrs["var_name"]]


def test_adam_updates_in_place_with_the_same_results(monkeypatch):
    with tf.Graph().as_default():
        w, train, sess = _adam_session()
        sess.run(train)
        before = weakref.ref(_store_array(sess, w))  # a weak reference holds nothing
        for _ in range(5):
            sess.run(train)
        assert _store_array(sess, w) is before()  # written in place
        in_place = sess.run(w)
    monkeypatch.setattr(training_ops, "writable_alone", lambda *args: False)
    with tf.Graph().as_default():
        w, train, sess = _adam_session()
        sess.run(train)
        before = weakref.ref(_store_array(sess, w))
        for _ in range(5):
            sess.run(train)
        assert before() is None  # new arrays every step
        fresh = sess.run(w)
    np.testing.assert_array_equal(in_place, fresh)


def test_adam_never_changes_an_array_someone_holds():
    with tf.Graph().as_default():
        w, train, sess = _adam_session()
        fetched = sess.run(w)
        sess.run(train)
        held = _store_array(sess, w)  # the caller now holds the variable's own array
        copy = held.copy()
        sess.run(train)
        np.testing.assert_array_equal(held, copy)
        assert not np.array_equal(sess.run(w), copy)
        assert not np.array_equal(fetched, sess.run(w))


def test_a_fetch_of_the_same_run_sees_the_update_and_keeps_it():
    # TensorFlow 1.x: the fetched variable is its buffer, updated in place by Adam, so the
    # value returned is the one after the run (test_fetched_variables.py); it is a copy that
    # later runs do not change.
    with tf.Graph().as_default():
        w, train, sess = _adam_session()
        sess.run(train)
        before = sess.run(w)
        _, seen = sess.run([train, w])
        after = sess.run(w)
        np.testing.assert_array_equal(seen, after)
        assert not np.array_equal(seen, before)
        sess.run(train)
        np.testing.assert_array_equal(seen, after)


def test_the_initial_value_is_not_overwritten():
    initial = np.ones((2, 2), np.float32)
    with tf.Graph().as_default():
        w = tf.Variable(initial)
        train = tf.train.AdamOptimizer(0.5).minimize(tf.reduce_sum(w * w))
        sess = tf.Session()
        for _ in range(2):
            sess.run(tf.global_variables_initializer())
            sess.run([train, train])
            sess.run(train)
        np.testing.assert_array_equal(initial, 1.0)
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(w), 1.0)


# Elementwise kernels that may write into a dead first input: whatever the plan hands
# over, values the caller or the graph still holds never change, and results are NumPy's.
_ELEMENTWISE = [
    ("add", lambda a, b: a + b, np.add),
    ("sub", lambda a, b: a - b, np.subtract),
    ("mul", lambda a, b: a * b, np.multiply),
    ("div", lambda a, b: a / b, np.true_divide),
    ("relu of a sum", lambda a, b: tf.nn.relu(a + b), lambda a, b: np.maximum(a + b, 0)),
    ("relu of a fed value", lambda a, b: tf.nn.relu(a), lambda a, b: np.maximum(a, 0)),
    ("chain", lambda a, b: tf.nn.relu((a * b + b) - a) / b,
     lambda a, b: np.maximum((a * b + b) - a, 0) / b),
]


@pytest.mark.parametrize(("build", "expected"), [case[1:] for case in _ELEMENTWISE],
                         ids=[case[0] for case in _ELEMENTWISE])
def test_elementwise_results_and_inputs_survive_reuse(build, expected):
    # Large enough for the kernels to write in place (cwise_ops._IN_PLACE_MIN).
    a_value = np.linspace(-2, 2, 64 * 1024, dtype=np.float32).reshape(64, 1024)
    b_value = np.linspace(0.5, 2, 1024, dtype=np.float32)
    a_copy, b_copy = a_value.copy(), b_value.copy()
    with tf.Graph().as_default():
        a = tf.placeholder(tf.float32, [64, 1024])
        b = tf.constant(b_value)
        y = build(a, b)
        with tf.Session() as sess:
            first = sess.run(y, {a: a_value})
            second = sess.run(y, {a: a_value})
            both = sess.run([y, y * 1.0], {a: a_value})
    want = expected(a_copy, b_copy)
    for got in (first, second, both[0], both[1]):
        np.testing.assert_allclose(got, want, rtol=1e-6)
    np.testing.assert_array_equal(a_value, a_copy)
    np.testing.assert_array_equal(b_value, b_copy)


def test_relu_gradient_in_place_keeps_tensorflows_nan_for_infinite_gradients():
    repeat = 1 << 15  # large enough to be written in place
    with tf.Graph().as_default():
        x = tf.constant(np.tile(np.float32([-1.0, 0.0, 2.0]), repeat))
        y = tf.nn.relu(x)
        g = tf.gradients(y, x, grad_ys=tf.constant(np.tile(np.float32([np.inf, 1.0, 3.0]),
                                                           repeat)) * 1.0)[0]
        with tf.Session() as sess:
            result = sess.run(g)
    np.testing.assert_array_equal(result, np.tile([np.nan, 0.0, 3.0], repeat))
