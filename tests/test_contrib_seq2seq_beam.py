"""tf.contrib.seq2seq beam search: gather_tree, tile_batch, and BeamSearchDecoder against a
brute-force search over every sequence of a tiny vocabulary (NumPy, TF 1.15's scoring).

TensorFlow 2 (the oracle venv) has no contrib.seq2seq, so there are no oracle cases here.
"""

import itertools

import numpy as np
import pytest

import smallflow as tf
from smallflow.contrib.seq2seq import beam_search_decoder as bsd

seq2seq = tf.contrib.seq2seq

# -- gather_tree -----------------------------------------------------------------------------

# [max_time, batch=1, beam=3]; final beam 0 came from beam 1 at step 1, itself from beam 1
# at step 0: so it reads [step 0 of beam 1, step 1 of beam 1, step 2 of beam 0] = [2, 5, 7].
STEP_IDS = [[[1, 2, 3]], [[4, 5, 6]], [[7, 8, 9]]]
PARENTS = [[[0, 0, 0]], [[2, 1, 0]], [[1, 2, 0]]]
GATHER_TREE_CASES = [
    ("full length", STEP_IDS, PARENTS, [3], 10, [[[2, 1, 3]], [[5, 6, 4]], [[7, 8, 9]]]),
    ("shorter length fills end_token", STEP_IDS, PARENTS, [2], 10,
     [[[3, 2, 1]], [[4, 5, 6]], [[10, 10, 10]]]),
    ("after the first end token", STEP_IDS, PARENTS, [3], 5,
     [[[2, 1, 3]], [[5, 6, 4]], [[5, 8, 9]]]),
    ("zero length", STEP_IDS, PARENTS, [0], 10, np.full((3, 1, 3), 10).tolist()),
]


@pytest.mark.parametrize(("label", "ids", "parents", "lengths", "end", "want"),
                         GATHER_TREE_CASES, ids=[row[0] for row in GATHER_TREE_CASES])
def test_gather_tree_follows_parent_pointers(label, ids, parents, lengths, end, want):
    got = tf.Session().run(seq2seq.gather_tree(ids, parents, lengths, end))
    np.testing.assert_array_equal(got, want)


def test_gather_tree_rejects_a_bad_parent():
    beams = seq2seq.gather_tree(STEP_IDS, [[[0, 0, 0]], [[7, 0, 0]], [[0, 0, 0]]], [3], 10)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Saw invalid parent id 7"):
        tf.Session().run(beams)


def test_tile_batch_repeats_each_entry_in_place():
    t = tf.constant([[1, 2], [3, 4]])
    tiled = seq2seq.tile_batch({"a": t, "b": tf.constant([5, 6])}, 3)
    assert tiled["a"].shape.as_list() == [6, 2]
    got = tf.Session().run(tiled)
    np.testing.assert_array_equal(got["a"], [[1, 2]] * 3 + [[3, 4]] * 3)
    np.testing.assert_array_equal(got["b"], [5, 5, 5, 6, 6, 6])


# -- beam search against brute force ---------------------------------------------------------

V, E, H, T, END = 3, 4, 5, 3, 2
START = [0, 1]


def _log_softmax(x):
    x = x - x.max(-1, keepdims=True)
    return x - np.log(np.exp(x).sum(-1, keepdims=True))


def _brute_force(weights, start, alpha):
    """Every distinct sequence of at most T words (cut after END), scored as TF 1.15 scores
    the last step: total log-probability / ((5 + length) / 6) ** alpha, best first. The
    length counts the words before END, plus END itself once a later step has passed (TF
    adds END to a beam's stored length when the beam finishes, but not to the candidate's
    length on the step that emits it)."""
    emb, kernel, bias, w, c = weights
    results = {}
    for words in itertools.product(range(V), repeat=T):
        h = np.zeros(H)
        previous = start
        log_prob = 0.0
        sequence = []
        for word in words:
            h = np.tanh(np.concatenate([emb[previous], h]) @ kernel + bias)
            log_prob += _log_softmax(h @ w + c)[word]
            sequence.append(word)
            previous = word
            if word == END:
                break
        length = sum(1 for word in sequence if word != END)
        if sequence[-1] == END and len(sequence) < T:
            length += 1
        score = log_prob / ((5.0 + length) / 6.0) ** alpha
        results[tuple(sequence + [END] * (T - len(sequence)))] = score
    return sorted(results.items(), key=lambda item: -item[1])


