"""matmul_forms: products computed in another form give NumPy's plain results, bit for bit.

``a @ b.T`` with few rows in ``a`` runs as ``(b @ a.T).T`` (faster in OpenBLAS; see the
module). Every element is the same dot product over the same depth in the same order, so
the result must equal the plain product exactly, in every place it is used: the MatMul
kernel (transpose_b, the input gradient of a dense layer), into strided outputs (the
column slices batch_split.py writes), and in training through the gradient.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smallflow as tf
from smallflow import matmul_forms


def _operands(rows, depth, columns, dtype=np.float32, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((rows, depth)).astype(dtype),
            rng.standard_normal((columns, depth)).astype(dtype))


@pytest.mark.parametrize(("rows", "depth", "columns"), [
    (50, 1024, 3136),  # the tutorial CNN's fc1 input gradient
    (100, 512, 784), (1, 256, 512), (16, 1024, 1024), (0, 300, 600),
])
def test_turned_products_equal_the_plain_ones(rows, depth, columns):
    assert matmul_forms.turns_product(rows, depth, columns, np.dtype(np.float32))
    a, b = _operands(rows, depth, columns)
    result = matmul_forms.product_transposed_b(a, b)
    expected = np.matmul(a, b.T)
    assert result.shape == expected.shape
    assert result.dtype == np.float32
    assert result.flags.c_contiguous
    np.testing.assert_array_equal(result, expected)


@pytest.mark.parametrize(("rows", "depth", "columns", "dtype"), [
    (200, 1024, 3136, np.float32),  # many rows: the plain form is as fast
    (50, 64, 3136, np.float32),  # shallow
    (50, 1024, 100, np.float32),  # few columns
    (50, 1024, 3136, np.float64),  # measured slower turned in float64
])
def test_other_products_keep_the_plain_form(rows, depth, columns, dtype):
    assert not matmul_forms.turns_product(rows, depth, columns, np.dtype(dtype))


@settings(max_examples=25, deadline=None)
@given(rows=st.integers(1, 100), depth=st.integers(256, 700),
       columns=st.integers(512, 1500), seed=st.integers(0, 2**16),
       special=st.sampled_from([None, np.inf, -np.inf, np.nan, -0.0]))
def test_turned_products_into_strided_outputs(rows, depth, columns, seed, special):
    a, b = _operands(rows, depth, columns, seed=seed)
    if special is not None:
        a[0, 0] = special
        b[-1, -1] = special
    wide = np.full((rows, columns + 7), 5.0, dtype=np.float32)
    out = wide[:, 3:columns + 3]  # a column slice, as a part of a split product writes
    with np.errstate(invalid="ignore"):
        returned = matmul_forms.product_transposed_b(a, b, out=out)
        expected = np.matmul(a, b.T)
    assert returned is out
    np.testing.assert_array_equal(out, expected)
    assert (wide[:, :3] == 5).all()
    assert (wide[:, columns + 3:] == 5).all()


def test_mismatched_depths_raise_numpys_error():
    a, b = _operands(50, 300, 600)
    with pytest.raises(ValueError, match="matmul"):
        matmul_forms.product_transposed_b(a, b[:, :299])


def test_a_dense_layers_gradients_are_the_plain_products():
    rng = np.random.default_rng(3)
    x_value = rng.standard_normal((50, 1024)).astype(np.float32)
    w_value = (rng.standard_normal((1024, 640)) * 0.05).astype(np.float32)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 1024])
        w = tf.placeholder(tf.float32, [1024, 640])
        y = tf.matmul(x, w)
        loss = tf.reduce_sum(y * y)
        dx, dw = tf.gradients(loss, [x, w])
        product = tf.matmul(y, w, transpose_b=True)
        with tf.Session() as sess:
            got_dx, got_product, got_y = sess.run([dx, product, y], {x: x_value, w: w_value})
    np.testing.assert_array_equal(got_product, np.matmul(got_y, w_value.T))
    np.testing.assert_array_equal(got_dx, np.matmul(2 * got_y, w_value.T))
