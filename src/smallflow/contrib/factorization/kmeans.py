"""``tf.contrib.factorization.KMeans``: the graph of k-means clustering.

``KMeans(inputs, num_clusters, ...).training_graph()`` builds, as TensorFlow 1.x does:
the cluster centers as a variable of unknown shape (``clusters``, empty until ``init_op``
fills it), a bool variable ``initialized``, an ``init_op`` that chooses the initial centers
(randomly from the inputs, by k-means++, by k-MC2, from a function or from given values;
run it again while ``initialized`` is false when one batch is too small), and a
``training_op`` that runs one Lloyd iteration (full batch) or one mini-batch update (each
center moves toward the mean of its new points with step ``1 / count``, counts starting
at 1). With ``mini_batch_steps_per_iteration > 1`` the updates go to a second copy of the
centers that is copied back every that many steps.

contrib's ``training_graph`` returns seven values: ``(all_scores, cluster_idx, scores,
cluster_centers_initialized, cluster_centers_var, init_op, training_op)``; the first three
are tuples with one entry per input tensor (hence the ``cluster_idx[0]`` in TF1 programs).
The cosine distance is ``1 - cos`` in ``all_scores`` and half of it in ``scores``, as in
TensorFlow (where ``scores`` comes from the squared-Euclidean nearest-neighbour kernel on
unit vectors).
"""

from ... import dtypes
from ...graph import control_dependencies, convert_to_tensor
from ...ops import array_ops, control_flow_ops, math_ops
from ...ops.array_extra_ops import unique
from ...ops.clustering_ops import (
    kmc2_chain_initialization,
    kmeans_plus_plus_initialization,
    nearest_neighbors,
)
from ...ops.constant_op import placeholder_with_default
from ...ops.debug_ops import assert_equal, assert_greater_equal, assert_positive
from ...ops.nn_extra_ops import embedding_lookup, l2_normalize
from ...ops.random_ops import get_seed, random_uniform
from ...ops.scatter_ops import assign, assign_sub, scatter_add
from ...variables import Variable

__all__ = ["KMeans", "COSINE_DISTANCE", "KMC2_INIT", "KMEANS_PLUS_PLUS_INIT", "RANDOM_INIT",
           "SQUARED_EUCLIDEAN_DISTANCE", "CLUSTERS_VAR_NAME"]

SQUARED_EUCLIDEAN_DISTANCE = "squared_euclidean"
COSINE_DISTANCE = "cosine"
RANDOM_INIT = "random"
KMEANS_PLUS_PLUS_INIT = "kmeans_plus_plus"
KMC2_INIT = "kmc2"
CLUSTERS_VAR_NAME = "clusters"

_INIT_ALGORITHMS = (RANDOM_INIT, KMEANS_PLUS_PLUS_INIT, KMC2_INIT)
_METRICS = (SQUARED_EUCLIDEAN_DISTANCE, COSINE_DISTANCE)


