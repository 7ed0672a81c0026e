"""``tf.keras.applications.inception_v3``: Inception-v3 (Szegedy et al., 2015)."""

import functools

from .. import backend, layers
from . import imagenet_utils

_ORIGIN = "https://github.com/fchollet/deep-learning-models/releases/download/v0.5/"


def _axis():
    return 1 if backend.image_data_format() == "channels_first" else 3


def conv2d_bn(x, filters, num_row, num_col, padding="same", strides=(1, 1), name=None):
    """Convolution (no bias), batch normalization without scale, ReLU."""
    x = layers.Conv2D(filters, (num_row, num_col), strides=strides, padding=padding,
                      use_bias=False, name=name + "_conv" if name else None)(x)
    x = layers.BatchNormalization(axis=_axis(), scale=False,
                                  name=name + "_bn" if name else None)(x)
    return layers.Activation("relu", name=name)(x)


def _average_branch(x, filters):
    pooled = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
    return conv2d_bn(pooled, filters, 1, 1)


def _concat(branches, name=None):
    return layers.Concatenate(axis=_axis(), name=name)(branches)


def _block_35(x, pool_filters, name):
    branch1x1 = conv2d_bn(x, 64, 1, 1)
    branch5x5 = conv2d_bn(conv2d_bn(x, 48, 1, 1), 64, 5, 5)
    branch3x3dbl = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3)
    return _concat([branch1x1, branch5x5, branch3x3dbl, _average_branch(x, pool_filters)],
                   name)


def _block_17(x, width, name):
    branch1x1 = conv2d_bn(x, 192, 1, 1)
    branch7x7 = conv2d_bn(x, width, 1, 1)
    branch7x7 = conv2d_bn(branch7x7, width, 1, 7)
    branch7x7 = conv2d_bn(branch7x7, 192, 7, 1)
    branch7x7dbl = conv2d_bn(x, width, 1, 1)
    branch7x7dbl = conv2d_bn(branch7x7dbl, width, 7, 1)
    branch7x7dbl = conv2d_bn(branch7x7dbl, width, 1, 7)
    branch7x7dbl = conv2d_bn(branch7x7dbl, width, 7, 1)
    branch7x7dbl = conv2d_bn(branch7x7dbl, 192, 1, 7)
    return _concat([branch1x1, branch7x7, branch7x7dbl, _average_branch(x, 192)], name)


def _block_8(x, index):
    branch1x1 = conv2d_bn(x, 320, 1, 1)
    branch3x3 = conv2d_bn(x, 384, 1, 1)
    branch3x3 = _concat([conv2d_bn(branch3x3, 384, 1, 3), conv2d_bn(branch3x3, 384, 3, 1)],
                        f"mixed9_{index}")
    branch3x3dbl = conv2d_bn(conv2d_bn(x, 448, 1, 1), 384, 3, 3)
    branch3x3dbl = _concat([conv2d_bn(branch3x3dbl, 384, 1, 3),
                            conv2d_bn(branch3x3dbl, 384, 3, 1)])
    return _concat([branch1x1, branch3x3, branch3x3dbl, _average_branch(x, 192)],
                   f"mixed{9 + index}")


def InceptionV3(include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
                input_shape=None, pooling=None, classes=1000, **kwargs):
    """Inception-v3 for 299x299 images (at least 75x75 without the classifier)."""
    imagenet_utils.check_weights(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=299, min_size=75, data_format=backend.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = imagenet_utils.model_input(input_tensor, input_shape)
    x = conv2d_bn(img_input, 32, 3, 3, strides=(2, 2), padding="valid")
    x = conv2d_bn(x, 32, 3, 3, padding="valid")
    x = conv2d_bn(x, 64, 3, 3)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv2d_bn(x, 80, 1, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, 3, padding="valid")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = _block_35(x, 32, "mixed0")
    x = _block_35(x, 64, "mixed1")
    x = _block_35(x, 64, "mixed2")
    # mixed 3: down to 17 x 17
    branch3x3 = conv2d_bn(x, 384, 3, 3, strides=(2, 2), padding="valid")
    branch3x3dbl = conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3)
    branch3x3dbl = conv2d_bn(branch3x3dbl, 96, 3, 3, strides=(2, 2), padding="valid")
    x = _concat([branch3x3, branch3x3dbl, layers.MaxPooling2D((3, 3), strides=(2, 2))(x)],
                "mixed3")
    x = _block_17(x, 128, "mixed4")
    x = _block_17(x, 160, "mixed5")
    x = _block_17(x, 160, "mixed6")
    x = _block_17(x, 192, "mixed7")
    # mixed 8: down to 8 x 8
    branch3x3 = conv2d_bn(conv2d_bn(x, 192, 1, 1), 320, 3, 3, strides=(2, 2), padding="valid")
    branch7x7x3 = conv2d_bn(x, 192, 1, 1)
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 1, 7)
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 7, 1)
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 3, 3, strides=(2, 2), padding="valid")
    x = _concat([branch3x3, branch7x7x3, layers.MaxPooling2D((3, 3), strides=(2, 2))(x)],
                "mixed8")
    x = _block_8(x, 0)
    x = _block_8(x, 1)
    return imagenet_utils.finish_model(x, img_input, input_tensor, include_top, pooling,
                                       classes, "inception_v3", weights,
                                       "inception_v3_weights_tf_dim_ordering_tf_kernels.h5",
                                       _ORIGIN)


preprocess_input = functools.partial(imagenet_utils.preprocess_input, mode="tf")
preprocess_input.__doc__ = "Keras's 'tf' preprocessing: pixels scaled to [-1, 1]."
decode_predictions = imagenet_utils.decode_predictions

__all__ = ["InceptionV3", "decode_predictions", "preprocess_input"]
