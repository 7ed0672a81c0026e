"""``Model``: ``compile``, ``fit``, ``evaluate``, ``predict`` on NumPy arrays, in a TF1 graph.

``compile`` adds the training graph once: a ``<output>_target`` placeholder and a
``<output>_sample_weights`` placeholder per output, each output's loss (the batch mean of
the per-sample loss times its weight), their weighted sum plus the layers' regularization
losses (``total_loss``), and one tensor per metric. The first ``fit`` adds the optimizer's
update ops together with the layers' own updates (batch normalization). Every step is one
``Session.run`` in ``backend.get_session()`` feeding a batch and the learning phase (True
in ``fit``, its default False in ``evaluate``/``predict``, so Dropout and
BatchNormalization switch as in TensorFlow 1.x).

Batches are 32 samples unless ``batch_size`` says otherwise; ``shuffle=True`` reorders the
samples each epoch with NumPy's global generator, as Keras does (Keras's documented recipe
for reproducible runs seeds NumPy and ``tf.set_random_seed``). Logged values are sample
means over the epoch, keyed as TensorFlow 1.x keys them: ``loss``, ``acc`` (for
``'accuracy'``), ``val_loss``, ``val_acc``; with several outputs also ``<output>_loss`` and
``<output>_<metric>``.
"""

import numpy as np

from ...graph import control_dependencies, executing_eagerly, name_scope
from ...ops import array_ops, constant_op, control_flow_ops, math_ops
from .. import backend, losses, metrics, optimizers
from ..callbacks import CallbackList, History
from .base_layer import _flatten
from .input_layer import Input
from .network import Network
from .progbar import Progbar

__all__ = ["Model"]

_COUNTS, _SAMPLES, _BATCHES = 0, 1, 2

# Losses whose targets must have the outputs' shape (Keras checks these before training).
_SHAPED_LOSSES = (losses.categorical_crossentropy, losses.sparse_categorical_crossentropy,
                  losses.binary_crossentropy, losses.mean_squared_error,
                  losses.mean_absolute_error, losses.categorical_hinge, losses.hinge,
                  losses.squared_hinge, losses.kullback_leibler_divergence)


