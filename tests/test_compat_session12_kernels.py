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
        z = tf.pow(x, y)
        gx, gy = tf.gradients(z, [x, y], grad_ys=tf.ones_like(z))
        got_x, got_y = _run([gx, gy])
        b = np.complex128(base)
        e = np.complex128(2.0 - 0.5j)
        want_x = np.conj(e * b ** (e - 1)) if base != 0 else got_x
        want_y = np.conj(b ** e * np.log(b)) if base != 0 else 0.0
        np.testing.assert_allclose(got_x, want_x, rtol=1e-5)
        np.testing.assert_allclose(got_y, want_y, rtol=1e-5, atol=1e-6)


def test_gradients_of_a_complex_tensor_need_grad_ys():
    x = tf.constant(1.0 + 2.0j, dtype=tf.complex64)
    with pytest.raises(TypeError, match="must set grad_ys"):
        tf.gradients(x * x, x)
    grad = tf.gradients(x * x, x, grad_ys=tf.constant(1.0 + 0.0j, dtype=tf.complex64))[0]
    np.testing.assert_allclose(_run(grad), np.conj(2 * (1.0 + 2.0j)))


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


def test_dense_cross_entropy_has_a_second_derivative():
    logits = np.array([0.1, 0.2, 0.3, 0.4, 0.1, 0.4, 0.9, 1.6, 0.1, 0.8, 2.7, 6.4])
    labels = np.array([0.0, 0.0, 1 / 3, 0.0, 1 / 3, 0.0, 0.0, 0.0, 0.0, 0.5 / 3, 0.0, 0.5 / 3])
    f = tf.constant(logits.reshape(3, 4))
    loss = tf.reduce_sum(tf.nn.softmax_cross_entropy_with_logits(labels=labels.reshape(3, 4),
                                                                 logits=f))
    hessian = _run(tf.hessians(loss, f)[0]).reshape(12, 12)
    # The Hessian of each row's cross entropy is diag(p) - p p^T.
    p = np.exp(logits.reshape(3, 4))
    p /= p.sum(axis=1, keepdims=True)
    want = np.zeros((12, 12))
    for row in range(3):
        block = np.diag(p[row]) - np.outer(p[row], p[row])
        want[row * 4:(row + 1) * 4, row * 4:(row + 1) * 4] = block
    np.testing.assert_allclose(hessian, want, atol=1e-12)


def test_sparse_cross_entropy_refuses_a_second_derivative():
    logits = tf.constant([[1.0, 2.0], [0.5, 0.1]])
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 1],
                                                                         logits=logits))
    grad = tf.gradients(loss, logits)[0]
    np.testing.assert_allclose(_run(grad), (_softmax([[1.0, 2.0], [0.5, 0.1]])
                                            - [[1, 0], [0, 1]]) / 2, rtol=1e-6)
    with pytest.raises(LookupError, match="explicitly disabled"):
        tf.gradients(grad, logits)


def _softmax(x):
    e = np.exp(np.asarray(x) - np.max(x, axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_sparse_cross_entropy_errors_are_tensorflows():
    with pytest.raises(ValueError, match="Logits cannot be scalars"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.constant(0),
                                                       logits=tf.constant(1.0))
    labels = tf.placeholder(tf.int32)
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=[[7.0], [8.0]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="labels must be 1-D, but got "
                                                             r"shape \[\]"):
        _run(loss, {labels: 0})
    with pytest.raises(tf.errors.InvalidArgumentError, match="same first dimension, got "
                                                             r"logits shape \[2, 1\]"):
        _run(loss, {labels: [0]})


def test_raw_cross_entropy_ops_give_loss_and_backprop():
    from smallflow.python.ops import gen_nn_ops

    features = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]], np.float32)
    dense = np.array([[0.0, 0.0, 1.0], [0.5, 0.5, 0.0]], np.float32)
    loss, backprop = _run(gen_nn_ops.softmax_cross_entropy_with_logits(features, dense))
    p = _softmax(features)
    np.testing.assert_allclose(loss, -(dense * np.log(p)).sum(axis=1), rtol=1e-6)
    np.testing.assert_allclose(backprop, p - dense, rtol=1e-6)
    loss, backprop = _run(gen_nn_ops.sparse_softmax_cross_entropy_with_logits(features, [2, 0]))
    np.testing.assert_allclose(loss, -np.log(p[[0, 1], [2, 0]]), rtol=1e-6)
    np.testing.assert_allclose(backprop, p - np.eye(3)[[2, 0]], rtol=1e-6)
    with pytest.raises(ValueError, match="broadcasted with rank 2, but is rank 3"):
        gen_nn_ops.softmax_cross_entropy_with_logits(features[None], dense[None])
    with pytest.raises(ValueError, match="must be rank 1 but is rank 2"):
        gen_nn_ops.sparse_softmax_cross_entropy_with_logits(features, [[2], [0]])


