"""Time one training step of the MNIST row LSTM: dynamic_rnn and static_rnn vs NumPy by hand.

The network is the one ``smallflow train --model rnn`` builds: each image is 28 rows of 28
pixels fed to a BasicLSTMCell of 128 units, its last output goes through a dense layer to
10 logits, softmax cross entropy, one plain gradient-descent step (batch 128). smallflow
runs it twice through Session.run: with ``tf.nn.dynamic_rnn`` (a while loop, gradient by
WhileGrad) and with ``tf.nn.static_rnn`` (28 copies of the cell). The baseline is the same
arithmetic written by hand in NumPy: the forward pass keeping each step's gates, the
backward pass through time, the update. All three run alternately in one process, after a
check that they compute the same loss and the same new weights.

Targets (issue 10): dynamic_rnn <= 2x and static_rnn <= 1.3x the hand-written step.

Run: python benchmarks/bench_rnn.py [--repeats N] [--blas-threads N]
"""

import argparse
import os
import statistics
import sys
import time

BATCH = 128
ROWS = 28
UNITS = 128
LEARNING_RATE = 0.1
TARGETS = {"dynamic_rnn": 2.0, "static_rnn": 1.3}


def _parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20,
                        help="timed runs of each contender (default: 20)")
    parser.add_argument("--blas-threads", type=int, default=None,
                        help="BLAS threads (default: the environment's setting)")
    return parser.parse_args(argv)


ARGS = _parse(sys.argv[1:]) if __name__ == "__main__" else None
if ARGS is not None and ARGS.blas_threads is not None:
    for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[_name] = str(ARGS.blas_threads)

import numpy as np  # noqa: E402 - after the thread settings above

import smallflow as tf  # noqa: E402

F32 = np.float32


# --- the hand-written baseline -----------------------------------------------------------------


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


class HandLSTM:
    """The LSTM, dense layer, loss, backward pass through time and SGD update in NumPy."""

    def __init__(self, params):
        self.kernel, self.bias, self.weights, self.biases = (p.copy() for p in params)

    def step(self, images, labels):
        x = images.reshape(-1, ROWS, 28)
        n = x.shape[0]
        h = np.zeros((n, UNITS), F32)
        c = np.zeros((n, UNITS), F32)
        cache = []
        for t in range(ROWS):
            joined = np.concatenate([x[:, t], h], 1)
            gates = joined @ self.kernel + self.bias
            i, j, f, o = (gates[:, k * UNITS:(k + 1) * UNITS] for k in range(4))
            si, tj, sf, so = _sigmoid(i), np.tanh(j), _sigmoid(f + 1.0), _sigmoid(o)
            c_prev = c
            c = c_prev * sf + si * tj
            tc = np.tanh(c)
            h = tc * so
            cache.append((joined, c_prev, si, tj, sf, so, tc))
        logits = h @ self.weights + self.biases
        shifted = logits - logits.max(1, keepdims=True)
        exp = np.exp(shifted)
        probs = exp / exp.sum(1, keepdims=True)
        loss = float(np.mean(-(labels * (shifted - np.log(exp.sum(1, keepdims=True)))).sum(1)))
        d_logits = (probs - labels) / n
        d_weights = h.T @ d_logits
        d_biases = d_logits.sum(0)
        dh = d_logits @ self.weights.T
        dc = np.zeros_like(dh)
        d_kernel = np.zeros_like(self.kernel)
        d_bias = np.zeros_like(self.bias)
        for joined, c_prev, si, tj, sf, so, tc in reversed(cache):
            d_o = dh * tc * so * (1 - so)
            dc = dc + dh * so * (1 - tc * tc)
            d_i = dc * tj * si * (1 - si)
            d_j = dc * si * (1 - tj * tj)
            d_f = dc * c_prev * sf * (1 - sf)
            d_gates = np.concatenate([d_i, d_j, d_f, d_o], 1)
            d_kernel += joined.T @ d_gates
            d_bias += d_gates.sum(0)
            d_joined = d_gates @ self.kernel.T
            dh = d_joined[:, 28:]
            dc = dc * sf
        for param, grad in ((self.kernel, d_kernel), (self.bias, d_bias),
                            (self.weights, d_weights), (self.biases, d_biases)):
            param -= LEARNING_RATE * grad
        return loss


# --- smallflow ------------------------------------------------------------------------------------


