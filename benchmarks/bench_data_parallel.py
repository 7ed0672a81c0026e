"""Does ``Dataset.map(num_parallel_calls=N)`` / ``prefetch`` pay when the map is expensive?

The pipeline is image augmentation as a TF1 input function writes it: from_tensor_slices of
uint8 images, a map that converts each image to float, rotates it by a random angle
(``tf.contrib.image.rotate``, bilinear), blurs it with a 5x5 depthwise filter and
standardises it, then ``batch``. Each variant drains the same number of elements; the
consumer does a fixed amount of NumPy work per batch (a stand-in for the training step) so
that ``prefetch`` has something to overlap with. Variants take turns, ``--rounds`` times,
and the medians are compared against the sequential pipeline measured in the same run; the
load average is printed, since the machine may be shared.

NumPy releases the GIL inside large array operations, so threads can overlap the
per-element kernels; small elements would be GIL-bound and gain little.

Run: python benchmarks/bench_data_parallel.py [--images 96] [--size 128] [--rounds 3]
"""

import argparse
import os
import statistics
import time

import numpy as np

import smallflow as tf


def _augment(image):
    pixels = tf.cast(image, tf.float32) / 255.0
    angle = tf.random_uniform([], -0.3, 0.3)
    rotated = tf.contrib.image.rotate(pixels, angle, interpolation="BILINEAR")
    blur = tf.constant(np.full((5, 5, 3, 1), 1 / 25, np.float32))
    blurred = tf.nn.depthwise_conv2d(rotated[None], blur, [1, 1, 1, 1], "SAME")[0]
    mean, variance = tf.nn.moments(blurred, [0, 1, 2])
    return (blurred - mean) * tf.rsqrt(variance + 1e-6)


def _pipeline(images, parallel, prefetch, batch):
    dataset = tf.data.Dataset.from_tensor_slices(images)
    dataset = dataset.map(_augment, num_parallel_calls=parallel)
    dataset = dataset.batch(batch)
    if prefetch:
        dataset = dataset.prefetch(prefetch)
    return dataset


def _consumer_step(batch, weights):
    """Stand-in for a training step: a few matrix products on the batch (NumPy)."""
    flat = batch.reshape(batch.shape[0], -1)
    for _ in range(3):
        flat = np.tanh(flat @ weights) @ weights.T
    return float(flat.sum())


def _time_variant(images, parallel, prefetch, batch, weights):
    with tf.Graph().as_default():
        next_batch = _pipeline(images, parallel, prefetch, batch).make_one_shot_iterator() \
            .get_next()
        with tf.Session() as sess:
            start = time.perf_counter()
            count = 0
            try:
                while True:
                    value = sess.run(next_batch)
                    _consumer_step(value, weights)
                    count += value.shape[0]
            except tf.errors.OutOfRangeError:
                pass
            return time.perf_counter() - start, count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=96)
    parser.add_argument("--size", type=int, default=128, help="image height and width")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (args.images, args.size, args.size, 3), dtype=np.uint8)
    weights = rng.standard_normal((args.size * args.size * 3, 64)).astype(np.float32) * 0.01
    variants = {
        "sequential": (None, 0),
        "map x2": (2, 0),
        "map x2 + prefetch 2": (2, 2),
        "prefetch 2": (None, 2),
        "map AUTOTUNE + prefetch AUTOTUNE": (tf.data.experimental.AUTOTUNE,
                                             tf.data.experimental.AUTOTUNE),
    }
    print(f"{args.images} images of {args.size}x{args.size}x3, batches of {args.batch}; "
          f"{os.cpu_count()} cores; load {os.getloadavg()[0]:.1f}", flush=True)
    times = {name: [] for name in variants}
    for round_index in range(args.rounds):
        for name, (parallel, prefetch) in variants.items():
            seconds, count = _time_variant(images, parallel, prefetch, args.batch, weights)
            assert count == args.images, (name, count)
            times[name].append(seconds)
        print(f"round {round_index + 1}: " + ", ".join(
            f"{name} {t[-1]:.2f} s" for name, t in times.items())
            + f"; load {os.getloadavg()[0]:.1f}", flush=True)
    base = statistics.median(times["sequential"])
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:34s} median {median:6.2f} s  speed-up x{base / median:.2f}")


if __name__ == "__main__":
    main()
