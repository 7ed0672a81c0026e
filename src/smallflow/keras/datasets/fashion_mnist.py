"""``tf.keras.datasets.fashion_mnist.load_data()``: Zalando's 70,000 clothing pictures in
MNIST's format, downloaded once into ``~/.keras/datasets/fashion-mnist``."""

from . import _download

_FILES = ("train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
          "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")


def load_data():
    """``(x_train, y_train), (x_test, y_test)``: uint8 ``[N, 28, 28]`` images, uint8 labels."""
    from ...datasets.idx import read_idx

    arrays = []
    for name in _FILES:
        path = _download.fetch(name, cache_subdir="datasets/fashion-mnist")
        arrays.append(read_idx(path, name=name))
    y_train, x_train, y_test, x_test = arrays
    return (x_train, y_train), (x_test, y_test)
