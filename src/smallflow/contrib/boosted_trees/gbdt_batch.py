"""``GradientBoostedDecisionTreeModel`` (TensorFlow 1.15's ``gbdt_batch``): the graph of the
batch GBDT learner.

``predict(mode)`` runs the ensemble on the features; ``train(loss, predictions_dict, labels)``
takes the gradients of the loss with respect to the logits and its hessians (one
``tf.gradients`` per logit for the diagonal or full hessian, TensorFlow's recipe, so any head's
loss works) and hands them to one training op, which does the handlers' and the ensemble's
work of a step (``gbdt_core``). Dense float features only: each ``[batch, n]`` float32 feature
is n features named ``key_i`` (TensorFlow's names), given to the ops as one matrix.
"""

import copy

from ... import dtypes
from ...graph import convert_to_tensor, name_scope
from ...ops import array_ops, math_ops
from ...ops.sparse_tensor import SparseTensor
from . import gbdt_ops
from .proto import learner_pb2

__all__ = ["GradientBoostedDecisionTreeModel", "extract_features", "ENSEMBLE_STAMP",
           "PREDICTIONS", "PARTITION_IDS", "NUM_LAYERS_ATTEMPTED", "NUM_TREES_ATTEMPTED"]

ENSEMBLE_STAMP = "ensemble_stamp"
PREDICTIONS = "predictions"
PARTITION_IDS = "partition_ids"
NUM_LAYERS_ATTEMPTED = "num_layers"
NUM_TREES_ATTEMPTED = "num_trees"
_FEATURE_NAME_TEMPLATE = "%s_%d"


def extract_features(features, feature_columns, use_core_columns=False):
    """``(names, dense float matrix [batch, n])`` of a features dict, keys in sorted order, a
    ``[batch, k]`` feature making k columns named ``key_i``. Sparse features are refused."""
    from ... import feature_column as fc_core

    if not features:
        raise ValueError("Features dictionary must be specified.")
    features = copy.copy(features)
    if feature_columns:
        with name_scope("gbdt"):
            features = {column.name: fc_core.input_layer(features, [column])
                        for column in feature_columns}
    names = []
    columns = []
    for key in sorted(features):
        tensor = features[key]
        if isinstance(tensor, SparseTensor):
            raise ValueError(f"Unsupported sparse feature {key}: smallflow's "
                             f"tf.contrib.boosted_trees takes dense float features only")
        tensor = convert_to_tensor(tensor)
        if tensor.dtype != dtypes.float32:
            raise ValueError(f"Unsupported dense feature {tensor.name} with dtype "
                             f"{tensor.dtype}.")
        width = tensor.shape[1] if tensor.shape.ndims and tensor.shape.ndims > 1 else 1
        if width is None:
            raise ValueError(f"Dense feature {key} needs a known number of columns")
        if width > 1:
            names.extend(_FEATURE_NAME_TEMPLATE % (key, i) for i in range(width))
        else:
            names.append(key)
        columns.append(array_ops.reshape(tensor, [-1, width]))
    dense = columns[0] if len(columns) == 1 else array_ops.concat(columns, 1)
    return names, dense


def _check_supported(config):
    tuner = config.learning_rate_tuner.WhichOneof("tuner")
    if tuner == "line_search":
        raise ValueError("Line search learning rate is not yet supported.")
    unsupported = []
    if tuner == "dropout":
        unsupported.append("the dropout learning rate tuner")
    if config.WhichOneof("feature_fraction"):
        unsupported.append("feature_fraction_per_tree/per_level")
    if config.constraints.max_number_of_unique_feature_columns:
        unsupported.append("constraints.max_number_of_unique_feature_columns")
    if config.averaging_config.WhichOneof("config"):
        unsupported.append("averaging_config")
    if config.weak_learner_type == learner_pb2.LearnerConfig.OBLIVIOUS_DECISION_TREE:
        unsupported.append("OBLIVIOUS_DECISION_TREE")
    if unsupported:
        raise NotImplementedError(f"learner_config: {', '.join(unsupported)} is not provided by "
                                  f"smallflow's tf.contrib.boosted_trees")


