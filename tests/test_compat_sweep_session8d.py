"""Session 8 sweep D (research programs: tkipf/gcn, guillaumegenthial/sequence_tagging,
pix2pix-tensorflow, tensorflow-wavenet): what broke, as specifications.

- gcn: ``tf.sparse_placeholder(shape=<int64 tensor>)`` and sparse dropout's
  ``sparse_retain(x, mask) * (1. / keep_prob)`` (SparseTensor times a dense tensor).
- sequence_tagging: ``tf.contrib.crf`` (log-likelihood, Viterbi in NumPy and in the graph)
  and ``Saver.save(sess, "results/model.weights/")`` (a directory as the prefix).
- the contrib.rnn cells still missing after session 7: ``GRUBlockCell``/``GRUBlockCellV2``,
  ``LSTMBlockFusedCell`` (with ``TimeReversedFusedRNN``/``FusedRNNCellAdaptor``),
  ``AttentionCellWrapper``; their values are also compared with TensorFlow's kernels in
  tests/oracle/cases_sweep_session8d.py.

The CRF and the cells are checked against NumPy forms of their definitions (for the CRF,
by enumerating every tag sequence).
"""

import itertools
import os
import warnings

import numpy as np
import pytest

import smallflow as tf

crf = tf.contrib.crf


def _run(fetches, feed=None, setup=()):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for op in setup:
            sess.run(op)
        return sess.run(fetches, feed)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _fixed(shape, seed):
    size = int(np.prod(shape))
    return (0.5 * np.sin(np.arange(size) * 0.37 + seed)).reshape(shape).astype(np.float32)


# -- gcn: sparse placeholders and sparse dropout ---------------------------------------------


def test_sparse_placeholder_takes_a_shape_tensor_as_its_default_shape():
    # gcn: tf.sparse_placeholder(tf.float32, shape=tf.constant(features[2], dtype=tf.int64))
    with tf.Graph().as_default():
        x = tf.sparse_placeholder(tf.float32, shape=tf.constant([3, 4], dtype=tf.int64),
                                  name="sp")
        assert (x.values.name, x.indices.name, x.dense_shape.name) == (
            "sp/values:0", "sp/indices:0", "sp/shape:0")
        assert x.dense_shape.op.type == "PlaceholderWithDefault"
        assert x.shape.as_list() == [3, 4]
        assert x.indices.shape.as_list() == [None, 2]
        product = tf.sparse_tensor_dense_matmul(x, tf.ones([4, 2]))
        fed = tf.SparseTensorValue([[0, 1], [2, 3]], [1.0, 2.0], [3, 4])
        assert _run(product, {x: fed}).tolist() == [[1, 1], [0, 0], [2, 2]]
        # Only the values and indices need feeding: the shape has its default.
        assert _run(product, {x.values: [5.0], x.indices: [[1, 0]]})[1].tolist() == [5, 5]


def _sparse(indices, values, shape):
    return tf.SparseTensor(indices, tf.constant(values, dtype=tf.float32), shape)


DENSE_OPERANDS = [
    # (operator, dense operand, expected values for entries (0,0,1), (1,1,0), (1,2,1))
    ("mul", np.arange(1.0, 7.0).reshape(3, 2), [1.5 * 2, -2.0 * 3, 4.0 * 6]),
    ("mul", 3.0, [4.5, -6.0, 12.0]),
    ("truediv", np.array([2.0, -0.5]), [1.5 / -0.5, -2.0 / 2.0, 4.0 / -0.5]),
    ("mul", np.ones((1, 1, 2)) * 2, [3.0, -4.0, 8.0]),
]


@pytest.mark.parametrize(("operator", "dense", "expected"), DENSE_OPERANDS)
def test_sparse_tensor_times_or_over_dense_keeps_the_sparse_entries(operator, dense, expected):
    with tf.Graph().as_default():
        sp = _sparse([[0, 0, 1], [1, 1, 0], [1, 2, 1]], [1.5, -2.0, 4.0], [2, 3, 2])
        dense = tf.constant(dense, dtype=tf.float32)
        result = sp * dense if operator == "mul" else sp / dense
        assert isinstance(result, tf.SparseTensor)
        assert result.values.op.type == {"mul": "SparseDenseCwiseMul",
                                         "truediv": "SparseDenseCwiseDiv"}[operator]
        assert result.values.op.name == operator
        values, indices = _run([result.values, result.indices])
        np.testing.assert_allclose(values, expected, rtol=1e-6)
        assert indices.tolist() == [[0, 0, 1], [1, 1, 0], [1, 2, 1]]


