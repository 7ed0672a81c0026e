"""The boosted-trees algorithm of TensorFlow 1.15's ``BoostedTrees*`` estimators, in NumPy.

A tree ensemble grows layer by layer: per-bucket sums of gradients and hessians are gathered
for the nodes of the layer being grown, the best split of each node is the threshold (over
every feature) whose two children lower the regularized second-order loss most, and the
children's values are the parent's plus ``learning_rate`` times their Newton step. The
arithmetic is float32 in the order TensorFlow's kernels use, so that the same data make the
same trees; the ensemble and the growing state travel as one JSON string (the estimator keeps
it in a string variable, so checkpoints carry it).
"""

import base64
import json

import numpy as np

__all__ = ["GrowerState", "PRUNING_MODES"]

PRUNING_MODES = {"none": 0, "pre": 1, "post": 2}
_F32 = np.float32
_EPS = _F32(1e-15)
# The bias-centering iterations stop once an update is below 1% of the bias.
_MIN_DELTA_FOR_CENTER_BIAS = 0.01


def _weight_and_gain(g, h, l1, l2):
    """Leaf weight and gain minimizing ``(h+l2)/2 w^2 + g w + l1 |w|`` (float32 arrays)."""
    g = np.asarray(g, _F32)
    h = np.asarray(h, _F32)
    shrunk = g
    zero = np.zeros_like(g, dtype=bool)
    if l1 > 0:
        shrunk = np.where(g > l1, g - _F32(l1), np.where(g < -l1, g + _F32(l1), g)).astype(_F32)
        zero = (g <= l1) & (g >= -l1)
    denominator = (h + _F32(l2)).astype(_F32)
    zero = zero | (denominator <= _EPS)
    safe = np.where(zero, _F32(1), denominator).astype(_F32)
    weight = (-shrunk / safe).astype(_F32)
    weight = np.where(zero, _F32(0), weight).astype(_F32)
    gain = (-shrunk * weight).astype(_F32)
    gain = np.where(zero, _F32(0), gain).astype(_F32)
    return weight, gain


def best_splits_for_feature(stats, first, last, l1, l2, tree_complexity, min_node_weight):
    """Per node of ``[first, last)``: ``(node, gain, threshold, left, right)`` of one feature's
    best split, ``stats`` being ``[max_splits, buckets, 2]`` sums. Nodes whose hessian sum is
    below ``min_node_weight`` get none; the first bucket of the largest gain wins."""
    found = []
    for node in range(first, min(last, stats.shape[0])):
        cum_g = np.cumsum(stats[node, :, 0], dtype=_F32)
        cum_h = np.cumsum(stats[node, :, 1], dtype=_F32)
        total_g = cum_g[-1]
        total_h = cum_h[-1]
        if total_h < _F32(min_node_weight):
            continue
        _, parent_gain = _weight_and_gain(total_g, total_h, l1, l2)
        left_w, left_gain = _weight_and_gain(cum_g, cum_h, l1, l2)
        right_w, right_gain = _weight_and_gain((total_g - cum_g).astype(_F32),
                                               (total_h - cum_h).astype(_F32), l1, l2)
        gains = (left_gain + right_gain).astype(_F32)
        best = np.finfo(_F32).min
        best_bucket = 0
        for bucket, gain in enumerate(gains):
            if _F32(gain - best) >= _EPS:
                best = gain
                best_bucket = bucket
        split_gain = _F32(_F32(best - parent_gain) - _F32(tree_complexity))
        found.append((node, split_gain, best_bucket, left_w[best_bucket],
                      right_w[best_bucket]))
    return found


def _encode(array):
    return base64.b64encode(np.ascontiguousarray(array, _F32).tobytes()).decode()


def _decode(text, shape):
    return np.frombuffer(base64.b64decode(text), dtype=_F32).reshape(shape).copy()