class GradientBoostedDecisionTreeModel:
    """A GBDT model function's graph (see the module docstring)."""

    def __init__(self, is_chief, num_ps_replicas, ensemble_handle, center_bias,
                 examples_per_layer, learner_config, features, logits_dimension,
                 feature_columns=None, use_core_columns=False, output_leaf_index=False,
                 num_quantiles=100):
        from ...variables import Variable

        if ensemble_handle is None:
            raise ValueError("ensemble_handle must be specified.")
        if learner_config is None:
            raise ValueError("learner_config must be specified.")
        if learner_config.num_classes < 2:
            raise ValueError("Number of classes must be >=2")
        if output_leaf_index:
            raise NotImplementedError("output_leaf_index is not provided by smallflow's "
                                      "tf.contrib.boosted_trees")
        config = learner_pb2.LearnerConfig
        if learner_config.multi_class_strategy == config.MULTI_CLASS_STRATEGY_UNSPECIFIED:
            learner_config.multi_class_strategy = (config.TREE_PER_CLASS if logits_dimension == 1
                                                   else config.DIAGONAL_HESSIAN)
        if learner_config.growing_mode == config.GROWING_MODE_UNSPECIFIED:
            learner_config.growing_mode = config.LAYER_BY_LAYER
        if learner_config.pruning_mode == config.PRUNING_MODE_UNSPECIFIED:
            learner_config.pruning_mode = config.POST_PRUNE
        if learner_config.constraints.max_tree_depth == 0:
            learner_config.constraints.max_tree_depth = 6
        if not learner_config.learning_rate_tuner.WhichOneof("tuner"):
            learner_config.learning_rate_tuner.fixed.learning_rate = 0.1
        _check_supported(learner_config)
        self._learner_config = learner_config
        self._logits_dimension = logits_dimension
        self._is_chief = is_chief
        self._ensemble = ensemble_handle
        self._center_bias = center_bias
        self._examples_per_layer = examples_per_layer
        self._num_quantiles = num_quantiles
        self._attempted_trees = Variable(array_ops.zeros([], dtypes.int64), trainable=False,
                                         name="attempted_trees")
        self._finalized_trees = Variable(array_ops.zeros([], dtypes.int64), trainable=False,
                                         name="finalized_trees")
        self._fc_names, self._dense = extract_features(features, feature_columns,
                                                       use_core_columns)
        from ... import logging

        logging.info("Active Feature Columns: " + str(self._fc_names))
        reduce_dim = (learner_config.multi_class_strategy == config.TREE_PER_CLASS
                      and learner_config.num_classes == 2)
        self._prediction_size = (learner_config.num_classes - 1 if reduce_dim
                                 else learner_config.num_classes)

    def _config(self):
        config = self._learner_config
        return {"strategy": int(config.multi_class_strategy),
                "l1": float(config.regularization.l1), "l2": float(config.regularization.l2),
                "tree_complexity": float(config.regularization.tree_complexity),
                "min_node_weight": float(config.constraints.min_node_weight),
                "max_tree_depth": int(config.constraints.max_tree_depth),
                "growing_mode": int(config.growing_mode),
                "pruning_mode": int(config.pruning_mode),
                "learning_rate": float(config.learning_rate_tuner.fixed.learning_rate),
                "center_bias": bool(self._center_bias), "num_quantiles": self._num_quantiles,
                "dimension": self._prediction_size}

    def predict(self, mode):
        """The prediction dict: ``predictions`` (the logits), ``partition_ids``,
        ``num_trees``/``num_layers`` (attempted so far) and ``ensemble_stamp``."""
        ensemble = self._ensemble.value()
        only_finalized = (self._learner_config.growing_mode
                          == learner_pb2.LearnerConfig.WHOLE_TREE)
        stats = gbdt_ops.ensemble_stats(ensemble)
        logits, partition_ids = gbdt_ops.predict(ensemble, self._dense, self._prediction_size,
                                                 only_finalized)
        return {ENSEMBLE_STAMP: stats["attempted_layers"], PREDICTIONS: logits,
                PARTITION_IDS: partition_ids,
                NUM_LAYERS_ATTEMPTED: stats["attempted_layers"],
                NUM_TREES_ATTEMPTED: stats["attempted_trees"]}

    def _hessians(self, gradients, predictions, strategy):
        from ...gradients import gradients as gradients_lib

        config = learner_pb2.LearnerConfig
        if strategy == config.TREE_PER_CLASS and self._logits_dimension == 1:
            return gradients_lib(gradients, predictions, name="Hessian")[0]
        rows = array_ops.unstack(gradients, num=self._logits_dimension, axis=1)
        hessian_rows = [gradients_lib(row, predictions, name=f"Hessian_{i}")[0]
                        for i, row in enumerate(rows)]
        if strategy == config.FULL_HESSIAN:
            return array_ops.stack(hessian_rows, axis=1)
        return array_ops.stack([row[:, i] for i, row in enumerate(hessian_rows)], axis=1)

    def train(self, loss, predictions_dict, labels):
        """The op of one training step: statistics in, and a layer (or the bias) grown once
        ``examples_per_layer`` examples are in."""
        from ...gradients import gradients as gradients_lib
        from ...variables import Variable

        predictions = predictions_dict[PREDICTIONS]
        partition_ids = predictions_dict[PARTITION_IDS]
        strategy = self._learner_config.multi_class_strategy
        gradients = gradients_lib(loss, predictions, name="Gradients")[0]
        hessians = self._hessians(gradients, predictions, strategy)
        if self._center_bias:
            grads_sum = math_ops.reduce_sum(gradients, 0)
            hess = gradients_lib(grads_sum, predictions, name="Hessians")[0]
            hess_sum = math_ops.reduce_sum(hess, 0)
        else:
            grads_sum = hess_sum = array_ops.zeros([self._prediction_size])
        handler_state = Variable(b"", trainable=False, name="handler_state",
                                 dtype=dtypes.string)
        active_layer = Variable(array_ops.zeros([], dtypes.int64), trainable=False,
                                name="active_layer")
        examples_per_layer = self._examples_per_layer
        if callable(examples_per_layer):
            examples_per_layer = examples_per_layer(active_layer)
        examples_per_layer = math_ops.cast(examples_per_layer, dtypes.int64)
        with name_scope("gbdt_train"):
            ensemble_out, state_out, finalized, attempted = gbdt_ops.train_step(
                self._ensemble.value(), handler_state.value(), partition_ids, gradients,
                hessians, self._dense, grads_sum, hess_sum, examples_per_layer, self._config())
            stats = gbdt_ops.ensemble_stats(ensemble_out)
            updates = [self._ensemble.assign(ensemble_out), handler_state.assign(state_out),
                       self._finalized_trees.assign(finalized),
                       self._attempted_trees.assign(attempted),
                       active_layer.assign(stats["active_layer"])]
            from ... import group

            return group(*updates)

    def get_number_of_trees_tensor(self):
        return self._finalized_trees, self._attempted_trees
