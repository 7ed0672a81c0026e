"""``tf.keras.applications.resnet_v2``: ResNet50V2, ResNet101V2, ResNet152V2 (He et al.,
2016: batch normalization and ReLU before each convolution)."""

import functools

from .. import layers
from . import imagenet_utils
from .resnet import _bn, build_resnet


def _preactivated(x, filters, stride=1, conv_shortcut=False, name=None):
    """Pre-activation bottleneck: the 3x3 convolution carries the stride, the shortcut is a
    1x1 convolution (first block), a 1x1 strided max pool or the input itself."""
    preact = _bn(name + "_preact_bn")(x)
    preact = layers.Activation("relu", name=name + "_preact_relu")(preact)
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=name + "_0_conv")(preact)
    else:
        shortcut = layers.MaxPooling2D(1, strides=stride)(x) if stride > 1 else x
    x = layers.Conv2D(filters, 1, strides=1, use_bias=False, name=name + "_1_conv")(preact)
    x = _bn(name + "_1_bn")(x)
    x = layers.Activation("relu", name=name + "_1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name=name + "_2_pad")(x)
    x = layers.Conv2D(filters, 3, strides=stride, use_bias=False, name=name + "_2_conv")(x)
    x = _bn(name + "_2_bn")(x)
    x = layers.Activation("relu", name=name + "_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=name + "_3_conv")(x)
    return layers.Add(name=name + "_out")([shortcut, x])


def _stack(x, filters, blocks, stride1=2, name=None):
    # The stride is taken by the stage's last block.
    x = _preactivated(x, filters, conv_shortcut=True, name=name + "_block1")
    for i in range(2, blocks):
        x = _preactivated(x, filters, name=f"{name}_block{i}")
    return _preactivated(x, filters, stride=stride1, name=f"{name}_block{blocks}")


def _stacks(counts):
    def stack(x):
        x = _stack(x, 64, counts[0], name="conv2")
        x = _stack(x, 128, counts[1], name="conv3")
        x = _stack(x, 256, counts[2], name="conv4")
        return _stack(x, 512, counts[3], stride1=1, name="conv5")

    return stack


def ResNet50V2(include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
               input_shape=None, pooling=None, classes=1000, classifier_activation="softmax"):
    """Pre-activation ResNet with 3, 4, 6, 3 blocks."""
    return build_resnet(_stacks((3, 4, 6, 3)), True, True, "resnet50v2", include_top, weights,
                        input_tensor, input_shape, pooling, classes, classifier_activation)


def ResNet101V2(include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
                input_shape=None, pooling=None, classes=1000, classifier_activation="softmax"):
    """Pre-activation ResNet with 3, 4, 23, 3 blocks."""
    return build_resnet(_stacks((3, 4, 23, 3)), True, True, "resnet101v2", include_top,
                        weights, input_tensor, input_shape, pooling, classes,
                        classifier_activation)


def ResNet152V2(include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
                input_shape=None, pooling=None, classes=1000, classifier_activation="softmax"):
    """Pre-activation ResNet with 3, 8, 36, 3 blocks."""
    return build_resnet(_stacks((3, 8, 36, 3)), True, True, "resnet152v2", include_top,
                        weights, input_tensor, input_shape, pooling, classes,
                        classifier_activation)


preprocess_input = functools.partial(imagenet_utils.preprocess_input, mode="tf")
preprocess_input.__doc__ = "Keras's 'tf' preprocessing: pixels scaled to [-1, 1]."
decode_predictions = imagenet_utils.decode_predictions

__all__ = ["ResNet101V2", "ResNet152V2", "ResNet50V2", "decode_predictions",
           "preprocess_input"]
