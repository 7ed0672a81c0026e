"""The ``tf.contrib.learn`` Estimators of TensorFlow 1.0-1.2 (``DNNClassifier``,
``DNNRegressor``, ``LinearClassifier``, ``LinearRegressor``, ``DNNLinearCombined*``), as the
TF 1.0 tutorials use them: ``fit`` / ``evaluate`` / ``predict`` with either an ``input_fn``
or NumPy ``x`` and ``y``, features given as one tensor (the column named ``""``) or a dict.

Each is an adapter over the matching ``tf.estimator`` canned estimator: the same model,
checkpoints and metrics. What the old API adds: ``x``/``y`` arrays become input functions
(``fit``: shuffled batches of ``batch_size``, by default the whole ``x``, repeated; ``evaluate``
and ``predict``: one pass in order); ``predict`` of a classifier yields class ids (TF 1.0's
behaviour; ``predict_proba`` the probabilities), of a regressor the scores. The training loss
is the mean of the per-example losses (contrib.learn's heads take ``reduce_mean``), not the
batch sum of tf.estimator's canned heads: the same learning rate takes steps batch-size
times smaller.
"""

import re

import numpy as np

from ... import estimator as _estimator
from ...estimator import inputs as _inputs
from ...graph import get_default_graph
from ...losses import Reduction

# contrib.learn's heads train on the mean of the (weighted) per-example losses
# (``reduce_mean``), where tf.estimator's canned heads sum them over the batch.
_MEAN_LOSS = Reduction.SUM_OVER_BATCH_SIZE

__all__ = ["DNNClassifier", "DNNLinearCombinedClassifier", "DNNLinearCombinedRegressor",
           "DNNRegressor", "LinearClassifier", "LinearRegressor",
           "infer_real_valued_columns_from_input"]


def _as_dict(features):
    """A Tensor or array of features is the column named ""; a dict stays as it is."""
    return features if isinstance(features, dict) else {"": features}


def _wrap(input_fn):
    def wrapped():
        result = input_fn()
        if isinstance(result, tuple):
            features, labels = result
            return _as_dict(features), labels
        return _as_dict(result)

    return wrapped


def _numpy_input_fn(x, y, batch_size, shuffle, epochs):
    features = _as_dict(x)
    sizes = {np.shape(v)[0] for v in features.values()}
    if len(sizes) != 1:
        raise ValueError(f"the features' first dimensions differ: {sorted(sizes)}")
    size = sizes.pop()
    return _inputs.numpy_input_fn(
        {k: np.asarray(v) for k, v in features.items()},
        None if y is None else np.asarray(y),
        batch_size=batch_size or size, num_epochs=epochs, shuffle=shuffle)


def _input_fn(x, y, input_fn, batch_size, shuffle, epochs):
    if input_fn is not None:
        if x is not None or y is not None:
            raise ValueError("Either x or input_fn must be provided, not both.")
        if batch_size is not None:
            raise ValueError("batch_size must be None when input_fn is provided.")
        return _wrap(input_fn)
    if x is None:
        raise ValueError("Either x or input_fn must be provided.")
    return _numpy_input_fn(x, y, batch_size, shuffle, epochs)


def _fed_input(x, y, input_fn, batch_size, shuffle, epochs):
    """``(input_fn, hooks)``: ``input_fn`` as it is, or x / y through contrib.learn's data
    feeder (TensorFlow's batch order) with the hook that feeds it."""
    from ...train.session_run_hook import FeedFnHook
    from .learn_estimator import _get_input_fn

    input_fn, feed_fn = _get_input_fn(x, y, input_fn, None, batch_size, shuffle=shuffle,
                                      epochs=epochs)
    return _wrap(input_fn), ([FeedFnHook(feed_fn)] if feed_fn is not None else [])


def _numeric_keys(columns):
    """The names of the real-valued columns among ``columns``."""
    from ...feature_column import _NumericColumn

    return frozenset(c.key for c in columns or () if isinstance(c, _NumericColumn))


