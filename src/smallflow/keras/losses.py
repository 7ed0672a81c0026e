"""``tf.keras.losses``: per-sample loss functions ``fn(y_true, y_pred)`` and their classes.

The cross entropies take probabilities (``from_logits=False``) as Keras does: when
``y_pred`` is the output of a ``Softmax`` (``Sigmoid``) op, its logits are used for a stable
loss; otherwise the probabilities are clipped to ``[epsilon, 1 - epsilon]`` first.
"""

from ..ops import array_ops, math_ops, nn_ops
from . import backend

__all__ = ["BinaryCrossentropy", "CategoricalCrossentropy", "CategoricalHinge",
           "CosineSimilarity", "Hinge", "Huber", "KLDivergence", "LogCosh", "Loss",
           "LossFunctionWrapper", "MeanAbsoluteError", "MeanAbsolutePercentageError",
           "MeanSquaredError", "MeanSquaredLogarithmicError", "Poisson", "Reduction",
           "SparseCategoricalCrossentropy", "SquaredHinge", "binary_crossentropy",
           "categorical_crossentropy", "categorical_hinge", "cosine", "cosine_proximity",
           "cosine_similarity", "deserialize", "get", "hinge", "huber_loss", "serialize",
           "kld", "kullback_leibler_divergence", "logcosh", "mae", "mape",
           "mean_absolute_error", "mean_absolute_percentage_error", "mean_squared_error",
           "mean_squared_logarithmic_error", "mse", "msle", "poisson",
           "sparse_categorical_crossentropy", "squared_hinge"]


def _cast_like(y_true, y_pred):
    return math_ops.cast(y_true, y_pred.dtype) if y_true.dtype != y_pred.dtype else y_true


def mean_squared_error(y_true, y_pred):
    y_true = _cast_like(y_true, y_pred)
    return math_ops.reduce_mean(math_ops.squared_difference(y_pred, y_true), -1)


def mean_absolute_error(y_true, y_pred):
    y_true = _cast_like(y_true, y_pred)
    return math_ops.reduce_mean(math_ops.abs(math_ops.subtract(y_pred, y_true)), -1)


def mean_absolute_percentage_error(y_true, y_pred):
    y_true = _cast_like(y_true, y_pred)
    scale = math_ops.maximum(math_ops.abs(y_true), backend.epsilon())
    ratio = math_ops.abs(math_ops.divide(math_ops.subtract(y_true, y_pred), scale))
    return math_ops.multiply(100.0, math_ops.reduce_mean(ratio, -1))


def mean_squared_logarithmic_error(y_true, y_pred):
    y_true = _cast_like(y_true, y_pred)
    first = math_ops.log(math_ops.add(math_ops.maximum(y_pred, backend.epsilon()), 1.0))
    second = math_ops.log(math_ops.add(math_ops.maximum(y_true, backend.epsilon()), 1.0))
    return math_ops.reduce_mean(math_ops.squared_difference(first, second), -1)


def _maybe_convert_labels(y_true):
    """Labels that are all 0 or 1 become -1 and 1 (the hinges' labels), as Keras does."""
    from ..ops import control_flow_ops

    binary = math_ops.reduce_all(math_ops.logical_or(math_ops.equal(y_true, 0.0),
                                                     math_ops.equal(y_true, 1.0)))
    return control_flow_ops.cond(binary, lambda: math_ops.subtract(
        math_ops.multiply(2.0, y_true), 1.0), lambda: y_true)


def squared_hinge(y_true, y_pred):
    y_true = _maybe_convert_labels(_cast_like(y_true, y_pred))
    margin = math_ops.maximum(math_ops.subtract(1.0, math_ops.multiply(y_true, y_pred)), 0.0)
    return math_ops.reduce_mean(math_ops.square(margin), -1)


def hinge(y_true, y_pred):
    y_true = _maybe_convert_labels(_cast_like(y_true, y_pred))
    margin = math_ops.maximum(math_ops.subtract(1.0, math_ops.multiply(y_true, y_pred)), 0.0)
    return math_ops.reduce_mean(margin, -1)


