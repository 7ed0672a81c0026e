"""Keras's merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot,
and their functional forms (``concatenate([a, b])``, ``add([a, b])``, ...)."""

from ...ops import array_ops, math_ops
from ..engine.base_layer import Layer

__all__ = ["Add", "Average", "Concatenate", "Dot", "Maximum", "Minimum", "Multiply",
           "Subtract", "add", "average", "concatenate", "dot", "maximum", "minimum",
           "multiply", "subtract"]


class _Merge(Layer):
    def _merge(self, inputs):
        raise NotImplementedError

    def call(self, inputs):
        if not isinstance(inputs, list | tuple) or len(inputs) < 2:
            raise ValueError(f"A merge layer ({self.name}) should be called on a list of at "
                             f"least 2 inputs. Got {inputs!r}")
        return self._merge(list(inputs))


def _fold(function):
    def merge(self, inputs):
        result = inputs[0]
        for tensor in inputs[1:]:
            result = function(result, tensor)
        return result

    return merge


class Add(_Merge):
    _merge = _fold(math_ops.add)


class Multiply(_Merge):
    _merge = _fold(math_ops.multiply)


class Maximum(_Merge):
    _merge = _fold(math_ops.maximum)


class Minimum(_Merge):
    _merge = _fold(math_ops.minimum)


class Subtract(_Merge):
    def _merge(self, inputs):
        if len(inputs) != 2:
            raise ValueError("A `Subtract` layer should be called on exactly 2 inputs")
        return math_ops.subtract(inputs[0], inputs[1])


class Average(_Merge):
    def _merge(self, inputs):
        total = _fold(math_ops.add)(self, inputs)
        return math_ops.divide(total, float(len(inputs)))


class Concatenate(_Merge):
    """Join the inputs along ``axis`` (the last by default)."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def _merge(self, inputs):
        return array_ops.concat(inputs, self.axis)


class Dot(_Merge):
    """Dot products of samples along ``axes`` (optionally of L2-normalised inputs)."""

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        self.axes = axes
        self.normalize = normalize

    def _merge(self, inputs):
        from ...ops import nn_extra_ops
        from .. import backend

        first, second = inputs
        axes = self.axes if isinstance(self.axes, list | tuple) else [self.axes] * 2
        axes = [a % t.shape.ndims for a, t in zip(axes, inputs)]
        if self.normalize:
            first = nn_extra_ops.l2_normalize(first, axes[0])
            second = nn_extra_ops.l2_normalize(second, axes[1])
        return backend.batch_dot(first, second, axes)


def _functional(layer_class):
    def merge(inputs, **kwargs):
        return layer_class(**kwargs)(inputs)

    merge.__name__ = layer_class.__name__.lower()
    merge.__doc__ = f"Functional form of ``{layer_class.__name__}``."
    return merge


add = _functional(Add)
subtract = _functional(Subtract)
multiply = _functional(Multiply)
average = _functional(Average)
maximum = _functional(Maximum)
minimum = _functional(Minimum)


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of ``Concatenate``."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes, normalize=False, **kwargs):
    """Functional form of ``Dot``."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
