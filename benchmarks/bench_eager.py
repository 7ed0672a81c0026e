"""Eager execution's cost per op: a small training loop eagerly and as a graph.

Run: python benchmarks/bench_eager.py [--steps N] [--repeat R]. The model is CS20's
per-example Huber regression (04_linreg_eager.py): ``w * x + b``, a Huber loss, a
GradientTape (or tf.gradients), a gradient-descent update: about 25 small ops a step, so the
time is almost all per-op overhead, which is what this measures. The graph version runs the
same step as one ``Session.run`` fed the example, and the "function" version is the eager
step wrapped in ``tf.function`` (traced once, then run as one compiled plan). Also printed:
the time of one eager ``add`` of two scalars, of a tf.function doing one ``add``, and of one
``Session.run`` of an ``add``.
"""

import argparse
import statistics
import subprocess
import sys

CHILD = r"""
import sys, time
import numpy as np
import smallflow as tf
mode, steps = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(0)
xs = rng.uniform(0, 10, steps).astype(np.float32)
ys = (3 * xs + 2 + rng.normal(0, 1, steps)).astype(np.float32)


def huber(t, m=1.0):
    return tf.where(tf.abs(t) <= m, t * t, m * (2 * tf.abs(t) - m))


if mode == "function":
    # The eager step inside tf.function: traced once, then run as one compiled plan.
    tf.enable_eager_execution()
    w = tf.Variable(0.0)
    b = tf.Variable(0.0)
    opt = tf.train.GradientDescentOptimizer(0.001)

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = huber(y - (x * w + b))
        grads = tape.gradient(loss, [w, b])
        opt.apply_gradients(zip(grads, [w, b]))
        return loss

    start = time.perf_counter()
    for x, y in zip(xs, ys):
        step(tf.constant(x), tf.constant(y))
    loop = time.perf_counter() - start

    @tf.function
    def add(a, c):
        return a + c

    a, c = tf.constant(1.0), tf.constant(2.0)
    start = time.perf_counter()
    for _ in range(2000):
        add(a, c)
    one = (time.perf_counter() - start) / 2000
elif mode == "eager":
    tf.enable_eager_execution()
    w = tf.Variable(0.0)
    b = tf.Variable(0.0)
    opt = tf.train.GradientDescentOptimizer(0.001)
    start = time.perf_counter()
    for x, y in zip(xs, ys):
        with tf.GradientTape() as tape:
            loss = huber(y - (x * w + b))
        grads = tape.gradient(loss, [w, b])
        opt.apply_gradients(zip(grads, [w, b]))
    loop = time.perf_counter() - start
    a, c = tf.constant(1.0), tf.constant(2.0)
    start = time.perf_counter()
    for _ in range(2000):
        tf.add(a, c)
    one = (time.perf_counter() - start) / 2000
else:
    x_in = tf.placeholder(tf.float32, [])
    y_in = tf.placeholder(tf.float32, [])
    w = tf.Variable(0.0)
    b = tf.Variable(0.0)
    loss = huber(y_in - (x_in * w + b))
    train = tf.train.GradientDescentOptimizer(0.001).minimize(loss)
    add = tf.add(tf.constant(1.0), tf.constant(2.0))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        start = time.perf_counter()
        for x, y in zip(xs, ys):
            sess.run(train, {x_in: x, y_in: y})
        loop = time.perf_counter() - start
        start = time.perf_counter()
        for _ in range(2000):
            sess.run(add)
        one = (time.perf_counter() - start) / 2000
print(loop / steps * 1e6, one * 1e6, float(np.asarray(w.numpy() if mode != "graph" else 0)))
"""


def run(mode, steps):
    out = subprocess.run([sys.executable, "-c", CHILD, mode, str(steps)], capture_output=True,
                         text=True, check=True)
    step_us, op_us, _ = (float(v) for v in out.stdout.split())
    return step_us, op_us


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2000, help="training steps (2000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each mode (3)")
    args = parser.parse_args()
    results = {"eager": [], "function": [], "graph": []}
    for _ in range(args.repeat):  # alternate, so load changes hit both alike
        for mode in results:
            results[mode].append(run(mode, args.steps))
    eager_step = statistics.median(r[0] for r in results["eager"])
    graph_step = statistics.median(r[0] for r in results["graph"])
    function_step = statistics.median(r[0] for r in results["function"])
    eager_op = statistics.median(r[1] for r in results["eager"])
    graph_op = statistics.median(r[1] for r in results["graph"])
    function_op = statistics.median(r[1] for r in results["function"])
    print(f"training step: eager {eager_step:.0f} us, tf.function {function_step:.0f} us, "
          f"graph {graph_step:.0f} us; eager / tf.function {eager_step / function_step:.2f}, "
          f"tf.function / graph {function_step / graph_step:.2f}")
    print(f"one scalar add: eager {eager_op:.1f} us, tf.function {function_op:.1f} us, "
          f"Session.run {graph_op:.1f} us")


if __name__ == "__main__":
    main()
