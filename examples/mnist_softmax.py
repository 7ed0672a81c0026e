"""The "MNIST For ML Beginners" program: softmax regression trained by SGD, on smallflow.

Written in the TensorFlow 1.x style of the tutorial's mnist_softmax.py; only the import of
TensorFlow is changed. Run: python examples/mnist_softmax.py --data_dir MNIST_data/
"""

import argparse
import sys

import smallflow as tf
from smallflow.examples.tutorials.mnist import input_data

FLAGS = None


def main(_):
    # Import data
    mnist = input_data.read_data_sets(FLAGS.data_dir, one_hot=True, seed=FLAGS.seed)

    # Create the model
    x = tf.placeholder(tf.float32, [None, 784])
    W = tf.Variable(tf.zeros([784, 10]))
    b = tf.Variable(tf.zeros([10]))
    y = tf.matmul(x, W) + b

    # Define loss and optimizer
    y_ = tf.placeholder(tf.float32, [None, 10])

    # The raw formulation of cross-entropy,
    #
    #   tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(tf.nn.softmax(y)),
    #                                 reduction_indices=[1]))
    #
    # can be numerically unstable, so we use the fused op on the raw outputs of the model.
    cross_entropy = tf.reduce_mean(
        tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y))
    train_step = tf.train.GradientDescentOptimizer(FLAGS.learning_rate).minimize(cross_entropy)

    sess = tf.InteractiveSession()
    tf.global_variables_initializer().run()
    # Train
    for _ in range(FLAGS.steps):
        batch_xs, batch_ys = mnist.train.next_batch(FLAGS.batch_size)
        sess.run(train_step, feed_dict={x: batch_xs, y_: batch_ys})

    # Test trained model
    correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
    print(sess.run(accuracy, feed_dict={x: mnist.test.images, y_: mnist.test.labels}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--data_dir", type=str, default="MNIST_data/",
                        help="Directory for storing input data (default: MNIST_data/)")
    parser.add_argument("--seed", type=int, default=None,
                        help="Seed for the order of the training batches (default: random)")
    parser.add_argument("--steps", type=int, default=1000,
                        help="Number of training steps (default: 1000)")
    parser.add_argument("--batch_size", type=int, default=100,
                        help="Examples per training step (default: 100)")
    parser.add_argument("--learning_rate", type=float, default=0.5,
                        help="Gradient descent learning rate (default: 0.5)")
    FLAGS, unparsed = parser.parse_known_args()
    tf.app.run(main=main, argv=[sys.argv[0]] + unparsed)
