"""tf.nn.max_pool_with_argmax: outputs, indices and gradients against a loop over windows
written from TensorFlow's documented rule; TensorFlow itself in tests/oracle (session9/*)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smallflow as tf


def _reference(x, k, s, padding, include_batch):
    """Each window scanned row by row: its first element, then strictly greater ones."""
    n, h, w, c = x.shape
    if padding == "VALID":
        oh, ow = (h - k) // s + 1, (w - k) // s + 1
        top = left = 0
    else:
        oh, ow = -(-h // s), -(-w // s)
        top = max((oh - 1) * s + k - h, 0) // 2
        left = max((ow - 1) * s + k - w, 0) // 2
    out = np.zeros((n, oh, ow, c), x.dtype)
    arg = np.zeros((n, oh, ow, c), np.int64)
    for b in range(n):
        for i in range(oh):
            for j in range(ow):
                for ch in range(c):
                    best, where = None, -1
                    for di in range(k):
                        for dj in range(k):
                            y, xx = i * s + di - top, j * s + dj - left
                            if not (0 <= y < h and 0 <= xx < w):
                                continue
                            value = x[b, y, xx, ch]
                            if where < 0 or best < value:
                                best = value
                                where = (y * w + xx) * c + ch + (b * h * w * c if include_batch
                                                                  else 0)
                    out[b, i, j, ch], arg[b, i, j, ch] = best, where
    return out, arg


def _run(x, k, s, padding, include_batch=False):
    with tf.Graph().as_default():
        xp = tf.placeholder(tf.as_dtype(x.dtype), x.shape)
        out, argmax = tf.nn.max_pool_with_argmax(xp, [1, k, k, 1], [1, s, s, 1], padding,
                                                 include_batch_in_index=include_batch)
        fetches = [out, argmax]
        if x.dtype.kind == "f":
            weights = np.arange(np.prod(out.shape.as_list())).reshape(out.shape.as_list())
            fetches.append(tf.gradients(tf.reduce_sum(out * weights.astype(x.dtype)), xp)[0])
        with tf.Session() as sess:
            return sess.run(fetches, {xp: x}), out, argmax


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 2), h=st.integers(1, 6), w=st.integers(1, 6), c=st.integers(1, 3),
       k=st.integers(1, 3), s=st.integers(1, 3), padding=st.sampled_from(["SAME", "VALID"]),
       include_batch=st.booleans(), seed=st.integers(0, 2**16))
def test_matches_the_window_loop(n, h, w, c, k, s, padding, include_batch, seed):
    if padding == "VALID" and (k > h or k > w):
        return
    rng = np.random.default_rng(seed)
    x = rng.integers(-2, 3, size=(n, h, w, c)).astype(np.float32)  # ties are common
    special = rng.random(x.shape)
    x[special < 0.05] = np.nan
    x[(special > 0.05) & (special < 0.1)] = -np.inf
    (out, argmax, grad), _, _ = _run(x, k, s, padding, include_batch)
    want_out, want_arg = _reference(x, k, s, padding, include_batch)
    np.testing.assert_array_equal(out, want_out)
    np.testing.assert_array_equal(argmax, want_arg)
    # The gradient goes to the recorded elements, summed where windows share one.
    weights = np.arange(out.size).reshape(out.shape).astype(np.float32)
    per_image = h * w * c
    flat = want_arg if include_batch else want_arg + (
        np.arange(n) * per_image)[:, None, None, None]
    want_grad = np.zeros(x.size, np.float32)
    np.add.at(want_grad, flat.ravel(), weights.ravel())
    np.testing.assert_array_equal(grad, want_grad.reshape(x.shape))


def test_names_dtypes_and_shapes():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 28, 28, 16])
        pooled = tf.nn.max_pool_with_argmax(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME", name="pool")
        out, argmax = pooled
        assert pooled.output is out
        assert pooled.argmax is argmax
        assert out.op.type == "MaxPoolWithArgmax"
        assert out.op.name == "pool"
        assert (out.name, argmax.name) == ("pool:0", "pool:1")
        assert argmax.dtype == tf.int64
        assert out.dtype == tf.float32
        assert out.shape.as_list() == argmax.shape.as_list() == [None, 14, 14, 16]


def test_integer_input():
    x = np.array([[[[3], [7]], [[7], [1]]]], np.int32)
    (out, argmax), _, _ = _run(x, 2, 2, "VALID")
    assert out.tolist() == [[[[7]]]]
    assert argmax.tolist() == [[[[1]]]]


def test_int32_indices_build_but_have_no_cpu_kernel():
    with tf.Graph().as_default():
        _, argmax = tf.nn.max_pool_with_argmax(tf.zeros([1, 2, 2, 1]), [1, 2, 2, 1],
                                               [1, 2, 2, 1], "VALID", Targmax=tf.int32)
        assert argmax.dtype == tf.int32
        with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                                 match="MaxPoolWithArgmax"):
            sess.run(argmax)


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"data_format": "NCHW"}, ValueError, "NHWC"),
    ({"ksize": [2, 2, 2, 1]}, ValueError, "batch or depth"),
    ({"strides": [1, 2, 2]}, ValueError, "4 dimensions"),
    ({"Targmax": tf.float32}, TypeError, "Targmax"),
    ({"Targmax": tf.int64, "output_dtype": tf.int32}, ValueError, "both"),
    ({"padding": "FULL"}, ValueError, "padding"),
])
def test_bad_arguments(kwargs, error, match):
    args = {"ksize": [1, 2, 2, 1], "strides": [1, 2, 2, 1], "padding": "SAME"}
    args.update(kwargs)
    with tf.Graph().as_default(), pytest.raises(error, match=match):
        tf.nn.max_pool_with_argmax(tf.zeros([1, 4, 4, 1]), **args)


def test_unpooling_with_the_indices_as_segnet_does():
    # SegNet's unpool: scatter the pooled values back to the recorded positions.
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 4, 4, 3)).astype(np.float32)
    with tf.Graph().as_default():
        out, argmax = tf.nn.max_pool_with_argmax(tf.constant(x), [1, 2, 2, 1], [1, 2, 2, 1],
                                                 "SAME", include_batch_in_index=True)
        flat = tf.scatter_nd(tf.reshape(argmax, [-1, 1]), tf.reshape(out, [-1]), [x.size])
        unpooled = tf.reshape(flat, x.shape)
        with tf.Session() as sess:
            result = sess.run(unpooled)
    windows = x.reshape(2, 2, 2, 2, 2, 3).max(axis=(2, 4))
    kept = result.reshape(2, 2, 2, 2, 2, 3)
    np.testing.assert_array_equal(kept.sum(axis=(2, 4)), windows)  # one entry per window
    assert np.count_nonzero(result) == windows.size
