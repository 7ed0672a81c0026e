"""Oracle cases from session 6's sweep (aymericdamien/TensorFlow-Examples): k-means
(``tf.contrib.factorization.KMeans``, TensorFlow's ``clustering_ops.KMeans`` in 2.x) and the
nearest-neighbour kernel under it, compared with TensorFlow.

Same rules as cases.py: each build is a function of ``tf`` and ``np`` only. TensorFlow 2 has
no ``tf.contrib``; its KMeans is the same graph builder under ``tensorflow.python.ops``,
returning six values (contrib's seventh, the centers variable, is found by name there).
"""

from cases import Case

# Three groups near the origin, so squared distances are not small differences of large
# norms (float32 cancellation would differ with the order of the sums).
_POINTS = [[1.0, 0.1], [1.2, -0.2], [-1.0, 0.3], [-0.8, -0.1], [0.1, 1.1], [-0.2, 0.9],
           [0.9, 0.2], [-1.1, -0.2]]
_START = [[0.5, 0.5], [-0.5, -0.5], [0.0, 2.0]]


def _kmeans_class(tf):
    if tf.__name__.startswith("tensorflow"):
        from tensorflow.python.ops.clustering_ops import KMeans
        return KMeans
    from smallflow.contrib.factorization import KMeans
    return KMeans


def _training_graph(tf, km):
    built = km.training_graph()
    if len(built) == 7:  # contrib's form
        all_scores, idx, scores, initialized, centers, init_op, train_op = built
    else:
        all_scores, idx, scores, initialized, init_op, train_op = built
        centers = [v for v in tf.global_variables() if v.op.name == "clusters"][0]
    return all_scores, idx, scores, initialized, centers, init_op, train_op


def _kmeans(tf, np, metric, mini_batch, steps_per_iteration=1, no_step=False,
            first_step=False):
    points = tf.constant(np.array(_POINTS, np.float32))
    km = _kmeans_class(tf)(points, 3, initial_clusters=np.array(_START, np.float32),
                           distance_metric=metric, use_mini_batch=mini_batch,
                           mini_batch_steps_per_iteration=steps_per_iteration)
    all_scores, idx, scores, initialized, centers, init_op, train_op = _training_graph(tf, km)
    with tf.control_dependencies([train_op]):
        after = tf.identity(centers.read_value() if hasattr(centers, "read_value")
                            else centers)
    if no_step:  # all_scores reads the centers unordered with a step's update
        return {"all_scores": all_scores[0]}, {}, [init_op]
    fetches = {"idx": idx[0], "scores": scores[0], "initialized": tf.identity(initialized)}
    if not first_step:
        fetches["centers_after_step"] = after
    return fetches, {}, [init_op]


def _kernels(tf):
    if tf.__name__.startswith("tensorflow"):
        from tensorflow.python.ops import gen_clustering_ops
        return gen_clustering_ops
    from smallflow.ops import clustering_ops
    return clustering_ops


def _samplers(tf, np, which):
    # The samplers draw from the seed (Philox in TensorFlow): only inputs whose answer does
    # not depend on the draws are compared (equal points; one candidate with a distance).
    kernels = _kernels(tf)
    if which == "kmc2":
        return {"index": kernels.kmc2_chain_initialization(
            tf.constant([0.0, 0.0, 5.0, 0.0]), tf.constant(3, tf.int64))}
    points = tf.constant(np.array([[1.0, 2.0]] * 3, np.float32))
    count = {"kmeans_pp": 2, "kmeans_pp_too_many": 4}[which]
    return {"samples": kernels.kmeans_plus_plus_initialization(
        points, tf.constant(count, tf.int64), tf.constant(5, tf.int64),
        tf.constant(-1, tf.int64))}


def _nearest(tf, np, k):
    nearest_neighbors = _kernels(tf).nearest_neighbors
    points = tf.constant(np.array(_POINTS, np.float32))
    centers = tf.constant(np.array(_START + [[0.0, 0.0]], np.float32))
    indices, distances = nearest_neighbors(points, centers, tf.constant(k, tf.int64))
    return {"indices": indices, "distances": distances}


# Mini-batch k-means reads each center's old count unordered with the update of the counts
# in TensorFlow's graph: its executor may read either value (a race; both were seen here), so
# only the first step's assignments are compared for it; tests/test_compat_sweep_session6.py
# checks the documented update (old count n, k new points: x += (sum - k x) / (n + k)).
SWEEP_SESSION6_CASES = [
    *[Case(f"sweep_s6/kmeans_{metric}_full", lambda tf, np, m=metric: _kmeans(tf, np, m, False),
           runs=3, init=True, rtol=1e-4)
      for metric in ("squared_euclidean", "cosine")],
    *[Case(f"sweep_s6/kmeans_{metric}_mini{steps}",
           lambda tf, np, m=metric, s=steps: _kmeans(tf, np, m, True, s, first_step=True),
           runs=1, init=True, rtol=1e-4)
      for metric in ("squared_euclidean", "cosine") for steps in (1, 2)],
    *[Case(f"sweep_s6/kmeans_{metric}_all_scores",
           lambda tf, np, m=metric: _kmeans(tf, np, m, False, no_step=True), rtol=1e-4,
           init=True)
      for metric in ("squared_euclidean", "cosine")],
    *[Case(f"sweep_s6/{w}", lambda tf, np, w=w: _samplers(tf, np, w))
      for w in ("kmc2", "kmeans_pp", "kmeans_pp_too_many")],
    *[Case(f"sweep_s6/nearest_neighbors_k{k}", lambda tf, np, k=k: _nearest(tf, np, k))
      for k in (1, 2, 4, 9)],
]