def categorical_hinge(y_true, y_pred):
    y_true = _cast_like(y_true, y_pred)
    positive = math_ops.reduce_sum(math_ops.multiply(y_true, y_pred), -1)
    negative = math_ops.reduce_max(math_ops.multiply(math_ops.subtract(1.0, y_true), y_pred),
                                   -1)
    return math_ops.maximum(0.0, math_ops.add(math_ops.subtract(negative, positive), 1.0))


def logcosh(y_true, y_pred):
    y_true = _cast_like(y_true, y_pred)
    x = math_ops.subtract(y_pred, y_true)
    value = math_ops.subtract(math_ops.add(x, nn_ops.softplus(math_ops.multiply(-2.0, x))),
                              0.6931471805599453)
    return math_ops.reduce_mean(value, -1)


def _probabilities_to_logits_softmax(output):
    if output.op.type == "Softmax":
        return output.op.inputs[0]
    return None


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0):
    y_true = _cast_like(y_true, y_pred)
    if label_smoothing:
        classes = math_ops.cast(array_ops.shape(y_true)[-1], y_pred.dtype)
        y_true = math_ops.add(math_ops.multiply(y_true, 1.0 - label_smoothing),
                              math_ops.divide(label_smoothing, classes))
    logits = y_pred if from_logits else _probabilities_to_logits_softmax(y_pred)
    if logits is not None:
        return nn_ops.softmax_cross_entropy_with_logits_v2(labels=y_true, logits=logits)
    probabilities = math_ops.divide(y_pred, math_ops.reduce_sum(y_pred, -1, keepdims=True))
    eps = backend.epsilon()
    probabilities = math_ops.clip_by_value(probabilities, eps, 1.0 - eps)
    return math_ops.negative(math_ops.reduce_sum(
        math_ops.multiply(y_true, math_ops.log(probabilities)), -1))


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1):
    logits = y_pred if from_logits else _probabilities_to_logits_softmax(y_pred)
    if logits is None:
        eps = backend.epsilon()
        logits = math_ops.log(math_ops.clip_by_value(y_pred, eps, 1.0 - eps))
    classes = logits.shape.as_list()[-1]
    labels = math_ops.cast(array_ops.reshape(y_true, [-1]), "int64")
    flat_logits = array_ops.reshape(logits, [-1, classes if classes is not None else -1])
    losses = nn_ops.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=flat_logits)
    if y_pred.shape.ndims is not None and y_pred.shape.ndims > 2:
        losses = array_ops.reshape(losses, array_ops.shape(y_pred)[:-1])
    return losses


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0):
    y_true = _cast_like(y_true, y_pred)
    if label_smoothing:
        y_true = math_ops.add(math_ops.multiply(y_true, 1.0 - label_smoothing),
                              0.5 * label_smoothing)
    if from_logits:
        logits = y_pred
    elif y_pred.op.type == "Sigmoid":
        logits = y_pred.op.inputs[0]
    else:
        eps = backend.epsilon()
        clipped = math_ops.clip_by_value(y_pred, eps, 1.0 - eps)
        logits = math_ops.log(math_ops.divide(clipped, math_ops.subtract(1.0, clipped)))
    losses = nn_ops.sigmoid_cross_entropy_with_logits(labels=y_true, logits=logits)
    return math_ops.reduce_mean(losses, -1)


def kullback_leibler_divergence(y_true, y_pred):
    eps = backend.epsilon()
    y_true = math_ops.clip_by_value(_cast_like(y_true, y_pred), eps, 1.0)
    y_pred = math_ops.clip_by_value(y_pred, eps, 1.0)
    return math_ops.reduce_sum(
        math_ops.multiply(y_true, math_ops.log(math_ops.divide(y_true, y_pred))), -1)


