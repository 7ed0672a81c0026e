"""``tf.estimator.BoostedTreesClassifier`` and ``BoostedTreesRegressor`` (TensorFlow 1.15).

Gradient-boosted trees over bucketized and indicator feature columns. Each training step
reads one batch: its gradients and hessians (of the mean log loss or squared error, as
TensorFlow's heads) are summed per node and bucket; once ``n_batches_per_layer`` batches are
in (their sums averaged), a layer is added to the tree being grown, and a tree that reaches
``max_depth`` is finalized. With ``center_bias`` the first steps fit the bias by Newton steps
before any split. Training stops when ``n_trees`` trees are finalized (or after twice as many
layer attempts as the trees can hold). The algorithm lives in ``boosted_trees_core``; here are
its graph ops (the ensemble is a string variable, so checkpoints keep it), the model_fn and
the estimators, with ``experimental_feature_importances`` and
``experimental_predict_with_explanations``.
"""

import collections

import numpy as np

from .. import dtypes, feature_column, train
from ..graph import convert_to_tensor, name_scope
from ..op_signature import signature, type_list
from ..ops import array_ops, control_flow_ops, math_ops
from ..ops.common import make_op
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape
from . import canned
from .boosted_trees_core import PRUNING_MODES, GrowerState, best_splits_for_feature
from .estimator import Estimator, EstimatorSpec, ModeKeys

__all__ = ["BoostedTreesClassifier", "BoostedTreesRegressor"]

_TreeHParams = collections.namedtuple("TreeHParams", [
    "n_trees", "max_depth", "learning_rate", "l1", "l2", "tree_complexity",
    "min_node_weight", "center_bias", "pruning_mode"])


# -- graph ops ---------------------------------------------------------------------------------


def _predict_kernel(attrs, *state):
    def predict(serialized, *features):
        logits, node_ids = GrowerState.from_bytes(serialized).predict(
            [np.asarray(f).reshape(-1) for f in features])
        return logits, node_ids

    return predict


_FEATURES = type_list((dtypes.int32,))
register_op("SmallflowBoostedTreesPredict", _predict_kernel,
            lambda op: [TensorShape([None, 1]), TensorShape([None])],
            signature=signature("ensemble: string, features: Tfeatures -> logits: float32, "
                                "node_ids: int32", Tfeatures=_FEATURES))
NotDifferentiable("SmallflowBoostedTreesPredict")


def _states_kernel(attrs, *state):
    def states(serialized):
        num_trees, finalized, attempted, _ = GrowerState.from_bytes(serialized).states()
        return (np.int32(num_trees), np.int32(finalized), np.int32(attempted))

    return states


register_op("SmallflowBoostedTreesStates", _states_kernel,
            lambda op: [TensorShape([]), TensorShape([]), TensorShape([])],
            signature=signature("ensemble: string -> num_trees: int32, "
                                "num_finalized_trees: int32, num_attempted_layers: int32"))
NotDifferentiable("SmallflowBoostedTreesStates")


