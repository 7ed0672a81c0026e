"""tf.nn.ctc_loss against a brute-force sum over all alignments, its gradient against the
numeric Jacobian, errors; ctc_greedy_decoder by hand."""

import itertools

import numpy as np
import pytest

import smallflow as tf
from smallflow import errors
from smallflow.gradient_checker import compute_gradient

RNG = np.random.default_rng(4)
STEPS, BATCH, CLASSES = 5, 2, 3
LOGITS = RNG.normal(size=(STEPS, BATCH, CLASSES))
LABELS = [[0, 1], [1, 1]]


def _sparse(rows):
    indices = [[b, i] for b, row in enumerate(rows) for i in range(len(row))]
    values = [v for row in rows for v in row]
    return tf.SparseTensor(indices, tf.constant(values, tf.int32),
                           [len(rows), max(map(len, rows))])


def _brute_force(logits, labels):
    """-log of the summed probability of every path that collapses to ``labels``."""
    blank = logits.shape[-1] - 1
    log_probs = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    total = 0.0
    for path in itertools.product(range(logits.shape[-1]), repeat=len(logits)):
        collapsed = [p for i, p in enumerate(path)
                     if p != blank and (i == 0 or p != path[i - 1])]
        if collapsed == labels:
            total += np.exp(sum(log_probs[t, p] for t, p in enumerate(path)))
    return -np.log(total)


def test_ctc_loss_is_minus_log_of_all_alignments():
    loss = tf.nn.ctc_loss(_sparse(LABELS), LOGITS, [STEPS, 4])
    with tf.Session() as sess:
        out = sess.run(loss)
    expected = [_brute_force(LOGITS[:, 0], LABELS[0]), _brute_force(LOGITS[:4, 1], LABELS[1])]
    np.testing.assert_allclose(out, expected, rtol=1e-10)


def test_ctc_loss_gradient_matches_the_numeric_jacobian():
    x = tf.placeholder(tf.float64, [STEPS, BATCH, CLASSES])
    loss = tf.nn.ctc_loss(_sparse(LABELS), x, [STEPS, 4])
    symbolic, numeric = compute_gradient(x, [STEPS, BATCH, CLASSES], loss, [BATCH],
                                         x_init_value=LOGITS)
    np.testing.assert_allclose(symbolic, numeric, atol=1e-6)


def test_ctc_loss_refuses_labels_longer_than_the_input():
    loss = tf.nn.ctc_loss(_sparse(LABELS), LOGITS, [2, 2])
    with tf.Session() as sess, pytest.raises(errors.InvalidArgumentError, match="Not enough"):
        sess.run(loss)
    ignored = tf.nn.ctc_loss(_sparse(LABELS), LOGITS, [2, 2],
                             ignore_longer_outputs_than_inputs=True)
    with tf.Session() as sess:
        out = sess.run(ignored)
    # [0, 1] fits in two steps; [1, 1] needs three (a blank between the repeats): ignored.
    np.testing.assert_allclose(out[0], _brute_force(LOGITS[:2, 0], LABELS[0]))
    assert out[1] == 0.0


def test_ctc_greedy_decoder_merges_repeats_and_drops_blanks():
    # Best classes per step: batch 0 -> 0 0 2 1 1 (2 is the blank), batch 1 -> 1 2 1 1 0.
    best = [[0, 1], [0, 2], [2, 1], [1, 1], [1, 0]]
    logits = np.full((5, 2, 3), -1.0)
    for t, row in enumerate(best):
        for b, k in enumerate(row):
            logits[t, b, k] = 2.0
    (decoded,), scores = tf.nn.ctc_greedy_decoder(logits, [5, 5])
    unmerged = tf.nn.ctc_greedy_decoder(logits, [5, 5], merge_repeated=False)[0][0]
    with tf.Session() as sess:
        value, neg_sum, plain = sess.run([decoded, scores, unmerged])
    assert value.values.tolist() == [0, 1, 1, 1, 0]
    assert value.indices.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1], [1, 2]]
    assert value.dense_shape.tolist() == [2, 3]
    assert neg_sum.tolist() == [[-10.0], [-10.0]]
    assert plain.values.tolist() == [0, 0, 1, 1, 1, 1, 1, 0]