def test_shape_size_rank_of_a_known_shape_are_constants():
    x = tf.placeholder(tf.float32, shape=[0, 3])
    shape, size, rank = tf.shape(x), tf.size(x), tf.rank(x)
    assert [t.op.type for t in (shape, size, rank)] == ["Const"] * 3
    assert [t.op.name for t in (shape, size, rank)] == ["Shape", "Size", "Rank"]
    got = _run([shape, size, rank, tf.shape(x, out_type=tf.int64)])  # nothing fed
    np.testing.assert_array_equal(got[0], [0, 3])
    assert got[1:3] == [0, 2]
    assert got[3].dtype == np.int64
    # A zero dimension fixes the size even when another is unknown.
    assert _run(tf.size(tf.placeholder(tf.float32, [None, 0]))) == 0
    partial = tf.placeholder(tf.float32, shape=[None, 3])
    assert tf.shape(partial).op.type == "Shape"
    assert tf.size(partial).op.type == "Size"
    assert tf.rank(tf.placeholder(tf.float32)).op.type == "Rank"
    np.testing.assert_array_equal(_run(tf.shape(partial), {partial: np.zeros((5, 3))}), [5, 3])


@pytest.mark.parametrize("batched", [False, True])
def test_matmul_adjoint_conjugates_complex_operands(batched):
    rng = np.random.default_rng(0)
    a = rng.normal(size=(3, 2)) + 1j * rng.normal(size=(3, 2))
    b = rng.normal(size=(3, 4)) + 1j * rng.normal(size=(3, 4))
    if batched:
        a, b = a[None], b[None]
    got = _run([tf.matmul(a, b, adjoint_a=True),
                tf.matmul(np.swapaxes(a, -1, -2), np.swapaxes(b, -1, -2), adjoint_b=True),
                tf.matmul(a, b, transpose_a=True)])
    adjoint_a = np.swapaxes(a, -1, -2).conj()
    np.testing.assert_allclose(got[0], adjoint_a @ b)
    np.testing.assert_allclose(got[1], np.swapaxes(a, -1, -2) @ b.conj())
    np.testing.assert_allclose(got[2], np.swapaxes(a, -1, -2) @ b)
    with pytest.raises(ValueError, match="Only one of transpose_a and adjoint_a"):
        tf.matmul(a, b, transpose_a=True, adjoint_a=True)


def test_gradient_checker_v2_differentiates_a_function():
    from smallflow.python.ops import gradient_checker_v2

    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    theoretical, numerical = gradient_checker_v2.compute_gradient(
        lambda t: tf.reduce_sum(t * t, axis=1), [x])
    want = np.zeros((4, 2))
    want[[0, 1], 0] = 2 * x[0]
    want[[2, 3], 1] = 2 * x[1]
    np.testing.assert_allclose(theoretical[0], want)
    np.testing.assert_allclose(numerical[0], want, atol=1e-6)
    assert gradient_checker_v2.max_error(theoretical, numerical) < 1e-6
    from smallflow.eager import context

    with context.eager_mode():
        eager_theoretical, _ = gradient_checker_v2.compute_gradient(tf.square, [x])
    np.testing.assert_allclose(eager_theoretical[0], np.diag(2 * x.ravel()))


