"""``tf.contrib.factorization.KMeansClustering``: k-means as an Estimator (TensorFlow 1.5-1.15),
and ``tf.contrib.learn.KMeansClustering``, the older contrib.learn face of it (TF 1.0-1.4).

The model function builds ``KMeans(...).training_graph()`` on the features (a tensor, a dict
concatenated in key order, or ``feature_columns`` through ``input_layer``). Its loss is the
batch's sum of distances to the nearest centers; a train step is one k-means iteration
(full batch, or a mini-batch update) plus the global step's increment. A hook runs the
centers' ``init_op`` right after the session is created, until the ``initialized``
variable is true, so the first ``train`` call of a fresh model spends its first input batch
choosing the centers (TensorFlow 1.x's behaviour: the documented loop "train, then read the
centers" needs it). ``relative_tolerance`` stops training when the loss changes by less than
that fraction between steps.
"""

import numpy as np

from ... import estimator as _core
from ... import logging, metrics
from ...graph import control_dependencies
from ...ops import array_ops, control_flow_ops, math_ops
from ...ops.scatter_ops import assign_add
from ...train import training_util
from ...train.session_run_hook import SessionRunArgs, SessionRunHook
from .kmeans import RANDOM_INIT, SQUARED_EUCLIDEAN_DISTANCE, KMeans

__all__ = ["KMeansClustering", "LearnKMeansClustering"]


class _InitializeClustersHook(SessionRunHook):
    """Runs the centers' init op after session creation until they are initialized."""

    def __init__(self, init_op, is_initialized, is_chief):
        self._init_op = init_op
        self._is_initialized = is_initialized
        self._is_chief = is_chief

    def after_create_session(self, session, coord):
        for _ in range(10000):
            if session.run(self._is_initialized):
                return
            if not self._is_chief:
                raise RuntimeError("the k-means centers are not initialized and this task is "
                                   "not the chief")
            session.run(self._init_op)
        raise RuntimeError("k-means centers could not be initialized: the input batches are "
                           "smaller than num_clusters")


class _LossRelativeChangeHook(SessionRunHook):
    """Stops when the loss changes by less than ``tolerance`` (relative) between steps."""

    def __init__(self, loss, tolerance):
        self._loss = loss
        self._tolerance = tolerance
        self._previous = None

    def before_run(self, run_context):
        return SessionRunArgs(self._loss)

    def after_run(self, run_context, run_values):
        loss = run_values.results
        if self._previous is not None:
            change = abs(loss - self._previous) / (1 + abs(self._previous))
            if change < self._tolerance:
                run_context.request_stop()
        self._previous = loss


def _features_tensor(features, feature_columns):
    if feature_columns:
        from ...feature_column import input_layer

        return input_layer(features, feature_columns)
    if isinstance(features, dict):
        keys = sorted(features)
        return array_ops.concat([features[k] for k in keys], axis=1)
    return features


