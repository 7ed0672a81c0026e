"""Session 13 (helper kernels2): what running more of TensorFlow's own op tests
(``tensorflow/python/kernel_tests``: linalg, strings, unicode, sparse) against smallflow
showed. Each behaviour is checked against NumPy or TensorFlow 1.x's documented rule; the
oracle cases ``session13_kernels2/*`` compare the same behaviours with TensorFlow."""

import importlib

import numpy as np
import pytest

import smallflow as tf
from smallflow.python.eager import context
from smallflow.python.framework import test_util
from smallflow.tensor_shape import Dimension


def _run(fetches, feed_dict=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed_dict)


_RNG = np.random.RandomState(13)
_COMPLEX = _RNG.randn(2, 3, 4) + 1j * _RNG.randn(2, 3, 4)


# -- tf.norm --------------------------------------------------------------------------------


@pytest.mark.parametrize(("ord_", "axis"), [("euclidean", None), (2, 0), ("fro", (0, 2)),
                                        (1, -1), (np.inf, (1, 2)), (1, (2, 1)), (3, 1)])
def test_norm_of_complex_tensors_is_the_norm_of_the_moduli(ord_, axis):
    # It squared complex numbers without conjugating them (complex, wrong results).
    got = _run(tf.norm(tf.constant(_COMPLEX), ord=ord_, axis=axis))
    if axis is None:
        expected = np.linalg.norm(_COMPLEX.ravel())
    else:
        expected = np.linalg.norm(_COMPLEX, ord=None if ord_ == "euclidean" else ord_,
                                  axis=axis)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize("axis", [(1, 2), (2, 0), (-1, -3), (0, 1)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_matrix_2_norm_is_the_largest_singular_value(axis, keepdims):
    x = _RNG.randn(3, 4, 5)
    unknown = tf.placeholder(tf.float64)  # rank known only at run time
    known, fed = _run([tf.norm(tf.constant(x), ord=2, axis=axis, keepdims=keepdims),
                       tf.norm(unknown, ord=2, axis=axis, keepdims=keepdims)], {unknown: x})
    expected = np.linalg.norm(x, ord=2, axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(known, expected, rtol=1e-12)
    np.testing.assert_allclose(fed, expected, rtol=1e-12)


@pytest.mark.parametrize("axis", [[], [1, 2, 3], [[1]], [[1], [2]], [3.1415], [1, 1], 1.5])
def test_norm_refuses_bad_axes_with_tensorflows_message(axis):
    with pytest.raises(ValueError, match="'axis' must be None, an integer, or a tuple of 2 "
                                         "unique integers"):
        tf.norm([[0.0, 1.0], [2.0, 3.0]], axis=axis)


# -- matrix_solve_ls ------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(3, 5), (2, 4, 6)])
@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
def test_matrix_solve_ls_underdetermined_gives_the_minimum_norm_solution(shape, dtype):
    # The fast path used A^H A for every shape: singular for wide matrices (complex: a wrong
    # answer, real: a Cholesky failure).
    a = _RNG.randn(*shape).astype(dtype)
    b = _RNG.randn(*shape[:-1], 2).astype(dtype)
    if dtype == np.complex128:
        a = a + 1j * _RNG.randn(*shape)
    expected = np.linalg.pinv(a) @ b
    ph = tf.placeholder(dtype)
    static, fed = _run([tf.matrix_solve_ls(a, b), tf.matrix_solve_ls(ph, b)], {ph: a})
    np.testing.assert_allclose(static, expected, atol=1e-10)
    np.testing.assert_allclose(fed, expected, atol=1e-10)


def test_matrix_solve_ls_regularized_underdetermined_solves_the_dual_system():
    a, b, l2 = _RNG.randn(2, 4), _RNG.randn(2, 1), 0.3
    expected = a.T @ np.linalg.solve(a @ a.T + l2 * np.eye(2), b)
    np.testing.assert_allclose(_run(tf.matrix_solve_ls(a, b, l2_regularizer=l2)), expected,
                               atol=1e-12)


def test_matrix_solve_ls_robust_path_handles_rank_deficient_matrices():
    # fast=False was refused; it is the minimum-norm least-squares solution, l2 ignored.
    a = np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]])
    b = np.array([[1.0], [2.0], [2.5]])
    got = _run(tf.matrix_solve_ls(a, b, l2_regularizer=5.0, fast=False))
    np.testing.assert_allclose(got, np.linalg.lstsq(a, b, rcond=None)[0], atol=1e-12)
    empty = _run(tf.matrix_solve_ls(np.zeros((0, 3)), np.zeros((0, 2)), fast=False))
    assert empty.shape == (3, 2)
    assert not empty.any()
    x = tf.constant(a)
    with pytest.raises(ValueError, match="fast=False"):
        tf.gradients(tf.matrix_solve_ls(x, b, fast=False), x)


