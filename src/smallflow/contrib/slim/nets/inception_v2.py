"""``slim.nets.inception_v2``: Inception with batch normalization (Ioffe and Szegedy 2015),
with TF-Slim's variable names and end points; ``depth_multiplier`` scales every
convolution's depth (at least ``min_depth``)."""

from ....ops import array_ops
from ....variable_scope import variable_scope
from ...framework import arg_scope
from ...layers import avg_pool2d, batch_norm, conv2d, dropout, max_pool2d, softmax
from ._inception_blocks import build_stem_and_blocks, reduced_kernel_size
from .inception_v1 import inception_v1_arg_scope

__all__ = ["inception_v2", "inception_v2_arg_scope", "inception_v2_base"]

# The stem (its first layer a separable 7x7 convolution), then the mixed blocks.
_TABLE = [
    "S 64 7x7 Conv2d_1a_7x7 s2 w1.0",
    "M 3x3 MaxPool_2a_3x3 s2",
    "C 64 1x1 Conv2d_2b_1x1 w0.1",
    "C 192 3x3 Conv2d_2c_3x3",
    "M 3x3 MaxPool_3a_3x3 s2",
    ("Mixed_3b", [
        ["C 64 1x1 Conv2d_0a_1x1"],
        ["C 64 1x1 Conv2d_0a_1x1 w0.09", "C 64 3x3 Conv2d_0b_3x3"],
        ["C 64 1x1 Conv2d_0a_1x1 w0.09", "C 96 3x3 Conv2d_0b_3x3", "C 96 3x3 Conv2d_0c_3x3"],
        ["A 3x3 AvgPool_0a_3x3", "C 32 1x1 Conv2d_0b_1x1 w0.1"],
    ]),
    ("Mixed_3c", [
        ["C 64 1x1 Conv2d_0a_1x1"],
        ["C 64 1x1 Conv2d_0a_1x1 w0.09", "C 96 3x3 Conv2d_0b_3x3"],
        ["C 64 1x1 Conv2d_0a_1x1 w0.09", "C 96 3x3 Conv2d_0b_3x3", "C 96 3x3 Conv2d_0c_3x3"],
        ["A 3x3 AvgPool_0a_3x3", "C 64 1x1 Conv2d_0b_1x1 w0.1"],
    ]),
    ("Mixed_4a", [
        ["C 128 1x1 Conv2d_0a_1x1 w0.09", "C 160 3x3 Conv2d_1a_3x3 s2"],
        ["C 64 1x1 Conv2d_0a_1x1 w0.09", "C 96 3x3 Conv2d_0b_3x3", "C 96 3x3 Conv2d_1a_3x3 s2"],
        ["M 3x3 MaxPool_1a_3x3 s2"],
    ]),
    ("Mixed_4b", [
        ["C 224 1x1 Conv2d_0a_1x1"],
        ["C 64 1x1 Conv2d_0a_1x1 w0.09", "C 96 3x3 Conv2d_0b_3x3"],
        ["C 96 1x1 Conv2d_0a_1x1 w0.09", "C 128 3x3 Conv2d_0b_3x3", "C 128 3x3 Conv2d_0c_3x3"],
        ["A 3x3 AvgPool_0a_3x3", "C 128 1x1 Conv2d_0b_1x1 w0.1"],
    ]),
    ("Mixed_4c", [
        ["C 192 1x1 Conv2d_0a_1x1"],
        ["C 96 1x1 Conv2d_0a_1x1 w0.09", "C 128 3x3 Conv2d_0b_3x3"],
        ["C 96 1x1 Conv2d_0a_1x1 w0.09", "C 128 3x3 Conv2d_0b_3x3", "C 128 3x3 Conv2d_0c_3x3"],
        ["A 3x3 AvgPool_0a_3x3", "C 128 1x1 Conv2d_0b_1x1 w0.1"],
    ]),
    ("Mixed_4d", [
        ["C 160 1x1 Conv2d_0a_1x1"],
        ["C 128 1x1 Conv2d_0a_1x1 w0.09", "C 160 3x3 Conv2d_0b_3x3"],
        ["C 128 1x1 Conv2d_0a_1x1 w0.09", "C 160 3x3 Conv2d_0b_3x3", "C 160 3x3 Conv2d_0c_3x3"],
        ["A 3x3 AvgPool_0a_3x3", "C 96 1x1 Conv2d_0b_1x1 w0.1"],
    ]),
    ("Mixed_4e", [
        ["C 96 1x1 Conv2d_0a_1x1"],
        ["C 128 1x1 Conv2d_0a_1x1 w0.09", "C 192 3x3 Conv2d_0b_3x3"],
        ["C 160 1x1 Conv2d_0a_1x1 w0.09", "C 192 3x3 Conv2d_0b_3x3", "C 192 3x3 Conv2d_0c_3x3"],
        ["A 3x3 AvgPool_0a_3x3", "C 96 1x1 Conv2d_0b_1x1 w0.1"],
    ]),
    ("Mixed_5a", [
        ["C 128 1x1 Conv2d_0a_1x1 w0.09", "C 192 3x3 Conv2d_1a_3x3 s2"],
        ["C 192 1x1 Conv2d_0a_1x1 w0.09", "C 256 3x3 Conv2d_0b_3x3", "C 256 3x3 Conv2d_1a_3x3 s2"],
        ["M 3x3 MaxPool_1a_3x3 s2"],
    ]),
    ("Mixed_5b", [
        ["C 352 1x1 Conv2d_0a_1x1"],
        ["C 192 1x1 Conv2d_0a_1x1 w0.09", "C 320 3x3 Conv2d_0b_3x3"],
        ["C 160 1x1 Conv2d_0a_1x1 w0.09", "C 224 3x3 Conv2d_0b_3x3", "C 224 3x3 Conv2d_0c_3x3"],
        ["A 3x3 AvgPool_0a_3x3", "C 128 1x1 Conv2d_0b_1x1 w0.1"],
    ]),
    ("Mixed_5c", [
        ["C 352 1x1 Conv2d_0a_1x1"],
        ["C 192 1x1 Conv2d_0a_1x1 w0.09", "C 320 3x3 Conv2d_0b_3x3"],
        ["C 192 1x1 Conv2d_0a_1x1 w0.09", "C 224 3x3 Conv2d_0b_3x3", "C 224 3x3 Conv2d_0c_3x3"],
        ["M 3x3 MaxPool_0a_3x3", "C 128 1x1 Conv2d_0b_1x1 w0.1"],
    ]),
]


