"""``slim.nets.inception_v3``: Inception v3 (Szegedy et al. 2015), with TF-Slim's variable
names and end points, its auxiliary head on ``Mixed_6e`` and ``depth_multiplier``."""

from .... import init_ops, nn
from ....graph import GraphKeys
from ....ops import array_ops
from ....variable_scope import variable_scope
from ...framework import arg_scope
from ...layers import (
    avg_pool2d,
    batch_norm,
    conv2d,
    dropout,
    fully_connected,
    l2_regularizer,
    max_pool2d,
    softmax,
)
from ._inception_blocks import build_stem_and_blocks, reduced_kernel_size, trunc_normal
from .inception_v2 import _depth_fn

__all__ = ["inception_v3", "inception_v3_arg_scope", "inception_v3_base"]

# The stem (built with VALID padding unless a layer says SAME), then the mixed blocks.
_TABLE = [
    "C 32 3x3 Conv2d_1a_3x3 s2",
    "C 32 3x3 Conv2d_2a_3x3",
    "C 64 3x3 Conv2d_2b_3x3 SAME",
    "M 3x3 MaxPool_3a_3x3 s2",
    "C 80 1x1 Conv2d_3b_1x1",
    "C 192 3x3 Conv2d_4a_3x3",
    "M 3x3 MaxPool_5a_3x3 s2",
    ("Mixed_5b", [
        ["C 64 1x1 Conv2d_0a_1x1"],
        ["C 48 1x1 Conv2d_0a_1x1", "C 64 5x5 Conv2d_0b_5x5"],
        ["C 64 1x1 Conv2d_0a_1x1", "C 96 3x3 Conv2d_0b_3x3", "C 96 3x3 Conv2d_0c_3x3"],
        ["A 3x3 AvgPool_0a_3x3", "C 32 1x1 Conv2d_0b_1x1"],
    ]),
    ("Mixed_5c", [
        ["C 64 1x1 Conv2d_0a_1x1"],
        ["C 48 1x1 Conv2d_0b_1x1", "C 64 5x5 Conv_1_0c_5x5"],
        ["C 64 1x1 Conv2d_0a_1x1", "C 96 3x3 Conv2d_0b_3x3", "C 96 3x3 Conv2d_0c_3x3"],
        ["A 3x3 AvgPool_0a_3x3", "C 64 1x1 Conv2d_0b_1x1"],
    ]),
    ("Mixed_5d", [
        ["C 64 1x1 Conv2d_0a_1x1"],
        ["C 48 1x1 Conv2d_0a_1x1", "C 64 5x5 Conv2d_0b_5x5"],
        ["C 64 1x1 Conv2d_0a_1x1", "C 96 3x3 Conv2d_0b_3x3", "C 96 3x3 Conv2d_0c_3x3"],
        ["A 3x3 AvgPool_0a_3x3", "C 64 1x1 Conv2d_0b_1x1"],
    ]),
    ("Mixed_6a", [
        ["C 384 3x3 Conv2d_1a_1x1 s2 VALID"],
        ["C 64 1x1 Conv2d_0a_1x1", "C 96 3x3 Conv2d_0b_3x3", "C 96 3x3 Conv2d_1a_1x1 s2 VALID"],
        ["M 3x3 MaxPool_1a_3x3 s2 VALID"],
    ]),
    ("Mixed_6b", [
        ["C 192 1x1 Conv2d_0a_1x1"],
        ["C 128 1x1 Conv2d_0a_1x1", "C 128 1x7 Conv2d_0b_1x7", "C 192 7x1 Conv2d_0c_7x1"],
        [
            "C 128 1x1 Conv2d_0a_1x1",
            "C 128 7x1 Conv2d_0b_7x1",
            "C 128 1x7 Conv2d_0c_1x7",
            "C 128 7x1 Conv2d_0d_7x1",
            "C 192 1x7 Conv2d_0e_1x7",
        ],
        ["A 3x3 AvgPool_0a_3x3", "C 192 1x1 Conv2d_0b_1x1"],
    ]),
    ("Mixed_6c", [
        ["C 192 1x1 Conv2d_0a_1x1"],
        ["C 160 1x1 Conv2d_0a_1x1", "C 160 1x7 Conv2d_0b_1x7", "C 192 7x1 Conv2d_0c_7x1"],
        [
            "C 160 1x1 Conv2d_0a_1x1",
            "C 160 7x1 Conv2d_0b_7x1",
            "C 160 1x7 Conv2d_0c_1x7",
            "C 160 7x1 Conv2d_0d_7x1",
            "C 192 1x7 Conv2d_0e_1x7",
        ],
        ["A 3x3 AvgPool_0a_3x3", "C 192 1x1 Conv2d_0b_1x1"],
    ]),
    ("Mixed_6d", [
        ["C 192 1x1 Conv2d_0a_1x1"],
        ["C 160 1x1 Conv2d_0a_1x1", "C 160 1x7 Conv2d_0b_1x7", "C 192 7x1 Conv2d_0c_7x1"],
        [
            "C 160 1x1 Conv2d_0a_1x1",
            "C 160 7x1 Conv2d_0b_7x1",
            "C 160 1x7 Conv2d_0c_1x7",
            "C 160 7x1 Conv2d_0d_7x1",
            "C 192 1x7 Conv2d_0e_1x7",
        ],
        ["A 3x3 AvgPool_0a_3x3", "C 192 1x1 Conv2d_0b_1x1"],
    ]),
    ("Mixed_6e", [
        ["C 192 1x1 Conv2d_0a_1x1"],
        ["C 192 1x1 Conv2d_0a_1x1", "C 192 1x7 Conv2d_0b_1x7", "C 192 7x1 Conv2d_0c_7x1"],
        [
            "C 192 1x1 Conv2d_0a_1x1",
            "C 192 7x1 Conv2d_0b_7x1",
            "C 192 1x7 Conv2d_0c_1x7",
            "C 192 7x1 Conv2d_0d_7x1",
            "C 192 1x7 Conv2d_0e_1x7",
        ],
        ["A 3x3 AvgPool_0a_3x3", "C 192 1x1 Conv2d_0b_1x1"],
    ]),
    ("Mixed_7a", [
        ["C 192 1x1 Conv2d_0a_1x1", "C 320 3x3 Conv2d_1a_3x3 s2 VALID"],
        [
            "C 192 1x1 Conv2d_0a_1x1",
            "C 192 1x7 Conv2d_0b_1x7",
            "C 192 7x1 Conv2d_0c_7x1",
            "C 192 3x3 Conv2d_1a_3x3 s2 VALID",
        ],
        ["M 3x3 MaxPool_1a_3x3 s2 VALID"],
    ]),
    ("Mixed_7b", [
        ["C 320 1x1 Conv2d_0a_1x1"],
        ["C 384 1x1 Conv2d_0a_1x1", "C 384 1x3 Conv2d_0b_1x3 | C 384 3x1 Conv2d_0b_3x1"],
        [
            "C 448 1x1 Conv2d_0a_1x1",
            "C 384 3x3 Conv2d_0b_3x3",
            "C 384 1x3 Conv2d_0c_1x3 | C 384 3x1 Conv2d_0d_3x1",
        ],
        ["A 3x3 AvgPool_0a_3x3", "C 192 1x1 Conv2d_0b_1x1"],
    ]),
    ("Mixed_7c", [
        ["C 320 1x1 Conv2d_0a_1x1"],
        ["C 384 1x1 Conv2d_0a_1x1", "C 384 1x3 Conv2d_0b_1x3 | C 384 3x1 Conv2d_0c_3x1"],
        [
            "C 448 1x1 Conv2d_0a_1x1",
            "C 384 3x3 Conv2d_0b_3x3",
            "C 384 1x3 Conv2d_0c_1x3 | C 384 3x1 Conv2d_0d_3x1",
        ],
        ["A 3x3 AvgPool_0a_3x3", "C 192 1x1 Conv2d_0b_1x1"],
    ]),
]