# tf.estimator's variable names (left) and contrib.learn's (right), for the parts both have:
# the linear model's weights and bias, the DNN's layers.
_LINEAR_WEIGHTS = re.compile(r"linear/linear_model/(?P<column>[^/]+)/weights(?P<rest>/.*)?")
_LINEAR_BIAS = re.compile(r"linear/linear_model/bias_weights(?P<rest>/.*)?")
_DNN_LAYER = re.compile(
    r"dnn/(?P<layer>hiddenlayer_\d+|logits)/(?P<part>kernel|bias)(?P<rest>/.*)?")


def _contrib_name(name, numeric_keys):
    """contrib.learn's name of the tf.estimator variable ``name``: ``linear/<column>/weight``
    for a real-valued column (``weights`` for the others), ``linear/bias_weight``,
    ``dnn/hiddenlayer_<i>/weights`` and ``biases`` (optimizer slots keep their suffix)."""
    match = _LINEAR_WEIGHTS.fullmatch(name)
    if match:
        column = match["column"]
        kind = "weight" if column in numeric_keys else "weights"
        return f"linear/{column}/{kind}{match['rest'] or ''}"
    match = _LINEAR_BIAS.fullmatch(name)
    if match:
        return f"linear/bias_weight{match['rest'] or ''}"
    match = _DNN_LAYER.fullmatch(name)
    if match:
        part = "weights" if match["part"] == "kernel" else "biases"
        return f"dnn/{match['layer']}/{part}{match['rest'] or ''}"
    return name


