"""Graph ops of ``tf.contrib.boosted_trees``: predict with, describe and train a tree ensemble.

The ensemble and the handlers' state (bucket boundaries, the open window's quantile summaries
and statistics) are string variables holding ``gbdt_core`` bytes; the training op reads both
and outputs their next values, which the graph assigns back. TensorFlow's ensemble, quantile
and statistics resources (and their stamp tokens) become these two values. Each kernel keeps
what it last decoded with the bytes object it came from, so a step decodes nothing when the
variables still hold the bytes the previous step wrote.
"""

import numpy as np

from ... import dtypes
from ...errors import InvalidArgumentError
from ...op_signature import signature
from ...ops.common import make_op
from ...registry import NotDifferentiable, register_op
from ...tensor_shape import TensorShape
from . import gbdt_core

__all__ = ["ensemble_stats", "predict", "train_step"]


class _Decoded:
    """The object last decoded from (or encoded to) one bytes object."""

    def __init__(self, decode):
        self.decode = decode
        self.source = None
        self.value = None

    def get(self, raw):
        raw = raw.item() if isinstance(raw, np.ndarray) else raw
        if raw is not self.source or raw is None:
            try:
                self.value = self.decode(raw)
            except (ValueError, KeyError) as error:
                raise InvalidArgumentError(None, None, f"boosted_trees: {error}") from None
            self.source = raw
        return self.value

    def forget(self):
        self.source = None

    def remember(self, value):
        self.source = value.to_bytes()
        self.value = value
        return self.source


def _features(data, num_features, op_name):
    data = np.asarray(data, np.float32)
    if data.ndim != 2 or data.shape[1] != num_features:
        raise InvalidArgumentError(
            None, None, f"{op_name}: the dense float features have shape {list(data.shape)}; "
            f"the model was built for [batch, {num_features}]")
    return data


# -- prediction --------------------------------------------------------------------------------


def _predict_kernel(attrs, *state):
    dimension = attrs["dimension"]
    decoded = _Decoded(lambda raw: gbdt_core.Ensemble.from_bytes(raw, dimension))

    def run(ensemble, features):
        ensemble = decoded.get(ensemble)
        features = _features(features, attrs["num_features"], "GradientTreesPrediction")
        return (ensemble.predict(features, attrs["only_finalized"]),
                ensemble.partitions(features))

    return run


register_op("SmallflowGbdtPredict", _predict_kernel,
            lambda op: [TensorShape([None, op.attrs["dimension"]]), TensorShape([None])],
            signature=signature("ensemble: string, features: float32 -> predictions: float32, "
                                "partition_ids: int32"))
NotDifferentiable("SmallflowGbdtPredict")


def predict(ensemble, features, dimension, only_finalized, name=None):
    """``(logits [batch, dimension], partition ids [batch])`` of the ensemble on ``features``
    (float32 ``[batch, num_features]``)."""
    attrs = {"dimension": int(dimension), "only_finalized": bool(only_finalized),
             "num_features": int(features.shape[1])}
    op = make_op("SmallflowGbdtPredict", [ensemble, features], [dtypes.float32, dtypes.int32],
                 attrs, name=name or "GradientTreesPrediction")
    return op.outputs[0], op.outputs[1]


def _stats_kernel(attrs, *state):
    decoded = _Decoded(lambda raw: gbdt_core.Ensemble.from_bytes(raw, 1))

    def run(ensemble):
        return tuple(np.int64(v) for v in decoded.get(ensemble).stats())

    return run


_STATS = ("num_trees", "active_tree", "attempted_trees", "num_layers", "active_layer",
          "attempted_layers")
register_op("SmallflowGbdtStats", _stats_kernel, lambda op: [TensorShape([])] * 6,
            signature=signature("ensemble: string -> " + ", ".join(
                f"{name}: int64" for name in _STATS)))
NotDifferentiable("SmallflowGbdtStats")


def ensemble_stats(ensemble, name=None):
    """TensorFlow's ``TreeEnsembleStats``: a dict of int64 scalars named as its outputs."""
    op = make_op("SmallflowGbdtStats", [ensemble], [dtypes.int64] * 6,
                 name=name or "TreeEnsembleStats")
    return dict(zip(_STATS, op.outputs, strict=True))


# -- training ----------------------------------------------------------------------------------


def _train_kernel(attrs, *state):
    config = attrs["config"]
    num_features = attrs["num_features"]
    ensembles = _Decoded(lambda raw: gbdt_core.Ensemble.from_bytes(raw, config["dimension"]))
    handlers = _Decoded(lambda raw: gbdt_core.HandlerState.from_bytes(
        raw, num_features, config["center_bias"]))

    def run(ensemble, handler_state, partition_ids, gradients, hessians, features, bias_g,
            bias_h, examples_per_layer):
        ensemble = ensembles.get(ensemble)
        handler_state = handlers.get(handler_state)
        features = _features(features, num_features, "GrowTreeEnsemble")
        ensembles.forget()
        handlers.forget()
        gbdt_core.train_step(ensemble, handler_state, partition_ids, gradients, hessians,
                             features, bias_g, bias_h, int(examples_per_layer), config)
        finalized, _, attempted = ensemble.stats()[:3]
        return (np.array(ensembles.remember(ensemble), dtype=object),
                np.array(handlers.remember(handler_state), dtype=object),
                np.int64(finalized), np.int64(attempted))

    return run


register_op("SmallflowGbdtTrain", _train_kernel, lambda op: [TensorShape([])] * 4,
            stateful=True,
            signature=signature(
                "ensemble: string, handler_state: string, partition_ids: int32, "
                "gradients: float32, hessians: float32, features: float32, "
                "bias_gradients: float32, bias_hessians: float32, examples_per_layer: int64 "
                "-> ensemble_out: string, handler_state_out: string, num_trees: int64, "
                "attempted_trees: int64"))
NotDifferentiable("SmallflowGbdtTrain")


def train_step(ensemble, handler_state, partition_ids, gradients, hessians, features,
               bias_gradients, bias_hessians, examples_per_layer, config, name=None):
    """One boosting step (see ``gbdt_core.train_step``): ``(ensemble, handler state, finalized
    trees, attempted trees)`` after it."""
    attrs = {"config": dict(config), "num_features": int(features.shape[1])}
    op = make_op("SmallflowGbdtTrain",
                 [ensemble, handler_state, partition_ids, gradients, hessians, features,
                  bias_gradients, bias_hessians, examples_per_layer],
                 [dtypes.string, dtypes.string, dtypes.int64, dtypes.int64], attrs,
                 name=name or "GrowTreeEnsemble")
    return tuple(op.outputs)
