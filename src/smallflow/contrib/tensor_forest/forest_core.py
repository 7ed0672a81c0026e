"""The NumPy side of ``tf.contrib.tensor_forest``: one extremely randomized tree grown online.

TensorFlow 1.15's "V4" forest kernels, as their documentation and source describe them:

- A tree starts as one leaf. Every leaf that may still split owns a *slot* of statistics.
- The first ``num_splits_to_consider`` examples that reach a slot each propose one candidate
  split: a feature drawn uniformly at random and, as its threshold, that example's value of
  the feature. These examples only propose; they are not counted.
- Every later example is counted: for each candidate, which side it goes to (left when
  ``value <= threshold``, or ``value < threshold`` with ``split_name='less'``; for a
  categorical feature, an integer column of a dict input, left when ``value == threshold``),
  per class for classification (per output sum and sum of squares for regression), and in
  the slot's totals.
- A slot whose counted weight reached ``split_after_samples`` (and, for classification, that
  has seen more than one class) is finished. After the batch, each finished leaf, in node
  order while the tree has fewer than ``max_nodes`` nodes, takes its best candidate: the
  lowest sum of the two sides' Laplace-smoothed weighted Gini impurities (the lowest sum of
  the two sides' variances for regression) among the candidates that send weight both ways.
  Its two new leaves start from that candidate's left and right statistics. A finished leaf
  with no such candidate starts collecting again.
- Independently, every training example adds its label to the leaf model of the leaf it
  reached (class counts, or the running mean of the targets for regression); predictions
  are the reached leaf's class counts normalized to probabilities (or its means).

The tree is a small set of arrays, serialized to bytes for the string variable that holds
it (so ``tf.train.Saver`` keeps trees, as TensorFlow's checkpoints do); the slots live in
the session (like TensorFlow's default ``checkpoint_stats=False``, they are not saved, and a
restored tree starts collecting afresh at each of its leaves).
"""

import json

import numpy as np

_MAGIC = b"smallflow-forest-tree/2\n"
_MAGIC_V1 = b"smallflow-forest-tree/1\n"  # before equality tests: every test a threshold