# -- eye, Dimension ---------------------------------------------------------------------------


def test_eye_of_sizes_known_at_run_time():
    rows = tf.placeholder(tf.int32, [])
    batch = tf.placeholder(tf.int32, [2])
    square = tf.eye(rows)
    wide = tf.eye(rows, num_columns=rows + 1, batch_shape=[2])
    batched = tf.eye(2, batch_shape=batch)
    assert wide.shape.as_list() == [2, None, None]
    assert batched.shape.as_list() == [None, None, 2, 2]
    got = _run([square, wide, batched], {rows: 3, batch: [1, 2]})
    np.testing.assert_array_equal(got[0], np.eye(3))
    np.testing.assert_array_equal(got[1], np.broadcast_to(np.eye(3, 4), (2, 3, 4)))
    np.testing.assert_array_equal(got[2], np.broadcast_to(np.eye(2), (1, 2, 2, 2)))


def test_dimensions_compare_and_index_as_tensorflows():
    assert Dimension(3) >= Dimension(2)
    assert Dimension(2) < 3
    assert not Dimension(2) > 2
    assert (Dimension(None) >= Dimension(1)) is None
    assert (Dimension(4) <= Dimension(None)) is None
    x = tf.constant(np.arange(12).reshape(3, 4))
    np.testing.assert_array_equal(_run(x[..., :x.shape[0]]), np.arange(12).reshape(3, 4)[:, :3])
    with pytest.raises(ValueError, match="unknown Dimension"):
        tf.placeholder(tf.float32, [None])[:tf.placeholder(tf.float32, [None]).shape[0]]


def test_tensor_shape_as_list_private_spelling():
    assert tf.placeholder(tf.float32, [None, 3])._shape_as_list() == [None, 3]
    assert tf.placeholder(tf.float32)._shape_as_list() is None


# -- ragged values and the test case ------------------------------------------------------------


def test_ragged_constant_value_of_scalars_and_flat_lists_is_dense():
    assert tf.ragged.constant_value(b"abc").tolist() == b"abc"
    np.testing.assert_array_equal(tf.ragged.constant_value([1, 2]), np.array([1, 2], np.int32))
    dense = tf.ragged.constant_value([[1, 2], [3, 4]], ragged_rank=0)
    assert isinstance(dense, np.ndarray)
    assert dense.shape == (2, 2)
    assert tf.ragged.constant_value([[]]).to_list() == [[]]
    with pytest.raises(ValueError, match="incompatible with ragged_rank"):
        tf.ragged.constant_value(b"abc", ragged_rank=1)


def test_unicode_ops_take_ragged_values():
    value = tf.ragged.constant_value([[72, 105], [], [0x1F60A]])
    got = _run(tf.strings.unicode_encode(value, "UTF-8"))
    assert got.tolist() == [b"Hi", b"", "\U0001F60A".encode()]


def test_unicode_encode_checks_the_replacement_char_when_it_runs():
    encoded = tf.strings.unicode_encode(tf.constant([72, -1], tf.int32), "UTF-8",
                                        replacement_char=0x110000)  # builds, as TensorFlow
    with pytest.raises(tf.errors.InvalidArgumentError, match="out of unicode codepoint"):
        _run(encoded)


class _RaggedCase(test_util.TensorFlowTestCase):
    def runTest(self):  # noqa: N802 - unittest's name
        pass


