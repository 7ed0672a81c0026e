"""``tf.keras.datasets.boston_housing``: 506 Boston suburbs, 13 features, median prices."""

import numpy as np

from . import _download


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """``(x_train, y_train), (x_test, y_test)`` after Keras's shuffle with ``seed``."""
    if not 0 <= test_split < 1:
        raise ValueError("test_split must be between 0 and 1")
    with np.load(_download.fetch(path), allow_pickle=True) as data:
        x, y = data["x"], data["y"]
    rng = np.random.RandomState(seed)  # noqa: NPY002 - Keras's generator and order
    order = np.arange(len(x))
    rng.shuffle(order)
    x, y = x[order], y[order]
    split = int(len(x) * (1 - test_split))
    return (np.array(x[:split]), np.array(y[:split])), (np.array(x[split:]),
                                                         np.array(y[split:]))