@pytest.mark.parametrize("alpha", [0.0, 1.0])
def test_beam_search_with_wide_beam_finds_the_brute_force_ranking(alpha):
    beam_width = V ** (T - 1)  # wide enough that no prefix is ever pruned
    tf.set_random_seed(5)
    embedding = tf.get_variable("embedding", [V, E])
    cell = tf.nn.rnn_cell.BasicRNNCell(H)
    projection = tf.layers.Dense(V, kernel_initializer=tf.random_normal_initializer(0, 2))
    batch = len(START)
    decoder = seq2seq.BeamSearchDecoder(
        cell, embedding, START, END, cell.zero_state(batch * beam_width, tf.float32),
        beam_width, output_layer=projection, length_penalty_weight=alpha)
    outputs, state, _ = seq2seq.dynamic_decode(decoder, maximum_iterations=T)
    assert isinstance(outputs, seq2seq.FinalBeamSearchDecoderOutput)
    assert outputs.predicted_ids.shape.as_list() == [batch, None, beam_width]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got = sess.run(outputs)
        weights = sess.run([embedding, *cell.variables, projection.kernel, projection.bias])
    for b, start in enumerate(START):
        want = _brute_force(weights, start, alpha)[:beam_width]
        got_ids = [tuple(got.predicted_ids[b, :, k]) for k in range(beam_width)]
        assert got_ids == [sequence for sequence, _ in want]
        np.testing.assert_allclose(got.beam_search_decoder_output.scores[b, -1],
                                   [score for _, score in want], rtol=1e-4)


def test_beam_search_with_attention_reorders_the_alignment_history():
    batch, beam_width, source = 2, 3, 4
    memory = tf.constant(np.random.default_rng(0).normal(size=(batch, source, H)),
                         dtype=tf.float32)
    tiled = seq2seq.tile_batch(memory, beam_width)
    lengths = seq2seq.tile_batch(tf.constant([4, 2]), beam_width)
    mechanism = seq2seq.BahdanauAttention(H, tiled, memory_sequence_length=lengths)
    cell = seq2seq.AttentionWrapper(tf.nn.rnn_cell.GRUCell(H), mechanism,
                                    attention_layer_size=H, alignment_history=True)
    initial = cell.zero_state(batch * beam_width, tf.float32)
    decoder = seq2seq.BeamSearchDecoder(cell, tf.ones([V, E]), [0, 0], END, initial,
                                        beam_width, output_layer=tf.layers.Dense(V))
    outputs, state, _ = seq2seq.dynamic_decode(decoder, maximum_iterations=5)
    history = state.cell_state.alignment_history.stack()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        ids, got = sess.run([outputs.predicted_ids, history])
    assert got.shape == (ids.shape[1], batch * beam_width, source)
    # Alignments of the second entry never attend past its two memory steps.
    np.testing.assert_array_equal(got[:, beam_width:, 2:], 0)
    np.testing.assert_allclose(got.sum(-1), 1, rtol=1e-5)


BEAM_ERRORS = [
    ("start tokens", lambda c, s: seq2seq.BeamSearchDecoder(c, tf.ones([V, E]), [[0]], END, s,
                                                            2), "start_tokens must be a vector"),
    ("end token", lambda c, s: seq2seq.BeamSearchDecoder(c, tf.ones([V, E]), [0], [END], s, 2),
     "end_token must be a scalar"),
    ("untiled state", lambda c, s: seq2seq.BeamSearchDecoder(c, tf.ones([V, E]), [0, 1], END,
                                                             s, 2),
     "Perhaps you forgot to create a zero_state with batch_size=encoder_batch_size"),
]


@pytest.mark.parametrize(("label", "build", "message"), BEAM_ERRORS,
                         ids=[row[0] for row in BEAM_ERRORS])
def test_beam_search_decoder_rejects_bad_arguments(label, build, message):
    cell = tf.nn.rnn_cell.BasicRNNCell(H)
    with pytest.raises(ValueError, match=message):
        build(cell, cell.zero_state(3, tf.float32))


