"""Short, real training runs of the bundled models, shared by the ONNX and web tests.

Not a test module: ``train(name, steps, data)`` returns a session holding weights that read
digits well enough for the exported/served model to be checked on real test images.
"""

import numpy as np

import smallflow as tf
from smallflow import models
from smallflow.examples.tutorials.mnist import input_data

# model -> training steps of the model's default batch and optimizer. Enough for clearly
# better than chance (softmax ~91%, mlp ~95%, cnn ~94%), short enough for a test fixture.
SHORT_STEPS = {"softmax": 300, "mlp": 300, "cnn": 100}


def read_mnist(folder):
    """MNIST (one-hot labels) read into ``folder`` from smallflow's bundled copy."""
    return input_data.read_data_sets(str(folder), one_hot=True)


def train(name, data, steps=None, seed=0):
    """``(session, model_graph)`` after ``steps`` training steps of model ``name``."""
    settings = models.hyperparameters(name)
    steps = SHORT_STEPS[name] if steps is None else steps
    graph = models.build_graph(
        name, optimizer=settings["optimizer"], learning_rate=settings["learning_rate"], seed=seed
    )
    sess = tf.Session(graph=graph.graph)
    sess.run(graph.initializer)
    rng = np.random.default_rng(seed)
    images, labels = data.train.images, data.train.labels
    for _ in range(steps):
        rows = rng.integers(0, images.shape[0], settings["batch_size"])
        feed = {
            graph.images: images[rows],
            graph.labels: labels[rows],
            graph.keep_prob: settings["keep_prob"],
        }
        sess.run(graph.train_op, feed_dict=feed)
    return sess, graph


def save(sess, graph, path):
    """Save like ``smallflow train --save`` does; returns the .npz path."""
    metadata = {"hyperparameters": models.hyperparameters(graph.name), "seed": 0}
    return models.save_model(sess, graph, path, metadata)


def model_folder(tmp_path_factory, steps):
    """A new folder holding one saved model per ``name -> training steps`` of ``steps``."""
    folder = tmp_path_factory.mktemp("models")
    data = read_mnist(tmp_path_factory.mktemp("mnist"))
    for name, count in steps.items():
        sess, graph = train(name, data, steps=count)
        with sess:
            save(sess, graph, folder / name)
    return folder
