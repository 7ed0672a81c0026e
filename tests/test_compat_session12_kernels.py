"""Session 12: what running TensorFlow's own op tests (``tensorflow/python/kernel_tests``)
against smallflow showed. ``tensorflow.python.framework.test_util`` and the module paths the
tests import; then each behaviour difference they revealed, checked here against NumPy or
TensorFlow 1.x's documented rule. The oracle cases ``session12_kernels/*`` compare the same
behaviours with TensorFlow."""

import importlib
import unittest
import warnings

import numpy as np
import pytest

import smallflow as tf
from smallflow.python.framework import test_util


def _run(fetches, feed_dict=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed_dict)


def _run_case(case_class, name):
    """Run one test method of a TestCase class; the unittest result."""
    result = unittest.TestResult()
    case_class(name).run(result)
    return result


# -- test_util -------------------------------------------------------------------------------


def test_run_in_graph_and_eager_modes_runs_the_test_in_both_modes():
    modes = []

    class Case(test_util.TensorFlowTestCase):
        @test_util.run_in_graph_and_eager_modes
        def test_add(self):
            modes.append(tf.executing_eagerly())
            z = tf.add(tf.constant([1, 2]), tf.constant([3, 4]))
            self.assertAllEqual([4, 6], self.evaluate(z))

    result = _run_case(Case, "test_add")
    assert result.wasSuccessful(), result.failures + result.errors
    assert modes == [False, True]
    assert not tf.executing_eagerly()


def test_run_in_graph_and_eager_modes_reports_a_failure_of_either_mode():
    class Case(test_util.TensorFlowTestCase):
        @test_util.run_in_graph_and_eager_modes
        def test_wrong(self):
            expected = [5, 6] if tf.executing_eagerly() else [4, 6]
            self.assertAllEqual(expected, self.evaluate(tf.constant([4, 6])))

    result = _run_case(Case, "test_wrong")
    assert len(result.failures) == 1


def test_graph_mode_decorators_leave_eager_mode():
    modes = []

    class Case(test_util.TensorFlowTestCase):
        @test_util.run_deprecated_v1
        def test_v1(self):
            modes.append(tf.executing_eagerly())
            x = tf.placeholder(tf.float32)
            with self.cached_session() as sess:
                assert sess.run(x * 2.0, {x: 3.0}) == 6.0

    from smallflow.eager import context

    with context.eager_mode():
        result = _run_case(Case, "test_v1")
    assert result.wasSuccessful(), result.failures + result.errors
    assert modes == [False]


def test_run_v2_only_and_gpu_only_tests_are_skipped():
    class Case(test_util.TensorFlowTestCase):
        @test_util.run_v2_only
        def test_v2(self):
            raise AssertionError("ran")

        @test_util.run_gpu_only
        def test_gpu(self):
            raise AssertionError("ran")

    for name in ("test_v2", "test_gpu"):
        result = _run_case(Case, name)
        assert len(result.skipped) == 1
        assert result.wasSuccessful()


def test_eager_evaluate_and_sessions_give_numpy_values():
    from smallflow.eager import context

    case = test_util.TensorFlowTestCase()
    with context.eager_mode():
        values = case.evaluate({"a": tf.constant([1.0, 2.0]), "b": [tf.constant(3)]})
        with case.cached_session() as sess:
            fetched = sess.run(tf.constant(5))
            with pytest.raises(RuntimeError, match="feed_dict"):
                sess.run(tf.constant(5), feed_dict={"x": 1})
    np.testing.assert_array_equal(values["a"], [1.0, 2.0])
    assert values["b"][0] == 3
    assert fetched == 5


def test_python2_assertion_names_work_without_warnings():
    case = test_util.TensorFlowTestCase()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with case.assertRaisesRegexp(ValueError, "bad .* value"):  # noqa: PT027
            raise ValueError("a bad input value")
        case.assertEquals(2, 2)  # noqa: PT009
        case.assertRegexpMatches("abc", "b")  # noqa: PT009
        with pytest.raises(AssertionError):
            case.assertEquals(1, 2)  # noqa: PT009


def test_layout_helpers_permute_shapes_and_tensors():
    assert test_util.NHWCToNCHW([1, 2, 3, 4]) == [1, 4, 2, 3]
    assert test_util.NCHWToNHWC([1, 4, 2, 3]) == [1, 2, 3, 4]
    assert test_util.NHWCToNCHW([1, 2, 3, 4, 5]) == [1, 5, 2, 3, 4]
    x = np.arange(24).reshape(1, 2, 3, 4)
    np.testing.assert_array_equal(_run(test_util.NHWCToNCHW(tf.constant(x))),
                                  x.transpose(0, 3, 1, 2))