def _valid_stem():
    return arg_scope([conv2d, max_pool2d, avg_pool2d], stride=1, padding="VALID")


def inception_v3_base(inputs, final_endpoint="Mixed_7c", min_depth=16, depth_multiplier=1.0,
                      scope=None):
    """The network up to ``final_endpoint``; returns ``(net, end_points)``."""
    end_points = {}
    depth = _depth_fn(depth_multiplier, min_depth)
    with variable_scope(scope, "InceptionV3", [inputs]), \
            arg_scope([conv2d, max_pool2d, avg_pool2d], stride=1, padding="SAME"):
        net, done = build_stem_and_blocks(inputs, _TABLE, final_endpoint, depth, end_points,
                                          stem_scope=_valid_stem)
        if done:
            return net, end_points
    raise ValueError(f"Unknown final endpoint {final_endpoint}")


def _aux_logits(end_points, num_classes, depth, spatial_squeeze):
    with arg_scope([conv2d, max_pool2d, avg_pool2d], stride=1, padding="SAME"), \
            variable_scope("AuxLogits"):
        aux = avg_pool2d(end_points["Mixed_6e"], [5, 5], stride=3, padding="VALID",
                         scope="AvgPool_1a_5x5")
        aux = conv2d(aux, depth(128), [1, 1], scope="Conv2d_1b_1x1")
        kernel = reduced_kernel_size(aux, [5, 5])
        aux = conv2d(aux, depth(768), kernel, weights_initializer=trunc_normal(0.01),
                     padding="VALID", scope="Conv2d_2a_{}x{}".format(*kernel))
        aux = conv2d(aux, num_classes, [1, 1], activation_fn=None, normalizer_fn=None,
                     weights_initializer=trunc_normal(0.001), scope="Conv2d_2b_1x1")
        if spatial_squeeze:
            aux = array_ops.squeeze(aux, [1, 2], name="SpatialSqueeze")
    return aux