class Tree:
    """The nodes of one tree: children, tests and leaf models, in arrays indexed by node id."""

    def __init__(self, num_outputs, capacity=64):
        self.num_outputs = int(num_outputs)  # NumPy integers too (num_classes=np.max(y) + 1)
        self.size = 1
        self.generation = 0
        self.uid = np.random.default_rng().integers(1 << 62)
        self.left = np.full(capacity, -1, np.int32)  # -1: a leaf
        self.feature = np.full(capacity, -1, np.int32)
        self.threshold = np.zeros(capacity, np.float32)
        self.depth = np.ones(capacity, np.int32)
        self.equal = np.zeros(capacity, np.bool_)  # the node tests value == threshold
        self.values = np.zeros((capacity, num_outputs), np.float32)
        self.weights = np.zeros(capacity, np.float32)

    # -- bytes -------------------------------------------------------------------------------

    def to_bytes(self):
        n = self.size
        header = json.dumps({"size": n, "num_outputs": self.num_outputs,
                             "generation": self.generation, "uid": int(self.uid)}).encode()
        parts = [_MAGIC, len(header).to_bytes(4, "little"), header]
        for array in (self.left, self.feature, self.threshold, self.depth, self.values,
                      self.weights, self.equal):
            parts.append(np.ascontiguousarray(array[:n]).tobytes())
        parts.append(b"\n")  # ends in a byte that is not NUL, whatever the arrays end with
        return b"".join(parts)

    @classmethod
    def from_bytes(cls, data, num_outputs):
        if not data:
            return cls(num_outputs)
        version_1 = data.startswith(_MAGIC_V1)
        if not (version_1 or data.startswith(_MAGIC)):
            raise ValueError("not a tensor_forest tree (the bytes do not start with its mark)")
        at = len(_MAGIC)
        length = int.from_bytes(data[at:at + 4], "little")
        header = json.loads(data[at + 4:at + 4 + length])
        if header["num_outputs"] != num_outputs:
            raise ValueError(f"the tree has {header['num_outputs']} outputs, the forest's "
                             f"parameters say {num_outputs}")
        n = header["size"]
        tree = cls(num_outputs, capacity=max(64, 2 * n))
        tree.size, tree.generation, tree.uid = n, header["generation"], header["uid"]
        at += 4 + length
        for name, dtype, width in (("left", np.int32, 1), ("feature", np.int32, 1),
                                   ("threshold", np.float32, 1), ("depth", np.int32, 1),
                                   ("values", np.float32, num_outputs),
                                   ("weights", np.float32, 1), ("equal", np.bool_, 1)):
            if name == "equal" and version_1:
                break
            chunk = np.frombuffer(data, dtype, n * width, at)
            at += chunk.nbytes
            getattr(tree, name)[:n] = chunk.reshape((n, width) if name == "values" else n)
        return tree

    # -- growth ------------------------------------------------------------------------------

    def _reserve(self, size):
        capacity = len(self.left)
        if size <= capacity:
            return
        capacity = max(size, 2 * capacity)
        for name in ("left", "feature", "threshold", "depth", "weights", "equal"):
            old = getattr(self, name)
            new = np.full(capacity, -1 if name in ("left", "feature") else 0, old.dtype)
            new[:len(old)] = old
            setattr(self, name, new)
        values = np.zeros((capacity, self.num_outputs), np.float32)
        values[:len(self.values)] = self.values
        self.values = values

    def split(self, node, feature, threshold, left_model, right_model, equal=False):
        """Turn leaf ``node`` into a test (``value <= threshold``, or ``value ==
        threshold`` for a categorical feature); its children get the two leaf models."""
        self._reserve(self.size + 2)
        first = self.size
        self.left[node] = first
        self.feature[node] = feature
        self.threshold[node] = threshold
        self.equal[node] = equal
        for child, (values, weight) in ((first, left_model), (first + 1, right_model)):
            self.left[child] = -1
            self.feature[child] = -1
            self.depth[child] = self.depth[node] + 1
            self.values[child] = values
            self.weights[child] = weight
        self.size += 2
        return first, first + 1

    # -- reading -----------------------------------------------------------------------------

    def leaves_of(self, data, strict=False, paths=None):
        """The leaf each row of ``data`` reaches (and, if ``paths`` is a list, each path)."""
        node = np.zeros(len(data), np.int64)
        if paths is not None:
            paths.extend([0] for _ in range(len(data)))
        rows = np.arange(len(data))
        while len(rows):
            first = self.left[node[rows]]
            inner = first >= 0
            rows, first = rows[inner], first[inner]
            if not len(rows):
                break
            at = node[rows]
            values = data[rows, self.feature[at]]
            with np.errstate(invalid="ignore"):
                goes_left = values < self.threshold[at] if strict else (
                    values <= self.threshold[at])
                goes_left = np.where(self.equal[at], values == self.threshold[at], goes_left)
            node[rows] = first + (~goes_left)
            if paths is not None:
                for row, reached in zip(rows.tolist(), node[rows].tolist(), strict=True):
                    paths[row].append(reached)
        return node

    def predict(self, data, regression, strict=False, with_paths=False):
        paths = [] if with_paths else None
        leaves = self.leaves_of(data, strict, paths)
        out = self.values[leaves].astype(np.float32)
        if not regression:
            sums = out.sum(axis=1, dtype=np.float32)
            scale = (sums > 0) & (sums != 1)
            out[scale] /= sums[scale, None]
        encoded = np.array([json.dumps({"nodes": p}).encode() for p in paths] if with_paths
                           else [], dtype=object)
        return out, encoded

    def feature_usage(self, num_features):
        inner = self.feature[:self.size][self.left[:self.size] >= 0]
        return np.bincount(inner, minlength=num_features).astype(np.int32)[:num_features]

    def update_leaf_models(self, leaves, labels, weights, regression):
        """Every example adds its label to the model of the leaf it reached."""
        if regression:
            sums = np.zeros((self.size, self.num_outputs))
            for column in range(self.num_outputs):
                sums[:, column] = np.bincount(leaves, weights * labels[:, column],
                                              minlength=self.size)
            counts = np.bincount(leaves, weights, minlength=self.size)
            old = self.weights[:self.size].astype(np.float64)
            total = old + counts
            touched = counts > 0
            means = self.values[:self.size].astype(np.float64)
            means[touched] = ((means[touched] * old[touched, None] + sums[touched])
                              / total[touched, None])
            self.values[:self.size] = means
            self.weights[:self.size] = total
        else:
            index = leaves * self.num_outputs + labels
            counts = np.bincount(index, weights, minlength=self.size * self.num_outputs)
            self.values[:self.size] += counts.reshape(self.size, self.num_outputs)


