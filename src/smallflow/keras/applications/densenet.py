"""``tf.keras.applications.densenet``: DenseNet121, DenseNet169, DenseNet201 (Huang et al.,
2016), with TensorFlow 1.15's layer names (the classifier is ``fc1000``)."""

import functools

from .. import backend, layers
from ..engine.training import Model
from . import imagenet_utils

_ORIGIN = "https://github.com/keras-team/keras-applications/releases/download/densenet/"
_EPSILON = 1.001e-5
_NAMED = {(6, 12, 24, 16): "densenet121", (6, 12, 32, 32): "densenet169",
          (6, 12, 48, 32): "densenet201"}


def _axis():
    return 3 if backend.image_data_format() == "channels_last" else 1


def _conv_block(x, growth_rate, name):
    """BN-ReLU-1x1 conv (4 x growth) - BN-ReLU-3x3 conv (growth), concatenated to ``x``."""
    y = layers.BatchNormalization(axis=_axis(), epsilon=_EPSILON, name=name + "_0_bn")(x)
    y = layers.Activation("relu", name=name + "_0_relu")(y)
    y = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=name + "_1_conv")(y)
    y = layers.BatchNormalization(axis=_axis(), epsilon=_EPSILON, name=name + "_1_bn")(y)
    y = layers.Activation("relu", name=name + "_1_relu")(y)
    y = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=name + "_2_conv")(y)
    return layers.Concatenate(axis=_axis(), name=name + "_concat")([x, y])


def _transition(x, reduction, name):
    x = layers.BatchNormalization(axis=_axis(), epsilon=_EPSILON, name=name + "_bn")(x)
    x = layers.Activation("relu", name=name + "_relu")(x)
    channels = backend.int_shape(x)[_axis()]
    x = layers.Conv2D(int(channels * reduction), 1, use_bias=False, name=name + "_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=name + "_pool")(x)


def DenseNet(blocks, include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
             input_shape=None, pooling=None, classes=1000, **kwargs):
    """A DenseNet with ``blocks`` conv blocks in each of its four dense blocks."""
    imagenet_utils.check_weights(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=224, min_size=32, data_format=backend.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = imagenet_utils.model_input(input_tensor, input_shape)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1/conv")(x)
    x = layers.BatchNormalization(axis=_axis(), epsilon=_EPSILON, name="conv1/bn")(x)
    x = layers.Activation("relu", name="conv1/relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    for stage, count in enumerate(blocks, start=2):
        for block in range(1, count + 1):
            x = _conv_block(x, 32, name=f"conv{stage}_block{block}")
        if stage < 5:
            x = _transition(x, 0.5, name=f"pool{stage}")
    x = layers.BatchNormalization(axis=_axis(), epsilon=_EPSILON, name="bn")(x)
    x = layers.Activation("relu", name="relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dense(classes, activation="softmax", name="fc1000")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D(name="max_pool")(x)
    name = _NAMED.get(tuple(blocks), "densenet")
    model = Model(imagenet_utils.model_inputs(input_tensor, img_input), x, name=name)
    if weights == "imagenet" and name == "densenet":
        raise ValueError("ImageNet weights exist only for DenseNet121, DenseNet169 and "
                         "DenseNet201")
    fname = f"{name}_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
    imagenet_utils.load_model_weights(model, weights, fname, _ORIGIN + fname)
    return model


def DenseNet121(include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
                input_shape=None, pooling=None, classes=1000, **kwargs):
    return DenseNet([6, 12, 24, 16], include_top, weights, input_tensor, input_shape, pooling,
                    classes, **kwargs)


def DenseNet169(include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
                input_shape=None, pooling=None, classes=1000, **kwargs):
    return DenseNet([6, 12, 32, 32], include_top, weights, input_tensor, input_shape, pooling,
                    classes, **kwargs)


def DenseNet201(include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
                input_shape=None, pooling=None, classes=1000, **kwargs):
    return DenseNet([6, 12, 48, 32], include_top, weights, input_tensor, input_shape, pooling,
                    classes, **kwargs)


preprocess_input = functools.partial(imagenet_utils.preprocess_input, mode="torch")
preprocess_input.__doc__ = ("Keras's 'torch' preprocessing: pixels scaled to [0, 1], then "
                            "standardized with ImageNet's per-channel means and deviations.")
decode_predictions = imagenet_utils.decode_predictions

__all__ = ["DenseNet121", "DenseNet169", "DenseNet201", "decode_predictions",
           "preprocess_input"]
