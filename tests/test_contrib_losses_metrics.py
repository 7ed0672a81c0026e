"""tf.contrib.losses and tf.contrib.metrics (slim.losses, slim.metrics): TF 1.x's older
argument orders onto tf.losses / tf.metrics, as TF-Slim training and evaluation scripts
call them."""

import numpy as np
import pytest

import smallflow as tf

slim = tf.contrib.slim


def test_losses_take_logits_or_predictions_first():
    logits = np.array([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]], np.float32)
    onehot = np.array([[1, 0, 0], [0, 1, 0]], np.float32)
    with tf.Graph().as_default():
        old = tf.contrib.losses.softmax_cross_entropy(logits, onehot)
        new = tf.losses.softmax_cross_entropy(onehot, logits)
        sparse = slim.losses.sparse_softmax_cross_entropy(logits, [0, 1])
        mse = tf.contrib.losses.mean_squared_error([1.0, 2.0], [0.0, 4.0])
        assert tf.contrib.losses.sum_of_squares is tf.contrib.losses.mean_squared_error
        total = slim.losses.get_total_loss()
        hinge = tf.contrib.losses.hinge_loss([[0.5, -2.0]], [[1.0, 0.0]])
        assert len(tf.get_collection(tf.GraphKeys.LOSSES)) == 4  # hinge is not collected
        with tf.Session() as sess:
            values = sess.run([old, new, sparse, mse, total, hinge])
    assert values[0] == values[1]
    np.testing.assert_allclose(values[2], values[0], rtol=1e-6)  # same labels, as indices
    np.testing.assert_allclose(values[3], 2.5)
    np.testing.assert_allclose(values[4], values[0] * 3 + 2.5, rtol=1e-6)
    np.testing.assert_allclose(values[5], [[0.5, 0.0]])
    assert slim.losses is tf.contrib.losses
    with pytest.raises(ValueError, match="labels must not be None"):
        tf.contrib.losses.log_loss([0.5])


def test_streaming_metrics_over_batches_as_slim_evaluates():
    batches = [([0, 1, 1, 2], [0, 1, 2, 2]), ([1, 1], [0, 1])]
    with tf.Graph().as_default():
        predictions = tf.placeholder(tf.int64, [None])
        labels = tf.placeholder(tf.int64, [None])
        names_to_values, names_to_updates = slim.metrics.aggregate_metric_map({
            "accuracy": slim.metrics.streaming_accuracy(predictions, labels),
            "recall_of_2": tf.contrib.metrics.streaming_recall(
                tf.equal(predictions, 2), tf.equal(labels, 2)),
        })
        with tf.Session() as sess:
            sess.run(tf.local_variables_initializer())
            for batch_predictions, batch_labels in batches:
                sess.run(list(names_to_updates.values()),
                         {predictions: batch_predictions, labels: batch_labels})
            values = sess.run(names_to_values)
    assert values["accuracy"] == pytest.approx(4 / 6)
    assert values["recall_of_2"] == pytest.approx(1 / 2)
    assert slim.metrics is tf.contrib.metrics


def test_accuracy_recall_at_k_and_errors():
    with tf.Graph().as_default():
        plain = tf.contrib.metrics.accuracy(tf.constant([1, 2, 3]), tf.constant([1, 0, 3]))
        weighted = tf.contrib.metrics.accuracy(tf.constant([1, 2, 3]), tf.constant([1, 0, 3]),
                                               weights=[1.0, 3.0, 0.0])
        logits = tf.constant([[0.1, 0.5, 0.4], [0.9, 0.05, 0.3]])
        recall, update = tf.contrib.metrics.streaming_recall_at_k(logits, tf.constant([2, 1]),
                                                                  k=2)
        with tf.Session() as sess:
            sess.run(tf.local_variables_initializer())
            sess.run(update)
            values = sess.run([plain, weighted, recall])
        with pytest.raises(ValueError, match="Dtypes of predictions and labels"):
            tf.contrib.metrics.accuracy(tf.constant([1.0]), tf.constant([1]))
    np.testing.assert_allclose(values, [2 / 3, 1 / 4, 1 / 2])
    with pytest.raises(AttributeError, match="tf.contrib.metrics.streaming_concat"):
        tf.contrib.metrics.streaming_concat  # noqa: B018


def test_contrib_util():
    pytest.importorskip("tensorboard", reason="tensor protos need the tensorboard extra")
    proto = tf.contrib.util.make_tensor_proto(np.arange(6, dtype=np.float32).reshape(2, 3))
    assert tf.contrib.util.make_ndarray(proto).tolist() == [[0, 1, 2], [3, 4, 5]]
    with tf.Graph().as_default():
        assert tf.contrib.util.constant_value(tf.constant([1, 2])).tolist() == [1, 2]
        assert tf.contrib.util.constant_value(tf.placeholder(tf.float32)) is None
