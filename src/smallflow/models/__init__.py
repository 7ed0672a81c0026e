"""The MNIST models smallflow trains, their graphs, and saved models (checkpoint + metadata).

A model is a module written only through ``import smallflow as tf`` that provides:

- ``DESCRIPTION``: one line for ``smallflow train --help``;
- ``DEFAULTS``: ``steps``, ``batch_size``, ``optimizer``, ``learning_rate`` and the
  ``keep_prob`` fed while training (1.0 = no dropout);
- ``build(images, keep_prob) -> logits``: ``images`` is a float32 ``[None, 784]`` tensor,
  ``keep_prob`` a float32 scalar tensor that is 1.0 except during training steps;
- optionally: ``DEFAULTS["log_interval"]`` (steps between validation reports, default
  100), ``LEARNING_RATES`` (optimizer name -> learning rate used when another optimizer
  than the default is chosen), ``PREDICT_BATCH`` (images per run when predicting, to
  bound memory; default 2000) and ``WEIGHT_MAP`` (the name of a ``[784, 10]`` variable
  that ``smallflow show weights`` draws);
- optionally: ``DEFAULTS["decay_steps"]`` and ``DEFAULTS["decay_rate"]``: the learning
  rate then decays as ``tf.train.exponential_decay`` computes it from the global step;
  or ``DEFAULTS["decay"] = "cosine"``: it follows ``tf.train.cosine_decay`` down to zero at
  the run's last step (however many steps the run is given); with either,
  ``DEFAULTS["warmup_steps"]`` scales the decayed rate up linearly over the first steps
  (step s of them trains at (s + 1) / warmup_steps of it);
- optionally: ``MOVING_AVERAGE_DECAY`` and ``inference(images) -> logits`` (the network
  for evaluation, no augmentation or dropout, batch norm's moving statistics): the training
  step then also updates a ``tf.train.ExponentialMovingAverage`` of the trainable
  variables, and the graph's predictions come from ``inference`` built a second time with
  the averaged weights (a ``custom_getter``), as TF1 programs evaluate with them. The saved
  model holds the averaged values under the variables' own names, so a loaded model (built
  without the average) predicts exactly what the trained graph did.

Adding a model is one module and one line in ``MODELS``.
"""

import dataclasses
import os

import numpy as np

import smallflow as tf
from smallflow.models import cnn, cnn_bn, committee, mlp, rnn, softmax

__all__ = [
    "KINDS",
    "MODELS",
    "OPTIMIZERS",
    "ModelFileError",
    "ModelGraph",
    "build_committee_graph",
    "build_graph",
    "get_model",
    "hyperparameters",
    "load_model",
    "make_optimizer",
    "model_prefix",
    "predict_probabilities",
    "read_model_metadata",
    "save_model",
]

# name -> module. The first entry is the default model.
MODELS = {
    "softmax": softmax,
    "mlp": mlp,
    "cnn": cnn,
    "rnn": rnn,
    "cnn-bn": cnn_bn,
}

# What a saved model can be: a trained model, or a committee of them (``models.committee``).
KINDS = (*MODELS, committee.KIND)

# The optimizers `smallflow train --optimizer` offers, as TensorFlow 1.x names them.
OPTIMIZERS = ("sgd", "momentum", "adam", "adagrad", "rmsprop")

# Momentum's decay of the velocity: the value most examples use.
MOMENTUM = 0.9

# What a saved model's metadata says it is; anything else is not ours.
FORMAT = "smallflow-model"
FORMAT_VERSION = 1

# Rows per Session.run when predicting, so large sets never need one huge batch.
PREDICT_BATCH = 2000
# Steps between validation reports while training, unless the model says otherwise.
LOG_INTERVAL = 100


class ModelFileError(ValueError):
    """A saved model that is missing, damaged or not a smallflow model; ``path`` names it."""

    def __init__(self, path, problem):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def get_model(name):
    """The model module registered as ``name``; ValueError lists the known names.

    ``"committee"`` gives ``models.committee`` (its ``DESCRIPTION``; it is not trained).
    """
    if name == committee.KIND:
        return committee
    try:
        return MODELS[name]
    except KeyError:
        known = ", ".join(MODELS)
        raise ValueError(f"unknown model {name!r}; choose one of: {known}") from None


