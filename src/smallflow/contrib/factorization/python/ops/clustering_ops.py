"""``tensorflow.contrib.factorization.python.ops.clustering_ops`` (TensorFlow 1.15): the same
``KMeans`` graph builder, constants and ops as ``tf.contrib.factorization`` (TensorFlow
defines them here and re-exports them there)."""

from .....ops.clustering_ops import (
    kmc2_chain_initialization,
    kmeans_plus_plus_initialization,
    nearest_neighbors,
)
from ...kmeans import (
    CLUSTERS_VAR_NAME,
    COSINE_DISTANCE,
    KMC2_INIT,
    KMEANS_PLUS_PLUS_INIT,
    RANDOM_INIT,
    SQUARED_EUCLIDEAN_DISTANCE,
    KMeans,
)

__all__ = ["CLUSTERS_VAR_NAME", "COSINE_DISTANCE", "KMC2_INIT", "KMEANS_PLUS_PLUS_INIT",
           "KMeans", "RANDOM_INIT", "SQUARED_EUCLIDEAN_DISTANCE", "kmc2_chain_initialization",
           "kmeans_plus_plus_initialization", "nearest_neighbors"]
