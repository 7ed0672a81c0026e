"""``slim.nets.resnet_v1``: ResNet v1 (He et al. 2015): post-activation bottleneck units, batch
norm and ReLU after each convolution; TF-Slim's variable names
(``resnet_v1_50/block1/unit_1/bottleneck_v1/conv1/weights``) and end points."""

from .... import nn
from ....variable_scope import variable_scope
from ...framework import add_arg_scope
from ...layers import conv2d
from ...layers_utils import collect_named_outputs, last_dimension
from . import _resnet, resnet_utils

resnet_arg_scope = resnet_utils.resnet_arg_scope

__all__ = [
    "bottleneck",
    "resnet_arg_scope",
    "resnet_v1",
    "resnet_v1_50",
    "resnet_v1_101",
    "resnet_v1_152",
    "resnet_v1_200",
    "resnet_v1_block",
]


@add_arg_scope
def bottleneck(inputs, depth, depth_bottleneck, stride, rate=1, outputs_collections=None,
               scope=None):
    """A bottleneck unit (1x1, 3x3 with ``stride`` and ``rate``, 1x1 to ``depth``):
    ``relu(shortcut + residual)``; the shortcut is the input (subsampled) or a
    1x1 projection when the depth changes."""
    with variable_scope(scope, "bottleneck_v1", [inputs]) as sc:
        depth_in = last_dimension(inputs.shape, min_rank=4)
        if depth == depth_in:
            shortcut = resnet_utils.subsample(inputs, stride, "shortcut")
        else:
            shortcut = conv2d(inputs, depth, [1, 1], stride=stride, activation_fn=None,
                              scope="shortcut")
        residual = conv2d(inputs, depth_bottleneck, [1, 1], stride=1, scope="conv1")
        residual = resnet_utils.conv2d_same(residual, depth_bottleneck, 3, stride, rate=rate,
                                            scope="conv2")
        residual = conv2d(residual, depth, [1, 1], stride=1, activation_fn=None, scope="conv3")
        output = nn.relu(shortcut + residual)
        return collect_named_outputs(outputs_collections, sc.name, output)


def resnet_v1(inputs, blocks, num_classes=None, is_training=True, global_pool=True,
              output_stride=None, include_root_block=True, reuse=None, scope=None):
    """A ResNet v1 of ``blocks``; returns ``(net, end_points)``: the logits
    ``[batch, 1, 1, num_classes]`` (or the pooled features without ``num_classes``)."""
    return _resnet.resnet(inputs, blocks, bottleneck, "resnet_v1", False, num_classes,
                          is_training, global_pool, output_stride, include_root_block, reuse,
                          scope)


resnet_v1.default_image_size = 224


def resnet_v1_block(scope, base_depth, num_units, stride):
    """A stage of ``num_units`` bottlenecks of ``base_depth`` (output ``4 * base_depth``), the
    last one with ``stride``."""
    args = [(base_depth * 4, base_depth, 1)] * (num_units - 1)
    args.append((base_depth * 4, base_depth, stride))
    return resnet_utils.Block(scope, bottleneck, args)


def _standard(depth):
    def build(inputs, num_classes=None, is_training=True, global_pool=True, output_stride=None,
              reuse=None, scope=f"resnet_v1_{depth}"):
        return resnet_v1(inputs, _resnet.stage_blocks(bottleneck, depth), num_classes,
                         is_training, global_pool=global_pool, output_stride=output_stride,
                         include_root_block=True, reuse=reuse, scope=scope)

    build.__name__ = f"resnet_v1_{depth}"
    build.__doc__ = f"ResNet-{depth} v1 (stages of {_resnet.DEPTHS[depth]} units)."
    build.default_image_size = 224
    return build


resnet_v1_50 = _standard(50)
resnet_v1_101 = _standard(101)
resnet_v1_152 = _standard(152)
resnet_v1_200 = _standard(200)
