"""The smaller pieces of ``tf.estimator``: the baseline estimators (a bias only, the
reference a model must beat), ``add_metrics``, and the parse specs for
``tf.train.Example`` input (``classifier_parse_example_spec``,
``regressor_parse_example_spec``)."""

from .. import dtypes, feature_column, init_ops
from ..ops import array_ops
from ..ops.parsing_ops import FixedLenFeature
from ..variable_scope import get_variable, variable_scope
from .canned import (
    _check_classes,
    _check_loss_reduction,
    _classifier_spec,
    _optimizer,
    _regressor_spec,
)
from .estimator import Estimator, ModeKeys

__all__ = ["BaselineClassifier", "BaselineRegressor", "add_metrics",
           "classifier_parse_example_spec", "regressor_parse_example_spec"]


def _bias_logits(features, units):
    """``[batch, units]``: the learned bias repeated for each example."""
    first = next(iter(features.values())) if isinstance(features, dict) else features
    batch = array_ops.shape(array_ops.reshape(first, [array_ops.shape(first)[0], -1]))[:1]
    with variable_scope("baseline"):
        bias = get_variable("bias", [units], initializer=init_ops.zeros_initializer())
    return array_ops.tile(array_ops.expand_dims(bias, 0), array_ops.concat([batch, [1]], 0))


class BaselineClassifier(Estimator):
    """Predicts the class distribution of the training labels, whatever the features."""

    def __init__(self, model_dir=None, n_classes=2, weight_column=None, label_vocabulary=None,
                 optimizer="Ftrl", config=None, loss_reduction=None):
        _check_loss_reduction(loss_reduction)
        _check_classes(n_classes, label_vocabulary)
        units = 1 if n_classes == 2 else n_classes

        def model_fn(features, labels, mode, config):
            logits = _bias_logits(features, units)
            return _classifier_spec(features, labels, mode, logits, n_classes,
                                    _optimizer(optimizer, 0.3), weight_column,
                                    label_vocabulary,
                                    loss_reduction=loss_reduction)

        super().__init__(model_fn, model_dir, config)


class BaselineRegressor(Estimator):
    """Predicts the mean of the training labels, whatever the features."""

    def __init__(self, model_dir=None, label_dimension=1, weight_column=None,
                 optimizer="Ftrl", config=None, loss_reduction=None):
        _check_loss_reduction(loss_reduction)
        def model_fn(features, labels, mode, config):
            outputs = _bias_logits(features, label_dimension)
            return _regressor_spec(features, labels, mode, outputs, label_dimension,
                                   _optimizer(optimizer, 0.3), weight_column,
                                   loss_reduction=loss_reduction)

        super().__init__(model_fn, model_dir, config)


def add_metrics(estimator, metric_fn):
    """A new Estimator like ``estimator`` whose evaluation also reports what
    ``metric_fn`` returns (a dict of metric pairs). ``metric_fn`` takes any of
    ``features``, ``labels``, ``predictions`` and ``config``, by name; a metric it names as
    the estimator does replaces the estimator's (TensorFlow 1.x's rule)."""
    from .estimator import _accepted_args

    allowed = {"features", "labels", "predictions", "config"}
    wanted = _accepted_args(metric_fn)
    if not set(wanted) <= allowed:
        raise ValueError(f"metric_fn ({metric_fn}) has following not expected args: "
                         f"{sorted(set(wanted) - allowed)}")

    def model_fn(features, labels, mode, config):
        spec = estimator._call_model_fn(features, labels, mode)
        if mode != ModeKeys.EVAL:
            return spec
        given = {"features": features, "labels": labels, "predictions": spec.predictions,
                 "config": config}
        metrics = dict(spec.eval_metric_ops or {})
        metrics.update(metric_fn(**{name: given[name] for name in wanted}))
        return spec._replace(eval_metric_ops=metrics)

    return Estimator(model_fn, estimator.model_dir, estimator.config)


def _weight_spec(weight_column):
    if weight_column is None:
        return {}
    if isinstance(weight_column, str):
        return {weight_column: FixedLenFeature((1,), dtypes.float32)}
    return feature_column.make_parse_example_spec([weight_column])


def classifier_parse_example_spec(feature_columns, label_key, label_dtype=dtypes.int64,
                                  label_default=None, weight_column=None):
    """The parse spec of the features plus a ``(1,)`` label of ``label_dtype``."""
    spec = feature_column.make_parse_example_spec(feature_columns)
    if label_key in spec:
        raise ValueError(f"label should not be used as feature. label_key: {label_key}, "
                         f"features: {sorted(spec)}")
    spec[label_key] = FixedLenFeature((1,), dtypes.as_dtype(label_dtype), label_default)
    spec.update(_weight_spec(weight_column))
    return spec


def regressor_parse_example_spec(feature_columns, label_key, label_dtype=dtypes.float32,
                                 label_default=None, label_dimension=1, weight_column=None):
    """The parse spec of the features plus a ``(label_dimension,)`` float label."""
    spec = feature_column.make_parse_example_spec(feature_columns)
    if label_key in spec:
        raise ValueError(f"label should not be used as feature. label_key: {label_key}, "
                         f"features: {sorted(spec)}")
    spec[label_key] = FixedLenFeature((label_dimension,), dtypes.as_dtype(label_dtype),
                                      label_default)
    spec.update(_weight_spec(weight_column))
    return spec