class Model(Network):
    """A model: ``Model(inputs, outputs)``, or a subclass writing ``call``."""

    # the graph functions whose last fetch is the stateful layers' state update
    _stateful_kinds = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.optimizer = None
        self.stop_training = False
        self.history = None
        self._compiled = False
        self._functions = {}

    # -- compile -------------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                sample_weight_mode=None, weighted_metrics=None, target_tensors=None,
                distribute=None, **kwargs):
        if kwargs:
            raise TypeError(f"Invalid keyword argument(s) in `compile`: {sorted(kwargs)}")
        self.optimizer = optimizers.get(optimizer)
        self.loss = loss
        self._compile_args = (loss, metrics or [], loss_weights, weighted_metrics or [])
        # tensors that are the targets (a TF1 input pipeline), in place of fed placeholders
        self._target_tensors = None if target_tensors is None else \
            self._per_output(target_tensors if isinstance(target_tensors, dict | list | tuple)
                             else [target_tensors], "target_tensors")
        self._compiled = True
        self._functions = {}
        self.metrics_names = ["loss"]
        if self.built and self.outputs and not executing_eagerly():
            self._build_training_graph()

    def _per_output(self, value, what):
        names = self.output_names
        if isinstance(value, dict):
            unknown = set(value) - set(names)
            if unknown:
                raise ValueError(f"Unknown entries in {what} dictionary: {sorted(unknown)}. "
                                 f"Only expected following keys: {names}")
            return [value.get(name) for name in names]
        if isinstance(value, list | tuple) and what != "metrics":
            if len(value) != len(names):
                raise ValueError(f"When passing a list as {what}, it should have one entry per "
                                 f"model output. The model has {len(names)} outputs, but you "
                                 f"passed {what}={value!r}")
            return list(value)
        if what == "metrics" and isinstance(value, list | tuple) and value and \
                all(isinstance(item, list | tuple) for item in value):
            return [list(item) for item in value]
        return [value] * len(names)

    def _build_training_graph(self):
        self._collected_trainable_weights = list(self.trainable_weights)
        loss, metric_args, loss_weights, weighted_metric_args = self._compile_args
        graph = self.outputs[0].graph
        with graph.as_default(), name_scope(None):
            loss_functions = [losses.get(item) for item in self._per_output(loss, "loss")]
            weights = self._per_output(loss_weights if loss_weights is not None else 1.0,
                                       "loss_weights")
            metric_lists = [item if isinstance(item, list | tuple) else
                            ([] if item is None else [item])
                            for item in self._per_output(metric_args, "metrics")]
            several = len(self.outputs) > 1
            self._targets, self._sample_weights = [], []
            output_losses, names, metric_tensors, reads = [], ["loss"], [], []
            metric_names = []
            for index, output in enumerate(self.outputs):
                name = self.output_names[index]
                rank = output.shape.ndims
                given = (getattr(self, "_target_tensors", None) or [None] * (index + 1))[index]
                if given is not None:
                    target = given
                else:
                    target = constant_op.placeholder(output.dtype, shape=[None] * rank,
                                                     name=f"{name}_target")
                # ones unless fed: a model reading its data from tensors feeds nothing
                weight = array_ops.placeholder_with_default(
                    array_ops.ones([1], output.dtype), shape=[None],
                    name=f"{name}_sample_weights")
                self._targets.append(target)
                self._sample_weights.append(weight)
                function = loss_functions[index]
                if function is None:
                    continue
                with name_scope(f"loss/{name}_loss" if several else "loss/"):
                    per_sample = function(target, output)
                    scaled = per_sample
                    extra = per_sample.shape.ndims - 1 if per_sample.shape.ndims else 0
                    sample_weight = array_ops.reshape(weight, [-1] + [1] * extra) \
                        if extra > 0 else weight
                    scaled = math_ops.multiply(per_sample, sample_weight)
                    size = math_ops.cast(array_ops.size(scaled), scaled.dtype)
                    output_loss = math_ops.divide(math_ops.reduce_sum(scaled), size)
                output_losses.append((float(weights[index]), output_loss))
                if several:
                    names.append(f"{name}_loss")  # all outputs' losses, then the metrics
                for metric in metric_lists[index] or []:
                    label, metric_function = metrics.resolve(metric, function, output)
                    with name_scope("metrics/" + label + "/"):
                        if hasattr(metric_function, "statistics"):  # counts summed over batches
                            counts = metric_function.statistics(target, output)
                            metric_tensors.extend(counts)
                            reads.append((len(counts), metric_function.result))
                        else:  # a per-sample value, averaged over the samples seen
                            values = metric_function(target, output)
                            metric_tensors.append(math_ops.reduce_mean(
                                math_ops.cast(values, "float32")))
                            reads.append((1, None))
                    metric_names.append(f"{name}_{label}" if several else label)
            with name_scope("loss/"):
                total = None
                for weight, value in output_losses:
                    term = value if weight == 1.0 else math_ops.multiply(weight, value)
                    total = term if total is None else math_ops.add(total, term)
                for penalty in self.losses:
                    # a model with add_loss may be compiled without a loss (a VAE's loss)
                    penalty = math_ops.cast(penalty, self.outputs[0].dtype)
                    total = penalty if total is None else math_ops.add(total, penalty)
                if total is None:
                    raise ValueError("The model cannot be compiled because it has no loss to "
                                     "optimize.")
            self.total_loss = total
            self.metrics_names = names + metric_names
            self._output_losses = [value for _, value in output_losses]
            self._metric_tensors = metric_tensors
            self._metric_reads = reads
            self._loss_functions = loss_functions
            # How each fetched value adds up over an epoch: the total loss and mean metrics are
            # sample means (times the batch size); each output's own loss is a mean over
            # batches, as TF 1.x's per-output loss metrics (a Mean updated once per batch);
            # counting metrics add their counts.
            modes = [_SAMPLES] + [_BATCHES] * (len(self._output_losses) if several else 0)
            for count, finalize in reads:
                modes += [_SAMPLES if finalize is None else _COUNTS] * count
            self._fetch_modes = np.array(modes)

    def _scaled(self, values, size):
        """A batch's fetched values as sums: sample means times the batch size."""
        values = np.asarray(values, dtype=np.float64)
        return np.where(self._fetch_modes == _SAMPLES, values * size, values)

    def _read(self, totals, seen, steps=1):
        """The logged values (``metrics_names`` order) from sums over ``seen`` samples in
        ``steps`` batches."""
        divisors = np.where(self._fetch_modes == _BATCHES, max(steps, 1), max(seen, 1))
        means = len(self._fetch_modes) - sum(count for count, _ in self._metric_reads)
        values = [float(v) / d for v, d in zip(totals[:means], divisors[:means])]
        index = means
        seen = max(seen, 1)
        for count, finalize in self._metric_reads:
            part = totals[index: index + count]
            values.append(float(part[0]) / seen if finalize is None else float(finalize(part)))
            index += count
        return values

    # -- the graph functions -------------------------------------------------------------------
    def _runner(self, kind):
        """A function of one batch's arrays (inputs, targets, weights) giving the values of
        ``_function(kind)`` but the train op's: a ``Session.run`` of the graph, or, while
        executing eagerly, one eager step."""
        if executing_eagerly():
            from . import training_eager

            return lambda x, y=(), weights=(): training_eager.step(self, kind, x, y, weights)
        fetches = self._function(kind)  # before get_session: it may add variables
        session = backend.get_session()
        if kind == "train":
            return lambda x, y, weights: session.run(fetches, self._feed(x, y, weights,
                                                                         True))[1:]
        count = len(fetches) - (1 if kind in self._stateful_kinds else 0)
        if kind == "test":
            return lambda x, y, weights: session.run(fetches, self._feed(x, y, weights,
                                                                         False))[:count]
        return lambda x: session.run(fetches, dict(zip(self.inputs, x)))[:count]

    def _function(self, kind):
        if kind in self._functions:
            return self._functions[kind]
        graph = self.outputs[0].graph
        with graph.as_default():
            if kind == "train":
                # the weights trainable when the model was compiled, as Keras: a GAN's
                # discriminator frozen afterwards (for the combined model) still trains
                params = list(self._collected_trainable_weights)
                with name_scope(None):
                    updates = self.optimizer.get_updates(self.total_loss, params)
                    updates += self._updates_for_inputs(self.updates)
                    with control_dependencies(updates):
                        constrained = [v.assign(v._keras_constraint(v.value())).op
                                       for v in params if hasattr(v, "_keras_constraint")]
                    step = control_flow_ops.group(*updates, *constrained)
                fetches = [step, self.total_loss, *self._several_losses(),
                           *self._metric_tensors]
            elif kind == "test":
                fetches = [self.total_loss, *self._several_losses(), *self._metric_tensors]
            else:
                fetches = list(self.outputs)
            state_updates = self._updates_for_inputs(self.state_updates)
            if kind != "train" and state_updates:
                # stateful layers move on in evaluate and predict as well (the last fetch)
                fetches.append(control_flow_ops.group(*state_updates))
                self._stateful_kinds = (*self._stateful_kinds, kind)
        self._functions[kind] = fetches
        return fetches

    def _updates_for_inputs(self, updates):
        """The updates this model's own inputs drive. A layer called on several inputs (a
        Sequential generator inside a GAN) holds the updates of each call; those of another
        model's placeholders would ask for a feed, so they are left out, as Keras keeps only
        the updates conditioned on the model's inputs."""
        own = {id(t.op) for t in self.inputs}
        kept = []
        for update in updates:
            op = getattr(update, "op", update)
            seen, stack, foreign = set(), [op], False
            while stack and not foreign:
                current = stack.pop()
                if id(current) in seen:
                    continue
                seen.add(id(current))
                if current.type == "Placeholder" and id(current) not in own and \
                        not current.name.endswith("keras_learning_phase"):
                    foreign = True
                stack.extend(t.op for t in current.inputs)
                stack.extend(current.control_inputs)
            if not foreign:
                kept.append(update)
        return kept

    def _several_losses(self):
        return self._output_losses if len(self.outputs) > 1 else []

    def _require_compiled(self):
        if not self._compiled:
            raise RuntimeError("You must compile your model before training/testing. Use "
                               "`model.compile(optimizer, loss)`.")

    # -- data ----------------------------------------------------------------------------------
    def _arrays(self, data, names, what):
        if data is None:
            return []
        if isinstance(data, dict):
            missing = [n for n in names if n not in data]
            if missing:
                raise ValueError(f"No data provided for {missing}. Need data for each key in: "
                                 f"{names}")
            return [np.asarray(data[n]) for n in names]
        if isinstance(data, list | tuple) and len(names) > 1:
            if len(data) != len(names):
                raise ValueError(f"Error when checking model {what}: the list of Numpy arrays "
                                 f"that you are passing to your model is not the size the "
                                 f"model expected. Expected to see {len(names)} array(s), but "
                                 f"instead got {len(data)} arrays.")
            return [np.asarray(item) for item in data]
        return [np.asarray(data)]

    def _ensure_built(self, x):
        if executing_eagerly():
            # No symbolic model: built on the first row, losses set up (training_eager.py).
            if "_eager_output_ranks" not in self.__dict__:
                from . import training_eager

                training_eager.prepare(self, x)
            return
        if self.built and self.outputs:
            return
        inputs = []
        for array in x:
            dtype = backend.floatx() if array.dtype.kind in "fb" or array.dtype == object \
                else array.dtype.name
            inputs.append(Input(batch_shape=(None, *array.shape[1:]), dtype=dtype))
        self._build_graph_from(inputs)
        if self._compiled:
            self._build_training_graph()

    @staticmethod
    def _check_shapes(what, names, expected_shapes, arrays):
        """TensorFlow's "Error when checking input/target" messages, before any step runs."""
        for name, expected, array in zip(names, expected_shapes, arrays):
            if expected is None:
                continue
            if array.ndim != len(expected):
                raise ValueError(f"Error when checking {what}: expected {name} to have "
                                 f"{len(expected)} dimensions, but got array with shape "
                                 f"{array.shape}")
            if any(e is not None and e != a for e, a in zip(expected[1:], array.shape[1:])):
                raise ValueError(f"Error when checking {what}: expected {name} to have shape "
                                 f"{tuple(expected[1:])} but got array with shape "
                                 f"{array.shape[1:]}")

    def _check_inputs(self, x):
        shapes = [t.shape.as_tuple() for t in self.inputs]
        self._check_shapes("input", self.input_names, shapes, x)

    def _check_targets(self, y):
        shapes = []
        for index, output in enumerate(self.outputs):
            dims = output.shape.as_tuple()
            functions = getattr(self, "_loss_functions", [None] * len(self.outputs))
            if dims is not None and functions[index] is losses.sparse_categorical_crossentropy:
                dims = (*dims[:-1], 1)  # one class index per sample
            shapes.append(None if functions[index] is None or
                          functions[index] not in _SHAPED_LOSSES else dims)
        self._check_shapes("target", self.output_names, shapes, y)

    def _standardize(self, x, y=None, sample_weight=None, class_weight=None):
        x = self._arrays(x, getattr(self, "input_names", ["input_1"]), "input")
        # As TF 1.x's standardize_input_data: a 1-D input array is a column of samples.
        x = [array[:, None] if array.ndim == 1 else array for array in x]
        self._ensure_built(x)
        self._check_inputs(x)
        if y is None:
            return x, [], []
        y = self._arrays(y, self.output_names, "target")
        ranks = self.__dict__.get("_eager_output_ranks") or [t.shape.ndims for t in self.outputs]
        for index, (target, rank) in enumerate(zip(y, ranks)):
            if target.ndim == rank - 1:
                y[index] = target[..., None]
        self._check_targets(y)
        counts = {len(a) for a in x} | {len(a) for a in y}
        if len(counts) > 1:
            raise ValueError(f"Input arrays should have the same number of samples as target "
                             f"arrays. Found {len(x[0])} input samples and {len(y[0])} target "
                             "samples.")
        weights = self._arrays(sample_weight, self.output_names, "sample_weight") \
            if sample_weight is not None else [None] * len(y)
        for index, target in enumerate(y):
            if weights[index] is None:
                weights[index] = np.ones(len(target), dtype=np.float32)
            if class_weight is not None:
                labels = target.argmax(-1) if target.shape[-1] > 1 else target[:, 0]
                factors = np.array([class_weight.get(int(c), 1.0) for c in labels], np.float32)
                weights[index] = weights[index] * factors
        return x, y, weights

    def _feed(self, x, y, weights, training):
        """The feed of one batch: inputs, targets, sample weights, the learning phase."""
        feed = dict(zip(self.inputs, x))
        feed.update(zip(self._targets[: len(y)], y))
        feed.update(zip(self._sample_weights[: len(y)], weights))
        phase = backend._phase_placeholder()
        if phase is not None and training:
            feed[phase] = True
        return feed

    # -- where batches come from ---------------------------------------------------------------
    @staticmethod
    def _array_batches(data, batch_size, shuffle):
        """``(arrays of the batch, size)`` for each batch of ``data`` (lists of arrays)."""
        count = len(data[0][0])
        order = np.arange(count)
        if shuffle == "batch":
            starts = np.arange(0, count, batch_size)
            # NumPy's global generator, as Keras: np.random.seed makes runs repeat.
            np.random.shuffle(starts)  # noqa: NPY002
            order = np.concatenate([order[s: s + batch_size] for s in starts])
        elif shuffle:
            np.random.shuffle(order)  # noqa: NPY002
        for start in range(0, count, batch_size):
            index = order[start: start + batch_size]
            yield [[array[index] for array in part] for part in data], len(index)

    def _reads_tensors(self):
        """Whether the model's inputs are tensors of an input pipeline (``Input(tensor=...)``),
        so steps run with nothing fed."""
        return bool(self.inputs) and all(t.op.type != "Placeholder" for t in self.inputs)

    @staticmethod
    def _tensor_source(steps, what):
        if steps is None:
            raise ValueError(f"When using data tensors as input to a model, you should "
                             f"specify the `{what}` argument.")
        return ("tensors", None)

    def _dataset_batches(self, source, steps, with_targets=True, class_weight=None,
                         shuffle=False):
        """Batches read from a ``tf.data`` dataset, a Python generator or a
        ``keras.utils.Sequence``: ``steps`` of them, or until the source ends. ``shuffle``
        reorders a Sequence's batches (fit's default, as Keras's enqueuer);
        ``class_weight`` weighs each batch's samples by class."""
        if source[0] == "tensors":  # the graph reads its own data: nothing to feed
            for _ in range(steps):
                yield [[], [], []], 1
            return
        for element in self._elements(source, steps, shuffle):
            parts = list(element) if isinstance(element, tuple | list) else [element]
            if with_targets:
                parts += [None] * (3 - len(parts))
                arrays = list(self._standardize(*parts[:3], class_weight))
            else:
                arrays = [self._standardize(parts[0])[0], [], []]
            yield arrays, len(arrays[0][0])

    def _elements(self, source, steps, shuffle=False):
        from ...errors import OutOfRangeError
        from ..utils import Sequence

        kind, payload = source
        if kind == "python":
            if isinstance(payload, Sequence):
                count = len(payload) if steps is None else steps
                order = list(range(len(payload)))
                if shuffle:
                    # Keras's OrderedEnqueuer shuffles with Python's random module
                    import random

                    random.shuffle(order)
                for index in range(count):
                    yield payload[order[index % len(payload)]]
                payload.on_epoch_end()
                return
            if steps is None:
                raise ValueError("`steps_per_epoch=None` is only valid for a generator based "
                                 "on the `keras.utils.Sequence` class. Please specify "
                                 "`steps_per_epoch` or use the `keras.utils.Sequence` class.")
            for _ in range(steps):
                yield next(payload)
            return
        if kind == "eager":
            from . import training_eager

            yield from training_eager.elements(self, payload, steps)
            return
        session = backend.get_session()
        next_element, initializer = payload
        if steps is None and initializer is not None:
            session.run(initializer)
        taken = 0
        while steps is None or taken < steps:
            try:
                element = session.run(next_element)
            except OutOfRangeError:
                if steps is not None:
                    import warnings

                    warnings.warn(f"Your dataset ran out of data after {taken} of {steps} "
                                  "steps; make sure it repeats (dataset.repeat()).",
                                  RuntimeWarning, stacklevel=3)
                    self.stop_training = True
                return
            taken += 1
            yield element

    @staticmethod
    def _start_pass(source, steps):
        """Initialize a dataset's iterator when ``steps`` bound the pass (without steps,
        ``_elements`` initializes it for every pass)."""
        if steps is not None and source[0] == "tf" and source[1][1] is not None:
            backend.get_session().run(source[1][1])

    def _dataset_source(self, dataset):
        """``("tf", (next element, initializer))`` for a dataset or iterator in our graph, or
        ``("python", generator)``."""
        if not (hasattr(dataset, "make_initializable_iterator") or hasattr(dataset, "get_next")):
            return ("python", dataset)
        if executing_eagerly():
            return ("eager", dataset)
        cache = self.__dict__.setdefault("_dataset_iterators", {})
        if id(dataset) not in cache:
            if hasattr(dataset, "make_initializable_iterator"):
                iterator = dataset.make_initializable_iterator()
                cache[id(dataset)] = (dataset, (iterator.get_next(), iterator.initializer))
            else:  # an iterator the program made
                cache[id(dataset)] = (dataset, (dataset.get_next(), None))
        return ("tf", cache[id(dataset)][1])

    @staticmethod
    def _is_dataset(value):
        import inspect

        from ..utils import Sequence

        return (hasattr(value, "make_initializable_iterator") or hasattr(value, "get_next")
                or isinstance(value, Sequence) or inspect.isgenerator(value)
                or (hasattr(value, "__next__") and not isinstance(value, np.ndarray)))

    # -- the loops -----------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose=1, callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_freq=1, **kwargs):
        """Train for ``epochs`` passes over ``x``/``y`` (arrays, or a ``tf.data`` dataset of
        ``(x, y)`` batches); return a ``History``."""
        if "nb_epoch" in kwargs:  # Keras 1's name, still accepted by Keras 2
            epochs = kwargs.pop("nb_epoch")
        for key in kwargs:
            if key not in ("max_queue_size", "workers", "use_multiprocessing"):
                raise TypeError(f"Unrecognized keyword arguments: {kwargs}")
        self._require_compiled()
        if x is None and not self._reads_tensors():
            raise ValueError("fit needs training data `x` (NumPy arrays or a tf.data dataset)")
        batch_size = 32 if batch_size is None else int(batch_size)
        dataset = x is None or self._is_dataset(x)
        if x is None:
            source = self._tensor_source(steps_per_epoch, "steps_per_epoch")
            data = count = None
        elif dataset:
            if y is not None:
                raise ValueError("`y` argument is not supported when using dataset as input.")
            source = self._dataset_source(x)
            data = count = None
            if steps_per_epoch is not None and source[0] == "tf" and source[1][1] is not None:
                backend.get_session().run(source[1][1])  # one pass spans the epochs
        else:
            data = list(self._standardize(x, y, sample_weight, class_weight))
            if not data[1] and any(f is not None for f in self._loss_functions):
                raise ValueError("fit needs targets `y` for a model compiled with a loss")
        validation = None
        if validation_data is not None:
            if self._is_dataset(validation_data):
                validation = ("dataset", self._dataset_source(validation_data),
                              validation_steps)
                # With validation_steps, one pass of the validation data spans the epochs
                # (TensorFlow 1.x initializes its iterator once per fit).
                self._start_pass(validation[1], validation_steps)
            else:
                parts = list(validation_data)
                if len(parts) not in (2, 3):
                    raise ValueError("When passing validation_data, it must contain 2 (x_val, "
                                     "y_val) or 3 (x_val, y_val, val_sample_weights) items, "
                                     f"however it contains {len(parts)} items")
                validation = self._standardize(*parts[:2],
                                               parts[2] if len(parts) == 3 else None)
        elif validation_split and 0.0 < validation_split < 1.0 and not dataset:
            split = int(len(data[0][0]) * (1.0 - validation_split))
            validation = tuple([a[split:] for a in part] for part in data)
            data = [[a[:split] for a in part] for part in data]
        if not dataset:
            count = len(data[0][0])
        run_batch = self._runner("train")
        history = History()
        callback_list = CallbackList([history, *(callbacks or [])])
        callback_list.set_model(self)
        callback_list.set_params({"batch_size": batch_size, "epochs": epochs,
                                  "steps": steps_per_epoch, "samples": count,
                                  "verbose": verbose, "do_validation": validation is not None,
                                  "metrics": self.metrics_names + [
                                      "val_" + n for n in self.metrics_names]})
        if verbose and not dataset:
            line = f"Train on {count} samples"
            if validation is not None and validation[0] != "dataset":
                line += f", validate on {len(validation[0][0])} samples"
            print(line)
        elif verbose and source[0] in ("tf", "tensors") and steps_per_epoch is not None:
            # A tf.data input goes through TensorFlow 1.x's array loop, which counts steps
            # (Python generators go through the generator loop, which says nothing).
            line = f"Train on {steps_per_epoch} steps"
            if validation is not None and validation[0] == "dataset" and validation[2]:
                line += f", validate on {validation[2]} steps"
            print(line)
        self.stop_training = False
        callback_list.on_train_begin()
        for epoch in range(initial_epoch, epochs):
            callback_list.on_epoch_begin(epoch)
            if verbose:
                print(f"Epoch {epoch + 1}/{epochs}")
            if dataset:
                progbar = Progbar(steps_per_epoch, verbose=verbose, unit_name="step")
                batches = self._dataset_batches(source, steps_per_epoch,
                                                class_weight=class_weight, shuffle=shuffle)
            else:
                progbar = Progbar(count, verbose=verbose)
                batches = self._array_batches(data, batch_size, shuffle)
            totals = np.zeros(len(self._fetch_modes)) if "_fetch_modes" in self.__dict__ else 0.0
            seen = steps = 0
            for batch, (arrays, size) in enumerate(batches):
                callback_list.on_batch_begin(batch, {"batch": batch, "size": size})
                values = self._scaled(run_batch(*arrays), size)
                totals += values
                seen += size
                steps += 1
                logs = {"batch": batch, "size": size,
                        **dict(zip(self.metrics_names, self._read(values, size)))}
                callback_list.on_batch_end(batch, logs)
                done = steps if dataset else seen
                if progbar.target is None or done < progbar.target:
                    progbar.update(done, list(zip(self.metrics_names,
                                                  self._read(totals, seen, steps))))
                if self.stop_training:
                    break
            if not dataset and steps == 0:
                raise ValueError("Empty training data.")  # TF 1.x's aggregator, epoch end
            epoch_logs = dict(zip(self.metrics_names, self._read(totals, seen, steps)))
            if validation is not None and (epoch + 1) % validation_freq == 0:
                results = self._evaluate_source(validation, batch_size)
                for name, value in zip(self.metrics_names, results):
                    epoch_logs["val_" + name] = value
            # As Keras: the epoch's line ends with the validation values.
            progbar.update(steps if dataset else seen, list(epoch_logs.items()), finalize=True)
            callback_list.on_epoch_end(epoch, epoch_logs)
            if self.stop_training:
                break
        callback_list.on_train_end()
        self.history = history
        return history

    def _evaluate_source(self, source, batch_size, verbose=0):
        if source[0] == "dataset":
            return self._test_loop(self._dataset_batches(source[1], source[2]), None, verbose)
        count = len(source[0][0])
        return self._test_loop(self._array_batches(list(source), batch_size, False), count,
                               verbose)

    def _test_loop(self, batches, count, verbose=0):
        run_batch = self._runner("test")
        totals = np.zeros(len(self._fetch_modes)) if "_fetch_modes" in self.__dict__ else 0.0
        progbar = Progbar(count, verbose=verbose)
        seen = steps = 0
        for arrays, size in batches:
            totals += self._scaled(run_batch(*arrays), size)
            seen += size
            steps += 1
            progbar.update(seen, list(zip(self.metrics_names, self._read(totals, seen, steps))))
        if count == 0:
            raise ValueError("Empty training data.")  # TF 1.x's message for any empty loop
        if count is None and verbose:
            progbar.update(seen, list(zip(self.metrics_names, self._read(totals, seen, steps))),
                           finalize=True)
        return self._read(totals, seen, steps)

    def evaluate(self, x=None, y=None, batch_size=None, verbose=1, sample_weight=None,
                 steps=None, callbacks=None, **kwargs):
        """``[loss, metric, ...]`` over ``x``/``y`` (the loss alone without metrics)."""
        self._require_compiled()
        if x is None and self._reads_tensors():
            source = ("dataset", self._tensor_source(steps, "steps"), steps)
        elif self._is_dataset(x):
            source = ("dataset", self._dataset_source(x), steps)
            self._start_pass(source[1], steps)  # each call reads from the start
        else:
            source = self._standardize(x, y, sample_weight)
        results = self._evaluate_source(source, 32 if batch_size is None else int(batch_size),
                                        verbose)
        return results[0] if len(results) == 1 else results

    def predict(self, x, batch_size=None, verbose=0, steps=None, callbacks=None, **kwargs):
        """The model's outputs for ``x``, computed in batches (the learning phase off)."""
        batch_size = 32 if batch_size is None else int(batch_size)
        if self._is_dataset(x):
            source = self._dataset_source(x)
            self._start_pass(source, steps)
            batches = self._dataset_batches(source, steps, with_targets=False)
            count = None
        else:
            inputs = self._standardize(x)[0]
            count = len(inputs[0])
            batches = self._array_batches([inputs], batch_size, False)
        run_batch = self._runner("predict")
        parts = None
        progbar = Progbar(count, verbose=verbose)
        seen = 0
        for arrays, size in batches:
            values = run_batch(arrays[0])
            if parts is None:
                parts = [[] for _ in values]
            for part, value in zip(parts, values):
                part.append(value)
            seen += size
            progbar.update(seen)
        if parts is None:
            parts = [[] for _ in (self.outputs or [None])]
        results = [np.concatenate(part) if part else np.zeros((0,)) for part in parts]
        return results[0] if len(results) == 1 else results

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, **kwargs):
        self._require_compiled()
        x, y, weights = self._standardize(x, y, sample_weight, class_weight)
        values = self._runner("train")(x, y, weights)
        values = self._read(self._scaled(values, len(x[0])), len(x[0]))
        return values[0] if len(values) == 1 else values

    def test_on_batch(self, x, y=None, sample_weight=None, **kwargs):
        self._require_compiled()
        x, y, weights = self._standardize(x, y, sample_weight)
        values = self._runner("test")(x, y, weights)
        values = self._read(self._scaled(values, len(x[0])), len(x[0]))
        return values[0] if len(values) == 1 else values

    def predict_on_batch(self, x):
        return self.predict(x, batch_size=len(_flatten(x)[0]) or 1)

    def fit_generator(self, generator, steps_per_epoch=None, epochs=1, verbose=1,
                      callbacks=None, validation_data=None, validation_steps=None,
                      validation_freq=1, class_weight=None, max_queue_size=10, workers=1,
                      use_multiprocessing=False, shuffle=True, initial_epoch=0):
        """Train on batches from a Python generator or a ``keras.utils.Sequence``."""
        return self.fit(generator, steps_per_epoch=steps_per_epoch, epochs=epochs,
                        verbose=verbose, callbacks=callbacks, validation_data=validation_data,
                        validation_steps=validation_steps, validation_freq=validation_freq,
                        class_weight=class_weight, shuffle=shuffle,
                        initial_epoch=initial_epoch)

    def evaluate_generator(self, generator, steps=None, callbacks=None, max_queue_size=10,
                           workers=1, use_multiprocessing=False, verbose=0):
        return self.evaluate(generator, steps=steps, verbose=verbose)

    def predict_generator(self, generator, steps=None, callbacks=None, max_queue_size=10,
                          workers=1, use_multiprocessing=False, verbose=0):
        return self.predict(generator, steps=steps, verbose=verbose)
