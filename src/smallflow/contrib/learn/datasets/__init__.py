"""``tf.contrib.learn.datasets``: ``mnist`` and ``load_dataset('mnist')``."""

from ..._missing import missing_attribute
from . import mnist

__all__ = ["load_dataset", "mnist"]


def load_dataset(name, size="small", test_with_fake_data=False):
    """TF1's dataset loader; only ``'mnist'`` is available (read into ``'MNIST_data'``)."""
    if name != "mnist":
        raise ValueError(f"Name of dataset is not recognized: {name}; smallflow provides "
                         "only 'mnist'")
    return mnist.load_mnist()


__getattr__ = missing_attribute(__name__, "tf.contrib.learn.datasets")
