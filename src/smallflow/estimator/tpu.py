"""``tf.contrib.tpu`` / ``tf.estimator.tpu``: ``TPUEstimator`` and its configuration, run on
the CPU.

smallflow has no TPU, so this is TensorFlow 1.15's ``use_tpu=False`` path, which is what
TPU programs (BERT's ``run_classifier.py``, ``run_pretraining.py``) take on a machine without
one: the user's ``model_fn`` may return a ``TPUEstimatorSpec``, which is turned into an
``EstimatorSpec`` (``eval_metrics=(metric_fn, tensors)`` called on the spot,
``scaffold_fn`` called, ``host_call`` run by a hook); ``input_fn`` and ``model_fn`` get the
mode's global batch size as ``params["batch_size"]`` and ``model_fn`` gets
``params["use_tpu"]``. Asking for the TPU (``use_tpu=True``, or ``eval_on_tpu`` for an
evaluation) fails as TensorFlow does on a machine without TPU cores, when the input is built.
"""

import collections
import copy
import inspect
import math
import re

from .. import logging
from ..train import session_run_hook
from .estimator import Estimator, EstimatorSpec, ModeKeys
from .estimator import RunConfig as _BaseRunConfig

__all__ = ["ExamplesPerSecondHook", "InputPipelineConfig", "RunConfig", "TPUConfig",
           "TPUEstimator", "TPUEstimatorSpec"]

_BATCH_SIZE_KEY = "batch_size"
_CTX_KEY = "context"
_USE_TPU_KEY = "use_tpu"
_RESERVED_PARAMS_KEYS = [_BATCH_SIZE_KEY, _CTX_KEY]
_CPU_DEVICES = ["/job:localhost/replica:0/task:0/device:CPU:0"]


class InputPipelineConfig:
    """How ``input_fn`` feeds the TPU replicas (recorded; the CPU path has one input)."""

    PER_SHARD_V1 = 1
    PER_HOST_V1 = 2
    PER_HOST_V2 = 3
    BROADCAST = 4
    SLICED = 5


_ITERATIONS_PER_LOOP = re.compile(r"^(?P<value>[1-9]\d*)((?P<suffix>[smh])$|$)")

IterationsPerLoopCounter = collections.namedtuple("IterationsPerLoopCounter",
                                                  ["value", "unit"])


def _parse_iterations_per_loop(iterations_per_loop):
    """A positive count (``1000``) or a time (``"30s"``, ``"5m"``, ``"1h"``, in seconds)."""
    match = _ITERATIONS_PER_LOOP.match(str(iterations_per_loop))
    if match is None:
        raise ValueError(
            "Invalid TPUConfig `iterations_per_loop` value. Value must be positive integer "
            "value or time-based value `<N><s|m|h>` where <N> is any positive integer and "
            f"`s`, `m`, `h` are unit of time in seconds, minutes, hours respectively (got "
            f"{iterations_per_loop!r}). Examples of valid values: `3600s`, `60m`, `1h`.")
    value = int(match.group("value"))
    suffix = match.group("suffix")
    value *= {"m": 60, "h": 3600}.get(suffix, 1)
    return IterationsPerLoopCounter(value, "seconds" if suffix else "count")


def _check_positive_integer(value, name):
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be int, got {type(value)}")
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {value}")


_TPU_CONFIG_FIELDS = ["iterations_per_loop", "num_shards", "num_cores_per_replica",
                      "per_host_input_for_training", "tpu_job_name", "initial_infeed_sleep_secs",
                      "input_partition_dims", "eval_training_input_configuration",
                      "experimental_host_call_every_n_steps"]