def poisson(y_true, y_pred):
    y_true = _cast_like(y_true, y_pred)
    log_term = math_ops.log(math_ops.add(y_pred, backend.epsilon()))
    return math_ops.reduce_mean(math_ops.subtract(y_pred, math_ops.multiply(y_true, log_term)),
                                -1)


def huber_loss(y_true, y_pred, delta=1.0):
    """Quadratic within ``delta`` of the target, linear beyond; mean over the last axis."""
    y_true = _cast_like(y_true, y_pred)
    error = math_ops.abs(math_ops.subtract(y_pred, y_true))
    quadratic = math_ops.minimum(error, delta)
    linear = math_ops.subtract(error, quadratic)
    return math_ops.reduce_mean(math_ops.add(math_ops.multiply(0.5, math_ops.square(quadratic)),
                                             math_ops.multiply(delta, linear)), -1)


def cosine_proximity(y_true, y_pred, axis=-1):
    from ..ops import nn_extra_ops

    y_true = nn_extra_ops.l2_normalize(_cast_like(y_true, y_pred), axis)
    y_pred = nn_extra_ops.l2_normalize(y_pred, axis)
    return math_ops.negative(math_ops.reduce_sum(math_ops.multiply(y_true, y_pred), axis))


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence
cosine = cosine_similarity = cosine_proximity


class Reduction:
    """How a loss object reduces its per-sample values (``tf.keras.losses.Reduction``)."""

    AUTO = "auto"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"

    @classmethod
    def all(cls):
        return (cls.AUTO, cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE)

    @classmethod
    def validate(cls, key):
        if key not in cls.all():
            raise ValueError(f"Invalid Reduction Key {key}.")


