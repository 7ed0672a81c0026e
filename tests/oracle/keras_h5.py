"""Keras HDF5 model files across engines: one writes, the other loads and predicts.

``python keras_h5.py write|read smallflow|tensorflow FOLDER``: ``write`` builds a Sequential
CNN and a functional text model with fixed weights, saves both with ``model.save`` and records
their predictions; ``read`` loads the other engine's files with ``load_model`` and records its
own predictions on the same inputs (``test_keras_h5.py`` compares them).
"""

import os
import sys

import numpy as np
from keras_programs import _fixed, _import


def _models(tf):
    layers = tf.keras.layers
    cnn = tf.keras.Sequential([
        layers.Conv2D(3, 3, padding="same", activation="relu", input_shape=(6, 6, 1)),
        layers.MaxPooling2D(),
        layers.BatchNormalization(),
        layers.Flatten(),
        layers.Dropout(0.2),
        layers.Dense(4, activation="softmax")])
    cnn.compile(tf.keras.optimizers.Adam(0.002), "sparse_categorical_crossentropy",
                metrics=["accuracy"])
    tokens = tf.keras.Input(shape=(5,))
    embedded = layers.Embedding(9, 4)(tokens)
    recurrent = layers.LSTM(3)(embedded)
    pooled = layers.GlobalAveragePooling1D()(embedded)
    joined = layers.concatenate([recurrent, pooled])
    text = tf.keras.Model(tokens, layers.Dense(1, activation="sigmoid")(joined))
    text.compile("sgd", "binary_crossentropy")
    return {"cnn": cnn, "text": text}


def _inputs():
    rng = np.random.default_rng(5)
    return {"cnn": rng.uniform(size=(3, 6, 6, 1)).astype(np.float32),
            "text": rng.integers(0, 9, size=(3, 5)).astype(np.float32)}


def main(action, backend, folder):
    tf = _import(backend)
    inputs = _inputs()
    results = {}
    if action == "write":
        for seed, (name, model) in enumerate(_models(tf).items()):
            _fixed(model, seed)
            model.save(os.path.join(folder, f"{name}.h5"))
            results[name] = model.predict(inputs[name])
    else:
        for name in ("cnn", "text"):
            model = tf.keras.models.load_model(os.path.join(folder, f"{name}.h5"))
            results[name] = model.predict(inputs[name])
            results[name + "_config"] = np.array([model.optimizer.get_config()[
                "learning_rate"] if name == "cnn" else 0.0], np.float32)
    np.savez(os.path.join(folder, f"{action}-{backend}.npz"), **results)


if __name__ == "__main__":
    main(*sys.argv[1:4])
