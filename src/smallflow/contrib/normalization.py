"""``tf.contrib.layers.layer_norm``: layer normalization (Ba, Kiros & Hinton, 2016).

Moments are taken over axes ``begin_norm_axis ... rank-1`` of each example; ``beta``
(zeros) and ``gamma`` (ones), shaped ``inputs.shape[begin_params_axis:]``, are model
variables under the ``LayerNorm`` variable scope, as in TF1, so checkpoints line up.
"""

from .. import dtypes, init_ops
from ..graph import convert_to_tensor
from ..ops import cwise_ops as math_ops
from ..ops import nn_extra_ops, nn_ops
from ..ops import shape_ops as array_ops
from ..variable_scope import variable_scope
from . import framework

__all__ = ["group_norm", "instance_norm", "layer_norm"]


def _collections_for(variables_collections, name):
    # A dict gives each variable its own collections; a list applies to all of them.
    if isinstance(variables_collections, dict):
        return list(variables_collections.get(name) or [])
    return list(variables_collections or [])


def layer_norm(inputs, center=True, scale=True, activation_fn=None, reuse=None,
               variables_collections=None, outputs_collections=None, trainable=True,
               begin_norm_axis=1, begin_params_axis=-1, scope=None):
    """Normalize each example of ``inputs`` to zero mean and unit variance, then scale
    by ``gamma`` and shift by ``beta``; the output has the inputs' shape and dtype."""
    with variable_scope(scope, "LayerNorm", [inputs], reuse=reuse) as opened:
        inputs = convert_to_tensor(inputs)
        shape = inputs.shape
        rank = shape.ndims
        if rank is None:
            raise ValueError(f"Inputs {inputs.name} has undefined rank.")
        dtype = inputs.dtype.base_dtype
        if begin_norm_axis < 0:
            begin_norm_axis += rank
        if begin_params_axis >= rank or begin_norm_axis >= rank:
            raise ValueError(f"begin_params_axis ({begin_params_axis}) and begin_norm_axis "
                             f"({begin_norm_axis}) must be < rank(inputs) ({rank})")
        params_shape = shape[begin_params_axis:]
        if not params_shape.is_fully_defined():
            raise ValueError(f"Inputs {inputs.name}: shape(inputs)[{begin_params_axis}:] is "
                             f"not fully defined: {shape}")
        beta = gamma = None
        if center:
            beta = framework.model_variable(
                "beta", params_shape, dtype, init_ops.zeros_initializer(),
                trainable=trainable,
                collections=_collections_for(variables_collections, "beta"))
        if scale:
            gamma = framework.model_variable(
                "gamma", params_shape, dtype, init_ops.ones_initializer(),
                trainable=trainable,
                collections=_collections_for(variables_collections, "gamma"))
        mean, variance = nn_ops.moments(inputs, list(range(begin_norm_axis, rank)),
                                        keep_dims=True)
        # float16 cannot represent TF's 1e-12, so it uses a larger epsilon there.
        epsilon = 1e-3 if dtype == dtypes.float16 else 1e-12
        outputs = nn_extra_ops.batch_normalization(inputs, mean, variance, beta, gamma,
                                                   epsilon)
        outputs.set_shape(shape)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        from .layers import _collect_output

        return _collect_output(outputs_collections, opened.name, outputs)


def _params(center, scale, shape, dtype, param_initializers, variables_collections, trainable):
    """``beta`` (zeros) and ``gamma`` (ones), or None where not wanted, as model variables."""
    initializers = param_initializers or {}
    beta = gamma = None
    if center:
        beta = framework.model_variable(
            "beta", shape, dtype, initializers.get("beta", init_ops.zeros_initializer()),
            trainable=trainable, collections=_collections_for(variables_collections, "beta"))
    if scale:
        gamma = framework.model_variable(
            "gamma", shape, dtype, initializers.get("gamma", init_ops.ones_initializer()),
            trainable=trainable, collections=_collections_for(variables_collections, "gamma"))
    return beta, gamma


