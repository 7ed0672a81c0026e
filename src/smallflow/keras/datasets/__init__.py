"""``tf.keras.datasets``: MNIST from the copy bundled with smallflow (offline), and Fashion-MNIST,
IMDB, Reuters, Boston housing and CIFAR-10 downloaded once into ``~/.keras/datasets`` from where
TensorFlow's Keras fetches them."""

from . import boston_housing, cifar10, fashion_mnist, imdb, mnist, reuters

__all__ = ["boston_housing", "cifar10", "fashion_mnist", "imdb", "mnist", "reuters"]


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(
        f"smallflow does not provide tf.keras.datasets.{name}: it has {', '.join(__all__)}"
    )
