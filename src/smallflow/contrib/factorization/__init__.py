"""``tf.contrib.factorization``: k-means clustering (``KMeans``, the graph builder TF1
programs use, and its constants; ``KMeansClustering``, the Estimator). ``GMM``,
``WALSMatrixFactorization`` and ``WALSModel`` are not provided: an AttributeError names them.
"""

from .._missing import missing_attribute
from . import python  # noqa: F401  (TF1's long path: python.ops.clustering_ops)
from .kmeans import (
                     COSINE_DISTANCE,
                     KMC2_INIT,
                     KMEANS_PLUS_PLUS_INIT,
                     RANDOM_INIT,
                     SQUARED_EUCLIDEAN_DISTANCE,
                     KMeans,
)
from .kmeans_estimator import KMeansClustering

__all__ = ["COSINE_DISTANCE", "KMC2_INIT", "KMEANS_PLUS_PLUS_INIT", "KMeans", "KMeansClustering",
           "RANDOM_INIT", "SQUARED_EUCLIDEAN_DISTANCE"]

__getattr__ = missing_attribute(__name__, "tf.contrib.factorization")