@pytest.mark.parametrize(("module", "name", "expected"), [
    ("smallflow.python.platform.test", "TestCase", tf.test.TestCase),
    ("smallflow.python.framework.errors_impl", "InvalidArgumentError",
     tf.errors.InvalidArgumentError),
    ("smallflow.python.framework.sparse_tensor", "SparseTensor", tf.SparseTensor),
    ("smallflow.python.ops.gradient_checker", "compute_gradient", tf.test.compute_gradient),
    ("smallflow.python.ops.gradients_impl", "gradients", tf.gradients),
    ("smallflow.python.ops.sparse_ops", "sparse_tensor_to_dense", tf.sparse_tensor_to_dense),
    ("smallflow.python.ops.nn_impl", "l2_normalize", tf.nn.l2_normalize),
    ("smallflow.python.ops.variables", "VariableV1", tf.Variable),
    ("smallflow.python.ops.variables", "RefVariable", tf.Variable),
    ("smallflow.python.client.session", "Session", tf.Session),
    ("smallflow.python.training.gradient_descent", "GradientDescentOptimizer",
     tf.train.GradientDescentOptimizer),
    ("smallflow.python.util.compat", "as_bytes", tf.compat.as_bytes),
    ("smallflow.python.compat.compat", "forward_compatible", tf.compat.forward_compatible),
])
def test_tensorflow_python_module_paths_answer_with_the_public_names(module, name, expected):
    assert getattr(importlib.import_module(module), name) is expected


def test_resource_variable_is_a_variable_made_with_use_resource():
    from smallflow.python.ops import resource_variable_ops

    v = resource_variable_ops.ResourceVariable([1.0, 2.0], name="rv")
    assert isinstance(v, tf.Variable)
    with tf.Session() as sess:
        sess.run(v.initializer)
        np.testing.assert_array_equal(sess.run(v), [1.0, 2.0])


def test_eager_context_module_is_smallflows():
    from smallflow.eager import context
    from smallflow.python.eager import context as python_context

    assert python_context.eager_mode is context.eager_mode
    assert python_context.executing_eagerly is context.executing_eagerly


def test_tf2_is_never_enabled():
    from smallflow.python import tf2

    assert tf2.enabled() is False


# -- tf.compat.forward_compatible ------------------------------------------------------------


def test_forward_compatible_compares_with_the_horizon(monkeypatch):
    monkeypatch.delenv("TF_FORWARD_COMPATIBILITY_DELTA_DAYS", raising=False)
    assert tf.compat.forward_compatible(2019, 4, 7)
    assert not tf.compat.forward_compatible(2030, 1, 1)
    with tf.compat.forward_compatibility_horizon(2030, 1, 2):
        assert tf.compat.forward_compatible(2030, 1, 1)
    assert not tf.compat.forward_compatible(2030, 1, 1)
    monkeypatch.setenv("TF_FORWARD_COMPATIBILITY_DELTA_DAYS", str(365 * 20))
    assert tf.compat.forward_compatible(2030, 1, 1)


# -- behaviour differences the kernel tests revealed -----------------------------------------


@pytest.mark.parametrize("dtype", [tf.complex64, tf.complex128])
def test_pow_gradient_of_complex_numbers(dtype):
    # d(x^y)/dy = x^y log x, d(x^y)/dx = y x^(y-1); TensorFlow returns the conjugates.
    for base in (2.0 + 1.0j, -2.0, 0.0):
        x = tf.constant(base, dtype=dtype)
        y = tf.constant(2.0 - 0.5j, dtype=dtype)
        gx, gy = tf.gradients(tf.pow(x, y), [x, y])
        got_x, got_y = _run([gx, gy])
        b = np.complex128(base)
        e = np.complex128(2.0 - 0.5j)
        want_x = np.conj(e * b ** (e - 1)) if base != 0 else got_x
        want_y = np.conj(b ** e * np.log(b)) if base != 0 else 0.0
        np.testing.assert_allclose(got_x, want_x, rtol=1e-5)
        np.testing.assert_allclose(got_y, want_y, rtol=1e-5, atol=1e-6)


def test_empty_python_list_converts_to_bool():
    empty = tf.constant([], dtype=tf.bool)
    assert empty.dtype == tf.bool
    all_, any_ = _run([tf.reduce_all([], [0]), tf.reduce_any([], [0])])
    assert all_
    assert not any_
    with pytest.raises(TypeError):
        tf.constant([1.5], dtype=tf.bool)


def test_reduce_all_still_refuses_a_float_tensor():
    with pytest.raises(TypeError, match="bool"):
        tf.reduce_all(tf.constant([1.0]))


def test_gradient_checker_takes_a_y_shape_of_the_same_size():
    x = np.arange(1.0, 7.0).reshape(2, 3)
    with tf.Session():
        t = tf.convert_to_tensor(x)
        theoretical, numerical = tf.test.compute_gradient(t, [2, 3], tf.reduce_max(t), [1],
                                                          x_init_value=x, delta=1)
    want = np.zeros((6, 1))
    want[5, 0] = 1.0
    np.testing.assert_allclose(theoretical, want)
    np.testing.assert_allclose(numerical, want)
    with tf.Session(), pytest.raises(ValueError, match="y_shape"):
        tf.test.compute_gradient(t, [2, 3], tf.reduce_max(t), [2], x_init_value=x)
