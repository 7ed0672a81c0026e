"""``slim.nets.vgg``: the VGG nets (Simonyan and Zisserman 2014) A (11 layers), D (16) and E
(19) as TF-Slim defines them: ``conv<k>/conv<k>_<i>`` blocks of 3x3 convolutions, 2x2 pools,
fully connected layers as convolutions."""

from .... import init_ops, nn
from ....variable_scope import variable_scope
from ...framework import arg_scope
from ...layers import conv2d, fully_connected, l2_regularizer, max_pool2d
from ._classic import classifier_head, conv_tower

__all__ = ["vgg_16", "vgg_19", "vgg_a", "vgg_arg_scope", "vgg_d", "vgg_e"]


def vgg_arg_scope(weight_decay=0.0005):
    """ReLU, zero biases, L2 weight decay, SAME convolutions."""
    with arg_scope([conv2d, fully_connected], activation_fn=nn.relu,
                   weights_regularizer=l2_regularizer(weight_decay),
                   biases_initializer=init_ops.zeros_initializer()), \
            arg_scope([conv2d], padding="SAME") as sc:
        return sc


def _tower(repeats):
    layers = []
    for block, (times, depth) in enumerate(zip(repeats, (64, 128, 256, 512, 512),
                                               strict=True), start=1):
        layers.append(("repeat", times, depth, [3, 3], f"conv{block}"))
        layers.append(("pool", [2, 2], f"pool{block}", {}))
    return layers


def _vgg(inputs, repeats, default_scope, num_classes, is_training, dropout_keep_prob,
         spatial_squeeze, scope, collected):
    with variable_scope(scope, default_scope, [inputs]) as sc:
        collection = sc.original_name_scope + "_end_points"
        with arg_scope(collected, outputs_collections=collection):
            net = conv_tower(inputs, _tower(repeats))
            return classifier_head(net, sc, collection, (4096, [7, 7]), 4096, num_classes,
                                   is_training, dropout_keep_prob, spatial_squeeze)


def vgg_a(inputs, num_classes=1000, is_training=True, dropout_keep_prob=0.5,
          spatial_squeeze=True, scope="vgg_a"):
    """VGG 11-layer model A on ``[batch, 224, 224, 3]``; returns ``(logits, end_points)``."""
    return _vgg(inputs, (1, 1, 2, 2, 2), "vgg_a", num_classes, is_training, dropout_keep_prob,
                spatial_squeeze, scope, [conv2d, max_pool2d])


vgg_a.default_image_size = 224


def vgg_16(inputs, num_classes=1000, is_training=True, dropout_keep_prob=0.5,
           spatial_squeeze=True, scope="vgg_16"):
    """VGG 16-layer model D on ``[batch, 224, 224, 3]``; returns ``(logits, end_points)``."""
    return _vgg(inputs, (2, 2, 3, 3, 3), "vgg_16", num_classes, is_training,
                dropout_keep_prob, spatial_squeeze, scope,
                [conv2d, fully_connected, max_pool2d])


vgg_16.default_image_size = 224


def vgg_19(inputs, num_classes=1000, is_training=True, dropout_keep_prob=0.5,
           spatial_squeeze=True, scope="vgg_19"):
    """VGG 19-layer model E on ``[batch, 224, 224, 3]``; returns ``(logits, end_points)``."""
    return _vgg(inputs, (2, 2, 4, 4, 4), "vgg_19", num_classes, is_training,
                dropout_keep_prob, spatial_squeeze, scope,
                [conv2d, fully_connected, max_pool2d])


vgg_19.default_image_size = 224

vgg_d = vgg_16
vgg_e = vgg_19
