"""``tf.keras.backend``'s tensor functions (``K.mean``, ``K.square``, ``K.random_normal``,
``K.function``, ...): thin wrappers over smallflow's ops with Keras's argument names, for the
custom losses, metrics and layers TF1-era Keras programs write with them."""


import numpy as np

from .. import dtypes
from ..gradients import gradients as _gradients
from ..graph import Tensor, convert_to_tensor
from ..ops import array_ops, control_flow_ops, math_ops, nn_extra_ops, nn_ops, random_ops
from ..variables import Variable
from . import backend as _backend

__all__ = [
    "abs", "all", "any", "arange", "argmax", "argmin", "batch_dot", "batch_flatten", "cast",
    "categorical_crossentropy", "binary_crossentropy", "clip", "concatenate", "constant",
    "cos", "dot", "dtype", "elu", "equal", "exp", "expand_dims", "flatten", "function",
    "gather", "get_variable_shape", "gradients", "greater", "greater_equal", "hard_sigmoid",
    "identity", "in_test_phase", "in_train_phase", "l2_normalize", "less", "less_equal", "log",
    "logsumexp", "max", "maximum", "mean", "min", "minimum", "ndim", "not_equal", "one_hot",
    "ones", "ones_like", "permute_dimensions", "pow", "print_tensor", "prod", "random_binomial",
    "random_normal", "random_uniform", "relu", "repeat", "repeat_elements", "reshape", "round",
    "shape",
    "sigmoid", "sign", "sin", "softmax", "softplus", "softsign", "sparse_categorical_crossentropy",
    "sqrt", "square", "squeeze", "stack", "std", "stop_gradient", "sum", "switch", "tanh",
    "tile", "transpose", "truncated_normal", "update", "update_add", "update_sub", "var",
    "zeros", "zeros_like",
]


def _axis(axis):
    return list(axis) if isinstance(axis, tuple) else axis


def _floatx(dtype):
    return dtypes.as_dtype(dtype or _backend.floatx())


def constant(value, dtype=None, shape=None, name=None):
    return array_ops.constant(value, dtype=_floatx(dtype), shape=shape, name=name)


def zeros(shape, dtype=None, name=None):
    return _backend.variable(np.zeros(shape), dtype, name)


def ones(shape, dtype=None, name=None):
    return _backend.variable(np.ones(shape), dtype, name)


def zeros_like(x, dtype=None, name=None):
    return array_ops.zeros_like(x, dtype=dtype, name=name)


def ones_like(x, dtype=None, name=None):
    return array_ops.ones_like(x, dtype=dtype, name=name)


def identity(x, name=None):
    return array_ops.identity(x, name=name)


def shape(x):
    return array_ops.shape(x)


def ndim(x):
    return convert_to_tensor(x).shape.ndims


def dtype(x):
    return x.dtype.base_dtype.name


def get_variable_shape(x):
    return _backend.int_shape(x)


def cast(x, dtype):  # noqa: F811 - Keras's name
    return math_ops.cast(x, dtype)


