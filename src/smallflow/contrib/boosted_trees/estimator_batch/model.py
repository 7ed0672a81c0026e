"""``tf.contrib.boosted_trees.estimator_batch.model``: ``model_builder``, the model function of
the GBDT estimators (TensorFlow 1.15)."""

import copy

import numpy as np

from .... import dtypes, train
from ....graph import name_scope
from ..gbdt_batch import GradientBoostedDecisionTreeModel
from .trainer_hooks import StopAfterNTrees

__all__ = ["ModelBuilderOutputType", "model_builder"]


class ModelBuilderOutputType:
    """What ``model_builder`` returns: contrib.learn's ``ModelFnOps`` or an ``EstimatorSpec``."""

    MODEL_FN_OPS = 0
    ESTIMATOR_SPEC = 1


def _ensemble_variable():
    from ....variables import Variable

    return Variable(np.array(b"", dtype=object), trainable=False, name="ensemble_model",
                    dtype=dtypes.string)


def model_builder(features, labels, mode, params, config,
                  output_type=ModelBuilderOutputType.MODEL_FN_OPS):
    """Builds the GBDT model for ``mode`` under ``params['head']``: a contrib.learn
    ``ModelFnOps`` (an ``EstimatorSpec`` when ``output_type`` says so), with a hook that stops
    training after ``num_trees`` trees."""
    head = params["head"]
    if features is None:
        raise ValueError("At least one feature must be specified.")
    if config is None:
        raise ValueError("Missing estimator RunConfig.")
    num_trees = params["num_trees"]
    center_bias = params["center_bias"]
    logits_modifier_function = params.get("logits_modifier_function")
    weight_column_name = params.get("weight_column_name")
    if not isinstance(features, dict):
        features = {features.name: features}
    training_features = copy.copy(features)
    training_features.pop(weight_column_name, None)
    global_step = train.get_or_create_global_step()
    ensemble = _ensemble_variable()
    gbdt_model = GradientBoostedDecisionTreeModel(
        is_chief=getattr(config, "is_chief", True),
        num_ps_replicas=getattr(config, "num_ps_replicas", 0), ensemble_handle=ensemble,
        center_bias=center_bias, examples_per_layer=params["examples_per_layer"],
        learner_config=params["learner_config"], feature_columns=params["feature_columns"],
        logits_dimension=head.logits_dimension, features=training_features,
        use_core_columns=params.get("use_core_libs", False),
        output_leaf_index=params.get("output_leaf_index", False),
        num_quantiles=params.get("num_quantiles", 100))
    with name_scope("gbdt"):
        predictions_dict = gbdt_model.predict(mode)
        logits = predictions_dict["predictions"]
        if logits_modifier_function:
            logits = logits_modifier_function(logits, features, mode)

    def _train_op_fn(loss):
        from .... import control_dependencies

        update_op = gbdt_model.train(loss, predictions_dict, labels)
        with control_dependencies([update_op]):
            return global_step.assign_add(1).op

    if output_type == ModelBuilderOutputType.ESTIMATOR_SPEC:
        spec = head.create_estimator_spec(features=features, mode=mode, labels=labels,
                                          train_op_fn=_train_op_fn, logits=logits)
        if num_trees and mode == "train":
            hooks = list(spec.training_hooks) + [_stop_hook(gbdt_model, num_trees,
                                                            center_bias)]
            spec = spec._replace(training_hooks=hooks)
        return spec
    model_fn_ops = head.create_model_fn_ops(features=features, mode=mode, labels=labels,
                                            train_op_fn=_train_op_fn, logits=logits)
    if num_trees:
        hooks = list(model_fn_ops.training_hooks or []) + [
            _stop_hook(gbdt_model, num_trees, center_bias)]
        model_fn_ops = model_fn_ops._replace(training_hooks=hooks)
    return model_fn_ops


def _stop_hook(gbdt_model, num_trees, center_bias):
    finalized, attempted = gbdt_model.get_number_of_trees_tensor()
    return StopAfterNTrees(num_trees + 1 if center_bias else num_trees, attempted, finalized)