def hyperparameters(
    name, steps=None, batch_size=None, optimizer=None, learning_rate=None, log_interval=None
):
    """The settings for training model ``name``: its defaults, with the given values on top.

    When the optimizer differs from the model's default and no learning rate is given,
    the model's ``LEARNING_RATES`` entry for that optimizer is used.
    """
    model = get_model(name)
    settings = {"log_interval": LOG_INTERVAL, **model.DEFAULTS}
    if optimizer is not None and optimizer != settings["optimizer"]:
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {optimizer!r}; choose one of: {OPTIMIZERS}")
        settings["optimizer"] = optimizer
        rates = getattr(model, "LEARNING_RATES", {})
        settings["learning_rate"] = rates.get(optimizer, settings["learning_rate"])
    for key, value in (
        ("steps", steps),
        ("batch_size", batch_size),
        ("log_interval", log_interval),
    ):
        if value is not None:
            settings[key] = value
    if learning_rate is not None:
        settings["learning_rate"] = learning_rate
    return settings


def make_optimizer(name, learning_rate):
    """A ``tf.train`` optimizer by its short name (sgd, momentum, adam, adagrad, rmsprop)."""
    if name == "sgd":
        return tf.train.GradientDescentOptimizer(learning_rate)
    if name == "momentum":
        return tf.train.MomentumOptimizer(learning_rate, MOMENTUM)
    if name == "adam":
        return tf.train.AdamOptimizer(learning_rate)
    if name == "adagrad":
        return tf.train.AdagradOptimizer(learning_rate)
    if name == "rmsprop":
        return tf.train.RMSPropOptimizer(learning_rate)
    raise ValueError(f"unknown optimizer {name!r}; choose one of: {', '.join(OPTIMIZERS)}")


@dataclasses.dataclass(frozen=True)
class ModelGraph:
    """The tensors of one model's graph that training and prediction feed and fetch."""

    name: str
    graph: tf.Graph
    images: tf.Tensor
    labels: tf.Tensor
    keep_prob: tf.Tensor
    logits: tf.Tensor
    probabilities: tf.Tensor
    loss: tf.Tensor
    accuracy: tf.Tensor
    model_variables: list
    train_op: tf.Operation | None
    initializer: tf.Operation
    # Checkpoint name -> the variable whose value is saved under it (a moving average of
    # the variable when the model evaluates with averaged weights, else the variable).
    saved_values: dict = dataclasses.field(default_factory=dict)
    # Images per Session.run when predicting (default: the model's PREDICT_BATCH).
    predict_batch: int | None = None


def _inputs():
    """The placeholders every model graph is fed through: flat images, one-hot labels and
    the dropout keep probability (1 unless fed)."""
    images = tf.placeholder(tf.float32, [None, 784], name="images")
    labels = tf.placeholder(tf.float32, [None, 10], name="labels")
    keep_prob = tf.placeholder_with_default(1.0, [], name="keep_prob")
    return images, labels, keep_prob


def _accuracy(scores, labels):
    """The fraction of rows whose highest score is at the label's class."""
    correct = tf.equal(tf.argmax(scores, 1), tf.argmax(labels, 1))
    return tf.reduce_mean(tf.cast(correct, tf.float32), name="accuracy")


def build_graph(name, optimizer=None, learning_rate=None, seed=None, wrap_optimizer=None,
                augment_in_graph=True, steps=None):
    """Build model ``name`` in a new Graph; with ``optimizer`` also its training step.

    ``seed`` becomes the graph-level seed, so random initial weights are reproducible.
    ``wrap_optimizer`` (e.g. ``smallflow.distribute.DistributedOptimizer``) is applied to
    the optimizer before its training step is built. A model with an ``augment_batch``
    augments training images in its graph unless ``augment_in_graph`` is False (its input
    pipeline does it then: ``models.pipeline``). ``steps`` (default: the model's) is the
    length of the run, which a cosine learning-rate schedule decays over.
    """
    model = get_model(name)
    graph = tf.Graph()
    with graph.as_default():
        if seed is not None:
            tf.set_random_seed(seed)
        images, labels, keep_prob = _inputs()
        if hasattr(model, "augment_batch"):
            logits = model.build(images, keep_prob, augment_in_graph=augment_in_graph)
        else:
            logits = model.build(images, keep_prob)
        model_variables = list(tf.global_variables())
        cross_entropy = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        loss = tf.reduce_mean(cross_entropy, name="loss")
        train_op = None
        saved_values = {variable.op.name: variable for variable in model_variables}
        if optimizer is not None:
            global_step = None
            if "decay_steps" in model.DEFAULTS or "decay" in model.DEFAULTS:
                global_step = tf.train.get_or_create_global_step()
            rate = _learning_rate(model, learning_rate, global_step, steps)
            optimizer_object = make_optimizer(optimizer, rate)
            if wrap_optimizer is not None:
                optimizer_object = wrap_optimizer(optimizer_object)
            # Batch normalization's moving averages (tf.layers) update with each step.
            with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
                train_op = optimizer_object.minimize(loss, global_step=global_step)
            if hasattr(model, "MOVING_AVERAGE_DECAY"):
                train_op, logits, averaged = _averaged_weights(model, images, train_op,
                                                               global_step)
                saved_values.update(averaged)
        probabilities = tf.nn.softmax(logits, name="probabilities")
        accuracy = _accuracy(logits, labels)
        initializer = tf.global_variables_initializer()
    return ModelGraph(
        name=name,
        graph=graph,
        images=images,
        labels=labels,
        keep_prob=keep_prob,
        logits=logits,
        probabilities=probabilities,
        loss=loss,
        accuracy=accuracy,
        model_variables=model_variables,
        train_op=train_op,
        initializer=initializer,
        saved_values=saved_values,
    )


