"""``slim.nets.inception_v1``: GoogLeNet (Szegedy et al. 2014), with TF-Slim's variable names
(``InceptionV1/Mixed_3b/Branch_1/Conv2d_0b_3x3/weights``) and end points."""

from .... import nn
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
    variance_scaling_initializer,
)
from ._inception_blocks import build_stem_and_blocks, trunc_normal

__all__ = ["inception_v1", "inception_v1_arg_scope", "inception_v1_base"]

# The stem, then the mixed blocks (see _inception_blocks for the notation).
_TABLE = [
    "C 64 7x7 Conv2d_1a_7x7 s2",
    "M 3x3 MaxPool_2a_3x3 s2",
    "C 64 1x1 Conv2d_2b_1x1",
    "C 192 3x3 Conv2d_2c_3x3",
    "M 3x3 MaxPool_3a_3x3 s2",
    ("Mixed_3b", [
        ["C 64 1x1 Conv2d_0a_1x1"],
        ["C 96 1x1 Conv2d_0a_1x1", "C 128 3x3 Conv2d_0b_3x3"],
        ["C 16 1x1 Conv2d_0a_1x1", "C 32 3x3 Conv2d_0b_3x3"],
        ["M 3x3 MaxPool_0a_3x3", "C 32 1x1 Conv2d_0b_1x1"],
    ]),
    ("Mixed_3c", [
        ["C 128 1x1 Conv2d_0a_1x1"],
        ["C 128 1x1 Conv2d_0a_1x1", "C 192 3x3 Conv2d_0b_3x3"],
        ["C 32 1x1 Conv2d_0a_1x1", "C 96 3x3 Conv2d_0b_3x3"],
        ["M 3x3 MaxPool_0a_3x3", "C 64 1x1 Conv2d_0b_1x1"],
    ]),
    "M 3x3 MaxPool_4a_3x3 s2",
    ("Mixed_4b", [
        ["C 192 1x1 Conv2d_0a_1x1"],
        ["C 96 1x1 Conv2d_0a_1x1", "C 208 3x3 Conv2d_0b_3x3"],
        ["C 16 1x1 Conv2d_0a_1x1", "C 48 3x3 Conv2d_0b_3x3"],
        ["M 3x3 MaxPool_0a_3x3", "C 64 1x1 Conv2d_0b_1x1"],
    ]),
    ("Mixed_4c", [
        ["C 160 1x1 Conv2d_0a_1x1"],
        ["C 112 1x1 Conv2d_0a_1x1", "C 224 3x3 Conv2d_0b_3x3"],
        ["C 24 1x1 Conv2d_0a_1x1", "C 64 3x3 Conv2d_0b_3x3"],
        ["M 3x3 MaxPool_0a_3x3", "C 64 1x1 Conv2d_0b_1x1"],
    ]),
    ("Mixed_4d", [
        ["C 128 1x1 Conv2d_0a_1x1"],
        ["C 128 1x1 Conv2d_0a_1x1", "C 256 3x3 Conv2d_0b_3x3"],
        ["C 24 1x1 Conv2d_0a_1x1", "C 64 3x3 Conv2d_0b_3x3"],
        ["M 3x3 MaxPool_0a_3x3", "C 64 1x1 Conv2d_0b_1x1"],
    ]),
    ("Mixed_4e", [
        ["C 112 1x1 Conv2d_0a_1x1"],
        ["C 144 1x1 Conv2d_0a_1x1", "C 288 3x3 Conv2d_0b_3x3"],
        ["C 32 1x1 Conv2d_0a_1x1", "C 64 3x3 Conv2d_0b_3x3"],
        ["M 3x3 MaxPool_0a_3x3", "C 64 1x1 Conv2d_0b_1x1"],
    ]),
    ("Mixed_4f", [
        ["C 256 1x1 Conv2d_0a_1x1"],
        ["C 160 1x1 Conv2d_0a_1x1", "C 320 3x3 Conv2d_0b_3x3"],
        ["C 32 1x1 Conv2d_0a_1x1", "C 128 3x3 Conv2d_0b_3x3"],
        ["M 3x3 MaxPool_0a_3x3", "C 128 1x1 Conv2d_0b_1x1"],
    ]),
    "M 2x2 MaxPool_5a_2x2 s2",
    ("Mixed_5b", [
        ["C 256 1x1 Conv2d_0a_1x1"],
        ["C 160 1x1 Conv2d_0a_1x1", "C 320 3x3 Conv2d_0b_3x3"],
        ["C 32 1x1 Conv2d_0a_1x1", "C 128 3x3 Conv2d_0a_3x3"],
        ["M 3x3 MaxPool_0a_3x3", "C 128 1x1 Conv2d_0b_1x1"],
    ]),
    ("Mixed_5c", [
        ["C 384 1x1 Conv2d_0a_1x1"],
        ["C 192 1x1 Conv2d_0a_1x1", "C 384 3x3 Conv2d_0b_3x3"],
        ["C 48 1x1 Conv2d_0a_1x1", "C 128 3x3 Conv2d_0b_3x3"],
        ["M 3x3 MaxPool_0a_3x3", "C 128 1x1 Conv2d_0b_1x1"],
    ]),
]


