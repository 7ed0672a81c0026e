"""``tensorflow.contrib.tensor_forest.python.ops``: the input parsing helpers (``data_ops``)
that libraries built on tensor_forest (TFLearn's ``RandomForest``) call directly. The kernel
wrappers (``model_ops``, ``stats_ops``) are not provided: smallflow's forest ops take a tree
variable, not TensorFlow's tree and stats resources."""

from . import data_ops

__all__ = ["data_ops"]
