"""Time smallflow's random draws (TensorFlow's Philox stream) against NumPy's own generator.

Run: python benchmarks/bench_random.py [--repeat N] [--size N]. For each draw, the median
time of smallflow's and of ``np.random.Generator`` (PCG64) for the same number of values,
measured in turns in one run, and their ratio. The sizes default to the MNIST follow-up
tutorial's dropout: 50 x 1024 float32 values per training step. The dropout rows time a
whole ``tf.nn.dropout`` run (the RandomUniform op and the fused Dropout op, through
Session.run) against the same thing written in NumPy (uniform draw, mask, divide, multiply).
The process's allocator is tuned first, as the first Session does (config.keep_freed_memory).

FIGURES
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
