"""The batch learner of TensorFlow 1.15's ``tf.contrib.boosted_trees`` (GTFlow), in NumPy.

Each training step brings a batch of float features, the node (partition) each example reaches
in the tree being grown, and the gradients and hessians of the loss with respect to the logits.
With the bucket boundaries of the previous window, the examples' statistics are summed per
(feature, partition, bucket); the batch's feature values join a weighted quantile summary (the
weights are the hessians) for the next window's boundaries. Once ``examples_per_layer``
examples are in, the window closes: each partition's best split per feature is the boundary
whose two sides lower the second-order loss most (``node_stats``: TensorFlow's per-strategy
weights and gains), the best feature wins per partition, the tree grows one layer (children's
leaves add to the parent's in ``LAYER_BY_LAYER`` mode), a tree reaching ``max_tree_depth`` is
finalized (and post-pruned), and new boundaries are made. A tree's weight is the learning rate;
its leaves hold the raw Newton steps. With ``center_bias`` the first windows fit a bias tree.

The arithmetic of TensorFlow's kernels is float32; here the sums are float64, and the bucket
boundaries are exact weighted quantiles where TensorFlow uses an epsilon-approximate sketch.
The ensemble and the handlers' state are byte strings (the estimator keeps them in string
variables, so checkpoints carry them).
"""

import base64
import io
import json

import numpy as np

from ...estimator.boosted_trees_core import _weight_and_gain

__all__ = ["Ensemble", "HandlerState", "node_stats", "find_splits", "quantile_boundaries"]

TREE_PER_CLASS, FULL_HESSIAN, DIAGONAL_HESSIAN = 1, 2, 3
WHOLE_TREE, LAYER_BY_LAYER = 1, 2
PRE_PRUNE, POST_PRUNE = 1, 2
_F32 = np.float32
_ALMOST_ZERO = 1e-6  # TensorFlow's kEps: statistics whose L2 norms are below are empty
_CENTERING_EPSILON = 0.01
_NODE_SPAN = 1 << 24
_BUCKET_SPAN = 1 << 16


# -- node statistics ---------------------------------------------------------------------------


def node_stats(g, h, strategy, l1, l2, min_node_weight):
    """Leaf weights ``[N, D]``, gains ``[N]`` and whether each leaf is well formed, for ``N``
    nodes' summed gradients ``g`` (``[N]`` or ``[N, D]``) and hessians (``[N]``, ``[N, D]`` or
    ``[N, D, D]``), as TensorFlow's ``NodeStats``: one class (``TREE_PER_CLASS``) takes l1 and
    l2, the vector strategies l2 only; a node with almost zero statistics or too little hessian
    weight has no weight (the vector strategies then have no leaf at all)."""
    g = np.asarray(g, np.float64)
    h = np.asarray(h, np.float64)
    n = g.shape[0]
    flat_g = g.reshape(n, -1)
    flat_h = h.reshape(n, -1)
    almost_zero = ((np.sum(flat_g * flat_g, axis=1) <= _ALMOST_ZERO ** 2)
                   & (np.sum(flat_h * flat_h, axis=1) <= _ALMOST_ZERO ** 2))
    if strategy == TREE_PER_CLASS:
        empty = almost_zero | (h <= min_node_weight)
        weight, gain = _weight_and_gain(g.astype(_F32), h.astype(_F32), l1, l2)
        weight = np.where(empty, _F32(0), weight).astype(_F32)
        gain = np.where(empty, _F32(0), gain).astype(_F32)
        return weight.reshape(n, 1), gain, np.ones(n, bool)
    empty = almost_zero | (np.sqrt(np.sum(flat_h * flat_h, axis=1)) <= min_node_weight)
    dim = g.shape[1]
    if strategy == DIAGONAL_HESSIAN:
        regularized = h + l2
        safe = np.where(regularized == 0, 1.0, regularized)
        # A zero diagonal entry has no solution; TensorFlow's pivoted QR leaves it at zero.
        weight = np.where(regularized == 0, 0.0, -g / safe)
    else:
        regularized = h + l2 * np.eye(dim)
        weight = np.empty_like(g)
        for i in range(n):
            if empty[i]:
                weight[i] = 0.0
                continue
            try:
                weight[i] = -np.linalg.solve(regularized[i], g[i])
            except np.linalg.LinAlgError:
                weight[i] = -np.linalg.lstsq(regularized[i], g[i], rcond=None)[0]
    gain = np.sum(-g * weight, axis=1)
    weight = np.where(empty[:, None], 0.0, weight).astype(_F32)
    gain = np.where(empty, 0.0, gain).astype(_F32)
    return weight, gain, ~empty