def test_sparse_dropout_as_gcn_writes_it_scales_the_kept_entries():
    with tf.Graph().as_default():
        keep_prob = tf.placeholder_with_default(0.5, [])
        x = _sparse([[0, 0], [0, 3], [2, 1], [3, 3]], [1.0, 2.0, 3.0, 4.0], [4, 4])
        mask = tf.constant([True, False, True, True])
        pre_out = tf.sparse_retain(x, mask)
        out = pre_out * (1. / keep_prob)
        values, indices = _run([out.values, out.indices])
        assert values.tolist() == [2.0, 6.0, 8.0]
        assert indices.tolist() == [[0, 0], [2, 1],
                                                                           [3, 3]]


def test_sparse_dense_product_gradients_follow_tensorflow():
    # d(values) = grad * dense entries; d(dense) sums grad * values over the broadcast.
    with tf.Graph().as_default():
        values = tf.constant([1.5, -2.0, 4.0])
        sp = tf.SparseTensor([[0, 1], [1, 0], [1, 1]], values, [2, 2])
        row = tf.constant([2.0, -0.5])
        loss = tf.reduce_sum((sp * row).values * [1.0, 2.0, 3.0]) + \
            tf.reduce_sum((sp / row).values)
        d_values, d_row = _run(tf.gradients(loss, [values, row]))
        np.testing.assert_allclose(d_values, [1 * -0.5 + 1 / -0.5, 2 * 2.0 + 1 / 2.0,
                                              3 * -0.5 + 1 / -0.5], rtol=1e-6)
        np.testing.assert_allclose(d_row, [2 * -2.0 - (-2.0) / 4.0,
                                           1 * 1.5 + 3 * 4.0 - (1.5 + 4.0) / 0.25], rtol=1e-6)


def test_sparse_dense_operands_that_do_not_broadcast_are_an_error():
    with tf.Graph().as_default():
        sp = _sparse([[0, 0]], [1.0], [2, 3])
        with pytest.raises(tf.errors.InvalidArgumentError, match="broadcasts dense to sparse"):
            _run((sp * tf.ones([2, 2])).values)


# -- sequence_tagging: saving into a directory prefix ----------------------------------------


def test_saver_saves_to_and_restores_from_a_directory_prefix(tmp_path):
    # sequence_tagging: os.makedirs(dir_model); saver.save(sess, "results/model.weights/"),
    # later saver.restore(sess, "results/model.weights/"): TensorFlow writes dir/.index.
    prefix = str(tmp_path / "model.weights") + os.sep
    os.makedirs(prefix)
    with tf.Graph().as_default():
        v = tf.Variable([1.0, 2.0], name="v")
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            assert saver.save(sess, prefix) == prefix
            assert {".index", ".data-00000-of-00001", "checkpoint"} <= set(os.listdir(prefix))
            sess.run(v.assign([5.0, 6.0]))
            saver.restore(sess, prefix)
            assert sess.run(v).tolist() == [1.0, 2.0]


# -- dynamic_rnn: the outputs take the explicit dtype ----------------------------------------


def test_dynamic_rnn_outputs_take_the_explicit_dtype_over_the_state_dtype():
    # As TensorFlow's _infer_state_dtype: crf_decode's forward cell emits int32 backpointers
    # from a float32 state with dtype=tf.int32.
    class ArgmaxCell(tf.nn.rnn_cell.RNNCell):
        state_size = output_size = 3

        def __call__(self, inputs, state, scope=None):
            return tf.cast(tf.argmax(inputs + state, 1)[:, None] + tf.zeros([1, 3], tf.int64),
                           tf.int32), state + inputs

    with tf.Graph().as_default():
        inputs = tf.constant(np.eye(3, dtype=np.float32)[None].repeat(2, 0))
        outputs, state = tf.nn.dynamic_rnn(ArgmaxCell(), inputs, initial_state=tf.zeros([2, 3]),
                                           dtype=tf.int32)
        assert outputs.dtype == tf.int32
        assert state.dtype == tf.float32
        assert _run(outputs)[0, :, 0].tolist() == [0, 0, 0]


# -- tf.contrib.crf against enumeration -------------------------------------------------------