class _Adapter:
    """fit / evaluate / predict of contrib.learn onto a tf.estimator Estimator.

    Variables are listed and read under contrib.learn's names (``linear/<column>/weight``,
    ``dnn/hiddenlayer_0/weights``...); tf.estimator's names are accepted too."""

    def __init__(self, estimator, feature_columns=()):
        self._estimator = estimator
        self._numeric_keys = _numeric_keys(feature_columns)

    model_dir = property(lambda self: self._estimator.model_dir)
    config = property(lambda self: self._estimator.config)

    def fit(self, x=None, y=None, input_fn=None, steps=None, batch_size=None, monitors=None,
            max_steps=None):
        """Train for ``steps`` more steps (or up to ``max_steps``); returns self."""
        from .monitors import replace_monitors_with_hooks

        if x is not None and y is None and input_fn is None:
            raise ValueError("fit needs labels y with x")
        if steps is not None and max_steps is not None:
            raise ValueError("Can not provide both steps and max_steps.")
        input_fn, hooks = _fed_input(x, y, input_fn, batch_size, True, None)
        hooks = replace_monitors_with_hooks(monitors, self) + hooks
        self._estimator.train(input_fn, hooks=hooks, steps=steps, max_steps=max_steps)
        return self

    def partial_fit(self, x=None, y=None, input_fn=None, steps=1, batch_size=None,
                    monitors=None):
        return self.fit(x, y, input_fn, steps, batch_size, monitors)

    def evaluate(self, x=None, y=None, input_fn=None, feed_fn=None, batch_size=None,
                 steps=None, metrics=None, name=None, checkpoint_path=None, hooks=None):
        """The metrics dict over ``steps`` batches (or one pass of ``x``), with the extra
        ``metrics`` (MetricSpecs over contrib.learn's prediction keys) if given."""
        if feed_fn is not None:
            raise NotImplementedError("evaluate(feed_fn=...) is not provided; pass an "
                                      "input_fn")
        if metrics is not None and not isinstance(metrics, dict):
            raise ValueError(f"Metrics argument should be None or dict. Got {metrics}.")
        input_fn, feed_hooks = _fed_input(x, y, input_fn, batch_size, False, 1)
        return self._evaluation_estimator(metrics).evaluate(
            input_fn, steps=steps, hooks=list(hooks or []) + feed_hooks,
            checkpoint_path=checkpoint_path, name=name)

    def _evaluation_estimator(self, metrics):
        """The canned estimator, evaluated as contrib.learn's were: ``loss`` is the mean loss
        per example (weighted by the weight column; tf.estimator's ``average_loss`` is not
        reported), plus ``metrics``."""
        from ... import estimator as core
        from ... import metrics as metrics_lib
        from ...ops import array_ops, math_ops
        from .model_fn import make_metrics_ops

        canned = self._estimator
        weight_column = self._weight_column

        def model_fn(features, labels, mode, config):
            spec = canned._call_model_fn(features, labels, mode)
            if mode != core.ModeKeys.EVAL:
                return spec
            # spec.loss is the batch's mean loss (sum over the batch size); contrib.learn
            # reports the weighted sum over the summed weights.
            loss = math_ops.cast(spec.loss, "float32")
            if weight_column:
                total = math_ops.reduce_sum(math_ops.cast(features[weight_column], "float32"))
                batch = math_ops.cast(array_ops.shape(labels)[0], "float32")
                loss = loss * batch / total
            ops = dict(spec.eval_metric_ops)
            ops.pop("average_loss", None)
            ops["loss"] = metrics_lib.mean(loss)
            ops.update(make_metrics_ops(metrics, features, labels,
                                        self._contrib_predictions(spec.predictions)))
            return spec._replace(eval_metric_ops=ops)

        return core.Estimator(model_fn, canned.model_dir, canned.config)

    _weight_column = None

    @staticmethod
    def _contrib_predictions(predictions):
        return predictions

    def _predictions(self, x, input_fn, batch_size, key, as_iterable):
        wrapped = _input_fn(x, None, input_fn, batch_size, False, 1)
        state = {}

        def recording():
            result = wrapped()
            # contrib.learn's rule: inputs with no queue (or iterator) behind them are
            # constants, predicted once; others run until they are exhausted.
            from .learn_estimator import input_is_constant

            state["one_pass"] = input_fn is not None and input_is_constant(
                None, get_default_graph())
            return result

        def values():
            for batch in self._estimator.predict(recording, yield_single_examples=False):
                rows = batch[key] if isinstance(batch, dict) else batch
                for row in rows:
                    yield row[0] if key in ("class_ids", "predictions") and \
                        np.size(row) == 1 else row
                if state.get("one_pass"):
                    return

        return values() if as_iterable else np.array(list(values()))

    def _names(self):
        """contrib.learn's name -> tf.estimator's, for every variable of the checkpoint."""
        return {_contrib_name(name, self._numeric_keys): name
                for name in self._estimator.get_variable_names()}

    def get_variable_names(self):
        return list(self._names())

    def export_savedmodel(self, export_dir_base, serving_input_fn,
                          default_output_alternative_key=None, assets_extra=None,
                          as_text=False, checkpoint_path=None, strip_default_attrs=False):
        """A SavedModel of the model for ``serving_input_fn`` (``InputFnOps`` or a
        ``ServingInputReceiver``); returns its directory (bytes)."""
        from .export_utils import receiver_fn

        return self._estimator.export_savedmodel(
            export_dir_base, receiver_fn(serving_input_fn), assets_extra=assets_extra,
            as_text=as_text, checkpoint_path=checkpoint_path,
            strip_default_attrs=strip_default_attrs)

    def get_variable_value(self, name):
        names = self._names()
        return self._estimator.get_variable_value(names.get(name, name))


class _Classifier(_Adapter):
    @staticmethod
    def _contrib_predictions(predictions):
        from ...ops import array_ops

        return {"classes": array_ops.reshape(predictions["class_ids"], [-1]),
                "probabilities": predictions["probabilities"],
                "logits": predictions["logits"]}

    def predict(self, x=None, input_fn=None, batch_size=None, outputs=None, as_iterable=True):
        """The predicted class ids (TF 1.0-1.2's ``predict`` of a classifier)."""
        return self.predict_classes(x, input_fn, batch_size, as_iterable)

    def predict_classes(self, x=None, input_fn=None, batch_size=None, as_iterable=True):
        return self._predictions(x, input_fn, batch_size, "class_ids", as_iterable)

    def predict_proba(self, x=None, input_fn=None, batch_size=None, as_iterable=True):
        return self._predictions(x, input_fn, batch_size, "probabilities", as_iterable)


