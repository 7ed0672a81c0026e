"""Oracle cases of session 10 (eager execution).

``SESSION10_EAGER_CASES``: graph-mode cases (a GradientTape used while building a graph).

``EAGER_PROGRAMS``: small programs run with eager execution on, by smallflow and by
TensorFlow (``tensorflow.compat.v1`` with ``tf.enable_eager_execution()``):
``python cases_session10_eager.py smallflow|tensorflow OUT.npz`` records each program's
values (``OUT.npz``) and texts (``OUT.npz.json``); test_eager_programs.py compares them. Only
NumPy is imported at module level, as in cases.py.
"""

import json
import os
import sys

import numpy as np

try:
    from cases import Case
except ImportError:  # run as a script by test_eager_programs.py: no graph cases needed
    Case = None


# -- graph mode: a tape while building a graph ----------------------------------------------------


def _tape_in_graph(tf, np):
    # Tensors only: TensorFlow's tape cannot watch graph mode's reference variables.
    x = tf.constant(np.array([0.5, -1.5, 2.0], np.float32))
    w = tf.constant(np.array([1.0, 2.0, 3.0], np.float32))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, w])
        y = tf.reduce_sum(tf.tanh(x) * w * w)
    gx, gw = tape.gradient(y, [x, w])
    return {"gx": gx, "gw": gw}


SESSION10_EAGER_CASES = [] if Case is None else [
    Case("session10/tape_in_graph", _tape_in_graph, rtol=1e-5),
]


# -- eager programs ----------------------------------------------------------------------------


def tensors(tf, record, texts):
    a = tf.constant([[2.0, 1.0], [1.0, 0.0]])
    b = np.array([[3.0, 0.0], [5.0, 1.0]], dtype=np.float32)
    texts["str"] = [str(a), str(a + b), str(tf.matmul(a, b)), str(tf.constant(3)),
                    str(tf.constant("hello")), str(tf.reduce_sum([1, 2, 3])),
                    str(tf.encode_base64("hello world")), str(a[0][1]), str(a.shape),
                    # str.format and % as programs use them (EagerTensor.__format__, int())
                    repr(a.dtype), "{:.3f}".format(tf.reduce_mean(a)),  # noqa: UP032
                    "%i" % tf.constant(5)]  # noqa: UP031
    texts["iteration"] = [str(row) for row in a]
    record["numpy"] = (a * 3 - 1).numpy()
    record["int_float"] = np.array([int(tf.constant(7)), float(tf.constant(2.5))])
    errors = []
    for bad in (lambda: tf.add(tf.constant([1.0, 2.0]), tf.constant([1.0, 2.0, 3.0])),
                lambda: tf.matmul([[1.0, 2.0]], [[1.0, 2.0]]),
                lambda: tf.reshape(tf.constant([1.0, 2.0]), [3]),
                lambda: len(tf.constant(1.0))):
        try:
            bad()
            errors.append("no error")
        except Exception as err:  # noqa: BLE001 - the class is what is compared
            errors.append(type(err).__name__)
    texts["errors"] = errors


def variables(tf, record, texts):
    v = tf.Variable([1.0, 2.0])
    record["assign_add"] = v.assign_add([1.0, 1.0]).numpy()
    v.assign_sub([0.5, 0.5])
    record["after"] = v.numpy()
    record["sum"] = tf.reduce_sum(v * v).numpy()
    names = [v.name, tf.Variable(3.0).name]
    with tf.variable_scope("foo"):
        names.append(tf.get_variable("v", [1]).name)
        names.append(tf.Variable(1.0, name="w").name)
    with tf.name_scope("ns"):
        names.append(tf.Variable(1.0).name)
    texts["names"] = names
    texts["repr"] = repr(tf.Variable([1.5, 2.5], name="r"))
    texts["collections"] = [len(tf.trainable_variables()), len(tf.global_variables())]
    step = tf.train.get_or_create_global_step()
    texts["global_step"] = [step.name, step is tf.train.get_or_create_global_step()]


