"""tf.profiler's parameter and FLOP reports of two graphs (a small convolutional model with
an unknown batch size, and the follow-up tutorial's CNN with its training step at batch 2),
printed to stdout. Run as ``profiler_program.py smallflow|tensorflow``."""

import sys

if sys.argv[1] == "smallflow":
    import smallflow as tf
else:
    import tensorflow.compat.v1 as tf

    tf.disable_v2_behavior()

import numpy as np  # noqa: E402


def small_model():
    x = tf.placeholder(tf.float32, [None, 28, 28, 1])
    with tf.variable_scope("conv1"):
        w = tf.get_variable("W", [5, 5, 1, 8])
        b = tf.get_variable("b", [8])
        h = tf.nn.relu(tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME") + b)
    h = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    with tf.variable_scope("fc"):
        w2 = tf.get_variable("W", [14 * 14 * 8, 10])
        b2 = tf.get_variable("b", [10])
        tf.matmul(tf.reshape(h, [-1, 14 * 14 * 8]), w2) + b2


def fixed_shapes():
    a = tf.constant(np.ones((25, 16), np.float32))
    b = tf.constant(np.ones((16, 9), np.float32))
    tf.matmul(a, b) + 1.0
    d = tf.nn.conv2d(tf.ones([2, 8, 8, 3]), tf.ones([3, 3, 3, 4]), [1, 1, 1, 1], "SAME")
    tf.reduce_mean(tf.nn.relu(d) * 2.0)


def tutorial_cnn():
    x = tf.placeholder(tf.float32, [2, 784])
    labels = tf.placeholder(tf.float32, [2, 10])

    def weight(shape):
        return tf.Variable(tf.truncated_normal(shape, stddev=0.1))

    def bias(shape):
        return tf.Variable(tf.constant(0.1, shape=shape))

    image = tf.reshape(x, [-1, 28, 28, 1])
    h = tf.nn.relu(tf.nn.conv2d(image, weight([5, 5, 1, 32]), [1, 1, 1, 1], "SAME")
                   + bias([32]))
    h = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    h = tf.nn.relu(tf.nn.conv2d(h, weight([5, 5, 32, 64]), [1, 1, 1, 1], "SAME")
                   + bias([64]))
    h = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    h = tf.nn.relu(tf.matmul(tf.reshape(h, [-1, 3136]), weight([3136, 1024])) + bias([1024]))
    logits = tf.matmul(h, weight([1024, 10])) + bias([10])
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=labels,
                                                                  logits=logits))
    tf.train.GradientDescentOptimizer(0.1).minimize(loss)


builder = tf.profiler.ProfileOptionBuilder
for build, reports in ((small_model, "both"), (fixed_shapes, "flops"),
                       (tutorial_cnn, "totals")):
    graph = tf.Graph()
    with graph.as_default():
        build()
        if reports != "flops":
            options = builder.trainable_variables_parameter()
            if reports == "totals":
                options = builder(options).with_empty_output().build()
            params = tf.profiler.profile(graph, options=options)
            print("total parameters:", params.total_parameters)
        options = builder.float_operation()
        if reports == "totals":
            options = builder(options).with_empty_output().build()
        flops = tf.profiler.profile(graph, options=options)
        print("total float ops:", flops.total_float_ops,
              [child.name for child in flops.children][:4])
