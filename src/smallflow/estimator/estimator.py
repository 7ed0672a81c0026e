"""``tf.estimator.Estimator``: train, evaluate and predict with a ``model_fn`` and checkpoints.

Each call builds a fresh graph: ``input_fn()`` (a ``Dataset`` or ``(features, labels)``),
``model_fn(features, labels, mode, params, config)`` -> ``EstimatorSpec``, then runs it in a
``MonitoredTrainingSession`` (train) or a session restored from the newest checkpoint in
``model_dir`` (evaluate, predict). Training resumes from that checkpoint: the global step
continues and ``max_steps`` counts from zero, as in TensorFlow.
"""

import collections
import copy
import functools
import inspect
import os
import tempfile

import numpy as np

from .. import errors, logging, metrics
from ..graph import Graph, GraphKeys, convert_to_tensor, get_default_graph
from ..ops import control_flow_ops
from ..protos import ConfigProto
from ..train import checkpoint_management, monitored_session, session_run_hook, training_util
from ..train.saver import Saver

__all__ = ["Estimator", "EstimatorSpec", "ModeKeys", "RunConfig", "WarmStartSettings"]


class ModeKeys:
    """The three things a ``model_fn`` is asked to build."""

    TRAIN = "train"
    EVAL = "eval"
    PREDICT = "infer"


_SPEC_FIELDS = ["mode", "predictions", "loss", "train_op", "eval_metric_ops", "export_outputs",
                "training_chief_hooks", "training_hooks", "scaffold", "evaluation_hooks",
                "prediction_hooks"]


class EstimatorSpec(collections.namedtuple("EstimatorSpec", _SPEC_FIELDS)):
    """What a ``model_fn`` returns: the ops for the requested mode (checked here)."""

    def __new__(cls, mode, predictions=None, loss=None, train_op=None, eval_metric_ops=None,
                export_outputs=None, training_chief_hooks=None, training_hooks=None,
                scaffold=None, evaluation_hooks=None, prediction_hooks=None):
        if mode not in (ModeKeys.TRAIN, ModeKeys.EVAL, ModeKeys.PREDICT):
            raise ValueError(f"mode={mode} is not a valid ModeKeys value.")
        if mode == ModeKeys.TRAIN and train_op is None:
            raise ValueError("Missing train_op.")
        if mode in (ModeKeys.TRAIN, ModeKeys.EVAL) and loss is None:
            raise ValueError("Missing loss.")
        if mode == ModeKeys.PREDICT and predictions is None:
            raise ValueError("Missing predictions.")
        if loss is not None:
            loss = convert_to_tensor(loss)
            if loss.shape.ndims not in (None, 0):
                raise ValueError(f"Loss must be scalar, given: {loss}")
        if predictions is not None and not isinstance(predictions, dict):
            predictions = convert_to_tensor(predictions)
        if export_outputs is not None:
            from .export import check_export_outputs

            export_outputs = check_export_outputs(export_outputs, predictions)
        for name, pair in (eval_metric_ops or {}).items():
            if not (isinstance(pair, tuple) and len(pair) == 2):
                raise TypeError(f"Values of eval_metric_ops must be (metric_value, update_op) "
                                f"tuples, given: {pair} for key: {name}")
        return super().__new__(
            cls, mode, predictions, loss, train_op, dict(eval_metric_ops or {}),
            export_outputs, tuple(training_chief_hooks or ()), tuple(training_hooks or ()),
            scaffold or monitored_session.Scaffold(), tuple(evaluation_hooks or ()),
            tuple(prediction_hooks or ()))


class WarmStartSettings(collections.namedtuple("WarmStartSettings", [
        "ckpt_to_initialize_from", "vars_to_warm_start", "var_name_to_vocab_info",
        "var_name_to_prev_var_name"])):
    """Where and which variables an Estimator's training starts from (see
    ``tf.train.warm_start``): a checkpoint (file or directory) or a SavedModel directory."""

    def __new__(cls, ckpt_to_initialize_from, vars_to_warm_start=".*",
                var_name_to_vocab_info=None, var_name_to_prev_var_name=None):
        if not ckpt_to_initialize_from:
            raise ValueError("`ckpt_to_initialize_from` MUST be set in WarmStartSettings")
        return super().__new__(cls, ckpt_to_initialize_from, vars_to_warm_start,
                               var_name_to_vocab_info or {}, var_name_to_prev_var_name or {})