def _update_kernel(attrs, *state):
    hp = attrs["hparams"]
    bucket_sizes = attrs["bucket_sizes"]
    max_splits = (1 << hp.max_depth) - 1
    in_memory = attrs["train_in_memory"]
    n_batches = attrs["n_batches_per_layer"]

    def layer_stats(node_ids, gradients, hessians, features):
        stats = []
        for feature, buckets in zip(features, bucket_sizes, strict=True):
            # TensorFlow's kernel sums each bucket in double precision, then stores float32.
            summary = np.zeros((max_splits, buckets, 2), np.float64)
            keep = (node_ids >= 0) & (node_ids < max_splits)
            np.add.at(summary, (node_ids[keep], feature[keep], 0), gradients[keep])
            np.add.at(summary, (node_ids[keep], feature[keep], 1), hessians[keep])
            stats.append(summary.astype(np.float32))
        return stats

    def grow(grower, stats):
        first, last = grower.states()[3]
        candidates = {fid: best_splits_for_feature(s, first, last, hp.l1, hp.l2,
                                                   hp.tree_complexity, hp.min_node_weight)
                      for fid, s in enumerate(stats)}
        grower.grow(candidates, hp.learning_rate, hp.max_depth,
                    PRUNING_MODES[hp.pruning_mode])

    def update(serialized, node_ids, gradients, hessians, *features):
        grower = GrowerState.from_bytes(serialized, hp.center_bias)
        gradients = np.asarray(gradients, np.float32).reshape(-1)
        hessians = np.asarray(hessians, np.float32).reshape(-1)
        node_ids = np.asarray(node_ids).reshape(-1)
        features = [np.asarray(f).reshape(-1) for f in features]
        if grower.center_bias_needed:
            means = np.array([np.mean(gradients, dtype=np.float32),
                              np.mean(hessians, dtype=np.float32)], np.float32)
            if in_memory:
                grower.center_bias(means[0], means[1], hp.l1, hp.l2)
            else:
                grower.bias_accumulated = (means if grower.bias_count == 0
                                           else grower.bias_accumulated + means)
                grower.bias_count += 1
                if grower.bias_count >= n_batches:
                    mean = grower.bias_accumulated / np.float32(grower.bias_count)
                    grower.bias_accumulated, grower.bias_count = None, 0
                    grower.center_bias(mean[0], mean[1], hp.l1, hp.l2)
            return np.array(grower.to_bytes(), dtype=object)
        stats = layer_stats(node_ids, gradients, hessians, features)
        if in_memory:
            grow(grower, stats)
        else:
            if grower.accumulated_count == 0:
                grower.accumulated = stats
            else:
                grower.accumulated = [a + s for a, s in zip(grower.accumulated, stats,
                                                            strict=True)]
            grower.accumulated_count += 1
            if grower.accumulated_count >= n_batches:
                count = np.float32(grower.accumulated_count)
                averaged = [a / count for a in grower.accumulated]
                grower.accumulated, grower.accumulated_count = None, 0
                grow(grower, averaged)
        return np.array(grower.to_bytes(), dtype=object)

    return update


register_op("SmallflowBoostedTreesUpdate", _update_kernel, lambda op: [TensorShape([])],
            stateful=True,
            signature=signature("ensemble: string, node_ids: int32, gradients: float32, "
                                "hessians: float32, features: Tfeatures -> ensemble_out: "
                                "string", Tfeatures=_FEATURES))
NotDifferentiable("SmallflowBoostedTreesUpdate")


def _debug_kernel(attrs, *state):
    def debug(serialized, *features):
        grower = GrowerState.from_bytes(serialized)
        features = [np.asarray(f).reshape(-1) for f in features]
        batch = len(features[0]) if features else 0
        out = np.empty(batch, dtype=object)
        for index in range(batch):
            out[index] = repr(grower.paths(features, index)).encode()
        return out

    return debug


register_op("SmallflowBoostedTreesDebugPaths", _debug_kernel, lambda op: [TensorShape([None])],
            signature=signature("ensemble: string, features: Tfeatures -> paths: string",
                                Tfeatures=_FEATURES))
NotDifferentiable("SmallflowBoostedTreesDebugPaths")


# -- feature columns ---------------------------------------------------------------------------


def _column_features(features, columns):
    """Bucket ids (int32 ``[batch]``) per feature id, their bucket counts and names: a
    bucketized column is one feature; an indicator column is one two-bucket feature per
    category, all named after the categorical column (TensorFlow's mapping)."""
    tensors, sizes, names, kinds = [], [], [], []
    for column in columns:
        if isinstance(column, feature_column._BucketizedColumn):
            if column.source_column.shape not in ((1,), ()):
                raise ValueError(f"BoostedTrees takes bucketized columns of one value per "
                                 f"example; {column.name} has shape "
                                 f"{column.source_column.shape}")
            dense = feature_column.input_layer(features, [column])
            tensors.append(math_ops.cast(math_ops.argmax(dense, 1), dtypes.int32))
            sizes.append(column.num_buckets)
            names.append(column.name)
            kinds.append("bucketized")
        elif isinstance(column, feature_column._IndicatorColumn):
            dense = math_ops.cast(feature_column.input_layer(features, [column]), dtypes.int32)
            for index in range(column.categorical_column.num_buckets):
                tensors.append(dense[:, index])
                sizes.append(2)
                names.append(column.categorical_column.name)
                kinds.append("indicator")
        else:
            raise ValueError(f"BoostedTrees takes bucketized_column and indicator_column "
                             f"feature columns; got {column!r} (bucketize numeric columns "
                             f"with tf.feature_column.bucketized_column)")
    # TensorFlow 1.15 gathers every bucketized feature's statistics over as many buckets as
    # the largest bucketized column has (at least 2); the extra buckets stay empty.
    widest = max([2] + [size for size, column in zip(sizes, kinds, strict=True)
                        if column == "bucketized"])
    sizes = [widest if kind == "bucketized" else size
             for size, kind in zip(sizes, kinds, strict=True)]
    return tensors, sizes, names


