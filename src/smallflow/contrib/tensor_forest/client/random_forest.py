"""``tensorflow.contrib.tensor_forest.client.random_forest`` (TensorFlow 1.15): random forests
as Estimators.

``TensorForestEstimator`` is a ``tf.contrib.learn`` Estimator (``fit``/``evaluate``/
``predict`` with ``x``/``y`` arrays or an ``input_fn``), ``CoreTensorForestEstimator`` a
``tf.estimator`` one (``train``/``evaluate``/``predict``), ``MultiForestMultiHeadEstimator``
one forest per label column. Their model function (``get_model_fn``), as TensorFlow's:

- features given as one tensor become ``{'features': tensor}``; the weight and key columns are
  taken out of the features; the forest reads the rest (dense, concatenated in sorted key
  order), so ``num_features`` counts their columns;
- the forest's averaged leaf values are the head's *logits*: for more than two classes the
  class probabilities (so the head's ``probabilities`` are their softmax and its loss the
  softmax cross entropy of them, as in TensorFlow), for two classes the log-odds of class 1
  (``log(max(p / max(1 - p, 1e-6), 1e-6))``, which the binary head's sigmoid turns back into
  ``p``), for regression the leaf means;
- training runs the forest's training graph after the inference (control dependency) and
  adds 1 to the global step; the head's loss is what the early-stopping hook watches
  (``TensorForestLossHook``: stop after ``early_stopping_rounds`` steps without the loss
  falling below ``min_loss * (1 - early_stopping_loss_threshold)``);
- predictions add ``prediction_variance`` (the variance of the trees' values) and, with
  ``inference_tree_paths``, ``tree_paths``; a summary ``average_tree_size``;
- at the end of training a hook logs ``1: feature_importances`` (with
  ``report_feature_importances``) and runs ``9: clean up resources``. TensorFlow destroys
  the tree and statistics resources there; smallflow's trees are variables (kept in the
  checkpoint) and the statistics belong to the session, which ends with the training, so
  that op is a no-op.

``device_assigner``, ``local_eval`` and ``version`` are accepted and have no effect (one
process, no devices to assign).
"""

import smallflow as tf

from ...learn.learn_estimator import Estimator as _LearnEstimator
from ...learn.model_fn import ModeKeys as _LearnModeKeys
from ...learn.model_fn import ModelFnOps
from ..python import tensor_forest
from . import eval_metrics, learn_heads

KEYS_NAME = "keys"
LOSS_NAME = "rf_training_loss"
TREE_PATHS_PREDICTION_KEY = "tree_paths"
VARIANCE_PREDICTION_KEY = "prediction_variance"
ALL_SERVING_KEY = "tensorforest_all"
EPSILON = 0.000001

__all__ = ["ALL_SERVING_KEY", "CoreTensorForestEstimator", "EPSILON",
           "EveryCheckpointPreSaveListener", "KEYS_NAME", "LOSS_NAME",
           "ModelBuilderOutputType", "MultiForestMultiHeadEstimator",
           "TREE_PATHS_PREDICTION_KEY", "TensorForestEstimator", "TensorForestLossHook",
           "TensorForestRunOpAtEndHook", "VARIANCE_PREDICTION_KEY", "get_combined_model_fn",
           "get_model_fn"]


class ModelBuilderOutputType:
    MODEL_FN_OPS = 0
    ESTIMATOR_SPEC = 1


class TensorForestRunOpAtEndHook(tf.train.SessionRunHook):
    """Runs ``{name: op}`` at the end of the session (in sorted name order), logging each
    result as ``'name: value'``."""

    def __init__(self, op_dict):
        self._ops = op_dict

    def end(self, session):
        for name in sorted(self._ops.keys()):
            tf.logging.info(f"{name}: {session.run(self._ops[name])}")


