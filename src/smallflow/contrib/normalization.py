"""``tf.contrib.layers.layer_norm``: layer normalization (Ba, Kiros & Hinton, 2016).

Moments are taken over axes ``begin_norm_axis ... rank-1`` of each example; ``beta``
(zeros) and ``gamma`` (ones), shaped ``inputs.shape[begin_params_axis:]``, are model
variables under the ``LayerNorm`` variable scope, as in TF1, so checkpoints line up.
"""

from .. import dtypes, init_ops
from ..graph import convert_to_tensor
from ..ops import nn_extra_ops, nn_ops
from ..variable_scope import variable_scope
from . import framework

__all__ = ["layer_norm"]


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
