"""Runs under TensorFlow (tf_keras) or smallflow: the ImageNet models of
``keras.applications`` with the same weights, on the same images.

``write tensorflow FOLDER``: each model built by tf_keras with ``weights=None``, its weights
saved to FOLDER/NAME.h5 and its predictions to FOLDER/tensorflow.npz.
``read smallflow FOLDER``: each model built by smallflow with ``weights=FOLDER/NAME.h5``,
its predictions to FOLDER/smallflow.npz.
"""

import sys

import numpy as np

MODELS = [  # name, keyword arguments, input size
    ("VGG16", {"include_top": False, "pooling": "avg"}, 32),
    ("VGG19", {"include_top": False}, 32),
    ("ResNet50", {"include_top": False, "pooling": "max"}, 32),
    ("ResNet50V2", {"include_top": False, "pooling": "avg"}, 32),
    ("MobileNet", {"include_top": False, "pooling": "avg", "alpha": 0.5}, 64),
    ("MobileNetV2", {"include_top": False, "alpha": 0.35, "pooling": "max"}, 64),
    ("DenseNet121", {"include_top": False, "pooling": "avg"}, 32),
    ("InceptionV3", {"include_top": False}, 75),
    ("Xception", {"include_top": False, "pooling": "avg"}, 71),
    ("InceptionResNetV2", {"include_top": False, "pooling": "avg"}, 75),
]


def images(size):
    return np.random.RandomState(size).uniform(0, 255, (2, size, size, 3)).astype("float32")


def main(action, backend, folder):
    if backend == "tensorflow":
        import tensorflow as tf
        import tf_keras as keras

        tf.random.set_seed(0)
    else:
        import smallflow as tf

        keras = tf.keras
    outputs = {}
    for name, kwargs, size in MODELS:
        build = getattr(keras.applications, name)
        shape = (size, size, 3)
        if action == "write":
            model = build(weights=None, input_shape=shape, **kwargs)
            model.save_weights(f"{folder}/{name}.h5")
        else:
            model = build(weights=f"{folder}/{name}.h5", input_shape=shape, **kwargs)
        module = {"VGG16": "vgg16", "VGG19": "vgg19", "ResNet50": "resnet50",
                  "ResNet50V2": "resnet_v2", "MobileNet": "mobilenet",
                  "MobileNetV2": "mobilenet_v2", "DenseNet121": "densenet",
                  "InceptionV3": "inception_v3", "Xception": "xception",
                  "InceptionResNetV2": "inception_resnet_v2"}[name]
        prepared = getattr(keras.applications, module).preprocess_input(images(size))
        outputs[name] = model.predict(prepared)
        outputs[name + "_params"] = np.array(model.count_params())
        if backend == "smallflow":
            keras.backend.clear_session()
    np.savez(f"{folder}/{backend}.npz", **outputs)


if __name__ == "__main__":
    main(*sys.argv[1:])
