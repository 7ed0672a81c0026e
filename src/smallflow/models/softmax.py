"""Softmax regression, the "MNIST For ML Beginners" model: logits = x W + b."""

import smallflow as tf

DESCRIPTION = "softmax regression, the beginners' tutorial (about 92%)"

# The tutorial's settings: 1,000 steps of 100 examples, gradient descent at 0.5.
DEFAULTS = {
    "steps": 1000,
    "batch_size": 100,
    "optimizer": "sgd",
    "learning_rate": 0.5,
    "keep_prob": 1.0,
}

# Learning rates that suit this model when another optimizer is chosen without
# --learning-rate (each reaches about 92% in the default 1,000 steps).
LEARNING_RATES = {
    "sgd": 0.5,
    "momentum": 0.05,
    "adam": 0.005,
    "adagrad": 0.5,
    "rmsprop": 0.005,
}

# The [784, 10] variable whose columns `smallflow show weights` draws, one map per digit.
WEIGHT_MAP = "softmax/W"


def build(images, keep_prob):
    """Logits [N, 10] of the flat [N, 784] images; keep_prob is unused (no dropout)."""
    del keep_prob
    with tf.name_scope("softmax"):
        W = tf.Variable(tf.zeros([784, 10]), name="W")
        b = tf.Variable(tf.zeros([10]), name="b")
        logits = tf.matmul(images, W) + b
    return logits
