"""tf.nn.raw_rnn: the loop_fn protocol of TF 1.x (TensorFlow itself in tests/oracle,
session9/raw_rnn_*)."""

import numpy as np
import pytest

import smallflow as tf


def _inputs():
    return np.sin(np.arange(6 * 3 * 4) * 0.5).reshape(6, 3, 4).astype(np.float32)


def test_feeding_the_inputs_is_dynamic_rnn_with_lengths():
    values = _inputs()
    lengths = np.array([6, 2, 4], np.int32)
    with tf.Graph().as_default():
        inputs = tf.constant(values)
        cell = tf.nn.rnn_cell.GRUCell(5)
        reference, reference_state = tf.nn.dynamic_rnn(cell, inputs, sequence_length=lengths,
                                                       time_major=True, dtype=tf.float32)

        def loop_fn(time, output, state, loop_state):
            finished = time >= lengths
            if state is None:
                return finished, inputs[0], cell.zero_state(3, tf.float32), None, None
            following = tf.cond(tf.reduce_all(finished), lambda: tf.zeros([3, 4]),
                                lambda: inputs[tf.minimum(time, 5)])
            return finished, following, state, output, None

        emitted, state, loop_state = tf.nn.raw_rnn(cell, loop_fn)
        outputs = emitted.stack()
        assert loop_state is None
        assert isinstance(emitted, tf.TensorArray)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got, got_state, want, want_state = sess.run(
                [outputs, state, reference, reference_state])
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)  # zeros past each length
    np.testing.assert_allclose(got_state, want_state, rtol=1e-6)


def test_emit_structure_and_loop_state():
    with tf.Graph().as_default():
        cell = tf.nn.rnn_cell.BasicRNNCell(2)
        start = tf.ones([3, 1])

        def loop_fn(time, output, state, loop_state):
            if state is None:
                # Per-row structures: a pair emitted each step; a counter as loop state.
                emit = (tf.zeros([2]), tf.zeros([], tf.int32))
                return (tf.zeros([3], tf.bool), start, cell.zero_state(3, tf.float32), emit,
                        tf.constant(0))
            finished = time >= tf.constant([1, 3, 2])
            emit = (output * 2.0, tf.fill([3], time))
            return finished, start, state, emit, loop_state + 1

        (doubled, times), _, steps = tf.nn.raw_rnn(cell, loop_fn)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            times_value, steps_value, doubled_value = sess.run(
                [times.stack(), steps, doubled.stack()])
    assert steps_value == 3  # the loop ran until every row finished
    # A finished row emits zeros: row 0 after one step, row 2 after two.
    assert times_value.tolist() == [[1, 1, 1], [0, 2, 2], [0, 3, 0]]
    assert doubled_value.shape == (3, 3, 2)
    assert not doubled_value[1:, 0].any()


def test_errors():
    cell = tf.nn.rnn_cell.BasicRNNCell(2)
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match="loop_fn must be a callable"):
            tf.nn.raw_rnn(cell, None)
        with pytest.raises(TypeError, match="RNNCell"):
            tf.nn.raw_rnn(lambda x, s: (x, s), lambda *a: None)
