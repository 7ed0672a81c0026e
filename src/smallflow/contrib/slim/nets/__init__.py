"""``tf.contrib.slim.nets``: the network definitions TF-Slim ships (``alexnet``,
``inception`` v1-v3, ``overfeat``, ``resnet_utils``, ``resnet_v1``, ``resnet_v2``, ``vgg``),
with TensorFlow 1.15's variable names, end points and arg scopes."""

from . import (
    alexnet,
    inception,
    inception_v1,
    inception_v2,
    inception_v3,
    overfeat,
    resnet_utils,
    resnet_v1,
    resnet_v2,
    vgg,
)

__all__ = ["alexnet", "inception", "inception_v1", "inception_v2", "inception_v3", "overfeat",
           "resnet_utils", "resnet_v1", "resnet_v2", "vgg"]
