"""The "Deep MNIST for Experts" program: a convolutional network trained with Adam, on smallflow.

Written in the TensorFlow 1.x style of the tutorial's mnist_deep.py (two 5x5 convolution and
2x2 max-pooling layers with 32 and 64 filters, a 1024-unit ReLU layer, dropout, a 10-way
readout); only the import of TensorFlow is changed. The tutorial trains 20,000 steps of 50
images and reaches about 99.2% test accuracy.
Run: python examples/mnist_deep.py --data_dir MNIST_data/ [--steps 20000] [--seed 0]
"""

import argparse
import sys

import smallflow as tf
from smallflow.examples.tutorials.mnist import input_data

FLAGS = None


def deepnn(x):
    """Build the graph of the network that classifies digits.

    Args:
      x: an input tensor of shape (N, 784), one flattened 28x28 image per row.

    Returns:
      (y, keep_prob): y has shape (N, 10), the unnormalised scores of the ten digits;
      keep_prob is the scalar placeholder holding the probability of keeping a unit of the
      fully connected layer in dropout.
    """
    # The convolutions want images: [batch, height, width, channels] (one grey channel).
    with tf.name_scope("reshape"):
        x_image = tf.reshape(x, [-1, 28, 28, 1])

    # First convolutional layer: 32 feature maps of the grey image.
    with tf.name_scope("conv1"):
        W_conv1 = weight_variable([5, 5, 1, 32])
        b_conv1 = bias_variable([32])
        h_conv1 = tf.nn.relu(conv2d(x_image, W_conv1) + b_conv1)

    # Pooling halves the resolution: 28x28 -> 14x14.
    with tf.name_scope("pool1"):
        h_pool1 = max_pool_2x2(h_conv1)

    # Second convolutional layer: 32 feature maps -> 64.
    with tf.name_scope("conv2"):
        W_conv2 = weight_variable([5, 5, 32, 64])
        b_conv2 = bias_variable([64])
        h_conv2 = tf.nn.relu(conv2d(h_pool1, W_conv2) + b_conv2)

    # Second pooling layer: 14x14 -> 7x7.
    with tf.name_scope("pool2"):
        h_pool2 = max_pool_2x2(h_conv2)

    # Fully connected layer: the 7x7x64 feature maps -> 1024 features.
    with tf.name_scope("fc1"):
        W_fc1 = weight_variable([7 * 7 * 64, 1024])
        b_fc1 = bias_variable([1024])

        h_pool2_flat = tf.reshape(h_pool2, [-1, 7 * 7 * 64])
        h_fc1 = tf.nn.relu(tf.matmul(h_pool2_flat, W_fc1) + b_fc1)

    # Dropout limits overfitting; keep_prob is fed (0.5 to train, 1.0 to evaluate).
    with tf.name_scope("dropout"):
        keep_prob = tf.placeholder(tf.float32)
        h_fc1_drop = tf.nn.dropout(h_fc1, keep_prob)

    # Readout: 1024 features -> one score per digit.
    with tf.name_scope("fc2"):
        W_fc2 = weight_variable([1024, 10])
        b_fc2 = bias_variable([10])

        y_conv = tf.matmul(h_fc1_drop, W_fc2) + b_fc2
    return y_conv, keep_prob


def conv2d(x, W):
    """A stride-1 convolution whose output keeps the input's size."""
    return tf.nn.conv2d(x, W, strides=[1, 1, 1, 1], padding="SAME")


def max_pool_2x2(x):
    """Halve each feature map by taking the maximum of every 2x2 block."""
    return tf.nn.max_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")


def weight_variable(shape):
    """Weights drawn from a small truncated normal, to break symmetry."""
    initial = tf.truncated_normal(shape, stddev=0.1)
    return tf.Variable(initial)


def bias_variable(shape):
    """Slightly positive biases, so that the ReLUs start active."""
    initial = tf.constant(0.1, shape=shape)
    return tf.Variable(initial)


def main(_):
    if FLAGS.seed is not None:
        tf.set_random_seed(FLAGS.seed)

    # Import data
    mnist = input_data.read_data_sets(FLAGS.data_dir, one_hot=True, seed=FLAGS.seed)

    # Create the model
    x = tf.placeholder(tf.float32, [None, 784])

    # Define loss and optimizer
    y_ = tf.placeholder(tf.float32, [None, 10])

    # Build the graph for the deep net
    y_conv, keep_prob = deepnn(x)

    with tf.name_scope("loss"):
        cross_entropy = tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y_conv)
    cross_entropy = tf.reduce_mean(cross_entropy)

    with tf.name_scope("adam_optimizer"):
        train_step = tf.train.AdamOptimizer(1e-4).minimize(cross_entropy)

    with tf.name_scope("accuracy"):
        correct_prediction = tf.equal(tf.argmax(y_conv, 1), tf.argmax(y_, 1))
        correct_prediction = tf.cast(correct_prediction, tf.float32)
    accuracy = tf.reduce_mean(correct_prediction)

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(FLAGS.steps):
            batch = mnist.train.next_batch(50)
            if i % 100 == 0:
                train_accuracy = accuracy.eval(feed_dict={
                    x: batch[0], y_: batch[1], keep_prob: 1.0})
                print("step %d, training accuracy %g" % (i, train_accuracy))  # noqa: UP031
            train_step.run(feed_dict={x: batch[0], y_: batch[1], keep_prob: 0.5})

        print("test accuracy %g" % accuracy.eval(feed_dict={  # noqa: UP031
            x: mnist.test.images, y_: mnist.test.labels, keep_prob: 1.0}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--data_dir", type=str, default="MNIST_data/",
                        help="Directory for storing input data (default: MNIST_data/)")
    parser.add_argument("--steps", type=int, default=20000,
                        help="Number of training steps of 50 images (default: 20000)")
    parser.add_argument("--seed", type=int, default=None,
                        help="Seed for the weights, dropout and batch order (default: random)")
    FLAGS, unparsed = parser.parse_known_args()
    tf.app.run(main=main, argv=[sys.argv[0]] + unparsed)