def build_committee_graph(spec):
    """The graph of a committee (``models.committee``): ``spec`` is a committee model's
    ``metadata["committee"]``. Prediction only: ``train_op`` is None."""
    graph = tf.Graph()
    with graph.as_default():
        images, labels, keep_prob = _inputs()
        logits, probabilities, _ = committee.build(spec, images)
        model_variables = list(tf.global_variables())
        probabilities = tf.identity(probabilities, name="probabilities")
        # -sum(y log p) of the committee's p (its logits are log p).
        loss = tf.reduce_mean(-tf.reduce_sum(labels * logits, 1), name="loss")
        accuracy = _accuracy(probabilities, labels)
        initializer = tf.global_variables_initializer()
    return ModelGraph(
        name=committee.KIND,
        graph=graph,
        images=images,
        labels=labels,
        keep_prob=keep_prob,
        logits=logits,
        probabilities=probabilities,
        loss=loss,
        accuracy=accuracy,
        model_variables=model_variables,
        train_op=None,
        initializer=initializer,
        saved_values={variable.op.name: variable for variable in model_variables},
        predict_batch=committee.predict_batch(spec),
    )


def _learning_rate(model, learning_rate, global_step, steps):
    """The model's learning rate: constant, or decayed by its schedule from the global step,
    and scaled up linearly over its first ``warmup_steps`` steps if the model has them."""
    defaults = model.DEFAULTS
    if defaults.get("decay") == "cosine":
        rate = tf.train.cosine_decay(learning_rate, global_step, steps or defaults["steps"])
    elif "decay_steps" in defaults:
        rate = tf.train.exponential_decay(learning_rate, global_step, defaults["decay_steps"],
                                          defaults["decay_rate"])
    else:
        return learning_rate
    warmup = defaults.get("warmup_steps")
    if not warmup:
        return rate
    # The update at global step s (0-based) uses (s + 1) / warmup of the rate, up to all of it.
    fraction = tf.minimum(1.0, tf.cast(global_step + 1, tf.float32) / float(warmup))
    return tf.multiply(rate, fraction, name="warmed_up_learning_rate")


def _averaged_weights(model, images, train_op, global_step):
    """The TF1 recipe for evaluating with moving averages of the weights.

    Returns the training op (the optimizer's step, then the averages' update), the logits
    of ``model.inference`` rebuilt over the same variables but reading their averages
    (through a ``custom_getter``), and checkpoint name -> average for saving.
    """
    averages = tf.train.ExponentialMovingAverage(model.MOVING_AVERAGE_DECAY,
                                                 num_updates=global_step)
    trainable = tf.trainable_variables()
    with tf.control_dependencies([train_op]):
        train_op = averages.apply(trainable)

    def read_average(getter, name, *args, **kwargs):
        variable = getter(name, *args, **kwargs)
        average = averages.average(variable)
        return variable if average is None else average

    scope = tf.get_variable_scope()
    with tf.variable_scope(scope, reuse=True, custom_getter=read_average), \
            tf.name_scope("averaged"):
        logits = model.inference(images)
    return train_op, logits, {v.op.name: averages.average(v) for v in trainable}


def predict_probabilities(sess, model_graph, images, batch_size=None):
    """Class probabilities [N, 10] (float32) of flat images [N, 784], in batches.

    ``batch_size`` defaults to the model's ``PREDICT_BATCH``. Train and evaluate use the
    same batches, so they compute bit-identical probabilities from the same weights.
    """
    if batch_size is None:
        batch_size = model_graph.predict_batch or getattr(
            get_model(model_graph.name), "PREDICT_BATCH", PREDICT_BATCH)
    images = np.asarray(images, dtype=np.float32)
    parts = []
    for start in range(0, images.shape[0], batch_size):
        feed = {model_graph.images: images[start : start + batch_size]}
        parts.append(sess.run(model_graph.probabilities, feed_dict=feed))
    if not parts:
        return np.zeros((0, 10), dtype=np.float32)
    return np.concatenate(parts)


