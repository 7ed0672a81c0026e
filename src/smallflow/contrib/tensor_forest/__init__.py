"""``tf.contrib.tensor_forest`` (TensorFlow 1.15): extremely randomized forests grown online.

``tensor_forest.python.tensor_forest`` has ``ForestHParams`` and ``RandomForestGraphs`` (what
TF1 programs use, e.g. aymericdamien/TensorFlow-Examples' random_forest.py). The algorithm is
in ``forest_core``, its graph ops in ``forest_ops``. The hybrid models and the tree-proto
exporters are not provided.
"""

from .._missing import missing_attribute
from . import python

__all__ = ["python"]

__getattr__ = missing_attribute(__name__, "tf.contrib.tensor_forest")
