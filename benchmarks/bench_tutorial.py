"""Benchmark: the tutorial's 1,000 training steps through Session.run vs a hand-written NumPy loop.

Both loops do the same float32 arithmetic (softmax regression, the tutorial's naive
cross-entropy, its gradient, SGD at 0.5) on the same 1,000 batches of 100, so the ratio
is the engine's overhead. Also times the whole tutorial (import, load, train, evaluate)
in a fresh process. Both wall clock and CPU time are shown: on a busy machine the CPU time
leaves out the time slices other processes take, so its ratio is the steadier one.
Run: python benchmarks/bench_tutorial.py [--repeats 5]

Where a step's time goes (CPU microseconds per kernel, each called hot on the tutorial's
values, best of 7, one BLAS thread, machine load ~17, session 4). The step is 23 kernel
calls in one compiled plan; Session.run's own work (feed checks, plan lookup, errstate,
fetch) is ~5 us of it (a run of a no-op with the same two feeds).

  kernel                               before   after   hand NumPy does
  MatMul x @ W  [100,784]x[784,10]       38       38     the same product
  MatMul x.T @ grad (gradient of W)      30       30     the same product
  Softmax [100,10]                       23       13     the same (row max: 9 us)
  3 small sums (loss, softmax grad,    4.4+4.8   3+3     2 sums (4 each)
    bias gradient [100,10] -> [10])      5.4     3.9
  17 element-wise / broadcast kernels  ~1-3 each (~27)  ~10 element-wise ops

Before: the softmax found each row's maximum with ``np.maximum.reduce(axis=-1)``, which on
rows of 10 costs 9 us (a reduction loop set up per row); the sums likewise went through
``ufunc.reduce`` (3-5 us for a thousand numbers). After: logits inside (-30, 30) (checked
with one whole-array min and max, 2 x 1 us) need no shift, and the short row sums and the
leading-axis sums are one BLAS matrix-vector product with a vector of ones (~1 us, same
precision: NumPy adds sequentially below 128 elements too). The rest is the extra work
the graph does that the hand loop skips (the loss itself, its gradient's broadcasts) and
~0.3 us of Python call per kernel.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

import numpy as np

import smallflow as tf
from smallflow.examples.tutorials.mnist import input_data

STEPS = 1000
BATCH = 100


def draw_batches(mnist):
    batches = []
    for _ in range(STEPS):
        images, labels = mnist.train.next_batch(BATCH)
        batches.append((images, labels.astype(np.float32)))
    return batches


def numpy_loop(batches):
    """The tutorial's model and its backpropagation written out by hand."""
    w = np.zeros((784, 10), dtype=np.float32)
    b = np.zeros(10, dtype=np.float32)
    rate = np.float32(0.5)
    start, start_cpu = time.perf_counter(), time.process_time()
    for x, y_ in batches:
        logits = x @ w + b
        shifted = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        y = e / e.sum(axis=1, keepdims=True)
        # loss = mean(-sum(y_ * log(y), axis=1)); its gradient, step by step:
        d_log = -y_ / np.float32(len(x))
        d_y = d_log / y
        d_logits = (d_y - (d_y * y).sum(axis=1, keepdims=True)) * y
        d_w = x.T @ d_logits
        d_b = d_logits.sum(axis=0)
        w = w - rate * d_w
        b = b - rate * d_b
    return time.perf_counter() - start, time.process_time() - start_cpu, w


def smallflow_loop(batches):
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [None, 784])
    W = tf.Variable(tf.zeros([784, 10]))
    b = tf.Variable(tf.zeros([10]))
    y = tf.nn.softmax(tf.matmul(x, W) + b)
    y_ = tf.placeholder(tf.float32, [None, 10])
    cross_entropy = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y), reduction_indices=[1]))
    train_step = tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        start, start_cpu = time.perf_counter(), time.process_time()
        for batch_xs, batch_ys in batches:
            sess.run(train_step, feed_dict={x: batch_xs, y_: batch_ys})
        elapsed = time.perf_counter() - start
        return elapsed, time.process_time() - start_cpu, sess.run(W)


WHOLE_TUTORIAL = textwrap.dedent("""\
    import time
    start = time.perf_counter()
    import smallflow as tf
    from smallflow.examples.tutorials.mnist import input_data
    mnist = input_data.read_data_sets({data_dir!r}, one_hot=True)
    x = tf.placeholder(tf.float32, [None, 784])
    W = tf.Variable(tf.zeros([784, 10]))
    b = tf.Variable(tf.zeros([10]))
    y = tf.nn.softmax(tf.matmul(x, W) + b)
    y_ = tf.placeholder(tf.float32, [None, 10])
    cross_entropy = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y), reduction_indices=[1]))
    train_step = tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy)
    sess = tf.InteractiveSession()
    tf.global_variables_initializer().run()
    for _ in range(1000):
        batch_xs, batch_ys = mnist.train.next_batch(100)
        sess.run(train_step, feed_dict={{x: batch_xs, y_: batch_ys}})
    correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
    acc = sess.run(accuracy, feed_dict={{x: mnist.test.images, y_: mnist.test.labels}})
    print(acc, time.perf_counter() - start)
""")


def whole_tutorial(data_dir):
    """Seconds for a fresh process to import, load, train and evaluate (and its accuracy)."""
    source = WHOLE_TUTORIAL.format(data_dir=data_dir)
    result = subprocess.run([sys.executable, "-c", source], capture_output=True, text=True,
                            check=True)
    accuracy, seconds = result.stdout.split()
    return float(seconds), float(accuracy)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats (default: 5)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        mnist = input_data.read_data_sets(data_dir, one_hot=True, seed=0)
        batches = draw_batches(mnist)
        times = {"numpy": ([], []), "engine": ([], [])}  # (wall, CPU) seconds per repeat
        for _ in range(args.repeats):
            *numpy_seconds, w_numpy = numpy_loop(batches)
            *engine_seconds, w_engine = smallflow_loop(batches)
            for key, spent in (("numpy", numpy_seconds), ("engine", engine_seconds)):
                times[key][0].append(spent[0])
                times[key][1].append(spent[1])
        np.testing.assert_allclose(w_engine, w_numpy, rtol=1e-3, atol=1e-5)
        load = os.getloadavg()[0]
        print(f"1,000 training steps, batch {BATCH} (best of {args.repeats}, in turns; "
              f"load average {load:.1f}):")
        for clock, index in (("wall clock", 0), ("CPU time", 1)):
            numpy_times, engine_times = times["numpy"][index], times["engine"][index]
            numpy_best, engine_best = min(numpy_times), min(engine_times)
            ratios = [e / n for e, n in zip(engine_times, numpy_times, strict=True)]
            print(f"  {clock}:")
            print(f"    hand-written NumPy : {numpy_best * 1e3:7.1f} ms "
                  f"({numpy_best / STEPS * 1e6:.0f} us/step)")
            print(f"    smallflow Session  : {engine_best * 1e3:7.1f} ms "
                  f"({engine_best / STEPS * 1e6:.0f} us/step)")
            print(f"    ratio (best/best)  : {engine_best / numpy_best:.2f}x   "
                  f"median of per-repeat ratios: {statistics.median(ratios):.2f}x "
                  "(target <= 1.25)")
        seconds, accuracy = whole_tutorial(data_dir)
        print(f"whole tutorial in a fresh process (import, load, train, evaluate): "
              f"{seconds:.2f} s, test accuracy {accuracy:.4f}")


if __name__ == "__main__":
    main()