def mean(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    if x.dtype.is_bool:
        x = math_ops.cast(x, _backend.floatx())
    return math_ops.reduce_mean(x, _axis(axis), keepdims=keepdims)


def sum(x, axis=None, keepdims=False):  # noqa: A001 - Keras's name
    return math_ops.reduce_sum(x, _axis(axis), keepdims=keepdims)


def prod(x, axis=None, keepdims=False):
    return math_ops.reduce_prod(x, _axis(axis), keepdims=keepdims)


def max(x, axis=None, keepdims=False):  # noqa: A001 - Keras's name
    return math_ops.reduce_max(x, _axis(axis), keepdims=keepdims)


def min(x, axis=None, keepdims=False):  # noqa: A001 - Keras's name
    return math_ops.reduce_min(x, _axis(axis), keepdims=keepdims)


def var(x, axis=None, keepdims=False):
    centred = math_ops.subtract(x, math_ops.reduce_mean(x, _axis(axis), keepdims=True))
    return math_ops.reduce_mean(math_ops.square(centred), _axis(axis), keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    return math_ops.sqrt(var(x, axis, keepdims))


def logsumexp(x, axis=None, keepdims=False):
    return math_ops.reduce_logsumexp(x, _axis(axis), keepdims=keepdims)


def any(x, axis=None, keepdims=False):  # noqa: A001 - Keras's name
    return math_ops.reduce_any(math_ops.cast(x, "bool"), _axis(axis), keepdims=keepdims)


def all(x, axis=None, keepdims=False):  # noqa: A001 - Keras's name
    return math_ops.reduce_all(math_ops.cast(x, "bool"), _axis(axis), keepdims=keepdims)


def argmax(x, axis=-1):
    return math_ops.argmax(x, axis)


def argmin(x, axis=-1):
    return math_ops.argmin(x, axis)


def square(x):
    return math_ops.square(x)


def abs(x):  # noqa: A001 - Keras's name
    return math_ops.abs(x)


def sqrt(x):
    zero = math_ops.cast(0.0, convert_to_tensor(x).dtype)
    return math_ops.sqrt(math_ops.maximum(x, zero))


def exp(x):
    return math_ops.exp(x)


def log(x):
    return math_ops.log(x)


def round(x):  # noqa: A001 - Keras's name
    return math_ops.round(x)


def sign(x):
    return math_ops.sign(x)


def pow(x, a):  # noqa: A001 - Keras's name
    return math_ops.pow(x, a)


def clip(x, min_value, max_value):
    if max_value is not None and max_value < min_value:
        max_value = min_value
    return math_ops.clip_by_value(x, min_value, max_value)


def sin(x):
    return math_ops.sin(x)


def cos(x):
    return math_ops.cos(x)


def equal(x, y):
    return math_ops.equal(x, y)


def not_equal(x, y):
    return math_ops.not_equal(x, y)


def greater(x, y):
    return math_ops.greater(x, y)


def greater_equal(x, y):
    return math_ops.greater_equal(x, y)


def less(x, y):
    return math_ops.less(x, y)


def less_equal(x, y):
    return math_ops.less_equal(x, y)


def maximum(x, y):
    return math_ops.maximum(x, y)


def minimum(x, y):
    return math_ops.minimum(x, y)


def dot(x, y):
    """Matrix product; for inputs above rank 2, over x's last and y's second-to-last axis."""
    x, y = convert_to_tensor(x), convert_to_tensor(y)
    if x.shape.ndims == 2 and y.shape.ndims == 2:
        return math_ops.matmul(x, y)
    return math_ops.tensordot(x, y, [[x.shape.ndims - 1], [y.shape.ndims - 2]])


def batch_dot(x, y, axes=None):
    """Per-sample dot products of two batches of tensors, contracting axis ``axes[0]`` of
    ``x`` with ``axes[1]`` of ``y`` (an int means the same axis in both; by default the last
    of ``x`` with the second-last of ``y``, or its last when ``y`` is 2-D), as TensorFlow's
    Keras: the result has ``x``'s other axes, then ``y``'s (``[b, n, d] . [b, m, d]`` with
    ``axes=(2, 2)`` is ``[b, n, m]``); a result of one axis becomes ``[b, 1]``."""
    x, y = convert_to_tensor(x), convert_to_tensor(y)
    x_rank, y_rank = x.shape.ndims, y.shape.ndims
    if x_rank < 2 or y_rank < 2:
        raise ValueError(f"Cannot do batch_dot on inputs with rank < 2. Received inputs with "
                         f"shapes {x.shape} and {y.shape}.")
    if isinstance(axes, int):
        axes = (axes, axes)
    if axes is None:
        axes = (x_rank - 1, y_rank - 1 if y_rank == 2 else y_rank - 2)
    x_axis, y_axis = (int(a) % r for a, r in zip(axes, (x_rank, y_rank)))
    if 0 in (x_axis, y_axis):
        raise ValueError(f"Cannot perform batch_dot over axis 0 (the batch axis); got axes "
                         f"{tuple(axes)}.")
    x_dims, y_dims = x.shape.as_list(), y.shape.as_list()
    if x_dims[x_axis] is not None and y_dims[y_axis] is not None and \
            x_dims[x_axis] != y_dims[y_axis]:
        raise ValueError(f"Cannot do batch_dot on inputs with shapes {x.shape} and {y.shape} "
                         f"with axes={tuple(axes)}: {x_dims[x_axis]} != {y_dims[y_axis]}.")
    # x as [batch, rest of x, k] and y as [batch, k, rest of y]: one batched matmul
    x_order = [0, *[a for a in range(1, x_rank) if a != x_axis], x_axis]
    y_order = [0, y_axis, *[a for a in range(1, y_rank) if a != y_axis]]
    x_moved = array_ops.transpose(x, x_order) if x_order != list(range(x_rank)) else x
    y_moved = array_ops.transpose(y, y_order) if y_order != list(range(y_rank)) else y
    x_shape, y_shape = array_ops.shape(x_moved), array_ops.shape(y_moved)
    x_flat = array_ops.reshape(x_moved, array_ops.stack(
        [x_shape[0], -1, x_shape[x_rank - 1]]))
    y_flat = array_ops.reshape(y_moved, array_ops.stack([y_shape[0], y_shape[1], -1]))
    product = math_ops.matmul(x_flat, y_flat)
    out_shape = array_ops.concat([x_shape[:x_rank - 1], y_shape[2:]], 0)
    out = array_ops.reshape(product, out_shape)
    static = [x_dims[0] if x_dims[0] is not None else y_dims[0]]
    static += [x_dims[a] for a in x_order[1:-1]] + [y_dims[a] for a in y_order[2:]]
    out.set_shape(static)
    if len(static) == 1:
        out = array_ops.expand_dims(out, 1)
    return out


def transpose(x):
    return array_ops.transpose(x)


def permute_dimensions(x, pattern):
    return array_ops.transpose(x, list(pattern))


def reshape(x, shape):  # noqa: F811 - Keras's name
    return array_ops.reshape(x, shape)


def flatten(x):
    return array_ops.reshape(x, [-1])


def batch_flatten(x):
    return array_ops.reshape(x, array_ops.stack([-1, math_ops.reduce_prod(
        array_ops.shape(x)[1:])]))


def expand_dims(x, axis=-1):
    return array_ops.expand_dims(x, axis)


def squeeze(x, axis):
    return array_ops.squeeze(x, [axis])


def concatenate(tensors, axis=-1):
    return array_ops.concat(list(tensors), axis)


def stack(x, axis=0):
    return array_ops.stack(list(x), axis)


def tile(x, n):
    return array_ops.tile(x, [n] if isinstance(n, int) else n)


def repeat(x, n):
    return array_ops.tile(array_ops.expand_dims(x, 1), [1, n, 1])


def repeat_elements(x, rep, axis):
    """Each slice of ``x`` along ``axis`` repeated ``rep`` times in place:
    ``[a, b] -> [a, a, b, b]`` (``np.repeat``), as Keras's ``UpSampling`` layers use it."""
    x = convert_to_tensor(x)
    size = x.shape[axis].value if x.shape.ndims is not None else None
    if size is not None:
        pieces = array_ops.split(x, size, axis=axis)
        return array_ops.concat([piece for piece in pieces for _ in range(rep)], axis)
    rank = x.shape.ndims
    axis = axis % rank
    tiled = array_ops.tile(array_ops.expand_dims(x, axis + 1),
                           [1] * (axis + 1) + [rep] + [1] * (rank - axis - 1))
    shape = array_ops.shape(x)
    new_shape = array_ops.concat([shape[:axis], shape[axis:axis + 1] * rep, shape[axis + 1:]],
                                 0)
    return array_ops.reshape(tiled, new_shape)


def arange(start, stop=None, step=1, dtype="int32"):
    if stop is None:
        start, stop = 0, start
    return math_ops.cast(math_ops.range(start, stop, step), dtype)


def gather(reference, indices):
    return array_ops.gather(reference, indices)


def one_hot(indices, num_classes):
    return array_ops.one_hot(indices, num_classes)


def l2_normalize(x, axis=None):
    return nn_extra_ops.l2_normalize(x, axis)


def stop_gradient(variables):
    if isinstance(variables, list | tuple):
        return [array_ops.stop_gradient(v) for v in variables]
    return array_ops.stop_gradient(variables)


def relu(x, alpha=0.0, max_value=None, threshold=0):
    from .activations import relu as _relu

    return _relu(x, alpha, max_value, threshold)


def elu(x, alpha=1.0):
    from .activations import elu as _elu

    return _elu(x, alpha)


def softmax(x, axis=-1):
    from .activations import softmax as _softmax

    return _softmax(x, axis)


def sigmoid(x):
    return math_ops.sigmoid(x)


def hard_sigmoid(x):
    from .activations import hard_sigmoid as _hard

    return _hard(x)


def tanh(x):
    return math_ops.tanh(x)


def softplus(x):
    return nn_ops.softplus(x)


def softsign(x):
    from .activations import softsign as _softsign

    return _softsign(x)


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    from .losses import categorical_crossentropy as _loss

    return _loss(target, output, from_logits=from_logits)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    from .losses import sparse_categorical_crossentropy as _loss

    return _loss(target, output, from_logits=from_logits)


def binary_crossentropy(target, output, from_logits=False):
    """Element-wise (Keras's backend function does not average the last axis)."""
    eps = _backend.epsilon()
    if from_logits:
        logits = output
    elif output.op.type == "Sigmoid":
        logits = output.op.inputs[0]
    else:
        clipped = math_ops.clip_by_value(output, eps, 1.0 - eps)
        logits = math_ops.log(math_ops.divide(clipped, math_ops.subtract(1.0, clipped)))
    return nn_ops.sigmoid_cross_entropy_with_logits(labels=target, logits=logits)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return random_ops.random_normal(shape, mean, stddev, _floatx(dtype), seed=seed)


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    return random_ops.random_uniform(shape, minval, maxval, _floatx(dtype), seed=seed)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return random_ops.truncated_normal(shape, mean, stddev, _floatx(dtype), seed=seed)


def random_binomial(shape, p=0.0, dtype=None, seed=None):
    draw = random_ops.random_uniform(shape, dtype=_floatx(dtype), seed=seed)
    return math_ops.cast(math_ops.less(draw, p), _floatx(dtype))


def switch(condition, then_expression, else_expression):
    """``then`` where ``condition`` holds (a bool scalar picks a branch with ``tf.cond``)."""
    condition = convert_to_tensor(condition)
    if condition.dtype != dtypes.bool:
        condition = math_ops.cast(condition, "bool")
    then_fn = then_expression if callable(then_expression) else (lambda: then_expression)
    else_fn = else_expression if callable(else_expression) else (lambda: else_expression)
    if condition.shape.ndims == 0:
        return control_flow_ops.cond(condition, then_fn, else_fn)
    return array_ops.where_v2(condition, then_fn(), else_fn())


def in_train_phase(x, alt, training=None):
    if training is None:
        training = _backend.learning_phase()
    if isinstance(training, int | bool):
        chosen = x if training else alt
        return chosen() if callable(chosen) else chosen
    return switch(training, x, alt)


def in_test_phase(x, alt, training=None):
    return in_train_phase(alt, x, training)


def update(x, new_x):
    return x.assign(new_x)


def update_add(x, increment):
    return x.assign_add(increment)


def update_sub(x, decrement):
    return x.assign_sub(decrement)


def print_tensor(x, message=""):
    from ..ops import debug_ops

    return debug_ops.Print(x, [x], message)


def gradients(loss, variables):
    return _gradients(loss, variables)


class _Function:
    """What ``K.function(inputs, outputs)`` returns: call it with a list of input values."""

    def __init__(self, inputs, outputs, updates=None, name=None, **session_kwargs):
        self.inputs = list(inputs)
        self.outputs = list(outputs) if isinstance(outputs, list | tuple) else [outputs]
        self._single = not isinstance(outputs, list | tuple)
        updates = list(updates or [])
        self._updates = [u if not isinstance(u, tuple) else u[0].assign(u[1]) for u in updates]

    def __call__(self, inputs):
        values = inputs if isinstance(inputs, list | tuple) else [inputs]
        feed = {}
        for tensor, value in zip(self.inputs, values):
            if isinstance(tensor, Tensor | Variable):
                feed[tensor] = value
        fetches = [*self.outputs, *self._updates]
        results = _backend.get_session().run(fetches, feed)[: len(self.outputs)]
        return results[0] if self._single else results


def function(inputs, outputs, updates=None, name=None, **kwargs):
    """A callable running ``outputs`` for given ``inputs`` values (the learning phase may be
    one of the inputs, as in Keras's ``K.function([x, K.learning_phase()], [y])``)."""
    return _Function(inputs, outputs, updates, name, **kwargs)
