"""``tf.keras.datasets``: MNIST from the copy bundled with smallflow (no download)."""

from . import mnist

__all__ = ["mnist"]


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(
        f"smallflow does not provide tf.keras.datasets.{name}: only mnist ships with it, and "
        "nothing is downloaded"
    )