# -- model_fn ----------------------------------------------------------------------------------


class _StopAtAttemptsHook(train.SessionRunHook):
    """Stops training once ``n_trees`` trees are finalized or too many layers were tried."""

    def __init__(self, states, max_trees, max_depth):
        self._states = states
        self._max_trees = max_trees
        self._max_depth = max_depth

    def after_run(self, run_context, run_values):
        _, finalized, attempted = run_context.session.run(self._states)
        if finalized >= self._max_trees or attempted > 2 * self._max_trees * self._max_depth:
            run_context.request_stop()


def _ensemble_variable():
    from ..variables import Variable

    return Variable(np.array(b"", dtype=object), trainable=False, name="tree_ensemble",
                    dtype=dtypes.string)


class _Trainer:
    """The canned heads call ``minimize``: here it builds the boosting step instead."""

    def __init__(self, build):
        self._build = build

    def minimize(self, loss, global_step=None):
        return self._build(loss)


def _bt_model_fn(features, labels, mode, columns, hparams, n_batches_per_layer,
                 train_in_memory, classifier, spec_args):
    with name_scope("boosted_trees"):
        global_step = train.get_or_create_global_step()
        ensemble = _ensemble_variable()
        feature_list, sizes, _ = _column_features(features, columns)
        predict_op = make_op("SmallflowBoostedTreesPredict", [ensemble.value()] + feature_list,
                             [dtypes.float32, dtypes.int32], name="predict")
        logits, node_ids = predict_op.outputs
        states = make_op("SmallflowBoostedTreesStates", [ensemble.value()],
                         [dtypes.int32] * 3, name="ensemble_states").outputs

    def build_train_op(loss):
        with name_scope("boosted_trees/train"):
            if classifier:
                predictions = math_ops.reciprocal(math_ops.exp(-logits) + 1.0)
                size = math_ops.cast(array_ops.size(predictions), dtypes.float32)
                normalizer = math_ops.reciprocal(size)
                target = array_ops.reshape(math_ops.cast(convert_to_tensor(labels),
                                                         dtypes.float32), [-1, 1])
                gradients = (predictions - target) * normalizer
                hessians = predictions * (1.0 - predictions) * normalizer
            else:
                size = math_ops.cast(array_ops.size(logits), dtypes.float32)
                scale = 2.0 * math_ops.reciprocal(size)
                target = array_ops.reshape(math_ops.cast(convert_to_tensor(labels),
                                                         dtypes.float32), [-1, 1])
                gradients = scale * (logits - target)
                hessians = array_ops.ones_like(logits) * scale
            attrs = {"hparams": hparams, "bucket_sizes": sizes,
                     "train_in_memory": train_in_memory,
                     "n_batches_per_layer": n_batches_per_layer}
            updated = make_op("SmallflowBoostedTreesUpdate",
                              [ensemble.value(), node_ids, gradients, hessians] + feature_list,
                              [dtypes.string], attrs, name="update").outputs[0]
            assign = ensemble.assign(updated)
            with control_flow_ops.control_dependencies([assign]):
                return global_step.assign_add(1).op

    trainer = _Trainer(build_train_op)
    if classifier:
        spec = canned._classifier_spec(features, labels, mode, logits, 2, trainer,
                                       loss_reduction="weighted_sum_over_batch_size",
                                       **spec_args)
    else:
        spec = canned._regressor_spec(features, labels, mode, logits, 1, trainer,
                                      loss_reduction="weighted_sum_over_batch_size",
                                      **spec_args)
    if mode != ModeKeys.TRAIN:
        return spec
    hook = _StopAtAttemptsHook(states, hparams.n_trees, hparams.max_depth)
    return EstimatorSpec(mode, predictions=spec.predictions, loss=spec.loss,
                         train_op=spec.train_op, training_hooks=(*spec.training_hooks, hook))


