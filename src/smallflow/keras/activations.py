"""``tf.keras.activations``: the activation functions, by name (``'relu'``) or as functions.

``softmax`` over the last axis keeps TensorFlow's ``Softmax`` op as the output, so the
cross-entropy losses can find its logits and compute a stable loss, as Keras does.
"""

from ..ops import math_ops, nn_extra_ops, nn_ops, special_math_ops

__all__ = ["elu", "exponential", "get", "hard_sigmoid", "linear", "relu", "selu", "serialize",
           "sigmoid", "softmax", "softplus", "softsign", "tanh"]


def softmax(x, axis=-1):
    if x.shape.ndims == 2 or axis in (-1, x.shape.ndims - 1):
        return nn_ops.softmax(x, axis=-1)
    raise_max = math_ops.reduce_max(x, axis, keepdims=True)
    exps = math_ops.exp(math_ops.subtract(x, raise_max))
    return math_ops.divide(exps, math_ops.reduce_sum(exps, axis, keepdims=True))


def elu(x, alpha=1.0):
    result = nn_ops.elu(x)
    if alpha == 1.0:
        return result
    return math_ops.maximum(result, math_ops.multiply(result, alpha))


def selu(x):
    return nn_extra_ops.selu(x)


def softplus(x):
    return nn_ops.softplus(x)


def softsign(x):
    return special_math_ops.softsign(x)


def relu(x, alpha=0.0, max_value=None, threshold=0):
    if alpha == 0.0 and max_value is None and threshold == 0:
        return nn_ops.relu(x)
    negative = None
    if alpha != 0.0:
        negative = math_ops.multiply(nn_ops.relu(math_ops.subtract(threshold, x)), -alpha)
    if threshold != 0:
        kept = math_ops.cast(math_ops.greater(x, threshold), x.dtype)
        x = math_ops.multiply(x, kept)
    else:
        x = nn_ops.relu(x)
    if max_value is not None:
        x = math_ops.minimum(x, float(max_value))
    return x if negative is None else math_ops.add(x, negative)


def tanh(x):
    return math_ops.tanh(x)


def sigmoid(x):
    return math_ops.sigmoid(x)


def exponential(x):
    return math_ops.exp(x)


def hard_sigmoid(x):
    """``clip(0.2 * x + 0.5, 0, 1)``, Keras's piecewise-linear sigmoid."""
    return math_ops.clip_by_value(math_ops.add(math_ops.multiply(x, 0.2), 0.5), 0.0, 1.0)


def linear(x):
    return x


_BY_NAME = {
    "elu": elu, "exponential": exponential, "hard_sigmoid": hard_sigmoid, "linear": linear,
    "relu": relu, "selu": selu, "sigmoid": sigmoid, "softmax": softmax, "softplus": softplus,
    "softsign": softsign, "tanh": tanh,
}


def get(identifier):
    """A function for ``identifier``: a name, a function (``tf.nn.relu``) or None (linear)."""
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise ValueError(f"Unknown activation function: {identifier}")
        return _BY_NAME[identifier]
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret activation function identifier: {identifier!r}")


def serialize(activation):
    return getattr(activation, "__name__", str(activation))