class KMeans:
    """Creates the graph for k-means clustering (see the module docstring)."""

    def __init__(self, inputs, num_clusters, initial_clusters=RANDOM_INIT,
                 distance_metric=SQUARED_EUCLIDEAN_DISTANCE, use_mini_batch=False,
                 mini_batch_steps_per_iteration=1, random_seed=0,
                 kmeans_plus_plus_num_retries=2, kmc2_chain_length=200):
        if isinstance(initial_clusters, str) and initial_clusters not in _INIT_ALGORITHMS:
            raise ValueError(f"Unsupported initialization algorithm '{initial_clusters}', "
                             f"must be one of: {list(_INIT_ALGORITHMS)}")
        if distance_metric not in _METRICS:
            raise ValueError(f"Unsupported distance metric '{distance_metric}', must be one "
                             f"of: {list(_METRICS)}")
        self._inputs = list(inputs) if isinstance(inputs, list) else [inputs]
        self._inputs = [convert_to_tensor(x, name="inputs") for x in self._inputs]
        self._num_clusters = num_clusters
        self._initial_clusters = initial_clusters
        self._distance_metric = distance_metric
        self._use_mini_batch = use_mini_batch
        self._mini_batch_steps_per_iteration = int(mini_batch_steps_per_iteration)
        # The graph-level seed when there is one, as TensorFlow's get_seed gives.
        self._seed = get_seed(random_seed)[0]
        self._kmeans_plus_plus_num_retries = kmeans_plus_plus_num_retries
        self._kmc2_chain_length = kmc2_chain_length

    # -- distances ------------------------------------------------------------------------

    @classmethod
    def _distance_graph(cls, inputs, clusters, distance_metric):
        if distance_metric == SQUARED_EUCLIDEAN_DISTANCE:
            return cls._compute_euclidean_distance(inputs, clusters)
        return cls._compute_cosine_distance(inputs, clusters, inputs_normalized=True)

    @classmethod
    def _compute_euclidean_distance(cls, inputs, clusters):
        out = []
        for inp in inputs:
            # |x|^2 - 2 x.c + |c|^2, broadcast over the [points, clusters] matrix
            out.append(math_ops.reduce_sum(math_ops.square(inp), 1, keepdims=True)
                       - 2 * math_ops.matmul(inp, clusters, transpose_b=True)
                       + array_ops.transpose(math_ops.reduce_sum(math_ops.square(clusters), 1,
                                                                 keepdims=True)))
        return out

    @classmethod
    def _compute_cosine_distance(cls, inputs, clusters, inputs_normalized=True):
        if not inputs_normalized:
            clusters = l2_normalize(clusters, axis=1)
        out = []
        for inp in inputs:
            if not inputs_normalized:
                inp = l2_normalize(inp, axis=1)
            out.append(1 - math_ops.matmul(inp, clusters, transpose_b=True))
        return out

    def _clusters_l2_normalized(self):
        """Whether the stored centers stay unit vectors (cosine, except plain mini-batch)."""
        return self._distance_metric == COSINE_DISTANCE and (
            not self._use_mini_batch or self._mini_batch_steps_per_iteration > 1)

    def _infer_graph(self, inputs, clusters):
        """Per input: (distances to every center, distance to the nearest, its index)."""
        scores = self._distance_graph(inputs, clusters, self._distance_metric)
        if self._distance_metric == COSINE_DISTANCE and not self._clusters_l2_normalized():
            clusters = l2_normalize(clusters, axis=1)
        out = []
        for inp, score in zip(inputs, scores):
            indices, distances = nearest_neighbors(inp, clusters, 1)
            if self._distance_metric == COSINE_DISTANCE:
                # |x - c|^2 = 2 (1 - cos) for unit vectors
                distances = distances * 0.5
            out.append((score, array_ops.squeeze(distances, [-1]),
                        array_ops.squeeze(indices, [-1])))
        return tuple(zip(*out))

    # -- variables ------------------------------------------------------------------------

    def _create_variables(self, num_clusters):
        empty = placeholder_with_default([], shape=None)
        centers = Variable(empty, name=CLUSTERS_VAR_NAME, validate_shape=False)
        initialized = Variable(False, dtype=dtypes.bool, name="initialized")
        if self._use_mini_batch and self._mini_batch_steps_per_iteration > 1:
            updated = Variable(empty, name="clusters_updated", validate_shape=False)
            update_in_steps = Variable(self._mini_batch_steps_per_iteration,
                                       dtype=dtypes.int64, name="update_in_steps")
            counts = Variable(array_ops.zeros([num_clusters], dtype=dtypes.int64))
        else:
            updated, update_in_steps = centers, None
            counts = (Variable(array_ops.ones([num_clusters], dtype=dtypes.int64))
                      if self._use_mini_batch else None)
        return centers, initialized, counts, updated, update_in_steps

    @classmethod
    def _l2_normalize_data(cls, inputs):
        return [l2_normalize(inp, axis=1) for inp in inputs]

    # -- the training graph ---------------------------------------------------------------

    def training_graph(self):
        """``(all_scores, cluster_idx, scores, cluster_centers_initialized,
        cluster_centers_var, init_op, training_op)``."""
        if isinstance(self._initial_clusters, str) or callable(self._initial_clusters):
            initial_clusters = self._initial_clusters
            num_clusters = convert_to_tensor(self._num_clusters)
        else:
            initial_clusters = convert_to_tensor(self._initial_clusters)
            num_clusters = array_ops.shape(initial_clusters)[0]
        centers_var, initialized, counts, updated, update_in_steps = (
            self._create_variables(num_clusters))
        init_op = _InitializeClustersOpFactory(
            self._inputs, num_clusters, initial_clusters, self._distance_metric, self._seed,
            self._kmeans_plus_plus_num_retries, self._kmc2_chain_length, centers_var,
            updated, initialized).op()
        inputs, centers = self._inputs, centers_var
        if self._distance_metric == COSINE_DISTANCE:
            inputs = self._l2_normalize_data(inputs)
            if not self._clusters_l2_normalized():
                centers = l2_normalize(centers, axis=1)
        all_scores, scores, cluster_idx = self._infer_graph(inputs, centers)
        if self._use_mini_batch:
            sync = self._mini_batch_sync_updates_op(update_in_steps, centers_var, updated,
                                                    counts)
            with control_dependencies([sync]):
                training_op = self._mini_batch_training_op(inputs, cluster_idx, updated,
                                                           counts)
        else:
            training_op = self._full_batch_training_op(inputs, num_clusters, cluster_idx,
                                                       centers_var)
        return (all_scores, cluster_idx, scores, initialized, centers_var, init_op,
                training_op)

    def _mini_batch_sync_updates_op(self, update_in_steps, centers_var, updated, counts):
        if not (self._use_mini_batch and self._mini_batch_steps_per_iteration > 1):
            return control_flow_ops.no_op()

        def copy_back():
            restart = assign(update_in_steps,
                                       self._mini_batch_steps_per_iteration - 1)
            with control_dependencies([restart]):
                source = (l2_normalize(updated, axis=1)
                          if self._distance_metric == COSINE_DISTANCE else updated)
                with control_dependencies([assign(centers_var, source)]), \
                        control_dependencies([assign(counts, array_ops.zeros_like(counts))]):
                    return array_ops.identity(update_in_steps)

        return control_flow_ops.cond(update_in_steps <= 0, copy_back,
                                     lambda: assign_sub(update_in_steps, 1))

    def _mini_batch_training_op(self, inputs, cluster_idx_list, centers, counts):
        updates = []
        for inp, cluster_idx in zip(inputs, cluster_idx_list):
            cluster_idx = array_ops.reshape(cluster_idx, [-1])
            # One update per distinct center: x += (sum of its points - k x) / (n + k).
            ids, position = unique(cluster_idx)
            num_ids = array_ops.size(ids)
            old_counts = array_ops.gather(counts, ids)
            old_centers = array_ops.gather(centers, ids)
            new_counts = math_ops.unsorted_segment_sum(
                array_ops.ones_like(position, dtype=counts.dtype.base_dtype), position,
                num_ids)
            moves = math_ops.unsorted_segment_sum(inp, position, num_ids)
            column = array_ops.concat(
                [array_ops.reshape(num_ids, [1]),
                 array_ops.ones(array_ops.reshape(array_ops.rank(inp) - 1, [1]),
                                dtype=dtypes.int32)], 0)
            moves -= math_ops.cast(array_ops.reshape(new_counts, column),
                                   inp.dtype) * old_centers
            rate = math_ops.reciprocal(math_ops.cast(old_counts + new_counts, inp.dtype))
            moves *= array_ops.reshape(rate, column)
            # The old counts and centers must be read before either is updated (TensorFlow
            # leaves the order to its executor, which reads them first in practice).
            with control_dependencies([moves]):
                updates.append(scatter_add(counts, ids, new_counts))
            updates.append(scatter_add(centers, ids, moves))
        return control_flow_ops.group(*updates)

    def _full_batch_training_op(self, inputs, num_clusters, cluster_idx_list, centers):
        sums, sizes = [], []
        epsilon = convert_to_tensor(1e-6, dtype=inputs[0].dtype)
        for inp, cluster_idx in zip(inputs, cluster_idx_list):
            sums.append(math_ops.unsorted_segment_sum(inp, cluster_idx, num_clusters))
            ones = array_ops.reshape(
                array_ops.ones(array_ops.reshape(array_ops.shape(inp)[0], [-1])), [-1, 1])
            sizes.append(math_ops.unsorted_segment_sum(ones, cluster_idx, num_clusters))
        new_centers = math_ops.add_n(sums) / (
            math_ops.cast(math_ops.add_n(sizes), sums[0].dtype) + epsilon)
        if self._clusters_l2_normalized():
            new_centers = l2_normalize(new_centers, axis=1)
        return assign(centers, new_centers)


