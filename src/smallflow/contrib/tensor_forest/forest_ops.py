"""Graph ops of ``tf.contrib.tensor_forest``: train, predict, size and feature usage of a tree.

A tree is a string variable (its bytes: ``forest_core.Tree``); the training op reads it and
outputs the grown tree, which the graph assigns back. The statistics of its growing leaves
are a per-session resource named after the training op. Each kernel keeps the tree it last
decoded with the bytes object it came from, so a step decodes nothing when the variable
still holds the bytes the previous step wrote.
"""

import numpy as np

from ... import dtypes
from ...errors import InvalidArgumentError
from ...graph import convert_to_tensor, name_scope
from ...op_signature import signature
from ...ops.common import make_op
from ...registry import NotDifferentiable, register_op
from ...tensor_shape import TensorShape
from . import forest_core

__all__ = ["feature_usage_counts", "tree_predictions", "tree_size", "train_tree"]


def _bytes_of(value):
    return value.item() if isinstance(value, np.ndarray) else value


class _Decoded:
    """The tree last decoded from (or encoded to) one bytes object."""

    def __init__(self, num_outputs):
        self.num_outputs = num_outputs
        self.source = None
        self.tree = None

    def tree_of(self, raw):
        raw = _bytes_of(raw)
        if raw is not self.source:
            try:
                self.tree = forest_core.Tree.from_bytes(raw, self.num_outputs)
            except ValueError as error:
                raise InvalidArgumentError(None, None, f"tensor_forest: {error}") from None
            self.source = raw
        return self.tree

    def remember(self, tree):
        self.source = tree.to_bytes()
        self.tree = tree
        return self.source


def _data_of(data, num_features, op_name):
    data = np.asarray(data, np.float32)
    if data.ndim != 2 or data.shape[1] != num_features:
        raise InvalidArgumentError(
            None, None, f"{op_name}: the input data has shape {list(data.shape)}; the forest "
            f"was built for [batch, {num_features}] (num_features={num_features})")
    return data


def _num_outputs(attrs):
    return attrs["num_classes"]


# -- training ----------------------------------------------------------------------------------


def _train_kernel(attrs, state):
    num_classes = attrs["num_classes"]
    regression = attrs["regression"]
    decoded = _Decoded(num_classes)
    params = {"strict": attrs["split_name"] == "less", "regression": regression,
              "split_after_samples": attrs["split_after_samples"],
              "max_nodes": attrs["max_nodes"], "categorical": None}
    if attrs.get("categorical"):
        mask = np.zeros(attrs["num_features"], np.bool_)
        mask[list(attrs["categorical"])] = True
        params["categorical"] = mask
    key = "tensor_forest_stats/" + attrs["stats_key"]

    def train(tree_bytes, data, labels, weights):
        tree = decoded.tree_of(tree_bytes)
        data = _data_of(data, attrs["num_features"], attrs["stats_key"])
        n = len(data)
        labels = np.asarray(labels, np.float32)
        if labels.shape[:1] != (n,):
            raise InvalidArgumentError(
                None, None, f"{attrs['stats_key']}: {n} examples but labels of shape "
                f"{list(labels.shape)}")
        if regression:
            labels = labels.reshape(n, -1).astype(np.float64)
            if labels.shape[1] != num_classes:
                raise InvalidArgumentError(
                    None, None, f"{attrs['stats_key']}: regression labels have "
                    f"{labels.shape[1]} columns, the forest has num_classes={num_classes} "
                    "outputs")
        else:
            labels = labels.reshape(n, -1)[:, 0].astype(np.int64)
            bad = (labels < 0) | (labels >= num_classes)
            if bad.any():
                raise InvalidArgumentError(
                    None, None, f"{attrs['stats_key']}: label {labels[bad][0]} is outside "
                    f"[0, {num_classes}) (num_classes={num_classes})")
        weights = np.asarray(weights, np.float64).reshape(-1)
        if weights.size == 0:
            weights = np.ones(n)
        elif weights.shape != (n,):
            raise InvalidArgumentError(
                None, None, f"{attrs['stats_key']}: {n} examples but {weights.size} weights")
        stats = state.resources.get(key)
        if stats is None or stats.uid != tree.uid or stats.generation != tree.generation:
            stats = forest_core.Statistics(tree, num_classes, attrs["num_splits_to_consider"],
                                           regression, attrs["seed"])
            state.resources[key] = stats
        forest_core.train_step(tree, stats, data, labels, weights, params)
        return np.array(decoded.remember(tree), dtype=object)

    return train


