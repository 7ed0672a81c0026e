"""``tensorflow.contrib.factorization.python``: TF1's long module path to the k-means graph
builder (``ops.clustering_ops``), which libraries such as TFLearn import directly."""

from . import ops

__all__ = ["ops"]