def _validate(hparams, n_batches_per_layer, train_in_memory):
    if hparams.n_trees <= 0:
        raise ValueError("n_trees must be a positive integer.")
    if hparams.max_depth <= 0:
        raise ValueError("max_depth must be a positive integer.")
    if hparams.pruning_mode not in PRUNING_MODES:
        raise ValueError(f"pruning_mode {hparams.pruning_mode!r} is not one of none, pre, "
                         f"post")
    if hparams.tree_complexity > 0 and hparams.pruning_mode == "none":
        raise ValueError("Tree complexity have no effect unless pruning mode is chosen.")
    if hparams.tree_complexity <= 0 and hparams.pruning_mode != "none":
        raise ValueError("For pruning, tree_complexity must be positive.")
    if train_in_memory and n_batches_per_layer != 1:
        raise ValueError("When train_in_memory is enabled, input_fn should return the "
                         "entire dataset as a single batch, and n_batches_per_layer should "
                         "be set as 1.")
    if n_batches_per_layer < 1:
        raise ValueError(f"n_batches_per_layer must be positive; got {n_batches_per_layer}")


class _BoostedTreesBase(Estimator):
    def __init__(self, feature_columns, n_batches_per_layer, model_dir, config, hparams,
                 train_in_memory, classifier, spec_args):
        _validate(hparams, n_batches_per_layer, train_in_memory)
        columns = sorted(feature_columns, key=lambda c: c.name)
        self._sorted_feature_columns = columns
        self._center_bias = hparams.center_bias
        self._is_classification = classifier
        self._spec_args = spec_args

        def model_fn(features, labels, mode, config):
            return _bt_model_fn(features, labels, mode, columns, hparams,
                                n_batches_per_layer, train_in_memory, classifier, spec_args)

        super().__init__(model_fn=model_fn, model_dir=model_dir, config=config)
        _, _, self._feature_col_names = _names_only(columns)

    def _trained_ensemble(self):
        from ..train import checkpoint_utils

        path = train.latest_checkpoint(self.model_dir)
        serialized = (checkpoint_utils.load_variable(path, "boosted_trees/tree_ensemble")
                      if path else b"")
        if isinstance(serialized, np.ndarray):
            serialized = serialized.item()
        if not serialized:
            raise ValueError("Found empty serialized string for TreeEnsemble.You should only "
                             "call this method after training.")
        return GrowerState.from_bytes(serialized)

    def experimental_feature_importances(self, normalize=False):
        """Gain-based importances: an OrderedDict of feature column name -> summed split
        gain, largest first (normalized to sum 1 with ``normalize``)."""
        names = self._feature_col_names
        importances = self._trained_ensemble().importances(len(names))
        if normalize:
            if np.any(importances < 0):
                raise AssertionError("feature_importances must be non-negative.")
            total = np.sum(importances)
            if not total > 0:
                raise AssertionError("Trees are all empty or contain only a root node.")
            importances = importances / total
        return _sum_by_name_and_sort(names, importances)

    def experimental_predict_with_explanations(self, input_fn, predict_keys=None, hooks=None,
                                               checkpoint_path=None):
        """Predictions with ``dfc`` (each feature's directional contribution, an OrderedDict
        sorted by absolute value) and ``bias``: in probabilities for the classifier."""
        if not self._center_bias:
            raise ValueError("center_bias must be enabled during estimator instantiation "
                             "when using experimental_predict_with_explanations.")
        columns = self._sorted_feature_columns
        classifier = self._is_classification
        spec_args = self._spec_args

        def explain_fn(features, labels, mode, config):
            with name_scope("boosted_trees"):
                ensemble = _ensemble_variable()
                feature_list, _, _ = _column_features(features, columns)
                inputs = [ensemble.value(), *feature_list]
                logits, _ = make_op("SmallflowBoostedTreesPredict", inputs,
                                    [dtypes.float32, dtypes.int32], name="predict").outputs
                paths = make_op("SmallflowBoostedTreesDebugPaths", inputs, [dtypes.string],
                                name="debug").outputs[0]
            if classifier:
                spec = canned._classifier_spec(features, None, ModeKeys.PREDICT, logits, 2,
                                               None, **spec_args)
            else:
                spec = canned._regressor_spec(features, None, ModeKeys.PREDICT, logits, 1,
                                              None, **spec_args)
            predictions = dict(spec.predictions, _debug_paths=paths)
            return EstimatorSpec(ModeKeys.PREDICT, predictions=predictions)

        explainer = Estimator(model_fn=explain_fn, model_dir=self.model_dir,
                              config=self.config)
        keys = None if predict_keys is None else [*predict_keys, "_debug_paths"]
        activation = ((lambda v: 1.0 / (1.0 + np.exp(-np.asarray(v)))) if classifier
                      else np.asarray)
        names = self._feature_col_names
        for prediction in explainer.predict(input_fn, predict_keys=keys, hooks=hooks,
                                            checkpoint_path=checkpoint_path):
            import ast

            feature_ids, path = ast.literal_eval(prediction.pop("_debug_paths").decode())
            values = activation(path)
            deltas = values[1:] - values[:-1]
            contributions = np.bincount(np.asarray(feature_ids, np.int64), weights=deltas,
                                        minlength=len(names))
            prediction["bias"] = values[0]
            prediction["dfc"] = _sum_by_name_and_sort(names, contributions)
            yield prediction


