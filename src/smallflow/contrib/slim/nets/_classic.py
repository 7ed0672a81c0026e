"""The plain convolutional stacks AlexNet, OverFeat and VGG share: convolutions and pools
named as TF-Slim names them, fully connected layers written as convolutions, end points
gathered from an outputs collection."""

from ....ops import array_ops
from ...layers import conv2d, dropout, max_pool2d, repeat
from ...layers_utils import convert_collection_to_dict

__all__ = ["classifier_head", "conv_tower"]


def conv_tower(net, layers):
    """Apply ``layers``: ``("conv", depth, kernel, scope, kwargs)``, ``("repeat", times, depth,
    kernel, scope)`` or ``("pool", kernel, scope, kwargs)``."""
    for layer in layers:
        kind = layer[0]
        if kind == "conv":
            _, depth, kernel, scope, kwargs = layer
            net = conv2d(net, depth, kernel, scope=scope, **kwargs)
        elif kind == "repeat":
            _, times, depth, kernel, scope = layer
            net = repeat(net, times, conv2d, depth, kernel, scope=scope)
        else:
            _, kernel, scope, kwargs = layer
            net = max_pool2d(net, kernel, scope=scope, **kwargs)
    return net


def classifier_head(net, sc, collection, fc6, fc7_depth, num_classes, is_training,
                    dropout_keep_prob, spatial_squeeze, fc8_kwargs=None):
    """``fc6`` (``(depth, kernel)``, VALID), dropout, ``fc7`` (1x1), dropout and the ``fc8``
    logits, all as convolutions; returns ``(logits, end_points)`` with ``<scope>/fc8`` the
    (squeezed) logits."""
    depth, kernel = fc6
    net = conv2d(net, depth, kernel, padding="VALID", scope="fc6")
    net = dropout(net, dropout_keep_prob, is_training=is_training, scope="dropout6")
    net = conv2d(net, fc7_depth, [1, 1], scope="fc7")
    net = dropout(net, dropout_keep_prob, is_training=is_training, scope="dropout7")
    net = conv2d(net, num_classes, [1, 1], activation_fn=None, normalizer_fn=None,
                 scope="fc8", **(fc8_kwargs or {}))
    end_points = convert_collection_to_dict(collection)
    if spatial_squeeze:
        net = array_ops.squeeze(net, [1, 2], name="fc8/squeezed")
        end_points[sc.name + "/fc8"] = net
    return net, end_points