register_op("SmallflowForestTrain", _train_kernel, lambda op: [TensorShape([])], stateful=True,
            signature=signature("tree: string, data: float32, labels: float32, "
                                "weights: float32 -> tree_out: string"))
NotDifferentiable("SmallflowForestTrain")


def train_tree(tree, data, labels, weights, params, seed, name=None, categorical=()):
    """The grown tree's bytes after one batch (assign them back to the tree variable);
    ``categorical``: the columns split by equality tests."""
    with name_scope(name, "TrainTree", [tree, data, labels]):
        weights = convert_to_tensor([] if weights is None else weights, dtypes.float32)
        attrs = {"num_classes": int(params.num_classes), "regression": bool(params.regression),
                 "num_features": int(params.bagged_num_features),
                 "split_after_samples": int(params.split_after_samples),
                 "num_splits_to_consider": int(params.num_splits_to_consider),
                 "max_nodes": int(params.max_nodes), "split_name": params.split_name,
                 "seed": int(seed), "stats_key": ""}
        if categorical:
            attrs["categorical"] = tuple(int(column) for column in categorical)
        tree = convert_to_tensor(tree)
        data = convert_to_tensor(data, dtypes.float32)
        labels = convert_to_tensor(labels, dtypes.float32)
        op = make_op("SmallflowForestTrain", [tree, data, labels, weights], [dtypes.string],
                     attrs)
        op.attrs["stats_key"] = op.name
        return op.outputs[0]


# -- reading -----------------------------------------------------------------------------------


def _predict_kernel(attrs):
    decoded = _Decoded(attrs["num_classes"])

    def predict(tree_bytes, data):
        tree = decoded.tree_of(tree_bytes)
        data = _data_of(data, attrs["num_features"], "TreePredictions")
        return tree.predict(data, attrs["regression"], attrs["split_name"] == "less",
                            attrs["inference_tree_paths"])

    return predict


register_op("SmallflowForestPredict", _predict_kernel,
            lambda op: [TensorShape([op.inputs[1].shape[0], op.attrs["num_classes"]]),
                        TensorShape([None])],
            signature=signature("tree: string, data: float32 -> predictions: float32, "
                                "tree_paths: string"))
NotDifferentiable("SmallflowForestPredict")


def tree_predictions(tree, data, params, name=None):
    """(predictions [batch, num_classes], tree paths) of one tree."""
    with name_scope(name, "TreePredictions", [tree, data]):
        attrs = {"num_classes": int(params.num_classes), "regression": bool(params.regression),
                 "num_features": int(params.bagged_num_features),
                 "split_name": params.split_name,
                 "inference_tree_paths": bool(params.inference_tree_paths)}
        tree, data = convert_to_tensor(tree), convert_to_tensor(data, dtypes.float32)
        return tuple(make_op("SmallflowForestPredict", [tree, data],
                             [dtypes.float32, dtypes.string], attrs).outputs)


def _size_kernel(attrs):
    decoded = _Decoded(attrs["num_classes"])

    def size(tree_bytes):
        return np.int32(decoded.tree_of(tree_bytes).size)

    return size


register_op("SmallflowForestSize", _size_kernel, lambda op: [TensorShape([])],
            signature=signature("tree: string -> size: int32"))
NotDifferentiable("SmallflowForestSize")


def tree_size(tree, params, name=None):
    """The number of nodes of one tree (int32 scalar)."""
    return make_op("SmallflowForestSize", [convert_to_tensor(tree)], [dtypes.int32],
                   {"num_classes": int(params.num_classes)}, name,
                   "TreeSize").outputs[0]


def _usage_kernel(attrs):
    decoded = _Decoded(attrs["num_classes"])

    def usage(tree_bytes):
        return decoded.tree_of(tree_bytes).feature_usage(attrs["num_features"])

    return usage


register_op("SmallflowForestFeatureUsage", _usage_kernel,
            lambda op: [TensorShape([op.attrs["num_features"]])],
            signature=signature("tree: string -> counts: int32"))
NotDifferentiable("SmallflowForestFeatureUsage")


def feature_usage_counts(tree, params, name=None):
    """How many of one tree's tests read each feature (int32 [num_features])."""
    return make_op("SmallflowForestFeatureUsage", [convert_to_tensor(tree)], [dtypes.int32],
                   {"num_classes": int(params.num_classes),
                    "num_features": int(params.bagged_num_features)}, name,
                   "FeatureUsageCounts").outputs[0]