def _warm_start_settings(warm_start_from):
    """``Estimator(warm_start_from=...)`` as WarmStartSettings (None: no warm start)."""
    if warm_start_from is None:
        return None
    if isinstance(warm_start_from, str | bytes | os.PathLike):
        path = os.fsdecode(warm_start_from)
        saved_model_variables = os.path.join(path, "variables", "variables")
        if os.path.exists(saved_model_variables + ".index"):
            logging.info("Warm-starting from a SavedModel")
            return WarmStartSettings(saved_model_variables)
        return WarmStartSettings(path)
    if isinstance(warm_start_from, WarmStartSettings):
        return warm_start_from
    raise ValueError(f"warm_start_from must be a string or a WarmStartSettings, instead got "
                     f"{type(warm_start_from)}")


class RunConfig:
    """Where and how often an Estimator saves: model_dir, seeds, checkpoint and log cadence."""

    def __init__(self, model_dir=None, tf_random_seed=None, save_summary_steps=100,
                 save_checkpoints_steps=None, save_checkpoints_secs=None, session_config=None,
                 keep_checkpoint_max=5, keep_checkpoint_every_n_hours=10000,
                 log_step_count_steps=100, train_distribute=None, device_fn=None,
                 protocol=None, eval_distribute=None, experimental_distribute=None,
                 experimental_max_worker_delay_secs=None, session_creation_timeout_secs=7200):
        if save_checkpoints_steps is not None and save_checkpoints_secs is not None:
            raise ValueError("Can not provide both save_checkpoints_steps and "
                             "save_checkpoints_secs.")
        if save_checkpoints_steps is None and save_checkpoints_secs is None:
            save_checkpoints_secs = 600
        self.model_dir = model_dir
        self.tf_random_seed = tf_random_seed
        self.save_summary_steps = save_summary_steps
        self.save_checkpoints_steps = save_checkpoints_steps
        self.save_checkpoints_secs = save_checkpoints_secs
        self.session_config = session_config
        self.keep_checkpoint_max = keep_checkpoint_max
        self.keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours
        self.log_step_count_steps = log_step_count_steps
        self.is_chief = True
        self.master = ""
        self.num_ps_replicas = 0
        self.num_worker_replicas = 1
        self.task_type = "worker"
        self.task_id = 0
        self.cluster_spec = None
        self.train_distribute = train_distribute
        self.eval_distribute = eval_distribute
        self.experimental_distribute = experimental_distribute
        self.device_fn = device_fn

    def replace(self, **kwargs):
        """A copy with some settings changed."""
        new = copy.copy(self)
        for key, value in kwargs.items():
            if not hasattr(new, key):
                raise ValueError(f"Replacing {key} is not supported")
            setattr(new, key, value)
        if "save_checkpoints_steps" in kwargs and kwargs["save_checkpoints_steps"] is not None:
            new.save_checkpoints_secs = None
        return new


