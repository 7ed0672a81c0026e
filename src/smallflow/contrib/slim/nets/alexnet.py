"""``slim.nets.alexnet``: AlexNet v2 ("One weird trick", Krizhevsky 2014) as TF-Slim defines
it: no LRN, fully connected layers as convolutions (``fc6`` 5x5 VALID on a 224x224 input)."""

from .... import init_ops, nn
from ....variable_scope import variable_scope
from ...framework import arg_scope
from ...layers import conv2d, fully_connected, l2_regularizer, max_pool2d
from ._classic import classifier_head, conv_tower

__all__ = ["alexnet_v2", "alexnet_v2_arg_scope"]


def _trunc_normal(stddev):
    return init_ops.truncated_normal_initializer(0.0, stddev)


def alexnet_v2_arg_scope(weight_decay=0.0005):
    """ReLU, biases starting at 0.1, L2 weight decay; SAME convolutions, VALID pools."""
    with arg_scope([conv2d, fully_connected], activation_fn=nn.relu,
                   biases_initializer=init_ops.constant_initializer(0.1),
                   weights_regularizer=l2_regularizer(weight_decay)), \
            arg_scope([conv2d], padding="SAME"), \
            arg_scope([max_pool2d], padding="VALID") as sc:
        return sc


_TOWER = [
    ("conv", 64, [11, 11], "conv1", {"stride": 4, "padding": "VALID"}),
    ("pool", [3, 3], "pool1", {"stride": 2}),
    ("conv", 192, [5, 5], "conv2", {}),
    ("pool", [3, 3], "pool2", {"stride": 2}),
    ("conv", 384, [3, 3], "conv3", {}),
    ("conv", 384, [3, 3], "conv4", {}),
    ("conv", 256, [3, 3], "conv5", {}),
    ("pool", [3, 3], "pool5", {"stride": 2}),
]


def alexnet_v2(inputs, num_classes=1000, is_training=True, dropout_keep_prob=0.5,
               spatial_squeeze=True, scope="alexnet_v2"):
    """AlexNet v2 on ``[batch, 224, 224, 3]``; returns ``(logits, end_points)``."""
    with variable_scope(scope, "alexnet_v2", [inputs]) as sc:
        collection = sc.original_name_scope + "_end_points"
        with arg_scope([conv2d, fully_connected, max_pool2d], outputs_collections=[collection]):
            net = conv_tower(inputs, _TOWER)
            with arg_scope([conv2d], weights_initializer=_trunc_normal(0.005),
                           biases_initializer=init_ops.constant_initializer(0.1)):
                return classifier_head(
                    net, sc, collection, (4096, [5, 5]), 4096, num_classes, is_training,
                    dropout_keep_prob, spatial_squeeze,
                    fc8_kwargs={"biases_initializer": init_ops.zeros_initializer()})


alexnet_v2.default_image_size = 224
