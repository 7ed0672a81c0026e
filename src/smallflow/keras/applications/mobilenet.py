"""``tf.keras.applications.mobilenet``: MobileNet (Howard et al., 2017), with TensorFlow
1.15's layers (``conv1_pad`` before the first convolution; the classifier as
``reshape_1``, ``dropout``, the 1x1 ``conv_preds``, ``reshape_2`` and ``act_softmax``)."""

import functools
import warnings

from .. import backend, layers
from ..engine.training import Model
from . import imagenet_utils

_ORIGIN = "https://github.com/fchollet/deep-learning-models/releases/download/v0.6/"
_SIZES = (128, 160, 192, 224)


def _channel_axis():
    return 1 if backend.image_data_format() == "channels_first" else -1


def square_default_size(input_shape, sizes):
    """The default size: the given square size if the weights exist for it, else 224."""
    if input_shape is None:
        return 224
    rows, cols = ((input_shape[1], input_shape[2])
                  if backend.image_data_format() == "channels_first"
                  else (input_shape[0], input_shape[1]))
    return rows if rows == cols and rows in sizes else 224


def _conv_block(inputs, filters, alpha, kernel=(3, 3), strides=(1, 1)):
    filters = int(filters * alpha)
    x = layers.ZeroPadding2D(padding=((0, 1), (0, 1)), name="conv1_pad")(inputs)
    x = layers.Conv2D(filters, kernel, padding="valid", use_bias=False, strides=strides,
                      name="conv1")(x)
    x = layers.BatchNormalization(axis=_channel_axis(), name="conv1_bn")(x)
    return layers.ReLU(6., name="conv1_relu")(x)


def _depthwise_block(inputs, pointwise_filters, alpha, depth_multiplier=1, strides=(1, 1),
                     block_id=1):
    pointwise_filters = int(pointwise_filters * alpha)
    x = inputs
    if strides != (1, 1):
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(x)
    x = layers.DepthwiseConv2D((3, 3), padding="same" if strides == (1, 1) else "valid",
                               depth_multiplier=depth_multiplier, strides=strides,
                               use_bias=False, name=f"conv_dw_{block_id}")(x)
    x = layers.BatchNormalization(axis=_channel_axis(), name=f"conv_dw_{block_id}_bn")(x)
    x = layers.ReLU(6., name=f"conv_dw_{block_id}_relu")(x)
    x = layers.Conv2D(pointwise_filters, (1, 1), padding="same", use_bias=False,
                      strides=(1, 1), name=f"conv_pw_{block_id}")(x)
    x = layers.BatchNormalization(axis=_channel_axis(), name=f"conv_pw_{block_id}_bn")(x)
    return layers.ReLU(6., name=f"conv_pw_{block_id}_relu")(x)


def MobileNet(input_shape=None, alpha=1.0, depth_multiplier=1, dropout=1e-3,  # noqa: N802
              include_top=True, weights="imagenet", input_tensor=None, pooling=None,
              classes=1000, **kwargs):
    """Depthwise-separable convolutions, ``alpha`` scaling every layer's width."""
    imagenet_utils.check_weights(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=square_default_size(input_shape, _SIZES), min_size=32,
        data_format=backend.image_data_format(), require_flatten=include_top, weights=weights)
    first = backend.image_data_format() == "channels_first"
    rows, cols = (input_shape[1], input_shape[2]) if first else (input_shape[0], input_shape[1])
    if weights == "imagenet":
        if depth_multiplier != 1:
            raise ValueError("If imagenet weights are being loaded, depth multiplier must be 1")
        if alpha not in (0.25, 0.50, 0.75, 1.0):
            raise ValueError("If imagenet weights are being loaded, alpha can be one of"
                             "`0.25`, `0.50`, `0.75` or `1.0` only.")
        if rows != cols or rows not in _SIZES:
            rows = 224
            warnings.warn("`input_shape` is undefined or non-square, or `rows` is not in "
                          "[128, 160, 192, 224]. Weights for input shape (224, 224) will be "
                          "loaded as the default.", stacklevel=2)
    img_input = imagenet_utils.model_input(input_tensor, input_shape)
    x = _conv_block(img_input, 32, alpha, strides=(2, 2))
    plan = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + [(512, 1)] * 5 + [
        (1024, 2), (1024, 1)]
    for block_id, (filters, stride) in enumerate(plan, start=1):
        x = _depthwise_block(x, filters, alpha, depth_multiplier, strides=(stride, stride),
                             block_id=block_id)
    if include_top:
        width = int(1024 * alpha)
        shape = (width, 1, 1) if first else (1, 1, width)
        x = layers.GlobalAveragePooling2D()(x)
        x = layers.Reshape(shape, name="reshape_1")(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = layers.Reshape((classes,), name="reshape_2")(x)
        x = layers.Activation("softmax", name="act_softmax")(x)
    else:
        x = imagenet_utils.pooled(x, pooling)
    model = Model(imagenet_utils.model_inputs(input_tensor, img_input), x,
                  name=f"mobilenet_{alpha:0.2f}_{rows}")
    alpha_text = {1.0: "1_0", 0.75: "7_5", 0.50: "5_0", 0.25: "2_5"}.get(alpha)
    fname = f"mobilenet_{alpha_text}_{rows}_tf{'' if include_top else '_no_top'}.h5"
    imagenet_utils.load_model_weights(model, weights, fname, _ORIGIN + fname)
    return model


preprocess_input = functools.partial(imagenet_utils.preprocess_input, mode="tf")
preprocess_input.__doc__ = "Keras's 'tf' preprocessing: pixels scaled to [-1, 1]."
decode_predictions = imagenet_utils.decode_predictions

__all__ = ["MobileNet", "decode_predictions", "preprocess_input"]