def tapes(tf, record, texts):
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    record["dy"] = tape.gradient(y, x).numpy()
    record["dz"] = np.array([g.numpy() for g in tape.gradient(z, [x, y])])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.sin(x) * x * x
        first = inner.gradient(y, x)
    record["second"] = np.array([first.numpy(), outer.gradient(first, x).numpy()])
    w = tf.Variable(np.array([[1.0, -2.0], [0.5, 3.0]], np.float32))
    b = tf.Variable(np.array([0.1, -0.1], np.float32))
    frozen = tf.Variable(2.0, trainable=False)
    inputs = tf.constant(np.array([[1.0, 2.0], [-1.0, 0.5], [0.3, 0.3]], np.float32))
    with tf.GradientTape() as tape:
        logits = tf.matmul(inputs, w) + b
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.constant([0, 1, 1]), logits=logits)) * frozen
    grads = tape.gradient(loss, {"w": w, "b": b, "frozen": frozen})
    record["grad_w"] = grads["w"].numpy()
    record["grad_b"] = grads["b"].numpy()
    texts["frozen_grad"] = str(grads["frozen"])
    with tf.GradientTape() as tape:
        tape.watch(x)
        with tape.stop_recording():
            unrecorded = x * 2
        recorded = x * 5 + unrecorded
    record["stop"] = tape.gradient(recorded, x).numpy()


def random_numbers(tf, record, texts):
    tf.set_random_seed(1234)
    record["normal"] = tf.random_normal([4]).numpy()
    record["uniform"] = tf.random_uniform([3]).numpy()
    record["truncated"] = tf.truncated_normal([2, 2]).numpy()
    record["op_seed_1"] = tf.random_uniform([2], seed=7).numpy()
    record["op_seed_2"] = tf.random_uniform([2], seed=7).numpy()


def optimizers(tf, record, texts):
    for name, make in [("sgd", lambda: tf.train.GradientDescentOptimizer(0.1)),
                       ("momentum", lambda: tf.train.MomentumOptimizer(0.1, 0.9)),
                       ("adam", lambda: tf.train.AdamOptimizer(0.1)),
                       ("rmsprop", lambda: tf.train.RMSPropOptimizer(0.05))]:
        v = tf.Variable(np.array([1.0, -2.0, 0.5], np.float32), name=name)
        optimizer = make()
        step = tf.Variable(0, dtype=tf.int64, trainable=False)

        def loss(v=v):
            return tf.reduce_sum(v * v * v + tf.sin(v))

        for _ in range(4):
            optimizer.minimize(loss, global_step=step)
        record[name] = v.numpy()
        record[name + "_step"] = step.numpy()


def datasets(tf, record, texts):
    ds = tf.data.Dataset.from_tensor_slices((np.arange(6.0), np.arange(6)))
    ds = ds.map(lambda a, b: (a * 2.0, b + 1)).batch(4)
    texts["batches"] = [str(a) + " " + str(b) for a, b in ds]
    it = tf.data.Dataset.range(3).make_one_shot_iterator()
    texts["one_shot"] = [str(it.get_next()), str(next(it))]


def keras_models(tf, record, texts):
    init = tf.constant_initializer
    dense = tf.keras.layers.Dense(3, activation="relu",
                                  kernel_initializer=init(np.linspace(-1, 1, 12).reshape(4, 3)),
                                  bias_initializer=init(0.1))
    x = tf.constant(np.linspace(-1, 1, 8).reshape(2, 4).astype(np.float32))
    record["dense"] = dense(x).numpy()
    texts["dense_names"] = [v.name for v in dense.variables]
    model = tf.keras.Sequential([tf.keras.layers.Dense(5, activation="tanh", input_shape=(4,)),
                                 tf.keras.layers.Dense(2)])
    texts["sequential"] = [len(model.variables), [v.name for v in model.variables]]
    model.set_weights([np.full(w.shape, 0.1 * (i + 1), np.float32)
                       for i, w in enumerate(model.get_weights())])
    optimizer = tf.train.AdamOptimizer(0.05)
    y = tf.constant(np.array([[1.0, 0.0], [0.0, 1.0]], np.float32))
    losses = []
    for _ in range(5):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x) - y))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        losses.append(loss.numpy())
    record["fit_losses"] = np.array(losses)
    record["fit_kernel"] = model.trainable_variables[0].numpy()
    inputs = tf.keras.Input(shape=(4,))
    functional = tf.keras.Model(inputs, tf.keras.layers.Dense(
        2, kernel_initializer=init(0.3), bias_initializer=init(-0.1))(inputs))
    texts["functional"] = [functional.output_shape, [v.name for v in functional.variables]]
    record["functional"] = functional(x).numpy()
    regularized = tf.keras.layers.Dense(1, kernel_initializer=init(0.5),
                                        kernel_regularizer=tf.keras.regularizers.l2(0.1))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(regularized(x)) + tf.add_n(regularized.losses)
    record["regularized_grad"] = tape.gradient(loss, regularized.kernel).numpy()
    layer = tf.layers.Dense(2, kernel_initializer=tf.ones_initializer())
    record["tf_layers"] = layer(x).numpy()
    texts["tf_layers_names"] = [v.name for v in layer.variables]