class TensorForestLossHook(tf.train.SessionRunHook):
    """Requests a stop when the loss has not fallen for ``early_stopping_rounds`` steps."""

    def __init__(self, early_stopping_rounds, early_stopping_loss_threshold=None,
                 loss_op=None):
        self.early_stopping_rounds = early_stopping_rounds
        self.early_stopping_loss_threshold = early_stopping_loss_threshold
        self.loss_op = loss_op
        self.min_loss = None
        self.last_step = -1
        self.steps = 0  # steps since the loss last fell enough

    def before_run(self, run_context):
        loss = self.loss_op
        if loss is None:
            loss = run_context.session.graph.get_operation_by_name(LOSS_NAME).outputs[0]
        return tf.train.SessionRunArgs({"global_step": tf.train.get_global_step(),
                                        "current_loss": loss})

    def after_run(self, run_context, run_values):
        current_loss = run_values.results["current_loss"]
        current_step = run_values.results["global_step"]
        self.steps += 1
        # The global step going backwards (a recovery) starts the count again.
        if self.last_step == -1 or self.last_step > current_step:
            tf.logging.info("TensorForestLossHook resetting last_step.")
            self.last_step = current_step
            self.steps = 0
            self.min_loss = None
            return
        self.last_step = current_step
        threshold = self.early_stopping_loss_threshold or 0.0
        if self.min_loss is None or current_loss < self.min_loss - self.min_loss * threshold:
            self.min_loss = current_loss
            self.steps = 0
        if self.steps > self.early_stopping_rounds:
            tf.logging.info("TensorForestLossHook requesting stop.")
            run_context.request_stop()


class EveryCheckpointPreSaveListener(tf.train.CheckpointSaverListener):
    """Runs ``op`` before each checkpoint is saved."""

    def __init__(self, op):
        self._op = op

    def before_save(self, session, global_step_value):
        session.run(self._op)


def _get_default_head(params, weights_name, output_type, name=None):
    if output_type == ModelBuilderOutputType.MODEL_FN_OPS:
        if params.regression:
            return learn_heads.regression_head(weight_column_name=weights_name,
                                               label_dimension=params.num_outputs,
                                               enable_centered_bias=False, head_name=name)
        return learn_heads.multi_class_head(params.num_classes, weight_column_name=weights_name,
                                            enable_centered_bias=False, head_name=name)
    heads = tf.contrib.estimator
    reduction = tf.losses.Reduction.SUM_OVER_NONZERO_WEIGHTS
    if params.regression:
        return heads.regression_head(weight_column=weights_name,
                                     label_dimension=params.num_outputs, name=name,
                                     loss_reduction=reduction)
    if params.num_classes == 2:
        return heads.binary_classification_head(weight_column=weights_name, name=name,
                                                loss_reduction=reduction)
    return heads.multi_class_head(n_classes=params.num_classes, weight_column=weights_name,
                                  name=name, loss_reduction=reduction)


def _transform_features(features, feature_columns):
    """Each (dense) feature column's tensor added to the features under the column's name."""
    features = dict(features)
    for column in feature_columns:
        features[column.name] = tf.feature_column.input_layer(features, [column])
    return features


def _logits_of(probabilities, params):
    if params.regression or params.num_classes != 2:
        return probabilities
    positive = tf.slice(probabilities, [0, 1], [-1, 1])
    return tf.log(tf.maximum(positive / tf.maximum(1.0 - positive, EPSILON), EPSILON))


