"""``slim.nets.overfeat``: OverFeat (Sermanet et al. 2013), the "fast" model as TF-Slim
defines it, fully connected layers as convolutions (``fc6`` 6x6 VALID on 231x231)."""

from .... import init_ops, nn
from ....variable_scope import variable_scope
from ...framework import arg_scope
from ...layers import conv2d, fully_connected, l2_regularizer, max_pool2d
from ._classic import classifier_head, conv_tower

__all__ = ["overfeat", "overfeat_arg_scope"]


def overfeat_arg_scope(weight_decay=0.0005):
    """ReLU, zero biases, L2 weight decay; SAME convolutions, VALID pools."""
    with arg_scope([conv2d, fully_connected], activation_fn=nn.relu,
                   weights_regularizer=l2_regularizer(weight_decay),
                   biases_initializer=init_ops.zeros_initializer()), \
            arg_scope([conv2d], padding="SAME"), \
            arg_scope([max_pool2d], padding="VALID") as sc:
        return sc


_TOWER = [
    ("conv", 64, [11, 11], "conv1", {"stride": 4, "padding": "VALID"}),
    ("pool", [2, 2], "pool1", {}),
    ("conv", 256, [5, 5], "conv2", {"padding": "VALID"}),
    ("pool", [2, 2], "pool2", {}),
    ("conv", 512, [3, 3], "conv3", {}),
    ("conv", 1024, [3, 3], "conv4", {}),
    ("conv", 1024, [3, 3], "conv5", {}),
    ("pool", [2, 2], "pool5", {}),
]


def overfeat(inputs, num_classes=1000, is_training=True, dropout_keep_prob=0.5,
             spatial_squeeze=True, scope="overfeat"):
    """OverFeat on ``[batch, 231, 231, 3]``; returns ``(logits, end_points)``."""
    with variable_scope(scope, "overfeat", [inputs]) as sc:
        collection = sc.original_name_scope + "_end_points"
        with arg_scope([conv2d, fully_connected, max_pool2d], outputs_collections=collection):
            net = conv_tower(inputs, _TOWER)
            with arg_scope([conv2d],
                           weights_initializer=init_ops.truncated_normal_initializer(0.0, 0.005),
                           biases_initializer=init_ops.constant_initializer(0.1)):
                return classifier_head(
                    net, sc, collection, (3072, [6, 6]), 4096, num_classes, is_training,
                    dropout_keep_prob, spatial_squeeze,
                    fc8_kwargs={"biases_initializer": init_ops.zeros_initializer()})


overfeat.default_image_size = 231