def inception_v1_base(inputs, final_endpoint="Mixed_5c", scope="InceptionV1"):
    """The network up to ``final_endpoint`` (one of the table's names); returns ``(net,
    end_points)``."""
    end_points = {}
    with variable_scope(scope, "InceptionV1", [inputs]), \
            arg_scope([conv2d, fully_connected], weights_initializer=trunc_normal(0.01)), \
            arg_scope([conv2d, max_pool2d], stride=1, padding="SAME"):
        net, done = build_stem_and_blocks(inputs, _TABLE, final_endpoint, int, end_points)
        if done:
            return net, end_points
    raise ValueError(f"Unknown final endpoint {final_endpoint}")


def inception_v1(inputs, num_classes=1000, is_training=True, dropout_keep_prob=0.8,
                 prediction_fn=softmax, spatial_squeeze=True, reuse=None, scope="InceptionV1"):
    """Inception v1 for ``[batch, 224, 224, 3]`` images; returns ``(logits, end_points)``."""
    with variable_scope(scope, "InceptionV1", [inputs, num_classes], reuse=reuse) as sc, \
            arg_scope([batch_norm, dropout], is_training=is_training):
        net, end_points = inception_v1_base(inputs, scope=sc)
        with variable_scope("Logits"):
            net = avg_pool2d(net, [7, 7], stride=1, scope="MaxPool_0a_7x7")
            net = dropout(net, dropout_keep_prob, scope="Dropout_0b")
            logits = conv2d(net, num_classes, [1, 1], activation_fn=None, normalizer_fn=None,
                            scope="Conv2d_0c_1x1")
            if spatial_squeeze:
                logits = array_ops.squeeze(logits, [1, 2], name="SpatialSqueeze")
            end_points["Logits"] = logits
            end_points["Predictions"] = prediction_fn(logits, scope="Predictions")
    return logits, end_points


inception_v1.default_image_size = 224


def inception_v1_arg_scope(weight_decay=0.00004, use_batch_norm=True,
                           batch_norm_var_collection="moving_vars"):
    """Defaults for Inception v1: L2 weight decay, variance-scaling weights, ReLU and batch
    norm (decay 0.9997, epsilon 0.001) after each convolution."""
    batch_norm_params = {
        "decay": 0.9997,
        "epsilon": 0.001,
        "updates_collections": GraphKeys.UPDATE_OPS,
        "variables_collections": {"beta": None, "gamma": None,
                                  "moving_mean": [batch_norm_var_collection],
                                  "moving_variance": [batch_norm_var_collection]},
    }
    normalizer_fn = batch_norm if use_batch_norm else None
    normalizer_params = batch_norm_params if use_batch_norm else {}
    with arg_scope([conv2d, fully_connected],
                   weights_regularizer=l2_regularizer(weight_decay)), \
            arg_scope([conv2d], weights_initializer=variance_scaling_initializer(),
                      activation_fn=nn.relu, normalizer_fn=normalizer_fn,
                      normalizer_params=normalizer_params) as sc:
        return sc
