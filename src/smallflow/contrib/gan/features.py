"""``tf.contrib.gan.features``: conditioning, weight clipping, a pool of past generated data
and virtual batch normalization.

- ``condition_tensor(tensor, conditioning)`` adds a learned linear map of the conditioning
  to every feature of ``tensor``; ``condition_tensor_from_onehot`` first embeds one-hot
  labels (a ``[classes, embedding_size]`` variable named ``embedding``).
- ``clip_variables`` / ``clip_discriminator_weights`` wrap an optimizer in contrib.opt's
  VariableClippingOptimizer with no reduction axes, i.e. each weight clipped to
  ``[-weight_clip, weight_clip]`` after the update (WGAN).
- ``tensor_pool`` keeps up to ``pool_size`` earlier values in a RandomShuffleQueue: until
  the pool is full each value passes through and is stored; afterwards a random stored value
  is taken out, the new one put in, and the old one returned with probability
  ``pooling_probability``.
- ``VBN`` normalizes each example with the statistics of a fixed reference batch to which
  the example itself is added with weight ``1 / (reference batch size + 1)``.
"""

from ... import dtypes
from ...graph import control_dependencies, convert_to_tensor, name_scope
from ...init_ops import ones_initializer, zeros_initializer
from ...ops import array_ops, control_flow_ops, data_flow_ops, math_ops, nn_extra_ops, random_ops
from ...variable_scope import get_variable, variable_scope
from .. import layers as contrib_layers
from ..opt_wrappers import VariableClippingOptimizer

__all__ = ["VBN", "clip_discriminator_weights", "clip_variables", "condition_tensor",
           "condition_tensor_from_onehot", "tensor_pool"]


def condition_tensor(tensor, conditioning):
    """``tensor`` plus ``linear(flatten(conditioning))`` reshaped to ``tensor``'s shape."""
    tensor = convert_to_tensor(tensor)
    conditioning = convert_to_tensor(conditioning)
    features = tensor.shape[1:]
    if not features.is_fully_defined():
        raise ValueError(f"condition_tensor needs the non-batch dimensions of `tensor` "
                         f"defined; got {tensor.shape}")
    if conditioning.shape.ndims is None or conditioning.shape.ndims < 2:
        raise ValueError(f"conditioning must be at least 2D, but saw shape: "
                         f"{conditioning.shape}")
    mapped = contrib_layers.linear(contrib_layers.flatten(conditioning),
                                   features.num_elements())
    if not mapped.shape.is_compatible_with(tensor.shape):
        mapped = array_ops.reshape(mapped, array_ops.shape(tensor))
    return tensor + mapped


def condition_tensor_from_onehot(tensor, one_hot_labels, embedding_size=256):
    """``condition_tensor`` on a learned embedding of the labels' classes."""
    one_hot_labels = convert_to_tensor(one_hot_labels)
    if one_hot_labels.shape.ndims != 2 or one_hot_labels.shape.as_list()[1] is None:
        raise ValueError(f"one_hot_labels must have shape [batch_size, num_classes] with a "
                         f"known number of classes; got {one_hot_labels.shape}")
    num_classes = one_hot_labels.shape.as_list()[1]
    label_ids = math_ops.argmax(one_hot_labels, axis=1)
    embedding = get_variable("embedding", [num_classes, embedding_size])
    conditioning = nn_extra_ops.embedding_lookup(embedding, label_ids,
                                                  name="token_to_embedding")
    return condition_tensor(tensor, conditioning)


def clip_variables(optimizer, variables, weight_clip):
    """``optimizer`` followed by clipping each element of ``variables`` to
    ``[-weight_clip, weight_clip]``."""
    if weight_clip < 0:
        raise ValueError(f"`discriminator_weight_clip` must be positive. Instead, was "
                         f"{weight_clip}")
    return VariableClippingOptimizer(optimizer, {var: [] for var in variables}, weight_clip,
                                     use_locking=True, colocate_clip_ops_with_vars=True)


def clip_discriminator_weights(optimizer, model, weight_clip):
    """``clip_variables`` on a GANModel's discriminator variables."""
    return clip_variables(optimizer, model.discriminator_variables, weight_clip)


def _as_tuple(values):
    return tuple(values) if isinstance(values, list | tuple) else (values,)


def tensor_pool(input_values, pool_size=50, pooling_probability=0.5, name="tensor_pool"):
    """``input_values`` (a tensor, list or tuple), or with ``pooling_probability`` once the
    pool is full, values stored by an earlier run."""
    pool_size = int(pool_size)
    if pool_size < 0:
        raise ValueError("`pool_size` is negative.")
    if pool_size == 0:
        return input_values
    values = tuple(convert_to_tensor(v) for v in _as_tuple(input_values))
    with name_scope(f"{name}_pool_queue"):
        queue = data_flow_ops.RandomShuffleQueue(capacity=pool_size, min_after_dequeue=0,
                                                 dtypes=[v.dtype for v in values])

        def pass_through():
            enqueue = queue.enqueue(values)
            with control_dependencies([enqueue]):
                return tuple(array_ops.identity(v) for v in values)

        def swap_with_pool():
            pooled = _as_tuple(queue.dequeue())
            with control_dependencies(pooled):
                enqueue = queue.enqueue(values)
                with control_dependencies([enqueue]):
                    use_pool = random_ops.random_uniform((), dtype=dtypes.float32) \
                        < pooling_probability
                    chosen = control_flow_ops.cond(use_pool, lambda: pooled, lambda: values)
                    # cond unpacks a one-element result: keep the tuple for the outer cond
                    return _as_tuple(chosen)

        outputs = _as_tuple(control_flow_ops.cond(queue.size() < pool_size, pass_through,
                                                  swap_with_pool))
        for value, output in zip(values, outputs, strict=True):
            output.set_shape(value.shape)
    if isinstance(input_values, list):
        return list(outputs)
    if isinstance(input_values, tuple):
        return outputs
    return outputs[0]