def test_numpy_zero_d_integer_arrays_index_tensors():
    a = tf.constant([1, 2, 3])
    for index in (np.asarray(1), np.asarray(1).astype(np.int64), np.asarray(1, np.int32)):
        got = _run([a[index], a[index:index + 1]])
        assert got[0] == 2
        np.testing.assert_array_equal(got[1], [2])
    with pytest.raises(TypeError, match="valid indices"):
        a[np.asarray([1])]


@pytest.mark.parametrize(("value", "index"), [(0, np.s_[:]), ([1, 2], np.s_[1:, 1:])])
def test_too_many_indices_fed_at_run_time_name_the_input_dims(value, index):
    p = tf.placeholder(tf.int32)
    rank = np.ndim(value)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=f"Index out of range using input dim {rank}; input has only "
                             f"{rank} dims"):
        _run(p[index], {p: value})


def test_conjugate_transpose_and_adjoint():
    a = np.array([[1 + 2j, 3 - 1j, 0.5j]])
    x = tf.constant(a)
    got = _run([tf.transpose(x, conjugate=True), tf.linalg.adjoint(x),
                tf.matrix_transpose(x, conjugate=True), tf.linalg.transpose(x),
                tf.transpose(tf.constant([[1.0, 2.0]]), conjugate=True)])
    for value in got[:3]:
        np.testing.assert_array_equal(value, a.conj().T)
    np.testing.assert_array_equal(got[3], a.T)
    np.testing.assert_array_equal(got[4], [[1.0], [2.0]])
    assert tf.transpose(x, conjugate=True).op.type == "ConjugateTranspose"
    assert tf.linalg.adjoint(x).name.startswith("adjoint_1/matrix_transpose/")
    # d/dx sum(|conj(x)^T * w|) equals the same for x itself: the gradient is conjugated back.
    w = np.array([[1j], [2.0], [-1.0]])
    grad = _run(tf.gradients(tf.reduce_sum(tf.abs(tf.transpose(x, conjugate=True) * w)), x))
    direct = _run(tf.gradients(tf.reduce_sum(tf.abs(tf.conj(tf.transpose(x)) * w)), x))
    np.testing.assert_allclose(grad[0], direct[0])


def test_transpose_permutation_errors_are_tensorflows():
    x = np.arange(30.0).reshape(2, 3, 5)
    with pytest.raises(ValueError, match="Shape must be rank 1 but is rank 2"):
        tf.transpose(x, [[0, 1], [2, 3]])
    with pytest.raises(ValueError, match="perm dim 3 is out of range of input rank 3"):
        tf.transpose(x, [0, 1, 3])
    repeated = tf.transpose(x, [0, 1, 1])  # found when the graph runs, as TensorFlow
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"2 is missing from \{0,1,1\}"):
        _run(repeated)


def test_split_errors_are_tensorflows():
    with pytest.raises(ValueError, match="should evenly divide"):
        tf.split([0, 1, 2, 3], 3)
    with pytest.raises(ValueError, match="Length of size_splits should be equal"):
        tf.split(list(range(10)), tf.constant([2, 2, 6]), num=4)
    axis = tf.placeholder(tf.int32)
    sizes = tf.placeholder(tf.int32, [3])
    parts = tf.split(np.zeros([5, 30]), sizes, axis=axis)
    with pytest.raises(tf.errors.InvalidArgumentError, match="must have exactly one element"):
        _run(parts, {axis: np.array([], np.int32), sizes: [4, 11, 15]})
    got = _run(parts, {axis: np.array([1], np.int32), sizes: [4, 11, 15]})
    assert [g.shape for g in got] == [(5, 4), (5, 11), (5, 15)]


def test_arg_max_min_of_an_empty_axis_is_an_invalid_argument():
    for op in (tf.argmax, tf.argmin):
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"Reduction axis 0 is empty in shape \[0\]"):
            _run(op([], 0))
    assert _run(tf.argmax(tf.zeros([2, 0]), 0)).shape == (0,)


def test_top_k_of_a_negative_k():
    k = tf.placeholder(tf.int32)
    values, _ = tf.nn.top_k([[0.1, 0.2], [0.3, 0.4]], k)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Need k >= 0, got -7"):
        _run(values, {k: -7})