def get_model_fn(params, graph_builder_class, device_assigner, feature_columns=None,
                 weights_name=None, model_head=None, keys_name=None, early_stopping_rounds=100,
                 early_stopping_loss_threshold=0.001, num_trainers=1, trainer_id=0,
                 report_feature_importances=False, local_eval=False, head_scope=None,
                 include_all_in_serving=False,
                 output_type=ModelBuilderOutputType.MODEL_FN_OPS):
    """The model function of a forest (see the module's docstring)."""
    if model_head is None:
        model_head = _get_default_head(params, weights_name, output_type)

    def _model_fn(features, labels, mode):
        if isinstance(features, (tf.Tensor, tf.SparseTensor)):
            features = {"features": features}
        if not isinstance(features, dict):
            features = {"features": tf.convert_to_tensor(features)}
        if feature_columns:
            features = _transform_features(features, feature_columns)
        else:
            features = dict(features)
        weights = features.pop(weights_name) if weights_name in features else None
        keys = features.pop(keys_name) if keys_name in features else None

        graph_builder = graph_builder_class(params, device_assigner=None)
        probabilities, tree_paths, variance = graph_builder.inference_graph(features)
        tf.summary.scalar("average_tree_size", graph_builder.average_size())
        logits = _logits_of(probabilities, params)

        training_graph = None
        if labels is not None and mode == tf.estimator.ModeKeys.TRAIN:
            with tf.control_dependencies([logits.op]):
                training_graph = tf.group(
                    graph_builder.training_graph(features, labels, input_weights=weights,
                                                 num_trainers=num_trainers,
                                                 trainer_id=trainer_id),
                    tf.assign_add(tf.train.get_global_step(), 1))
        if weights is not None:
            features[weights_name] = weights

        def _train_fn(unused_loss):
            return training_graph

        ops_at_end = {"9: clean up resources": tf.no_op(name="clean_up_resources")}
        if report_feature_importances:
            ops_at_end["1: feature_importances"] = graph_builder.feature_importances()
        training_hooks = [TensorForestRunOpAtEndHook(ops_at_end)]

        if output_type == ModelBuilderOutputType.MODEL_FN_OPS:
            spec = model_head.create_model_fn_ops(features=features, labels=labels,
                                                  mode=_learn_mode(mode),
                                                  train_op_fn=_train_fn, logits=logits,
                                                  scope=head_scope)
        else:
            spec = model_head.create_estimator_spec(features=features, mode=mode,
                                                    labels=labels, train_op_fn=_train_fn,
                                                    logits=logits)
        if early_stopping_rounds:
            training_hooks.append(TensorForestLossHook(
                early_stopping_rounds,
                early_stopping_loss_threshold=early_stopping_loss_threshold,
                loss_op=spec.loss))
        predictions = dict(spec.predictions)
        if keys is not None:
            predictions[keys_name] = keys
        if params.inference_tree_paths:
            predictions[TREE_PATHS_PREDICTION_KEY] = tree_paths
        predictions[VARIANCE_PREDICTION_KEY] = variance
        replaced = {"predictions": predictions,
                    "training_hooks": training_hooks + list(spec.training_hooks)}
        if output_type == ModelBuilderOutputType.MODEL_FN_OPS:
            if include_all_in_serving:
                alternatives = dict(spec.output_alternatives or {})
                alternatives[ALL_SERVING_KEY] = ("unspecified", predictions)
                replaced["output_alternatives"] = alternatives
        elif include_all_in_serving:
            replaced["export_outputs"] = {
                ALL_SERVING_KEY: tf.estimator.export.PredictOutput(predictions)}
        return spec._replace(**replaced)

    return _model_fn


def _learn_mode(mode):
    return {tf.estimator.ModeKeys.TRAIN: _LearnModeKeys.TRAIN,
            tf.estimator.ModeKeys.EVAL: _LearnModeKeys.EVAL}.get(mode, _LearnModeKeys.INFER)


def _check_params(params):
    if not isinstance(params, tensor_forest.ForestHParams):
        raise TypeError(f"params must be a tensor_forest.ForestHParams, got {params!r}")
    return params.fill()


class TensorForestEstimator(_LearnEstimator):
    """A ``tf.contrib.learn`` Estimator that trains and evaluates a random forest."""

    def __init__(self, params, device_assigner=None, model_dir=None, feature_columns=None,
                 graph_builder_class=tensor_forest.RandomForestGraphs, config=None,
                 weights_name=None, keys_name=None, feature_engineering_fn=None,
                 early_stopping_rounds=100, early_stopping_loss_threshold=0.001,
                 num_trainers=1, trainer_id=0, report_feature_importances=False,
                 local_eval=False, version=None, head=None, include_all_in_serving=False):
        params = _check_params(params)
        super().__init__(
            model_fn=get_model_fn(
                params, graph_builder_class, device_assigner,
                feature_columns=feature_columns, model_head=head, weights_name=weights_name,
                keys_name=keys_name, early_stopping_rounds=early_stopping_rounds,
                early_stopping_loss_threshold=early_stopping_loss_threshold,
                num_trainers=num_trainers, trainer_id=trainer_id,
                report_feature_importances=report_feature_importances,
                local_eval=local_eval, include_all_in_serving=include_all_in_serving),
            model_dir=model_dir, config=config, feature_engineering_fn=feature_engineering_fn)


