"""``tf.keras.applications.xception``: Xception (Chollet, 2016)."""

import functools

from .. import backend, layers
from . import imagenet_utils

_ORIGIN = "https://github.com/fchollet/deep-learning-models/releases/download/v0.4/"


def _bn(name=None):
    axis = 1 if backend.image_data_format() == "channels_first" else -1
    return layers.BatchNormalization(axis=axis, name=name)


def _separable(x, filters, name):
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return _bn(name + "_bn")(x)


def _shortcut(x, filters):
    residual = layers.Conv2D(filters, (1, 1), strides=(2, 2), padding="same",
                             use_bias=False)(x)
    return _bn()(residual)


def _entry_block(x, filters, block, first_filters=None, activate_first=True):
    """Two separable convolutions, a strided max pool, plus a strided 1x1 shortcut."""
    residual = _shortcut(x, filters)
    if activate_first:
        x = layers.Activation("relu", name=f"block{block}_sepconv1_act")(x)
    x = _separable(x, first_filters or filters, f"block{block}_sepconv1")
    x = layers.Activation("relu", name=f"block{block}_sepconv2_act")(x)
    x = _separable(x, filters, f"block{block}_sepconv2")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"block{block}_pool")(x)
    return layers.Add()([x, residual])


def Xception(include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
             input_shape=None, pooling=None, classes=1000, **kwargs):
    """Xception for 299x299 images (at least 71x71 without the classifier)."""
    imagenet_utils.check_weights(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=299, min_size=71, data_format=backend.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = imagenet_utils.model_input(input_tensor, input_shape)
    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(img_input)
    x = _bn("block1_conv1_bn")(x)
    x = layers.Activation("relu", name="block1_conv1_act")(x)
    x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = _bn("block1_conv2_bn")(x)
    x = layers.Activation("relu", name="block1_conv2_act")(x)
    x = _entry_block(x, 128, 2, activate_first=False)
    x = _entry_block(x, 256, 3)
    x = _entry_block(x, 728, 4)
    for block in range(5, 13):  # the middle flow: eight residual blocks of three convs
        residual = x
        for conv in (1, 2, 3):
            x = layers.Activation("relu", name=f"block{block}_sepconv{conv}_act")(x)
            x = _separable(x, 728, f"block{block}_sepconv{conv}")
        x = layers.Add()([x, residual])
    x = _entry_block(x, 1024, 13, first_filters=728)
    x = _separable(x, 1536, "block14_sepconv1")
    x = layers.Activation("relu", name="block14_sepconv1_act")(x)
    x = _separable(x, 2048, "block14_sepconv2")
    x = layers.Activation("relu", name="block14_sepconv2_act")(x)
    return imagenet_utils.finish_model(x, img_input, input_tensor, include_top, pooling,
                                       classes, "xception", weights,
                                       "xception_weights_tf_dim_ordering_tf_kernels.h5", _ORIGIN)


preprocess_input = functools.partial(imagenet_utils.preprocess_input, mode="tf")
preprocess_input.__doc__ = "Keras's 'tf' preprocessing: pixels scaled to [-1, 1]."
decode_predictions = imagenet_utils.decode_predictions

__all__ = ["Xception", "decode_predictions", "preprocess_input"]
