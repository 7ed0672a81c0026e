"""RNN cells, static/dynamic/bidirectional unrolling and sequence_loss.

Each cell's step is checked against the same step written in NumPy from its variables;
variable names and initial values are TF1's; dynamic_rnn, static_rnn and a NumPy loop agree
(with and without sequence_length); gradients through dynamic_rnn match numeric ones.
"""

import numpy as np
import pytest

import smallflow as tf
from smallflow.gradient_checker import compute_gradient_error

RNG = np.random.default_rng(11)
BATCH, TIME, DEPTH, UNITS = 3, 4, 5, 6


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _basic_rnn_step(v, x, state):
    return (np.tanh(np.concatenate([x, state], 1) @ v["kernel"] + v["bias"]),) * 2


def _basic_lstm_step(v, x, state, forget_bias=1.0):
    c, h = state
    gates = np.concatenate([x, h], 1) @ v["kernel"] + v["bias"]
    i, j, f, o = np.split(gates, 4, axis=1)
    new_c = c * _sigmoid(f + forget_bias) + _sigmoid(i) * np.tanh(j)
    new_h = np.tanh(new_c) * _sigmoid(o)
    return new_h, (new_c, new_h)


def _peephole_lstm_step(v, x, state, clip=0.5):
    c, m = state
    gates = np.concatenate([x, m], 1) @ v["kernel"] + v["bias"]
    i, j, f, o = np.split(gates, 4, axis=1)
    new_c = (_sigmoid(f + 1.0 + v["w_f_diag"] * c) * c
             + _sigmoid(i + v["w_i_diag"] * c) * np.tanh(j))
    new_c = np.clip(new_c, -clip, clip)
    new_m = (_sigmoid(o + v["w_o_diag"] * new_c) * np.tanh(new_c)) @ v["projection/kernel"]
    return new_m, (new_c, new_m)


def _gru_step(v, x, state):
    gates = _sigmoid(np.concatenate([x, state], 1) @ v["gates/kernel"] + v["gates/bias"])
    r, u = np.split(gates, 2, axis=1)
    c = np.tanh(np.concatenate([x, r * state], 1) @ v["candidate/kernel"] + v["candidate/bias"])
    new_h = u * state + (1 - u) * c
    return new_h, new_h


CELLS = [
    # (id, make cell, NumPy step, variable names under rnn/, zero state as NumPy)
    ("basic_rnn", lambda: tf.nn.rnn_cell.BasicRNNCell(UNITS), _basic_rnn_step,
     ["basic_rnn_cell/kernel", "basic_rnn_cell/bias"], lambda: np.zeros((BATCH, UNITS))),
    ("basic_lstm", lambda: tf.nn.rnn_cell.BasicLSTMCell(UNITS), _basic_lstm_step,
     ["basic_lstm_cell/kernel", "basic_lstm_cell/bias"],
     lambda: (np.zeros((BATCH, UNITS)),) * 2),
    ("lstm_peephole_proj_clip", lambda: tf.nn.rnn_cell.LSTMCell(
        UNITS, use_peepholes=True, cell_clip=0.5, num_proj=2), _peephole_lstm_step,
     ["lstm_cell/kernel", "lstm_cell/bias", "lstm_cell/w_f_diag", "lstm_cell/w_i_diag",
      "lstm_cell/w_o_diag", "lstm_cell/projection/kernel"],
     lambda: (np.zeros((BATCH, UNITS)), np.zeros((BATCH, 2)))),
    ("gru", lambda: tf.contrib.rnn.GRUCell(UNITS), _gru_step,
     ["gru_cell/gates/kernel", "gru_cell/gates/bias", "gru_cell/candidate/kernel",
      "gru_cell/candidate/bias"], lambda: np.zeros((BATCH, UNITS))),
]


def _variables_by_short_name(sess, prefix):
    values = sess.run({v.op.name: v for v in tf.global_variables()})
    return {name[len(prefix):]: value for name, value in values.items()
            if name.startswith(prefix)}


def _numpy_unroll(step, v, inputs, state, lengths=None):
    outputs = []
    for t in range(inputs.shape[1]):
        output, new_state = step(v, inputs[:, t], state)
        if lengths is not None:
            alive = (t < lengths)[:, None]
            output = np.where(alive, output, 0)
            new_state = _map(lambda n, o, a=alive: np.where(a, n, o), new_state, state)
        outputs.append(output)
        state = new_state
    return np.stack(outputs, 1), state