class Statistics:
    """The slots of one tree's growing leaves (the fertile statistics of TensorFlow)."""

    def __init__(self, tree, num_outputs, num_splits, regression, seed):
        self.uid = tree.uid
        self.generation = tree.generation
        self.num_outputs = int(num_outputs)  # NumPy integers too (num_classes=np.max(y) + 1)
        self.num_splits = num_splits
        self.regression = regression
        self.strict = False
        self.categorical = None
        # seed 0: TensorFlow seeds from the clock; here from the operating system.
        self.rng = np.random.default_rng(seed if seed else None)
        self.capacity = 0
        self.slot_of = {}
        self.free = []
        self._grow_arrays(16)
        for node in range(tree.size):
            if tree.left[node] < 0:
                self.allocate(node)

    def _grow_arrays(self, capacity):
        k, c = self.num_splits, self.num_outputs

        def grown(old, shape, dtype, fill=0):
            new = np.full(shape, fill, dtype)
            if old is not None:
                new[:len(old)] = old
            return new

        self.features = grown(getattr(self, "features", None), (capacity, k), np.int32, -1)
        self.thresholds = grown(getattr(self, "thresholds", None), (capacity, k), np.float32)
        self.candidates = grown(getattr(self, "candidates", None), capacity, np.int32)
        self.left = grown(getattr(self, "left", None), (capacity, k, c), np.float64)
        self.totals = grown(getattr(self, "totals", None), (capacity, c), np.float64)
        self.weight_sums = grown(getattr(self, "weight_sums", None), capacity, np.float64)
        if self.regression:
            self.left_squares = grown(getattr(self, "left_squares", None), (capacity, k, c),
                                      np.float64)
            self.left_weights = grown(getattr(self, "left_weights", None), (capacity, k),
                                      np.float64)
            self.total_squares = grown(getattr(self, "total_squares", None), (capacity, c),
                                       np.float64)
        self.free.extend(range(capacity - 1, self.capacity - 1, -1))
        self.capacity = capacity

    def allocate(self, node):
        if not self.free:
            self._grow_arrays(2 * self.capacity)
        slot = self.free.pop()
        self.slot_of[node] = slot
        self._reset(slot)

    def _reset(self, slot):
        self.features[slot] = -1
        self.candidates[slot] = 0
        self.left[slot] = 0
        self.totals[slot] = 0
        self.weight_sums[slot] = 0
        if self.regression:
            self.left_squares[slot] = 0
            self.left_weights[slot] = 0
            self.total_squares[slot] = 0

    def release(self, node):
        self.free.append(self.slot_of.pop(node))

    def add(self, data, leaves, labels, weights):
        """Propose or count each example at its leaf's slot; the finished leaves' ids."""
        known = np.fromiter((self.slot_of.get(int(leaf), -1) for leaf in leaves),
                            np.int64, len(leaves))
        rows = np.nonzero(known >= 0)[0]
        if not len(rows):
            return []
        slots = known[rows]
        order = np.argsort(slots, kind="stable")
        sorted_slots = slots[order]
        starts = np.r_[0, np.nonzero(np.diff(sorted_slots))[0] + 1]
        ranks = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
        rank = np.empty(len(order), np.int64)
        rank[order] = ranks
        needed = self.num_splits - self.candidates[slots]
        proposing = rank < needed
        if proposing.any():
            self._propose(data, rows[proposing], slots[proposing],
                          self.candidates[slots[proposing]] + rank[proposing])
        counted = ~proposing
        self._count(data, rows[counted], slots[counted], labels, weights)
        touched = np.unique(slots[counted])
        finished = self.weight_sums[touched] >= self.split_after_samples
        if not self.regression:
            finished &= (self.totals[touched] > 0).sum(axis=1) > 1
        nodes = {slot: node for node, slot in self.slot_of.items()}
        return sorted(nodes[int(slot)] for slot in touched[finished])

    def _propose(self, data, rows, slots, positions):
        # One random feature per proposing example, drawn in the examples' order.
        features = self.rng.integers(0, data.shape[1], size=len(rows))
        self.features[slots, positions] = features
        self.thresholds[slots, positions] = data[rows, features]
        np.add.at(self.candidates, slots, 1)

    def _count(self, data, rows, slots, labels, weights):
        if not len(rows):
            return
        k, c = self.num_splits, self.num_outputs
        features = self.features[slots]
        values = data[rows[:, None], features]
        with np.errstate(invalid="ignore"):
            goes_left = (values < self.thresholds[slots] if self.strict
                         else values <= self.thresholds[slots])
            if self.categorical is not None:
                goes_left = np.where(self.categorical[features],
                                     values == self.thresholds[slots], goes_left)
        w = weights[rows]
        cells = len(self.candidates) * k
        if self.regression:
            y = labels[rows]
            left_weight = goes_left * w[:, None]
            flat = (slots[:, None] * k + np.arange(k)).ravel()
            self.left_weights += np.bincount(flat, left_weight.ravel(), cells).reshape(-1, k)
            for column in range(c):
                target = y[:, column][:, None]
                self.left[:, :, column] += np.bincount(
                    flat, (left_weight * target).ravel(), cells).reshape(-1, k)
                self.left_squares[:, :, column] += np.bincount(
                    flat, (left_weight * target * target).ravel(), cells).reshape(-1, k)
                self.totals[:, column] += np.bincount(slots, w * y[:, column],
                                                      len(self.candidates))
                self.total_squares[:, column] += np.bincount(
                    slots, w * y[:, column] ** 2, len(self.candidates))
        else:
            y = labels[rows]
            flat = ((slots[:, None] * k + np.arange(k)) * c + y[:, None]).ravel()
            self.left += np.bincount(flat, (goes_left * w[:, None]).ravel(),
                                     cells * c).reshape(-1, k, c)
            self.totals += np.bincount(slots * c + y, w, len(self.candidates) * c).reshape(-1, c)
        self.weight_sums += np.bincount(slots, w, len(self.candidates))

    def best_split(self, node):
        """(candidate, left model, right model) of ``node``'s best candidate, or None."""
        slot = self.slot_of[node]
        if self.candidates[slot] < self.num_splits:
            return None
        left, totals = self.left[slot], self.totals[slot]
        right = totals - left
        if self.regression:
            left_w = self.left_weights[slot]
            right_w = self.weight_sums[slot] - left_w
            valid = (left_w > 0) & (right_w > 0)
            if not valid.any():
                return None
            squares = self.left_squares[slot]
            right_squares = self.total_squares[slot] - squares
            with np.errstate(divide="ignore", invalid="ignore"):
                score = ((squares / left_w[:, None] - (left / left_w[:, None]) ** 2).sum(1)
                         + (right_squares / right_w[:, None]
                            - (right / right_w[:, None]) ** 2).sum(1))
            score = np.where(valid, score, np.inf)
            best = int(np.argmin(score))
            return best, (left[best] / left_w[best], left_w[best]), (
                right[best] / right_w[best], right_w[best])
        c = self.num_outputs
        left_sum, right_sum = left.sum(1), right.sum(1)
        valid = (left_sum > 0) & (right_sum > 0)
        if not valid.any():
            return None

        def smoothed_gini(sums, squares):
            smoothed = sums + c
            return smoothed - (squares + 2 * sums + c) / smoothed

        score = (smoothed_gini(left_sum, (left * left).sum(1))
                 + smoothed_gini(right_sum, (right * right).sum(1)))
        score = np.where(valid, score, np.inf)
        best = int(np.argmin(score))
        return best, (left[best], 0.0), (right[best], 0.0)


