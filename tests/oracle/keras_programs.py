"""Small tf.keras programs with fixed weights, run by smallflow and by TensorFlow (graph mode).

``python keras_programs.py smallflow|tensorflow OUT.npz`` runs every program in a fresh graph
and saves each recorded value (outputs, losses, weights after training steps, history
entries); ``test_keras_programs.py`` compares the two files. Weights are set with
``set_weights`` so no random numbers are compared; shuffling is off.
"""

import json
import os
import sys

import numpy as np


def _import(backend):
    if backend == "smallflow":
        import smallflow as tf

        return tf
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # tf.compat.v1's Keras is the legacy tf_keras
    import tensorflow.compat.v1 as tf

    tf.disable_v2_behavior()
    return tf


def _fixed(model, seed=0):
    """Deterministic weights of the model's shapes."""
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(-0.5, 0.5, size=w.shape).astype(np.float32)
                       for w in model.get_weights()])


def _inputs(shape, seed=1):
    return np.random.default_rng(seed).uniform(-1, 1, size=shape).astype(np.float32)


def dense_forward(tf, record):
    model = tf.keras.Sequential([tf.keras.layers.Dense(5, activation="relu", input_shape=(4,)),
                                 tf.keras.layers.Dense(3, activation="softmax")])
    _fixed(model)
    record["predict"] = model.predict(_inputs((6, 4)))
    record["names"] = [w.name for w in model.weights]


def conv_forward(tf, record):
    layers = tf.keras.layers
    model = tf.keras.Sequential([
        layers.Conv2D(3, 3, strides=2, padding="same", activation="relu",
                      input_shape=(7, 7, 2)),
        layers.MaxPooling2D(),
        layers.Conv2D(2, (2, 2)),
        layers.Flatten(),
        layers.Dense(4, activation="softmax")])
    _fixed(model)
    record["predict"] = model.predict(_inputs((3, 7, 7, 2)))
    record["shapes"] = [list(layer.output_shape[1:]) for layer in model.layers]


def _small_classifier(tf, optimizer, metrics=("accuracy",)):
    model = tf.keras.Sequential([tf.keras.layers.Dense(6, activation="tanh", input_shape=(4,)),
                                 tf.keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                  metrics=list(metrics))
    _fixed(model)
    labels = np.array([0, 1, 2, 1, 0, 2, 2, 1])
    return model, _inputs((8, 4)), labels


def sgd_train_step(tf, record):
    model, x, y = _small_classifier(tf, tf.keras.optimizers.SGD(0.5))
    record["step"] = np.array(model.train_on_batch(x, y))
    record["weights"] = np.concatenate([w.ravel() for w in model.get_weights()])


def adam_fit(tf, record):
    model, x, y = _small_classifier(tf, "adam")
    history = model.fit(x, y, batch_size=3, epochs=2, shuffle=False, verbose=0,
                        validation_data=(x[:4], y[:4]))
    record["history_keys"] = sorted(history.history)
    for key in ("loss", "val_loss"):
        record["history_" + key] = np.array(history.history[key])
    record["weights"] = np.concatenate([w.ravel() for w in model.get_weights()])
    record["evaluate"] = np.array(model.evaluate(x, y, verbose=0))


def momentum_mse_fit(tf, record):
    model = tf.keras.Sequential([tf.keras.layers.Dense(2, input_shape=(3,))])
    model.compile(tf.keras.optimizers.SGD(0.1, momentum=0.9), "mse", metrics=["mae"])
    _fixed(model)
    x = _inputs((10, 3))
    history = model.fit(x, x[:, :2] * 2.0, batch_size=4, epochs=3, shuffle=False, verbose=0)
    record["loss"] = np.array(history.history["loss"])
    record["mae"] = np.array(history.history["mean_absolute_error"])
    record["weights"] = np.concatenate([w.ravel() for w in model.get_weights()])


def batch_norm_fit(tf, record):
    model = tf.keras.Sequential([tf.keras.layers.BatchNormalization(input_shape=(3,)),
                                 tf.keras.layers.Dense(1)])
    model.compile(tf.keras.optimizers.SGD(0.1), "mse")
    model.layers[1].set_weights([np.array([[0.5], [-0.25], [0.125]], np.float32),
                                 np.array([0.1], np.float32)])
    record["names"] = [w.name for w in model.weights]
    x = _inputs((8, 3)) * 3 + 1
    model.fit(x, x.sum(1), batch_size=8, epochs=2, shuffle=False, verbose=0)
    record["weights"] = np.concatenate([w.ravel() for w in model.get_weights()])
    record["predict"] = model.predict(x)


def functional_merge(tf, record):
    layers = tf.keras.layers
    a = tf.keras.Input(shape=(3,))
    b = tf.keras.Input(shape=(2,))
    joined = layers.concatenate([layers.Dense(4, activation="relu")(a), b])
    out = layers.Dense(1, activation="sigmoid")(joined)
    model = tf.keras.Model([a, b], out)
    model.compile("sgd", "binary_crossentropy", metrics=["accuracy"])
    _fixed(model)
    x = [_inputs((6, 3)), _inputs((6, 2), seed=2)]
    y = np.array([0, 1, 1, 0, 1, 0])
    record["predict"] = model.predict(x)
    record["evaluate"] = np.array(model.evaluate(x, y, verbose=0))


def recurrent_forward(tf, record):
    layers = tf.keras.layers
    tokens = tf.keras.Input(shape=(5,))
    embedded = layers.Embedding(7, 4)(tokens)
    lstm_all = layers.LSTM(3, return_sequences=True)(embedded)
    gru_last = layers.GRU(2)(lstm_all)
    simple = layers.SimpleRNN(2, go_backwards=True)(embedded)
    model = tf.keras.Model(tokens, layers.concatenate([gru_last, simple]))
    _fixed(model)
    ids = np.random.default_rng(3).integers(0, 7, size=(4, 5)).astype(np.float32)
    record["predict"] = model.predict(ids)
    record["names"] = [w.name for w in model.weights]


def lstm_fit(tf, record):
    model = tf.keras.Sequential([tf.keras.layers.LSTM(3, input_shape=(4, 2)),
                                 tf.keras.layers.Dense(1)])
    model.compile(tf.keras.optimizers.SGD(0.1), "mse")
    _fixed(model)
    x = _inputs((6, 4, 2))
    model.fit(x, x.sum((1, 2)), batch_size=3, epochs=1, shuffle=False, verbose=0)
    record["weights"] = np.concatenate([w.ravel() for w in model.get_weights()])


def wrappers_forward(tf, record):
    layers = tf.keras.layers
    model = tf.keras.Sequential([
        layers.Bidirectional(layers.LSTM(3, return_sequences=True), input_shape=(4, 2)),
        layers.TimeDistributed(layers.Dense(2)),
        layers.LeakyReLU(0.2),
        layers.Bidirectional(layers.GRU(2), merge_mode="sum"),
        layers.PReLU()])
    _fixed(model)
    record["predict"] = model.predict(_inputs((3, 4, 2)))
    record["names"] = [w.name for w in model.weights]


def counting_metrics(tf, record):
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, activation="sigmoid",
                                                       input_shape=(3,))])
    model.compile("sgd", "binary_crossentropy",
                  metrics=["accuracy", tf.keras.metrics.Precision(), tf.keras.metrics.Recall(),
                           tf.keras.metrics.AUC(), tf.keras.metrics.FalseNegatives()])
    model.set_weights([np.array([[1.0], [0.5], [-0.7]], np.float32),
                       np.array([0.1], np.float32)])
    x = _inputs((40, 3))
    y = (x[:, 0] + x[:, 1] > 0).astype(np.float32)
    record["evaluate"] = np.array(model.evaluate(x, y, batch_size=7, verbose=0))
    record["names"] = list(model.metrics_names)


