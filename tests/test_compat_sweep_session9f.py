"""Session 9 sweep F (deeplearning.ai's TF1 assignments, CS231n and CS224n): what those
programs needed, as specifications. Their seeded cells print TensorFlow's random numbers, so
the random ops draw from TensorFlow's Philox4x32-10 stream. TensorFlow's own answers for
the same constructs are in tests/oracle/cases_sweep_session9f.py."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smallflow as tf
from smallflow.ops import philox

# -- the generator ------------------------------------------------------------------------------

# Known-answer vectors published with Random123 (Salmon et al., SC'11) for Philox4x32-10:
# (counter words, key words) -> four output words.
PHILOX_KNOWN_ANSWERS = [
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((0xFFFFFFFF,) * 4, (0xFFFFFFFF,) * 2, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
]


@pytest.mark.parametrize(("counter", "key", "expected"), PHILOX_KNOWN_ANSWERS)
def test_philox_block_matches_the_published_known_answers(counter, key, expected):
    counter_value = sum(word << (32 * i) for i, word in enumerate(counter))
    key_value = key[0] | key[1] << 32
    block = philox.philox_blocks(key_value, counter_value, 1)[0]
    assert [int(word) for word in block] == list(expected)


def test_counter_carries_across_64_bit_words():
    # block i is Philox of counter + i, carried as one 128-bit number
    start = (1 << 64) - 2
    blocks = philox.philox_blocks(5, start, 4)
    one_by_one = [philox.philox_blocks(5, start + i, 1)[0] for i in range(4)]
    np.testing.assert_array_equal(blocks, np.stack(one_by_one))


@settings(max_examples=25, deadline=None)
@given(size=st.integers(1, 300), extra=st.integers(1, 40), seed=st.integers(1, 2**31 - 2),
       kind=st.sampled_from(["uniform", "normal", "truncated_normal"]),
       dtype=st.sampled_from([np.float16, np.float32, np.float64]))
def test_a_draw_is_a_prefix_of_a_longer_draw(size, extra, seed, kind, dtype):
    # output i depends only on its block (its group's sub-stream for truncated normals),
    # which is what makes TensorFlow's sharded CPU kernel deterministic
    draw = getattr(philox, kind)
    short = draw(philox.PhiloxStream(seed, 3), size, dtype)
    long = draw(philox.PhiloxStream(seed, 3), size + extra, dtype)
    assert short.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(short, long[:size])
    if kind == "uniform":
        assert ((long >= 0) & (long < 1)).all()
    if kind == "truncated_normal":
        # TensorFlow tests |z| < 2 on the float32 sample and then rounds it to the output
        # type, so a half-precision draw may round to exactly 2.
        if dtype == np.float16:
            assert (np.abs(long) <= 2).all()
        else:
            assert (np.abs(long) < 2).all()


def test_each_run_moves_the_stream_past_256_blocks_per_output():
    stream = philox.PhiloxStream(1, 2)
    first = philox.uniform(stream, 3, np.float32)
    assert stream.counter == (2 << 64) + 3 * 256
    later = philox.uniform(philox.PhiloxStream(1, 2), 3 * 256 * 4 + 3, np.float32)[-3:]
    np.testing.assert_array_equal(philox.uniform(stream, 3, np.float32), later)
    assert not np.array_equal(first, later)


# -- the random ops in a graph --------------------------------------------------------------------


def test_deeplearning_ai_convolution_cell_prints_the_notebook_values():
    # "Convolution model - Application": tf.set_random_seed(1), then Xavier with seed=0; the
    # notebook's expected output, printed by TensorFlow 1.x, is W1[1,1,1] and W2[1,1,1]
    tf.reset_default_graph()
    with tf.Session() as sess:
        tf.set_random_seed(1)
        w1 = tf.get_variable("W1", [4, 4, 3, 8],
                             initializer=tf.contrib.layers.xavier_initializer(seed=0))
        w2 = tf.get_variable("W2", [2, 2, 8, 16],
                             initializer=tf.contrib.layers.xavier_initializer(seed=0))
        sess.run(tf.global_variables_initializer())
        got1, got2 = sess.run([w1, w2])
    notebook_w1 = [0.00131723, 0.14176141, -0.04434952, 0.09197326, 0.14984085, -0.03514394,
                   -0.06847463, 0.05245192]
    notebook_w2 = [-0.08566415, 0.17750949, 0.11974221, 0.16773748, -0.0830943, -0.08058,
                   -0.00577033, -0.14643836, 0.24162132, -0.05857408, -0.19055021, 0.1345228,
                   -0.22779644, -0.1601823, -0.16117483, -0.10286498]
    np.testing.assert_allclose(got1[1, 1, 1], notebook_w1, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(got2[1, 1, 1], notebook_w2, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize(("build", "constants"), [
    (lambda: tf.random_uniform([2, 3]), ["shape", "min", "max"]),
    (lambda: tf.random_normal([2, 3]), ["shape", "mean", "stddev"]),
    (lambda: tf.truncated_normal([2, 3]), ["shape", "mean", "stddev"]),
    (lambda: tf.random_uniform([4], 0, 9, dtype=tf.int32), ["shape", "min", "max"]),
])
def test_graph_seeded_op_takes_the_op_count_after_its_constants(build, constants):
    # TensorFlow 1.x: with a graph seed and no op seed, the op seed is the graph's op count
    # when get_seed runs, after the shape and parameter constants
    graph = tf.Graph()
    with graph.as_default():
        graph.seed = 5
        out = build()
    ops = graph.get_operations()
    assert [op.name.rsplit("/", 1)[-1] for op in ops[:3]] == constants
    random_op = ops[3]
    assert random_op.type.startswith("Random") or random_op.type == "TruncatedNormal"
    assert (random_op.attrs["seed"], random_op.attrs["seed2"]) == (5, 3)
    if out.dtype.is_integer:
        assert out.op is random_op
        assert out.op.name == "random_uniform"


def test_runs_continue_the_stream_and_a_new_session_restarts_it():
    tf.reset_default_graph()
    value = tf.random_normal([5], seed=4)
    with tf.Session() as sess:
        first, second = sess.run(value), sess.run(value)
    with tf.Session() as sess:
        again = sess.run(value)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, second)


def test_unseeded_ops_differ_between_sessions():
    tf.reset_default_graph()
    value = tf.random_uniform([8])
    with tf.Session() as sess:
        first = sess.run(value)
    with tf.Session() as sess:
        second = sess.run(value)
    assert not np.array_equal(first, second)


def test_integer_uniform_needs_minval_below_maxval_when_run():
    tf.reset_default_graph()
    low = tf.placeholder(tf.int32, [])
    value = tf.random_uniform([3], low, 4, dtype=tf.int32, seed=1)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="Need minval < maxval"):
            sess.run(value, {low: 4})
        assert set(sess.run(value, {low: 2})) <= {2, 3}


# -- tf.one_hot: depth is an input -------------------------------------------------------------


def test_one_hot_takes_a_tensor_depth():
    # deeplearning.ai's one_hot_matrix: C = tf.constant(C, name='C'); tf.one_hot(labels, C, axis=0)
    tf.reset_default_graph()
    depth = tf.constant(4, name="C")
    hot = tf.one_hot(indices=np.array([1, 2, 3, 0, 2, 1]), depth=depth, axis=0)
    assert hot.shape.as_list() == [4, 6]
    fed_depth = tf.placeholder(tf.int32, [])
    dynamic = tf.one_hot([0, 2], fed_depth)
    assert dynamic.shape.as_list() == [2, None]
    with tf.Session() as sess:
        got, got_dynamic = sess.run([hot, dynamic], {fed_depth: 3})
    np.testing.assert_array_equal(got, np.eye(4)[[1, 2, 3, 0, 2, 1]].T)
    np.testing.assert_array_equal(got_dynamic, [[1, 0, 0], [0, 0, 1]])


def test_one_hot_builds_tensorflows_ops():
    tf.reset_default_graph()
    out = tf.one_hot([1, 2], 3)
    ops = tf.get_default_graph().get_operations()
    assert [op.name for op in ops] == ["one_hot/on_value", "one_hot/off_value",
                                       "one_hot/indices", "one_hot/depth", "one_hot"]
    assert [t.op.name for t in out.op.inputs] == ["one_hot/indices", "one_hot/depth",
                                                  "one_hot/on_value", "one_hot/off_value"]


def test_one_hot_refuses_a_negative_depth_when_run():
    tf.reset_default_graph()
    depth = tf.placeholder(tf.int32, [])
    out = tf.one_hot([0], depth)
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError, match="depth"):
        sess.run(out, {depth: -1})


# -- graph-seeded ops without op seeds: the op seed is TensorFlow 1.x's op count ---------------


def test_neural_style_transfer_cells_print_the_notebook_values():
    # deeplearning.ai "Art Generation with Neural Style Transfer": tf.set_random_seed(1) and
    # random_normal with no op seed, so each op's seed is the graph's op count when it is built
    # (3 and 9 here); the expected outputs were printed by TensorFlow 1.x (TensorFlow 2
    # counts seeded ops instead and prints other numbers)
    tf.reset_default_graph()
    with tf.Session():
        tf.set_random_seed(1)
        a_c = tf.random_normal([1, 4, 4, 3], mean=1, stddev=4)
        a_g = tf.random_normal([1, 4, 4, 3], mean=1, stddev=4)
        unrolled_c = tf.reshape(a_c, (3, 16))
        unrolled_g = tf.reshape(a_g, (3, 16))
        j_content = 1.0 / (4 * 4 * 4 * 3) * tf.reduce_sum((unrolled_c - unrolled_g) ** 2)
        assert j_content.eval() == pytest.approx(6.76559, abs=1e-5)
    tf.reset_default_graph()
    with tf.Session():
        tf.set_random_seed(1)
        a = tf.random_normal([3, 2], mean=1, stddev=4)
        gram = tf.matmul(a, tf.transpose(a)).eval()
    notebook_gram = [[6.42230511, -4.42912197, -2.09668207],
                     [-4.42912197, 19.46583748, 19.56387138],
                     [-2.09668207, 19.56387138, 20.6864624]]
    np.testing.assert_allclose(gram, notebook_gram, rtol=1e-6)


# -- names and contrib's softmax (CS231n's slim model) ------------------------------------------


def test_reshape_converts_its_arguments_in_its_own_scope():
    # TensorFlow names a list shape Reshape/shape, so a later tf.shape is plain "Shape"
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [None, 2, 3])
    tf.reshape(x, [-1, 3])
    tf.shape(x)
    tf.reshape([1, 2, 3, 4], [2, 2], name="foo")
    names = [op.name for op in tf.get_default_graph().get_operations()]
    assert names == ["Placeholder", "Reshape/shape", "Reshape", "Shape", "foo/tensor",
                     "foo/shape", "foo"]


def test_contrib_softmax_normalises_the_last_axis_of_any_rank():
    # slim.layers.softmax(slim.layers.flatten(top)) in a CS231n 2017 solution
    import smallflow.contrib.slim as slim

    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [None, 2, 3])
    probabilities = slim.layers.softmax(x)
    assert probabilities.shape.as_list() == [None, 2, 3]
    assert probabilities.op.name.startswith("softmax/")
    logits = np.arange(12, dtype=np.float32).reshape(2, 2, 3) / 3
    with tf.Session() as sess:
        got = sess.run(probabilities, {x: logits})
    expected = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    with pytest.raises(ValueError, match="rank of shape must be at least 2"):
        tf.contrib.layers.softmax(tf.constant([1.0, 2.0]))
    with pytest.raises(ValueError, match="Last dimension must be known"):
        tf.contrib.layers.softmax(tf.placeholder(tf.float32, [3, None]))