# -- statistics per (feature, partition, bucket) --------------------------------------------------


def bucketize(values, boundaries):
    """TensorFlow's ``Quantiles`` op: the first boundary not below the value (the last one for
    values above them all)."""
    bucket = np.searchsorted(boundaries, values, side="left")
    return np.minimum(bucket, len(boundaries) - 1)


def aggregate(features, boundaries, first, last, partitions, g, h):
    """Sums of ``g``, ``h`` per (feature, partition, bucket) for features ``[first, last)``:
    sorted unique int64 keys and float64 sums (one row per key)."""
    batch = features.shape[0]
    keys = []
    for f in range(first, last):
        bounds = boundaries[f]
        if len(bounds) == 0:
            keys.append(np.full(batch, -1, np.int64))
            continue
        bucket = bucketize(features[:, f], bounds).astype(np.int64)
        keys.append((f * _NODE_SPAN + partitions) * _BUCKET_SPAN + bucket)
    keys = np.stack(keys, axis=1).reshape(-1)  # example-major: entry e * width + j
    order = np.argsort(keys, kind="stable")
    order = order[keys[order] >= 0]
    sorted_keys = keys[order]
    if len(sorted_keys) == 0:
        return _empty_stats(g, h)
    starts = np.concatenate([[0], np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1])
    examples = order // (last - first)
    g_sum = np.add.reduceat(np.asarray(g, np.float64)[examples], starts, axis=0)
    h_sum = np.add.reduceat(np.asarray(h, np.float64)[examples], starts, axis=0)
    return sorted_keys[starts], g_sum, h_sum


def _empty_stats(g, h):
    return (np.zeros(0, np.int64), np.zeros((0,) + np.shape(g)[1:]),
            np.zeros((0,) + np.shape(h)[1:]))


def merge(stats, more):
    """Adds two sets of aggregated statistics."""
    keys = np.concatenate([stats[0], more[0]])
    if len(stats[0]) == 0:
        return more
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    starts = np.concatenate([[0], np.flatnonzero(keys[1:] != keys[:-1]) + 1])
    g = np.add.reduceat(np.concatenate([stats[1], more[1]])[order], starts, axis=0)
    h = np.add.reduceat(np.concatenate([stats[2], more[2]])[order], starts, axis=0)
    return keys[starts], g, h


