"""The body ResNet v1 and v2 share: root block, stages, pooling, logits and end points."""

from ....ops import math_ops
from ....variable_scope import variable_scope
from ...framework import arg_scope
from ...layers import batch_norm, conv2d, max_pool2d, softmax
from ...layers_utils import convert_collection_to_dict
from . import resnet_utils

__all__ = ["resnet", "stage_blocks"]

# Units per stage of the standard depths.
DEPTHS = {50: (3, 4, 6, 3), 101: (3, 4, 23, 3), 152: (3, 8, 36, 3), 200: (3, 24, 36, 3)}


def stage_blocks(unit_fn, depth):
    """The four stages of ResNet-``depth``: 64, 128, 256 and 512 bottleneck channels, the
    first three ending with stride 2."""
    blocks = []
    for index, (units, base, stride) in enumerate(zip(DEPTHS[depth], (64, 128, 256, 512),
                                                      (2, 2, 2, 1), strict=True), start=1):
        args = [(base * 4, base, 1)] * (units - 1) + [(base * 4, base, stride)]
        blocks.append(resnet_utils.Block(f"block{index}", unit_fn, args))
    return blocks


def resnet(inputs, blocks, bottleneck, default_scope, preactivation, num_classes, is_training,
           global_pool, output_stride, include_root_block, reuse, scope):
    """A ResNet; ``preactivation`` (v2) leaves batch norm and ReLU out of ``conv1`` and adds
    the ``postnorm`` batch norm after the stages."""
    with variable_scope(scope, default_scope, [inputs], reuse=reuse) as sc:
        collection = sc.original_name_scope + "_end_points"
        with arg_scope([conv2d, bottleneck, resnet_utils.stack_blocks_dense],
                       outputs_collections=collection), \
                arg_scope([batch_norm], is_training=is_training):
            net = inputs
            if include_root_block:
                if output_stride is not None:
                    if output_stride % 4 != 0:
                        raise ValueError("The output_stride needs to be a multiple of 4.")
                    output_stride /= 4
                if preactivation:
                    with arg_scope([conv2d], activation_fn=None, normalizer_fn=None):
                        net = resnet_utils.conv2d_same(net, 64, 7, stride=2, scope="conv1")
                else:
                    net = resnet_utils.conv2d_same(net, 64, 7, stride=2, scope="conv1")
                net = max_pool2d(net, [3, 3], stride=2, scope="pool1")
            net = resnet_utils.stack_blocks_dense(net, blocks, output_stride)
            if preactivation:
                from .... import nn

                net = batch_norm(net, activation_fn=nn.relu, scope="postnorm")
            if global_pool:
                net = math_ops.reduce_mean(net, [1, 2], name="pool5", keepdims=True)
            if num_classes is not None:
                net = conv2d(net, num_classes, [1, 1], activation_fn=None, normalizer_fn=None,
                             scope="logits")
            end_points = convert_collection_to_dict(collection)
            if num_classes is not None:
                end_points["predictions"] = softmax(net, scope="predictions")
            return net, end_points