def inception_v3(inputs, num_classes=1000, is_training=True, dropout_keep_prob=0.8,
                 min_depth=16, depth_multiplier=1.0, prediction_fn=softmax,
                 spatial_squeeze=True, reuse=None, scope="InceptionV3"):
    """Inception v3 for ``[batch, 299, 299, 3]`` images; returns ``(logits, end_points)``
    (``end_points['AuxLogits']`` the auxiliary head's logits)."""
    depth = _depth_fn(depth_multiplier, min_depth)
    with variable_scope(scope, "InceptionV3", [inputs, num_classes], reuse=reuse) as sc, \
            arg_scope([batch_norm, dropout], is_training=is_training):
        net, end_points = inception_v3_base(inputs, scope=sc, min_depth=min_depth,
                                            depth_multiplier=depth_multiplier)
        end_points["AuxLogits"] = _aux_logits(end_points, num_classes, depth, spatial_squeeze)
        with variable_scope("Logits"):
            kernel = reduced_kernel_size(net, [8, 8])
            net = avg_pool2d(net, kernel, padding="VALID",
                             scope="AvgPool_1a_{}x{}".format(*kernel))
            net = dropout(net, keep_prob=dropout_keep_prob, scope="Dropout_1b")
            end_points["PreLogits"] = net
            logits = conv2d(net, num_classes, [1, 1], activation_fn=None, normalizer_fn=None,
                            scope="Conv2d_1c_1x1")
            if spatial_squeeze:
                logits = array_ops.squeeze(logits, [1, 2], name="SpatialSqueeze")
        end_points["Logits"] = logits
        end_points["Predictions"] = prediction_fn(logits, scope="Predictions")
    return logits, end_points


inception_v3.default_image_size = 299


def inception_v3_arg_scope(weight_decay=0.00004, stddev=0.1,
                           batch_norm_var_collection="moving_vars"):
    """Defaults for Inception v3: L2 weight decay, truncated-normal weights of ``stddev``,
    ReLU and batch norm (decay 0.9997, epsilon 0.001) after each convolution."""
    batch_norm_params = {
        "decay": 0.9997,
        "epsilon": 0.001,
        "updates_collections": GraphKeys.UPDATE_OPS,
        "variables_collections": {"beta": None, "gamma": None,
                                  "moving_mean": [batch_norm_var_collection],
                                  "moving_variance": [batch_norm_var_collection]},
    }
    with arg_scope([conv2d, fully_connected],
                   weights_regularizer=l2_regularizer(weight_decay)), \
            arg_scope([conv2d],
                      weights_initializer=init_ops.truncated_normal_initializer(stddev=stddev),
                      activation_fn=nn.relu, normalizer_fn=batch_norm,
                      normalizer_params=batch_norm_params) as sc:
        return sc
