"""tf.keras.datasets.mnist.load_data(): the bundled MNIST in Keras's shapes and dtypes."""

import numpy as np
import pytest

import smallflow as tf
from smallflow.examples.tutorials.mnist import input_data


def test_load_data_gives_keras_shapes_and_dtypes(tmp_path):
    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
    assert (x_train.shape, x_train.dtype) == ((60000, 28, 28), np.uint8)
    assert (y_train.shape, y_train.dtype) == ((60000,), np.uint8)
    assert (x_test.shape, y_test.shape) == ((10000, 28, 28), (10000,))
    # The same examples as the TF1 tutorial reader: its validation set is the first 5,000.
    data = input_data.read_data_sets(str(tmp_path), dtype=tf.uint8, reshape=False)
    np.testing.assert_array_equal(x_train[:5000], data.validation.images[..., 0])
    np.testing.assert_array_equal(y_test, data.test.labels)
    assert np.bincount(y_train).tolist()[:3] == [5923, 6742, 5958]


@pytest.mark.parametrize(("path", "message"), [
    ("keras.Estimator", "does not provide tf.keras.Estimator"),
    ("keras.datasets.cifar100", "it has boston_housing, cifar10"),
])
def test_the_rest_of_keras_says_it_is_not_provided(path, message):
    first, second = path.split(".", 1)
    module = getattr(tf, first)
    parts = second.split(".")
    with pytest.raises(AttributeError, match=message):  # noqa: PT012 - any part may be missing
        for part in parts:
            module = getattr(module, part)


def _idx_gz(path, array):
    """An IDX file (MNIST's format) of uint8 ``array``, gzipped."""
    import gzip
    import struct

    header = struct.pack(">HBB", 0, 8, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    with gzip.open(path, "wb") as file:
        file.write(header + array.astype(np.uint8).tobytes())


@pytest.fixture
def keras_origin(tmp_path, monkeypatch):
    """A local stand-in for TensorFlow's dataset bucket, and a fresh ~/.keras cache."""
    from smallflow.keras.datasets import _download

    source = tmp_path / "bucket"
    source.mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setattr(_download, "ORIGIN", source.as_uri() + "/")
    return source


def test_fashion_mnist_is_downloaded_once_and_read(keras_origin, tmp_path, capsys):
    images = np.arange(3 * 28 * 28).reshape(3, 28, 28) % 256
    _idx_gz(keras_origin / "train-images-idx3-ubyte.gz", images)
    _idx_gz(keras_origin / "train-labels-idx1-ubyte.gz", np.array([9, 0, 3]))
    _idx_gz(keras_origin / "t10k-images-idx3-ubyte.gz", images[:1])
    _idx_gz(keras_origin / "t10k-labels-idx1-ubyte.gz", np.array([7]))
    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.fashion_mnist.load_data()
    assert x_train.shape == (3, 28, 28)
    assert x_train.dtype == np.uint8
    assert y_train.tolist() == [9, 0, 3]
    assert y_test.tolist() == [7]
    assert (tmp_path / "home/.keras/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz").exists()
    tf.keras.datasets.fashion_mnist.load_data()  # from the cache this time
    assert capsys.readouterr().out.count("Downloading data from") == 4


def test_imdb_offsets_indices_and_keeps_the_most_frequent_words(keras_origin):
    reviews = np.empty(4, dtype=object)
    reviews[:] = [[1, 2, 3], [4, 5], [6], [7, 8, 9, 10]]
    np.savez(keras_origin / "imdb.npz", x_train=reviews[:2], y_train=np.array([1, 0]),
             x_test=reviews[2:], y_test=np.array([0, 1]))
    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.imdb.load_data(num_words=8)
    everything = sorted(map(tuple, [*x_train, *x_test]))
    # start_char 1, indices + 3, anything >= num_words becomes oov_char 2
    assert everything == [(1, 2), (1, 2, 2, 2, 2), (1, 4, 5, 6), (1, 7, 2)]
    assert sorted(y_train.tolist() + y_test.tolist()) == [0, 0, 1, 1]


def test_boston_housing_splits_by_test_split(keras_origin):
    np.savez(keras_origin / "boston_housing.npz", x=np.arange(50.0).reshape(10, 5),
             y=np.arange(10.0))
    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.boston_housing.load_data()
    assert x_train.shape == (8, 5)
    assert x_test.shape == (2, 5)
    assert sorted(np.concatenate([y_train, y_test]).tolist()) == list(range(10))
    np.testing.assert_array_equal(x_train[:, 0] / 5, y_train)
