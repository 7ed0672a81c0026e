"""tf.contrib.seq2seq decoding and attention: values against NumPy references written from
TensorFlow 1.x's documented maths, TF1's variable names, errors, and a tiny task learnt.

TensorFlow 2 (the oracle venv) has no contrib.seq2seq, so there are no oracle cases here;
the references below restate TF 1.15's formulas in NumPy.
"""

import numpy as np
import pytest

import smallflow as tf

seq2seq = tf.contrib.seq2seq


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


# -- greedy decoding -------------------------------------------------------------------------

B, E, H, V = 3, 4, 5, 6


def _greedy_graph(end_token, impute_finished, output_time_major, maximum_iterations):
    tf.set_random_seed(3)
    embedding = tf.get_variable("embedding", [V, E])
    cell = tf.nn.rnn_cell.BasicRNNCell(H)
    projection = tf.layers.Dense(V)
    helper = seq2seq.GreedyEmbeddingHelper(embedding, tf.fill([B], 1), end_token)
    decoder = seq2seq.BasicDecoder(cell, helper, cell.zero_state(B, tf.float32),
                                   output_layer=projection)
    outputs, state, lengths = seq2seq.dynamic_decode(
        decoder, output_time_major=output_time_major, impute_finished=impute_finished,
        maximum_iterations=maximum_iterations)
    return embedding, cell, projection, outputs, state, lengths


def _greedy_reference(emb, kernel, bias, w, c, end_token, impute, steps):
    """TF1's loop: stop when every row has emitted end_token (or after ``steps``)."""
    ids = np.full(B, 1)
    h = np.zeros((B, H), np.float32)
    finished = np.zeros(B, bool)
    lengths = np.zeros(B, np.int32)
    logits_seq, ids_seq = [], []
    for t in range(steps):
        if finished.all():
            break
        new_h = np.tanh(np.concatenate([emb[ids], h], 1) @ kernel + bias)
        logits = new_h @ w + c
        sample = logits.argmax(-1)
        lengths = np.where(finished, lengths, t + 1)
        if impute:
            logits = np.where(finished[:, None], 0, logits)
            sample = np.where(finished, 0, sample)
            new_h = np.where(finished[:, None], h, new_h)
        finished = finished | (sample == end_token)
        logits_seq.append(logits)
        ids_seq.append(sample)
        h = new_h
        ids = sample
    return np.stack(logits_seq, 1), np.stack(ids_seq, 1), h, lengths


def _run_greedy(end_token, impute, time_major, max_iter):
    emb, cell, proj, outputs, state, lengths = _greedy_graph(end_token, impute, time_major,
                                                             max_iter)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got = sess.run([outputs, state, lengths])
        weights = sess.run([emb, *cell.variables, proj.kernel, proj.bias])
    return got, weights


@pytest.mark.parametrize(("impute", "time_major", "max_iter"), [
    (True, False, 12), (False, False, 12), (True, True, 12), (False, True, 2)])
