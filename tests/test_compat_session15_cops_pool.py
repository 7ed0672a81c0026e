"""Session 15 (cops): fractional pooling's regions and errors, tf.nn.with_space_to_batch's
errors (values and gradients are compared with TensorFlow in
tests/oracle/cases_session15_cops.py and checked numerically in test_gradient_registry)."""

import numpy as np
import pytest

import smallflow as tf
from smallflow.ops.fractional_pool_ops import pooling_sequences


def _run(fetches):
    with tf.Session() as sess:
        return sess.run(fetches)


def _sizes(sequence):
    return np.diff(sequence)


@pytest.mark.parametrize("pseudo_random", [False, True])
@pytest.mark.parametrize(("length", "ratio"), [(23, 1.44), (17, 1.73), (40, 1.9), (9, 1.0)])
def test_regions_cover_the_axis_with_sizes_of_the_ratio(pseudo_random, length, ratio):
    out = int(length / ratio)
    for seed in range(1, 6):
        rows, cols = pooling_sequences(length, length, out, out, seed, 7, pseudo_random)
        for sequence in (rows, cols):
            assert sequence[0] == 0
            assert sequence[-1] == length
            assert len(sequence) == out + 1
            assert set(_sizes(sequence)) <= {length // out, length // out + 1}
        if not pseudo_random:
            # random regions: exactly length % out of the larger size
            assert (_sizes(rows) == length // out + 1).sum() == length % out


def test_unseeded_pooling_draws_new_regions_each_run():
    x = tf.zeros([1, 40, 40, 1])
    _, rows, _ = tf.nn.fractional_max_pool(x, [1, 1.5, 1.5, 1])
    with tf.Session() as sess:
        draws = {tuple(sess.run(rows)) for _ in range(8)}
    assert len(draws) > 1


def test_deterministic_without_seeds_keeps_its_regions_in_a_session():
    x = tf.zeros([1, 40, 40, 1])
    _, rows, cols = tf.nn.fractional_avg_pool(x, [1, 1.5, 1.5, 1], deterministic=True)
    with tf.Session() as sess:
        first = sess.run([rows, cols])
        for _ in range(3):
            again = sess.run([rows, cols])
            assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))


def test_seeded_regions_are_the_same_in_every_session_and_graph():
    def draw():
        with tf.Graph().as_default():
            x = tf.zeros([1, 30, 20, 1])
            return _run(tf.nn.fractional_max_pool(x, [1, 1.3, 1.7, 1], True, False, True, 5,
                                                  9)[1:])

    first, second = draw(), draw()
    assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))


def test_max_and_avg_pool_the_regions_they_return():
    rng = np.random.RandomState(0)
    x = rng.standard_normal((2, 9, 8, 3))
    for overlapping in (False, True):
        top, rows, cols = _run(tf.nn.fractional_max_pool(x, [1, 1.4, 1.6, 1], False,
                                                         overlapping, True, 2, 3))
        mean, arows, acols = _run(tf.nn.fractional_avg_pool(x, [1, 1.4, 1.6, 1], False,
                                                            overlapping, True, 2, 3))
        assert np.array_equal(rows, arows)
        assert np.array_equal(cols, acols)
        extra = 1 if overlapping else 0
        for i in range(len(rows) - 1):
            for j in range(len(cols) - 1):
                region = x[:, rows[i]:rows[i + 1] + extra, cols[j]:cols[j + 1] + extra, :]
                np.testing.assert_allclose(top[:, i, j], region.max(axis=(1, 2)))
                np.testing.assert_allclose(mean[:, i, j], region.mean(axis=(1, 2)))


def test_static_shapes_follow_tensorflow():
    pooled, rows, cols = tf.nn.fractional_max_pool(tf.zeros([3, 6, 4, 2]), [1, 1.5, 1.5, 1])
    assert pooled.shape.as_list() == [3, 4, 2, 2]
    # TensorFlow's shape function: the output's length (the value has one more)
    assert rows.shape.as_list() == [4]
    assert cols.shape.as_list() == [2]
    assert _run(rows).shape == (5,)
    unknown = tf.placeholder(tf.float32, [None, None, 4, 2])
    assert tf.nn.fractional_avg_pool(unknown, [1, 1.5, 1.5, 1])[0].shape.as_list() == \
        [None, None, 2, 2]


