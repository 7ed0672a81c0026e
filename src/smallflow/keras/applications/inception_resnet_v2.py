"""``tf.keras.applications.inception_resnet_v2``: Inception-ResNet-v2 (Szegedy et al., 2016),
as TensorFlow 1.15's Keras builds it (each residual sum a ``Lambda`` layer named after its
block)."""

import functools

from .. import backend, layers
from . import imagenet_utils

_ORIGIN = "https://github.com/fchollet/deep-learning-models/releases/download/v0.7/"


def _axis():
    return 1 if backend.image_data_format() == "channels_first" else 3


def conv2d_bn(x, filters, kernel_size, strides=1, padding="same", activation="relu",
              use_bias=False, name=None):
    """Convolution; without a bias, batch normalization (no scale); then the activation."""
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding=padding,
                      use_bias=use_bias, name=name)(x)
    if not use_bias:
        x = layers.BatchNormalization(axis=_axis(), scale=False,
                                      name=None if name is None else name + "_bn")(x)
    if activation is not None:
        x = layers.Activation(activation, name=None if name is None else name + "_ac")(x)
    return x


def _scaled_sum(inputs, scale):
    return inputs[0] + inputs[1] * scale


def inception_resnet_block(x, scale, block_type, block_idx, activation="relu"):
    """One residual Inception block: its branches, concatenated, projected back to ``x``'s
    width by a 1x1 convolution, scaled and added to ``x``."""
    if block_type == "block35":
        branches = [conv2d_bn(x, 32, 1),
                    conv2d_bn(conv2d_bn(x, 32, 1), 32, 3),
                    conv2d_bn(conv2d_bn(conv2d_bn(x, 32, 1), 48, 3), 64, 3)]
    elif block_type == "block17":
        branches = [conv2d_bn(x, 192, 1),
                    conv2d_bn(conv2d_bn(conv2d_bn(x, 128, 1), 160, [1, 7]), 192, [7, 1])]
    elif block_type == "block8":
        branches = [conv2d_bn(x, 192, 1),
                    conv2d_bn(conv2d_bn(conv2d_bn(x, 192, 1), 224, [1, 3]), 256, [3, 1])]
    else:
        raise ValueError("Unknown Inception-ResNet block type. Expects \"block35\", "
                         f"\"block17\" or \"block8\", but got: {block_type}")
    name = f"{block_type}_{block_idx}"
    mixed = layers.Concatenate(axis=_axis(), name=name + "_mixed")(branches)
    width = backend.int_shape(x)[_axis()]
    up = conv2d_bn(mixed, width, 1, activation=None, use_bias=True, name=name + "_conv")
    x = layers.Lambda(_scaled_sum, output_shape=backend.int_shape(x)[1:],
                      arguments={"scale": scale}, name=name)([x, up])
    if activation is not None:
        x = layers.Activation(activation, name=name + "_ac")(x)
    return x


def InceptionResNetV2(include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
                      input_shape=None, pooling=None, classes=1000, **kwargs):
    """Inception-ResNet-v2 for 299x299 images (at least 75x75 without the classifier)."""
    imagenet_utils.check_weights(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=299, min_size=75, data_format=backend.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = imagenet_utils.model_input(input_tensor, input_shape)
    x = conv2d_bn(img_input, 32, 3, strides=2, padding="valid")
    x = conv2d_bn(x, 32, 3, padding="valid")
    x = conv2d_bn(x, 64, 3)
    x = layers.MaxPooling2D(3, strides=2)(x)
    x = conv2d_bn(x, 80, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, padding="valid")
    x = layers.MaxPooling2D(3, strides=2)(x)
    # mixed 5b: 35 x 35 x 320
    x = layers.Concatenate(axis=_axis(), name="mixed_5b")([
        conv2d_bn(x, 96, 1),
        conv2d_bn(conv2d_bn(x, 48, 1), 64, 5),
        conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1), 96, 3), 96, 3),
        conv2d_bn(layers.AveragePooling2D(3, strides=1, padding="same")(x), 64, 1)])
    for block_idx in range(1, 11):
        x = inception_resnet_block(x, scale=0.17, block_type="block35", block_idx=block_idx)
    # mixed 6a: 17 x 17 x 1088
    x = layers.Concatenate(axis=_axis(), name="mixed_6a")([
        conv2d_bn(x, 384, 3, strides=2, padding="valid"),
        conv2d_bn(conv2d_bn(conv2d_bn(x, 256, 1), 256, 3), 384, 3, strides=2, padding="valid"),
        layers.MaxPooling2D(3, strides=2, padding="valid")(x)])
    for block_idx in range(1, 21):
        x = inception_resnet_block(x, scale=0.1, block_type="block17", block_idx=block_idx)
    # mixed 7a: 8 x 8 x 2080
    x = layers.Concatenate(axis=_axis(), name="mixed_7a")([
        conv2d_bn(conv2d_bn(x, 256, 1), 384, 3, strides=2, padding="valid"),
        conv2d_bn(conv2d_bn(x, 256, 1), 288, 3, strides=2, padding="valid"),
        conv2d_bn(conv2d_bn(conv2d_bn(x, 256, 1), 288, 3), 320, 3, strides=2, padding="valid"),
        layers.MaxPooling2D(3, strides=2, padding="valid")(x)])
    for block_idx in range(1, 10):
        x = inception_resnet_block(x, scale=0.2, block_type="block8", block_idx=block_idx)
    x = inception_resnet_block(x, scale=1., activation=None, block_type="block8", block_idx=10)
    x = conv2d_bn(x, 1536, 1, name="conv_7b")
    return imagenet_utils.finish_model(x, img_input, input_tensor, include_top, pooling,
                                       classes, "inception_resnet_v2", weights,
                                       "inception_resnet_v2_weights_tf_dim_ordering_tf_kernels.h5",
                                       _ORIGIN)


preprocess_input = functools.partial(imagenet_utils.preprocess_input, mode="tf")
preprocess_input.__doc__ = "Keras's 'tf' preprocessing: pixels scaled to [-1, 1]."
decode_predictions = imagenet_utils.decode_predictions

__all__ = ["InceptionResNetV2", "decode_predictions", "preprocess_input"]