@pytest.mark.parametrize("where", [tf.where_v2, tf.where])
def test_where_casts_a_numpy_integer_condition(where):
    pred = np.array([1, 0, 0]).reshape(3, 1) if where is tf.where_v2 else np.array([1, 0, 0])
    x = np.arange(12.0).reshape(3, 4)
    got = _run(where(pred, x, -x))
    np.testing.assert_array_equal(got, np.where(pred.reshape(3, -1), x, -x))
    with pytest.raises(TypeError, match="bool"):
        where(tf.constant([1, 0, 0]), x[:, 0], -x[:, 0])


def test_clip_by_norm_refuses_a_clip_norm_that_changes_the_shape():
    x = tf.constant([-3.0, 0.0, 0.0, 4.0, 0.0, 0.0], shape=[2, 3, 1])
    with pytest.raises(ValueError, match="clip_norm of shape"):
        tf.clip_by_norm(x, tf.constant([1.0, 2.0]))
    np.testing.assert_allclose(_run(tf.clip_by_norm(x, 2.5)).ravel(),
                               [-1.5, 0, 0, 2, 0, 0])


def test_string_pad_uses_its_constant_value():
    x = tf.constant([["Hello", "World"], ["Goodnight", "Moon"]])
    padded, default = _run([tf.pad(x, [[1, 0], [0, 1]], constant_values="PAD"),
                            tf.pad(x, [[1, 0], [0, 1]])])
    assert padded.tolist() == [[b"PAD"] * 3, [b"Hello", b"World", b"PAD"],
                               [b"Goodnight", b"Moon", b"PAD"]]
    assert default.tolist() == [[b""] * 3, [b"Hello", b"World", b""],
                                [b"Goodnight", b"Moon", b""]]


@pytest.mark.parametrize(("shape", "target", "want"), [
    ([0, 6], [0, -1, 3], (0, 2, 3)), ([0], [0, -1, 3], (0, 0, 3)),
    ([0, 6], [0, -1, 4], (0, 1, 4)), ([0, 6], [-1, 0], (6, 0)), ([2, 0], [-1, 0, 3], (0, 0, 3))])
def test_reshape_of_zero_elements_infers_minus_one_from_nonzero_dims(shape, target, want):
    y = tf.reshape(tf.zeros(shape), target)
    assert y.shape.as_list() == [None if d == -1 else d for d in target]
    assert _run(y).shape == want
    p = tf.placeholder(tf.float32)
    assert _run(tf.reshape(p, target), {p: np.zeros(shape)}).shape == want


def test_concat_of_one_tensor_checks_its_axis():
    a = tf.Variable(tf.constant(1.0, shape=[1]))
    b = tf.Variable(tf.constant(2.0, shape=[1]))
    with pytest.raises(ValueError, match="Incompatible type conversion"):
        tf.concat(b, a)
    with pytest.raises(TypeError, match="Expected int32"):
        tf.concat(1, 4.2)
    with pytest.raises(ValueError, match=r"must have rank 0"):
        tf.concat(1, tf.constant(0, shape=[1]))
    with tf.Graph().as_default():
        single = tf.concat([tf.constant([1, 2])], tf.constant(0))
        assert single.name == "concat/concat:0"
        assert tf.concat(tf.constant([1]), 0, name="foo").name == "foo/foo:0"
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(single), [1, 2])


def test_concat_refuses_a_vector_axis_and_no_values():
    with pytest.raises(ValueError, match="Shape must be rank 0 but is rank 1"):
        tf.concat([tf.constant([1.0]), tf.constant([2.0])], [0])
    with pytest.raises(ValueError, match="length 0 shorter than minimum length 2"):
        tf.concat([], 0)


@pytest.mark.parametrize(("params_shape", "indices_shape", "batch_dims", "axis"), [
    ((2, 4), (2, 3), 1, None), ((2, 3, 4), (2, 3, 5), 2, None), ((2, 3, 4), (2, 5), 1, 2),
    ((2, 3, 4, 2), (2, 3, 2), 1, 2), ((2, 3, 4), (2, 3), -1, None), ((3, 4), (2,), None, 1)])