def train_step(tree, stats, data, labels, weights, params):
    """One batch: leaf models, statistics, then growth. Mutates and returns ``tree``."""
    stats.strict = params["strict"]
    stats.split_after_samples = params["split_after_samples"]
    stats.categorical = params.get("categorical")  # bool per feature, or None
    regression = params["regression"]
    leaves = tree.leaves_of(data, params["strict"])
    tree.update_leaf_models(leaves, labels, weights, regression)
    if tree.size >= params["max_nodes"]:
        return tree  # full: nothing more can split, so nothing more is collected
    finished = stats.add(data, leaves, labels, weights)
    changed = False
    for node in finished:
        if tree.size >= params["max_nodes"]:
            break
        found = stats.best_split(node)
        if found is None:
            stats._reset(stats.slot_of[node])
            continue
        candidate, left_model, right_model = found
        slot = stats.slot_of[node]
        feature = int(stats.features[slot, candidate])
        equal = stats.categorical is not None and bool(stats.categorical[feature])
        children = tree.split(node, feature, stats.thresholds[slot, candidate], left_model,
                              right_model, equal)
        stats.release(node)
        if tree.size < params["max_nodes"]:
            for child in children:
                stats.allocate(child)
        changed = True
    if changed:
        tree.generation += 1
        stats.generation = tree.generation
    return tree