def _accepted_args(fn):
    try:
        return set(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return set()


class Estimator:
    """Trains and evaluates the model that ``model_fn`` builds, keeping it in ``model_dir``."""

    def __init__(self, model_fn, model_dir=None, config=None, params=None,
                 warm_start_from=None):
        if not callable(model_fn):
            raise ValueError("model_fn must be provided to Estimator.")
        args = _accepted_args(model_fn)
        if "features" not in args and len(args) < 1:
            raise ValueError(f"model_fn ({model_fn}) must include features argument.")
        if params is not None and "params" not in args:
            raise ValueError(f"model_fn ({model_fn}) does not include params argument, but "
                             f"params ({params}) is passed to Estimator.")
        config = config or RunConfig()
        if not isinstance(config, RunConfig):
            raise ValueError(f"config must be an instance of RunConfig, but provided {config}.")
        if model_dir is not None and config.model_dir is not None and os.path.abspath(
                model_dir) != os.path.abspath(config.model_dir):
            raise ValueError(f"model_dir are set both in constructor and RunConfig, but with "
                             f"different values. In constructor: '{model_dir}', in "
                             f"RunConfig: '{config.model_dir}'")
        model_dir = model_dir or config.model_dir
        if model_dir is None:
            model_dir = tempfile.mkdtemp()
            logging.warning("Using temporary folder as model directory: %s", model_dir)
        self._model_dir = os.fspath(model_dir)
        self._config = config.replace(model_dir=self._model_dir)
        self._params = copy.deepcopy(params or {})
        self._model_fn = model_fn
        self._model_fn_args = args
        self._warm_start_settings = _warm_start_settings(warm_start_from)

    # -- properties ----------------------------------------------------------------------------
    @property
    def model_dir(self):
        return self._model_dir

    def eval_dir(self, name=None):
        """Where ``evaluate(name=...)`` writes its metrics: ``model_dir/eval`` or
        ``model_dir/eval_<name>``."""
        return os.path.join(self._model_dir, f"eval_{name}" if name else "eval")

    @property
    def config(self):
        return copy.deepcopy(self._config)

    @property
    def params(self):
        return copy.deepcopy(self._params)

    @property
    def model_fn(self):
        return self._model_fn

    def latest_checkpoint(self):
        return checkpoint_management.latest_checkpoint(self._model_dir)

    def get_variable_names(self):
        from ..train.checkpoint_utils import list_variables

        return [name for name, _ in list_variables(self._checkpoint_or_raise())]

    def get_variable_value(self, name):
        from ..train.checkpoint_utils import load_variable

        return load_variable(self._checkpoint_or_raise(), name)

    def _checkpoint_or_raise(self):
        path = self.latest_checkpoint()
        if path is None:
            raise ValueError(f"Could not find trained model in model_dir: {self._model_dir}.")
        return path

    # -- building ------------------------------------------------------------------------------
    def _call_input_fn(self, input_fn, mode):
        args = _accepted_args(input_fn)
        kwargs = {}
        if "mode" in args:
            kwargs["mode"] = mode
        if "params" in args:
            kwargs["params"] = self.params
        if "config" in args:
            kwargs["config"] = self.config
        return self._split_input(input_fn(**kwargs))

    def _input_with(self, strategy, input_fn, mode):
        """``_call_input_fn``, inside ``strategy``'s scope when RunConfig names one (with
        an ``input_context`` for an input_fn that asks for it), as TensorFlow does."""
        if strategy is None:
            return self._call_input_fn(input_fn, mode)
        if "input_context" in _accepted_args(input_fn):
            from ..distribute import InputContext

            context = InputContext(1, 0, strategy.num_replicas_in_sync)
            input_fn = functools.partial(input_fn, input_context=context)
        with strategy.scope():
            return self._call_input_fn(input_fn, mode)

    def _model_with(self, strategy, features, labels, mode):
        """``_call_model_fn``; with a strategy, once per replica in its replica context."""
        if strategy is None:
            return self._call_model_fn(features, labels, mode)
        with strategy.scope(), strategy._scale_loss_for_estimator_enabled():
            return strategy.extended.call_for_each_replica(
                self._call_model_fn, args=(features, labels, mode))

    @staticmethod
    def _split_input(result):
        """``(features, labels)`` from what an input_fn returned (a Dataset is iterated)."""
        if hasattr(result, "make_one_shot_iterator") and hasattr(result, "_iterate"):
            result = result.make_one_shot_iterator().get_next()
        if isinstance(result, tuple) and len(result) == 2:
            return result[0], result[1]
        return result, None

    def _call_model_fn(self, features, labels, mode):
        kwargs = {}
        args = self._model_fn_args
        if "labels" in args:
            kwargs["labels"] = labels
        elif labels is not None:
            raise ValueError("model_fn does not take labels, but input_fn returns labels.")
        if "mode" in args:
            kwargs["mode"] = mode
        if "params" in args:
            kwargs["params"] = self.params
        if "config" in args:
            kwargs["config"] = self.config
        spec = self._model_fn(features=features, **kwargs)
        if not isinstance(spec, EstimatorSpec):
            raise ValueError(f"model_fn should return an EstimatorSpec. Given: {spec}")
        return spec

    def _new_graph(self):
        graph = Graph()
        if self._config.tf_random_seed is not None:
            graph.seed = self._config.tf_random_seed
        return graph

    # -- training ------------------------------------------------------------------------------
    def train(self, input_fn, hooks=None, steps=None, max_steps=None, saving_listeners=None):
        """Train until ``input_fn`` runs out, ``steps`` more steps, or global step ``max_steps``."""
        if steps is not None and max_steps is not None:
            raise ValueError("Can not provide both steps and max_steps.")
        if steps is not None and steps <= 0:
            raise ValueError(f"Must specify steps > 0, given: {steps}")
        if max_steps is not None and max_steps <= 0:
            raise ValueError(f"Must specify max_steps > 0, given: {max_steps}")
        if max_steps is not None:
            start = self._checkpoint_step()
            if start >= max_steps:
                logging.info("Skipping training since max_steps has already saved.")
                return self
        with self._new_graph().as_default():
            global_step = training_util.get_or_create_global_step()
            strategy = getattr(self._config, "train_distribute", None)
            features, labels = self._input_with(strategy, input_fn, ModeKeys.TRAIN)
            spec = self._model_with(strategy, features, labels, ModeKeys.TRAIN)
            _add_loss_summary(spec.loss)
            if self._warm_start_settings is not None:
                from ..train.warm_starting import warm_start

                logging.info("Warm-starting with WarmStartSettings: %s",
                             self._warm_start_settings)
                warm_start(*self._warm_start_settings)
            all_hooks = list(hooks or [])
            if steps is not None or max_steps is not None:
                all_hooks.append(session_run_hook.StopAtStepHook(steps, max_steps))
            all_hooks.append(session_run_hook.NanTensorHook(spec.loss))
            if self._config.log_step_count_steps:
                all_hooks.append(session_run_hook.LoggingTensorHook(
                    {"loss": spec.loss, "step": global_step},
                    every_n_iter=self._config.log_step_count_steps))
            all_hooks.extend(spec.training_hooks)
            scaffold = spec.scaffold
            if scaffold.saver is None:
                saver = Saver(max_to_keep=self._config.keep_checkpoint_max,
                              keep_checkpoint_every_n_hours=(
                                  self._config.keep_checkpoint_every_n_hours),
                              allow_empty=True)
                scaffold = monitored_session.Scaffold(
                    init_op=scaffold.init_op, init_feed_dict=scaffold.init_feed_dict,
                    init_fn=scaffold.init_fn, local_init_op=scaffold.local_init_op,
                    summary_op=scaffold.summary_op, saver=saver)
            chief_hooks = list(spec.training_chief_hooks)
            if saving_listeners:
                chief_hooks.append(session_run_hook.CheckpointSaverHook(
                    self._model_dir, save_secs=self._config.save_checkpoints_secs,
                    save_steps=self._config.save_checkpoints_steps, scaffold=scaffold,
                    listeners=saving_listeners))
                save_steps, save_secs = None, None
            else:
                save_steps = self._config.save_checkpoints_steps
                save_secs = self._config.save_checkpoints_secs
            loss = None
            with monitored_session.MonitoredTrainingSession(
                    checkpoint_dir=self._model_dir, scaffold=scaffold, hooks=all_hooks,
                    chief_only_hooks=chief_hooks, save_checkpoint_secs=save_secs,
                    save_checkpoint_steps=save_steps,
                    save_summaries_steps=self._config.save_summary_steps,
                    config=_session_config(self._config),
                    log_step_count_steps=self._config.log_step_count_steps) as session:
                while not session.should_stop():
                    _, loss = session.run([spec.train_op, spec.loss])
            logging.info("Loss for final step: %s.", loss)
        return self

    def _checkpoint_step(self):
        path = self.latest_checkpoint()
        if path is None:
            return 0
        from ..train.checkpoint_utils import load_variable

        try:
            return int(load_variable(path, "global_step"))
        except (KeyError, ValueError, errors.NotFoundError):
            return 0

    # -- evaluation ----------------------------------------------------------------------------
    def evaluate(self, input_fn, steps=None, hooks=None, checkpoint_path=None, name=None):
        """Metrics of the model over ``input_fn`` (until it ends, or ``steps`` batches)."""
        if steps is not None and steps <= 0:
            raise ValueError(f"Must specify steps > 0, given: {steps}")
        path = checkpoint_path or self.latest_checkpoint()
        if path is None:
            raise ValueError(f"Could not find trained model in model_dir: {self._model_dir}, "
                             "running initialization to evaluate.")
        with self._new_graph().as_default():
            global_step = training_util.get_or_create_global_step()
            strategy = getattr(self._config, "eval_distribute", None)
            features, labels = self._input_with(strategy, input_fn, ModeKeys.EVAL)
            spec = self._model_with(strategy, features, labels, ModeKeys.EVAL)
            metric_ops = dict(spec.eval_metric_ops)
            if "loss" not in metric_ops:
                metric_ops["loss"] = metrics.mean(spec.loss)
            updates = control_flow_ops.group(*[pair[1] for pair in metric_ops.values()])
            values = {key: pair[0] for key, pair in metric_ops.items()}
            values["global_step"] = global_step
            all_hooks = list(hooks or []) + list(spec.evaluation_hooks)
            scaffold = monitored_session.Scaffold(saver=Saver(allow_empty=True))
            creator = monitored_session.ChiefSessionCreator(
                scaffold, checkpoint_filename_with_path=path,
                config=_session_config(self._config))
            done = 0
            session = monitored_session.MonitoredSession(creator, all_hooks)
            try:
                while not session.should_stop() and (steps is None or done < steps):
                    try:
                        session.run(updates)
                    except (errors.OutOfRangeError, StopIteration):
                        # An input's end: a dataset or queue runs out, or a feed function
                        # (FeedFnHook) stops, as TensorFlow's evaluation loop treats both.
                        break
                    done += 1
                results = session.raw_session().run(values)
            finally:
                session.close()
        results = {key: _as_python(value) for key, value in results.items()}
        _write_eval_summary(self.eval_dir(name), results)
        logging.info("Saving dict for global step %d: %s", results["global_step"],
                     ", ".join(f"{k} = {v!s}" for k, v in sorted(results.items())))
        return results

    # -- prediction ----------------------------------------------------------------------------
    def predict(self, input_fn, predict_keys=None, hooks=None, checkpoint_path=None,
                yield_single_examples=True):
        """Yield predictions (per example, or per batch) until ``input_fn`` runs out."""
        path = checkpoint_path or self.latest_checkpoint()
        with self._new_graph().as_default():
            training_util.get_or_create_global_step()
            features, _ = self._call_input_fn(input_fn, ModeKeys.PREDICT)
            spec = self._call_model_fn(features, None, ModeKeys.PREDICT)
            predictions = spec.predictions
            if isinstance(predictions, dict) and predict_keys is not None:
                missing = [k for k in predict_keys if k not in predictions]
                if missing:
                    raise ValueError(f"Expected to run at least one output from "
                                     f"{sorted(predictions)}, provided {missing}.")
                predictions = {k: predictions[k] for k in predict_keys}
            if path is None:
                logging.warning("Could not find trained model in model_dir: %s, running "
                                "initialization to predict.", self._model_dir)
            scaffold = monitored_session.Scaffold(saver=Saver(allow_empty=True))
            creator = monitored_session.ChiefSessionCreator(
                scaffold, checkpoint_filename_with_path=path,
                config=_session_config(self._config))
            hooks = list(hooks or []) + list(spec.prediction_hooks)
            with monitored_session.MonitoredSession(creator, hooks) as session:
                while not session.should_stop():
                    batch = session.run(predictions)
                    if not yield_single_examples:
                        yield batch
                        continue
                    yield from _split_batch(batch)

    # -- export ------------------------------------------------------------------------------
    def export_saved_model(self, export_dir_base, serving_input_receiver_fn,
                           assets_extra=None, as_text=False, checkpoint_path=None,
                           experimental_mode=ModeKeys.PREDICT):
        """Write the model as a SavedModel in ``export_dir_base/<timestamp>`` (returned, as
        bytes): the graph ``serving_input_receiver_fn`` and the PREDICT ``model_fn`` build,
        the newest checkpoint's variables (or ``checkpoint_path``'s), a signature per export
        output (``serving_default`` first), ``assets_extra`` copied to ``assets.extra/``."""
        from .saved_model_export import export_all_saved_models

        return export_all_saved_models(
            self, export_dir_base, {experimental_mode: serving_input_receiver_fn},
            assets_extra=assets_extra, as_text=as_text, checkpoint_path=checkpoint_path)

    def export_savedmodel(self, export_dir_base, serving_input_receiver_fn,
                          assets_extra=None, as_text=False, checkpoint_path=None,
                          strip_default_attrs=False):
        """TensorFlow 1.x's older name of ``export_saved_model`` (PREDICT only)."""
        from .saved_model_export import export_all_saved_models

        return export_all_saved_models(
            self, export_dir_base, {ModeKeys.PREDICT: serving_input_receiver_fn},
            assets_extra=assets_extra, as_text=as_text, checkpoint_path=checkpoint_path,
            strip_default_attrs=strip_default_attrs)

    def experimental_export_all_saved_models(self, export_dir_base, input_receiver_fn_map,
                                             assets_extra=None, as_text=False,
                                             checkpoint_path=None):
        """One SavedModel with a MetaGraph per mode: ``{ModeKeys.TRAIN: receiver_fn, ...}``
        (TRAIN/EVAL receivers return ``SupervisedInputReceiver``s)."""
        from .saved_model_export import export_all_saved_models

        return export_all_saved_models(self, export_dir_base, input_receiver_fn_map,
                                       assets_extra=assets_extra, as_text=as_text,
                                       checkpoint_path=checkpoint_path)


def _add_loss_summary(loss):
    """A ``loss`` scalar summary unless the model_fn wrote one, as TensorFlow's Estimator
    adds (the training curve in ``model_dir``'s events, every ``save_summary_steps``).
    Needs the ``tensorboard`` extra; without it there are no events to write it to."""
    from .. import tb_protos

    graph = get_default_graph()
    if not tb_protos.available() or any(
            getattr(item, "op", item).name == "loss"
            for item in graph.get_collection(GraphKeys.SUMMARIES)):
        return
    from ..ops.summary_ops import scalar

    scalar("loss", loss)


def _write_eval_summary(eval_dir, results):
    """The scalar metrics as summaries in ``eval_dir`` at the global step, as TensorFlow
    writes them (TensorBoard's eval curves; ``BestExporter`` reads them back). Needs the
    ``tensorboard`` extra; without it nothing is written."""
    from .. import tb_protos

    if not tb_protos.available():
        return
    from ..summary.writer import FileWriter

    pb = tb_protos.load()
    summary = pb.summary_pb2.Summary()
    for key, value in sorted(results.items()):
        # Nested results (contrib.timeseries' state tuple) are not summaries.
        if isinstance(value, (tuple, list, dict)):
            continue
        if key != "global_step" and np.ndim(value) == 0 and np.issubdtype(
                np.asarray(value).dtype, np.number):
            summary.value.add(tag=key, simple_value=float(value))
    writer = FileWriter(eval_dir)
    try:
        writer.add_summary(summary, int(results["global_step"]))
    finally:
        writer.close()


def _as_python(value):
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value[()]
    return value


def _split_batch(batch):
    if isinstance(batch, dict):
        sizes = {np.shape(v)[0] for v in batch.values()}
        if len(sizes) != 1:
            raise ValueError("Batch length of predictions should be same. "
                             f"{ {k: np.shape(v) for k, v in batch.items()} }")
        for index in range(sizes.pop()):
            yield {key: value[index] for key, value in batch.items()}
        return
    yield from batch


def _session_config(run_config):
    """The RunConfig's session config or, as TensorFlow's Estimator, one with soft placement
    (a model_fn pinning ops to '/gpu:0' runs on a machine without GPUs)."""
    if run_config.session_config is not None:
        return run_config.session_config
    return ConfigProto(allow_soft_placement=True)