class TPUConfig(collections.namedtuple("TPUConfig", _TPU_CONFIG_FIELDS)):
    """TPU settings of a ``RunConfig``, checked as TensorFlow 1.15 checks them."""

    def __new__(cls, iterations_per_loop=2, num_shards=None, num_cores_per_replica=None,
                per_host_input_for_training=True, tpu_job_name=None,
                initial_infeed_sleep_secs=None, input_partition_dims=None,
                eval_training_input_configuration=InputPipelineConfig.PER_HOST_V1,
                experimental_host_call_every_n_steps=1):
        _parse_iterations_per_loop(iterations_per_loop)
        if num_shards is not None:
            _check_positive_integer(num_shards, "TPUConfig num_shards")
        if input_partition_dims is not None:
            if len(input_partition_dims) not in (1, 2):
                raise ValueError("input_partition_dims must be a list/tuple with one or two "
                                 "elements.")
            if per_host_input_for_training is not InputPipelineConfig.PER_HOST_V2:
                raise ValueError("input_partition_dims is only supported in PER_HOST_V2 mode.")
            if num_cores_per_replica is None:
                raise ValueError("input_partition_dims requires setting "
                                 "num_cores_per_replica.")
        if num_cores_per_replica is not None and num_cores_per_replica not in (
                1, 2, 4, 8, 16, 32, 64, 128):
            raise ValueError("num_cores_per_replica must be 1, 2, 4, 8, 16, 32, 64, 128; got "
                             f"{num_cores_per_replica}")
        if eval_training_input_configuration not in (InputPipelineConfig.PER_HOST_V1,
                                                     InputPipelineConfig.SLICED):
            raise ValueError("eval_training_input_configuration must be PER_HOST_V1 or SLICED; "
                             f"got {eval_training_input_configuration}")
        # The legacy booleans name the first two pipelines.
        if per_host_input_for_training is False:
            per_host_input_for_training = InputPipelineConfig.PER_SHARD_V1
        elif per_host_input_for_training is True:
            per_host_input_for_training = InputPipelineConfig.PER_HOST_V1
        if initial_infeed_sleep_secs:
            _check_positive_integer(initial_infeed_sleep_secs,
                                    "TPUConfig initial_infeed_sleep_secs")
        return super().__new__(cls, iterations_per_loop, num_shards, num_cores_per_replica,
                               per_host_input_for_training, tpu_job_name,
                               initial_infeed_sleep_secs, input_partition_dims,
                               eval_training_input_configuration,
                               experimental_host_call_every_n_steps)