class _InitializeClustersOpFactory:
    """Builds ``init_op``: while fewer than ``num_clusters`` centers are chosen, add up to
    the number missing from this batch; set ``initialized`` once all are there. Running it
    when all are chosen only asserts ``initialized``."""

    def __init__(self, inputs, num_clusters, initial_clusters, distance_metric, seed,
                 kmeans_plus_plus_num_retries, kmc2_chain_length, centers, updated,
                 initialized):
        self._inputs = inputs
        self._num_clusters = num_clusters
        self._initial_clusters = initial_clusters
        self._distance_metric = distance_metric
        self._seed = seed
        self._retries = kmeans_plus_plus_num_retries
        self._kmc2_chain_length = kmc2_chain_length
        self._centers = centers
        self._updated = updated
        self._initialized = initialized
        self._num_selected = array_ops.shape(centers)[0]
        self._num_remaining = num_clusters - self._num_selected
        self._num_data = math_ops.add_n([array_ops.shape(i)[0] for i in inputs])

    def _random(self):
        indices = random_uniform(array_ops.reshape(self._num_remaining, [-1]), minval=0,
                                 maxval=math_ops.cast(self._num_data, dtypes.int64),
                                 seed=self._seed, dtype=dtypes.int64)
        return embedding_lookup(self._inputs, indices, partition_strategy="div")

    def _kmeans_plus_plus(self):
        inp = self._inputs[0]
        if self._distance_metric == COSINE_DISTANCE:
            inp = l2_normalize(inp, axis=1)
        return kmeans_plus_plus_initialization(
            inp, math_ops.cast(self._num_remaining, dtypes.int64), self._seed, self._retries)

    def _kmc2_multiple_centers(self):
        """One new center per chain of ``kmc2_chain_length`` points of the first input
        (the first center: its first point); returns the number still missing."""
        first = self._inputs[0]
        batch = array_ops.shape(first)[0]
        most = math_ops.cast(batch / self._kmc2_chain_length, dtype=dtypes.int32)
        to_sample = math_ops.maximum(math_ops.minimum(self._num_remaining, most), 1)

        def body(i, _):
            def first_point():
                center = array_ops.reshape(first[0], [1, -1])
                return (l2_normalize(center, axis=1)
                        if self._distance_metric == COSINE_DISTANCE else center)

            def chain():
                start = i * self._kmc2_chain_length
                subset = first[start:start + self._kmc2_chain_length]
                _, distances = nearest_neighbors(subset, self._centers, 1)
                index = kmc2_chain_initialization(array_ops.squeeze(distances), self._seed)
                center = array_ops.reshape(array_ops.gather(subset, index), [1, -1])
                if self._distance_metric == COSINE_DISTANCE:
                    center = l2_normalize(center, axis=1)
                return array_ops.concat([self._centers, center], 0)

            chosen = control_flow_ops.cond(math_ops.equal(self._num_selected, 0),
                                           first_point, chain)
            assigned = assign(self._centers, chosen, validate_shape=False)
            if self._updated is not self._centers:
                assigned = assign(self._updated, assigned, validate_shape=False)
            return i + 1, self._num_clusters - array_ops.shape(assigned)[0]

        _, remaining = control_flow_ops.while_loop(lambda i, _: math_ops.less(i, to_sample),
                                                   body, [0, 0])
        return remaining

    def _choose_initial_centers(self):
        init = self._initial_clusters
        if isinstance(init, str):
            if init == RANDOM_INIT:
                # a batch no larger than the number missing is taken whole
                return control_flow_ops.cond(self._num_data <= self._num_remaining,
                                             lambda: array_ops.concat(self._inputs, 0),
                                             self._random)
            with control_dependencies([assert_greater_equal(self._num_data,
                                                            self._num_remaining)]):
                return self._kmeans_plus_plus()
        if callable(init):
            return init(self._inputs, self._num_remaining)
        with control_dependencies([assert_equal(self._num_remaining,
                                                array_ops.shape(init)[0])]):
            return array_ops.identity(init)

    def _add_new_centers(self):
        new = self._choose_initial_centers()
        if self._distance_metric == COSINE_DISTANCE:
            new = l2_normalize(new, axis=1)
        everything = control_flow_ops.cond(
            math_ops.equal(self._num_selected, 0), lambda: new,
            lambda: array_ops.concat([self._centers, new], 0))
        assigned = assign(self._centers, everything, validate_shape=False)
        if self._updated is not self._centers:
            assigned = assign(self._updated, assigned, validate_shape=False)
        return self._num_clusters - array_ops.shape(assigned)[0]

    def _initialize(self):
        with control_dependencies([assert_positive(self._num_remaining)]):
            if self._initial_clusters == KMC2_INIT:
                remaining = self._kmc2_multiple_centers()
            else:
                remaining = self._add_new_centers()
            return control_flow_ops.cond(
                math_ops.equal(remaining, 0),
                lambda: assign(self._initialized, True), control_flow_ops.no_op)

    def op(self):
        return control_flow_ops.cond(
            math_ops.equal(self._num_remaining, 0),
            lambda: assert_equal(self._initialized, True), self._initialize)