def keras_fit(tf, record, texts):
    """compile/fit/evaluate/predict while executing eagerly (fixed weights, no shuffling)."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(40, 4)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(np.int64)
    model = tf.keras.Sequential([tf.keras.layers.Dense(6, activation="relu", input_shape=(4,)),
                                 tf.keras.layers.Dense(2, activation="softmax")])
    model.set_weights([np.linspace(-0.5, 0.5, w.size).reshape(w.shape).astype(np.float32)
                       for w in model.get_weights()])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=3, batch_size=8, verbose=0, shuffle=False,
                        validation_data=(x[:8], y[:8]))
    # TF 1.x names the accuracy "acc" (as smallflow); TensorFlow 2's Keras "accuracy".
    for key in sorted(history.history):
        record["history_" + key.replace("accuracy", "acc")] = np.array(history.history[key])
    record["evaluate"] = np.array(model.evaluate(x, y, verbose=0))
    record["predict"] = model.predict(x[:5])
    record["train_on_batch"] = np.array(model.train_on_batch(x[:8], y[:8]))
    regression = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(4,))])
    regression.set_weights([np.full((4, 1), 0.2, np.float32), np.zeros(1, np.float32)])
    regression.compile(optimizer=tf.train.GradientDescentOptimizer(0.05), loss="mse")
    fitted = regression.fit(x, x.sum(1), epochs=2, batch_size=10, verbose=0, shuffle=False)
    record["mse_history"] = np.array(fitted.history["loss"])
    record["mse_kernel"] = regression.get_weights()[0]


def control_flow(tf, record, texts):
    x = tf.constant(2.0)
    record["cond"] = tf.cond(x > 1, lambda: x * x, lambda: x).numpy()
    record["while"] = tf.while_loop(lambda i, s: i < 5, lambda i, s: (i + 1, s * 2.0),
                                    [tf.constant(0), tf.constant(1.0)])[1].numpy()


def linear_regression(tf, record, texts):
    """aymericdamien's linear_regression_eager_api.py with fixed starting values."""
    train_x = np.array([3.3, 4.4, 5.5, 6.71, 6.93, 4.168, 9.779, 6.182, 7.59, 2.167, 7.042,
                        10.791, 5.313, 7.997, 5.654, 9.27, 3.1], np.float32)
    train_y = np.array([1.7, 2.76, 2.09, 3.19, 1.694, 1.573, 3.366, 2.596, 2.53, 1.221, 2.827,
                        3.465, 1.65, 2.904, 2.42, 2.94, 1.3], np.float32)
    weight = tf.Variable(-0.3)
    bias = tf.Variable(0.4)

    def mean_square_fn(inputs, labels):
        return tf.reduce_sum(tf.pow(inputs * weight + bias - labels, 2)) / (2 * len(train_x))

    optimizer = tf.train.GradientDescentOptimizer(learning_rate=0.01)
    losses = []
    for _ in range(50):
        with tf.GradientTape() as tape:
            loss = mean_square_fn(train_x, train_y)
        grads = tape.gradient(loss, [weight, bias])
        optimizer.apply_gradients(zip(grads, [weight, bias]))
        losses.append(loss.numpy())
    record["losses"] = np.array(losses)
    record["final"] = np.array([weight.numpy(), bias.numpy()])


EAGER_PROGRAMS = [tensors, variables, tapes, random_numbers, optimizers, datasets,
                  keras_models, keras_fit, control_flow, linear_regression]


def _import(backend):
    if backend == "smallflow":
        import smallflow as tf
    else:
        os.environ["TF_USE_LEGACY_KERAS"] = "1"  # tf.compat.v1's Keras is tf_keras
        import tensorflow.compat.v1 as tf
    tf.enable_eager_execution()
    return tf


def _jsonable(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def main():
    backend, out = sys.argv[1], sys.argv[2]
    tf = _import(backend)
    record, texts = {}, {}
    for program in EAGER_PROGRAMS:
        values, words = {}, {}
        program(tf, values, words)
        record.update({f"{program.__name__}/{k}": np.asarray(v) for k, v in values.items()})
        texts.update({f"{program.__name__}/{k}": _jsonable(v) for k, v in words.items()})
    np.savez(out, **record)
    with open(out + ".json", "w") as file:
        json.dump(texts, file, indent=1)


if __name__ == "__main__":
    main()
