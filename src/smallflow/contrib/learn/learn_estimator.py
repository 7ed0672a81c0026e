"""``tf.contrib.learn.Estimator`` (TensorFlow 1.0-1.x), ``SKCompat`` and ``RunConfig``.

The contrib Estimator is the older face of ``tf.estimator.Estimator``: its ``model_fn``
takes ``(features, labels)`` positionally, plus ``mode``, ``params``, ``config`` and
``model_dir`` when it names them, and returns ``ModelFnOps`` or a ``(predictions, loss,
train_op)`` tuple; ``fit``/``evaluate``/``predict`` accept NumPy ``x`` and ``y`` (fed
through ``learn_io``'s data feeder, TensorFlow's batches), monitors, and ``metrics`` given as
``MetricSpec``s. It is built on the core Estimator (same checkpoints, hooks and session
loop): a small adapter model function turns the contrib model function's result into an
``EstimatorSpec`` and adds the requested metrics in EVAL mode.

``SKCompat`` wraps an Estimator in scikit-learn's ``fit(x, y)`` / ``score`` / ``predict``
with batches of 128, as TensorFlow's did.
"""

import inspect

import numpy as np

from ... import estimator as _core
from ... import logging
from ...estimator.estimator import _session_config
from ...graph import GraphKeys
from ...ops import array_ops
from ...protos import ConfigProto, GPUOptions
from ...train import checkpoint_management, monitored_session
from ...train.saver import Saver
from ...train.session_run_hook import FeedFnHook
from . import learn_io
from .model_fn import ModeKeys, ModelFnOps, make_metrics_ops
from .monitors import replace_monitors_with_hooks

__all__ = ["Estimator", "NotFittedError", "RunConfig", "SKCompat",
           "infer_real_valued_columns_from_input_fn"]

# Ops that end an input with OutOfRangeError (queues, tf.data iterators).
FEEDING_OPS = frozenset({"QueueDequeueV2", "QueueDequeueManyV2", "QueueDequeueUpToV2",
                         "QueueDequeue", "QueueDequeueMany", "QueueDequeueUpTo",
                         "IteratorGetNext", "IteratorGetNextSync"})


class NotFittedError(ValueError, AttributeError):
    """Raised when evaluating or predicting with a model that has no checkpoint."""


class RunConfig(_core.RunConfig):
    """contrib.learn's RunConfig: the core settings plus ``master``, ``num_cores``,
    ``log_device_placement``, ``gpu_memory_fraction`` and ``evaluation_master``."""

    def __init__(self, master=None, num_cores=0, log_device_placement=False,
                 gpu_memory_fraction=1, tf_random_seed=None, save_summary_steps=100,
                 save_checkpoints_secs=None, save_checkpoints_steps=None,
                 keep_checkpoint_max=5, keep_checkpoint_every_n_hours=10000,
                 log_step_count_steps=100, protocol=None, evaluation_master="",
                 model_dir=None, session_config=None, session_creation_timeout_secs=7200):
        super().__init__(model_dir=model_dir, tf_random_seed=tf_random_seed,
                         save_summary_steps=save_summary_steps,
                         save_checkpoints_steps=save_checkpoints_steps,
                         save_checkpoints_secs=save_checkpoints_secs,
                         session_config=session_config,
                         keep_checkpoint_max=keep_checkpoint_max,
                         keep_checkpoint_every_n_hours=keep_checkpoint_every_n_hours,
                         log_step_count_steps=log_step_count_steps, protocol=protocol,
                         session_creation_timeout_secs=session_creation_timeout_secs)
        self.master = master or ""
        self.num_cores = num_cores
        self.log_device_placement = log_device_placement
        self.gpu_memory_fraction = gpu_memory_fraction
        self.evaluation_master = evaluation_master or ""
        self.environment = "local"

    @property
    def tf_config(self):
        """The session options these settings stand for."""
        return ConfigProto(
            log_device_placement=self.log_device_placement,
            inter_op_parallelism_threads=self.num_cores,
            intra_op_parallelism_threads=self.num_cores,
            gpu_options=GPUOptions(per_process_gpu_memory_fraction=self.gpu_memory_fraction))

    def get_task_id(self):
        return self.task_id

    def uid(self, whitelist=None):
        """A string that is equal for two configs with equal settings."""
        items = sorted((k, repr(v)) for k, v in vars(self).items()
                       if whitelist is None or k in whitelist)
        return repr(items)