def _depth_fn(depth_multiplier, min_depth):
    if depth_multiplier <= 0:
        raise ValueError("depth_multiplier is not greater than zero.")

    def depth(d):
        return max(int(d * depth_multiplier), min_depth)

    return depth


def inception_v2_base(inputs, final_endpoint="Mixed_5c", min_depth=16, depth_multiplier=1.0,
                      scope=None):
    """The network up to ``final_endpoint``; returns ``(net, end_points)``."""
    end_points = {}
    depth = _depth_fn(depth_multiplier, min_depth)
    with variable_scope(scope, "InceptionV2", [inputs]), \
            arg_scope([conv2d, max_pool2d, avg_pool2d], stride=1, padding="SAME"):
        net, done = build_stem_and_blocks(inputs, _TABLE, final_endpoint, depth, end_points)
        if done:
            return net, end_points
    raise ValueError(f"Unknown final endpoint {final_endpoint}")


def inception_v2(inputs, num_classes=1000, is_training=True, dropout_keep_prob=0.8,
                 min_depth=16, depth_multiplier=1.0, prediction_fn=softmax,
                 spatial_squeeze=True, reuse=None, scope="InceptionV2"):
    """Inception v2 for ``[batch, 224, 224, 3]`` images; returns ``(logits, end_points)``."""
    if depth_multiplier <= 0:
        raise ValueError("depth_multiplier is not greater than zero.")
    with variable_scope(scope, "InceptionV2", [inputs, num_classes], reuse=reuse) as sc, \
            arg_scope([batch_norm, dropout], is_training=is_training):
        net, end_points = inception_v2_base(inputs, scope=sc, min_depth=min_depth,
                                            depth_multiplier=depth_multiplier)
        with variable_scope("Logits"):
            kernel = reduced_kernel_size(net, [7, 7])
            net = avg_pool2d(net, kernel, padding="VALID",
                             scope="AvgPool_1a_{}x{}".format(*kernel))
            net = dropout(net, keep_prob=dropout_keep_prob, scope="Dropout_1b")
            logits = conv2d(net, num_classes, [1, 1], activation_fn=None, normalizer_fn=None,
                            scope="Conv2d_1c_1x1")
            if spatial_squeeze:
                logits = array_ops.squeeze(logits, [1, 2], name="SpatialSqueeze")
        end_points["Logits"] = logits
        end_points["Predictions"] = prediction_fn(logits, scope="Predictions")
    return logits, end_points


inception_v2.default_image_size = 224
inception_v2_arg_scope = inception_v1_arg_scope
