"""A CNN with batch normalization and data augmentation (the tutorial's "over 99.7%" family).

The follow-up tutorial's two 5x5 convolutions (32 and 64 filters, each followed by batch
normalization, ReLU and 2x2 max-pooling), a 256-unit batch-normalized dense layer with
dropout, and the 10 logits, all built with ``tf.layers``. While training, each image is
rotated by up to 10 degrees and shifted by up to 2 pixels (``tf.contrib.image``), drawn
afresh for every step: ``smallflow train`` does it in its ``tf.data`` input pipeline
(``models/pipeline.py``), a graph built with ``augment_in_graph`` does it itself.

The command line feeds ``keep_prob`` below 1 only in training steps, so that is what
switches batch normalization (batch statistics, moving averages updated through
``UPDATE_OPS``) and augmentation on; evaluation uses the moving statistics.
"""

import math

import smallflow as tf

DESCRIPTION = "CNN with batch normalization and augmentation (shifts, rotations)"

# Adam at 2e-3, decaying along a half cosine to zero at the last step, for 10 epochs of
# 1,100 batches of 50; dropout keeps 60% of the dense layer. Figures:
# benchmarks/bench_cnn_bn.py.
DEFAULTS = {
    "steps": 11000,
    "batch_size": 50,
    "optimizer": "adam",
    "learning_rate": 0.002,
    "decay": "cosine",
    "keep_prob": 0.6,
    "log_interval": 1100,
}

LEARNING_RATES = {
    "sgd": 0.1,
    "momentum": 0.02,
    "adam": 0.002,
    "adagrad": 0.05,
    "rmsprop": 0.001,
}

PREDICT_BATCH = 500

IMAGE_SIDE = 28
MAX_ROTATION_DEGREES = 10.0
MAX_SHIFT_PIXELS = 2.0
MAX_SCALE_CHANGE = 0.1  # sizes 0.9x to 1.1x

# Predictions use an exponential moving average of the weights (models.build_graph).
MOVING_AVERAGE_DECAY = 0.999


def augment(grid):
    """Each ``[N, 28, 28, 1]`` image rotated about its centre, scaled and shifted by its own
    random amounts: one projective transform per image (``tf.contrib.image.transform``),
    so each output pixel is interpolated once."""
    count = tf.shape(grid)[:1]
    limit = MAX_ROTATION_DEGREES * math.pi / 180
    angles = tf.random_uniform(count, -limit, limit)
    scales = tf.random_uniform(count, 1.0 - MAX_SCALE_CHANGE, 1.0 + MAX_SCALE_CHANGE)
    shifts = tf.random_uniform(tf.concat([count, [2]], 0), -MAX_SHIFT_PIXELS, MAX_SHIFT_PIXELS)
    return tf.contrib.image.transform(grid, transform_rows(angles, scales, shifts),
                                      interpolation="BILINEAR")


def transform_rows(angles, scales, shifts):
    """Rows ``[a0, a1, a2, b0, b1, b2, 0, 0]`` mapping each output pixel (x, y) to the input
    point it reads: undo the shift, then the rotation and scaling about the centre."""
    centre = (IMAGE_SIDE - 1) / 2.0
    cos = tf.cos(angles) / scales
    sin = tf.sin(angles) / scales
    x = centre + shifts[:, 0]  # where the centre lands in the output
    y = centre + shifts[:, 1]
    zeros = tf.zeros_like(angles)
    return tf.stack([cos, -sin, centre - cos * x + sin * y,
                     sin, cos, centre - sin * x - cos * y, zeros, zeros], 1)


def _conv_bn_relu(inputs, filters, training, name):
    """A 5x5 convolution (no bias: batch normalization's beta takes its place), BN, ReLU."""
    with tf.variable_scope(name):
        convolved = tf.layers.conv2d(inputs, filters, 5, padding="same", use_bias=False,
                                     kernel_initializer=tf.variance_scaling_initializer(2.0))
        normalized = tf.layers.batch_normalization(convolved, training=training)
        return tf.nn.relu(normalized)


def features(grid, training, keep_prob):
    """Logits [N, 10] of ``[N, 28, 28, 1]`` images; ``training`` is a bool (tensor)."""
    net = _conv_bn_relu(grid, 32, training, "conv1")
    net = tf.layers.max_pooling2d(net, 2, 2)  # 28x28 -> 14x14
    net = _conv_bn_relu(net, 64, training, "conv2")
    net = tf.layers.max_pooling2d(net, 2, 2)  # 14x14 -> 7x7
    with tf.variable_scope("fc1"):
        net = tf.layers.dense(tf.layers.flatten(net), 256, use_bias=False,
                              kernel_initializer=tf.variance_scaling_initializer(2.0))
        net = tf.nn.relu(tf.layers.batch_normalization(net, training=training))
    net = tf.nn.dropout(net, keep_prob)
    return tf.layers.dense(net, 10, name="logits")


def augment_batch(images):
    """Flat ``[N, 784]`` images, each rotated and shifted (the training input pipeline's map
    function: ``smallflow train`` augments in its ``tf.data`` pipeline)."""
    return tf.reshape(augment(tf.reshape(images, [-1, 28, 28, 1])), [-1, 784])


def inference(images):
    """Logits [N, 10] of flat images for evaluation: no augmentation, no dropout, batch
    normalization with its moving statistics (the graph reading averaged weights)."""
    return features(tf.reshape(images, [-1, IMAGE_SIDE, IMAGE_SIDE, 1]), False, 1.0)


def build(images, keep_prob, augment_in_graph=True):
    """Logits [N, 10] of flat [N, 784] images; training when ``keep_prob`` is below 1.

    With ``augment_in_graph`` the graph itself augments the images of training steps (for
    programs that feed raw batches); without it the images arrive augmented by the input
    pipeline (``augment_batch``).
    """
    training = tf.less(keep_prob, 1.0, name="training")
    grid = tf.reshape(images, [-1, 28, 28, 1])
    if augment_in_graph:
        with tf.name_scope("augment"):
            grid = tf.where_v2(training, augment(grid), grid)
    return features(grid, training, keep_prob)
