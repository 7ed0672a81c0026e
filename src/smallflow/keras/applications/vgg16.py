"""``tf.keras.applications.vgg16``: VGG16 (Simonyan and Zisserman, 2014)."""

import functools

from .. import backend, layers
from ..engine.training import Model
from . import imagenet_utils


def build_vgg(name, convs_per_block, include_top, weights, input_tensor, input_shape, pooling,
              classes, classifier_activation="softmax"):
    """Five blocks of 3x3 same-padded ReLU convolutions (64, 128, 256, 512, 512 filters),
    each closed by a 2x2 max pool; then the two 4096-unit layers and the classifier."""
    imagenet_utils.check_weights(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=224, min_size=32, data_format=backend.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = imagenet_utils.model_input(input_tensor, input_shape)
    x = img_input
    for block, (filters, count) in enumerate(zip((64, 128, 256, 512, 512), convs_per_block,
                                                 strict=True), start=1):
        for conv in range(1, count + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same",
                              name=f"block{block}_conv{conv}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = imagenet_utils.pooled(x, pooling)
    model = Model(imagenet_utils.model_inputs(input_tensor, img_input), x, name=name)
    suffix = "" if include_top else "_notop"
    fname = f"{name}_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
    imagenet_utils.load_model_weights(model, weights, fname,
                                      imagenet_utils.WEIGHTS_ROOT + f"{name}/" + fname)
    return model


def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,  # noqa: N802
          pooling=None, classes=1000, classifier_activation="softmax"):
    """The 16-layer VGG network; ``include_top=False`` ends at block5_pool (or its
    ``pooling``: 'avg' or 'max')."""
    return build_vgg("vgg16", (2, 2, 3, 3, 3), include_top, weights, input_tensor,
                     input_shape, pooling, classes, classifier_activation)


preprocess_input = functools.partial(imagenet_utils.preprocess_input, mode="caffe")
preprocess_input.__doc__ = "Keras's 'caffe' preprocessing: RGB to BGR, minus ImageNet's means."
decode_predictions = imagenet_utils.decode_predictions

__all__ = ["VGG16", "decode_predictions", "preprocess_input"]
