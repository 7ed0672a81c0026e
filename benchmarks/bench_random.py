"""Time smallflow's random draws (TensorFlow's Philox stream) against NumPy's own generator.

Run: python benchmarks/bench_random.py [--repeat N] [--size N]. For each draw, the median
time of smallflow's and of ``np.random.Generator`` (PCG64) for the same number of values,
measured in turns in one run, and their ratio. The sizes default to the MNIST follow-up
tutorial's dropout: 50 x 1024 float32 values per training step. The dropout rows time a
whole ``tf.nn.dropout`` run (the RandomUniform op and the fused Dropout op, through
Session.run) against the same thing written in NumPy (uniform draw, mask, divide, multiply).
The process's allocator is tuned first, as the first Session does (config.keep_freed_memory).

Session 10 (2 Dec 2026, helper rng; two shared cores at load 7, one thread granted), median
ms, smallflow / NumPy (ratio), two runs:

                                  06:40                  07:15
  uniform float32           0.470 / 0.152 (3.1x)   0.474 / 0.157 (3.0x)
  normal float32            0.888 / 0.499 (1.8x)   1.178 / 0.567 (2.1x)
  truncated normal float32  2.787 / 0.541 (5.2x)   3.328 / 0.554 (6.0x)
  uniform float64           0.968 / 0.167 (5.8x)   0.946 / 0.153 (6.2x)
  dropout op (Session.run)  0.601 / 0.156 (3.9x)   0.647 / 0.182 (3.6x)
  shuffle 55,000           23.1   / 0.553          73.7  / 0.703 (a Python swap loop)
  multinomial 50x10 x100    0.445 / 1.336 (0.3x)   0.665 / 1.499 (0.4x)

Before session 10's vectorisation (06:08, load 1.4, direct calls): uniform float32 0.54 ms
(NumPy 0.12, 4.6x), normal 2.3 ms (NumPy 0.45, 5.1x), truncated normal 8.9 ms. The uniform
draw is ten Philox rounds of seven whole-array passes; it does not get under ~3x NumPy's
C generator with one thread (docs/architecture.md, "Speed of the generator").
"""

import argparse
import statistics
import time

import numpy as np

import smallflow as tf
from smallflow import config
from smallflow.ops import philox, philox_samplers


def _median_ms(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def _in_turns(pairs, repeat, rounds=5):
    """Median of each function's per-round medians, the two of a pair timed alternately."""
    results = {name: ([], []) for name, _, _ in pairs}
    for _ in range(rounds):
        for name, ours, numpy_fn in pairs:
            results[name][0].append(_median_ms(ours, repeat))
            results[name][1].append(_median_ms(numpy_fn, repeat))
    return {name: (statistics.median(a), statistics.median(b))
            for name, (a, b) in results.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40, help="timed runs per round")
    parser.add_argument("--size", type=int, default=50 * 1024, help="values per draw")
    args = parser.parse_args()
    config.keep_freed_memory()
    size = args.size
    stream = philox.PhiloxStream(1, 2)
    generator = np.random.default_rng(0)
    logits = np.log(generator.dirichlet(np.ones(10), size=50)).astype(np.float32)

    tf.reset_default_graph()
    x = tf.constant(np.ones((50, size // 50), np.float32))
    dropped = tf.nn.dropout(x, keep_prob=0.5, seed=1)
    sess = tf.Session()
    ones = np.ones((50, size // 50), np.float32)

    def numpy_dropout():
        uniform = generator.random(ones.shape, dtype=np.float32)
        mask = (uniform >= np.float32(0.5)).astype(np.float32)
        out = ones / np.float32(0.5)
        out *= mask
        return out

    pairs = [
        ("uniform float32", lambda: philox.uniform(stream, size, np.float32),
         lambda: generator.random(size, dtype=np.float32)),
        ("normal float32", lambda: philox.normal(stream, size, np.float32),
         lambda: generator.standard_normal(size, dtype=np.float32)),
        ("truncated normal float32", lambda: philox.truncated_normal(stream, size, np.float32),
         lambda: generator.standard_normal(size, dtype=np.float32)),
        ("uniform float64", lambda: philox.uniform(stream, size, np.float64),
         lambda: generator.random(size)),
        ("dropout op (Session.run)", lambda: sess.run(dropped), numpy_dropout),
        ("shuffle 55,000", lambda: philox_samplers.permutation(stream, 55000),
         lambda: generator.permutation(55000)),
        ("multinomial 50x10, 100 each",
         lambda: philox_samplers.multinomial(stream, logits, 100, np.int64, 1),
         lambda: [generator.choice(10, 100, p=np.exp(row) / np.exp(row).sum())
                  for row in logits]),
    ]
    results = _in_turns(pairs, args.repeat)
    print(f"{size} values per draw; median ms of 5 rounds x {args.repeat} runs, in turns")
    print(f"{'draw':30s} {'smallflow':>10s} {'NumPy':>10s} {'ratio':>7s}")
    for name, (ours, theirs) in results.items():
        print(f"{name:30s} {ours:10.3f} {theirs:10.3f} {ours / theirs:6.2f}x")
    sess.close()


if __name__ == "__main__":
    main()