def _path_score(unary, transitions, path):
    return sum(unary[t, tag] for t, tag in enumerate(path)) + sum(
        transitions[a, b] for a, b in zip(path, path[1:]))


def _brute_force(unary, transitions, length):
    paths = list(itertools.product(range(unary.shape[1]), repeat=length))
    scores = np.array([_path_score(unary, transitions, p) for p in paths])
    best = int(np.argmax(scores))
    return np.log(np.sum(np.exp(scores))), list(paths[best]), scores[best]


CRF_SHAPES = [
    # (max_len, lengths, static_time)
    (4, [4, 2, 1], True),
    (4, [3, 4, 0], False),
    (1, [1, 1, 0], True),
    (1, [1, 0, 1], False),
]


@pytest.mark.parametrize(("max_len", "lengths", "static_time"), CRF_SHAPES)
def test_crf_likelihood_and_decoding_match_enumerating_every_tag_sequence(max_len, lengths,
                                                                         static_time):
    rng = np.random.RandomState(max_len + len(lengths) + static_time)
    tags_count = 3
    unary = rng.randn(3, max_len, tags_count).astype(np.float32)
    transitions = rng.randn(tags_count, tags_count).astype(np.float32)
    tags = rng.randint(0, tags_count, (3, max_len)).astype(np.int32)
    with tf.Graph().as_default():
        time = max_len if static_time else None
        inputs = tf.placeholder(tf.float32, [None, time, tags_count])
        tag_ids = tf.placeholder(tf.int32, [None, time])
        lens = tf.placeholder(tf.int32, [None])
        trans = tf.constant(transitions)
        likelihood, trans_out = crf.crf_log_likelihood(inputs, tag_ids, lens, trans)
        decoded, best = crf.crf_decode(inputs, trans, lens)
        assert trans_out is trans
        assert decoded.dtype == tf.int32
        values = _run([likelihood, decoded, best, crf.crf_log_norm(inputs, lens, trans)],
                      {inputs: unary, tag_ids: tags, lens: lengths})
    for b, length in enumerate(lengths):
        if length == 0:  # an empty sequence has score 0 and normaliser 0
            assert values[0][b] == 0.0
            assert values[3][b] == 0.0
            continue
        log_z, path, path_score = _brute_force(unary[b], transitions, length)
        expected = _path_score(unary[b], transitions, tags[b, :length]) - log_z
        np.testing.assert_allclose(values[0][b], expected, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(values[3][b], log_z, rtol=1e-5)
        assert values[1][b, :length].tolist() == path
        assert values[1][b, length:].tolist() == [0] * (max_len - length)
        np.testing.assert_allclose(values[2][b], path_score, rtol=1e-5)
        viterbi, viterbi_score = crf.viterbi_decode(unary[b, :length], transitions)
        assert [int(t) for t in viterbi] == path
        np.testing.assert_allclose(viterbi_score, path_score, rtol=1e-5)


def test_crf_log_likelihood_makes_a_transitions_variable_and_trains():
    rng = np.random.RandomState(0)
    unary_np = rng.randn(4, 5, 3).astype(np.float32)
    tags_np = rng.randint(0, 3, (4, 5)).astype(np.int32)
    with tf.Graph().as_default():
        unary = tf.Variable(unary_np)
        with tf.variable_scope("crf"):
            likelihood, transitions = crf.crf_log_likelihood(unary, tags_np, [5, 3, 4, 1])
        assert transitions.name == "crf/transitions:0"
        assert transitions.shape.as_list() == [3, 3]
        assert likelihood.shape.as_list() == [4]
        loss = tf.reduce_mean(-likelihood)
        with warnings.catch_warnings():
            # TensorFlow warns too: the gather over the flattened scores of unknown size.
            warnings.simplefilter("ignore", UserWarning)
            step = tf.train.AdamOptimizer(0.1).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            first = sess.run(loss)
            for _ in range(30):
                sess.run(step)
            assert sess.run(loss) < 0.3 * first


def test_crf_multitag_score_with_one_hot_bitmaps_is_the_sequence_score():
    rng = np.random.RandomState(1)
    unary = rng.randn(2, 4, 3).astype(np.float32)
    tags = rng.randint(0, 3, (2, 4))
    transitions = tf.constant(rng.randn(3, 3).astype(np.float32))
    bitmap = np.eye(3, dtype=bool)[tags]
    with tf.Graph().as_default():
        transitions = tf.constant(rng.randn(3, 3).astype(np.float32))
        multi = crf.crf_multitag_sequence_score(tf.constant(unary), tf.constant(bitmap),
                                                tf.constant([4, 2]), transitions)
        single = crf.crf_sequence_score(tf.constant(unary), tf.constant(tags, tf.int32),
                                        tf.constant([4, 2]), transitions)
        a, b = _run([multi, single])
    np.testing.assert_allclose(a, b, rtol=1e-5)


# -- contrib.rnn block cells ------------------------------------------------------------------


def _numpy_gru(x, h, w_ru, b_ru, w_c, b_c):
    gates = _sigmoid(np.concatenate([x, h], 1) @ w_ru + b_ru)
    r, u = np.split(gates, 2, axis=1)
    c = np.tanh(np.concatenate([x, r * h], 1) @ w_c + b_c)
    return (1 - u) * c + u * h


def _numpy_block_lstm(x, c, h, kernel, bias, peep=None, clip=None, forget_bias=1.0):
    i, ci, f, o = np.split(np.concatenate([x, h], 1) @ kernel + bias, 4, axis=1)
    if peep is not None:
        i, f = i + c * peep[0], f + c * peep[1]
    c = _sigmoid(i) * np.tanh(ci) + _sigmoid(f + forget_bias) * c
    if clip:
        c = np.clip(c, -clip, clip)
    if peep is not None:
        o = o + c * peep[2]
    return c, _sigmoid(o) * np.tanh(c)


GRU_CELLS = [
    ("GRUBlockCell", ["rnn/gru_cell/w_ru:0", "rnn/gru_cell/b_ru:0", "rnn/gru_cell/w_c:0",
                      "rnn/gru_cell/b_c:0"]),
    ("GRUBlockCellV2", ["rnn/gru_cell/gates/kernel:0", "rnn/gru_cell/gates/bias:0",
                        "rnn/gru_cell/candidate/kernel:0", "rnn/gru_cell/candidate/bias:0"]),
]


@pytest.mark.parametrize(("cell_name", "names"), GRU_CELLS)
def test_gru_block_cells_have_tensorflows_variables_and_gru_arithmetic(cell_name, names):
    x = _fixed([2, 3, 4], 0.0) * 4
    with tf.Graph().as_default():
        cell = getattr(tf.contrib.rnn, cell_name)(5)
        outputs, state = tf.nn.dynamic_rnn(cell, tf.constant(x), dtype=tf.float32)
        variables = tf.trainable_variables()
        assert [v.name for v in variables] == names
        assert [v.shape.as_list() for v in variables] == [[9, 10], [10], [9, 5], [5]]
        initial = _run([variables[1], variables[3]])
        assert initial[0].tolist() == [1.0] * 10
        assert initial[1].tolist() == [0.0] * 5
        weights = [_fixed(v.shape.as_list(), 3.0 + i) for i, v in enumerate(variables)]
        got, final = _run([outputs, state],
                          setup=[tf.assign(v, w) for v, w in zip(variables, weights)])
    h = np.zeros((2, 5), np.float32)
    for t in range(3):
        h = _numpy_gru(x[:, t], h, *weights)
        np.testing.assert_allclose(got[:, t], h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(final, h, rtol=1e-5, atol=1e-6)


def test_gru_block_cell_argument_errors():
    with pytest.raises(ValueError, match="Exactly one of num_units or cell_size"):
        tf.contrib.rnn.GRUBlockCell()
    with pytest.raises(ValueError, match="Exactly one of num_units or cell_size"):
        tf.contrib.rnn.GRUBlockCell(4, cell_size=4)
    assert tf.contrib.rnn.GRUBlockCell(cell_size=3).state_size == 3


def test_lstm_block_cell_creates_peepholes_in_tensorflows_order():
    with tf.Graph().as_default():
        cell = tf.contrib.rnn.LSTMBlockCell(3, use_peephole=True)
        tf.nn.dynamic_rnn(cell, tf.zeros([1, 2, 2]), dtype=tf.float32)
        assert [v.name for v in cell.variables] == [
            "rnn/lstm_cell/kernel:0", "rnn/lstm_cell/bias:0", "rnn/lstm_cell/w_i_diag:0",
            "rnn/lstm_cell/w_f_diag:0", "rnn/lstm_cell/w_o_diag:0"]


FUSED = [
    # (use_peephole, cell_clip, sequence_length)
    (False, None, None),
    (True, None, [3, 1]),
    (True, 0.2, [2, 0]),
]


@pytest.mark.parametrize(("peephole", "clip", "lengths"), FUSED)
def test_lstm_block_fused_cell_runs_the_block_lstm_over_time_major_inputs(peephole, clip,
                                                                         lengths):
    x = _fixed([3, 2, 4], 0.0) * 4  # [time, batch, depth]
    with tf.Graph().as_default():
        cell = tf.contrib.rnn.LSTMBlockFusedCell(5, cell_clip=clip, use_peephole=peephole)
        outputs, state = cell(tf.constant(x), dtype=tf.float32, sequence_length=lengths)
        names = [v.name for v in cell.variables]
        expected_names = ["lstm_fused_cell/kernel:0", "lstm_fused_cell/bias:0"]
        if peephole:
            expected_names += [f"lstm_fused_cell/w_{g}_diag:0" for g in "ifo"]
        assert names == expected_names
        assert outputs.shape.as_list() == [3, 2, 5]
        assert state.c.shape.as_list() == [2, 5]
        weights = [_fixed(v.shape.as_list(), 3.0 + i) for i, v in enumerate(cell.variables)]
        got, (c_final, h_final) = _run(
            [outputs, state], setup=[tf.assign(v, w) for v, w in zip(cell.variables, weights)])
    c = h = np.zeros((2, 5), np.float32)
    steps_c, steps_h = [c], [h]
    for t in range(3):
        c, h = _numpy_block_lstm(x[t], c, h, weights[0], weights[1],
                                 weights[2:] if peephole else None, clip)
        steps_c.append(c)
        steps_h.append(h)
    lengths = lengths or [3, 3]
    for b, length in enumerate(lengths):
        expected = np.array([steps_h[t + 1][b] if t < length else np.zeros(5)
                             for t in range(3)])
        np.testing.assert_allclose(got[:, b], expected, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(c_final[b], steps_c[length][b], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(h_final[b], steps_h[length][b], rtol=1e-5, atol=1e-6)


def test_fused_cells_reverse_in_time_and_adapt_ordinary_cells():
    x = _fixed([4, 2, 3], 0.5)
    with tf.Graph().as_default():
        fused = tf.contrib.rnn.LSTMBlockFusedCell(2)
        with tf.variable_scope("fw"):
            forward, _ = fused(tf.constant(x), dtype=tf.float32, sequence_length=[4, 2])
        backward_cell = tf.contrib.rnn.TimeReversedFusedRNN(fused)
        with tf.variable_scope("fw", reuse=True):
            backward, _ = backward_cell(tf.constant(x), dtype=tf.float32,
                                        sequence_length=[4, 2])
        by_hand = tf.reverse_sequence(
            fused(tf.reverse_sequence(tf.constant(x), [4, 2], 0, 1), dtype=tf.float32,
                  sequence_length=[4, 2])[0], [4, 2], 0, 1)
        adapted = tf.contrib.rnn.FusedRNNCellAdaptor(tf.contrib.rnn.LSTMBlockCell(2),
                                                     use_dynamic_rnn=True)
        adapted_out, adapted_state = adapted(tf.constant(x), dtype=tf.float32)
        assert adapted_out.shape.as_list() == [4, 2, 2]
        assert len(tf.trainable_variables()) == 4  # the fused pair is shared, plus the cell's
        f, b, h = _run([forward, backward, by_hand])
    np.testing.assert_allclose(b, h, rtol=1e-6)
    assert not np.allclose(f, b)


def _numpy_attention_step(x, state, attns, window, w, cell_fn, length, size):
    kernel1, bias1 = w["kernel"], w["bias"]
    inputs = np.concatenate([x, attns], 1) @ kernel1 + bias1
    cell_out, new_state = cell_fn(inputs, state)
    query = np.concatenate(new_state, 1)
    hidden = window.reshape(-1, length, size)
    features = hidden @ w["attention/attn_w"].reshape(size, -1)
    y = query @ w["attention/kernel"] + w["attention/bias"]
    scores = np.sum(w["attention/attn_v"] * np.tanh(features + y[:, None, :]), 2)
    weights = np.exp(scores - scores.max(1, keepdims=True))
    weights /= weights.sum(1, keepdims=True)
    new_attns = np.sum(weights[:, :, None] * hidden, 1)
    output = np.concatenate([cell_out, new_attns], 1) @ w["attn_output_projection/kernel"] + \
        w["attn_output_projection/bias"]
    new_window = np.concatenate([hidden[:, 1:], output[:, None]], 1).reshape(len(x), -1)
    return output, new_state, new_attns, new_window


def test_attention_cell_wrapper_matches_its_definition():
    x = _fixed([2, 3, 4], 0.0) * 2
    length, size = 3, 5
    with tf.Graph().as_default():
        cell = tf.contrib.rnn.AttentionCellWrapper(tf.nn.rnn_cell.BasicLSTMCell(size),
                                                   attn_length=length, attn_vec_size=4)
        assert cell.state_size == ((5, 5), 5, 15)
        assert cell.output_size == 5
        outputs, state = tf.nn.dynamic_rnn(cell, tf.constant(x), dtype=tf.float32)
        variables = tf.trainable_variables()
        prefix = "rnn/attention_cell_wrapper/"
        assert [(v.name[len(prefix):], v.shape.as_list()) for v in variables] == [
            ("kernel:0", [9, 4]), ("bias:0", [4]),
            ("basic_lstm_cell/kernel:0", [9, 20]), ("basic_lstm_cell/bias:0", [20]),
            ("attention/attn_w:0", [1, 1, 5, 4]), ("attention/attn_v:0", [4]),
            ("attention/kernel:0", [10, 4]), ("attention/bias:0", [4]),
            ("attn_output_projection/kernel:0", [10, 5]),
            ("attn_output_projection/bias:0", [5])]
        weights = {v.name[len(prefix):-2]: _fixed(v.shape.as_list(), 1.0 + i)
                   for i, v in enumerate(variables)}
        got, final = _run([outputs, state], setup=[
            tf.assign(v, weights[v.name[len(prefix):-2]]) for v in variables])

    def lstm(inputs, state):
        c, h = state
        i, j, f, o = np.split(np.concatenate([inputs, h], 1) @ weights[
            "basic_lstm_cell/kernel"] + weights["basic_lstm_cell/bias"], 4, axis=1)
        c = c * _sigmoid(f + 1.0) + _sigmoid(i) * np.tanh(j)
        h = np.tanh(c) * _sigmoid(o)
        return h, (c, h)

    state_np = (np.zeros((2, 5)), np.zeros((2, 5)))
    attns, window = np.zeros((2, 5)), np.zeros((2, 15))
    for t in range(3):
        out, state_np, attns, window = _numpy_attention_step(
            x[:, t], state_np, attns, window, weights, lstm, length, size)
        np.testing.assert_allclose(got[:, t], out, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(final[1], attns, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(final[2], window, rtol=1e-4, atol=1e-6)


ATTENTION_ERRORS = [
    (dict(attn_length=0), "attn_length should be greater than zero"),
    (dict(attn_length=2, state_is_tuple=False), "state_is_tuple is not set"),
]


@pytest.mark.parametrize(("kwargs", "message"), ATTENTION_ERRORS)
def test_attention_cell_wrapper_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        tf.contrib.rnn.AttentionCellWrapper(tf.nn.rnn_cell.BasicLSTMCell(3), **kwargs)


# -- wavenet: a collection TensorFlow cannot serialize is left out of the MetaGraph ----------


def test_meta_graph_export_leaves_out_a_collection_it_cannot_serialize(tmp_path, caplog):
    # wavenet: `tf.Variable(initializer(shape=shape), name)` passes the name as `trainable`;
    # TensorFlow warns, drops trainable_variables from the MetaGraph and saves on.
    pytest.importorskip("tensorboard", reason="the tensorboard extra is not installed")
    with tf.Graph().as_default():
        v = tf.Variable(tf.zeros([2]), "bias")
        assert v.name == "Variable:0"
        assert v.trainable == "bias"
        saver = tf.train.Saver(var_list=tf.trainable_variables())
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            with caplog.at_level("WARNING", logger="smallflow"):
                prefix = saver.save(sess, str(tmp_path / "model.ckpt"), global_step=1)
        assert "Issue encountered when serializing: trainable_variables" in caplog.text
        meta = tf.train.export_meta_graph()
        assert "trainable_variables" not in meta.collection_def
        assert "variables" not in meta.collection_def  # the same VariableDef fails there
        assert os.path.isfile(prefix + ".meta")
        assert os.path.isfile(prefix + ".index")
