"""``tf.keras.datasets.cifar10``: 60,000 32x32 colour pictures in 10 classes, from the
University of Toronto's archive, unpacked into ``~/.keras/datasets``."""

import os
import pickle

import numpy as np

from . import _download

_ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"


def _batch(path):
    with open(path, "rb") as file:
        content = pickle.load(file, encoding="bytes")  # noqa: S301 - the dataset's format
    data = np.asarray(content[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32)
    return data, np.asarray(content[b"labels"], dtype=np.uint8)


def load_data():
    """``(x_train, y_train), (x_test, y_test)``: uint8 ``[N, 32, 32, 3]`` (channels last, as
    ``backend.image_data_format()``), uint8 labels ``[N, 1]``."""
    from .. import backend

    folder = _download.fetch("cifar-10-batches-py", origin=_ORIGIN, untar=True)
    parts = [_batch(os.path.join(folder, f"data_batch_{i}")) for i in range(1, 6)]
    x_train = np.concatenate([p[0] for p in parts])
    y_train = np.concatenate([p[1] for p in parts]).reshape(-1, 1)
    x_test, y_test = _batch(os.path.join(folder, "test_batch"))
    y_test = y_test.reshape(-1, 1)
    if backend.image_data_format() == "channels_last":
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test, y_test)
