"""MNIST read row by row by an LSTM: the recurrent network chapter of TF1 courses, on smallflow.

Written in the TensorFlow 1.x style of the classic recurrent_network.py examples: every
image is a sequence of 28 rows of 28 pixels, a BasicLSTMCell of 128 units reads it with
tf.nn.dynamic_rnn (or tf.contrib.rnn.static_rnn with --static), and the last output goes
through a softmax layer. Only the import of TensorFlow is changed. With the defaults (3,000
steps of 128 images, Adam) it reaches about 98% test accuracy.
Run: python examples/mnist_rnn.py --data_dir MNIST_data/ [--steps 3000] [--seed 0] [--static]
"""

import argparse
import sys

import smallflow as tf
from smallflow.examples.tutorials.mnist import input_data

FLAGS = None

# Network parameters
num_input = 28  # pixels per row
timesteps = 28  # rows per image
num_hidden = 128  # units of the LSTM
num_classes = 10  # digits 0-9


def RNN(x, weights, biases):
    """Logits [N, 10] of the images x [N, 28, 28] read one row per time step."""
    lstm_cell = tf.contrib.rnn.BasicLSTMCell(num_hidden, forget_bias=1.0)
    if FLAGS.static:
        # static_rnn wants a list of `timesteps` tensors of shape [N, num_input].
        rows = tf.unstack(x, timesteps, 1)
        outputs, states = tf.contrib.rnn.static_rnn(lstm_cell, rows, dtype=tf.float32)
        last = outputs[-1]
    else:
        outputs, states = tf.nn.dynamic_rnn(lstm_cell, x, dtype=tf.float32)
        last = outputs[:, -1, :]
    return tf.matmul(last, weights["out"]) + biases["out"]


def main(_):
    if FLAGS.seed is not None:
        tf.set_random_seed(FLAGS.seed)
    mnist = input_data.read_data_sets(FLAGS.data_dir, one_hot=True, seed=FLAGS.seed)

    X = tf.placeholder(tf.float32, [None, timesteps, num_input])
    Y = tf.placeholder(tf.float32, [None, num_classes])
    weights = {"out": tf.Variable(tf.random_normal([num_hidden, num_classes], stddev=0.1))}
    biases = {"out": tf.Variable(tf.zeros([num_classes]))}

    logits = RNN(X, weights, biases)
    prediction = tf.nn.softmax(logits)

    loss_op = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=Y))
    global_step = tf.Variable(0, trainable=False)
    learning_rate = tf.train.exponential_decay(FLAGS.learning_rate, global_step, 1000, 0.5)
    optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate)
    train_op = optimizer.minimize(loss_op, global_step=global_step)

    correct_pred = tf.equal(tf.argmax(prediction, 1), tf.argmax(Y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_pred, tf.float32))

    init = tf.global_variables_initializer()
    with tf.Session() as sess:
        sess.run(init)
        for step in range(1, FLAGS.steps + 1):
            batch_x, batch_y = mnist.train.next_batch(FLAGS.batch_size)
            batch_x = batch_x.reshape((-1, timesteps, num_input))
            sess.run(train_op, feed_dict={X: batch_x, Y: batch_y})
            if step % FLAGS.display_step == 0 or step == 1:
                loss, acc = sess.run([loss_op, accuracy], feed_dict={X: batch_x, Y: batch_y})
                print("Step " + str(step) + ", Minibatch Loss= " + f"{loss:.4f}"
                      + ", Training Accuracy= " + f"{acc:.3f}")
        print("Optimization Finished!")

        test_data = mnist.test.images.reshape((-1, timesteps, num_input))
        test_label = mnist.test.labels
        print("Testing Accuracy:",
              sess.run(accuracy, feed_dict={X: test_data, Y: test_label}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--data_dir", type=str, default="MNIST_data/",
                        help="Directory for storing input data (default: MNIST_data/)")
    parser.add_argument("--steps", type=int, default=3000,
                        help="Training steps (default: 3000)")
    parser.add_argument("--batch_size", type=int, default=128,
                        help="Images per training step (default: 128)")
    parser.add_argument("--learning_rate", type=float, default=0.002,
                        help="Adam's initial learning rate, halved every 1000 steps "
                             "(default: 0.002)")
    parser.add_argument("--display_step", type=int, default=200,
                        help="Steps between progress lines (default: 200)")
    parser.add_argument("--static", action="store_true",
                        help="Unroll with tf.contrib.rnn.static_rnn instead of dynamic_rnn")
    parser.add_argument("--seed", type=int, default=None,
                        help="Seed for the weights and batch order (default: random)")
    FLAGS, unparsed = parser.parse_known_args()
    tf.app.run(main=main, argv=[sys.argv[0]] + unparsed)