def two_outputs(tf, record):
    layers = tf.keras.layers
    inputs = tf.keras.Input(shape=(3,))
    hidden = layers.Dense(4, activation="tanh")(inputs)
    classes = layers.Dense(2, activation="softmax", name="cls")(hidden)
    value = layers.Dense(1, name="reg")(hidden)
    model = tf.keras.Model(inputs, [classes, value])
    model.compile(tf.keras.optimizers.SGD(0.1),
                  loss={"cls": "sparse_categorical_crossentropy", "reg": "mse"},
                  loss_weights={"cls": 1.0, "reg": 0.5}, metrics={"cls": "accuracy"})
    _fixed(model)
    x = _inputs((9, 3))
    targets = {"cls": (x[:, 0] > 0).astype(np.float32), "reg": x[:, 1:2] * 2}
    history = model.fit(x, targets, batch_size=4, epochs=2, shuffle=False, verbose=0)
    record["names"] = list(model.metrics_names)
    for key in model.metrics_names:
        record["history_" + key] = np.array(history.history[key])
    record["weights"] = np.concatenate([w.ravel() for w in model.get_weights()])


def masked_sequences(tf, record):
    layers = tf.keras.layers
    tokens = tf.keras.Input(shape=(6,))
    embedded = layers.Embedding(8, 3, mask_zero=True)(tokens)
    lstm = layers.LSTM(2, return_sequences=True)(embedded)
    gru = layers.GRU(2, go_backwards=True)(layers.Dropout(0.3)(lstm))
    pooled = layers.GlobalAveragePooling1D()(layers.Dense(2)(embedded))
    model = tf.keras.Model(tokens, layers.concatenate([gru, pooled]))
    _fixed(model)
    ids = np.array([[3, 5, 1, 0, 0, 0], [2, 2, 2, 2, 7, 1], [4, 0, 0, 0, 0, 0]], np.float32)
    record["predict"] = model.predict(ids)
    record["layers"] = [layer.name for layer in model.layers]  # TF's order: by depth


PROGRAMS = [masked_sequences, two_outputs, counting_metrics, wrappers_forward,
            recurrent_forward, lstm_fit, dense_forward, conv_forward, sgd_train_step, adam_fit,
            momentum_mse_fit, batch_norm_fit, functional_merge]


def main(backend, out):
    tf = _import(backend)
    values = {}
    texts = {}
    for program in PROGRAMS:
        tf.reset_default_graph()
        tf.keras.backend.clear_session()
        record = {}
        with tf.Graph().as_default():
            program(tf, record)
        for key, value in record.items():
            name = f"{program.__name__}/{key}"
            if isinstance(value, np.ndarray):
                values[name] = value
            else:
                texts[name] = value
    np.savez(out, **values)
    with open(out + ".json", "w") as file:
        json.dump(texts, file)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