class GrowerState:
    """The tree ensemble and the state of its growing (layer range, attempts, the
    accumulated statistics of ``n_batches_per_layer`` batches, bias centering)."""

    def __init__(self, center_bias=False):
        self.trees = []  # each a list of nodes: {"leaf": v} or {"split": [...], ...}
        self.finalized = []
        self.layers_grown = []
        self.layers_attempted = 0
        self.trees_attempted = 0
        self.last_layer = [0, 0]
        self.center_bias_needed = bool(center_bias)
        self.accumulated = None  # list of float32 arrays, one per feature
        self.accumulated_count = 0
        self.bias_accumulated = None
        self.bias_count = 0

    # -- serialization ----------------------------------------------------------------------

    def to_bytes(self):
        state = {"trees": self.trees, "finalized": self.finalized,
                 "layers_grown": self.layers_grown, "layers_attempted": self.layers_attempted,
                 "trees_attempted": self.trees_attempted, "last_layer": self.last_layer,
                 "center_bias_needed": self.center_bias_needed,
                 "accumulated_count": self.accumulated_count, "bias_count": self.bias_count}
        if self.accumulated is not None:
            state["accumulated"] = [[list(a.shape), _encode(a)] for a in self.accumulated]
        if self.bias_accumulated is not None:
            state["bias_accumulated"] = _encode(self.bias_accumulated)
        return json.dumps(state, separators=(",", ":")).encode()

    @classmethod
    def from_bytes(cls, data, center_bias=False):
        state = cls(center_bias)
        if isinstance(data, np.ndarray):
            data = data.item()
        if not data:
            return state
        loaded = json.loads(data.decode() if isinstance(data, bytes) else data)
        for key in ("trees", "finalized", "layers_grown", "layers_attempted",
                    "trees_attempted", "last_layer", "center_bias_needed",
                    "accumulated_count", "bias_count"):
            setattr(state, key, loaded[key])
        if "accumulated" in loaded:
            state.accumulated = [_decode(text, shape) for shape, text in loaded["accumulated"]]
        if "bias_accumulated" in loaded:
            state.bias_accumulated = _decode(loaded["bias_accumulated"], (2,))
        return state

    # -- reading ----------------------------------------------------------------------------

    def states(self):
        """``(num_trees, num_finalized_trees, num_attempted_layers, last_layer_range)``."""
        first, last = self.last_layer
        return (len(self.trees), sum(self.finalized), self.layers_attempted,
                [first, max(1, last)])

    @staticmethod
    def _value(node):
        return node["leaf"] if "leaf" in node else node["orig"]

    def predict(self, features):
        """float32 logits ``[batch, 1]`` and each example's node in the last tree."""
        batch = len(features[0]) if features else 0
        logits = np.zeros(batch, _F32)
        node_ids = np.zeros(batch, np.int32)
        for tree in self.trees:
            node_ids = np.zeros(batch, np.int32)
            for i in range(batch):
                node = 0
                while "split" in tree[node]:
                    feature, threshold, left, right = tree[node]["split"]
                    node = left if features[feature][i] <= threshold else right
                node_ids[i] = node
                logits[i] = _F32(logits[i] + _F32(tree[node]["leaf"]))
        return logits.reshape(-1, 1), node_ids

    def paths(self, features, index):
        """One example's debug path: the features split on and the logits after each step
        (the first entry is the bias), as TensorFlow's ``ExampleDebugOutputs``."""
        feature_ids = []
        logits_path = []
        past = _F32(0)
        for tree_id, tree in enumerate(self.trees):
            node = 0
            if tree_id == 0:
                logits_path.append(float(_F32(self._value(tree[0]))))
            while "split" in tree[node]:
                feature, threshold, left, right = tree[node]["split"]
                node = left if features[feature][index] <= threshold else right
                feature_ids.append(feature)
                logits_path.append(float(_F32(_F32(self._value(tree[node])) + past)))
            past = _F32(past + _F32(self._value(tree[node])))
        return feature_ids, logits_path

    def importances(self, num_features):
        """Each feature's summed split gain over the ensemble (every tree weighs 1)."""
        totals = np.zeros(num_features)
        for tree in self.trees:
            for node in tree:
                if "split" in node:
                    totals[node["split"][0]] += node["gain"]
        return totals

    # -- training ---------------------------------------------------------------------------

    def center_bias(self, mean_gradient, mean_hessian, l1, l2):
        """One Newton step on the bias (the root of the first tree); returns whether the
        centering goes on."""
        step, _ = _weight_and_gain(mean_gradient, mean_hessian, l1, l2)
        step = _F32(step)
        if not self.trees:
            self._add_tree(step)
            keep_going = True
        else:
            bias = _F32(self.trees[0][0]["leaf"])
            keep_going = bool(abs(step / bias) > _MIN_DELTA_FOR_CENTER_BIAS)
            self.trees[0][0]["leaf"] = float(_F32(bias + step))
        self.center_bias_needed = keep_going
        return keep_going

    def _add_tree(self, value=0.0):
        self.trees.append([{"leaf": float(_F32(value))}])
        self.finalized.append(False)
        self.layers_grown.append(0)
        return len(self.trees) - 1

    def grow(self, candidates, learning_rate, max_depth, pruning_mode):
        """Adds a layer from ``candidates`` (feature id -> per-node best splits)."""
        best = {}
        for feature in sorted(candidates):
            for node, gain, threshold, left, right in candidates[feature]:
                entry = (gain, feature, threshold, _F32(_F32(learning_rate) * _F32(left)),
                         _F32(_F32(learning_rate) * _F32(right)))
                current = best.get(node)
                if current is not None and abs(gain - current[0]) < _EPS:
                    if feature < current[1]:
                        best[node] = entry
                elif current is None or _F32(gain - current[0]) >= _EPS:
                    best[node] = entry
        self.layers_attempted += 1
        count = len(self.trees)
        if count == 0 or ((count == 1 or self.finalized[count - 2])
                          and len(self.trees[count - 1]) == 1):
            self.trees_attempted += 1
        tree_id = count - 1 if count else self._add_tree()
        if not best:
            return
        tree = self.trees[tree_id]
        start = len(tree)
        split = False
        for node in sorted(best):
            gain, feature, threshold, left, right = best[node]
            if pruning_mode == PRUNING_MODES["pre"] and gain < 0:
                continue
            parent = _F32(tree[node]["leaf"])
            left_id = len(tree)
            tree.append({"leaf": float(_F32(parent + left))})
            tree.append({"leaf": float(_F32(parent + right))})
            tree[node] = {"split": [int(feature), int(threshold), left_id, left_id + 1],
                          "orig": float(parent), "gain": float(gain)}
            split = True
        end = len(tree)
        if not split:
            return
        self.layers_grown[tree_id] += 1
        if self.layers_grown[tree_id] >= max_depth:
            start, end = 0, 1
            self.finalized[tree_id] = True
            if pruning_mode == PRUNING_MODES["post"]:
                self._post_prune(tree_id)
            self._add_tree()
        self.last_layer = [start, end]

    def _post_prune(self, tree_id):
        """Collapses, bottom up, every split of negative gain whose children are leaves."""
        tree = self.trees[tree_id]
        deleted = set()

        def visit(node):
            if "split" not in tree[node]:
                return
            _, _, left, right = tree[node]["split"]
            visit(left)
            visit(right)
            if "split" not in tree[left] and "split" not in tree[right] and \
                    tree[node]["gain"] < 0:
                deleted.update((left, right))
                tree[node] = {"leaf": tree[node]["orig"]}

        visit(0)
        if not deleted:
            return
        new_ids = {}
        for old in range(len(tree)):
            if old not in deleted:
                new_ids[old] = len(new_ids)
        kept = []
        for old, node in enumerate(tree):
            if old in deleted:
                continue
            if "split" in node:
                feature, threshold, left, right = node["split"]
                node = dict(node, split=[feature, threshold, new_ids[left], new_ids[right]])
            kept.append(node)
        self.trees[tree_id] = kept