class RunConfig(_BaseRunConfig):
    """``RunConfig`` with a ``tpu_config``, the TPU ``master`` and a cluster resolver."""

    def __init__(self, tpu_config=None, evaluation_master=None, master=None, cluster=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.tpu_config = tpu_config or TPUConfig()
        self.cluster = cluster
        if master is not None:
            if cluster is not None:
                raise ValueError("Both master and cluster are set.")
            self.master = master
        elif cluster:
            self.master = cluster.master()
        self.evaluation_master = self.master if evaluation_master is None else (
            evaluation_master)

    def replace(self, **kwargs):
        # tpu_config is not a RunConfig setting the base class knows, so it is set here.
        tpu_config = kwargs.pop("tpu_config", None)
        new = super().replace(**kwargs)
        if tpu_config is not None:
            new.tpu_config = tpu_config
        return new


_SPEC_FIELDS = ["mode", "predictions", "loss", "train_op", "eval_metrics", "export_outputs",
                "scaffold_fn", "host_call", "training_hooks", "evaluation_hooks",
                "prediction_hooks"]


def _positional_args(fn):
    """The names a call by position fills, and whether ``fn`` takes ``*args``."""
    params = inspect.signature(fn).parameters.values()
    names = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return names, any(p.kind == p.VAR_POSITIONAL for p in params)


def _validate_host_calls(host_calls):
    """``eval_metrics`` / ``host_call``: a ``(fn, tensors)`` pair, tensors a list or dict."""
    for name, host_call in host_calls.items():
        if not isinstance(host_call, (tuple, list)):
            raise ValueError(f"{name} should be tuple or list")
        if len(host_call) != 2:
            raise ValueError(f"{name} should have two elements.")
        fn, tensors = host_call
        if not callable(fn):
            raise TypeError(f"{name}[0] should be callable.")
        if not isinstance(tensors, (tuple, list, dict)):
            raise ValueError(f"{name}[1] should be tuple or list, or dict.")
        if isinstance(tensors, (tuple, list)):
            names, varargs = _positional_args(fn)
            if not varargs and len(tensors) != len(names):
                raise RuntimeError(
                    f"In TPUEstimatorSpec.{name}, length of tensors {len(tensors)} does not "
                    f"match method args of the function, which takes {len(names)}.")


def _call_host_fn(name, host_call):
    fn, tensors = host_call
    if isinstance(tensors, dict):
        try:
            return fn(**tensors)
        except TypeError as err:
            logging.warning("Exception while calling %s: %s. It is likely the tensors (%s[1]) "
                            "do not match the function's arguments", name, err, name)
            raise
    return fn(*tensors)


class _HostCallHook(session_run_hook.SessionRunHook):
    """Runs what ``host_call``'s function returned at every step (on the host, as on TPU)."""

    def __init__(self, tensors):
        self._tensors = tensors

    def before_run(self, run_context):
        return session_run_hook.SessionRunArgs(self._tensors)


class TPUEstimatorSpec(collections.namedtuple("TPUEstimatorSpec", _SPEC_FIELDS)):
    """What a TPU ``model_fn`` returns: ``eval_metrics`` is ``(metric_fn, tensors)`` rather
    than a dict of metric ops, and ``scaffold_fn`` builds the ``Scaffold`` on the host."""

    def __new__(cls, mode, predictions=None, loss=None, train_op=None, eval_metrics=None,
                export_outputs=None, scaffold_fn=None, host_call=None, training_hooks=None,
                evaluation_hooks=None, prediction_hooks=None):
        host_calls = {}
        if eval_metrics is not None:
            host_calls["eval_metrics"] = eval_metrics
        if host_call is not None:
            host_calls["host_call"] = host_call
        _validate_host_calls(host_calls)
        training_hooks = tuple(training_hooks or ())
        evaluation_hooks = tuple(evaluation_hooks or ())
        prediction_hooks = tuple(prediction_hooks or ())
        for hook in training_hooks + evaluation_hooks + prediction_hooks:
            if not isinstance(hook, session_run_hook.SessionRunHook):
                raise TypeError(f"All hooks must be SessionRunHook instances, given: {hook}")
        return super().__new__(cls, mode, predictions, loss, train_op, eval_metrics,
                               export_outputs, scaffold_fn, host_call, training_hooks,
                               evaluation_hooks, prediction_hooks)

    def as_estimator_spec(self):
        """The equivalent ``EstimatorSpec`` for training or evaluating on the CPU."""
        eval_metric_ops = None
        if self.eval_metrics is not None:
            eval_metric_ops = _call_host_fn("eval_metrics", self.eval_metrics)
        hooks = ()
        if self.host_call is not None:
            hooks = (_HostCallHook(_call_host_fn("host_call", self.host_call)),)
        scaffold = self.scaffold_fn() if self.scaffold_fn else None
        return EstimatorSpec(
            mode=self.mode, predictions=self.predictions, loss=self.loss,
            train_op=self.train_op, eval_metric_ops=eval_metric_ops,
            export_outputs=self.export_outputs, scaffold=scaffold,
            training_hooks=self.training_hooks + hooks,
            evaluation_hooks=self.evaluation_hooks + hooks,
            prediction_hooks=self.prediction_hooks + hooks)


class ExamplesPerSecondHook(session_run_hook.StepCounterHook):
    """Logs ``global_step/sec`` and ``examples/sec`` (steps per second times the batch)."""

    def __init__(self, batch_size, every_n_steps=100, every_n_secs=None, output_dir=None,
                 summary_writer=None):
        self._batch_size = batch_size
        super().__init__(every_n_steps=every_n_steps, every_n_secs=every_n_secs,
                         output_dir=output_dir, summary_writer=summary_writer)

    def _log_and_record(self, elapsed_steps, elapsed_time, global_step):
        steps_per_sec = elapsed_steps / elapsed_time
        examples_per_sec = self._batch_size * steps_per_sec
        writer = self._summary_writer
        session_run_hook._write_scalar(writer, "global_step/sec", steps_per_sec, global_step)
        session_run_hook._write_scalar(writer, "examples/sec", examples_per_sec, global_step)
        logging.info("global_step/sec: %g", steps_per_sec)
        logging.info("examples/sec: %g", examples_per_sec)


class TPUEstimator(Estimator):
    """``Estimator`` for TPU ``model_fn``s; smallflow runs them on the CPU (``use_tpu=False``,
    or ``eval_on_tpu=False`` for evaluation)."""

    def __init__(self, model_fn=None, model_dir=None, config=None, params=None, use_tpu=True,
                 train_batch_size=None, eval_batch_size=None, predict_batch_size=None,
                 batch_axis=None, eval_on_tpu=True, export_to_tpu=True, export_to_cpu=True,
                 warm_start_from=None, embedding_config_spec=None,
                 export_saved_model_api_version=None):
        if config is None or not isinstance(config, RunConfig):
            raise ValueError("`config` must be provided with type `tpu_config.RunConfig`")
        if params is not None and any(key in params for key in _RESERVED_PARAMS_KEYS):
            raise ValueError(f"{_RESERVED_PARAMS_KEYS} are reserved keys but existed in params "
                             f"{params}.")
        if use_tpu:
            if train_batch_size is None:
                raise ValueError("`train_batch_size` cannot be `None`")
            _check_positive_integer(train_batch_size, "train_batch_size")
            if eval_batch_size is not None:
                _check_positive_integer(eval_batch_size, "eval_batch_size")
            if predict_batch_size is not None:
                _check_positive_integer(predict_batch_size, "predict_batch_size")
        if not callable(model_fn):
            raise ValueError("model_fn must be provided to Estimator.")
        user_args = set(inspect.signature(model_fn).parameters)
        if params is not None and "params" not in user_args:
            raise ValueError(f"model_fn ({model_fn}) does not include params argument, but "
                             f"params ({params}) is passed to Estimator.")
        self._user_model_fn = model_fn
        self._use_tpu = bool(use_tpu)
        self._eval_on_tpu = bool(eval_on_tpu)
        self._batch_sizes = {ModeKeys.TRAIN: train_batch_size,
                             ModeKeys.EVAL: eval_batch_size,
                             ModeKeys.PREDICT: predict_batch_size}
        self._iterations = _parse_iterations_per_loop(config.tpu_config.iterations_per_loop)
        # As in TensorFlow, the loss is not logged every N steps; an ExamplesPerSecondHook
        # logs the speed once per ``iterations_per_loop`` steps' worth of log steps instead.
        every = config.log_step_count_steps
        self._log_every_n_steps = self._log_every_n_secs = None
        if self._iterations.unit == "seconds":
            self._log_every_n_secs = self._iterations.value
        elif every is not None:
            self._log_every_n_steps = int(math.ceil(every / self._iterations.value))
        self._input_fn_invoked = False
        super().__init__(self._augmented_model_fn, model_dir=model_dir,
                         config=config.replace(log_step_count_steps=None), params=params or {},
                         warm_start_from=warm_start_from)

    def _on_cpu(self, mode, export=False):
        if export or not self._use_tpu:
            return True
        return mode == ModeKeys.EVAL and not self._eval_on_tpu

    def _require_cpu(self, mode):
        if not self._on_cpu(mode):
            raise RuntimeError(
                "Cannot find any TPU cores in the system. Please double check Tensorflow "
                f"master address and TPU worker(s). Available devices are {_CPU_DEVICES}.")

    def _call_input_fn(self, input_fn, mode):
        args = set(inspect.signature(input_fn).parameters)
        if "params" not in args:
            raise ValueError(f"input_fn ({input_fn}) does not include params argument, "
                             "required by TPUEstimator to pass batch size as "
                             "params[\"batch_size\"]")
        self._require_cpu(mode)
        params = self.params
        if self._batch_sizes[mode] is not None:
            params[_BATCH_SIZE_KEY] = self._batch_sizes[mode]
        kwargs = {"params": params}
        if "config" in args:
            kwargs["config"] = self.config
        if "mode" in args:
            kwargs["mode"] = mode
        self._input_fn_invoked = True
        return self._split_input(input_fn(**kwargs))

    def _augmented_model_fn(self, features, labels, mode, config, params):
        """Calls the user's model_fn with the TPU params; a TPUEstimatorSpec becomes an
        EstimatorSpec (the CPU path)."""
        export = not self._input_fn_invoked
        self._input_fn_invoked = False
        params = copy.deepcopy(params)
        user_args = set(inspect.signature(self._user_model_fn).parameters)
        if "params" not in user_args:
            raise ValueError(f"model_fn ({self._user_model_fn}) does not include params "
                             "argument, required by TPUEstimator to pass batch size as "
                             "params['batch_size']")
        if not export and self._batch_sizes[mode] is not None:
            params[_BATCH_SIZE_KEY] = self._batch_sizes[mode]
        params[_USE_TPU_KEY] = False
        kwargs = {"params": params}
        if "labels" in user_args:
            kwargs["labels"] = labels
        elif labels is not None:
            raise ValueError("model_fn does not take labels, but input_fn returns labels.")
        if "mode" in user_args:
            kwargs["mode"] = mode
        if "config" in user_args:
            kwargs["config"] = copy.deepcopy(config)
        logging.info("Running %s on CPU", mode)
        spec = self._user_model_fn(features=features, **kwargs)
        if isinstance(spec, TPUEstimatorSpec):
            spec = spec.as_estimator_spec()
        if mode == ModeKeys.TRAIN and (self._log_every_n_steps or self._log_every_n_secs):
            # The rates go to model_dir's events too, unless summaries are turned off.
            hook = ExamplesPerSecondHook(
                self._batch_sizes[mode], every_n_steps=self._log_every_n_steps,
                every_n_secs=self._log_every_n_secs,
                output_dir=self.model_dir if config.save_summary_steps else None)
            spec = spec._replace(training_hooks=(*spec.training_hooks, hook))
        return spec