@framework.add_arg_scope
def instance_norm(inputs, center=True, scale=True, epsilon=1e-6, activation_fn=None,
                  param_initializers=None, reuse=None, variables_collections=None,
                  outputs_collections=None, trainable=True, data_format="NHWC", scope=None):
    """Instance normalization (Ulyanov et al., 2016): each example's channels normalized over
    their own spatial positions, then scaled by ``gamma`` and shifted by ``beta`` (one per
    channel, variables under ``InstanceNorm``)."""
    inputs = convert_to_tensor(inputs)
    shape = inputs.shape
    rank = shape.ndims
    if rank is None:
        raise ValueError(f"Inputs {inputs.name} has undefined rank.")
    if data_format not in ("NCHW", "NHWC"):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    with variable_scope(scope, "InstanceNorm", [inputs], reuse=reuse) as opened:
        axis = 1 if data_format == "NCHW" else rank - 1
        params_shape = shape[axis:axis + 1]
        if not params_shape.is_fully_defined():
            raise ValueError(f"Inputs {inputs.name} has undefined channels dimension "
                             f"{params_shape}.")
        beta, gamma = _params(center, scale, params_shape, inputs.dtype.base_dtype,
                              param_initializers, variables_collections, trainable)
        if data_format == "NCHW":
            # Shaped to broadcast along axis 1 of the inputs.
            broadcast = [1, params_shape[0].value] + [1] * (rank - 2)
            beta = None if beta is None else array_ops.reshape(beta, broadcast)
            gamma = None if gamma is None else array_ops.reshape(gamma, broadcast)
        axes = [a for a in range(1, rank) if a != axis]
        mean, variance = nn_ops.moments(inputs, axes, keep_dims=True)
        outputs = nn_extra_ops.batch_normalization(inputs, mean, variance, beta, gamma,
                                                   epsilon, name="instancenorm")
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        from .layers import _collect_output

        return _collect_output(outputs_collections, opened.name, outputs)


@framework.add_arg_scope
def group_norm(inputs, groups=32, channels_axis=-1, reduction_axes=(-3, -2), center=True,
               scale=True, epsilon=1e-6, activation_fn=None, param_initializers=None,
               reuse=None, variables_collections=None, outputs_collections=None,
               trainable=True, scope=None):
    """Group normalization (Wu & He, 2018): the channels split into ``groups``, each group
    normalized over itself and ``reduction_axes``; ``beta``/``gamma`` per channel under
    ``GroupNorm``."""
    inputs = convert_to_tensor(inputs)
    shape = inputs.shape
    rank = shape.ndims
    if rank is None:
        raise ValueError(f"Inputs {inputs.name} has undefined rank.")
    if channels_axis > rank - 1:
        raise ValueError("Axis is out of bounds.")
    if channels_axis < 0:
        channels_axis += rank
    channels = shape[channels_axis].value
    if channels is None:
        raise ValueError(f"Inputs {inputs.name} has undefined channel dimension: "
                         f"{channels_axis}.")
    reduction_axes = [a + rank if a < 0 else a for a in reduction_axes]
    for a in reduction_axes:
        if a > rank:
            raise ValueError("Axis is out of bounds.")
        if shape[a].value is None:
            raise ValueError(f"Inputs {inputs.name} has undefined dimensions {a}.")
        if a == channels_axis:
            raise ValueError("reduction_axis must be mutually exclusive with channels_axis")
    if groups > channels:
        raise ValueError(f"Invalid groups {groups} for {channels} channels.")
    if channels % groups:
        raise ValueError(f"{channels} channels is not commensurate with {groups} groups.")
    dynamic = array_ops.shape(inputs)
    before = [dynamic[i] for i in range(channels_axis)]
    after = [dynamic[i] for i in range(channels_axis + 1, rank)]
    # [..., groups, channels // groups, ...]: the statistics are taken per group.
    grouped = array_ops.reshape(inputs, [*before, groups, channels // groups, *after])
    broadcast = [1] * len(before) + [groups, channels // groups] + [1] * len(after)
    moments_axes = [channels_axis + 1] + [a + 1 if a > channels_axis else a
                                          for a in reduction_axes]
    with variable_scope(scope, "GroupNorm", [grouped], reuse=reuse) as opened:
        beta, gamma = _params(center, scale, [channels], inputs.dtype.base_dtype,
                              param_initializers, variables_collections, trainable)
        mean, variance = nn_ops.moments(grouped, moments_axes, keep_dims=True)
        gain = math_ops.rsqrt(variance + epsilon)
        offset = -mean * gain
        if gamma is not None:
            gamma = array_ops.reshape(gamma, broadcast)
            gain *= gamma
            offset *= gamma
        if beta is not None:
            offset += array_ops.reshape(beta, broadcast)
        outputs = array_ops.reshape(grouped * gain + offset, dynamic)
        outputs.set_shape(shape)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        from .layers import _collect_output

        return _collect_output(outputs_collections, opened.name, outputs)