def get_combined_model_fn(model_fns):
    """One model function over several: label column i goes to ``model_fns[i]`` (in variable
    scope ``label_i``); train ops grouped, losses averaged, probabilities concatenated along
    the classes and class predictions stacked (``[batch, outputs]``)."""

    def _model_fn(features, labels, mode):
        results = []
        for i, model_fn in enumerate(model_fns):
            with tf.variable_scope(f"label_{i}"):
                results.append(model_fn(features, tf.slice(labels, [0, i], [-1, 1]), mode))
        hooks = [hook for result in results for hook in result.training_hooks]
        predictions = {}
        if mode in (_LearnModeKeys.EVAL, _LearnModeKeys.INFER, tf.estimator.ModeKeys.PREDICT):
            predictions[eval_metrics.INFERENCE_PROB_NAME] = tf.concat(
                [r.predictions[eval_metrics.INFERENCE_PROB_NAME] for r in results], axis=1)
            predictions[eval_metrics.INFERENCE_PRED_NAME] = tf.stack(
                [r.predictions[eval_metrics.INFERENCE_PRED_NAME] for r in results], axis=1)
        loss = None
        if mode in (_LearnModeKeys.EVAL, _LearnModeKeys.TRAIN):
            loss = tf.reduce_sum(tf.stack([r.loss for r in results])) / len(results)
        train_op = None
        if mode == _LearnModeKeys.TRAIN:
            train_op = tf.group(*[r.train_op for r in results])
        return ModelFnOps(mode=_learn_mode(mode), predictions=predictions, loss=loss,
                          train_op=train_op, training_hooks=hooks)

    return _model_fn


class MultiForestMultiHeadEstimator(_LearnEstimator):
    """One forest (its own ``ForestHParams``) per label column, as one contrib.learn
    Estimator."""

    def __init__(self, params_list, device_assigner=None, model_dir=None,
                 feature_columns=None, graph_builder_class=tensor_forest.RandomForestGraphs,
                 config=None, weights_name=None, keys_name=None, feature_engineering_fn=None,
                 early_stopping_rounds=100, num_trainers=1, trainer_id=0,
                 report_feature_importances=False, local_eval=False):
        model_fns = []
        for i, params in enumerate(params_list):
            params = _check_params(params)
            model_fns.append(get_model_fn(
                params, graph_builder_class, device_assigner, feature_columns=feature_columns,
                model_head=_get_default_head(params, weights_name,
                                             ModelBuilderOutputType.MODEL_FN_OPS,
                                             name=f"head{i}"),
                weights_name=weights_name, keys_name=keys_name,
                early_stopping_rounds=early_stopping_rounds, num_trainers=num_trainers,
                trainer_id=trainer_id, report_feature_importances=report_feature_importances,
                local_eval=local_eval, head_scope=f"output{i}"))
        super().__init__(model_fn=get_combined_model_fn(model_fns), model_dir=model_dir,
                         config=config, feature_engineering_fn=feature_engineering_fn)


class CoreTensorForestEstimator(tf.estimator.Estimator):
    """A ``tf.estimator`` Estimator that trains and evaluates a random forest."""

    def __init__(self, params, device_assigner=None, model_dir=None, feature_columns=None,
                 graph_builder_class=tensor_forest.RandomForestGraphs, config=None,
                 weights_name=None, keys_name=None, feature_engineering_fn=None,
                 early_stopping_rounds=100, early_stopping_loss_threshold=0.001,
                 num_trainers=1, trainer_id=0, report_feature_importances=False,
                 local_eval=False, version=None, head=None, include_all_in_serving=False):
        params = _check_params(params)
        model_fn = get_model_fn(
            params, graph_builder_class, device_assigner, feature_columns=feature_columns,
            model_head=head, weights_name=weights_name, keys_name=keys_name,
            early_stopping_rounds=early_stopping_rounds,
            early_stopping_loss_threshold=early_stopping_loss_threshold,
            num_trainers=num_trainers, trainer_id=trainer_id,
            report_feature_importances=report_feature_importances, local_eval=local_eval,
            include_all_in_serving=include_all_in_serving,
            output_type=ModelBuilderOutputType.ESTIMATOR_SPEC)

        def _core_model_fn(features, labels, mode):
            if feature_engineering_fn is not None:
                features, labels = feature_engineering_fn(features, labels)
            return model_fn(features, labels, mode)

        super().__init__(model_fn=_core_model_fn, model_dir=model_dir, config=config)
