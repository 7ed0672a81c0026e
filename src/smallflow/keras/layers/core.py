"""Keras's core layers: Dense, Flatten, Dropout, Activation, Reshape, Permute, RepeatVector,
Lambda, ActivityRegularization.

Dense, Flatten and Dropout compute as ``tf.layers`` does (same ops, same variable shapes);
the Keras classes add Keras's names and defaults: string activations and initializers, the
``data_format`` of ``backend.image_data_format()``, and Dropout following the learning phase
(active in ``fit``, the identity in ``evaluate``/``predict``) when ``training`` is not given.
"""

import numpy as np

from ...graph import convert_to_tensor
from ...layers import core as _core
from ...ops import array_ops
from ...tensor_shape import TensorShape
from .. import activations, backend
from ..engine.base_layer import Layer
from ._args import attach_constraints, resolve

__all__ = ["Activation", "ActivityRegularization", "Dense", "Dropout", "Flatten", "Lambda",
           "Masking", "Permute", "RepeatVector", "Reshape"]


class Dense(_core.Dense, Layer):
    """``activation(inputs @ kernel + bias)``: Keras's fully connected layer."""

    _propagates_mask = True

    def __init__(self, units, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        args = {"activation": activation, "kernel_initializer": kernel_initializer,
                "bias_initializer": bias_initializer, "kernel_regularizer": kernel_regularizer,
                "bias_regularizer": bias_regularizer, "kernel_constraint": kernel_constraint,
                "bias_constraint": bias_constraint}
        self._constraints = resolve(args)
        super().__init__(units, use_bias=use_bias, activity_regularizer=activity_regularizer,
                         **args, **kwargs)

    def build(self, input_shape):
        super().build(input_shape)
        attach_constraints(self, self._constraints)

    def get_config(self):
        return {**Layer.get_config(self), "units": self.units,
                "activation": activations.serialize(self.activation or activations.linear),
                "use_bias": self.use_bias}


class Flatten(_core.Flatten, Layer):
    """``[batch, ...]`` -> ``[batch, product of the rest]``."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(data_format=data_format or backend.image_data_format(), **kwargs)


class Dropout(_core.Dropout, Layer):
    """Zero a fraction ``rate`` of the inputs (scaling the rest) while training."""

    _propagates_mask = True

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(rate, noise_shape=noise_shape, seed=seed, **kwargs)

    def call(self, inputs, training=None):
        return super().call(inputs, training=backend.phase_of(training))

    def get_config(self):
        return {**Layer.get_config(self), "rate": self.rate}


class Activation(Layer):
    """Apply an activation function (a name such as ``'relu'`` or a function)."""

    _propagates_mask = True

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)


class Reshape(Layer):
    """Reshape to ``(batch,) + target_shape``; one entry may be -1."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(int(d) for d in target_shape)

    def call(self, inputs):
        dims = inputs.shape.as_tuple()
        if dims is not None and dims[0] is not None:
            return array_ops.reshape(inputs, (dims[0], *self.target_shape))
        batch = array_ops.shape(inputs)[0]
        outputs = array_ops.reshape(inputs, array_ops.stack([batch, *self.target_shape]))
        known = list(self.target_shape)
        if -1 in known and dims is not None and all(d is not None for d in dims[1:]):
            size = int(np.prod(dims[1:]))
            rest = int(np.prod([d for d in known if d != -1]))
            known[known.index(-1)] = size // rest
        outputs.set_shape(TensorShape([None, *[None if d == -1 else d for d in known]]))
        return outputs


class Permute(Layer):
    """Permute the non-batch axes (``dims`` counts them from 1)."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)

    def call(self, inputs):
        return array_ops.transpose(inputs, (0, *self.dims))


class RepeatVector(Layer):
    """``[batch, features]`` -> ``[batch, n, features]``."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = int(n)

    def call(self, inputs):
        return array_ops.tile(array_ops.expand_dims(inputs, 1), [1, self.n, 1])


class Lambda(Layer):
    """Wrap an expression of tensors as a layer: ``Lambda(lambda x: x ** 2)``."""

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        self.function = function
        self.arguments = arguments or {}
        self._output_shape = output_shape

    def call(self, inputs, mask=None, training=None):
        import inspect

        arguments = dict(self.arguments)
        parameters = inspect.signature(self.function).parameters
        if "mask" in parameters:
            arguments["mask"] = mask
        if "training" in parameters:
            arguments["training"] = training
        outputs = self.function(inputs, **arguments)
        return convert_to_tensor(outputs) if not isinstance(outputs, list | tuple) else outputs


class ActivityRegularization(Layer):
    """The identity, adding ``l1 * sum|x| + l2 * sum x**2`` of its output to the loss."""

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        from ..regularizers import L1L2

        super().__init__(activity_regularizer=L1L2(l1, l2), **kwargs)
        self.l1, self.l2 = l1, l2


class Masking(Layer):
    """Skip the timesteps whose features all equal ``mask_value``: they are zeroed and the
    output carries a mask (``[batch, steps]``) that recurrent layers downstream follow."""

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value

    def compute_mask(self, inputs, mask=None):
        """The steps where some feature differs from ``mask_value``."""
        from ...ops import math_ops

        return math_ops.reduce_any(math_ops.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        from ...ops import math_ops

        keep = math_ops.reduce_any(math_ops.not_equal(inputs, self.mask_value), axis=-1,
                                   keepdims=True)
        outputs = math_ops.multiply(inputs, math_ops.cast(keep, inputs.dtype))
        outputs._keras_mask = array_ops.squeeze(keep, [-1])
        return outputs