def test_gather_with_batch_dims_matches_gathering_each_batch_entry(params_shape, indices_shape,
                                                                   batch_dims, axis):
    params = np.arange(np.prod(params_shape)).reshape(params_shape).astype(np.float64)
    b = 0 if batch_dims is None else batch_dims % len(indices_shape)
    gather_axis = b if axis is None else axis
    rng = np.random.default_rng(1)
    indices = rng.integers(0, params_shape[gather_axis], size=indices_shape).astype(np.int32)

    def numpy_gather(p, i, dims, ax):
        if dims == 0:
            return np.take(p, i, axis=ax)
        return np.stack([numpy_gather(p[k], i[k], dims - 1, ax - 1) for k in range(len(p))])

    want = numpy_gather(params, indices, b, gather_axis)
    x = tf.constant(params)
    result = tf.gather(x, indices, axis=axis, batch_dims=batch_dims)
    assert result.shape.as_list() == list(want.shape)
    np.testing.assert_array_equal(_run(result), want)
    # The gradient adds each output's gradient back at the gathered position.
    grad = _run(tf.gradients(tf.reduce_sum(result * result), x)[0])
    expected = np.zeros_like(params)
    numpy_grad = 2 * want
    flat = np.arange(params.size).reshape(params_shape)
    np.add.at(expected.reshape(-1), numpy_gather(flat, indices, b, gather_axis).ravel(),
              numpy_grad.ravel())
    np.testing.assert_allclose(grad, expected)


def test_gather_axis_errors_and_unknown_axis_shape():
    with pytest.raises(ValueError, match="Shape must be at least rank 2 but is rank 1"):
        tf.gather([0, 1, 2], 0, axis=1)
    with pytest.raises(ValueError, match="Shape must be at least rank 3 but is rank 1"):
        tf.gather([0, 1, 2], 0, axis=2)
    axis = tf.placeholder(tf.int32)
    assert tf.gather(tf.constant([[0, 1, 2]]), tf.constant([[0, 0], [0, 0]]),
                     axis=axis).shape.as_list() == [None, None, None]
    with pytest.raises(ValueError, match="batch_dims = 2 must be less than rank"):
        tf.gather(tf.zeros([2, 3]), tf.zeros([2, 3], tf.int32), batch_dims=2)


def test_stack_of_a_numpy_array_is_its_rows():
    data = np.arange(6, dtype=np.float32).reshape(2, 3)
    stacked = tf.stack(data)
    assert stacked.op.type == "Const"
    np.testing.assert_array_equal(_run(stacked), data)
    np.testing.assert_array_equal(_run(tf.stack(data, axis=1)), data.T)


def test_a_list_with_tensors_converts_to_a_requested_dtype():
    f64 = tf.constant([0.0, 1.0, 2.0], dtype=tf.float64)
    t = tf.convert_to_tensor([[0.0, 0.0, 0.0], f64], dtype=tf.float32)
    assert t.dtype == tf.float32
    mixed = tf.convert_to_tensor([tf.constant([1.0, 2.0]), tf.constant([3, 4])],
                                 dtype=tf.float64)
    np.testing.assert_array_equal(_run(mixed), [[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(TypeError, match="Cannot convert a list containing a tensor"):
        tf.convert_to_tensor([tf.constant([0.0]), tf.constant([0.0], dtype=tf.float64)])


def test_raw_array_op_names_of_tensorflows_modules():
    from smallflow.python.eager import function
    from smallflow.python.ops import array_ops, gen_array_ops

    base = tf.zeros([4])
    added = array_ops.scatter_nd_non_aliasing_add(base, [[1], [1], [3]], [1.0, 2.0, 5.0])
    np.testing.assert_array_equal(_run(added), [0.0, 3.0, 0.0, 5.0])
    joined = gen_array_ops.concat_v2([[1, 2], [3]], 0)
    np.testing.assert_array_equal(_run(joined), [1, 2, 3])
    assert function.defun is tf.contrib.eager.defun
