"""The model module of TensorFlow's "mechanics" tutorial (``fully_connected_feed.py``).

TF1 programs import it as ``from tensorflow.examples.tutorials.mnist import mnist``; with
smallflow the path is ``smallflow.examples.tutorials.mnist``. It builds the network in four
steps a training program calls in order:

- ``inference(images, hidden1_units, hidden2_units)``: two ReLU layers and a linear
  layer, each in its own name scope (``hidden1``, ``hidden2``, ``softmax_linear``) with
  variables ``weights`` and ``biases``; returns the logits.
- ``loss(logits, labels)``: mean sparse softmax cross entropy against int labels.
- ``training(loss, learning_rate)``: a ``loss`` scalar summary and a gradient-descent step
  that also counts ``global_step``.
- ``evaluation(logits, labels)``: how many of the batch are classified right
  (``tf.nn.in_top_k`` with k=1), as an int32 scalar.
"""

import math

import smallflow as tf

NUM_CLASSES = 10  # the digits 0..9
IMAGE_SIZE = 28  # MNIST images are 28 x 28 pixels
IMAGE_PIXELS = IMAGE_SIZE * IMAGE_SIZE


def _layer(inputs, fan_in, units, scope, activation):
    """One fully connected layer: weights drawn with stddev 1/sqrt(fan_in), zero biases."""
    with tf.name_scope(scope):
        weights = tf.Variable(
            tf.truncated_normal([fan_in, units], stddev=1.0 / math.sqrt(float(fan_in))),
            name="weights",
        )
        biases = tf.Variable(tf.zeros([units]), name="biases")
        output = tf.matmul(inputs, weights) + biases
        return activation(output) if activation is not None else output


def inference(images, hidden1_units, hidden2_units):
    """Logits ``[batch, NUM_CLASSES]`` of ``images`` (``[batch, IMAGE_PIXELS]`` floats)."""
    hidden1 = _layer(images, IMAGE_PIXELS, hidden1_units, "hidden1", tf.nn.relu)
    hidden2 = _layer(hidden1, hidden1_units, hidden2_units, "hidden2", tf.nn.relu)
    return _layer(hidden2, hidden2_units, NUM_CLASSES, "softmax_linear", None)


def loss(logits, labels):
    """The batch's mean cross entropy; ``labels`` are class indices (int32 or int64)."""
    labels = tf.to_int64(labels)
    return tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)


def training(loss, learning_rate):
    """The op that takes one gradient-descent step on ``loss`` and advances the global step.

    It also records ``loss`` as a scalar summary, so ``tf.summary.merge_all()`` finds it.
    """
    tf.summary.scalar("loss", loss)
    optimizer = tf.train.GradientDescentOptimizer(learning_rate)
    global_step = tf.Variable(0, name="global_step", trainable=False)
    return optimizer.minimize(loss, global_step=global_step)


def evaluation(logits, labels):
    """The number of examples whose label is the top logit (an int32 scalar tensor)."""
    correct = tf.nn.in_top_k(predictions=logits, targets=labels, k=1)
    return tf.reduce_sum(tf.cast(correct, tf.int32))
