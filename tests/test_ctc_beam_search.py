"""tf.nn.ctc_beam_search_decoder: with a beam wide enough to keep every prefix, the beams are
exactly the labellings of CTC and their scores their log-probabilities (checked against a
sum over all alignments); narrow beams and TensorFlow's own choices are checked against
TensorFlow in tests/oracle (session9/ctc_beam_*)."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smallflow as tf


def _labelling_log_probs(logits):
    """{labelling: log P(labelling)} summed over every alignment (blank = last class)."""
    log_probs = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    steps, classes = logits.shape
    blank = classes - 1
    totals = {}
    for path in itertools.product(range(classes), repeat=steps):
        merged = [k for i, k in enumerate(path) if i == 0 or k != path[i - 1]]
        labelling = tuple(k for k in merged if k != blank)
        score = sum(log_probs[t, k] for t, k in enumerate(path))
        totals[labelling] = np.logaddexp(totals.get(labelling, -np.inf), score)
    return totals


def _decode(logits, lengths, width, top, merge=False):
    with tf.Graph().as_default():
        decoded, scores = tf.nn.ctc_beam_search_decoder(
            tf.constant(logits), tf.constant(lengths, tf.int32), beam_width=width,
            top_paths=top, merge_repeated=merge)
        with tf.Session() as sess:
            return sess.run([[(d.indices, d.values, d.dense_shape) for d in decoded], scores])


def _sequences(sparse, batch):
    indices, values, _ = sparse
    rows = [[] for _ in range(batch)]
    for (b, _), v in zip(indices, values):
        rows[b].append(int(v))
    return rows


@settings(max_examples=30, deadline=None)
@given(steps=st.integers(1, 4), classes=st.integers(2, 4), top=st.integers(1, 3),
       seed=st.integers(0, 2**16))
def test_wide_beam_gives_the_most_probable_labellings(steps, classes, top, seed):
    logits = np.random.default_rng(seed).normal(size=(steps, 2, classes)) * 2.0
    totals = [_labelling_log_probs(logits[:, b]) for b in range(2)]
    top = min(top, *(len(t) for t in totals))
    decoded, scores = _decode(logits, [steps, steps], width=200, top=top)
    for b in range(2):
        best = sorted(totals[b].items(), key=lambda item: -item[1])[:top]
        for rank in range(top):
            assert _sequences(decoded[rank], 2)[b] == list(best[rank][0])
            np.testing.assert_allclose(scores[b, rank], best[rank][1], rtol=1e-9)


def test_sequence_lengths_and_sparse_layout():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(5, 3, 4)).astype(np.float32) * 3
    decoded, scores = _decode(logits, [5, 2, 0], width=8, top=1)
    (indices, values, shape), = decoded
    rows = _sequences((indices, values, shape), 3)
    assert rows[2] == []  # no steps: the empty labelling, log-probability 0
    assert scores[2, 0] == 0
    assert shape.tolist() == [3, max(len(r) for r in rows)]
    # Each row decoded alone, from its own steps only, gives the same result.
    alone, alone_scores = _decode(logits[:2, 1:2], [2], width=8, top=1)
    assert _sequences(alone[0], 1)[0] == rows[1]
    assert alone_scores[0, 0] == scores[1, 0]
    assert scores.dtype == np.float32


def test_merge_repeated_merges_equal_neighbours_of_the_output():
    # Two steps that clearly say "label 0", a blank between: the labelling is [0, 0].
    big = 8.0
    logits = np.array([[[big, 0, 0]], [[0, 0, big]], [[big, 0, 0]]], np.float32)
    raw, _ = _decode(logits, [3], width=4, top=1, merge=False)
    merged, _ = _decode(logits, [3], width=4, top=1, merge=True)
    assert _sequences(raw[0], 1) == [[0, 0]]
    assert _sequences(merged[0], 1) == [[0]]
    with tf.Graph().as_default():
        v2, _ = tf.nn.ctc_beam_search_decoder_v2(tf.constant(logits), [3], beam_width=4)
        with tf.Session() as sess:
            assert sess.run(v2[0].values).tolist() == [0, 0]


def test_graph_names_and_shapes():
    with tf.Graph().as_default():
        inputs = tf.placeholder(tf.float32, [None, 4, 6])
        decoded, scores = tf.nn.ctc_beam_search_decoder(inputs, tf.fill([4], 3), top_paths=2)
        op = scores.op
        assert op.type == "CTCBeamSearchDecoder"
        assert len(op.outputs) == 3 * 2 + 1
        assert scores.shape.as_list() == [4, 2]
        assert decoded[1].indices is op.outputs[1]
        assert decoded[1].values is op.outputs[3]
        assert decoded[0].dense_shape.dtype == tf.int64


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"top_paths": 3, "beam_width": 2}, tf.errors.InvalidArgumentError, "beam_width"),
    ({"beam_width": 0}, ValueError, "beam_width"),
    ({"top_paths": 0}, ValueError, "top_paths"),
])
def test_bad_arguments(kwargs, error, match):
    with tf.Graph().as_default(), pytest.raises(error, match=match):
        tf.nn.ctc_beam_search_decoder(tf.zeros([2, 1, 3]), [2], **kwargs)


def test_run_time_errors():
    with tf.Graph().as_default():
        inputs = tf.placeholder(tf.float32, [None, None, 3])
        lengths = tf.placeholder(tf.int32, [None])
        decoded, scores = tf.nn.ctc_beam_search_decoder(inputs, lengths, beam_width=3,
                                                        top_paths=2)
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError, match="batch_size"):
                sess.run(scores, {inputs: np.zeros((2, 2, 3)), lengths: [2]})
            with pytest.raises(tf.errors.InvalidArgumentError, match="sequence_length"):
                sess.run(scores, {inputs: np.zeros((2, 1, 3)), lengths: [3]})
            # No steps leave one beam (the empty one): two paths cannot be given.
            with pytest.raises(tf.errors.InvalidArgumentError, match="Less leaves"):
                sess.run(scores, {inputs: np.zeros((2, 1, 3)), lengths: [0]})
