"""A TF1 "mechanics tutorial" training program, written against ``import tensorflow as tf``.

It uses the API of TensorFlow's ``fully_connected_feed.py``: the ``mnist`` model module,
placeholders with a fixed batch size, feed dicts, ``merge_all`` + ``FileWriter`` with the
graph, a Saver writing checkpoints (and ``.meta`` files) with the global step, and an
evaluation loop over whole data sets. Only the import lines name smallflow.
"""

import argparse
import os
import sys
import time

import smallflow as tf
from smallflow.examples.tutorials.mnist import input_data, mnist

FLAGS = None


def placeholder_inputs(batch_size):
    images = tf.placeholder(tf.float32, shape=(batch_size, mnist.IMAGE_PIXELS))
    labels = tf.placeholder(tf.int32, shape=(batch_size))
    return images, labels


def fill_feed_dict(data_set, images_pl, labels_pl):
    images, labels = data_set.next_batch(FLAGS.batch_size, FLAGS.fake_data)
    return {images_pl: images, labels_pl: labels}


def do_eval(sess, eval_correct, images_placeholder, labels_placeholder, data_set):
    true_count = 0
    steps_per_epoch = data_set.num_examples // FLAGS.batch_size
    num_examples = steps_per_epoch * FLAGS.batch_size
    for _ in range(steps_per_epoch):
        feed_dict = fill_feed_dict(data_set, images_placeholder, labels_placeholder)
        true_count += sess.run(eval_correct, feed_dict=feed_dict)
    precision = float(true_count) / num_examples
    print("Num examples: %d  Num correct: %d  Precision @ 1: %0.04f"
          % (num_examples, true_count, precision))


def run_training():
    data_sets = input_data.read_data_sets(FLAGS.input_data_dir, FLAGS.fake_data)
    with tf.Graph().as_default():
        images_placeholder, labels_placeholder = placeholder_inputs(FLAGS.batch_size)
        logits = mnist.inference(images_placeholder, FLAGS.hidden1, FLAGS.hidden2)
        loss = mnist.loss(logits, labels_placeholder)
        train_op = mnist.training(loss, FLAGS.learning_rate)
        eval_correct = mnist.evaluation(logits, labels_placeholder)
        summary = tf.summary.merge_all()
        init = tf.global_variables_initializer()
        saver = tf.train.Saver()
        sess = tf.Session()
        summary_writer = tf.summary.FileWriter(FLAGS.log_dir, sess.graph)
        sess.run(init)
        for step in range(FLAGS.max_steps):
            start_time = time.time()
            feed_dict = fill_feed_dict(data_sets.train, images_placeholder, labels_placeholder)
            _, loss_value = sess.run([train_op, loss], feed_dict=feed_dict)
            duration = time.time() - start_time
            if step % 100 == 0:
                print("Step %d: loss = %.2f (%.3f sec)" % (step, loss_value, duration))
                summary_str = sess.run(summary, feed_dict=feed_dict)
                summary_writer.add_summary(summary_str, step)
                summary_writer.flush()
            if (step + 1) % 1000 == 0 or (step + 1) == FLAGS.max_steps:
                checkpoint_file = os.path.join(FLAGS.log_dir, "model.ckpt")
                saver.save(sess, checkpoint_file, global_step=step)
                print("Training Data Eval:")
                do_eval(sess, eval_correct, images_placeholder, labels_placeholder,
                        data_sets.train)
                print("Validation Data Eval:")
                do_eval(sess, eval_correct, images_placeholder, labels_placeholder,
                        data_sets.validation)
                print("Test Data Eval:")
                do_eval(sess, eval_correct, images_placeholder, labels_placeholder,
                        data_sets.test)


def main(_):
    os.makedirs(FLAGS.log_dir, exist_ok=True)
    run_training()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--learning_rate", type=float, default=0.01)
    parser.add_argument("--max_steps", type=int, default=2000)
    parser.add_argument("--hidden1", type=int, default=128)
    parser.add_argument("--hidden2", type=int, default=32)
    parser.add_argument("--batch_size", type=int, default=100)
    parser.add_argument("--input_data_dir", type=str, default="/tmp/mnist/input_data")
    parser.add_argument("--log_dir", type=str, default="/tmp/mnist/logs/fully_connected_feed")
    parser.add_argument("--fake_data", default=False, action="store_true")
    FLAGS, unparsed = parser.parse_known_args()
    tf.app.run(main=main, argv=[sys.argv[0]] + unparsed)