def test_assert_all_equal_compares_ragged_tensors_as_nested_lists():
    case = _RaggedCase()
    case.setUp()
    try:
        rt = tf.ragged.constant([[1, 2], [], [3]])
        case.assertAllEqual([[1, 2], [], [3]], rt)
        case.assertAllEqual(rt, tf.ragged.constant_value([[1, 2], [], [3]]))
        with pytest.raises(AssertionError):
            case.assertAllEqual([[1, 2], [3]], rt)
        with pytest.raises(AssertionError):  # ragged rank 2 against 1
            case.assertAllEqual(tf.ragged.constant([[[1]]]),
                                tf.ragged.constant([[[1]]], ragged_rank=1))
    finally:
        case.tearDown()


def test_eager_ragged_tensors_list_their_values():
    with context.eager_mode():
        rt = tf.strings.unicode_decode(tf.constant(["ab", "c"]), "UTF-8")
        assert rt.to_list() == [[97, 98], [99]]


# -- tensorflow.python paths ------------------------------------------------------------------


@pytest.mark.parametrize(("module", "name", "public"), [
    ("smallflow.python.ops.string_ops", "string_length", "strings.length"),
    ("smallflow.python.ops.string_ops", "string_format", "strings.format"),
    ("smallflow.python.ops.gen_string_ops", "static_regex_replace", "strings.regex_replace"),
    ("smallflow.python.ops.gen_linalg_ops", "log_matrix_determinant", "linalg.slogdet"),
    ("smallflow.python.ops.linalg.linalg_impl", "matrix_exponential", "linalg.expm"),
    ("smallflow.python.ops.linalg.linalg", "eigh", "linalg.eigh"),
    ("smallflow.python.ops.ragged.ragged_string_ops", "unicode_split",
     "strings.unicode_split"),
    ("smallflow.python.ops.ragged.ragged_factory_ops", "constant_value",
     "ragged.constant_value"),
    ("smallflow.python.ops.gen_image_ops", "non_max_suppression_v4",
     "image.non_max_suppression_padded"),
])
def test_internal_module_names_answer_with_the_public_function(module, name, public):
    target = tf
    for part in public.split("."):
        target = getattr(target, part)
    assert getattr(importlib.import_module(module), name) is target


# -- strings --------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "message"), [
    (b"aaaaa", "cannot be 1 modulo 4"), (b"aaaaaaaa?", "cannot be 1 modulo 4"),
    (b"a?aaa", "Invalid character"), (b"aaaaa=", "Invalid character")])
def test_decode_base64_errors_as_tensorflows_kernel(text, message):
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        _run(tf.io.decode_base64(tf.constant(text)))


@pytest.mark.parametrize("out_type", [tf.float32, tf.float64])
def test_string_to_number_parses_hexadecimal_floats(out_type):
    # As strtod: "0xF" is 15.0 and "0x1.8p3" 12.0 for float outputs.
    got = _run(tf.strings.to_number(["0xF", " -0x1.8p3", "0x.8"], out_type=out_type))
    np.testing.assert_array_equal(got, [15.0, -12.0, 0.5])
    with pytest.raises(tf.errors.InvalidArgumentError, match="could not correctly convert"):
        _run(tf.strings.to_number(["0xF"], out_type=tf.int32))


# -- sparse ---------------------------------------------------------------------------------


def test_sparse_slice_passes_gradients_to_the_kept_values():
    # SparseSlice was not differentiable: the values' gradient was silently None (zero).
    values = tf.constant([1.0, 2.0, 3.0, 4.0, 5.0])
    sp = tf.SparseTensor([[0, 0], [0, 3], [1, 1], [2, 2], [3, 4]], values, [4, 5])
    sliced = tf.sparse.slice(sp, [0, 1], [3, 3])
    weights = tf.constant([10.0, 20.0, 30.0])  # one per kept value: (0, 3), (1, 1), (2, 2)
    grad = tf.gradients(tf.reduce_sum(sliced.values * weights), values)[0]
    kept, got = _run([sliced.values, grad])
    np.testing.assert_array_equal(kept, [2.0, 3.0, 4.0])
    np.testing.assert_array_equal(got, [0.0, 10.0, 20.0, 30.0, 0.0])
    with tf.Session():
        assert tf.test.compute_gradient_error(values, [5], sliced.values, [3]) < 1e-3


def _sp(shape, entries):
    indices = [index for index, _ in entries]
    values = [float(value) for _, value in entries]
    return tf.SparseTensor(np.array(indices, np.int64).reshape(-1, len(shape)), values, shape)


