"""``tf.keras.applications`` across engines.

``python keras_applications_layers.py tensorflow|smallflow FOLDER``: builds each case's model with
``weights=None`` and records its layer names, layer types and parameter count. For the cases
that predict, TensorFlow (tf_keras) gives the model fixed weights, saves them with
``save_weights`` to ``FOLDER/<case>.h5`` and predicts; smallflow builds the same model with
``weights=FOLDER/<case>.h5`` (Keras's file, loaded by topology) and predicts on the same
images (``test_keras_applications_layers.py`` compares them).
"""

import json
import os
import sys
import time

import numpy as np
from keras_programs import _import

# (case, constructor, keyword arguments, predicts?)
CASES = [
    ("vgg16", "VGG16", {"input_shape": (32, 32, 3), "classes": 3}, True),
    ("vgg19", "VGG19", {"include_top": False, "input_shape": (40, 48, 3), "pooling": "max"},
     True),
    ("resnet50", "ResNet50", {"input_shape": (32, 32, 3), "classes": 6}, True),
    ("resnet101", "ResNet101", {"include_top": False}, False),
    ("resnet50v2", "ResNet50V2", {"include_top": False, "input_shape": (32, 32, 3),
                                  "pooling": "avg"}, True),
    ("resnet152v2", "ResNet152V2", {"include_top": False}, False),
    ("inception_v3", "InceptionV3", {"input_shape": (75, 75, 3), "classes": 5}, True),
    ("mobilenet", "MobileNet", {"input_shape": (32, 32, 3), "alpha": 0.5,
                                "depth_multiplier": 2, "classes": 7}, True),
    ("mobilenet_notop", "MobileNet", {"include_top": False, "alpha": 0.75}, False),
    ("mobilenet_v2", "MobileNetV2", {"input_shape": (35, 35, 3), "alpha": 0.35,
                                     "classes": 5}, True),
    ("mobilenet_v2_wide", "MobileNetV2", {"include_top": False, "alpha": 1.4}, False),
    ("densenet121", "DenseNet121", {"include_top": False, "input_shape": (32, 32, 3)},
     True),
    ("densenet169", "DenseNet169", {}, False),
    ("xception", "Xception", {"input_shape": (71, 71, 3), "classes": 4}, True),
    ("inception_resnet_v2", "InceptionResNetV2", {"input_shape": (75, 75, 3), "classes": 3},
     True),
]


def _images(shape, seed):
    return np.random.default_rng(seed).uniform(-1, 1, size=(2, *shape)).astype(np.float32)


def _weights(model, seed):
    """Fixed weights that keep activations near unit scale through deep stacks: kernels of
    variance 1/fan-in, vectors (biases, batch-norm scale, offset, mean, variance) in
    [0.5, 1.5]."""
    rng = np.random.default_rng(seed)
    values = []
    for weight in model.get_weights():
        if weight.ndim == 1:
            values.append(rng.uniform(0.5, 1.5, size=weight.shape))
        else:
            fan_in = int(np.prod(weight.shape[:-1]))
            bound = np.sqrt(3.0 / fan_in)
            values.append(rng.uniform(-bound, bound, size=weight.shape))
    return [value.astype(np.float32) for value in values]


def main(backend, folder):
    tf = _import(backend)
    applications = tf.keras.applications
    record = {}
    for seed, (case, constructor, kwargs, predicts) in enumerate(CASES):
        started = time.perf_counter()
        tf.keras.backend.clear_session()
        path = os.path.join(folder, case + ".h5")
        weights = path if backend == "smallflow" and predicts else None
        model = getattr(applications, constructor)(weights=weights, **kwargs)
        record[case] = {"names": [layer.name for layer in model.layers],
                        "types": [type(layer).__name__ for layer in model.layers],
                        "params": int(model.count_params()),
                        "output_shape": list(model.output_shape)}
        if predicts:
            if backend == "tensorflow":
                model.set_weights(_weights(model, seed))
                model.save_weights(path)
            images = _images(model.input_shape[1:], seed)
            np.save(os.path.join(folder, f"{case}-{backend}.npy"), model.predict(images))
        print(f"{case}: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    with open(os.path.join(folder, f"{backend}.json"), "w") as file:
        json.dump(record, file)


if __name__ == "__main__":
    main(*sys.argv[1:3])
