"""``tf.keras.datasets.mnist.load_data()`` from the MNIST files bundled with smallflow."""

import importlib.resources

_FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)


def load_data(path="mnist.npz"):
    """``(x_train, y_train), (x_test, y_test)``: uint8 images ``[N, 28, 28]`` and labels ``[N]``.

    As Keras returns them: the 60,000 training images (no validation split) and the 10,000
    test images. ``path`` is accepted for compatibility; nothing is downloaded or written.
    """
    from ...datasets.idx import read_idx

    data = importlib.resources.files("smallflow.datasets").joinpath("data")
    arrays = []
    for name in _FILES:
        with importlib.resources.as_file(data.joinpath(name)) as file:
            arrays.append(read_idx(file, name=f"bundled {name}"))
    x_train, y_train, x_test, y_test = arrays
    return (x_train, y_train), (x_test, y_test)
