"""``tf.estimator.train_and_evaluate`` with ``TrainSpec`` and ``EvalSpec`` (local, one process).

Training runs in chunks that end at each checkpoint (``RunConfig.save_checkpoints_steps``,
or the whole run); after a chunk the model is evaluated when ``throttle_secs`` have
passed since the last evaluation, and always once at the end, as TensorFlow's local mode
evaluates each new checkpoint.
"""

import collections
import os
import time

from .. import logging
from .exporter import check_exporters

__all__ = ["EvalSpec", "TrainSpec", "train_and_evaluate"]


class TrainSpec(collections.namedtuple("TrainSpec", ["input_fn", "max_steps", "hooks"])):
    """How to train: the input_fn, the last global step, extra hooks."""

    def __new__(cls, input_fn, max_steps=None, hooks=None):
        if not callable(input_fn):
            raise TypeError(f"`input_fn` must be callable, given: {input_fn}")
        if max_steps is not None and max_steps <= 0:
            raise ValueError(f"Must specify max_steps > 0, given: {max_steps}")
        return super().__new__(cls, input_fn, max_steps, tuple(hooks or ()))


class EvalSpec(collections.namedtuple("EvalSpec", [
        "input_fn", "steps", "name", "hooks", "exporters", "start_delay_secs",
        "throttle_secs"])):
    """How to evaluate: the input_fn, how many batches (None: until it ends), how often."""

    def __new__(cls, input_fn, steps=100, name=None, hooks=None, exporters=None,
                start_delay_secs=120, throttle_secs=600):
        if not callable(input_fn):
            raise TypeError(f"`input_fn` must be callable, given: {input_fn}")
        if steps is not None and steps <= 0:
            raise ValueError(f"Must specify steps > 0, given: {steps}")
        if throttle_secs < 0:
            raise ValueError(f"Must specify throttle_secs >= 0, given: {throttle_secs}")
        return super().__new__(cls, input_fn, steps, name, tuple(hooks or ()),
                               check_exporters(exporters), start_delay_secs, throttle_secs)


def train_and_evaluate(estimator, train_spec, eval_spec):
    """Train to ``train_spec.max_steps``, evaluating (and running the eval spec's exporters)
    along the way; ``(final metrics, the exporters' results of the final evaluation)``."""
    if not isinstance(train_spec, TrainSpec):
        raise TypeError(f"`train_spec` must have type `tf.estimator.TrainSpec`. Got: "
                        f"{type(train_spec)}")
    if not isinstance(eval_spec, EvalSpec):
        raise TypeError(f"`eval_spec` must have type `tf.estimator.EvalSpec`. Got: "
                        f"{type(eval_spec)}")
    chunk = estimator.config.save_checkpoints_steps
    last_eval = time.monotonic()
    result = None
    while True:
        step = estimator._checkpoint_step()
        if train_spec.max_steps is not None and step >= train_spec.max_steps:
            break
        target = train_spec.max_steps
        if chunk is not None:
            target = step + chunk if target is None else min(step + chunk, target)
        before = step
        estimator.train(train_spec.input_fn, hooks=train_spec.hooks, max_steps=target)
        after = estimator._checkpoint_step()
        finished = after == before or (train_spec.max_steps is not None
                                       and after >= train_spec.max_steps)
        if finished:
            break
        if time.monotonic() - last_eval >= eval_spec.throttle_secs:
            result, _ = _evaluate_and_export(estimator, train_spec, eval_spec)
            last_eval = time.monotonic()
            logging.info("Evaluation at step %d: %s", after, result)
    return _evaluate_and_export(estimator, train_spec, eval_spec)


def _evaluate_and_export(estimator, train_spec, eval_spec):
    """Evaluate the newest checkpoint, then run each exporter on it (TensorFlow's order);
    ``(metrics, [each exporter's result])``."""
    checkpoint = estimator.latest_checkpoint()
    result = estimator.evaluate(eval_spec.input_fn, eval_spec.steps, hooks=eval_spec.hooks,
                                name=eval_spec.name, checkpoint_path=checkpoint)
    final = (train_spec.max_steps is not None
             and result["global_step"] >= train_spec.max_steps)
    exports = []
    for exporter in eval_spec.exporters:
        path = os.path.join(estimator.model_dir, "export", exporter.name)
        exports.append(exporter.export(estimator, path, checkpoint, result, final))
    return result, exports
