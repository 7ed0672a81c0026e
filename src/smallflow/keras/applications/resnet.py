"""``tf.keras.applications.resnet``: ResNet50, ResNet101, ResNet152 (He et al., 2015), and the
builder that ``resnet_v2`` shares (``build_resnet``)."""

import functools

from .. import backend, layers
from ..engine.training import Model
from . import imagenet_utils

_EPSILON = 1.001e-5


def _bn(name):
    axis = 3 if backend.image_data_format() == "channels_last" else 1
    return layers.BatchNormalization(axis=axis, epsilon=_EPSILON, name=name)


def build_resnet(stack, preact, use_bias, model_name, include_top, weights, input_tensor,
                 input_shape, pooling, classes, classifier_activation="softmax"):
    """The stem (7x7/2 convolution, 3x3/2 max pool), ``stack(x)``, and the head."""
    imagenet_utils.check_weights(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=224, min_size=32, data_format=backend.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = imagenet_utils.model_input(input_tensor, input_shape)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=use_bias, name="conv1_conv")(x)
    if not preact:
        x = _bn("conv1_bn")(x)
        x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    x = stack(x)
    if preact:
        x = _bn("post_bn")(x)
        x = layers.Activation("relu", name="post_relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        # TensorFlow 1.15 (keras_applications 1.0.8) names it "probs"; later Keras "predictions"
        x = layers.Dense(classes, activation=classifier_activation, name="probs")(x)
    else:
        x = _pool(x, pooling)
    model = Model(imagenet_utils.model_inputs(input_tensor, img_input), x, name=model_name)
    suffix = "" if include_top else "_notop"
    fname = f"{model_name}_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
    imagenet_utils.load_model_weights(model, weights, fname,
                                      imagenet_utils.WEIGHTS_ROOT + "resnet/" + fname)
    return model


def _pool(x, pooling):
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name="max_pool")(x)
    return x


def _bottleneck(x, filters, stride=1, conv_shortcut=True, name=None):
    """1x1 (stride), 3x3, 1x1 (4 x filters) convolutions plus the shortcut, then ReLU."""
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=name + "_0_conv")(x)
        shortcut = _bn(name + "_0_bn")(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=name + "_1_conv")(x)
    x = _bn(name + "_1_bn")(x)
    x = layers.Activation("relu", name=name + "_1_relu")(x)
    x = layers.Conv2D(filters, 3, padding="SAME", name=name + "_2_conv")(x)
    x = _bn(name + "_2_bn")(x)
    x = layers.Activation("relu", name=name + "_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=name + "_3_conv")(x)
    x = _bn(name + "_3_bn")(x)
    x = layers.Add(name=name + "_add")([shortcut, x])
    return layers.Activation("relu", name=name + "_out")(x)


def _stack(x, filters, blocks, stride1=2, name=None):
    x = _bottleneck(x, filters, stride=stride1, name=name + "_block1")
    for i in range(2, blocks + 1):
        x = _bottleneck(x, filters, conv_shortcut=False, name=f"{name}_block{i}")
    return x


def _stacks(counts):
    def stack(x):
        x = _stack(x, 64, counts[0], stride1=1, name="conv2")
        for stage, (filters, blocks) in enumerate(zip((128, 256, 512), counts[1:], strict=True),
                                                  start=3):
            x = _stack(x, filters, blocks, name=f"conv{stage}")
        return x

    return stack


def ResNet50(include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
             input_shape=None, pooling=None, classes=1000, **kwargs):
    """ResNet with 3, 4, 6, 3 bottleneck blocks."""
    return build_resnet(_stacks((3, 4, 6, 3)), False, True, "resnet50", include_top, weights,
                        input_tensor, input_shape, pooling, classes, **kwargs)


def ResNet101(include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
              input_shape=None, pooling=None, classes=1000, **kwargs):
    """ResNet with 3, 4, 23, 3 bottleneck blocks."""
    return build_resnet(_stacks((3, 4, 23, 3)), False, True, "resnet101", include_top,
                        weights, input_tensor, input_shape, pooling, classes, **kwargs)


def ResNet152(include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
              input_shape=None, pooling=None, classes=1000, **kwargs):
    """ResNet with 3, 8, 36, 3 bottleneck blocks."""
    return build_resnet(_stacks((3, 8, 36, 3)), False, True, "resnet152", include_top,
                        weights, input_tensor, input_shape, pooling, classes, **kwargs)


preprocess_input = functools.partial(imagenet_utils.preprocess_input, mode="caffe")
preprocess_input.__doc__ = "Keras's 'caffe' preprocessing: RGB to BGR, minus ImageNet's means."
decode_predictions = imagenet_utils.decode_predictions

__all__ = ["ResNet101", "ResNet152", "ResNet50", "decode_predictions", "preprocess_input"]