def test_attention_over_a_memory_of_run_time_length_decodes_greedily_and_by_beams():
    # The memory's batch and time are placeholders' unknown dims (a real encoder's output):
    # alignments and zero states are sized at run time.
    memory = tf.placeholder(tf.float32, [None, None, H])
    lengths = tf.placeholder(tf.int32, [None])
    batch = tf.shape(memory)[0]
    embedding = tf.ones([V, E])
    projection = tf.layers.Dense(V)
    results = []
    for beam_width in (0, 2):
        with tf.variable_scope("decode", reuse=tf.AUTO_REUSE):
            tiled, tiled_lengths = memory, lengths
            if beam_width:
                tiled, tiled_lengths = seq2seq.tile_batch((memory, lengths), beam_width)
            mechanism = seq2seq.LuongAttention(H, tiled, memory_sequence_length=tiled_lengths)
            cell = seq2seq.AttentionWrapper(tf.nn.rnn_cell.GRUCell(H), mechanism)
            rows = batch * beam_width if beam_width else batch
            initial = cell.zero_state(rows, tf.float32)
            start = tf.fill([batch], 0)
            if beam_width:
                decoder = seq2seq.BeamSearchDecoder(cell, embedding, start, END, initial,
                                                    beam_width, output_layer=projection)
            else:
                helper = seq2seq.GreedyEmbeddingHelper(embedding, start, END)
                decoder = seq2seq.BasicDecoder(cell, helper, initial, output_layer=projection)
            outputs, _, _ = seq2seq.dynamic_decode(decoder, maximum_iterations=4)
            results.append(outputs.predicted_ids if beam_width else outputs.sample_id)
    feed = {memory: np.ones((2, 5, H), np.float32), lengths: [5, 3]}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        greedy, beams = sess.run(results, feed)
    assert greedy.shape[0] == 2
    assert greedy.shape[1] <= 4
    assert (beams.shape[0], beams.shape[2]) == (2, 2)
    assert beams.shape[1] <= 4


def _attention_beam_decoder(coverage_penalty_weight, beam_width=3):
    batch, source = 2, 4
    memory = tf.constant(np.random.default_rng(1).normal(size=(batch, source, H)),
                         dtype=tf.float32)
    tiled = seq2seq.tile_batch(memory, beam_width)
    lengths = seq2seq.tile_batch(tf.constant([4, 2]), beam_width)
    mechanism = seq2seq.LuongAttention(H, tiled, memory_sequence_length=lengths)
    cell = seq2seq.AttentionWrapper(tf.nn.rnn_cell.GRUCell(H), mechanism,
                                    attention_layer_size=H)
    initial = cell.zero_state(batch * beam_width, tf.float32)
    return seq2seq.BeamSearchDecoder(cell, tf.ones([V, E]), [0, 0], END, initial, beam_width,
                                     output_layer=tf.layers.Dense(V),
                                     coverage_penalty_weight=coverage_penalty_weight)


def test_coverage_penalty_accumulates_each_beams_attention():
    # nmt's --coverage_penalty_weight: every step a beam is still open adds its alignment
    # (which sums to 1) to its coverage, carried along the chosen parents.
    decoder = _attention_beam_decoder(0.4)
    _, state, _ = seq2seq.dynamic_decode(decoder, maximum_iterations=6)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        coverage, lengths = sess.run([state.accumulated_attention_probs, state.lengths])
    assert coverage.shape == (2, 3, 4)
    np.testing.assert_allclose(coverage.sum(-1), lengths, rtol=1e-5)
    np.testing.assert_array_equal(coverage[1, :, 2:], 0)  # past the second memory's length


def test_coverage_penalty_scores_follow_the_gnmt_definition():
    rng = np.random.default_rng(2)
    scores = rng.normal(size=(2, 3, 5)).astype(np.float32)
    coverage = rng.uniform(0, 1.6, size=(2, 3, 4)).astype(np.float32)
    coverage[0, 1, 3] = 0.0  # never attended: left out of the penalty
    finished = np.array([[True, False, True], [False, True, True]])
    got = bsd._coverage_scores(tf.constant(scores), 0.3, tf.constant(finished),
                               tf.constant(coverage))
    kept = np.where(coverage == 0, 1.0, coverage)
    penalty = np.log(np.minimum(kept, 1.0)).sum(-1) * finished
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(got), scores + 0.3 * penalty[:, :, None],
                                   rtol=1e-5)


def test_coverage_penalty_needs_an_attentional_cell():
    cell = tf.nn.rnn_cell.GRUCell(H)
    decoder = seq2seq.BeamSearchDecoder(cell, tf.ones([V, E]), [0], END,
                                        cell.zero_state(2, tf.float32), 2,
                                        coverage_penalty_weight=0.2)
    with pytest.raises(ValueError, match="coverage_penalty_weight must be 0.0 if no cell"):
        seq2seq.dynamic_decode(decoder, maximum_iterations=3)
