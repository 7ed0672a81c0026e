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
    ("keras.datasets.cifar10", "only mnist ships"),
])
def test_the_rest_of_keras_says_it_is_not_provided(path, message):
    first, second = path.split(".", 1)
    module = getattr(tf, first)
    parts = second.split(".")
    with pytest.raises(AttributeError, match=message):
        for part in parts:
            module = getattr(module, part)
