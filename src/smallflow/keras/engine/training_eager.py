"""``fit``/``evaluate``/``predict`` while executing eagerly: one batch at a time, on a tape.

Graph-mode Keras builds placeholders, the loss and the metrics once and runs them with
``Session.run`` per batch. Eagerly there is nothing to build: ``step`` calls the model on the
batch, computes the same weighted losses and metric values as ``_build_training_graph``
(the same formulas, in the same order, so the logged numbers agree), and for training
differentiates the total loss with a GradientTape and applies the Keras optimizer's update.
It returns the values in the order the graph's fetches have, so the loops of training.py
(progress bars, callbacks, history) serve both modes.
"""

import numpy as np

from ...eager.tape import GradientTape
from ...graph import convert_to_tensor
from ...ops import array_ops, math_ops
from .. import losses, metrics
from .base_layer import _flatten

_COUNTS, _SAMPLES, _BATCHES = 0, 1, 2


def _call(model, inputs, training):
    inputs = inputs[0] if len(inputs) == 1 else list(inputs)
    kwargs = {"training": training} if model._expects_training_arg else {}
    return _flatten(model(inputs, **kwargs))


def prepare(model, x):
    """Build the model on the first row of ``x`` and set up its losses and metrics (names,
    how each value adds up over an epoch), as ``_build_training_graph`` does in a graph."""
    outputs = _call(model, [convert_to_tensor(a[:1]) for a in x], False)
    model._eager_output_ranks = [len(o.shape) for o in outputs]
    if not model.__dict__.get("output_names"):
        model.output_names = [f"output_{i + 1}" for i in range(len(outputs))]
    if not model._compiled:
        return
    loss, metric_args, loss_weights, _ = model._compile_args
    count = len(outputs)
    per_output = model._per_output if count == len(model.output_names) else None
    if per_output is None:
        raise ValueError("the model's outputs do not match its output names")
    model._loss_functions = [losses.get(item) for item in per_output(loss, "loss")]
    model._eager_loss_weights = [float(w) for w in per_output(
        loss_weights if loss_weights is not None else 1.0, "loss_weights")]
    metric_lists = [item if isinstance(item, list | tuple) else ([] if item is None else [item])
                    for item in per_output(metric_args, "metrics")]
    several = count > 1
    names, metric_names, reads, functions = ["loss"], [], [], []
    for index, output in enumerate(outputs):
        name = model.output_names[index]
        function = model._loss_functions[index]
        if function is None:
            functions.append([])
            continue
        if several:
            names.append(f"{name}_loss")
        resolved = []
        for metric in metric_lists[index] or []:
            label, metric_function = metrics.resolve(metric, function, output)
            resolved.append(metric_function)
            if hasattr(metric_function, "statistics"):
                reads.append((len(metric_function._needs) * len(metric_function.thresholds),
                              metric_function.result))
            else:
                reads.append((1, None))
            metric_names.append(f"{name}_{label}" if several else label)
        functions.append(resolved)
    model.metrics_names = names + metric_names
    model._metric_reads = reads
    model._eager_metric_functions = functions
    modes = [_SAMPLES] + [_BATCHES] * (count if several else 0)
    for n, finalize in reads:
        modes += [_SAMPLES if finalize is None else _COUNTS] * n
    model._fetch_modes = np.array(modes)


def _losses(model, outputs, targets, weights):
    """The total loss, each output's loss, and the metric values of one batch."""
    total = None
    output_losses, values = [], []
    for index, output in enumerate(outputs):
        function = model._loss_functions[index]
        if function is None:
            continue
        target = math_ops.cast(convert_to_tensor(targets[index]), output.dtype)
        weight = convert_to_tensor(np.asarray(weights[index], output.dtype.as_numpy_dtype))
        per_sample = function(target, output)
        extra = len(per_sample.shape) - 1 if len(per_sample.shape) else 0
        sample_weight = array_ops.reshape(weight, [-1] + [1] * extra) if extra > 0 else weight
        scaled = math_ops.multiply(per_sample, sample_weight)
        size = math_ops.cast(array_ops.size(scaled), scaled.dtype)
        output_loss = math_ops.divide(math_ops.reduce_sum(scaled), size)
        output_losses.append(output_loss)
        factor = model._eager_loss_weights[index]
        term = output_loss if factor == 1.0 else math_ops.multiply(factor, output_loss)
        total = term if total is None else math_ops.add(total, term)
        for metric_function in model._eager_metric_functions[index]:
            if hasattr(metric_function, "statistics"):
                values.extend(metric_function.statistics(target, output))
            else:
                values.append(math_ops.reduce_mean(math_ops.cast(
                    metric_function(target, output), "float32")))
    for penalty in model.losses:
        total = math_ops.add(total, math_ops.cast(penalty, total.dtype))
    return total, output_losses, values


def _apply(optimizer, grads_and_vars):
    """One update by a Keras optimizer: its tf.train optimizer made once (the learning rate
    read at each step), then the iteration count."""
    tf_optimizer = optimizer.__dict__.get("_eager_optimizer")
    if tf_optimizer is None:
        tf_optimizer = optimizer._eager_optimizer = optimizer._tf_optimizer(optimizer._lr_tensor)
    grads_and_vars = optimizer._clip(grads_and_vars)
    if all(grad is None for grad, _ in grads_and_vars):
        raise ValueError("No gradients provided for any variable: "
                         f"{[v.name for _, v in grads_and_vars]}.")
    tf_optimizer.apply_gradients(grads_and_vars)
    optimizer.iterations.assign_add(1)


def elements(model, dataset, steps):
    """A dataset's elements as NumPy values, while executing eagerly: a whole pass, or
    ``steps`` of them from an iterator kept across calls (one pass spans the epochs, as with
    ``steps_per_epoch`` in graph mode)."""
    if steps is None:
        iterator = iter(dataset) if hasattr(dataset, "_iterate") else dataset
    else:
        kept = model.__dict__.setdefault("_eager_iterators", {})
        iterator = kept.get(id(dataset))
        if iterator is None:
            iterator = kept[id(dataset)] = iter(dataset)
    taken = 0
    while steps is None or taken < steps:
        element = next(iterator, None)
        if element is None:
            if steps is not None:
                import warnings

                warnings.warn(f"Your dataset ran out of data after {taken} of {steps} steps; "
                              "make sure it repeats (dataset.repeat()).", RuntimeWarning,
                              stacklevel=3)
                model.stop_training = True
            return
        taken += 1
        yield _numpy(element)


def _numpy(element):
    if isinstance(element, tuple | list):
        return type(element)(_numpy(e) for e in element)
    if isinstance(element, dict):
        return {k: _numpy(v) for k, v in element.items()}
    return element.numpy() if hasattr(element, "numpy") else element


def step(model, kind, x, y=(), weights=()):
    """One batch: "train" and "test" give ``[total, output losses..., metrics...]``,
    "predict" the outputs, as NumPy values."""
    inputs = [convert_to_tensor(a) for a in x]
    if kind == "predict":
        return [o.numpy() for o in _call(model, inputs, False)]
    training = kind == "train"
    with GradientTape() as tape:
        outputs = _call(model, inputs, training)
        total, output_losses, values = _losses(model, outputs, y, weights)
    if training:
        params = model.trainable_weights
        grads = tape.gradient(total, params)
        _apply(model.optimizer, list(zip(grads, params)))
        for variable in params:
            constraint = getattr(variable, "_keras_constraint", None)
            if constraint is not None:
                variable.assign(constraint(variable.value()))
    several = output_losses if len(outputs) > 1 else []
    return [v.numpy() for v in [total, *several, *values]]