def _map(fn, a, b):
    if isinstance(a, tuple):
        return tuple(_map(fn, x, y) for x, y in zip(a, b))
    return fn(a, b)


@pytest.mark.parametrize(("name", "make", "step", "names", "zeros"), CELLS,
                         ids=[c[0] for c in CELLS])
@pytest.mark.parametrize("lengths", [None, [4, 1, 0]], ids=["full", "sequence_length"])
def test_dynamic_rnn_matches_numpy_and_names_variables_like_tf1(name, make, step, names,
                                                                  zeros, lengths):
    x = tf.placeholder(tf.float64, [None, TIME, DEPTH])
    outputs, state = tf.nn.dynamic_rnn(make(), x, sequence_length=lengths, dtype=tf.float64)
    assert [v.op.name for v in tf.global_variables()] == [f"rnn/{n}" for n in names]
    value = RNG.normal(size=(BATCH, TIME, DEPTH))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got_outputs, got_state = sess.run([outputs, state], {x: value})
        variables = _variables_by_short_name(sess, "rnn/" + names[0].split("/")[0] + "/")
    expected_outputs, expected_state = _numpy_unroll(
        step, variables, value, zeros(), None if lengths is None else np.array(lengths))
    np.testing.assert_allclose(got_outputs, expected_outputs, rtol=1e-10, atol=1e-12)
    for got, expected in zip(tf.nest.flatten(got_state), tf.nest.flatten(expected_state)):
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("lengths", [None, [4, 2, 3]])
def test_static_rnn_equals_dynamic_rnn_with_the_same_variables(lengths):
    x = tf.placeholder(tf.float32, [None, TIME, DEPTH])
    cell = tf.contrib.rnn.BasicLSTMCell(UNITS)
    dynamic, dynamic_state = tf.nn.dynamic_rnn(cell, x, sequence_length=lengths,
                                               dtype=tf.float32)
    static, static_state = tf.contrib.rnn.static_rnn(cell, tf.unstack(x, TIME, 1),
                                                     sequence_length=lengths, dtype=tf.float32)
    assert len(tf.global_variables()) == 2  # one cell, one set of variables
    value = RNG.normal(size=(BATCH, TIME, DEPTH))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a, b, sa, sb = sess.run([dynamic, tf.stack(static, 1), dynamic_state, static_state],
                                {x: value})
    np.testing.assert_allclose(a, b, atol=1e-6)
    np.testing.assert_allclose(sa.h, sb.h, atol=1e-6)


def test_dynamic_rnn_time_major_and_initial_state():
    x = tf.placeholder(tf.float64, [TIME, BATCH, DEPTH])
    start = tf.placeholder(tf.float64, [BATCH, UNITS])
    outputs, state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicRNNCell(UNITS), x,
                                       initial_state=start, time_major=True)
    assert outputs.shape.as_list() == [TIME, BATCH, UNITS]
    value = RNG.normal(size=(TIME, BATCH, DEPTH))
    initial = RNG.normal(size=(BATCH, UNITS))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, final = sess.run([outputs, state], {x: value, start: initial})
        variables = _variables_by_short_name(sess, "rnn/basic_rnn_cell/")
    expected, expected_state = _numpy_unroll(_basic_rnn_step, variables,
                                             value.transpose(1, 0, 2), initial)
    np.testing.assert_allclose(got.transpose(1, 0, 2), expected, rtol=1e-10)
    np.testing.assert_allclose(final, expected_state, rtol=1e-10)


def test_gradients_through_dynamic_rnn_match_numeric_differences():
    x = tf.placeholder(tf.float64, [2, 3, 2])
    cell = tf.nn.rnn_cell.BasicLSTMCell(3)
    outputs, state = tf.nn.dynamic_rnn(cell, x, sequence_length=[3, 2], dtype=tf.float64)
    loss = tf.reduce_sum(outputs * outputs) + tf.reduce_sum(tf.tanh(state.c))
    kernel = tf.global_variables()[0]
    value = RNG.normal(size=(2, 3, 2))
    (kernel_grad,) = tf.gradients(loss, [kernel])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        error_x = compute_gradient_error(x, [2, 3, 2], loss, [], x_init_value=value,
                                         delta=1e-6)
        # The loop reads the variable itself each step: perturb it by assignment.
        kernel_value = sess.run(kernel)
        analytic = sess.run(kernel_grad, {x: value})
        for index in [(0, 0), (2, 5), (4, 11), (1, 7)]:
            losses = []
            for step in (1e-6, -1e-6):
                shifted = kernel_value.copy()
                shifted[index] += step
                kernel.load(shifted, sess)
                losses.append(sess.run(loss, {x: value}))
            numeric = (losses[0] - losses[1]) / 2e-6
            assert abs(numeric - analytic[index]) < 1e-6
    assert error_x < 1e-6


