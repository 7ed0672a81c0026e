"""Keras's ``BatchNormalization``: batch statistics in ``fit``, moving ones otherwise.

The computation is ``tf.layers.BatchNormalization``'s (variables ``gamma``, ``beta``,
``moving_mean``, ``moving_variance`` in that order). When ``training`` is not given the
layer follows the learning phase; its moving-average updates stay in ``layer.updates``
(not ``UPDATE_OPS``, as in TensorFlow 1.x's Keras) and ``fit`` runs them with each step.
"""


from ...layers import normalization as _normalization
from ..engine.base_layer import Layer
from ._args import attach_constraints, resolve

__all__ = ["BatchNormalization"]


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
