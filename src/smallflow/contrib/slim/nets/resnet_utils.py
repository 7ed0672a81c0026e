"""``slim.nets.resnet_utils``: what ResNet v1 and v2 share: the ``Block`` description of a
stage, ``subsample``, ``conv2d_same`` (explicitly padded strided convolutions, so outputs do
not depend on the input size's parity), ``stack_blocks_dense`` (the stages, with atrous
convolution once ``output_stride`` is reached) and ``resnet_arg_scope``."""

import collections

from .... import nn
from ....graph import GraphKeys
from ....ops import array_ops
from ....variable_scope import variable_scope
from ...framework import add_arg_scope, arg_scope
from ...layers import (
    batch_norm,
    conv2d,
    l2_regularizer,
    max_pool2d,
    variance_scaling_initializer,
)
from ...layers_utils import collect_named_outputs

__all__ = ["Block", "conv2d_same", "resnet_arg_scope", "stack_blocks_dense", "subsample"]


class Block(collections.namedtuple("Block", ["scope", "unit_fn", "args"])):
    """A stage of a ResNet: variable scope ``scope``, its units built by ``unit_fn`` from each
    ``(depth, depth_bottleneck, stride)`` of ``args``."""


def subsample(inputs, factor, scope=None):
    """Every ``factor``-th row and column (a 1x1 max pool), or ``inputs`` for factor 1."""
    if factor == 1:
        return inputs
    return max_pool2d(inputs, [1, 1], stride=factor, scope=scope)


def conv2d_same(inputs, num_outputs, kernel_size, stride, rate=1, scope=None):
    """A SAME convolution; strided ones pad explicitly (``kernel - 1`` split before/after,
    widened by ``rate``) and convolve VALID."""
    if stride == 1:
        return conv2d(inputs, num_outputs, kernel_size, stride=1, rate=rate, padding="SAME",
                      scope=scope)
    effective = kernel_size + (kernel_size - 1) * (rate - 1)
    total = effective - 1
    before = total // 2
    after = total - before
    inputs = array_ops.pad(inputs, [[0, 0], [before, after], [before, after], [0, 0]])
    return conv2d(inputs, num_outputs, kernel_size, stride=stride, rate=rate, padding="VALID",
                  scope=scope)


@add_arg_scope
def stack_blocks_dense(net, blocks, output_stride=None, outputs_collections=None):
    """Build ``blocks`` (each ``<block.scope>/unit_<i>``); with ``output_stride``, units past
    that stride keep stride 1 and dilate instead. ValueError when the stride cannot be
    reached exactly."""
    current_stride = 1
    rate = 1
    for block in blocks:
        with variable_scope(block.scope, "block", [net]) as sc:
            for index, (depth, depth_bottleneck, stride) in enumerate(block.args):
                if output_stride is not None and current_stride > output_stride:
                    raise ValueError("The target output_stride cannot be reached.")
                with variable_scope(f"unit_{index + 1}", values=[net]):
                    if output_stride is not None and current_stride == output_stride:
                        net = block.unit_fn(net, depth=depth, depth_bottleneck=depth_bottleneck,
                                            stride=1, rate=rate)
                        rate *= stride
                    else:
                        net = block.unit_fn(net, depth=depth, depth_bottleneck=depth_bottleneck,
                                            stride=stride, rate=1)
                        current_stride *= stride
            net = collect_named_outputs(outputs_collections, sc.name, net)
    if output_stride is not None and current_stride != output_stride:
        raise ValueError("The target output_stride cannot be reached.")
    return net


def resnet_arg_scope(weight_decay=0.0001, batch_norm_decay=0.997, batch_norm_epsilon=1e-5,
                     batch_norm_scale=True):
    """ResNet defaults: L2 weight decay, variance-scaling weights, batch norm (with gamma)
    then ReLU after each convolution, SAME max pools."""
    batch_norm_params = {
        "decay": batch_norm_decay,
        "epsilon": batch_norm_epsilon,
        "scale": batch_norm_scale,
        "updates_collections": GraphKeys.UPDATE_OPS,
    }
    with arg_scope([conv2d], weights_regularizer=l2_regularizer(weight_decay),
                   weights_initializer=variance_scaling_initializer(), activation_fn=nn.relu,
                   normalizer_fn=batch_norm, normalizer_params=batch_norm_params), \
            arg_scope([batch_norm], **batch_norm_params), \
            arg_scope([max_pool2d], padding="SAME") as sc:
        return sc
