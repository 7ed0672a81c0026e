"""``tf.contrib.boosted_trees.estimator_batch.estimator``: the GBDT (GTFlow) estimators of
TensorFlow 1.15 on contrib.learn's ``Estimator`` (``fit``/``evaluate``/``predict``), and the
core-Estimator one over a given core head."""

from ....contrib.learn import learn_estimator
from ....contrib.tensor_forest.client import learn_heads as head_lib
from ....estimator import Estimator as CoreEstimator
from ....ops import math_ops
from ..python.utils import losses
from . import model

__all__ = ["GradientBoostedDecisionTreeClassifier", "GradientBoostedDecisionTreeRegressor",
           "GradientBoostedDecisionTreeEstimator", "CoreGradientBoostedDecisionTreeEstimator"]


def _params(head, learner_config, num_trees, feature_columns, weight_column_name,
            examples_per_layer, logits_modifier_function, center_bias, use_core_libs,
            output_leaf_index, num_quantiles):
    return {"head": head, "feature_columns": feature_columns,
            "learner_config": learner_config, "num_trees": num_trees,
            "weight_column_name": weight_column_name, "examples_per_layer": examples_per_layer,
            "center_bias": center_bias, "logits_modifier_function": logits_modifier_function,
            "use_core_libs": use_core_libs, "output_leaf_index": output_leaf_index,
            "num_quantiles": num_quantiles}


class GradientBoostedDecisionTreeClassifier(learn_estimator.Estimator):
    """Classification with gradient boosted trees: binary (one logit, sigmoid) or, for
    ``n_classes`` > 2, softmax over ``n_classes`` logits."""

    def __init__(self, learner_config, examples_per_layer, n_classes=2, num_trees=None,
                 feature_columns=None, weight_column_name=None, model_dir=None, config=None,
                 label_keys=None, feature_engineering_fn=None, logits_modifier_function=None,
                 center_bias=True, use_core_libs=False, output_leaf_index=False,
                 override_global_step_value=None, num_quantiles=100):
        if n_classes > 2:
            # The multi-class loss as a sum of primitives, so it has second derivatives.
            def loss_fn(labels, logits, weights=None):
                result = losses.per_example_maxent_loss(labels=labels, logits=logits,
                                                        weights=weights, num_classes=n_classes)
                return math_ops.reduce_mean(result[0])
        else:
            loss_fn = None
        head = head_lib.multi_class_head(n_classes=n_classes,
                                         weight_column_name=weight_column_name,
                                         enable_centered_bias=False, loss_fn=loss_fn,
                                         label_keys=label_keys)
        if learner_config.num_classes == 0:
            learner_config.num_classes = n_classes
        elif learner_config.num_classes != n_classes:
            raise ValueError(f"n_classes ({n_classes}) doesn't match learner_config "
                             f"({learner_config.num_classes}).")
        super().__init__(model_fn=model.model_builder, params=_params(
            head, learner_config, num_trees, feature_columns, weight_column_name,
            examples_per_layer, logits_modifier_function, center_bias, use_core_libs,
            output_leaf_index, num_quantiles), model_dir=model_dir, config=config,
            feature_engineering_fn=feature_engineering_fn)


class GradientBoostedDecisionTreeRegressor(learn_estimator.Estimator):
    """Squared-error regression with gradient boosted trees over ``label_dimension``
    outputs."""

    def __init__(self, learner_config, examples_per_layer, label_dimension=1, num_trees=None,
                 feature_columns=None, label_name=None, weight_column_name=None,
                 model_dir=None, config=None, feature_engineering_fn=None,
                 logits_modifier_function=None, center_bias=True, use_core_libs=False,
                 output_leaf_index=False, override_global_step_value=None,
                 num_quantiles=100):
        head = head_lib.regression_head(label_name=label_name, label_dimension=label_dimension,
                                        weight_column_name=weight_column_name,
                                        enable_centered_bias=False)
        learner_config.num_classes = 2 if label_dimension == 1 else label_dimension
        super().__init__(model_fn=model.model_builder, params=_params(
            head, learner_config, num_trees, feature_columns, weight_column_name,
            examples_per_layer, logits_modifier_function, center_bias, use_core_libs,
            output_leaf_index, num_quantiles), model_dir=model_dir, config=config,
            feature_engineering_fn=feature_engineering_fn)


class GradientBoostedDecisionTreeEstimator(learn_estimator.Estimator):
    """Gradient boosted trees under a given contrib.learn ``head``."""

    def __init__(self, learner_config, examples_per_layer, head, num_trees=None,
                 feature_columns=None, weight_column_name=None, model_dir=None, config=None,
                 feature_engineering_fn=None, logits_modifier_function=None, center_bias=True,
                 use_core_libs=False, output_leaf_index=False,
                 override_global_step_value=None, num_quantiles=100):
        super().__init__(model_fn=model.model_builder, params=_params(
            head, learner_config, num_trees, feature_columns, weight_column_name,
            examples_per_layer, logits_modifier_function, center_bias, use_core_libs,
            output_leaf_index, num_quantiles), model_dir=model_dir, config=config,
            feature_engineering_fn=feature_engineering_fn)


class CoreGradientBoostedDecisionTreeEstimator(CoreEstimator):
    """Gradient boosted trees under a core head (``tf.contrib.estimator``'s), as a
    ``tf.estimator.Estimator``. As TensorFlow 1.15's, ``feature_engineering_fn`` and
    ``label_keys`` are accepted and not used."""

    def __init__(self, learner_config, examples_per_layer, head, num_trees=None,
                 feature_columns=None, weight_column_name=None, model_dir=None, config=None,
                 label_keys=None, feature_engineering_fn=None, logits_modifier_function=None,
                 center_bias=True, output_leaf_index=False, num_quantiles=100):
        params = _params(head, learner_config, num_trees, feature_columns, weight_column_name,
                         examples_per_layer, logits_modifier_function, center_bias, True,
                         output_leaf_index, num_quantiles)

        def _model_fn(features, labels, mode, config):
            return model.model_builder(features, labels, mode, params, config,
                                       output_type=model.ModelBuilderOutputType.ESTIMATOR_SPEC)

        super().__init__(model_fn=_model_fn, model_dir=model_dir, config=config)
