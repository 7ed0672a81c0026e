"""``tensorflow.contrib.factorization.python.ops``: ``clustering_ops`` (k-means)."""

from . import clustering_ops

__all__ = ["clustering_ops"]
