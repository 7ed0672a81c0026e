"""A busy core must cost smallflow at most its share: steps with and without a competing process.

The benchmark starts a competing process (a Python busy loop) pinned to one core, and stops
it, itself. In turns, with the machine as it is ("as found") and with the busy process
running, it times:

* the follow-up tutorial's CNN training step (batch 50, Adam; benchmarks/bench_conv.py's
  graph) with one BLAS thread, with smallflow's default (the automatic policy of
  smallflow.config), and with two threads fixed (what a BLAS does by default);
* the beginners' tutorial step (softmax regression, batch 100, SGD) through Session.run with
  the default policy, and the same arithmetic written by hand in NumPy.

Targets (issue 16): the default's CNN step with the busy core at most 1.3x the one-thread
step as found; the tutorial step within 1.25x of hand NumPy under the same load.

Why the default does not collapse: a BLAS call splits its work evenly between its threads
and waits for the slowest; with a core taken, one of two threads runs at half speed and every
product waits for it (issue 16 measured a 0.1 s CNN step taking 1.4 s). The automatic policy
measures the CPU time other processes use and keeps to the cores they leave free.

Session 5 (16:33, load 13 at start and end, 3 turns x 10 steps; the pooling and optimizer
updates now also use the policy's threads, workers.py): CNN step, ms as found / one core busy:
1 thread 598 / 841 (1.41x), default 545 / 822 (1.37x, one thread chosen), 2 threads fixed
4,020 / 5,333 (8.91x: the collapse). The 1.3x target is missed only because "as found" was
itself a machine at load 13 (a quiet 1-thread step is 96 ms), where the busy process slows
even one thread 1.4x; the default stays with one thread and tracks it. Tutorial step:
smallflow / hand NumPy 1.11x as found, 1.14x with the busy core (target <= 1.25).

Session 6 (h99, 19:38-19:47, load 20 at the start, 24 at the end: the machine was never
quiet; 3 turns x 10 steps), with the per-plan trial of one thread against two in the
automatic policy (config.py): CNN step, ms as found / one core busy: 1 thread 528 / 1,119
(2.12x), default 520 / 1,027 (1.94x, one thread chosen), 2 threads fixed 2,388 / 3,937
(7.46x). At load 20 a busy process is one more of ~20 competitors for two cores and slows
every mode about 2x, so this run says nothing about the 1.3x target (a quiet 1-thread step is
~80 ms); it shows again that the default tracks one thread under load and never collapses.
Tutorial step: 1.32x hand NumPy as found, 1.47x with the busy core; at the same load the
code before the session's change gave the same spread (A/B in turns, 3 processes each:
1.05-1.39x before, 1.09-1.40x after), so the swing is the load, not the policy.

Session 7 (hpar): with two cores granted, the CNN's convolutions and dense products are cut
by examples over the cores (batch_split.py), one BLAS thread each, instead of two BLAS
threads; so "2 threads fixed" now means that split on two cores, and "default" uses it when
its trial finds it faster. With a busy core the policy still grants one core, so the
default runs the unsplit kernels exactly as before (tests/test_batch_split.py checks that
one granted core never splits); the split with a core fixed at two would wait for the
slower part in each call, as the BLAS threads did. Not re-measured this session: the
machine was at load 8-11 throughout (see bench_models.py).

Session 8 (hpol): the policy now counts a core as free while others use at most half of it
over the last second (was: under a quarter over the last half second), so that a quiet
machine's background no longer keeps the split from training steps (bench_models.py). The
busy process here measures 1.0 of a core (0.67 while it shares two cores with our two
threads in one scheduling group): still one core, no trial, as before; tests/test_config.py
checks both in simulated trainings (fake clock and load). Not re-measured this session: the
machine was at load 5-12 throughout (the lead's two raised-priority trainings; a busy loop
of ours would only have taken CPU from them), so the 1.3x and 1.25x checks await the lead's
quiet-machine run.

Run: python benchmarks/bench_contention.py [--rounds N] [--steps N]
"""

import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import bench_conv  # noqa: E402 - the CNN graph and its data

import smallflow as tf  # noqa: E402
from smallflow import config  # noqa: E402

F32 = np.float32
BUSY_LOOP = "while True:\n    pass\n"
SETTLE_S = 1.5  # the automatic policy looks at the machine every 0.5 s of running


class BusyCore:
    """A process that keeps one core busy until stopped (started and stopped here)."""

    def __init__(self, core):
        self.process = subprocess.Popen([sys.executable, "-c", BUSY_LOOP])
        os.sched_setaffinity(self.process.pid, {core})

    def stop(self):
        self.process.kill()
        self.process.wait()


def cnn_step():
    rng = np.random.default_rng(0)
    initial = bench_conv.initial_params(rng)
    images = rng.random((bench_conv.BATCH, 784), dtype=F32)
    labels = np.eye(10, dtype=F32)[rng.integers(0, 10, bench_conv.BATCH)]
    graph = tf.Graph()
    with graph.as_default():
        x, y_, keep_prob, _, _, _, train_step = bench_conv.build_tutorial_graph(initial)
        sess = tf.Session(graph=graph)
        sess.run(tf.global_variables_initializer())
    feed = {x: images, y_: labels, keep_prob: 0.5}
    return lambda: sess.run(train_step, feed)