def _axis(ndims, axis, what):
    used = axis + ndims if axis < 0 else axis
    if used < 0 or used >= ndims:
        raise ValueError(f"Value of `{what}` argument {used} is out of range for input with "
                         f"rank {ndims}")
    return used


def _moments(x, axes):
    """Mean and mean square of ``x`` over ``axes``, keeping those axes (size 1)."""
    mean = math_ops.reduce_mean(x, axes, keepdims=True)
    mean_square = math_ops.reduce_mean(math_ops.square(x), axes, keepdims=True)
    return mean, mean_square


class VBN:
    """Virtual batch normalization (Salimans et al. 2016) with a fixed reference batch.

    ``beta`` and ``gamma`` (one per feature along ``axis``) are made in a ``VBN`` variable
    scope at construction and shared by every call."""

    def __init__(self, reference_batch, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer=None, gamma_initializer=None, beta_regularizer=None,
                 gamma_regularizer=None, trainable=True, name=None, batch_axis=0):
        reference_batch = convert_to_tensor(reference_batch)
        ndims = reference_batch.shape.ndims
        if ndims is None:
            raise ValueError("`reference_batch` has unknown dimensions.")
        self._axis = _axis(ndims, axis, "axis")
        self._batch_axis = _axis(ndims, batch_axis, "axis")
        if self._axis == self._batch_axis:
            raise ValueError("`axis` and `batch_axis` cannot be the same.")
        self._ndims = ndims
        self._epsilon = epsilon
        self._reference_batch = reference_batch
        features = reference_batch.shape.as_list()[self._axis]
        with variable_scope(name, "VBN") as self._vs:
            reduce_axes = [i for i in range(ndims) if i != self._axis]
            self._ref_mean, self._ref_mean_square = _moments(reference_batch, reduce_axes)
            ref_size = array_ops.shape(reference_batch)[self._batch_axis]
            self._example_weight = 1.0 / (math_ops.cast(ref_size, dtypes.float32) + 1.0)
            self._ref_weight = 1.0 - self._example_weight
            self._beta = self._gamma = None
            if center:
                self._beta = get_variable("beta", shape=(features,),
                                          initializer=beta_initializer or zeros_initializer(),
                                          regularizer=beta_regularizer, trainable=trainable)
            if scale:
                self._gamma = get_variable("gamma", shape=(features,),
                                           initializer=gamma_initializer or ones_initializer(),
                                           regularizer=gamma_regularizer, trainable=trainable)

    def _parameter(self, variable):
        if variable is None:
            return None
        shape = [1] * self._ndims
        shape[self._axis] = -1
        return array_ops.reshape(variable, shape)

    def reference_batch_normalization(self):
        """The reference batch normalized with its own statistics."""
        with name_scope(self._vs.name + "/"):
            variance = self._ref_mean_square - math_ops.square(self._ref_mean)
            return nn_extra_ops.batch_normalization(
                self._reference_batch, self._ref_mean, variance, self._parameter(self._beta),
                self._parameter(self._gamma), self._epsilon)

    def __call__(self, inputs):
        """``inputs`` normalized example by example with the virtual batch's statistics."""
        inputs = convert_to_tensor(inputs)
        given = inputs.shape.as_list()
        reference = self._reference_batch.shape.as_list()
        if len(given) != len(reference) or any(
                a is not None and b is not None and a != b
                for i, (a, b) in enumerate(zip(given, reference, strict=True))
                if i != self._batch_axis):
            raise ValueError(f"VBN inputs of shape {inputs.shape} are not compatible with the "
                             f"reference batch's shape {self._reference_batch.shape} (apart "
                             f"from the batch axis)")
        with name_scope(self._vs.name + "/"):
            example_axes = [i for i in range(self._ndims)
                            if i not in (self._axis, self._batch_axis)]
            if example_axes:
                mean, mean_square = _moments(inputs, example_axes)
            else:
                mean, mean_square = inputs, math_ops.square(inputs)
            mean = self._example_weight * mean + self._ref_weight * self._ref_mean
            mean_square = (self._example_weight * mean_square
                           + self._ref_weight * self._ref_mean_square)
            variance = mean_square - math_ops.square(mean)
            return nn_extra_ops.batch_normalization(inputs, mean, variance,
                                              self._parameter(self._beta),
                                              self._parameter(self._gamma), self._epsilon)