def _names_only(columns):
    names = []
    for column in columns:
        if isinstance(column, feature_column._IndicatorColumn):
            names.extend([column.categorical_column.name]
                         * column.categorical_column.num_buckets)
        elif isinstance(column, feature_column._BucketizedColumn):
            names.append(column.name)
        else:
            raise ValueError(f"BoostedTrees takes bucketized_column and indicator_column "
                             f"feature columns; got {column!r} (bucketize numeric columns "
                             f"with tf.feature_column.bucketized_column)")
    return None, None, names


def _sum_by_name_and_sort(names, values):
    totals = {}
    for name, value in zip(names, values, strict=True):
        totals[name] = totals.get(name, 0) + value
    return collections.OrderedDict(sorted(totals.items(), key=lambda item: abs(item[1]),
                                          reverse=True))


class BoostedTreesClassifier(_BoostedTreesBase):
    """A binary classifier of gradient-boosted trees (log loss, sigmoid of the summed leaf
    values)."""

    def __init__(self, feature_columns, n_batches_per_layer, model_dir=None, n_classes=2,
                 weight_column=None, label_vocabulary=None, n_trees=100, max_depth=6,
                 learning_rate=0.1, l1_regularization=0.0, l2_regularization=0.0,
                 tree_complexity=0.0, min_node_weight=0.0, config=None, center_bias=False,
                 pruning_mode="none", quantile_sketch_epsilon=0.01, train_in_memory=False):
        if n_classes != 2:
            raise ValueError(f"BoostedTreesClassifier here supports n_classes=2 only; got "
                             f"{n_classes}")
        if weight_column is not None or label_vocabulary is not None:
            raise ValueError("BoostedTreesClassifier here takes no weight_column or "
                             "label_vocabulary")
        hparams = _TreeHParams(n_trees, max_depth, learning_rate, l1_regularization,
                               l2_regularization, tree_complexity, min_node_weight,
                               center_bias, pruning_mode)
        super().__init__(feature_columns, n_batches_per_layer, model_dir, config, hparams,
                         train_in_memory, True, {})


class BoostedTreesRegressor(_BoostedTreesBase):
    """A regressor of gradient-boosted trees (mean squared error)."""

    def __init__(self, feature_columns, n_batches_per_layer, model_dir=None,
                 label_dimension=1, weight_column=None, n_trees=100, max_depth=6,
                 learning_rate=0.1, l1_regularization=0.0, l2_regularization=0.0,
                 tree_complexity=0.0, min_node_weight=0.0, config=None, center_bias=False,
                 pruning_mode="none", quantile_sketch_epsilon=0.01, train_in_memory=False):
        if label_dimension != 1:
            raise ValueError(f"BoostedTreesRegressor here supports label_dimension=1 only; "
                             f"got {label_dimension}")
        if weight_column is not None:
            raise ValueError("BoostedTreesRegressor here takes no weight_column")
        hparams = _TreeHParams(n_trees, max_depth, learning_rate, l1_regularization,
                               l2_regularization, tree_complexity, min_node_weight,
                               center_bias, pruning_mode)
        super().__init__(feature_columns, n_batches_per_layer, model_dir, config, hparams,
                         train_in_memory, False, {})
