"""The clustering kernels behind k-means (TensorFlow's ``gen_clustering_ops``).

``NearestNeighbors`` finds each point's k closest centers by squared Euclidean distance;
``KmeansPlusPlusInitialization`` picks initial centers with k-means++ (each new center drawn
with probability proportional to its squared distance from the centers chosen so far, the
best of ``1 + num_retries_per_sample`` draws kept); ``KMC2ChainInitialization`` runs one
Markov chain of k-MC2 over candidate distances. As in TensorFlow, the two samplers take their
seed as an input and start from it on every run, so one seed always picks the same centers
(NumPy's generator, not Philox: the picks are not TensorFlow's).
"""

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import convert_to_tensor, is_tensor_like
from ..op_signature import signature
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape, unknown_shape
from .common import make_op

__all__ = ["nearest_neighbors", "kmeans_plus_plus_initialization",
           "kmc2_chain_initialization"]


def _error(message):
    return InvalidArgumentError(None, None, message)


def _require(condition, message):
    if not condition:
        raise _error(message)


def _nearest_kernel(attrs):
    def nearest_neighbors(points, centers, k):
        _require(points.ndim == 2, "Input points should be a matrix.")
        _require(centers.ndim == 2, "Input centers should be a matrix.")
        _require(np.ndim(k) == 0, "Input k should be a scalar.")
        _require(points.shape[0] > 0, "Expected points.rows() > 0.")
        _require(points.shape[1] == centers.shape[1],
                 f"Expected point_dimensions == center_dimensions: {points.shape[1]} vs "
                 f"{centers.shape[1]}.")
        count = int(min(centers.shape[0], int(k)))
        n = points.shape[0]
        if count <= 0:
            return np.zeros((n, 0), np.int64), np.zeros((n, 0), np.float32)
        # Squared distance = |p|^2 - 2 p.c + |c|^2; the point's own norm does not change the
        # order, so centers are ranked by |c|^2/2 - p.c and the norm added back at the end.
        partial = 0.5 * np.einsum("ij,ij->i", centers, centers)[None, :] - points @ centers.T
        if count == 1:
            order = np.argmin(partial, axis=1)[:, None]  # the first of equal distances
        else:
            # stable: equal distances keep the lower center index first
            order = np.argsort(partial, axis=1, kind="stable")[:, :count]
        half_norm = 0.5 * np.einsum("ij,ij->i", points, points)[:, None]
        distances = 2.0 * (half_norm + np.take_along_axis(partial, order, axis=1))
        return order.astype(np.int64), distances.astype(np.float32)

    return nearest_neighbors


def _unknown_shapes(count):
    # TensorFlow registers these two ops with unknown output shapes (not even the rank);
    # smallflow keeps that, so static shapes downstream (``squeeze``, ``reduce_mean``) agree.
    return lambda op: [unknown_shape()] * count


register_op("NearestNeighbors", _nearest_kernel, _unknown_shapes(2),
            signature=signature("points: float32, centers: float32, k: int64 -> "
                                "nearest_center_indices: int64, "
                                "nearest_center_distances: float32"))
NotDifferentiable("NearestNeighbors")


def _half_squared_distances(points, half_norms, index):
    return half_norms - points @ points[index] + half_norms[index]