class _Regressor(_Adapter):
    @staticmethod
    def _contrib_predictions(predictions):
        from ...ops import array_ops

        scores = predictions["predictions"]
        if scores.shape.ndims == 2 and scores.shape.as_list()[1] == 1:
            scores = array_ops.reshape(scores, [-1])
        return {"scores": scores}

    def predict(self, x=None, input_fn=None, batch_size=None, outputs=None, as_iterable=True):
        """The predicted values."""
        return self.predict_scores(x, input_fn, batch_size, as_iterable)

    def predict_scores(self, x=None, input_fn=None, batch_size=None, as_iterable=True):
        return self._predictions(x, input_fn, batch_size, "predictions", as_iterable)


def _unsupported(name, value, default=None):
    if value is not default and value is not None and value is not False:
        raise NotImplementedError(f"contrib.learn's {name} is not provided")


class DNNClassifier(_Classifier):
    def __init__(self, hidden_units, feature_columns, model_dir=None, n_classes=2,
                 weight_column_name=None, optimizer=None, activation_fn=None, dropout=None,
                 gradient_clip_norm=None, enable_centered_bias=False, config=None,
                 feature_engineering_fn=None, embedding_lr_multipliers=None,
                 input_layer_min_slice_size=None, label_keys=None):
        _unsupported("gradient_clip_norm", gradient_clip_norm)
        _unsupported("feature_engineering_fn", feature_engineering_fn)
        _unsupported("embedding_lr_multipliers", embedding_lr_multipliers)
        kwargs = {} if activation_fn is None else {"activation_fn": activation_fn}
        self._weight_column = weight_column_name
        super().__init__(_estimator.DNNClassifier(
            hidden_units, feature_columns, model_dir=model_dir, n_classes=n_classes,
            weight_column=weight_column_name, label_vocabulary=label_keys,
            optimizer=optimizer or "Adagrad", dropout=dropout, loss_reduction=_MEAN_LOSS,
            config=config, **kwargs), feature_columns)


class DNNRegressor(_Regressor):
    def __init__(self, hidden_units, feature_columns, model_dir=None,
                 weight_column_name=None, optimizer=None, activation_fn=None, dropout=None,
                 gradient_clip_norm=None, enable_centered_bias=False, config=None,
                 feature_engineering_fn=None, label_dimension=1,
                 embedding_lr_multipliers=None, input_layer_min_slice_size=None):
        _unsupported("gradient_clip_norm", gradient_clip_norm)
        _unsupported("feature_engineering_fn", feature_engineering_fn)
        kwargs = {} if activation_fn is None else {"activation_fn": activation_fn}
        self._weight_column = weight_column_name
        super().__init__(_estimator.DNNRegressor(
            hidden_units, feature_columns, model_dir=model_dir,
            label_dimension=label_dimension, weight_column=weight_column_name,
            optimizer=optimizer or "Adagrad", dropout=dropout, loss_reduction=_MEAN_LOSS,
            config=config, **kwargs), feature_columns)


class LinearClassifier(_Classifier):
    def __init__(self, feature_columns, model_dir=None, n_classes=2, weight_column_name=None,
                 optimizer=None, gradient_clip_norm=None, enable_centered_bias=False,
                 _joint_weight=False, config=None, feature_engineering_fn=None,
                 label_keys=None):
        _unsupported("gradient_clip_norm", gradient_clip_norm)
        _unsupported("feature_engineering_fn", feature_engineering_fn)
        self._weight_column = weight_column_name
        super().__init__(_estimator.LinearClassifier(
            feature_columns, model_dir=model_dir, n_classes=n_classes,
            weight_column=weight_column_name, label_vocabulary=label_keys,
            optimizer=optimizer or "Ftrl", loss_reduction=_MEAN_LOSS,
            config=config), feature_columns)