class Loss:
    """A loss object: ``loss(y_true, y_pred, sample_weight=None)`` reduces the per-sample
    values of ``call`` (by default their mean over every sample, ``"auto"``)."""

    def __init__(self, reduction=Reduction.AUTO, name=None):
        Reduction.validate(reduction)
        self.reduction = reduction
        self.name = name

    def call(self, y_true, y_pred):
        raise NotImplementedError("Must be implemented in subclasses.")

    def get_config(self):
        return {"reduction": self.reduction, "name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __call__(self, y_true, y_pred, sample_weight=None):
        from ..graph import convert_to_tensor

        y_true = convert_to_tensor(y_true)
        y_pred = convert_to_tensor(y_pred)
        values = self.call(y_true, y_pred)
        if sample_weight is not None:
            values = math_ops.multiply(values, math_ops.cast(sample_weight, values.dtype))
        if self.reduction == Reduction.NONE:
            return values
        total = math_ops.reduce_sum(values)
        if self.reduction == Reduction.SUM:
            return total
        return math_ops.divide(total, math_ops.cast(array_ops.size(values), values.dtype))


class LossFunctionWrapper(Loss):
    """A loss object calling ``fn(y_true, y_pred, **kwargs)``."""

    def __init__(self, fn, reduction=Reduction.AUTO, name=None, **kwargs):
        super().__init__(reduction=reduction, name=name)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        return {**self._fn_kwargs, **super().get_config()}


def _simple_loss(function, class_name, default_name):
    """A LossFunctionWrapper class with TensorFlow's ``(reduction, name)`` arguments."""
    def __init__(self, reduction=Reduction.AUTO, name=default_name):
        LossFunctionWrapper.__init__(self, function, reduction=reduction, name=name)

    def get_config(self):
        return Loss.get_config(self)

    return type(class_name, (LossFunctionWrapper,), {
        "__init__": __init__, "get_config": get_config,
        "__doc__": f"``{function.__name__}`` as a loss object."})


MeanSquaredError = _simple_loss(mean_squared_error, "MeanSquaredError", "mean_squared_error")
MeanAbsoluteError = _simple_loss(mean_absolute_error, "MeanAbsoluteError",
                                 "mean_absolute_error")
MeanAbsolutePercentageError = _simple_loss(mean_absolute_percentage_error,
                                           "MeanAbsolutePercentageError",
                                           "mean_absolute_percentage_error")
MeanSquaredLogarithmicError = _simple_loss(mean_squared_logarithmic_error,
                                           "MeanSquaredLogarithmicError",
                                           "mean_squared_logarithmic_error")
Hinge = _simple_loss(hinge, "Hinge", "hinge")
SquaredHinge = _simple_loss(squared_hinge, "SquaredHinge", "squared_hinge")
CategoricalHinge = _simple_loss(categorical_hinge, "CategoricalHinge", "categorical_hinge")
Poisson = _simple_loss(poisson, "Poisson", "poisson")
LogCosh = _simple_loss(logcosh, "LogCosh", "logcosh")
KLDivergence = _simple_loss(kullback_leibler_divergence, "KLDivergence",
                            "kullback_leibler_divergence")


class BinaryCrossentropy(LossFunctionWrapper):
    """``binary_crossentropy`` as a loss object (TensorFlow 1.15's argument order)."""

    def __init__(self, from_logits=False, label_smoothing=0, reduction=Reduction.AUTO,
                 name="binary_crossentropy"):
        super().__init__(binary_crossentropy, reduction=reduction, name=name,
                         from_logits=from_logits, label_smoothing=label_smoothing)


class CategoricalCrossentropy(LossFunctionWrapper):
    """``categorical_crossentropy`` as a loss object (TensorFlow 1.15's argument order)."""

    def __init__(self, from_logits=False, label_smoothing=0, reduction=Reduction.AUTO,
                 name="categorical_crossentropy"):
        super().__init__(categorical_crossentropy, reduction=reduction, name=name,
                         from_logits=from_logits, label_smoothing=label_smoothing)


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """``sparse_categorical_crossentropy`` as a loss object."""

    def __init__(self, from_logits=False, reduction=Reduction.AUTO,
                 name="sparse_categorical_crossentropy"):
        super().__init__(sparse_categorical_crossentropy, reduction=reduction, name=name,
                         from_logits=from_logits)


class Huber(LossFunctionWrapper):
    """``huber_loss`` with threshold ``delta`` as a loss object."""

    def __init__(self, delta=1.0, reduction=Reduction.AUTO, name="huber_loss"):
        super().__init__(huber_loss, reduction=reduction, name=name, delta=delta)


class CosineSimilarity(LossFunctionWrapper):
    """``cosine_similarity`` along ``axis`` (negative: -1 for equal directions)."""

    def __init__(self, axis=-1, reduction=Reduction.AUTO, name="cosine_similarity"):
        super().__init__(cosine_similarity, reduction=reduction, name=name, axis=axis)


_BY_NAME = {name: globals()[name] for name in __all__
            if name[0].islower() and name not in ("get", "serialize", "deserialize")}
_CLASSES = {name: globals()[name] for name in __all__ if name[0].isupper()}


def serialize(loss):
    """A loss function's name, or a loss object's ``{"class_name", "config"}``."""
    if isinstance(loss, Loss):
        return {"class_name": type(loss).__name__, "config": loss.get_config()}
    return loss.__name__


def deserialize(name, custom_objects=None):
    """The loss function named ``name``, or the loss object a ``serialize`` dict describes."""
    custom_objects = custom_objects or {}
    if isinstance(name, dict):
        class_name = name.get("class_name")
        cls = custom_objects.get(class_name) or _CLASSES.get(class_name)
        if cls is None:
            raise ValueError(f"Unknown loss function:{class_name}")
        return cls.from_config(name.get("config", {}))
    if name in custom_objects:
        return custom_objects[name]
    if name in _BY_NAME:
        return _BY_NAME[name]
    if name in _CLASSES:
        return _CLASSES[name]
    raise ValueError(f"Unknown loss function:{name}")


def get(identifier):
    """A per-sample loss function for a name, a function or a ``Loss`` object."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise ValueError(f"Unknown loss function:{identifier}")
        return _BY_NAME[identifier]
    if isinstance(identifier, Loss):
        return identifier.call
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret loss function identifier: {identifier!r}")
