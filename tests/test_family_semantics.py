"""TensorFlow's behaviour in the op families of session 2, as the oracle measured it.

Each row is a small graph and what TensorFlow returns (or raises, and when): these run
without TensorFlow, so the oracle's findings (tests/oracle, cases_families.py) stay fixed.
"""

import numpy as np
import pytest

import smallflow as tf

NAN, INF = np.nan, np.inf
LOWEST64 = np.finfo(np.float64).min
HIGHEST32 = np.finfo(np.float32).max


def _f64(values):
    return tf.constant(np.array(values, dtype=np.float64))


# (name, build, expected value) -- values measured with TensorFlow.
VALUES = [
    # A running max/min: a NaN is taken, and dropped by the next element; an empty segment
    # holds the lowest (highest) finite value, not -inf (inf).
    ("unsorted_max_nan_then_value", lambda: tf.unsorted_segment_max(
        _f64([1.0, NAN, 2.0, 5.0, NAN]), [0, 0, 0, 1, 1], 3), [2.0, NAN, LOWEST64]),
    ("unsorted_min_empty", lambda: tf.unsorted_segment_min(
        tf.constant([1.0], tf.float32), [0], 2), [1.0, HIGHEST32]),
    ("segment_max_nan_last", lambda: tf.segment_max(_f64([1.0, NAN, 2.0]), [0, 0, 1]),
     [NAN, 2.0]),
    ("segment_min_nan_first", lambda: tf.segment_min(_f64([NAN, 1.0, 2.0]), [0, 0, 1]),
     [1.0, 2.0]),
    # Sorted segments: a gap in the ids leaves 0 (max/min); integer means truncate.
    ("segment_max_gap", lambda: tf.segment_max(_f64([1.0, 5.0]), [0, 2]), [1.0, 0.0, 5.0]),
    ("segment_mean_int", lambda: tf.segment_mean(tf.constant([3, -4, 5]), [0, 0, 1]), [0, 5]),
    ("segment_mean_uint8", lambda: tf.segment_mean(tf.constant([3, 4], tf.uint8), [0, 0]),
     [3]),
    # top_k of unsigned integers (no negation wrap-around), ties in index order.
    ("top_k_uint8", lambda: tf.nn.top_k(tf.constant([[3, 1, 3, 200]], tf.uint8), 3).indices,
     [[3, 0, 2]]),
    ("sort_uint8", lambda: tf.sort(tf.constant([3, 1, 200, 0], tf.uint8)), [0, 1, 3, 200]),
    # Complex squared difference is (x - y) * conj(x - y).
    ("squared_difference_complex", lambda: tf.squared_difference(
        tf.constant([1 + 2j]), tf.constant([0j])), [5 + 0j]),
    # tensor_scatter_nd_update takes every dtype.
    ("tensor_scatter_update_string", lambda: tf.tensor_scatter_nd_update(
        tf.constant(["a", "b"]), [[1]], tf.constant(["z"])), [b"a", b"z"]),
    ("tensor_scatter_update_bool", lambda: tf.tensor_scatter_nd_update(
        tf.constant([True, True]), [[0]], tf.constant([False])), [False, True]),
    ("scatter_nd_string", lambda: tf.scatter_nd([[1], [1]], tf.constant(["a", "b"]), [2]),
     [b"", b"ab"]),
    # Unique keeps every NaN apart; scatter_max keeps the variable's value against a NaN.
    ("unique_nan", lambda: tf.unique(_f64([NAN, 1.0, NAN, 1.0])).idx, [0, 1, 2, 1]),
    ("scatter_max_nan", lambda: tf.scatter_max(tf.Variable([1.0, NAN, 3.0]), [0, 1, 2],
                                               [NAN, 2.0, 1.0]), [1.0, NAN, 3.0]),
    # sparse_softmax_cross_entropy squeezes [N, 1] weights for [N] labels.
    ("sparse_xent_weights_squeezed", lambda: tf.losses.sparse_softmax_cross_entropy(
        tf.constant([1, 2]), tf.constant([[1.0, 2.0, 0.5], [0.1, 0.2, 3.0]]),
        weights=tf.constant([[1.0], [0.5]])), 0.259585),
]


@pytest.mark.parametrize(("name", "build", "expected"), VALUES, ids=[v[0] for v in VALUES])
def test_values_match_tensorflow(name, build, expected):
    with tf.Graph().as_default():
        out = build()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got = sess.run(out)
    if np.asarray(got).dtype == object:
        assert np.asarray(got).tolist() == expected
    else:
        np.testing.assert_allclose(got, expected, rtol=1e-5)


# (name, build, error class, stage) -- TensorFlow's class and stage (build or run).
ERRORS = [
    ("segment_ids_not_increasing", lambda: tf.segment_sum(_f64([1.0, 2.0, 4.0]), [1, 0, 1]),
     tf.errors.InvalidArgumentError, "run"),
    ("cumsum_axis_out_of_range", lambda: tf.cumsum(_f64([1.0, 2.0]), 1),
     tf.errors.InvalidArgumentError, "run"),
    ("top_k_constant_k_too_big", lambda: tf.nn.top_k(_f64([[1.0, 2.0]]), 3), ValueError,
     "build"),
    ("scatter_nd_updates_shape", lambda: tf.scatter_nd([[1]], _f64([1.0, 2.0]), [3]),
     ValueError, "build"),
    ("reverse_sequence_batch_mismatch", lambda: tf.reverse_sequence(
        _f64([[1.0, 2.0]]), [1, 1], seq_axis=1, batch_axis=0), ValueError, "build"),
    ("lrn_float64", lambda: tf.nn.lrn(tf.ones([1, 1, 1, 2], tf.float64)), TypeError, "build"),
    ("sort_bool", lambda: tf.sort(tf.constant([True, False])), TypeError, "build"),
    ("setdiff1d_bool_has_no_kernel", lambda: tf.setdiff1d([True], [False])[0],
     tf.errors.InvalidArgumentError, "run"),
]


@pytest.mark.parametrize(("name", "build", "error", "stage"), ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_match_tensorflow(name, build, error, stage):
    with tf.Graph().as_default():
        if stage == "build":
            with pytest.raises(error):
                build()
            return
        out = build()
        with tf.Session() as sess, pytest.raises(error):
            sess.run(out)


def test_reverse_sequence_takes_its_batch_size_from_seq_lengths():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [None, None])
        assert tf.reverse_sequence(x, [1, 2], seq_axis=1, batch_axis=0).shape.as_list() == [
            2, None]


def test_read_file_and_matching_files_run():
    with tf.Graph().as_default(), tf.Session() as sess:
        contents, names = sess.run([tf.read_file(__file__), tf.matching_files(__file__)])
    assert contents.startswith(b'"""TensorFlow')
    assert names.tolist() == [__file__.encode()]


@pytest.mark.parametrize("dtype", [tf.float16, tf.float32, tf.complex64])
def test_linear_algebra_runs_in_every_declared_dtype(dtype):
    with tf.Graph().as_default():
        m = tf.constant(np.array([[4.0, 2.0], [2.0, 3.0]]).astype(dtype.as_numpy_dtype))
        outs = [tf.matrix_inverse(m), tf.matrix_determinant(m), *tf.linalg.slogdet(m),
                tf.cholesky(m), tf.matrix_solve(m, m), *tf.qr(m)]
        with tf.Session() as sess:
            values = sess.run(outs)
    assert all(v.dtype == dtype.as_numpy_dtype for v in values)
    np.testing.assert_allclose(values[1], 8.0, rtol=1e-2)