def test_cell_defaults_follow_tf1_initialisers():
    x = tf.placeholder(tf.float32, [None, TIME, 28])
    tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(128), x, dtype=tf.float32)
    tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(8), x, dtype=tf.float32, scope="gru")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = sess.run({v.op.name: v for v in tf.global_variables()})
    kernel = values["rnn/basic_lstm_cell/kernel"]
    assert kernel.shape == (28 + 128, 4 * 128)
    limit = np.sqrt(6 / (156 + 512))  # Glorot uniform
    assert np.abs(kernel).max() <= np.float32(limit)  # float32 samples round to nearest
    assert np.abs(kernel).max() > 0.9 * limit
    assert not values["rnn/basic_lstm_cell/bias"].any()
    assert (values["gru/gru_cell/gates/bias"] == 1).all()
    assert not values["gru/gru_cell/candidate/bias"].any()


def test_multi_rnn_cell_and_wrappers_keep_tf1_names():
    x = tf.placeholder(tf.float32, [None, TIME, DEPTH])
    layers = [tf.contrib.rnn.DropoutWrapper(tf.contrib.rnn.BasicLSTMCell(UNITS),
                                            output_keep_prob=1.0),
              tf.contrib.rnn.ResidualWrapper(tf.contrib.rnn.BasicLSTMCell(UNITS))]
    cell = tf.contrib.rnn.OutputProjectionWrapper(tf.contrib.rnn.MultiRNNCell(layers), 2)
    outputs, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    assert outputs.shape.as_list() == [None, TIME, 2]
    assert len(state) == 2
    assert [v.op.name for v in tf.global_variables()] == [
        "rnn/output_projection_wrapper/multi_rnn_cell/cell_0/basic_lstm_cell/kernel",
        "rnn/output_projection_wrapper/multi_rnn_cell/cell_0/basic_lstm_cell/bias",
        "rnn/output_projection_wrapper/multi_rnn_cell/cell_1/basic_lstm_cell/kernel",
        "rnn/output_projection_wrapper/multi_rnn_cell/cell_1/basic_lstm_cell/bias",
        "rnn/output_projection_wrapper/kernel",
        "rnn/output_projection_wrapper/bias",
    ]


def test_dropout_wrapper_drops_and_rescales_outputs():
    x = tf.ones([200, 1, 4])
    cell = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.BasicRNNCell(50), output_keep_prob=0.5,
                                         seed=3)
    outputs, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    plain = tf.nn.rnn_cell.BasicRNNCell(50)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        dropped = sess.run(outputs)
    zero_fraction = np.mean(dropped == 0)
    assert 0.4 < zero_fraction < 0.6
    assert plain.output_size == 50


def test_bidirectional_dynamic_rnn_reverses_within_each_length():
    x = tf.placeholder(tf.float64, [BATCH, TIME, DEPTH])
    lengths = [4, 2, 3]
    (fw, bw), (state_fw, state_bw) = tf.nn.bidirectional_dynamic_rnn(
        tf.nn.rnn_cell.BasicRNNCell(UNITS), tf.nn.rnn_cell.BasicRNNCell(UNITS), x,
        sequence_length=lengths, dtype=tf.float64)
    names = [v.op.name for v in tf.global_variables()]
    assert names == ["bidirectional_rnn/fw/basic_rnn_cell/kernel",
                     "bidirectional_rnn/fw/basic_rnn_cell/bias",
                     "bidirectional_rnn/bw/basic_rnn_cell/kernel",
                     "bidirectional_rnn/bw/basic_rnn_cell/bias"]
    value = RNG.normal(size=(BATCH, TIME, DEPTH))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got_bw, got_state = sess.run([bw, state_bw], {x: value})
        variables = _variables_by_short_name(sess, "bidirectional_rnn/bw/basic_rnn_cell/")
    for row, length in enumerate(lengths):
        reversed_input = value[row:row + 1, :length][:, ::-1]
        expected, state = _numpy_unroll(_basic_rnn_step, variables, reversed_input,
                                        np.zeros((1, UNITS)))
        np.testing.assert_allclose(got_bw[row, :length], expected[0, ::-1], rtol=1e-10)
        assert not got_bw[row, length:].any()
        np.testing.assert_allclose(got_state[row], state[0], rtol=1e-10)


