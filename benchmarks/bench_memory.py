"""Peak memory of evaluating the CNN on the 10,000 test images, and its time.

Two measurements, each in a fresh Python process (peak RSS is a per-process figure):

1. The TF1 way: the deep tutorial's graph (examples/mnist_deep.py's ``deepnn``),
   ``accuracy.eval(feed_dict={x: mnist.test.images, y_: mnist.test.labels,
   keep_prob: 1.0})``. The growth is the peak RSS during the call (``VmHWM`` reset through
   ``/proc/self/clear_refs`` just before) minus the RSS just before it. Run with smallflow's
   lean evaluation (chunking.py) and with it switched off in the same run, alternately.
   Target: <= 1 GB.
2. ``smallflow evaluate MODEL`` on a CNN saved by a short ``smallflow train --model cnn``:
   the peak RSS of the whole command minus that of ``python -c "import smallflow"``.
   Target: <= 500 MB.

Before (this machine, issue 16): one ``Session.run`` of the CNN over the 10,000 images
peaked at 2.1 GB. Where it went: the first convolution's output for 10,000 images is
10,000 x 28 x 28 x 32 floats = 1 GB, its bias sum and ReLU another 1 GB each unless freed at
once, and the im2col blocks on top. After: the row-wise part (both convolutions, pooling,
the first dense layer) runs in chunks of about 32 MB of the largest activation (320 images),
and only the chunk outputs (10,000 x 1024 floats, 41 MB) are kept.

Session 5 (15:58, load 9-12, 2 repeats): accuracy.eval 135 MB (one plan: 833 MB), 27-53 s vs
56-84 s; smallflow evaluate: 83 MB over a bare import (peak 127 MB). Both targets met; the
session's pooling change (ops/pool_kernels.py) allocates the same arrays, nothing to fix.
Session 6 (h99, 19:00, load 17, 2 repeats): accuracy.eval 128 MB (one plan: 437 MB), 45-47 s
vs 52-55 s; smallflow evaluate 77-78 MB over a bare import (peak 123 MB). Both still met.

Run: python benchmarks/bench_memory.py [--repeats N] [--data-dir DIR]
"""

import argparse
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHARED_MNIST = ROOT.parent / "shared" / "datasets" / "mnist"

TF1_EVAL = r"""
import sys, time, importlib.util
import numpy as np
import smallflow as tf
from smallflow import chunking
from smallflow.examples.tutorials.mnist import input_data

def status(field):
    for line in open('/proc/self/status'):
        if line.startswith(field + ':'):
            return int(line.split()[1]) * 1024
    raise KeyError(field)

spec = importlib.util.spec_from_file_location('mnist_deep', sys.argv[2])
deep = importlib.util.module_from_spec(spec)
spec.loader.exec_module(deep)
if sys.argv[3] == 'whole':
    chunking._CHUNK_BYTES = 1 << 62  # lean evaluation off: one plan over the whole batch
tf.set_random_seed(0)
mnist = input_data.read_data_sets(sys.argv[1], one_hot=True, seed=0)
x = tf.placeholder(tf.float32, [None, 784])
y_ = tf.placeholder(tf.float32, [None, 10])
y_conv, keep_prob = deep.deepnn(x)
correct = tf.cast(tf.equal(tf.argmax(y_conv, 1), tf.argmax(y_, 1)), tf.float32)
accuracy = tf.reduce_mean(correct)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    feed = {x: mnist.test.images, y_: mnist.test.labels, keep_prob: 1.0}
    accuracy.eval(feed_dict={x: mnist.test.images[:100], y_: mnist.test.labels[:100],
                             keep_prob: 1.0})
    before = status('VmRSS')
    with open('/proc/self/clear_refs', 'w') as f:
        f.write('5')
    start = time.perf_counter()
    value = accuracy.eval(feed_dict=feed)
    seconds = time.perf_counter() - start
    peak = status('VmHWM')
print(peak - before, seconds, value)
"""

PEAK_OF_COMMAND = r"""
import resource, sys
if sys.argv[1] == 'import':
    import smallflow
else:
    from smallflow.cli import main
    code = main(sys.argv[1:])
    if code:
        sys.exit(f'smallflow {sys.argv[1]} failed with exit code {code}')
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, file=sys.stderr)
"""


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    return env


def tf1_eval(data_dir, mode):
    result = subprocess.run(
        [sys.executable, "-c", TF1_EVAL, data_dir, str(ROOT / "examples" / "mnist_deep.py"),
         mode], capture_output=True, text=True, env=_env(), check=True)
    growth, seconds, accuracy = result.stdout.split()
    return int(growth), float(seconds), float(accuracy)


def command_peak(args):
    result = subprocess.run([sys.executable, "-c", PEAK_OF_COMMAND, *args],
                            capture_output=True, text=True, env=_env(), check=True)
    return int(result.stderr.strip().splitlines()[-1]), result.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--data-dir", default=str(SHARED_MNIST))
    args = parser.parse_args()
    mb = 2**20
    print(f"load average: {os.getloadavg()[0]:.2f} (1 min), BLAS threads: 1")

    print("\n1. accuracy.eval over the 10,000 test images (deep tutorial graph)")
    for _ in range(args.repeats):
        for mode in ("lean", "whole"):
            growth, seconds, accuracy = tf1_eval(args.data_dir, mode)
            label = "smallflow" if mode == "lean" else "one plan (lean evaluation off)"
            print(f"   {label:32} peak RSS growth {growth / mb:7.0f} MB   "
                  f"{seconds:6.2f} s   (accuracy {accuracy:.4f})")
    print("   target: <= 1024 MB")

    print("\n2. smallflow evaluate on a saved CNN")
    with tempfile.TemporaryDirectory() as tmp:
        model = str(pathlib.Path(tmp) / "cnn")
        command_peak(["train", "--model", "cnn", "--steps", "20", "--data-dir", args.data_dir,
                      "--save", model])
        for _ in range(args.repeats):
            base, _ = command_peak(["import"])
            peak, out = command_peak(["evaluate", model, "--data-dir", args.data_dir])
            print(f"   peak RSS {peak / mb:7.0f} MB, python + import smallflow "
                  f"{base / mb:5.0f} MB: growth {(peak - base) / mb:5.0f} MB")
    print("   target: <= 500 MB growth")


if __name__ == "__main__":
    main()
