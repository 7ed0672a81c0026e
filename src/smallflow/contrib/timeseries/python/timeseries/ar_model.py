"""``ARModel``: an autoregressive window model (TensorFlow 1.15's contrib.timeseries).

A window of ``input_window_size + output_window_size`` steps is one example: the values of
the first ``input_window_size`` steps, and periodic time features of every step (for each
periodicity, ``(time % period)`` spread over ``num_time_buckets`` soft buckets), go through
``hidden_layer_sizes`` ReLU layers to a mean (and, for the normal likelihood loss, a log
variance) of each of the ``output_window_size`` next steps. Evaluation covers a long series
with non-overlapping output windows; prediction feeds predictions back as inputs. Values are
not rescaled by input statistics (TensorFlow's optional normalization is left out).
"""

import math

import numpy as np

from .feature_keys import PredictionFeatures, TrainEvalFeatures


def _tf():
    import smallflow

    return smallflow


class ARModel:
    """Autoregressive model over windows; see the module docstring."""

    SQUARED_LOSS = "squared_loss"
    NORMAL_LIKELIHOOD_LOSS = "normal_likelihood_loss"

    def __init__(self, periodicities, input_window_size, output_window_size, num_features,
                 prediction_model_factory=None, num_time_buckets=10,
                 loss=NORMAL_LIKELIHOOD_LOSS, exogenous_feature_columns=None,
                 hidden_layer_sizes=None):
        if input_window_size < 0 or output_window_size <= 0:
            raise ValueError("input_window_size must be >= 0 and output_window_size > 0, got "
                             f"{input_window_size} and {output_window_size}.")
        if loss not in (self.SQUARED_LOSS, self.NORMAL_LIKELIHOOD_LOSS):
            raise ValueError(f"Unknown loss {loss!r}: use ARModel.SQUARED_LOSS or "
                             "ARModel.NORMAL_LIKELIHOOD_LOSS.")
        if exogenous_feature_columns:
            raise NotImplementedError("smallflow's ARModel does not take "
                                      "exogenous_feature_columns.")
        if periodicities is None:
            periodicities = []
        elif not isinstance(periodicities, (list, tuple)):
            periodicities = [periodicities]
        self.periodicities = list(periodicities)
        self.input_window_size = int(input_window_size)
        self.output_window_size = int(output_window_size)
        self.window_size = self.input_window_size + self.output_window_size
        self.num_features = int(num_features)
        self.num_time_buckets = int(num_time_buckets)
        self.loss = loss
        self.hidden_layer_sizes = list(hidden_layer_sizes or [])
        self.dtype = None

    # -- graph pieces ---------------------------------------------------------------------------
    def _time_features(self, times):
        """[batch, steps, periods * buckets] soft one-hot of each time's phase."""
        tf = _tf()
        if not self.periodicities:
            return None
        times = tf.cast(times, tf.int64)
        parts = []
        buckets = self.num_time_buckets
        offsets = tf.constant(np.arange(buckets, dtype=np.float32))
        for period in self.periodicities:
            phase = tf.cast(tf.mod(times, int(period)), tf.float32) * (buckets / period)
            distance = tf.nn.relu(tf.expand_dims(phase, -1) - offsets)
            parts.append(tf.where(distance < 1.0, distance, tf.zeros_like(distance)))
        return tf.concat(parts, axis=-1) if len(parts) > 1 else parts[0]

    def _layers(self):
        tf = _tf()
        if getattr(self, "_built_layers", None) is None:
            hidden = [tf.layers.Dense(size, activation=tf.nn.relu, name=f"hidden_layer_{i}")
                      for i, size in enumerate(self.hidden_layer_sizes)]
            width = self.output_window_size * self.num_features
            mean = tf.layers.Dense(width, name="predicted_mean")
            var = tf.layers.Dense(width, name="log_sigma_square")
            self._built_layers = (hidden, mean, var)
        return self._built_layers

    def prediction_ops(self, times, values):
        """Mean and covariance [batch, output_window_size, num_features] of the window's
        last ``output_window_size`` steps given ``times`` [batch, window_size] and the
        first ``input_window_size`` ``values``."""
        tf = _tf()
        hidden, mean_layer, var_layer = self._layers()
        pieces = []
        if self.input_window_size > 0:
            pieces.append(tf.reshape(tf.cast(values, tf.float32),
                                     [-1, self.input_window_size * self.num_features]))
        time_features = self._time_features(times)
        if time_features is not None:
            width = self.window_size * len(self.periodicities) * self.num_time_buckets
            pieces.append(tf.reshape(time_features, [-1, width]))
        if not pieces:
            raise ValueError("ARModel needs input_window_size > 0 or periodicities.")
        activation = tf.concat(pieces, axis=1) if len(pieces) > 1 else pieces[0]
        for layer in hidden:
            activation = layer(activation)
        shape = [-1, self.output_window_size, self.num_features]
        mean = tf.reshape(mean_layer(activation), shape)
        if self.loss == self.NORMAL_LIKELIHOOD_LOSS:
            covariance = tf.reshape(tf.exp(var_layer(activation)), shape)
        else:
            covariance = tf.ones_like(mean)
        return {"mean": mean, "covariance": covariance}

    def loss_op(self, targets, prediction_ops):
        """Mean negative normal log likelihood, or mean squared error."""
        tf = _tf()
        mean = prediction_ops["mean"]
        if self.loss == self.SQUARED_LOSS:
            return tf.reduce_mean(tf.squared_difference(targets, mean))
        variance = prediction_ops["covariance"]
        log_likelihood = -0.5 * (math.log(2.0 * math.pi) + tf.log(variance)
                                 + tf.square(targets - mean) / variance)
        return -tf.reduce_mean(log_likelihood)

    # -- modes -------------------------------------------------------------------------------
    def train_outputs(self, features):
        """Loss of a batch of windows (times [batch, window_size])."""
        tf = _tf()
        times = features[TrainEvalFeatures.TIMES]
        values = tf.cast(features[TrainEvalFeatures.VALUES], tf.float32)
        static = times.shape.as_list()
        if len(static) != 2 or (static[1] is not None and static[1] != self.window_size):
            raise ValueError(
                f"ARModel with input_window_size={self.input_window_size} and "
                f"output_window_size={self.output_window_size} expects feature 'times' to have "
                f"shape (batch_size, {self.window_size}), but got shape {times.shape}. If you "
                f"are using RandomWindowInputFn, set window_size={self.window_size}.")
        outputs = self.prediction_ops(times, values[:, :self.input_window_size])
        return self.loss_op(values[:, self.input_window_size:], outputs)

    def eval_outputs(self, features):
        """Non-overlapping output windows over the (longer) series: loss, times, mean,
        covariance, observed, and the end state (last input window)."""
        tf = _tf()
        times = features[TrainEvalFeatures.TIMES]
        values = tf.cast(features[TrainEvalFeatures.VALUES], tf.float32)
        length = times.shape.as_list()[1]
        if length is None:
            raise ValueError("ARModel evaluation needs a static window length.")
        if length < self.window_size:
            raise ValueError(
                f"ARModel requires a window of at least input_window_size + "
                f"output_window_size to evaluate on (input_window_size="
                f"{self.input_window_size}, output_window_size={self.output_window_size}, and "
                f"got shape {times.shape} for feature 'times' (batch size, window size)).")
        iws, ows = self.input_window_size, self.output_window_size
        count = (length - iws) // ows
        crop = count * ows + iws
        times = times[:, length - crop:]
        values = values[:, length - crop:]
        # Every window at once: stack them along a new axis, fold it into the batch.
        starts = np.arange(count) * ows
        index = starts[:, None] + np.arange(self.window_size)[None, :]
        window_times = tf.reshape(tf.gather(times, index, axis=1), [-1, self.window_size])
        window_values = tf.reshape(tf.gather(values, index, axis=1),
                                   [-1, self.window_size, self.num_features])
        outputs = self.prediction_ops(window_times, window_values[:, :iws])
        targets = window_values[:, iws:]
        loss = self.loss_op(targets, outputs)
        shape = [-1, count * ows, self.num_features]
        return {
            "loss": loss,
            "times": times[:, iws:],
            "mean": tf.reshape(outputs["mean"], shape),
            "covariance": tf.reshape(outputs["covariance"], shape),
            "observed": values[:, iws:],
            "start_tuple": (times[:, crop - iws:], values[:, crop - iws:],
                            tf.zeros(tf.stack([tf.shape(times)[0], iws, 0]), tf.float32)),
        }

    def predict_outputs(self, features):
        """Mean and covariance at ``times`` [batch, steps], starting from the state tuple."""
        tf = _tf()
        times = tf.cast(features[PredictionFeatures.TIMES], tf.int64)
        steps = times.shape.as_list()[1]
        if steps is None:
            raise ValueError("ARModel prediction needs a static number of times.")
        state_times, state_values = features[PredictionFeatures.STATE_TUPLE][:2]
        state_times = tf.cast(state_times, tf.int64)
        state_values = tf.cast(state_values, tf.float32)
        iws, ows = self.input_window_size, self.output_window_size
        rounds = -(-steps // ows)
        pad = rounds * ows - steps
        if pad:
            last = times[:, -1:]
            times = tf.concat([times, last + tf.constant(np.arange(1, pad + 1), tf.int64)], 1)
        input_times = state_times[:, tf.shape(state_times)[1] - iws:] if iws else None
        input_values = state_values[:, tf.shape(state_values)[1] - iws:] if iws else None
        means, covariances = [], []
        for step in range(rounds):
            out_times = times[:, step * ows:(step + 1) * ows]
            window_times = (tf.concat([input_times, out_times], 1) if iws else out_times)
            outputs = self.prediction_ops(window_times, input_values)
            means.append(outputs["mean"])
            covariances.append(outputs["covariance"])
            if iws:
                input_times = window_times[:, -iws:]
                input_values = tf.concat([input_values, outputs["mean"]], 1)[:, -iws:]
        mean = tf.concat(means, 1)[:, :steps]
        covariance = tf.concat(covariances, 1)[:, :steps]
        return {"mean": mean, "covariance": covariance}
