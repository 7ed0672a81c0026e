"""``tensorflow.contrib.learn.python.learn.datasets``: the same as ``tf.contrib.learn.datasets``
(``from ...learn.datasets import mnist`` is how TF1's reading-data examples import MNIST)."""

import sys as _sys

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

# ``from tensorflow.contrib.learn.python.learn.datasets.mnist import read_data_sets`` (TF1's
# own examples and books write it) imports these as submodules, not attributes.
for _name in ("base", "mnist", "text_datasets"):
    _sys.modules[f"{__name__}.{_name}"] = globals()[_name]
