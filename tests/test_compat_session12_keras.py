"""Session 12: what TF1-era tf.keras programs (Keras 2.2 examples, the r1 Keras tutorials,
feature programs) needed from smallflow's tf.keras."""

import numpy as np
import pytest

import smallflow as tf
from smallflow.keras import backend as K


def test_random_shape_may_mix_tensors_and_ints():
    # variational_autoencoder.py: K.random_normal(shape=(K.shape(z_mean)[0], dim))
    z = tf.placeholder(tf.float32, [None, 2])
    eps = K.random_normal(shape=(K.shape(z)[0], K.int_shape(z)[1]))
    assert eps.shape.as_list() == [None, 2]
    uniform = tf.random_uniform([tf.shape(z)[0], 3], seed=1)
    assert uniform.shape.as_list() == [None, 3]
    with tf.Session() as sess:
        drawn, box = sess.run([eps, uniform], {z: np.zeros((5, 2))})
    assert drawn.shape == (5, 2)
    assert box.shape == (5, 3)


def test_backend_names_tensorflow():
    # multi-backend Keras examples check K.backend() before using TensorFlow ops
    assert K.backend() == "tensorflow"


@pytest.fixture
def keras_origin(tmp_path, monkeypatch):
    """A local stand-in for TensorFlow's dataset bucket, and a fresh ~/.keras cache."""
    from smallflow.keras.datasets import _download

    source = tmp_path / "bucket"
    source.mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setattr(_download, "ORIGIN", source.as_uri() + "/")
    return source


def test_reuters_shuffles_shifts_and_splits(keras_origin):
    wires = np.empty(5, dtype=object)
    wires[:] = [[1, 2], [3], [4, 5, 6], [7, 8], [9]]
    topics = np.arange(5) * 10
    np.savez(keras_origin / "reuters.npz", x=wires, y=topics)
    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.reuters.load_data(num_words=8)
    # Keras's order: np.random.RandomState(113) shuffles the wires before anything else
    order = np.arange(5)
    np.random.RandomState(113).shuffle(order)  # noqa: NPY002
    assert (y_train.tolist() + y_test.tolist()) == (topics[order]).tolist()
    assert (len(x_train), len(x_test)) == (4, 1)  # test_split=0.2
    first = wires[order[0]]
    expected = [1] + [w + 3 if w + 3 < 8 else 2 for w in first]
    assert list(x_train[0]) == expected
    with open(keras_origin / "reuters_word_index.json", "w") as file:
        file.write('{"said": 1}')
    assert tf.keras.datasets.reuters.get_word_index() == {"said": 1}


def test_reuters_test_split_must_be_a_fraction(keras_origin):
    with pytest.raises(ValueError, match="test_split"):
        tf.keras.datasets.reuters.load_data(test_split=2)