class LinearRegressor(_Regressor):
    def __init__(self, feature_columns, model_dir=None, weight_column_name=None,
                 optimizer=None, gradient_clip_norm=None, enable_centered_bias=False,
                 label_dimension=1, _joint_weights=False, config=None,
                 feature_engineering_fn=None):
        _unsupported("gradient_clip_norm", gradient_clip_norm)
        _unsupported("feature_engineering_fn", feature_engineering_fn)
        self._weight_column = weight_column_name
        super().__init__(_estimator.LinearRegressor(
            feature_columns, model_dir=model_dir, label_dimension=label_dimension,
            weight_column=weight_column_name, optimizer=optimizer or "Ftrl",
            loss_reduction=_MEAN_LOSS,
            config=config), feature_columns)


class DNNLinearCombinedClassifier(_Classifier):
    def __init__(self, model_dir=None, n_classes=2, weight_column_name=None,
                 linear_feature_columns=None, linear_optimizer=None, _joint_linear_weights=False,
                 dnn_feature_columns=None, dnn_optimizer=None, dnn_hidden_units=None,
                 dnn_activation_fn=None, dnn_dropout=None, gradient_clip_norm=None,
                 enable_centered_bias=False, config=None, feature_engineering_fn=None,
                 embedding_lr_multipliers=None, input_layer_min_slice_size=None,
                 label_keys=None, fix_global_step_increment_bug=False):
        _unsupported("gradient_clip_norm", gradient_clip_norm)
        _unsupported("feature_engineering_fn", feature_engineering_fn)
        kwargs = {} if dnn_activation_fn is None else {"dnn_activation_fn": dnn_activation_fn}
        self._weight_column = weight_column_name
        super().__init__(_estimator.DNNLinearCombinedClassifier(
            model_dir=model_dir, linear_feature_columns=linear_feature_columns,
            linear_optimizer=linear_optimizer or "Ftrl", dnn_feature_columns=dnn_feature_columns,
            dnn_optimizer=dnn_optimizer or "Adagrad", dnn_hidden_units=dnn_hidden_units,
            dnn_dropout=dnn_dropout, n_classes=n_classes, weight_column=weight_column_name,
            label_vocabulary=label_keys, loss_reduction=_MEAN_LOSS,
            config=config, **kwargs),
            list(linear_feature_columns or []))


class DNNLinearCombinedRegressor(_Regressor):
    def __init__(self, model_dir=None, weight_column_name=None, linear_feature_columns=None,
                 linear_optimizer=None, _joint_linear_weights=False, dnn_feature_columns=None,
                 dnn_optimizer=None, dnn_hidden_units=None, dnn_activation_fn=None,
                 dnn_dropout=None, gradient_clip_norm=None, enable_centered_bias=False,
                 label_dimension=1, config=None, feature_engineering_fn=None,
                 embedding_lr_multipliers=None, input_layer_min_slice_size=None,
                 fix_global_step_increment_bug=False):
        _unsupported("gradient_clip_norm", gradient_clip_norm)
        _unsupported("feature_engineering_fn", feature_engineering_fn)
        kwargs = {} if dnn_activation_fn is None else {"dnn_activation_fn": dnn_activation_fn}
        self._weight_column = weight_column_name
        super().__init__(_estimator.DNNLinearCombinedRegressor(
            model_dir=model_dir, linear_feature_columns=linear_feature_columns,
            linear_optimizer=linear_optimizer or "Ftrl", dnn_feature_columns=dnn_feature_columns,
            dnn_optimizer=dnn_optimizer or "Adagrad", dnn_hidden_units=dnn_hidden_units,
            dnn_dropout=dnn_dropout, label_dimension=label_dimension,
            weight_column=weight_column_name, loss_reduction=_MEAN_LOSS,
            config=config, **kwargs),
            list(linear_feature_columns or []))


def infer_real_valued_columns_from_input(x):
    """Real-valued feature columns for ``x`` (an array: one column named "" of its width;
    a dict: one column per key)."""
    from ..layers_feature_columns import real_valued_column

    features = _as_dict(x)
    columns = []
    for key, value in features.items():
        value = np.asarray(value)
        width = int(np.prod(value.shape[1:])) if value.ndim > 1 else 1
        dtype = "float64" if value.dtype == np.float64 else "float32"
        columns.append(real_valued_column(key, dimension=width, dtype=dtype))
    return columns
