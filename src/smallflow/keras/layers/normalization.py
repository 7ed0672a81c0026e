"""Keras's ``BatchNormalization`` (batch statistics in ``fit``, moving ones otherwise) and
``LayerNormalization`` (each sample over its own ``axis`` features).

The computation is ``tf.layers.BatchNormalization``'s (variables ``gamma``, ``beta``,
``moving_mean``, ``moving_variance`` in that order). When ``training`` is not given the
layer follows the learning phase; its moving-average updates stay in ``layer.updates``
(not ``UPDATE_OPS``, as in TensorFlow 1.x's Keras) and ``fit`` runs them with each step.
"""


from ...layers import normalization as _normalization
from ...ops import nn_extra_ops, nn_ops
from ..engine.base_layer import Layer
from ._args import attach_constraints, resolve

__all__ = ["BatchNormalization", "LayerNormalization"]


class BatchNormalization(_normalization.BatchNormalization, Layer):
    """Normalise each feature (``axis``, the last by default) to zero mean and unit variance."""

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, renorm=False, renorm_clipping=None,
                 renorm_momentum=0.99, fused=None, trainable=True, virtual_batch_size=None,
                 adjustment=None, name=None, **kwargs):
        args = {"beta_initializer": beta_initializer, "gamma_initializer": gamma_initializer,
                "moving_mean_initializer": moving_mean_initializer,
                "moving_variance_initializer": moving_variance_initializer,
                "beta_regularizer": beta_regularizer, "gamma_regularizer": gamma_regularizer,
                "beta_constraint": beta_constraint, "gamma_constraint": gamma_constraint}
        self._constraints = resolve(args)
        super().__init__(axis=axis, momentum=momentum, epsilon=epsilon, center=center,
                         scale=scale, renorm=renorm, renorm_clipping=renorm_clipping,
                         renorm_momentum=renorm_momentum, fused=fused, trainable=trainable,
                         virtual_batch_size=virtual_batch_size, adjustment=adjustment,
                         name=name, **args, **kwargs)

    def build(self, input_shape):
        super().build(input_shape)
        attach_constraints(self, self._constraints)

    def call(self, inputs, training=None):
        from .. import backend

        return super().call(inputs, training=backend.phase_of(training))


class LayerNormalization(Layer):
    """Normalise each sample over ``axis`` (the last by default): ``(x - mean) /
    sqrt(var + epsilon) * gamma + beta`` with ``gamma``/``beta`` of the normalized axes'
    shape (created in that order, as TensorFlow's Keras does)."""

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 trainable=True, name=None, **kwargs):
        args = {"beta_initializer": beta_initializer, "gamma_initializer": gamma_initializer,
                "beta_regularizer": beta_regularizer, "gamma_regularizer": gamma_regularizer,
                "beta_constraint": beta_constraint, "gamma_constraint": gamma_constraint}
        self._constraints = resolve(args)
        super().__init__(trainable=trainable, name=name, **kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError("Expected an int or a list/tuple of ints for the argument 'axis', "
                            f"but received: {axis!r}")
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self._args = args

    def build(self, input_shape):
        dims = [d.value if hasattr(d, "value") else d for d in list(input_shape)]
        rank = len(dims)
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        axes = sorted(a + rank if a < 0 else a for a in axes)
        for a in axes:
            if not 0 <= a < rank:
                raise ValueError(f"Invalid axis: {a}")
        if len(set(axes)) != len(axes):
            raise ValueError(f"Duplicate axis: {tuple(axes)}")
        self.axis = axes
        shape = [dims[a] for a in axes]
        if None in shape:
            raise ValueError(f"LayerNormalization needs the normalized axes known, got input "
                             f"shape {list(input_shape)}")
        self.gamma = (self.add_weight("gamma", shape, initializer=self._args["gamma_initializer"],
                                      regularizer=self._args["gamma_regularizer"])
                      if self.scale else None)
        self.beta = (self.add_weight("beta", shape, initializer=self._args["beta_initializer"],
                                     regularizer=self._args["beta_regularizer"])
                     if self.center else None)
        attach_constraints(self, self._constraints)
        self.built = True

    def call(self, inputs):
        from ...ops import array_ops

        rank = inputs.shape.ndims
        mean, variance = nn_ops.moments(inputs, self.axis, keep_dims=True)
        # gamma / beta have the normalized axes' shape: broadcast them to the input's rank.
        spread = [inputs.shape[a].value if a in self.axis else 1 for a in range(rank)]

        def broadcast(weight):
            if weight is None:
                return None
            return weight if self.axis == [rank - 1] else array_ops.reshape(weight, spread)

        return nn_extra_ops.batch_normalization(inputs, mean, variance, broadcast(self.beta),
                                                broadcast(self.gamma), self.epsilon)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale}