def _get_input_fn(x, y, input_fn, feed_fn, batch_size, shuffle=False, epochs=1):
    """``(input_fn, feed_fn)``: the given input function, or a data feeder's for x / y."""
    if input_fn is None:
        if x is None:
            raise ValueError("Either x or input_fn must be provided.")
        from ...graph import Tensor

        if isinstance(x, Tensor) or isinstance(y, Tensor):
            raise ValueError("Inputs cannot be tensors. Please provide input_fn.")
        if feed_fn is not None:
            raise ValueError("Can not provide both feed_fn and x or y.")
        feeder = learn_io.setup_train_data_feeder(x, y, n_classes=None, batch_size=batch_size,
                                                  shuffle=shuffle, epochs=epochs)
        return feeder.input_builder, feeder.get_feed_dict_fn()
    if x is not None or y is not None:
        raise ValueError("Can not provide both input_fn and x or y.")
    if batch_size is not None:
        raise ValueError("Can not provide both input_fn and batch_size.")
    return input_fn, feed_fn


def _arguments(fn):
    try:
        return set(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return set()


def input_is_constant(feed_fn, graph):
    """contrib.learn's rule for predictions without an end: no queue runner, no feed
    function and no iterator means the input is constant, predicted once."""
    if feed_fn is not None or graph.get_collection(GraphKeys.QUEUE_RUNNERS):
        return False
    return not any(op.type in FEEDING_OPS for op in graph.get_operations())


class Estimator:
    """A model given by a contrib.learn ``model_fn``; see the module's docstring."""

    def __init__(self, model_fn=None, model_dir=None, config=None, params=None,
                 feature_engineering_fn=None):
        if not callable(model_fn):
            raise ValueError(f"model_fn must be a callable that builds the model, got "
                             f"{model_fn!r}")
        self._model_fn = model_fn
        self._model_fn_args = _arguments(model_fn)
        if params is not None and "params" not in self._model_fn_args:
            raise ValueError(f"Estimator's model_fn ({model_fn}) does not have a params "
                             f"argument, but params ({params}) were passed.")
        self._params = params
        self._feature_engineering_fn = feature_engineering_fn or (lambda f, labels: (f, labels))
        self._metrics = None
        self._labels_info = None
        self._lone_feature = False

        def core_model_fn(features, labels, mode, config):
            return self._estimator_spec(features, labels, mode)

        self._core = _core.Estimator(core_model_fn, model_dir=model_dir,
                                     config=config or RunConfig())

    # -- properties ----------------------------------------------------------------------------
    model_dir = property(lambda self: self._core.model_dir)
    config = property(lambda self: self._core.config)
    params = property(lambda self: self._params)
    model_fn = property(lambda self: self._model_fn)

    def get_params(self, deep=True):
        """The constructor's arguments (scikit-learn's protocol)."""
        return {"model_fn": self._model_fn, "model_dir": self.model_dir,
                "config": self.config, "params": self._params,
                "feature_engineering_fn": self._feature_engineering_fn}

    def get_variable_names(self):
        return self._core.get_variable_names()

    def get_variable_value(self, name):
        return self._core.get_variable_value(name)

    # -- the model function ----------------------------------------------------------------
    def _call_model_fn(self, features, labels, mode):
        features, labels = self._feature_engineering_fn(features, labels)
        kwargs = {}
        if "mode" in self._model_fn_args:
            kwargs["mode"] = mode
        if "params" in self._model_fn_args:
            kwargs["params"] = self._params
        if "config" in self._model_fn_args:
            kwargs["config"] = self.config
        if "model_dir" in self._model_fn_args:
            kwargs["model_dir"] = self.model_dir
        result = self._model_fn(features, labels, **kwargs)
        if not isinstance(result, ModelFnOps):
            if not isinstance(result, (tuple, list)) or len(result) != 3:
                raise ValueError("Unrecognized value returned by model_fn, please return "
                                 "ModelFnOps.")
            result = ModelFnOps(mode=mode, predictions=result[0], loss=result[1],
                                train_op=result[2])
        return features, labels, result

    def _record_labels(self, labels):
        """Keep the labels' dtypes and shapes: a model function built for prediction later
        gets placeholders like them (TensorFlow 1.x's contrib rule, so that a model function
        reshaping its labels unconditionally can still predict)."""
        if labels is None or self._labels_info is not None:
            return
        if isinstance(labels, dict):
            self._labels_info = {k: _signature(v) for k, v in labels.items()}
        else:
            self._labels_info = _signature(labels)

    def _label_placeholders(self):
        info = self._labels_info
        if info is None:
            return None
        if isinstance(info, dict):
            return {key: _placeholder(value) for key, value in info.items()}
        return _placeholder(info)

    def _estimator_spec(self, features, labels, mode):
        if self._lone_feature and isinstance(features, dict):
            features = features["feature"]
        if mode == ModeKeys.INFER and labels is None:
            labels = self._label_placeholders()
        else:
            self._record_labels(labels)
        features, labels, ops = self._call_model_fn(features, labels, mode)
        if mode == ModeKeys.EVAL and self._metrics:
            metrics = dict(ops.eval_metric_ops)
            metrics.update(make_metrics_ops(self._metrics, features, labels, ops.predictions))
            ops = ops._replace(eval_metric_ops=metrics)
        return ops.estimator_spec()

    # -- fit / evaluate / predict ------------------------------------------------------------
    def fit(self, x=None, y=None, input_fn=None, steps=None, batch_size=None, monitors=None,
            max_steps=None):
        """Train ``steps`` more steps (or up to ``max_steps``) on ``input_fn`` or on ``x``/``y``
        (shuffled batches of ``batch_size``, by default all of ``x``); returns self."""
        if steps is not None and max_steps is not None:
            raise ValueError("Can not provide both steps and max_steps.")
        input_fn, feed_fn = _get_input_fn(x, y, input_fn, None, batch_size, shuffle=True,
                                          epochs=None)
        hooks = replace_monitors_with_hooks(monitors, self)
        if feed_fn is not None:
            hooks.append(FeedFnHook(feed_fn))
        self._core.train(input_fn, hooks=hooks, steps=steps, max_steps=max_steps)
        return self

    def partial_fit(self, x=None, y=None, input_fn=None, steps=1, batch_size=None,
                    monitors=None):
        logging.warning("The current implementation of partial_fit is not optimized for use "
                        "in a loop. Consider using fit() instead.")
        return self.fit(x=x, y=y, input_fn=input_fn, steps=steps, batch_size=batch_size,
                        monitors=monitors)

    def _checkpoint(self, checkpoint_path=None):
        path = checkpoint_path or checkpoint_management.latest_checkpoint(self.model_dir)
        if not path:
            raise NotFittedError(f"Couldn't find trained model at {self.model_dir}.")
        return path

    def evaluate(self, x=None, y=None, input_fn=None, feed_fn=None, batch_size=None,
                 steps=None, metrics=None, name=None, checkpoint_path=None, hooks=None,
                 log_progress=True):
        """The loss, the model's metrics and ``metrics`` over one pass of ``x``/``y`` (or
        ``input_fn`` until it ends, or ``steps`` batches), with ``global_step``."""
        input_fn, feed_fn = _get_input_fn(x, y, input_fn, feed_fn, batch_size, shuffle=False,
                                          epochs=1)
        if metrics is not None and not isinstance(metrics, dict):
            raise ValueError(f"Metrics argument should be None or dict. Got {metrics}.")
        path = self._checkpoint(checkpoint_path)
        hooks = list(hooks or [])
        if feed_fn is not None:
            hooks.append(FeedFnHook(feed_fn))
        self._metrics = metrics
        try:
            return self._core.evaluate(input_fn, steps=steps or None, hooks=hooks,
                                       checkpoint_path=path, name=name)
        finally:
            self._metrics = None

    def predict(self, x=None, input_fn=None, batch_size=None, outputs=None, as_iterable=True,
                iterate_batches=False):
        """Predictions for ``x`` (in batches of ``batch_size``, by default one) or
        ``input_fn``: an iterator over examples (or batches), or with ``as_iterable=False``
        the first batch's arrays."""
        input_fn, feed_fn = _get_input_fn(x, None, input_fn, None, batch_size, shuffle=False,
                                          epochs=1)
        return self._infer_model(input_fn, feed_fn, outputs, as_iterable, iterate_batches)

    def _infer_model(self, input_fn, feed_fn=None, outputs=None, as_iterable=True,
                     iterate_batches=False):
        path = self._checkpoint()
        run = self._prediction_session(input_fn, feed_fn, outputs, path)
        if not as_iterable:
            for batch in run:
                return batch
            return None
        return self._generate(run, iterate_batches)

    def _prediction_session(self, input_fn, feed_fn, outputs, path):
        """A generator of prediction batches from a session restored from ``path``."""
        core = self._core
        with core._new_graph().as_default() as graph:
            from ...train import training_util

            training_util.get_or_create_global_step()
            features, _ = core._call_input_fn(input_fn, ModeKeys.INFER)
            _, _, ops = self._call_model_fn(features, self._label_placeholders(),
                                            ModeKeys.INFER)
            predictions = _filter_predictions(ops.predictions, outputs)
            scaffold = ops.scaffold or monitored_session.Scaffold(saver=Saver(allow_empty=True))
            if scaffold.saver is None:
                scaffold = monitored_session.Scaffold(
                    init_op=scaffold.init_op, local_init_op=scaffold.local_init_op,
                    init_fn=scaffold.init_fn, saver=Saver(allow_empty=True))
            creator = monitored_session.ChiefSessionCreator(
                scaffold, checkpoint_filename_with_path=path,
                config=_session_config(core._config))
            constant = input_is_constant(feed_fn, graph)
            with monitored_session.MonitoredSession(creator) as session:
                while not session.should_stop():
                    yield session.run(predictions, feed_dict=feed_fn() if feed_fn else None)
                    if constant:
                        return

    @staticmethod
    def _generate(run, iterate_batches):
        for batch in run:
            if iterate_batches:
                yield batch
            elif isinstance(batch, dict):
                first = next(iter(batch.values()))
                length = first.dense_shape[0] if hasattr(first, "dense_shape") else len(first)
                for index in range(length):
                    yield {key: value[index] for key, value in batch.items()}
            else:
                yield from batch

    def export_savedmodel(self, export_dir_base, serving_input_fn,
                          default_output_alternative_key=None, assets_extra=None,
                          as_text=False, checkpoint_path=None, graph_rewrite_specs=None,
                          strip_default_attrs=False):
        """Write a SavedModel of the INFER graph ``serving_input_fn`` feeds (it returns
        ``InputFnOps`` or a ``ServingInputReceiver``); returns its directory (bytes)."""
        from .export_utils import receiver_fn

        if graph_rewrite_specs is not None:
            raise NotImplementedError("export_savedmodel(graph_rewrite_specs=...) is not "
                                      "provided")
        self._checkpoint(checkpoint_path)
        def receiver():
            # A lone features tensor reaches the model function as it is (the core
            # receiver keeps it in a dict under "feature"), as TensorFlow's contrib export.
            result = serving_input_fn()
            features = result.features
            self._lone_feature = not isinstance(features, dict)
            return receiver_fn(lambda: result)()

        try:
            return self._core.export_savedmodel(
                export_dir_base, receiver, assets_extra=assets_extra, as_text=as_text,
                checkpoint_path=checkpoint_path, strip_default_attrs=strip_default_attrs)
        finally:
            self._lone_feature = False


def _signature(tensor):
    from ...ops.sparse_tensor import SparseTensor

    if isinstance(tensor, SparseTensor):
        return (tensor.dtype, None, True)
    return (tensor.dtype, tensor.shape, False)


def _placeholder(signature):
    dtype, shape, sparse = signature
    if sparse:
        from ...ops.sparse_ops import sparse_placeholder

        return sparse_placeholder(dtype)
    if shape.ndims is None:
        return array_ops.placeholder(dtype)
    return array_ops.placeholder(dtype, [None] + shape.as_list()[1:])


def _filter_predictions(predictions, outputs):
    if not outputs:
        return predictions
    if not isinstance(predictions, dict):
        raise ValueError("outputs argument is not valid in case of non-dict predictions.")
    kept = {key: value for key, value in predictions.items() if key in outputs}
    if not kept:
        raise ValueError(f"Expected to run at least one output from {sorted(predictions)}, "
                         f"provided {outputs}.")
    return kept


class SKCompat:
    """scikit-learn's ``fit`` / ``score`` / ``predict`` over an Estimator (batches of 128)."""

    def __init__(self, estimator):
        self._estimator = estimator

    def fit(self, x, y, batch_size=128, steps=None, max_steps=None, monitors=None):
        input_fn, feed_fn = _get_input_fn(x, y, None, None, batch_size, shuffle=True,
                                          epochs=None)
        all_monitors = [FeedFnHook(feed_fn)] if feed_fn is not None else []
        all_monitors.extend(monitors or [])
        self._estimator.fit(input_fn=input_fn, steps=steps, max_steps=max_steps,
                            monitors=all_monitors)
        return self

    def score(self, x, y, batch_size=128, steps=None, metrics=None, name=None):
        input_fn, feed_fn = _get_input_fn(x, y, None, None, batch_size, shuffle=False,
                                          epochs=1)
        return self._estimator.evaluate(input_fn=input_fn, feed_fn=feed_fn, steps=steps,
                                        metrics=metrics, name=name)

    def predict(self, x, batch_size=128, outputs=None):
        input_fn, feed_fn = _get_input_fn(x, None, None, None, batch_size, shuffle=False,
                                          epochs=1)
        results = list(self._estimator._infer_model(input_fn, feed_fn, outputs,
                                                    as_iterable=True, iterate_batches=True))
        if not results:
            return np.zeros((0,))
        if not isinstance(results[0], dict):
            return np.concatenate(results, axis=0)
        return {key: np.concatenate([batch[key] for batch in results], axis=0)
                for key in results[0]}

    def __getattr__(self, name):
        return getattr(self._estimator, name)


def infer_real_valued_columns_from_input_fn(input_fn):
    """Real-valued feature columns for what ``input_fn`` returns (a tensor: the column "")."""
    from ...graph import Graph
    from ..layers_feature_columns import real_valued_column

    with Graph().as_default():
        result = input_fn()
        features = result[0] if isinstance(result, (tuple, list)) else result
        if not isinstance(features, dict):
            features = {"": features}
        columns = []
        for key, tensor in sorted(features.items()):
            dims = tensor.shape.as_list()[1:]
            if any(d is None for d in dims):
                raise ValueError(f"feature {key!r} has an unknown dimension {tensor.shape}")
            width = int(np.prod(dims)) if dims else 1
            columns.append(real_valued_column(key, dimension=width, dtype=tensor.dtype))
        return columns