def test_static_bidirectional_rnn_concatenates_both_directions():
    inputs = [tf.constant(RNG.normal(size=(BATCH, DEPTH)), tf.float32) for _ in range(TIME)]
    outputs, state_fw, state_bw = tf.contrib.rnn.static_bidirectional_rnn(
        tf.contrib.rnn.GRUCell(UNITS), tf.contrib.rnn.GRUCell(UNITS), inputs, dtype=tf.float32)
    assert len(outputs) == TIME
    assert outputs[0].shape.as_list() == [BATCH, 2 * UNITS]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first, last, fw_state, bw_state = sess.run([outputs[0], outputs[-1], state_fw, state_bw])
    np.testing.assert_allclose(last[:, :UNITS], fw_state, rtol=1e-6)
    np.testing.assert_allclose(first[:, UNITS:], bw_state, rtol=1e-6)


def test_state_is_tuple_false_concatenates_c_and_h():
    x = tf.placeholder(tf.float32, [None, TIME, DEPTH])
    cell = tf.nn.rnn_cell.BasicLSTMCell(UNITS, state_is_tuple=False)
    assert cell.state_size == 2 * UNITS
    _, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    assert state.shape.as_list() == [None, 2 * UNITS]


def test_zero_state_has_the_state_structure():
    state = tf.nn.rnn_cell.MultiRNNCell(
        [tf.nn.rnn_cell.BasicLSTMCell(3), tf.nn.rnn_cell.GRUCell(2)]).zero_state(4, tf.float32)
    assert isinstance(state[0], tf.nn.rnn_cell.LSTMStateTuple)
    assert state[0].c.shape.as_list() == [4, 3]
    assert state[1].shape.as_list() == [4, 2]


RNN_ERRORS = [
    (lambda: tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicRNNCell(2), tf.zeros([1, 2, 3])),
     ValueError, "dtype must be specified"),
    (lambda: tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicRNNCell(2), tf.placeholder(
        tf.float32, [1, 2, None]), dtype=tf.float32), ValueError, "inputs.shape\\[-1\\]"),
    (lambda: tf.nn.dynamic_rnn("cell", tf.zeros([1, 2, 3]), dtype=tf.float32), TypeError,
     "RNNCell"),
    (lambda: tf.nn.static_rnn(tf.nn.rnn_cell.BasicRNNCell(2), tf.zeros([1, 2])), TypeError,
     "sequence"),
    (lambda: tf.nn.rnn_cell.MultiRNNCell([]), ValueError, "at least one cell"),
]


@pytest.mark.parametrize(("build", "error", "words"), RNN_ERRORS)
def test_rnn_functions_reject_bad_arguments(build, error, words):
    with pytest.raises(error, match=words):
        build()


@pytest.mark.parametrize(("kwargs", "reduce"), [
    ({}, lambda c, w: (c * w).sum() / w.sum()),
    # Keeping the batch axis averages over time, and the other way round.
    ({"average_across_batch": False}, lambda c, w: (c * w).sum(1) / w.sum(1)),
    ({"average_across_timesteps": False}, lambda c, w: (c * w).sum(0) / w.sum(0)),
    ({"average_across_timesteps": False, "average_across_batch": False},
     lambda c, w: c * w),
    ({"average_across_timesteps": False, "average_across_batch": False,
      "sum_over_timesteps": True, "sum_over_batch": True},
     lambda c, w: (c * w).sum() / np.count_nonzero(w)),
])
def test_sequence_loss_matches_numpy(kwargs, reduce):
    logits = RNG.normal(size=(2, 3, 5))
    targets = np.array([[0, 4, 2], [1, 1, 3]])
    weights = np.array([[1.0, 1.0, 0.0], [1.0, 0.5, 1.0]])
    loss = tf.contrib.seq2seq.sequence_loss(tf.constant(logits), tf.constant(targets),
                                            tf.constant(weights), **kwargs)
    shifted = logits - logits.max(-1, keepdims=True)
    log_softmax = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
    crossent = -np.take_along_axis(log_softmax, targets[..., None], -1)[..., 0]
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(loss), reduce(crossent, weights), rtol=1e-10)


def test_sequence_loss_checks_ranks():
    with pytest.raises(ValueError, match="Logits must be"):
        tf.contrib.seq2seq.sequence_loss(tf.zeros([2, 3]), tf.zeros([2, 3], tf.int32),
                                         tf.zeros([2, 3]))
