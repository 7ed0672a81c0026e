"""``tf.keras``, as far as TF1 programs reach for it: ``tf.keras.datasets.mnist.load_data()`` and
``tf.keras.utils.get_file``.

Books and courses of the TF 1.x era load MNIST this way and then build graphs with
``tf.layers`` / ``tf.nn``; the Keras model API itself is not part of smallflow.
"""

from . import datasets, utils

__all__ = ["datasets", "utils"]


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(
        f"smallflow does not provide tf.keras.{name}: only tf.keras.datasets.mnist and "
        "tf.keras.utils (get_file, to_categorical) are there "
        "(build models with tf.layers, tf.nn and tf.train instead)"
    )
