"""``tf.keras.losses``: per-sample loss functions ``fn(y_true, y_pred)`` and their classes.

The cross entropies take probabilities (``from_logits=False``) as Keras does: when
``y_pred`` is the output of a ``Softmax`` (``Sigmoid``) op, its logits are used for a stable
loss; otherwise the probabilities are clipped to ``[epsilon, 1 - epsilon]`` first.
"""

from ..ops import array_ops, math_ops, nn_ops
from . import backend

__all__ = ["BinaryCrossentropy", "CategoricalCrossentropy", "Loss", "MeanAbsoluteError",
           "MeanSquaredError", "SparseCategoricalCrossentropy", "binary_crossentropy",
           "categorical_crossentropy", "categorical_hinge", "cosine_proximity", "get", "hinge",
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


def squared_hinge(y_true, y_pred):
    y_true = _cast_like(y_true, y_pred)
    margin = math_ops.maximum(math_ops.subtract(1.0, math_ops.multiply(y_true, y_pred)), 0.0)
    return math_ops.reduce_mean(math_ops.square(margin), -1)


def hinge(y_true, y_pred):
    y_true = _cast_like(y_true, y_pred)
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
cosine = cosine_proximity


class Loss:
    """A loss object: ``loss(y_true, y_pred, sample_weight=None)`` is the batch's mean."""

    def __init__(self, reduction="sum_over_batch_size", name=None, **kwargs):
        self.reduction = reduction
        self.name = name
        self._kwargs = kwargs

    def call(self, y_true, y_pred):
        return self._function(y_true, y_pred, **self._kwargs)

    def __call__(self, y_true, y_pred, sample_weight=None):
        from ..graph import convert_to_tensor

        y_true = convert_to_tensor(y_true)
        y_pred = convert_to_tensor(y_pred)
        values = self.call(y_true, y_pred)
        if sample_weight is not None:
            values = math_ops.multiply(values, math_ops.cast(sample_weight, values.dtype))
        if self.reduction == "none":
            return values
        total = math_ops.reduce_sum(values)
        if self.reduction == "sum":
            return total
        return math_ops.divide(total, math_ops.cast(array_ops.size(values), values.dtype))


def _loss_class(function, class_name, default_name, **defaults):
    def __init__(self, reduction="sum_over_batch_size", name=default_name, **kwargs):
        Loss.__init__(self, reduction, name, **{**defaults, **kwargs})

    return type(class_name, (Loss,), {"__init__": __init__,
                                      "_function": staticmethod(function),
                                      "__doc__": f"``{function.__name__}`` as an object."})


MeanSquaredError = _loss_class(mean_squared_error, "MeanSquaredError", "mean_squared_error")
MeanAbsoluteError = _loss_class(mean_absolute_error, "MeanAbsoluteError",
                                "mean_absolute_error")
CategoricalCrossentropy = _loss_class(categorical_crossentropy, "CategoricalCrossentropy",
                                      "categorical_crossentropy", from_logits=False)
SparseCategoricalCrossentropy = _loss_class(
    sparse_categorical_crossentropy, "SparseCategoricalCrossentropy",
    "sparse_categorical_crossentropy", from_logits=False)
BinaryCrossentropy = _loss_class(binary_crossentropy, "BinaryCrossentropy",
                                 "binary_crossentropy", from_logits=False)

_BY_NAME = {name: globals()[name] for name in __all__
            if name[0].islower() and name != "get"}


def get(identifier):
    """A per-sample loss function for a name, a function or a ``Loss`` object."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise ValueError(f"Unknown loss function:{identifier}")
        return _BY_NAME[identifier]
    if isinstance(identifier, Loss):
        return identifier.call
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret loss function identifier: {identifier!r}")
