"""``tf.contrib.tensor_forest`` (TensorFlow 1.15): extremely randomized forests grown online.

``tensor_forest.python.tensor_forest`` has ``ForestHParams`` and ``RandomForestGraphs`` (what
TF1 programs use, e.g. aymericdamien/TensorFlow-Examples' random_forest.py). The algorithm is
in ``forest_core``, its graph ops in ``forest_ops``; ``client`` has the Estimators
(``client.random_forest.TensorForestEstimator``, also reachable as ``random_forest`` here, as
TensorFlow's star import of ``client`` makes it) and ``client.eval_metrics``. The hybrid
models and the tree-proto exporters are not provided.
"""

from .._missing import missing_attribute
from . import client, python
from .client import eval_metrics, random_forest

__all__ = ["client", "eval_metrics", "python", "random_forest"]

__getattr__ = missing_attribute(__name__, "tf.contrib.tensor_forest")