@pytest.mark.parametrize(("build", "error", "message"), [
    (lambda x: tf.nn.fractional_max_pool(x, [1, 1.5, 1.5]), ValueError, "minimum 4"),
    (lambda x: tf.nn.fractional_max_pool(x, [1, 0.5, 1.5, 1]), ValueError, "smaller than 1"),
    (lambda x: tf.nn.fractional_avg_pool(tf.cast(x, tf.float16), [1, 1.5, 1.5, 1]), TypeError,
     "float16 not in list"),
    (lambda x: tf.nn.fractional_max_pool(x[0], [1, 1.5, 1.5, 1]), ValueError, "rank 4"),
])
def test_bad_arguments_fail_when_built(build, error, message):
    with pytest.raises(error, match=message):
        build(tf.ones([1, 5, 5, 1]))


@pytest.mark.parametrize(("build", "error", "message"), [
    (lambda x: tf.nn.fractional_max_pool(x, [1, 6, 1.5, 1]), tf.errors.InvalidArgumentError,
     "Pooling ratio is higher than input dimension size for dimension 1"),
    (lambda x: tf.nn.fractional_max_pool(x, [1, 1.5, 1.5, 1], seed=3),
     tf.errors.InvalidArgumentError, "Both seed and seed2 should be 0"),
    (lambda x: tf.nn.fractional_avg_pool(x, [1, 1.5, 1.5, 2]), tf.errors.UnimplementedError,
     "batch nor channel"),
])
def test_bad_arguments_fail_when_run(build, error, message):
    out = build(tf.ones([1, 5, 5, 2]))[0]
    with pytest.raises(error, match=message):
        _run(out)


def test_with_space_to_batch_dilates_the_op():
    rng = np.random.RandomState(1)
    x = rng.standard_normal((1, 9, 8, 2)).astype(np.float32)
    w = rng.standard_normal((3, 3, 2, 4)).astype(np.float32)
    for padding in ("SAME", "VALID"):
        got = tf.nn.with_space_to_batch(
            x, [2, 3], padding, lambda inp, n, p: tf.nn.conv2d(inp, w, [1, 1, 1, 1], p),
            filter_shape=[3, 3])
        want = tf.nn.convolution(x, w, padding, dilation_rate=[2, 3])
        np.testing.assert_allclose(*_run([got, want]), rtol=1e-5, atol=1e-5)


def test_with_space_to_batch_keeps_an_unknown_batch():
    x = tf.placeholder(tf.float32, [None, 6, 6, 1])
    out = tf.nn.with_space_to_batch(x, [2, 2], "VALID",
                                    lambda inp, n, p: tf.nn.avg_pool(inp, [1, 2, 2, 1],
                                                                     [1, 1, 1, 1], p))
    values = np.arange(72, dtype=np.float32).reshape(2, 6, 6, 1)
    with tf.Session() as sess:
        got = sess.run(out, {x: values})
    want = (values[:, :-2, :-2] + values[:, 2:, :-2] + values[:, :-2, 2:] + values[:, 2:, 2:])
    np.testing.assert_allclose(got, want / 4)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"dilation_rate": [2, 2], "padding": "SAME"}, "filter_shape must be specified"),
    ({"dilation_rate": [2, 2], "padding": "FULL"}, "Invalid padding method"),
    ({"dilation_rate": [0, 2], "padding": "VALID"}, "dilation_rate must be positive"),
    ({"dilation_rate": [2, 2], "padding": "VALID", "spatial_dims": [2, 1]},
     "montonically increasing"),
])
def test_with_space_to_batch_refuses_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        tf.nn.with_space_to_batch(tf.ones([1, 4, 4, 1]), op=lambda inp, n, p: inp, **kwargs)
