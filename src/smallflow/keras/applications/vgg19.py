"""``tf.keras.applications.vgg19``: VGG19 (Simonyan and Zisserman, 2014)."""

from .vgg16 import build_vgg, decode_predictions, preprocess_input


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,  # noqa: N802
          pooling=None, classes=1000, classifier_activation="softmax"):
    """The 19-layer VGG network (four convolutions in blocks 3 to 5)."""
    return build_vgg("vgg19", (2, 2, 4, 4, 4), include_top, weights, input_tensor,
                     input_shape, pooling, classes, classifier_activation)


__all__ = ["VGG19", "decode_predictions", "preprocess_input"]
