"""tf.py_function: the function gets values with .numpy(); outputs follow Tout."""

import numpy as np
import pytest

import smallflow as tf
from smallflow import errors

CASES = [
    ("one_output", lambda x: tf.py_function(lambda a: a.numpy() * 2 + 1, [x], tf.float32),
     [3.0, 5.0]),
    ("list_of_outputs", lambda x: tf.py_function(lambda a: [a + a, np.sum(a.numpy())], [x],
                                                 [tf.float32, tf.float64]),
     [[2.0, 4.0], 3.0]),
    ("arithmetic_on_values", lambda x: tf.py_function(lambda a: (a * a).numpy(), [x],
                                                      tf.float32), [1.0, 4.0]),
    ("strings", lambda x: tf.py_function(lambda a: b"n=" + str(a.shape[0]).encode(), [x],
                                         tf.string), b"n=2"),
]


@pytest.mark.parametrize(("name", "build", "expected"), CASES, ids=[c[0] for c in CASES])
def test_py_function(name, build, expected):
    x = tf.constant([1.0, 2.0])
    with tf.Session() as sess:
        out = sess.run(build(x))
    if isinstance(expected, bytes):
        assert out == expected
    elif isinstance(expected[0], list):
        for got, want in zip(out, expected):
            np.testing.assert_allclose(got, want)
    else:
        np.testing.assert_allclose(out, expected)


def test_py_function_errors_are_reported_with_their_text():
    y = tf.py_function(lambda a: 1 / 0, [tf.constant(1.0)], tf.float32)
    with tf.Session() as sess, pytest.raises(errors.UnknownError, match="ZeroDivisionError"):
        sess.run(y)


def test_py_function_gradient_is_a_lookup_error():
    x = tf.constant(1.0)
    y = tf.py_function(lambda a: a * 2, [x], tf.float32)
    with pytest.raises(LookupError, match="EagerPyFunc"):
        tf.gradients(y, x)