def tutorial_steps():
    """The beginners' tutorial step through Session.run, and written by hand in NumPy."""
    rng = np.random.default_rng(1)
    # MNIST-like scale (sparse pixels in [0, 1]) so that SGD at 0.5 stays finite.
    batches = [(rng.random((100, 784), dtype=F32) * (rng.random((100, 784)) < 0.02),
                np.eye(10, dtype=F32)[rng.integers(0, 10, 100)]) for _ in range(10)]
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, 784])
        y_ = tf.placeholder(tf.float32, [None, 10])
        w = tf.Variable(tf.zeros([784, 10]))
        b = tf.Variable(tf.zeros([10]))
        y = tf.nn.softmax(tf.matmul(x, w) + b)
        loss = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y), reduction_indices=[1]))
        train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
        sess = tf.Session(graph=graph)
        sess.run(tf.global_variables_initializer())
    turn = [0]

    def ours():
        images, labels = batches[turn[0] % 10]
        turn[0] += 1
        sess.run(train, {x: images, y_: labels})

    state = {"w": np.zeros((784, 10), F32), "b": np.zeros(10, F32)}
    rate = F32(0.5)

    def by_hand():
        images, labels = batches[turn[0] % 10]
        turn[0] += 1
        logits = images @ state["w"] + state["b"]
        shifted = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        probs = e / e.sum(axis=1, keepdims=True)
        d_y = (-labels / F32(len(images))) / probs
        d_logits = (d_y - (d_y * probs).sum(axis=1, keepdims=True)) * probs
        state["w"] = state["w"] - rate * (images.T @ d_logits)
        state["b"] = state["b"] - rate * d_logits.sum(axis=0)

    return ours, by_hand


def timed(func, steps, settle=0.0):
    """Median seconds of ``func`` over ``steps`` calls, after running it ``settle`` seconds."""
    end = time.perf_counter() + settle
    func()
    while time.perf_counter() < end:
        func()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


MODES = {"1 thread": 1, "default (automatic)": 0, "2 threads fixed": 2}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="turns of all conditions")
    parser.add_argument("--steps", type=int, default=10, help="CNN steps timed per turn")
    args = parser.parse_args()
    cores = sorted(os.sched_getaffinity(0))
    print(f"cores: {len(cores)}; load average at start: "
          f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    cnn = cnn_step()
    ours, by_hand = tutorial_steps()
    results = {}
    threads_used = {}
    for _ in range(args.rounds):
        for condition in ("as found", "one core busy"):
            busy = BusyCore(cores[0]) if condition == "one core busy" else None
            try:
                for mode, threads in MODES.items():
                    config.set_threads(threads)
                    settle = SETTLE_S if threads == 0 else 0.2
                    results.setdefault(("cnn", condition, mode), []).append(
                        timed(cnn, args.steps, settle))
                    threads_used.setdefault((condition, mode), set()).add(
                        config.threads_in_use())
                config.set_threads(0)
                results.setdefault(("tutorial", condition, "smallflow"), []).append(
                    timed(ours, 20 * args.steps, SETTLE_S))
                results.setdefault(("tutorial", condition, "hand NumPy"), []).append(
                    timed(by_hand, 20 * args.steps, 0.2))
            finally:
                if busy is not None:
                    busy.stop()
    config.set_threads(0)

    def figure(key):
        return statistics.median(results[key])

    reference = figure(("cnn", "as found", "1 thread"))
    print(f"load average at the end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"\nCNN training step (median of {args.rounds} turns x {args.steps} steps), ms")
    print(f"{'':24}{'as found':>12}{'one core busy':>16}{'busy / 1-thread as found':>28}")
    for mode in MODES:
        found = figure(("cnn", "as found", mode))
        busy = figure(("cnn", "one core busy", mode))
        used = sorted(threads_used[("one core busy", mode)])
        print(f"{mode:24}{found * 1e3:12.1f}{busy * 1e3:16.1f}{busy / reference:27.2f}x"
              f"   (threads used when busy: {used})")
    default_busy = figure(("cnn", "one core busy", "default (automatic)")) / reference
    verdict = "meets" if default_busy <= 1.3 else "MISSES"
    print(f"default with a busy core: {default_busy:.2f}x the 1-thread step as found: "
          f"{verdict} the 1.3x target")
    print("\nTutorial step (softmax regression, batch 100), microseconds")
    for condition in ("as found", "one core busy"):
        mine = figure(("tutorial", condition, "smallflow"))
        hand = figure(("tutorial", condition, "hand NumPy"))
        print(f"{condition:16} smallflow {mine * 1e6:8.0f}   hand NumPy {hand * 1e6:8.0f}   "
              f"ratio {mine / hand:.2f}x (target <= 1.25)")


if __name__ == "__main__":
    main()