def test_greedy_decode_matches_numpy_and_stops_at_end_token(impute, time_major, max_iter):
    # A first run with an unreachable end token picks a token row 0 emits at step 2; the
    # second decodes with that end token, so row 0 stops early and others may run on.
    (outputs, _, _), weights = _run_greedy(V + 5, impute, False, 4)
    end_token = int(outputs.sample_id[0, 1])
    tf.reset_default_graph()
    (outputs, state, lengths), weights = _run_greedy(end_token, impute, time_major, max_iter)
    logits, ids, h, ref_lengths = _greedy_reference(*weights, end_token, impute, max_iter)
    if time_major:
        outputs = outputs._replace(rnn_output=outputs.rnn_output.swapaxes(0, 1),
                                   sample_id=outputs.sample_id.swapaxes(0, 1))
    assert lengths[0] <= 2
    np.testing.assert_array_equal(lengths, ref_lengths)
    np.testing.assert_allclose(outputs.rnn_output, logits, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(outputs.sample_id, ids)
    np.testing.assert_allclose(state, h, rtol=1e-5, atol=1e-6)


def test_maximum_iterations_zero_decodes_nothing():
    _, _, _, outputs, _, lengths = _greedy_graph(2, True, False, 0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, got_lengths = sess.run([outputs, lengths])
    assert got.rnn_output.shape == (B, 0, V)
    np.testing.assert_array_equal(got_lengths, [0, 0, 0])


def test_training_helper_feeds_the_targets_and_masks_by_length():
    inputs = np.random.default_rng(0).normal(size=(B, 4, E)).astype(np.float32)
    lengths = np.array([4, 2, 0], np.int32)
    cell = tf.nn.rnn_cell.BasicRNNCell(H)
    helper = seq2seq.TrainingHelper(tf.constant(inputs), tf.constant(lengths))
    decoder = seq2seq.BasicDecoder(cell, helper, cell.zero_state(B, tf.float32))
    outputs, state, got_lengths = seq2seq.dynamic_decode(decoder, impute_finished=True)
    reference_outputs, _ = tf.nn.dynamic_rnn(cell, tf.constant(inputs), sequence_length=lengths,
                                             dtype=tf.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, want, got_lengths = sess.run([outputs, reference_outputs, got_lengths])
    np.testing.assert_array_equal(got_lengths, lengths)
    np.testing.assert_allclose(got.rnn_output, want, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(got.sample_id, want.argmax(-1) * (want != 0).any(-1))


def test_decoder_variables_have_tf1_names():
    _greedy_graph(2, False, False, 5)
    names = sorted(v.op.name for v in tf.global_variables())
    assert names == ["decoder/basic_rnn_cell/bias", "decoder/basic_rnn_cell/kernel",
                     "decoder/dense/bias", "decoder/dense/kernel", "embedding"]


# -- attention mechanisms --------------------------------------------------------------------

BM, S, D, U = 2, 4, 3, 5
MEMORY = np.random.default_rng(1).normal(size=(BM, S, D)).astype(np.float32)
QUERY = np.random.default_rng(2).normal(size=(BM, U)).astype(np.float32)
MEMORY_LENGTHS = np.array([4, 2], np.int32)


def _bahdanau_reference(w, values, query, normalize):
    keys = values @ w["memory_layer/kernel"]
    q = query @ w["bahdanau_attention/query_layer/kernel"]
    v = w["bahdanau_attention/attention_v"]
    if not normalize:
        return (v * np.tanh(keys + q[:, None])).sum(-1)
    g = w["bahdanau_attention/attention_g"]
    b = w["bahdanau_attention/attention_b"]
    return (g * v / np.linalg.norm(v) * np.tanh(keys + q[:, None] + b)).sum(-1)


def _luong_reference(w, values, query, scale):
    score = np.einsum("bu,bsu->bs", query, values @ w["memory_layer/kernel"])
    return score * w["luong_attention/attention_g"] if scale else score


MECHANISMS = [
    ("bahdanau", lambda m, n: seq2seq.BahdanauAttention(U, m, n), False, _bahdanau_reference),
    ("bahdanau_normalized", lambda m, n: seq2seq.BahdanauAttention(U, m, n, normalize=True),
     True, _bahdanau_reference),
    ("luong", lambda m, n: seq2seq.LuongAttention(U, m, n), False, _luong_reference),
    ("luong_scaled", lambda m, n: seq2seq.LuongAttention(U, m, n, scale=True), True,
     _luong_reference),
]


@pytest.mark.parametrize("masked", [True, False])
@pytest.mark.parametrize(("label", "make", "flag", "reference"), MECHANISMS,
                         ids=[row[0] for row in MECHANISMS])
def test_attention_alignments_match_numpy(label, make, flag, reference, masked):
    lengths = MEMORY_LENGTHS if masked else None
    mechanism = make(tf.constant(MEMORY), lengths)
    alignments, next_state = mechanism(tf.constant(QUERY), state=mechanism.initial_state(
        BM, tf.float32))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, state, values = sess.run([alignments, next_state, mechanism.values])
        weights = {v.op.name: sess.run(v) for v in tf.global_variables()}
    mask = np.arange(S)[None] < (MEMORY_LENGTHS[:, None] if masked else np.full((BM, 1), S))
    want_values = MEMORY * mask[:, :, None]
    score = reference(weights, want_values, QUERY, flag)
    want = _softmax(np.where(mask, score, -np.inf))
    np.testing.assert_allclose(values, want_values)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(state, got)
    assert (got[~mask] == 0).all()


def _wrapper_graph(mechanism_name, **kwargs):
    memory = tf.constant(MEMORY)
    if mechanism_name == "luong":
        mechanism = seq2seq.LuongAttention(U, memory, MEMORY_LENGTHS)
    else:
        mechanism = seq2seq.BahdanauAttention(U, memory, MEMORY_LENGTHS)
    cell = seq2seq.AttentionWrapper(tf.nn.rnn_cell.BasicRNNCell(U), mechanism, **kwargs)
    return cell, cell.zero_state(BM, tf.float32)


@pytest.mark.parametrize(("kwargs", "output_depth"), [
    ({"attention_layer_size": 7}, 7), ({}, D), ({"output_attention": False}, U),
    ({"attention_layer_size": 7, "alignment_history": True}, 7)])
def test_attention_wrapper_step_matches_numpy(kwargs, output_depth):
    cell, state = _wrapper_graph("luong", **kwargs)
    inputs = np.ones((BM, 2), np.float32)
    output, next_state = cell(tf.constant(inputs), state)
    assert output.shape.as_list() == [BM, output_depth]
    assert cell.output_size == output_depth
    fetch = [output, next_state.cell_state, next_state.alignments, next_state.attention,
             next_state.time]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, cell_state, alignments, attention, time = sess.run(fetch)
        weights = {v.op.name: sess.run(v) for v in tf.global_variables()}
    prefix = "attention_wrapper/"
    attention_depth = output_depth if "attention_layer_size" in kwargs else D
    # [inputs, previous attention (zero)], then the RNN cell's previous state (zero).
    cell_in = np.concatenate([inputs, np.zeros((BM, attention_depth)), np.zeros((BM, U))], 1)
    h = np.tanh(cell_in @ weights[prefix + "basic_rnn_cell/kernel"]
                + weights[prefix + "basic_rnn_cell/bias"])
    mask = np.arange(S)[None] < MEMORY_LENGTHS[:, None]
    values = MEMORY * mask[:, :, None]
    score = np.einsum("bu,bsu->bs", h, values @ weights["memory_layer/kernel"])
    want_alignments = _softmax(np.where(mask, score, -np.inf))
    context = np.einsum("bs,bsd->bd", want_alignments, values)
    want_attention = context
    if "attention_layer_size" in kwargs:
        projection = weights[prefix + "attention_layer/kernel"]
        want_attention = np.concatenate([h, context], 1) @ projection
    np.testing.assert_allclose(cell_state, h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(alignments, want_alignments, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(attention, want_attention, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got, h if kwargs.get("output_attention") is False
                               else want_attention, rtol=1e-5, atol=1e-6)
    assert time == 1


def test_attention_wrapper_state_clone_replaces_the_cell_state():
    cell, state = _wrapper_graph("bahdanau", attention_layer_size=4)
    encoder_state = tf.ones([BM, U])
    cloned = state.clone(cell_state=encoder_state)
    assert isinstance(cloned, seq2seq.AttentionWrapperState)
    assert cloned.cell_state is encoder_state
    assert cloned.attention is state.attention
    with pytest.raises(ValueError, match="not compatible|incompatible|Incompatible"):
        state.clone(cell_state=tf.ones([BM, U + 1]))


def test_attention_decoder_variables_have_tf1_names():
    memory = tf.constant(MEMORY)
    mechanism = seq2seq.BahdanauAttention(U, memory, MEMORY_LENGTHS, normalize=True)
    cell = seq2seq.AttentionWrapper(tf.nn.rnn_cell.BasicLSTMCell(U), mechanism,
                                    attention_layer_size=4)
    helper = seq2seq.TrainingHelper(tf.ones([BM, 3, 2]), [3, 3])
    decoder = seq2seq.BasicDecoder(cell, helper, cell.zero_state(BM, tf.float32),
                                   output_layer=tf.layers.Dense(6, name="output_projection"))
    seq2seq.dynamic_decode(decoder)
    names = sorted(v.op.name for v in tf.global_variables())
    prefix = "decoder/attention_wrapper/"
    assert names == sorted([
        "memory_layer/kernel", prefix + "basic_lstm_cell/kernel",
        prefix + "basic_lstm_cell/bias", prefix + "bahdanau_attention/query_layer/kernel",
        prefix + "bahdanau_attention/attention_v", prefix + "bahdanau_attention/attention_g",
        prefix + "bahdanau_attention/attention_b", prefix + "attention_layer/kernel",
        "decoder/output_projection/kernel", "decoder/output_projection/bias"])


def test_hardmax_is_the_one_hot_argmax():
    got = tf.Session().run(seq2seq.hardmax(tf.constant([[1.0, 3.0, 2.0], [5.0, 0.0, 1.0]])))
    np.testing.assert_array_equal(got, [[0, 1, 0], [1, 0, 0]])


# -- errors ----------------------------------------------------------------------------------

def _embedding():
    return tf.ones([V, E])


ERRORS = [
    ("start tokens matrix", lambda: seq2seq.GreedyEmbeddingHelper(_embedding(), [[1]], 2),
     ValueError, "start_tokens must be a vector"),
    ("end token vector", lambda: seq2seq.GreedyEmbeddingHelper(_embedding(), [1], [2]),
     ValueError, "end_token must be a scalar"),
    ("lengths matrix", lambda: seq2seq.TrainingHelper(tf.ones([2, 3, 4]), [[3], [3]]),
     ValueError, "Expected sequence_length to be a vector"),
    ("not a decoder", lambda: seq2seq.dynamic_decode("decoder"), TypeError,
     "Expected decoder to be type Decoder"),
    ("not a helper", lambda: seq2seq.BasicDecoder(tf.nn.rnn_cell.BasicRNNCell(2), "helper",
                                                  None), TypeError, "helper must be a Helper"),
    ("not a cell", lambda: seq2seq.BasicDecoder("cell", None, None), TypeError,
     "is not an RNNCell"),
    ("not a mechanism", lambda: seq2seq.AttentionWrapper(tf.nn.rnn_cell.BasicRNNCell(2), 3),
     TypeError, "attention_mechanism must be an AttentionMechanism"),
    ("layer sizes", lambda: seq2seq.AttentionWrapper(
        tf.nn.rnn_cell.BasicRNNCell(2), seq2seq.LuongAttention(2, tf.ones([1, 3, 2])),
        attention_layer_size=[2, 3]), ValueError, "exactly one integer per"),
    ("luong depth", lambda: seq2seq.LuongAttention(4, tf.ones([1, 3, 2]))(
        tf.ones([1, 3]), None), ValueError, "Incompatible or unknown inner dimensions"),
    ("memory inner dims", lambda: seq2seq.LuongAttention(
        4, tf.placeholder(tf.float32, [1, 3, None])), ValueError, "fully defined inner dims"),
]


@pytest.mark.parametrize(("label", "build", "error", "message"), ERRORS,
                         ids=[row[0] for row in ERRORS])
def test_bad_arguments_raise_tf1_errors(label, build, error, message):
    with pytest.raises(error, match=message):
        build()


def test_unknown_name_says_smallflow_does_not_provide_it():
    with pytest.raises(AttributeError, match="tf.contrib.seq2seq.NoSuchThing"):
        _ = seq2seq.NoSuchThing
    assert seq2seq.sequence_loss is not None


# -- a tiny task learnt ----------------------------------------------------------------------

GO, EOS, VOCAB, LENGTH = 1, 2, 8, 4


def _reverse_batch(rng, size):
    source = rng.integers(3, VOCAB, size=(size, LENGTH))
    target = source[:, ::-1]
    decoder_in = np.concatenate([np.full((size, 1), GO), target], 1)
    decoder_out = np.concatenate([target, np.full((size, 1), EOS)], 1)
    return source, decoder_in, decoder_out


def test_attention_seq2seq_learns_to_reverse_and_decodes_greedily():
    tf.set_random_seed(0)
    units = 24
    source = tf.placeholder(tf.int32, [None, LENGTH])
    decoder_in = tf.placeholder(tf.int32, [None, LENGTH + 1])
    decoder_out = tf.placeholder(tf.int32, [None, LENGTH + 1])
    batch = tf.shape(source)[0]
    embedding = tf.get_variable("embedding", [VOCAB, 12])
    encoder_outputs, encoder_state = tf.nn.dynamic_rnn(
        tf.nn.rnn_cell.GRUCell(units), tf.nn.embedding_lookup(embedding, source),
        dtype=tf.float32)
    mechanism = seq2seq.LuongAttention(units, encoder_outputs)
    cell = seq2seq.AttentionWrapper(tf.nn.rnn_cell.GRUCell(units), mechanism,
                                    attention_layer_size=units)
    initial = cell.zero_state(batch, tf.float32).clone(cell_state=encoder_state)
    projection = tf.layers.Dense(VOCAB, name="output_projection")
    lengths = tf.fill([batch], LENGTH + 1)
    helper = seq2seq.TrainingHelper(tf.nn.embedding_lookup(embedding, decoder_in), lengths)
    train_out, _, _ = seq2seq.dynamic_decode(
        seq2seq.BasicDecoder(cell, helper, initial, output_layer=projection))
    loss = seq2seq.sequence_loss(train_out.rnn_output, decoder_out,
                                 tf.ones([batch, LENGTH + 1]))
    step = tf.train.AdamOptimizer(0.02).minimize(loss)
    greedy = seq2seq.GreedyEmbeddingHelper(embedding, tf.fill([batch], GO), EOS)
    infer_out, _, infer_lengths = seq2seq.dynamic_decode(
        seq2seq.BasicDecoder(cell, greedy, initial, output_layer=projection),
        maximum_iterations=2 * LENGTH)
    rng = np.random.default_rng(0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(150):
            src, d_in, d_out = _reverse_batch(rng, 32)
            sess.run(step, {source: src, decoder_in: d_in, decoder_out: d_out})
        src, _, d_out = _reverse_batch(rng, 100)
        ids, got_lengths = sess.run([infer_out.sample_id, infer_lengths], {source: src})
    exact = [np.array_equal(row[:LENGTH + 1], want) for row, want in zip(ids, d_out)]
    assert np.mean(exact) >= 0.9
    assert (got_lengths[np.array(exact)] == LENGTH + 1).all()


# -- the other helpers -----------------------------------------------------------------------

def _decode_with(helper, cell_units=H):
    cell = tf.nn.rnn_cell.BasicRNNCell(cell_units)
    decoder = seq2seq.BasicDecoder(cell, helper, cell.zero_state(B, tf.float32),
                                   output_layer=tf.layers.Dense(V))
    return seq2seq.dynamic_decode(decoder, maximum_iterations=4)


def _ids_and_lengths(outputs, lengths):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run([outputs.sample_id, outputs.rnn_output, lengths])


def test_sampling_at_a_tiny_temperature_is_greedy():
    tf.set_random_seed(1)
    embedding = tf.get_variable("embedding", [V, E])
    sampled, _, _ = _decode_with(seq2seq.SampleEmbeddingHelper(
        embedding, tf.fill([B], 1), V + 1, softmax_temperature=1e-4, seed=3))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        ids, logits = sess.run([sampled.sample_id, sampled.rnn_output])
    np.testing.assert_array_equal(ids, logits.argmax(-1))


@pytest.mark.parametrize(("probability", "sampled"), [(0.0, False), (1.0, True)])
def test_scheduled_sampling_marks_the_rows_it_samples(probability, sampled):
    inputs = tf.constant(np.random.default_rng(3).normal(size=(B, 4, E)), tf.float32)
    helper = seq2seq.ScheduledEmbeddingTrainingHelper(
        inputs, [4, 4, 2], tf.ones([V, E]), probability, seed=1, scheduling_seed=2)
    outputs, _, lengths = _decode_with(helper)
    ids, _, got_lengths = _ids_and_lengths(outputs, lengths)
    np.testing.assert_array_equal(got_lengths, [4, 4, 2])
    assert ((ids[:, :2] > -1) == sampled).all()


def test_custom_and_inference_helpers_drive_the_decoder():
    start = tf.zeros([B, V])
    inference = seq2seq.InferenceHelper(
        sample_fn=lambda outputs: tf.nn.softmax(outputs), sample_shape=[V],
        sample_dtype=tf.float32, start_inputs=start,
        end_fn=lambda sample: tf.reduce_max(sample, -1) > 2.0)  # never: runs to the limit
    outputs, _, lengths = _decode_with(inference)
    ids, logits, got_lengths = _ids_and_lengths(outputs, lengths)
    assert ids.shape == (B, 4, V)
    np.testing.assert_allclose(ids, _softmax(logits), rtol=1e-5)
    np.testing.assert_array_equal(got_lengths, [4, 4, 4])
    tf.reset_default_graph()
    custom = seq2seq.CustomHelper(
        initialize_fn=lambda: (tf.constant([False, False, True]), tf.zeros([B, E])),
        sample_fn=lambda time, outputs, state: tf.argmax(outputs, -1, output_type=tf.int32),
        next_inputs_fn=lambda time, outputs, state, sample_ids: (
            tf.fill([B], time >= 1), tf.ones([B, E]), state))
    outputs, _, lengths = _decode_with(custom)
    _, _, got_lengths = _ids_and_lengths(outputs, lengths)
    np.testing.assert_array_equal(got_lengths, [2, 2, 0])


@pytest.mark.parametrize(("module", "name"), [
    ("attention_wrapper", "AttentionWrapper"), ("attention_wrapper", "BahdanauAttention"),
    ("basic_decoder", "BasicDecoder"), ("decoder", "dynamic_decode"),
    ("helper", "TrainingHelper"), ("beam_search_decoder", "BeamSearchDecoder"),
    ("beam_search_ops", "gather_tree"), ("loss", "sequence_loss")])
def test_tf1_module_paths_answer_with_the_same_objects(module, name):
    import importlib

    found = importlib.import_module(f"smallflow.contrib.seq2seq.python.ops.{module}")
    assert getattr(found, name) is getattr(seq2seq, name)


# -- monotonic attention ---------------------------------------------------------------------

P_CHOOSE = np.random.default_rng(4).uniform(0.05, 0.95, size=(2, 5)).astype(np.float32)
PREVIOUS = _softmax(np.random.default_rng(5).normal(size=(2, 5))).astype(np.float32)


def _monotonic_reference(p, previous):
    """a_i = p_i * sum_{j <= i} prev_j * prod_{j <= k < i} (1 - p_k), written as loops."""
    out = np.zeros_like(p)
    for b in range(p.shape[0]):
        for i in range(p.shape[1]):
            total = sum(previous[b, j] * np.prod(1 - p[b, j:i]) for j in range(i + 1))
            out[b, i] = p[b, i] * total
    return out


@pytest.mark.parametrize("mode", ["recursive", "parallel"])
def test_monotonic_attention_matches_its_definition(mode):
    got = tf.Session().run(seq2seq.monotonic_attention(P_CHOOSE, PREVIOUS, mode))
    np.testing.assert_allclose(got, _monotonic_reference(P_CHOOSE, PREVIOUS), rtol=1e-4,
                               atol=1e-6)


def test_hard_monotonic_attention_picks_the_first_chosen_position():
    p = np.array([[0.2, 0.7, 0.9, 0.1]], np.float32)
    got = tf.Session().run(seq2seq.monotonic_attention(p, [[1.0, 0, 0, 0]], "hard"))
    np.testing.assert_array_equal(got, [[0, 1, 0, 0]])
    with pytest.raises(ValueError, match="mode must be 'recursive', 'parallel', or 'hard'"):
        seq2seq.monotonic_attention(p, p, "soft")


@pytest.mark.parametrize(("make", "scope"), [
    (lambda m: seq2seq.BahdanauMonotonicAttention(U, m, MEMORY_LENGTHS, normalize=True),
     "bahdanau_monotonic_attention"),
    (lambda m: seq2seq.LuongMonotonicAttention(U, m, MEMORY_LENGTHS, scale=True),
     "luong_monotonic_attention")])
def test_monotonic_mechanisms_start_at_position_zero_and_stay_in_the_memory(make, scope):
    mechanism = make(tf.constant(MEMORY))
    initial = mechanism.initial_alignments(BM, tf.float32)
    alignments, _ = mechanism(tf.constant(QUERY), initial)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        start, got = sess.run([initial, alignments])
    np.testing.assert_array_equal(start, [[1, 0, 0, 0], [1, 0, 0, 0]])
    assert (got[1, 2:] == 0).all()  # past the second entry's two memory steps
    assert (got.sum(1) <= 1 + 1e-6).all()
    names = {v.op.name for v in tf.global_variables()}
    assert f"{scope}/attention_score_bias" in names


@pytest.mark.parametrize(("layer_kwargs", "depth"), [
    (lambda: {"attention_layer_size": [3, 4]}, 7),
    (lambda: {"attention_layer": [tf.layers.Dense(2, use_bias=False), tf.layers.Dense(5)]}, 7),
    (dict, 2 * D)])
def test_attention_wrapper_with_two_mechanisms_concatenates_their_attentions(layer_kwargs,
                                                                             depth):
    memory = tf.constant(MEMORY)
    mechanisms = [seq2seq.LuongAttention(U, memory, MEMORY_LENGTHS),
                  seq2seq.BahdanauAttention(U, memory)]
    cell = seq2seq.AttentionWrapper(tf.nn.rnn_cell.BasicRNNCell(U), mechanisms,
                                    alignment_history=True, **layer_kwargs())
    state = cell.zero_state(BM, tf.float32)
    output, next_state = cell(tf.ones([BM, 2]), state)
    assert cell.output_size == depth
    assert isinstance(next_state.alignments, tuple)
    assert len(next_state.alignment_history) == 2
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, alignments = sess.run([output, next_state.alignments])
    assert got.shape == (BM, depth)
    assert (alignments[0][1, 2:] == 0).all()  # only the Luong mechanism is masked
    assert (alignments[1][1, 2:] > 0).all()
