"""Time one Adam update of the CNN's 3136x1024 weight: smallflow's train op vs plain NumPy.

Run: python benchmarks/bench_adam.py [--repeat N]. Prints the median time of each and their
ratio, measured in the same run. The NumPy baseline is the update written the obvious way
(one expression per line, new arrays, nothing in place).
"""

import argparse
import statistics
import time

import numpy as np

import smallflow as tf

SHAPE = (3136, 1024)


def numpy_adam(var, m, v, grad, t, lr=1e-4, beta1=0.9, beta2=0.999, epsilon=1e-8):
    lr_t = np.float32(lr * np.sqrt(1 - beta2**t) / (1 - beta1**t))
    m = m + (grad - m) * np.float32(1 - beta1)
    v = v + (grad * grad - v) * np.float32(1 - beta2)
    var = var - lr_t * m / (np.sqrt(v) + np.float32(epsilon))
    return var, m, v


def median_ms(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50, help="timed runs (default: 50)")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    start = rng.standard_normal(SHAPE, dtype=np.float32)
    grad_value = rng.standard_normal(SHAPE, dtype=np.float32)

    weight = tf.Variable(start)
    grad = tf.placeholder(tf.float32, SHAPE)
    train = tf.train.AdamOptimizer(1e-4).apply_gradients([(grad, weight)])
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    step = sess.make_callable(train, [grad])
    step(grad_value)

    state = [start, np.zeros(SHAPE, np.float32), np.zeros(SHAPE, np.float32), 1]

    def numpy_step():
        var, m, v, t = state
        state[:3] = numpy_adam(var, m, v, grad_value, t)
        state[3] = t + 1

    numpy_step()
    ours = median_ms(lambda: step(grad_value), args.repeat)
    baseline = median_ms(numpy_step, args.repeat)
    print(f"Adam update of a {SHAPE[0]}x{SHAPE[1]} float32 variable (median of {args.repeat})")
    print(f"  smallflow train op     {ours:7.2f} ms")
    print(f"  NumPy, written plainly {baseline:7.2f} ms")
    print(f"  ratio smallflow/NumPy  {ours / baseline:7.2f}")


if __name__ == "__main__":
    main()