class KMeansClustering(_core.Estimator):
    """k-means as an Estimator; see the module's docstring."""

    SQUARED_EUCLIDEAN_DISTANCE = SQUARED_EUCLIDEAN_DISTANCE
    COSINE_DISTANCE = "cosine"
    RANDOM_INIT = RANDOM_INIT
    KMEANS_PLUS_PLUS_INIT = "kmeans_plus_plus"
    KMC2_INIT = "kmc2"

    SCORE = "score"
    CLUSTER_CENTERS_VAR_NAME = "clusters"
    CLUSTER_INDEX = "cluster_index"
    ALL_DISTANCES = "all_distances"

    def __init__(self, num_clusters, model_dir=None, initial_clusters=RANDOM_INIT,
                 distance_metric=SQUARED_EUCLIDEAN_DISTANCE, random_seed=0,
                 use_mini_batch=True, mini_batch_steps_per_iteration=1,
                 kmeans_plus_plus_num_retries=2, relative_tolerance=None, config=None,
                 feature_columns=None):
        if isinstance(initial_clusters, str) and initial_clusters not in (
                RANDOM_INIT, self.KMEANS_PLUS_PLUS_INIT, self.KMC2_INIT):
            raise ValueError(f"Unsupported initialization algorithm '{initial_clusters}'")
        # TensorFlow 1.15 documents that relative_tolerance "may not work correctly" with
        # mini-batches, and accepts it.
        settings = dict(num_clusters=num_clusters, initial_clusters=initial_clusters,
                        distance_metric=distance_metric, random_seed=random_seed,
                        use_mini_batch=use_mini_batch,
                        mini_batch_steps_per_iteration=mini_batch_steps_per_iteration,
                        kmeans_plus_plus_num_retries=kmeans_plus_plus_num_retries)
        names = (self.ALL_DISTANCES, self.CLUSTER_INDEX, self.SCORE)

        def model_fn(features, mode, config):
            points = _features_tensor(features, feature_columns)
            (all_distances, cluster_index, distances, is_initialized, _, init_op,
             training_op) = KMeans(points, **settings).training_graph()
            loss = math_ops.reduce_sum(distances[0])
            from ... import tb_protos

            if tb_protos.available():  # the summary needs the tensorboard extra's events
                from ...ops.summary_ops import scalar

                scalar("loss/raw", loss)
            step = assign_add(training_util.get_global_step(), 1)
            with control_dependencies([training_op, step]):
                train_op = control_flow_ops.group(training_op, step)
            hooks = [_InitializeClustersHook(init_op, is_initialized, config.is_chief)]
            if relative_tolerance is not None:
                hooks.append(_LossRelativeChangeHook(loss, relative_tolerance))
            predict = _core.export.PredictOutput
            return _core.EstimatorSpec(
                mode, predictions={names[0]: all_distances[0], names[1]: cluster_index[0]},
                loss=loss, train_op=train_op,
                eval_metric_ops={names[2]: metrics.mean(loss)}, training_hooks=hooks,
                export_outputs={names[0]: predict(all_distances[0]),
                                names[1]: predict(cluster_index[0]),
                                "serving_default": predict(cluster_index[0])})

        super().__init__(model_fn, model_dir=model_dir, config=config)

    def _call_input_fn(self, input_fn, mode):
        features, labels = super()._call_input_fn(input_fn, mode)
        if labels is not None:
            logging.warning("KMeansClustering ignores the labels input_fn returns")
        return features, None

    def predict_cluster_index(self, input_fn):
        """The index of each point's nearest center."""
        for prediction in self.predict(input_fn, predict_keys=[self.CLUSTER_INDEX]):
            yield prediction[self.CLUSTER_INDEX]

    def score(self, input_fn):
        """The sum of squared distances to the nearest centers (one batch of ``input_fn``;
        sklearn's score is its negative)."""
        return self.evaluate(input_fn, steps=1)[self.SCORE]

    def transform(self, input_fn):
        """Each point's distances to every center."""
        for prediction in self.predict(input_fn, predict_keys=[self.ALL_DISTANCES]):
            yield prediction[self.ALL_DISTANCES]

    def cluster_centers(self):
        """The centers, from the newest checkpoint."""
        return self.get_variable_value(self.CLUSTER_CENTERS_VAR_NAME)


class LearnKMeansClustering(KMeansClustering):
    """``tf.contrib.learn.KMeansClustering`` (TF 1.0-1.4): the same model with contrib.learn's
    method names (``fit``, ``clusters``, ``predict_cluster_idx``) and result keys."""

    SCORES = "scores"
    CLUSTER_IDX = "cluster_idx"
    CLUSTERS = "clusters"
    ALL_SCORES = "all_scores"

    def fit(self, x=None, y=None, input_fn=None, steps=None, batch_size=None, monitors=None,
            max_steps=None):
        if x is not None or y is not None:
            raise NotImplementedError("KMeansClustering.fit(x=...) is not provided; pass an "
                                      "input_fn")
        from ..learn.monitors import replace_monitors_with_hooks

        self.train(input_fn, hooks=replace_monitors_with_hooks(monitors, self), steps=steps,
                   max_steps=max_steps)
        return self

    def _predictions(self, input_fn, key):
        """contrib.learn's predict: an input with no queue or iterator behind it (constant
        tensors) is predicted once, not until OutOfRangeError as tf.estimator would."""
        from ...graph import get_default_graph
        from ..learn.learn_estimator import input_is_constant

        state = {}

        def recording():
            result = input_fn()
            state["one_pass"] = input_is_constant(None, get_default_graph())
            return result

        for batch in self.predict(recording, predict_keys=[key], yield_single_examples=False):
            yield from batch[key]
            if state.get("one_pass"):
                return

    def predict_cluster_idx(self, input_fn=None):
        yield from self._predictions(input_fn, self.CLUSTER_INDEX)

    def score(self, input_fn=None, steps=None):
        return np.sum(self.evaluate(input_fn, steps=steps)[self.SCORE])

    def transform(self, input_fn=None, as_iterable=False):
        rows = self._predictions(input_fn, self.ALL_DISTANCES)
        return rows if as_iterable else np.array(list(rows))

    def clusters(self):
        return self.cluster_centers()
