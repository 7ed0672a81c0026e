"""``TimeSeriesRegressor`` / ``ARRegressor``: the time series models on tf.estimator."""

import numpy as np

from .....estimator.estimator import Estimator as _Estimator
from .ar_model import ARModel
from .feature_keys import FilteringResults, PredictionFeatures, TrainEvalFeatures


def _tf():
    import smallflow

    return smallflow


def _last_value(name, tensor):
    """An eval metric holding the tensor's value from the last evaluation step."""
    tf = _tf()
    holder = tf.Variable(tf.zeros([0], tensor.dtype), trainable=False, validate_shape=False,
                         collections=[tf.GraphKeys.LOCAL_VARIABLES], name=f"{name}_value")
    update = tf.assign(holder, tensor, validate_shape=False)
    return holder.value(), update


class TimeSeriesRegressor(_Estimator):
    """An Estimator for a time series model (``model`` has ``train_outputs``,
    ``eval_outputs`` and ``predict_outputs``)."""

    def __init__(self, model, state_manager=None, optimizer=None, model_dir=None,
                 config=None, head_type=None):
        self.model = model
        self._ts_optimizer = optimizer

        def model_fn(features, mode):
            return self._timeseries_model_fn(features, mode)

        super().__init__(model_fn=model_fn, model_dir=model_dir, config=config)

    def _timeseries_model_fn(self, features, mode):
        tf = _tf()
        keys = tf.estimator.ModeKeys
        self.model._built_layers = None  # each mode builds its own graph
        if mode == keys.TRAIN:
            loss = self.model.train_outputs(features)
            optimizer = self._ts_optimizer or tf.train.AdagradOptimizer(0.1)
            train_op = optimizer.minimize(loss, global_step=tf.train.get_global_step())
            return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)
        if mode == keys.EVAL:
            outputs = self.model.eval_outputs(features)
            metrics = {"loss": tf.metrics.mean(outputs["loss"])}
            for key in ("times", "mean", "covariance", "observed"):
                metrics[key] = _last_value(key, outputs[key])
            parts = [_last_value(f"state_{i}", part)
                     for i, part in enumerate(outputs["start_tuple"])]
            metrics[FilteringResults.STATE_TUPLE] = (
                tuple(p[0] for p in parts), tf.group(*[p[1] for p in parts]))
            return tf.estimator.EstimatorSpec(mode, loss=outputs["loss"],
                                              eval_metric_ops=metrics)
        outputs = self.model.predict_outputs(features)
        predictions = dict(outputs)
        predictions["times"] = tf.identity(features[PredictionFeatures.TIMES])
        return tf.estimator.EstimatorSpec(mode, predictions=predictions)


class ARRegressor(TimeSeriesRegressor):
    """An autoregressive regressor (``ARModel`` on ``TimeSeriesRegressor``); the default
    optimizer is Adagrad with step size 0.1."""

    def __init__(self, periodicities, input_window_size, output_window_size, num_features,
                 exogenous_feature_columns=None, num_time_buckets=10,
                 loss=ARModel.NORMAL_LIKELIHOOD_LOSS, hidden_layer_sizes=None,
                 anomaly_prior_probability=None, anomaly_distribution=None, optimizer=None,
                 model_dir=None, config=None):
        if anomaly_prior_probability is not None or anomaly_distribution is not None:
            raise NotImplementedError("smallflow's ARRegressor has no anomaly mixture.")
        model = ARModel(periodicities=periodicities, input_window_size=input_window_size,
                        output_window_size=output_window_size, num_features=num_features,
                        num_time_buckets=num_time_buckets, loss=loss,
                        exogenous_feature_columns=exogenous_feature_columns,
                        hidden_layer_sizes=hidden_layer_sizes)
        super().__init__(model, optimizer=optimizer, model_dir=model_dir, config=config)


def predict_continuation_input_fn(evaluation, steps=None, times=None,
                                  exogenous_features=None):
    """An input_fn predicting after an evaluation: ``steps`` times following its last
    time (or explicit ``times`` [batch, steps]), from its end state."""
    if (steps is None) == (times is None):
        raise ValueError("Exactly one of steps and times must be given.")
    if exogenous_features:
        raise NotImplementedError("smallflow's predict_continuation_input_fn does not take "
                                  "exogenous_features.")
    last = np.asarray(evaluation[FilteringResults.TIMES])[:, -1:]
    if times is None:
        times = last + np.arange(1, int(steps) + 1)[None, :]
    times = np.asarray(times, np.int64)
    if times.ndim == 1:
        times = np.broadcast_to(times[None], (last.shape[0], times.shape[0]))
    state = tuple(np.asarray(part) for part in evaluation[FilteringResults.STATE_TUPLE])

    def input_fn():
        tf = _tf()
        features = {PredictionFeatures.TIMES: times,
                    PredictionFeatures.STATE_TUPLE: state}
        dataset = tf.data.Dataset.from_tensors(features)
        return dataset.make_one_shot_iterator().get_next(), None

    return input_fn


_ = TrainEvalFeatures