def _kmeans_pp_kernel(attrs):
    def kmeans_plus_plus_initialization(points, num_to_sample, seed, num_retries):
        _require(points.ndim == 2, "Input points should be a matrix.")
        for value, what in ((num_to_sample, "num_to_sample"), (seed, "seed"),
                            (num_retries, "num_retries_per_sample")):
            _require(np.ndim(value) == 0, f"Input {what} should be a scalar.")
        n, num_to_sample = points.shape[0], int(num_to_sample)
        _require(n > 0, "Expected points.rows() > 0.")
        _require(num_to_sample > 0, "Expected num_to_sample > 0.")
        _require(num_to_sample <= n,
                 f"Expected num_to_sample <= points.rows(). {num_to_sample} vs {n}.")
        retries = int(num_retries)
        if retries < 0:  # TensorFlow's heuristic: O(log k) extra draws
            retries = 2 + int(np.log(num_to_sample))
        rng = np.random.default_rng(int(seed) % (1 << 63))
        half_norms = 0.5 * np.einsum("ij,ij->i", points, points)
        chosen, taken = [], set()
        min_dist = np.full(n, np.inf, np.float32)

        def draw(cumsum):
            if not taken:
                return int(rng.integers(n))
            while True:  # redraw until the point is not a center already
                index = int(np.searchsorted(cumsum, rng.random() * cumsum[-1], side="right"))
                if index not in taken:
                    # past the end when every distance is 0 (all points chosen or equal):
                    # TensorFlow then takes the last point again
                    return min(index, n - 1)

        for _ in range(num_to_sample):
            cumsum = np.cumsum(min_dist, dtype=np.float64) if taken else None
            best, best_dist, best_potential = 0, None, np.inf
            for _attempt in range(1 + retries if retries else 1):
                index = draw(cumsum)
                new_dist = np.minimum(min_dist, _half_squared_distances(points, half_norms,
                                                                        index))
                potential = float(new_dist.sum())
                if not retries or potential < best_potential:
                    best, best_dist, best_potential = index, new_dist, potential
            min_dist = best_dist
            chosen.append(best)
            taken.add(best)
        return points[chosen].astype(np.float32)

    return kmeans_plus_plus_initialization


register_op("KmeansPlusPlusInitialization", _kmeans_pp_kernel, _unknown_shapes(1),
            signature=signature("points: float32, num_to_sample: int64, seed: int64, "
                                "num_retries_per_sample: int64 -> samples: float32"))
NotDifferentiable("KmeansPlusPlusInitialization")


def _kmc2_kernel(attrs):
    def kmc2_chain_initialization(distances, seed):
        _require(distances.ndim == 1, "Input distances should be a vector.")
        _require(np.ndim(seed) == 0, "Input seed should be a scalar.")
        _require(distances.shape[0] > 0, "Expected distances_tensor.size() > 0.")
        rng = np.random.default_rng(int(seed) % (1 << 63))
        draws = rng.random(distances.shape[0] - 1, dtype=np.float32)
        selected = 0
        # Move to candidate i with probability min(1, d_i / d_selected).
        for i in range(1, distances.shape[0]):
            if distances[i] > draws[i - 1] * distances[selected]:
                selected = i
        return np.int64(selected)

    return kmc2_chain_initialization


register_op("KMC2ChainInitialization", _kmc2_kernel, lambda op: [TensorShape([])],
            signature=signature("distances: float32, seed: int64 -> index: int64"))
NotDifferentiable("KMC2ChainInitialization")


def nearest_neighbors(points, centers, k, name=None):
    """Indices and squared distances of each point's ``k`` nearest ``centers``, nearest
    first (``[n, min(k, num_centers)]``, int64 and float32)."""
    points = convert_to_tensor(points, name="points")
    centers = convert_to_tensor(centers, name="centers")
    op = make_op("NearestNeighbors", [points, centers, _int64(k, "k")],
                 [dtypes.int64, dtypes.float32], None, name)
    return op.outputs[0], op.outputs[1]


def kmeans_plus_plus_initialization(points, num_to_sample, seed, num_retries_per_sample,
                                    name=None):
    """``num_to_sample`` rows of ``points`` chosen by k-means++."""
    inputs = [convert_to_tensor(points, name="points"), _int64(num_to_sample, "num_to_sample"),
              _int64(seed, "seed"), _int64(num_retries_per_sample, "num_retries_per_sample")]
    return make_op("KmeansPlusPlusInitialization", inputs, [dtypes.float32], None,
                   name).outputs[0]


def kmc2_chain_initialization(distances, seed, name=None):
    """The index of the candidate one k-MC2 Markov chain over ``distances`` ends at."""
    distances = convert_to_tensor(distances, name="distances")
    return make_op("KMC2ChainInitialization", [distances, _int64(seed, "seed")],
                   [dtypes.int64], None, name).outputs[0]


def _int64(value, what):
    if is_tensor_like(value):
        return convert_to_tensor(value)
    return convert_to_tensor(np.int64(value), dtype=dtypes.int64, name=what)

