"""``tensorflow.contrib.learn.python.learn.datasets``: the same as ``tf.contrib.learn.datasets``
(``from ...learn.datasets import mnist`` is how TF1's reading-data examples import MNIST)."""

from ....datasets import (  # noqa: F401  (re-exports under TF1's long path)
    DATASETS,
    base,
    load_boston,
    load_dataset,
    load_iris,
    mnist,
    text_datasets,
)

__all__ = ["DATASETS", "base", "load_boston", "load_dataset", "load_iris", "mnist",
           "text_datasets"]