def test_sparse_transpose_concat_and_reshape_keep_known_shapes():
    x = _sp([2, 3, 4], [([0, 1, 2], 1), ([1, 2, 3], 2)])
    assert tf.sparse.transpose(x, [2, 0, 1]).shape.as_list() == [4, 2, 3]
    assert tf.sparse.transpose(x).shape.as_list() == [4, 3, 2]
    y = _sp([2, 2], [([0, 0], 1), ([1, 1], 2)])
    assert tf.sparse.concat(-1, [y, y]).shape.as_list() == [2, 4]
    wide = _sp([3, 5], [([2, 4], 1)])
    assert tf.sparse.concat(0, [y, wide], expand_nonconcat_dim=True).shape.as_list() == [5, 5]
    assert tf.sparse.reshape(x, [2, -1]).shape.as_list() == [2, 12]
    assert tf.sparse.reshape(x, [4, 6]).shape.as_list() == [4, 6]
    got = _run(tf.sparse.transpose(x, [2, 0, 1]))
    np.testing.assert_array_equal(got.dense_shape, [4, 2, 3])
    np.testing.assert_array_equal(got.indices, [[2, 0, 1], [3, 1, 2]])


def test_sparse_shape_errors_at_build_time():
    x = _sp([2, 3, 4], [([0, 1, 2], 1)])
    with pytest.raises(ValueError, match="At most one dimension can be inferred"):
        tf.sparse.reshape(x, [-1, 2, -1])
    with pytest.raises(ValueError, match="Cannot reshape a tensor with 24 elements"):
        tf.sparse.reshape(x, [-1, 7])
    with pytest.raises(ValueError, match="equal rank"):
        tf.sparse.concat(1, [_sp([3, 3], [([0, 0], 1)]), x])
    a = _sp([10, 15], [([0, 0], 1)])
    with pytest.raises(ValueError, match="Dimensions must be equal"):
        tf.sparse.sparse_dense_matmul(a, tf.zeros([10, 20]))


def test_tf_shape_of_a_sparse_tensor_is_its_dense_shape():
    sp = tf.sparse_placeholder(tf.float32)
    shape32, shape64 = tf.shape(sp), tf.shape(sp, out_type=tf.int64)
    assert (shape32.dtype, shape64.dtype) == (tf.int32, tf.int64)
    reshaped = tf.sparse.reshape(sp, shape32)  # an int32 shape is cast, as TensorFlow's
    value = tf.SparseTensorValue([[0, 1], [2, 3]], [1.0, 2.0], [5, 6])
    got, got_shape = _run([reshaped, shape32], {sp: value})
    np.testing.assert_array_equal(got_shape, [5, 6])
    np.testing.assert_array_equal(got.dense_shape, [5, 6])


@pytest.mark.parametrize(("adjoint_a", "b_rows", "message"), [
    (False, 2, r"k \(10\) from index\[0,1\] out of bounds \(>=2\)"),
    (True, 3, r"m \(10\) from index\[0,1\] out of bounds \(>=2\)")])
def test_sparse_dense_matmul_names_the_bad_index(adjoint_a, b_rows, message):
    a = tf.SparseTensor(np.array([[1, 10]], np.int64), [10.0], [3, 2])
    product = tf.sparse.sparse_dense_matmul(a, np.ones((b_rows, 5), np.float32),
                                            adjoint_a=adjoint_a)
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        _run(product)


def test_qr_gradient_of_a_square_matrix_with_full_matrices():
    # A square matrix's full QR is its reduced QR: TensorFlow differentiates it; smallflow
    # refused every full_matrices=True factorization.
    a = tf.constant(np.array([[2.0, 1.0, 0.5], [1.0, 3.0, -1.0], [0.0, 1.0, 4.0]]))
    q, r = tf.linalg.qr(a, full_matrices=True)
    with tf.Session():
        error = tf.test.compute_gradient_error(a, [3, 3], tf.reduce_sum(q) + tf.reduce_sum(r),
                                               [])
    assert error < 1e-6
    tall = tf.zeros([3, 2], tf.float64)
    with pytest.raises(NotImplementedError, match="QrGrad not implemented"):
        tf.gradients(tf.linalg.qr(tall, full_matrices=True)[0], tall)