def model_prefix(path):
    """The checkpoint prefix of a model path: ``model``, ``model.npz`` and ``model.json`` agree."""
    name = os.fspath(path)
    for suffix in (".npz", ".json"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def save_model(sess, model_graph, path, metadata):
    """Save the model's variables and ``metadata`` (a JSON-able dict) atomically.

    Writes ``<prefix>.npz`` (the values, and the metadata; complete on its own) and
    ``<prefix>.json`` (the metadata, for people), where ``path`` may name the prefix or
    either file. An interrupted save leaves the previous ``.npz`` intact. The metadata
    gets the model format marker and the model's name added. Returns the ``.npz`` path.
    """
    record = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "model": model_graph.name,
        **metadata,
    }
    prefix = model_prefix(path)
    with model_graph.graph.as_default():
        saved = model_graph.saved_values or model_graph.model_variables
        saver = tf.train.Saver(saved, write_version="npz")
    written = saver.save(sess, prefix, write_state=False, write_meta_graph=False,
                         metadata=record)
    return written + ".npz"


def read_model_metadata(path):
    """The metadata of the saved model at ``path`` (no session needed).

    Raises ModelFileError naming the file if it is missing, damaged or not a smallflow
    model. The checkpoint's own record (variables, smallflow version, creation time) is
    under ``"checkpoint"``.
    """
    name = os.fspath(path)
    try:
        record = tf.train.read_checkpoint_metadata(model_prefix(name))
    except tf.errors.NotFoundError:
        raise ModelFileError(name, "no such model file") from None
    except tf.errors.OpError as error:
        problem = f"damaged or not a smallflow model ({_reason(error)})"
        raise ModelFileError(name, problem) from None
    except OSError as error:
        raise ModelFileError(name, f"cannot read it ({error.strerror or error})") from None
    metadata = record.get("metadata")
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise ModelFileError(
            name, "a checkpoint, but not a smallflow model (no model name in its metadata)"
        )
    if metadata.get("format_version") != FORMAT_VERSION:
        raise ModelFileError(
            name,
            f"saved in model format {metadata.get('format_version')!r}; this smallflow reads "
            f"format {FORMAT_VERSION}",
        )
    if metadata.get("model") not in KINDS:
        raise ModelFileError(
            name, f"holds a model {metadata.get('model')!r} this smallflow does not know"
        )
    if metadata["model"] == committee.KIND:
        try:
            committee.check_spec(metadata.get("committee"))
        except committee.CommitteeError as error:
            raise ModelFileError(name, f"a committee whose description is wrong: {error}") \
                from None
    if not isinstance(metadata.get("hyperparameters", {}), dict):
        raise ModelFileError(name, "its metadata's hyperparameters are not a JSON object")
    checkpoint = {key: value for key, value in record.items() if key != "metadata"}
    return {**metadata, "checkpoint": checkpoint}


def _reason(error):
    """The gist of a checkpoint error, without the file name the caller puts in front."""
    text = getattr(error, "message", None) or str(error) or type(error).__name__
    line = text.splitlines()[0]
    # The reader says "Unable to read checkpoint file P: <problem>. The file is damaged ...".
    _, found, problem = line.partition("Unable to read checkpoint file ")
    if found and ": " in problem:
        problem = problem.split(": ", 1)[1]
        return problem.split(". The file is damaged", 1)[0].rstrip(".")
    return line


def load_model(path):
    """Rebuild the saved model at ``path`` and restore its variables.

    Returns ``(session, model_graph, metadata)``; the caller closes the session.
    Raises ModelFileError naming the file if it is missing, damaged or foreign.
    """
    name = os.fspath(path)
    metadata = read_model_metadata(name)
    if metadata["model"] == committee.KIND:
        model_graph = build_committee_graph(metadata["committee"])
    else:
        model_graph = build_graph(metadata["model"])
    sess = tf.Session(graph=model_graph.graph)
    try:
        with model_graph.graph.as_default():
            saver = tf.train.Saver(model_graph.model_variables)
        saver.restore(sess, model_prefix(name))
    except tf.errors.NotFoundError as error:
        sess.close()
        raise ModelFileError(
            name, f"does not fit a {metadata['model']} model ({_reason(error)})"
        ) from None
    except (tf.errors.OpError, OSError, ValueError) as error:
        sess.close()
        raise ModelFileError(name, f"cannot restore the model ({_reason(error)})") from None
    values = sess.run(model_graph.model_variables)
    for variable, value in zip(model_graph.model_variables, values):
        if not np.isfinite(value).all():
            sess.close()
            raise ModelFileError(
                name,
                f"variable {variable.op.name} holds NaN or infinite values (the training that "
                "made it diverged); train it again, e.g. with a smaller learning rate",
            )
    return sess, model_graph, metadata