def build_graph(initial, unroll):
    graph = tf.Graph()
    with graph.as_default():
        images = tf.placeholder(tf.float32, [None, 784])
        labels = tf.placeholder(tf.float32, [None, 10])
        rows = tf.reshape(images, [-1, ROWS, 28])
        cell = tf.nn.rnn_cell.BasicLSTMCell(UNITS)
        if unroll == "dynamic_rnn":
            outputs, _ = tf.nn.dynamic_rnn(cell, rows, dtype=tf.float32)
            last = outputs[:, -1, :]
        else:
            outputs, _ = tf.nn.static_rnn(cell, tf.unstack(rows, ROWS, 1), dtype=tf.float32)
            last = outputs[-1]
        weights = tf.Variable(initial[2], name="weights")
        biases = tf.Variable(initial[3], name="biases")
        logits = tf.matmul(last, weights) + biases
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels,
                                                                         logits=logits))
        train = tf.train.GradientDescentOptimizer(LEARNING_RATE).minimize(loss)
        kernel, bias = tf.global_variables()[:2]
        sess = tf.Session(graph=graph)
        sess.run(tf.global_variables_initializer())
        kernel.load(initial[0], sess)
        bias.load(initial[1], sess)
    return sess, images, labels, loss, train, [kernel, bias, weights, biases]


def initial_params(rng):
    limit = np.sqrt(6 / (28 + UNITS + 4 * UNITS))
    kernel = rng.uniform(-limit, limit, (28 + UNITS, 4 * UNITS)).astype(F32)
    weights = rng.uniform(-0.1, 0.1, (UNITS, 10)).astype(F32)
    return kernel, np.zeros(4 * UNITS, F32), weights, np.zeros(10, F32)


def batch(rng):
    images = rng.random((BATCH, 784), dtype=F32)
    labels = np.eye(10, dtype=F32)[rng.integers(0, 10, BATCH)]
    return images, labels


def check_agreement(initial, images, labels):
    hand = HandLSTM(initial)
    hand_loss = hand.step(images, labels)
    for unroll in TARGETS:
        sess, x, y, loss, train, params = build_graph(initial, unroll)
        ours, _ = sess.run([loss, train], {x: images, y: labels})
        assert abs(ours - hand_loss) < 1e-4, (unroll, ours, hand_loss)
        for got, want in zip(sess.run(params), (hand.kernel, hand.bias, hand.weights,
                                                 hand.biases)):
            np.testing.assert_allclose(got, want, atol=2e-5)
        sess.close()


def time_alternately(funcs, repeats):
    times = {name: [] for name in funcs}
    for _ in range(repeats):
        for name, func in funcs.items():
            start = time.perf_counter()
            func()
            times[name].append(time.perf_counter() - start)
    return times


def main():
    args = ARGS or _parse([])
    rng = np.random.default_rng(0)
    initial = initial_params(rng)
    images, labels = batch(rng)
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    load = os.getloadavg()[0]
    print(f"CPUs: {os.cpu_count()}, BLAS threads: {threads}, load average: {load:.2f}")
    check_agreement(initial, images, labels)
    print("check: dynamic_rnn, static_rnn and NumPy agree on the loss and the updated weights")
    hand = HandLSTM(initial)
    funcs = {"NumPy by hand": lambda: hand.step(images, labels)}
    for unroll in TARGETS:
        sess, x, y, _, train, _ = build_graph(initial, unroll)
        step = sess.make_callable(train, [x, y])
        step(images, labels)  # plan once before timing
        funcs[unroll] = lambda step=step: step(images, labels)
    times = time_alternately(funcs, args.repeats)
    hand_median = statistics.median(times["NumPy by hand"])
    print(f"\nMNIST row LSTM ({ROWS} steps, {UNITS} units), batch {BATCH}, training step, "
          f"{args.repeats} alternating runs (ms)")
    print(f"{'':16}{'median':>10}{'best':>10}{'ratio':>8}{'target':>8}")
    for name, values in times.items():
        median = statistics.median(values)
        ratio = median / hand_median
        target = TARGETS.get(name)
        verdict = "" if target is None else f"{'<=' if ratio <= target else '>'}{target:.1f}"
        print(f"{name:16}{median * 1e3:10.2f}{min(values) * 1e3:10.2f}{ratio:8.2f}"
              f"{verdict:>8}")


if __name__ == "__main__":
    main()