def find_splits(stats, boundaries, num_minibatches, config):
    """Each (feature, partition)'s best split, as TensorFlow's ``BuildDenseInequalitySplits``:
    the statistics are averaged over the window's minibatches, the present buckets of a
    partition are tried in order (left: buckets up to and including it), and the first of the
    largest ``left gain + right gain`` wins; the split's gain is that minus the partition's own
    gain and the tree complexity. Returns a dict of arrays (one entry per candidate)."""
    keys, g, h = stats
    if len(keys) == 0:
        return None
    ratio = 1.0 / num_minibatches
    g = g * ratio
    h = h * ratio
    segment_keys = keys // _BUCKET_SPAN
    starts = np.concatenate([[0], np.flatnonzero(segment_keys[1:] != segment_keys[:-1]) + 1])
    lengths = np.diff(np.append(starts, len(keys)))
    segment_of = np.repeat(np.arange(len(starts)), lengths)
    root_g = np.add.reduceat(g, starts, axis=0)
    root_h = np.add.reduceat(h, starts, axis=0)
    left_g = np.cumsum(g, axis=0)
    left_h = np.cumsum(h, axis=0)
    before = np.concatenate([np.zeros((1,) + g.shape[1:]), left_g[:-1]])[starts]
    before_h = np.concatenate([np.zeros((1,) + h.shape[1:]), left_h[:-1]])[starts]
    left_g = left_g - before[segment_of]
    left_h = left_h - before_h[segment_of]
    right_g = (root_g[segment_of] - left_g).astype(_F32)
    right_h = (root_h[segment_of] - left_h).astype(_F32)
    args = (config["strategy"], config["l1"], config["l2"], config["min_node_weight"])
    left_w, left_gain, left_ok = node_stats(left_g.astype(_F32), left_h.astype(_F32), *args)
    right_w, right_gain, right_ok = node_stats(right_g, right_h, *args)
    _, root_gain, _ = node_stats(root_g.astype(_F32), root_h.astype(_F32), *args)
    total = (left_gain + right_gain).astype(_F32)
    best_total = np.maximum.reduceat(total, starts)
    index = np.arange(len(keys))
    best = np.minimum.reduceat(np.where(total == best_total[segment_of], index, len(keys)),
                               starts)
    features = (segment_keys[starts] // _NODE_SPAN).astype(np.int64)
    buckets = keys[best] % _BUCKET_SPAN
    thresholds = np.array([boundaries[f][b] for f, b in zip(features, buckets, strict=True)],
                          _F32)
    gains = (best_total - root_gain - _F32(config["tree_complexity"])).astype(_F32)
    return {"feature": features, "partition": segment_keys[starts] % _NODE_SPAN,
            "gain": gains, "threshold": thresholds, "left": left_w[best],
            "right": right_w[best], "valid": left_ok[best] & right_ok[best]}


# -- quantiles -------------------------------------------------------------------------------


def summarize(values, weights, cap):
    """A weighted summary of one feature: unique values with summed weights (entries of weight
    0 or less are dropped), merged into at most ``cap`` equal-weight entries (each keeps its
    largest value) when there are more."""
    keep = weights > 0
    values = np.asarray(values, _F32)[keep]
    weights = np.asarray(weights, np.float64)[keep]
    if len(values) == 0:
        return values, weights
    unique, inverse = np.unique(values, return_inverse=True)
    summed = np.bincount(inverse, weights=weights, minlength=len(unique))
    if len(unique) > cap:
        cumulative = np.cumsum(summed)
        bins = np.minimum((cumulative - summed) / cumulative[-1] * cap, cap - 1).astype(np.int64)
        last = np.append(np.flatnonzero(bins[1:] != bins[:-1]), len(bins) - 1)
        summed = np.diff(np.concatenate([[0.0], cumulative[last]]))
        unique = unique[last]
    return unique, summed


def quantile_boundaries(values, weights, num_quantiles):
    """Bucket boundaries from a weighted summary: the values at weighted ranks ``k /
    num_quantiles`` (k = 0..num_quantiles, so the minimum and maximum are in), deduplicated."""
    if len(values) == 0:
        return np.zeros(0, _F32)
    cumulative = np.cumsum(weights)
    targets = cumulative[-1] * np.arange(num_quantiles + 1) / num_quantiles
    index = np.minimum(np.searchsorted(cumulative, targets * (1 - 1e-12), side="left"),
                       len(values) - 1)
    return np.unique(np.asarray(values, _F32)[index])


# -- serialization ---------------------------------------------------------------------------


def _arrays_to_bytes(arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _bytes_to_arrays(data):
    with np.load(io.BytesIO(data), allow_pickle=False) as loaded:
        return {key: loaded[key] for key in loaded.files}


def _as_bytes(data):
    if isinstance(data, np.ndarray):
        data = data.item()
    if isinstance(data, str):
        data = data.encode()
    return data or b""


# -- the ensemble ------------------------------------------------------------------------------


class Ensemble:
    """Trees (arrays per node: ``feature`` (-1 for a leaf), ``threshold``, ``left``,
    ``right``, ``gain``, ``value`` ``[nodes, D]``: the leaf, or a split node's original leaf),
    their weights and growing metadata, as TensorFlow's ``DecisionTreeEnsembleConfig``."""

    def __init__(self, dimension):
        self.dimension = dimension
        self.trees = []
        self.weights = []
        self.layers_grown = []
        self.finalized = []
        self.trees_attempted = 0
        self.layers_attempted = 0

    def to_bytes(self):
        head = {"dimension": self.dimension, "weights": self.weights,
                "layers_grown": self.layers_grown, "finalized": self.finalized,
                "trees_attempted": self.trees_attempted,
                "layers_attempted": self.layers_attempted, "trees": []}
        for tree in self.trees:
            head["trees"].append({key: [str(value.dtype), list(value.shape),
                                        base64.b64encode(value.tobytes()).decode()]
                                  for key, value in tree.items()})
        return json.dumps(head, separators=(",", ":")).encode()

    @classmethod
    def from_bytes(cls, data, dimension):
        data = _as_bytes(data)
        ensemble = cls(dimension)
        if not data:
            return ensemble
        head = json.loads(data.decode())
        for key in ("dimension", "weights", "layers_grown", "finalized", "trees_attempted",
                    "layers_attempted"):
            setattr(ensemble, key, head[key])
        for tree in head["trees"]:
            ensemble.trees.append({key: np.frombuffer(base64.b64decode(text), dtype=dtype)
                                   .reshape(shape).copy()
                                   for key, (dtype, shape, text) in tree.items()})
        return ensemble

    # -- reading -----------------------------------------------------------------------------

    def stats(self):
        """``(num_trees, active_tree, attempted_trees, num_layers, active_layer,
        attempted_layers)`` as ``TreeEnsembleStats``: a tree still growing is not counted."""
        count = len(self.trees)
        finished = count if count == 0 or self.finalized[-1] else count - 1
        active_layer = self.layers_grown[-1] if count else 0
        return (finished, count, self.trees_attempted, int(sum(self.layers_grown)),
                active_layer, self.layers_attempted)

    @staticmethod
    def _leaves(tree, features):
        node = np.zeros(features.shape[0], np.int64)
        rows = np.arange(features.shape[0])
        while True:
            feature = tree["feature"][node]
            split = feature >= 0
            if not split.any():
                return node
            at = rows[split]
            here = node[split]
            left = features[at, feature[split]] <= tree["threshold"][here]
            node[split] = np.where(left, tree["left"][here], tree["right"][here])

    def predict(self, features, only_finalized=False):
        """Logits ``[batch, D]``: the sum of each tree's weight times its leaf (trees still
        growing are left out when ``only_finalized``, TensorFlow's ``WHOLE_TREE`` rule)."""
        features = np.asarray(features, _F32)
        logits = np.zeros((features.shape[0], self.dimension), _F32)
        for tree, weight, finalized in zip(self.trees, self.weights, self.finalized,
                                           strict=True):
            if only_finalized and not finalized:
                continue
            leaves = self._leaves(tree, features)
            logits += (_F32(weight) * tree["value"][leaves]).astype(_F32)
        return logits

    def partitions(self, features):
        """The node each example reaches in the tree being grown (0 when none is)."""
        if not self.trees or self.finalized[-1]:
            return np.zeros(np.shape(features)[0], np.int32)
        return self._leaves(self.trees[-1], np.asarray(features, _F32)).astype(np.int32)

    # -- growing -----------------------------------------------------------------------------

    def _increment_attempts(self):
        self.layers_attempted += 1
        if not self.trees or self.finalized[-1]:
            self.trees_attempted += 1

    def _add_tree(self, weight, finalized):
        zeros = np.zeros(1)
        self.trees.append({"feature": np.full(1, -1, np.int32), "threshold": zeros.astype(_F32),
                           "left": np.zeros(1, np.int32), "right": np.zeros(1, np.int32),
                           "gain": zeros.astype(_F32),
                           "value": np.zeros((1, self.dimension), _F32)})
        self.weights.append(float(_F32(weight)))
        self.layers_grown.append(1)
        self.finalized.append(bool(finalized))

    def center_bias(self, delta):
        """Adds ``delta`` to the bias tree (made on first use); returns whether centering goes
        on (the update's L1 norm above 0.01), finalizing the bias tree when it stops."""
        if not self.trees:
            self._increment_attempts()
            self._add_tree(1.0, False)
        elif len(self.trees) > 1 or len(self.trees[0]["feature"]) != 1:
            raise ValueError("Unable to center bias on an already grown ensemble")
        value = self.trees[0]["value"]
        value[0] = (value[0] + np.asarray(delta, _F32)).astype(_F32)
        keep_going = bool(np.sum(np.abs(np.asarray(delta, _F32))) > _CENTERING_EPSILON)
        if not keep_going:
            self.finalized[-1] = True
        return keep_going

    def grow(self, candidates, learning_rate, config):
        """One ``GrowTreeEnsemble``: the best candidate per partition (pre-pruning drops
        negative gains, half-empty splits are skipped, equal gains go to the later feature)
        splits that node of the growing tree (a new one, of weight ``learning_rate``, when the
        last is finalized)."""
        self._increment_attempts()
        if candidates is None:
            return
        keep = candidates["valid"].copy()
        if config["pruning_mode"] == PRE_PRUNE:
            keep &= candidates["gain"] >= 0
        chosen = {}
        for i in np.flatnonzero(keep):
            partition = int(candidates["partition"][i])
            current = chosen.get(partition)
            gain = candidates["gain"][i]
            if current is None or gain > candidates["gain"][current] or (
                    gain == candidates["gain"][current]
                    and candidates["feature"][i] > candidates["feature"][current]):
                chosen[partition] = i
        if not chosen:
            return
        max_depth = config["max_tree_depth"]
        if not self.trees or self.finalized[-1]:
            self._add_tree(learning_rate, max_depth <= 1)
        else:
            self.layers_grown[-1] += 1
            self.finalized[-1] = self.layers_grown[-1] >= max_depth
        tree = self.trees[-1]
        merge_leaves = config["growing_mode"] != WHOLE_TREE
        new = {key: [value] for key, value in tree.items()}
        size = len(tree["feature"])
        for partition in sorted(chosen):
            i = chosen[partition]
            parent = tree["value"][partition]
            left = candidates["left"][i].astype(_F32)
            right = candidates["right"][i].astype(_F32)
            if merge_leaves:
                left = (left + parent).astype(_F32)
                right = (right + parent).astype(_F32)
            tree["feature"][partition] = candidates["feature"][i]
            tree["threshold"][partition] = candidates["threshold"][i]
            tree["left"][partition] = size
            tree["right"][partition] = size + 1
            tree["gain"][partition] = candidates["gain"][i]
            size += 2
            new["feature"].append(np.full(2, -1, np.int32))
            new["threshold"].append(np.zeros(2, _F32))
            new["left"].append(np.zeros(2, np.int32))
            new["right"].append(np.zeros(2, np.int32))
            new["gain"].append(np.zeros(2, _F32))
            new["value"].append(np.stack([left, right]))
        self.trees[-1] = {key: np.concatenate(parts) for key, parts in new.items()}
        if config["pruning_mode"] == POST_PRUNE and self.finalized[-1]:
            self.trees[-1] = _post_prune(self.trees[-1])
            if self.trees[-1] is None:
                for column in (self.trees, self.weights, self.layers_grown, self.finalized):
                    column.pop()


def _post_prune(tree):
    """TensorFlow's post-pruning: bottom up, a split of negative gain whose children are leaves
    becomes its original leaf again; the nodes left are renumbered parent by parent. A tree
    reduced to a leaf without gain is dropped (None)."""
    feature = tree["feature"].copy()
    removed = np.zeros(len(feature), bool)

    def prune(node):
        if feature[node] < 0:
            return
        left, right = tree["left"][node], tree["right"][node]
        prune(left)
        prune(right)
        if tree["gain"][node] < 0 and feature[left] < 0 and feature[right] < 0:
            removed[[left, right]] = True
            feature[node] = -1

    prune(0)
    new_id = {0: 0}
    order = [0]
    for node in range(len(feature)):
        if removed[node] or feature[node] < 0:
            continue
        for child in (tree["left"][node], tree["right"][node]):
            new_id[int(child)] = len(order)
            order.append(int(child))
    pruned = {key: value[order].copy() for key, value in tree.items()}
    pruned["feature"] = feature[order]
    for i, old in enumerate(order):
        if feature[old] >= 0:
            pruned["left"][i] = new_id[int(tree["left"][old])]
            pruned["right"][i] = new_id[int(tree["right"][old])]
        else:
            pruned["gain"][i] = 0
    if len(order) == 1 and pruned["gain"][0] <= 0:
        return None
    return pruned


# -- the handlers' state -----------------------------------------------------------------------


class HandlerState:
    """What TensorFlow keeps in its quantile and statistics accumulators between steps: the
    bucket boundaries in use, the window's quantile summaries and statistics, its example and
    step counts, the bias statistics and whether the bias is still being centered."""

    def __init__(self, num_features, center_bias):
        self.num_features = num_features
        self.buckets_ready = False
        self.boundaries = [np.zeros(0, _F32)] * num_features
        self.summaries = None  # per feature (values, weights) of the open window
        self.stats = None  # (keys, g, h)
        self.examples = 0
        self.steps = 0
        self.bias = None  # (gradient sums, hessian sums)
        self.continue_centering = bool(center_bias)

    def to_bytes(self):
        arrays = {"scalars": np.array([self.num_features, self.buckets_ready, self.examples,
                                       self.steps, self.continue_centering], np.int64)}
        arrays["boundary_sizes"] = np.array([len(b) for b in self.boundaries], np.int64)
        arrays["boundaries"] = np.concatenate(self.boundaries + [np.zeros(0, _F32)])
        if self.summaries is not None:
            arrays["summary_sizes"] = np.array([len(v) for v, _ in self.summaries], np.int64)
            arrays["summary_values"] = np.concatenate([v for v, _ in self.summaries])
            arrays["summary_weights"] = np.concatenate([w for _, w in self.summaries])
        if self.stats is not None:
            arrays["stat_keys"], arrays["stat_g"], arrays["stat_h"] = self.stats
        if self.bias is not None:
            arrays["bias_g"], arrays["bias_h"] = self.bias
        return _arrays_to_bytes(arrays)

    @classmethod
    def from_bytes(cls, data, num_features, center_bias):
        data = _as_bytes(data)
        state = cls(num_features, center_bias)
        if not data:
            return state
        arrays = _bytes_to_arrays(data)
        count, ready, state.examples, state.steps, centering = (int(v) for v in
                                                                arrays["scalars"])
        if count != num_features:
            raise ValueError(f"The boosted trees' handler state has {count} features, the model "
                             f"has {num_features}")
        state.buckets_ready = bool(ready)
        state.continue_centering = bool(centering)
        splits = np.cumsum(arrays["boundary_sizes"])[:-1]
        state.boundaries = list(np.split(arrays["boundaries"], splits))
        if "summary_sizes" in arrays:
            splits = np.cumsum(arrays["summary_sizes"])[:-1]
            state.summaries = list(zip(np.split(arrays["summary_values"], splits),
                                       np.split(arrays["summary_weights"], splits),
                                       strict=True))
        if "stat_keys" in arrays:
            state.stats = (arrays["stat_keys"], arrays["stat_g"], arrays["stat_h"])
        if "bias_g" in arrays:
            state.bias = (arrays["bias_g"], arrays["bias_h"])
        return state


# -- one training step -------------------------------------------------------------------------

_CHUNK_ENTRIES = 1 << 17
_SUMMARY_CAP = 4096


def class_gradients(ensemble, gradients, hessians, strategy):
    """The per-example gradients, hessians and quantile weights the handlers see: one class
    column for ``TREE_PER_CLASS`` (class ``attempted trees % D`` when there are D > 1 logits,
    TensorFlow's one-vs-rest), else the vectors; the weight is the hessian, its sum (diagonal)
    or its trace (full). Also returns the class id (-1: all logits)."""
    gradients = np.asarray(gradients, _F32)
    hessians = np.asarray(hessians, _F32)
    if strategy == TREE_PER_CLASS:
        class_id = -1
        column = 0
        if gradients.shape[1] > 1:
            class_id = column = ensemble.trees_attempted % gradients.shape[1]
        g = gradients[:, column]
        h = hessians[:, column]
        return g, h, h, class_id
    if strategy == DIAGONAL_HESSIAN:
        return gradients, hessians, hessians.sum(axis=1), -1
    return gradients, hessians, np.trace(hessians, axis1=1, axis2=2), -1


def _expand_class(candidates, class_id, dimension):
    """A one-class leaf becomes a vector with the value at ``class_id`` (TensorFlow's sparse
    leaf)."""
    if candidates is None or class_id < 0:
        return candidates
    for side in ("left", "right"):
        full = np.zeros((len(candidates[side]), dimension), _F32)
        full[:, class_id] = candidates[side][:, 0]
        candidates[side] = full
    return candidates


def train_step(ensemble, state, partitions, gradients, hessians, features, bias_g, bias_h,
               examples_per_layer, config):
    """Runs one step in place on ``ensemble`` and ``state`` (see the module docstring)."""
    features = np.asarray(features, _F32)
    batch, num_features = features.shape
    partitions = np.asarray(partitions, np.int64).reshape(-1)
    g, h, weights, class_id = class_gradients(ensemble, gradients, hessians, config["strategy"])
    if state.continue_centering:
        more = (np.asarray(bias_g, np.float64), np.asarray(bias_h, np.float64))
        state.bias = more if state.bias is None else (state.bias[0] + more[0],
                                                      state.bias[1] + more[1])
    # The window's quantile summaries (the next boundaries).
    cap = max(_SUMMARY_CAP, 10 * config["num_quantiles"])
    if state.summaries is None:
        state.summaries = [summarize(features[:, f], weights, cap) for f in range(num_features)]
    else:
        state.summaries = [summarize(np.concatenate([values, features[:, f]]),
                                     np.concatenate([summed, weights]), cap)
                           for f, (values, summed) in enumerate(state.summaries)]
    state.examples += batch
    state.steps += 1
    closing = state.examples >= examples_per_layer
    # The gradient statistics, with the boundaries in use. A window of one batch goes
    # straight to the splits, a slice of features at a time (bounded memory).
    candidates = None
    if state.buckets_ready:
        width = max(1, _CHUNK_ENTRIES // max(batch, 1))
        slices = [(first, min(first + width, num_features))
                  for first in range(0, num_features, width)]
        if closing and state.stats is None:
            found = [find_splits(aggregate(features, state.boundaries, first, last,
                                           partitions, g, h), state.boundaries, 1, config)
                     for first, last in slices]
            candidates = _concatenate([part for part in found if part is not None])
        else:
            parts = [aggregate(features, state.boundaries, first, last, partitions, g, h)
                     for first, last in slices]
            step_stats = tuple(np.concatenate([p[i] for p in parts]) for i in range(3))
            state.stats = step_stats if state.stats is None else merge(state.stats, step_stats)
            if closing:
                candidates = _find_splits_by_chunk(state.stats, state.boundaries, state.steps,
                                                   config)
    if not closing:
        return
    # The window closes: splits from its statistics, then new boundaries.
    splits_ready = state.buckets_ready
    candidates = _expand_class(candidates, class_id, ensemble.dimension)
    state.boundaries = [quantile_boundaries(values, summed, config["num_quantiles"])
                        for values, summed in state.summaries]
    state.buckets_ready = True
    state.summaries = None
    state.stats = None
    state.examples = 0
    state.steps = 0
    bias = state.bias
    state.bias = None
    if state.continue_centering:
        bias_g, bias_h = bias if bias is not None else (np.zeros(1), np.zeros(1))
        delta = np.where(bias_h > 0, -bias_g / np.where(bias_h > 0, bias_h, 1.0), 0.0)
        state.continue_centering = ensemble.center_bias(delta.astype(_F32))
    elif splits_ready:
        ensemble.grow(candidates, config["learning_rate"], config)
    else:
        ensemble.grow(None, 0.0, config)


def _find_splits_by_chunk(stats, boundaries, steps, config):
    """``find_splits`` over slices of whole features (bounded memory)."""
    keys = stats[0]
    features = keys // (_NODE_SPAN * _BUCKET_SPAN)
    found = []
    start = 0
    while start < len(keys):
        stop = min(start + _CHUNK_ENTRIES, len(keys))
        if stop < len(keys):
            # Move the cut to the next feature boundary.
            stop = int(np.searchsorted(features, features[stop - 1], side="right"))
        part = find_splits((keys[start:stop], stats[1][start:stop], stats[2][start:stop]),
                           boundaries, steps, config)
        if part is not None:
            found.append(part)
        start = stop
    return _concatenate(found)


def _concatenate(found):
    if not found:
        return None
    return {key: np.concatenate([part[key] for part in found]) for key in found[0]}
