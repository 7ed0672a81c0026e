"""A CNN for MNIST with tf.layers, tf.data and tf.estimator, in the TensorFlow 1.x style.

The structure of TensorFlow's "Build a Convolutional Neural Network using Estimators"
tutorial (cnn_mnist.py): a ``model_fn`` of two conv + pool layers, a dense layer with
dropout and the logits, trained by an ``Estimator`` that checkpoints into ``--model_dir``
(run it again to continue from the last checkpoint). Here the input functions are
``tf.data`` pipelines (shuffle, repeat, batch) and batch normalization follows each layer;
only the import of TensorFlow is changed.
Run: python examples/mnist_estimator.py --data_dir MNIST_data/ --model_dir /tmp/mnist_cnn
     [--steps 2000] [--batch_size 100] [--seed 0]
"""

import argparse
import sys

import numpy as np

import smallflow as tf
from smallflow.examples.tutorials.mnist import input_data

FLAGS = None


def cnn_model_fn(features, labels, mode, params):
    """Model function for the CNN: the EstimatorSpec of the requested mode."""
    training = mode == tf.estimator.ModeKeys.TRAIN
    input_layer = tf.reshape(features["x"], [-1, 28, 28, 1])

    conv1 = tf.layers.conv2d(input_layer, filters=32, kernel_size=[5, 5], padding="same",
                             use_bias=False)
    # momentum 0.9 (not the default 0.99): the moving statistics settle within a few hundred
    # steps, so a short run is evaluated with statistics of the trained network.
    conv1 = tf.nn.relu(tf.layers.batch_normalization(conv1, momentum=0.9, training=training))
    pool1 = tf.layers.max_pooling2d(conv1, pool_size=[2, 2], strides=2)

    conv2 = tf.layers.conv2d(pool1, filters=64, kernel_size=[5, 5], padding="same",
                             use_bias=False)
    conv2 = tf.nn.relu(tf.layers.batch_normalization(conv2, momentum=0.9, training=training))
    pool2 = tf.layers.max_pooling2d(conv2, pool_size=[2, 2], strides=2)

    pool2_flat = tf.reshape(pool2, [-1, 7 * 7 * 64])
    dense = tf.layers.dense(pool2_flat, units=params["hidden_units"], activation=tf.nn.relu)
    dropout = tf.layers.dropout(dense, rate=0.4, training=training)
    logits = tf.layers.dense(dropout, units=10)

    predictions = {
        "classes": tf.argmax(logits, axis=1),
        "probabilities": tf.nn.softmax(logits, name="softmax_tensor"),
    }
    if mode == tf.estimator.ModeKeys.PREDICT:
        return tf.estimator.EstimatorSpec(mode=mode, predictions=predictions)

    loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    if mode == tf.estimator.ModeKeys.TRAIN:
        optimizer = tf.train.AdamOptimizer(learning_rate=params["learning_rate"])
        # Batch normalization's moving averages are updated with every training step.
        with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
            train_op = optimizer.minimize(loss, global_step=tf.train.get_global_step())
        return tf.estimator.EstimatorSpec(mode=mode, loss=loss, train_op=train_op)

    eval_metric_ops = {
        "accuracy": tf.metrics.accuracy(labels=labels, predictions=predictions["classes"]),
    }
    return tf.estimator.EstimatorSpec(mode=mode, loss=loss, eval_metric_ops=eval_metric_ops)


def train_input_fn(images, labels, batch_size, seed):
    """Shuffled batches of (features, labels), repeated for as long as training asks."""
    dataset = tf.data.Dataset.from_tensor_slices(({"x": images}, labels))
    return dataset.shuffle(10000, seed=seed).repeat().batch(batch_size)


def eval_input_fn(images, labels, batch_size):
    """One pass over the examples, in order."""
    dataset = tf.data.Dataset.from_tensor_slices(({"x": images}, labels))
    return dataset.batch(batch_size)


def main(_):
    mnist = input_data.read_data_sets(FLAGS.data_dir)
    train_images = mnist.train.images
    train_labels = np.asarray(mnist.train.labels, dtype=np.int32)
    test_images = mnist.test.images
    test_labels = np.asarray(mnist.test.labels, dtype=np.int32)

    config = tf.estimator.RunConfig(tf_random_seed=FLAGS.seed, save_checkpoints_steps=1000,
                                    log_step_count_steps=100)
    classifier = tf.estimator.Estimator(
        model_fn=cnn_model_fn, model_dir=FLAGS.model_dir, config=config,
        params={"learning_rate": FLAGS.learning_rate, "hidden_units": 256})

    tensors_to_log = {"probabilities": "softmax_tensor"}
    logging_hook = tf.train.LoggingTensorHook(tensors=tensors_to_log, every_n_iter=500,
                                              formatter=lambda values: "training")
    classifier.train(
        input_fn=lambda: train_input_fn(train_images, train_labels, FLAGS.batch_size,
                                        FLAGS.seed),
        steps=FLAGS.steps, hooks=[logging_hook])

    eval_results = classifier.evaluate(
        input_fn=lambda: eval_input_fn(test_images, test_labels, 500))
    print(f"global step {eval_results['global_step']}: test accuracy "
          f"{eval_results['accuracy']:.4f}, loss {eval_results['loss']:.4f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--data_dir", type=str, default="/tmp/tensorflow/mnist/input_data",
                        help="Directory for storing input data")
    parser.add_argument("--model_dir", type=str, default="/tmp/mnist_convnet_model",
                        help="Directory for the checkpoints (training resumes from them)")
    parser.add_argument("--steps", type=int, default=2000, help="training steps to run")
    parser.add_argument("--batch_size", type=int, default=100, help="images per step")
    parser.add_argument("--learning_rate", type=float, default=1e-3, help="Adam's rate")
    parser.add_argument("--seed", type=int, default=0, help="graph-level random seed")
    FLAGS, unparsed = parser.parse_known_args()
    tf.app.run(main=main, argv=[sys.argv[0], *unparsed])
