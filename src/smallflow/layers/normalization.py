"""``BatchNormalization`` / ``batch_normalization``: normalise by batch or moving statistics.

Variables, in TensorFlow's order and names: ``batch_normalization/gamma``, ``/beta``
(trainable), ``/moving_mean``, ``/moving_variance`` (not trainable). Called with
``training=True`` the layer normalises with the batch's mean and variance and declares two
update ops (``AssignMovingAvg``, ``AssignMovingAvg_1``) in ``UPDATE_OPS``: programs run them
with ``tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS))``. With
``training=False`` it uses the moving statistics. A bool tensor decides at run time: both
statistics are built, one is selected, and the updates move by zero when it is False.

Like TensorFlow's fused kernel (used for 4-D inputs normalised over their channel axis),
the moving variance then receives the unbiased batch variance (times n / (n - 1)).
"""

from .. import dtypes, init_ops
from ..graph import Tensor, name_scope
from ..ops import array_ops, math_ops, nn_ops
from ..tensor_shape import TensorShape
from .base import Layer, float_inputs, known_training, refuse

__all__ = ["BatchNormalization", "batch_normalization"]


class BatchNormalization(Layer):
    """Batch normalization (Ioffe and Szegedy, 2015) with moving statistics for inference."""

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer=None, gamma_initializer=None,
                 moving_mean_initializer=None, moving_variance_initializer=None,
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, renorm=False, renorm_clipping=None,
                 renorm_momentum=0.99, fused=None, trainable=True, virtual_batch_size=None,
                 adjustment=None, name=None, **kwargs):
        refuse({"beta_constraint": beta_constraint, "gamma_constraint": gamma_constraint,
                "renorm": renorm or None, "virtual_batch_size": virtual_batch_size,
                "adjustment": adjustment, "renorm_clipping": renorm_clipping},
               "batch_normalization")
        super().__init__(trainable=trainable, name=name, **kwargs)
        if isinstance(axis, list | tuple):
            if len(axis) != 1:
                raise ValueError(f"smallflow normalises over one axis; got axis={axis!r}")
            axis = axis[0]
        self.axis = int(axis)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.fused = fused
        self.beta_initializer = beta_initializer or init_ops.zeros_initializer()
        self.gamma_initializer = gamma_initializer or init_ops.ones_initializer()
        self.moving_mean_initializer = (moving_mean_initializer
                                        or init_ops.zeros_initializer())
        self.moving_variance_initializer = (moving_variance_initializer
                                            or init_ops.ones_initializer())
        self.beta_regularizer = beta_regularizer
        self.gamma_regularizer = gamma_regularizer
        self.gamma = self.beta = self.moving_mean = self.moving_variance = None

    def build(self, input_shape):
        shape = TensorShape(input_shape)
        if shape.ndims is None:
            raise ValueError(f"Input has undefined rank: {shape}")
        rank = shape.ndims
        if not -rank <= self.axis < rank:
            raise ValueError(f"Invalid axis: {self.axis} (inputs have rank {rank})")
        self._axis = self.axis % rank
        depth = shape[self._axis].value
        if depth is None:
            raise ValueError(f"Input has undefined `axis` dimension. Input shape: {shape}")
        dtype = self._dtype if self._dtype not in (None, dtypes.float16) else dtypes.float32
        if self.scale:
            self.gamma = self.add_weight("gamma", [depth], dtype, self.gamma_initializer,
                                         self.gamma_regularizer)
        if self.center:
            self.beta = self.add_weight("beta", [depth], dtype, self.beta_initializer,
                                        self.beta_regularizer)
        self.moving_mean = self.add_weight("moving_mean", [depth], dtype,
                                           self.moving_mean_initializer, trainable=False)
        self.moving_variance = self.add_weight("moving_variance", [depth], dtype,
                                               self.moving_variance_initializer,
                                               trainable=False)
        self.built = True

    def _broadcast(self, vector, rank):
        if self._axis == rank - 1:
            return vector
        shape = [1] * rank
        shape[self._axis] = -1
        return array_ops.reshape(vector, shape)

    def call(self, inputs, training=False):
        inputs = float_inputs(inputs, "batch_normalization")
        rank = inputs.shape.ndims
        reduce_axes = [a for a in range(rank) if a != self._axis]
        training = known_training(training)
        if training is False or training is None:
            mean, variance = self.moving_mean, self.moving_variance
        else:
            mean, variance = self._batch_statistics(inputs, reduce_axes, training)
        rank_vectors = [self._broadcast(v, rank) if v is not None else None
                        for v in (mean, variance, self.gamma, self.beta)]
        mean_b, variance_b, gamma_b, beta_b = rank_vectors
        inv = math_ops.rsqrt(math_ops.add(variance_b, self.epsilon))
        if gamma_b is not None:
            inv = math_ops.multiply(inv, gamma_b)
        outputs = math_ops.multiply(math_ops.subtract(inputs, mean_b), inv)
        if beta_b is not None:
            outputs = math_ops.add(outputs, beta_b)
        return outputs

    def _batch_statistics(self, inputs, reduce_axes, training):
        batch_mean, batch_variance = nn_ops.moments(inputs, reduce_axes)
        fused = self.fused is not False and inputs.shape.ndims == 4 and self._axis in (1, 3)
        decay = 1.0 - self.momentum
        if isinstance(training, Tensor):
            decay = math_ops.multiply(math_ops.cast(training, inputs.dtype), decay)
            mean = array_ops.where_v2(training, batch_mean, self.moving_mean.value())
            variance = array_ops.where_v2(training, batch_variance, self.moving_variance.value())
            # TF picks with a cond, whose Merge keeps the branches' common shape even when
            # `training` is a placeholder of unknown shape; where_v2 alone would lose it.
            mean.set_shape(batch_mean.shape)
            variance.set_shape(batch_variance.shape)
        else:
            mean, variance = batch_mean, batch_variance
        update_variance = batch_variance
        if fused:
            count = math_ops.cast(math_ops.divide(array_ops.size(inputs),
                                                  array_ops.shape(inputs)[self._axis]),
                                  inputs.dtype)
            factor = math_ops.divide(count, math_ops.maximum(count - 1.0, 1.0))
            update_variance = math_ops.multiply(batch_variance, factor)
        self.add_update(self._moving_average(self.moving_mean, batch_mean, decay))
        self.add_update(self._moving_average(self.moving_variance, update_variance, decay))
        return mean, variance

    @staticmethod
    def _moving_average(variable, value, decay):
        """``variable -= (variable - value) * decay``, named like TensorFlow's update."""
        with name_scope("AssignMovingAvg") as scope:
            step = math_ops.multiply(math_ops.subtract(variable.value(), value), decay)
            return variable.assign_sub(step, name=scope).op


def batch_normalization(inputs, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                        beta_initializer=None, gamma_initializer=None,
                        moving_mean_initializer=None, moving_variance_initializer=None,
                        beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                        gamma_constraint=None, training=False, trainable=True, name=None,
                        reuse=None, renorm=False, renorm_clipping=None, renorm_momentum=0.99,
                        fused=None, virtual_batch_size=None, adjustment=None):
    """Functional form of ``BatchNormalization``; ``training`` is a bool or a bool tensor.

    The moving-average updates go to ``tf.GraphKeys.UPDATE_OPS``; run them with the train op.
    """
    layer = BatchNormalization(axis, momentum, epsilon, center, scale, beta_initializer,
                               gamma_initializer, moving_mean_initializer,
                               moving_variance_initializer, beta_regularizer,
                               gamma_regularizer, beta_constraint, gamma_constraint, renorm,
                               renorm_clipping, renorm_momentum, fused, trainable,
                               virtual_batch_size, adjustment, name, _scope=name,
                               _reuse=reuse)
    return layer(inputs, training=training)
