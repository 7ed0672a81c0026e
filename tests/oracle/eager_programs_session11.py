"""Eager programs of session 11: ``tf.function`` and AutoGraph while executing eagerly.

``python eager_programs_session11.py smallflow|tensorflow OUT.npz`` runs each program with
eager execution on (TensorFlow 2.21's ``compat.v1`` after ``tf.enable_eager_execution()``)
and records its values (``OUT.npz``) and texts (``OUT.npz.json``);
test_session11_eager_programs.py compares them. Only NumPy is imported at module level.
"""

import json
import os
import sys

import numpy as np


def square_if_positive(x):
    if x > 0:  # noqa: SIM108 - the statement form is what AutoGraph converts
        x = x * x
    else:
        x = 0.0
    return x


def collatz_steps(x):
    n = 0
    while x != 1:
        n += 1
        if x % 2 == 0:  # noqa: SIM108 - the statement form is what AutoGraph converts
            x = x // 2
        else:
            x = 3 * x + 1
    return n


def traced_if(tf, record, texts):
    traces = []

    def f(x):
        traces.append(str(x.shape))
        return square_if_positive(x)

    fn = tf.function(f)
    record["values"] = np.array([fn(tf.constant(3.0)).numpy(), fn(tf.constant(-2.0)).numpy(),
                                 fn(tf.constant(1.5)).numpy()])
    texts["traces"] = traces
    texts["type"] = type(fn(tf.constant(1.0))).__name__


def traced_while(tf, record, texts):
    fn = tf.function(collatz_steps, experimental_autograph_options=(
        tf.autograph.experimental.Feature.EQUALITY_OPERATORS,))
    record["steps"] = np.array([fn(tf.constant(v)).numpy() for v in (6, 7, 27)])


def training_step(tf, record, texts):
    w = tf.Variable([[0.5], [-0.25]])
    b = tf.Variable(0.1)
    opt = tf.train.MomentumOptimizer(0.05, 0.9)
    traces = []

    @tf.function
    def step(x, y):
        traces.append(1)
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
        grads = tape.gradient(loss, [w, b])
        opt.apply_gradients(zip(grads, [w, b]))
        return loss

    x = tf.constant([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])
    y = tf.constant([[1.0], [0.0], [2.0]])
    record["losses"] = np.array([step(x, y).numpy() for _ in range(5)])
    record["w"] = w.numpy()
    record["b"] = b.numpy()
    record["traces"] = np.array(len(traces))


def tape_outside(tf, record, texts):
    w = tf.Variable(2.0)

    @tf.function
    def f(a):
        return tf.sin(a) * w + a * a

    a = tf.constant(0.7)
    with tf.GradientTape() as tape:
        tape.watch(a)
        out = f(a)
    ga, gw = tape.gradient(out, [a, w])
    record["grads"] = np.array([out.numpy(), ga.numpy(), gw.numpy()])


def variables_first_call(tf, record, texts):
    class Dense:
        def __init__(self):
            self.w = None

        @tf.function
        def __call__(self, x):
            if self.w is None:
                self.w = tf.Variable(tf.ones([2, 3]) * 0.5)
            return tf.matmul(x, self.w)

    layer = Dense()
    record["first"] = layer(tf.constant([[1.0, 2.0]])).numpy()
    record["second"] = layer(tf.constant([[3.0, -1.0]])).numpy()


def retracing(tf, record, texts):
    traces = []

    @tf.function
    def g(x, scale):
        traces.append(scale)
        return x * scale

    g(tf.constant([1.0, 2.0]), 2.0)
    g(tf.constant([3.0, 4.0]), 2.0)
    g(tf.constant([1.0, 2.0]), 3.0)
    g(tf.constant([1.0, 2.0, 3.0]), 2.0)
    record["traces"] = np.array(len(traces))


def state_in_order(tf, record, texts):
    v = tf.Variable(0.0)

    @tf.function
    def seq(x):
        v.assign(x)
        v.assign_add(1.0)
        first = v.read_value()
        v.assign(first * 10.0)
        return first

    record["first"] = seq(tf.constant(4.0)).numpy()
    record["v"] = v.numpy()


def keras_in_function(tf, record, texts):
    model = tf.keras.Sequential([
        tf.keras.layers.Dense(5, activation="relu", input_shape=(4,)),
        tf.keras.layers.Dense(3)])
    model.set_weights([np.linspace(-0.6, 0.6, w.size).reshape(w.shape).astype(np.float32)
                       for w in model.get_weights()])
    opt = tf.train.AdamOptimizer(0.01)
    x = tf.constant(np.linspace(-1.0, 1.0, 32).reshape(8, 4).astype(np.float32))
    y = tf.constant(np.arange(8) % 3)

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            logits = model(x)
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
                labels=y, logits=logits))
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    record["losses"] = np.array([step(x, y).numpy() for _ in range(4)])
    record["kernel"] = model.get_weights()[0]


PROGRAMS = [keras_in_function, traced_if, traced_while, training_step, tape_outside,
            variables_first_call, retracing, state_in_order]


def _import(backend):
    if backend == "smallflow":
        import smallflow as tf
    else:
        os.environ["TF_USE_LEGACY_KERAS"] = "1"
        import tensorflow.compat.v1 as tf
    tf.enable_eager_execution()
    return tf


def main():
    backend, out = sys.argv[1], sys.argv[2]
    tf = _import(backend)
    record, texts = {}, {}
    for program in PROGRAMS:
        values, words = {}, {}
        program(tf, values, words)
        record.update({f"{program.__name__}/{k}": np.asarray(v) for k, v in values.items()})
        texts.update({f"{program.__name__}/{k}": v for k, v in words.items()})
    np.savez(out, **record)
    with open(out + ".json", "w") as file:
        json.dump(texts, file, indent=1)


if __name__ == "__main__":
    main()
