"""Time read_data_sets against a bare gzip + numpy.frombuffer read of the same MNIST files.

Every timing is taken in a fresh Python process (a cold process: nothing of MNIST in
memory, the files in the OS page cache), after its imports, and the variants take turns
so that a slow spell of the machine hits them alike.  Ratios are of medians, all measured
in this one run.  Usage: python benchmarks/bench_data.py [--repeats N]

The second part times ``next_batch``: 1,200 batches of 100 from the 55,000 training images
(two epoch starts), in a fresh process per run after loading, against two loops written by
hand from the same float32 images and the same RandomState draws: TensorFlow's (permute the
whole arrays at each epoch start, then slice) and a bare gather through the permutation.
Before (issue 16) smallflow did TensorFlow's copy: 172 MB at the first call and at every
epoch start, 0.05 s right after other work and 0.3-0.5 s into fresh pages. Now it keeps the
permutation and gathers each batch (the same batches, bit for bit; checked in each run).

Session 5 (16:00-16:40, load 12, 9 rounds, medians): next_batch 1,809 ms vs TensorFlow's way
14,955 ms (0.10x) and the bare gather 1,425 ms (1.17x; best runs 337 vs 280 ms); the same
last batch bytes in every variant. read_data_sets cold 1.11x the bare read by medians (0.71x
by best runs; 0.68x in session 4 at a lower load), cached 0.54x. Nothing to fix.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

SETUP = """
import gzip, sys, time
import numpy as np
from smallflow.examples.tutorials.mnist import input_data
directory = sys.argv[1]
NAMES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz',
         't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']

def bare():
    arrays = []
    for name in NAMES:
        with gzip.open(f'{directory}/{name}', 'rb') as file:
            data = file.read()
        ndim = data[3]
        dims = np.frombuffer(data, '>u4', count=ndim, offset=4)
        arrays.append(np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(dims))
    return arrays

def all_images(sets):
    return [part.images for part in sets]

start = time.perf_counter()
"""

VARIANTS = {
    "bare gzip + frombuffer": "bare()",
    "read_data_sets": "input_data.read_data_sets(directory)",
    "bare + TF's float32 conversion": (
        "a = bare(); [np.multiply(x.astype(np.float32), 1.0 / 255.0) for x in (a[0], a[2])]"
    ),
    "read_data_sets + every .images": "all_images(input_data.read_data_sets(directory))",
}
CACHED = {
    "read_data_sets, cached": "input_data.read_data_sets(directory)",
    "read_data_sets + every .images, cached": ("all_images(input_data.read_data_sets(directory))"),
}
FIRST_RUN = "input_data.read_data_sets(directory)"
FINISH = "\nprint(time.perf_counter() - start)\n"


BATCHES = """
directory = sys.argv[1]
train = input_data.read_data_sets(directory, one_hot=True, seed=1).train
images = train.images.copy(); labels = train.labels.copy()
state = np.random.RandomState(train._seed_value)

def tf_way(steps, size=100):
    global images, labels
    n, index, out = len(images), 0, None
    for step in range(steps):
        if step == 0 or index + size > n:
            if step:
                rest = images[index:], labels[index:]
            perm = np.arange(n); state.shuffle(perm)
            images, labels = images[perm], labels[perm]
            if step:
                end = size - (n - index)
                out = (np.concatenate((rest[0], images[:end])),
                       np.concatenate((rest[1], labels[:end])))
                index = end
                continue
            index = 0
        out = images[index:index + size], labels[index:index + size]
        index += size
    return out

def gather(steps, size=100):
    n, index, out = len(images), 0, None
    order = np.arange(n); state.shuffle(order)
    for step in range(steps):
        if index + size > n:
            rest = order[index:]
            perm = np.arange(n); state.shuffle(perm)
            order = order[perm]
            end = size - (n - index)
            rows = np.concatenate((rest, order[:end]))
            index = end
        else:
            rows = order[index:index + size]
            index += size
        out = images[rows], labels[rows]
    return out

variant = sys.argv[2]
start = time.perf_counter()
if variant == 'smallflow':
    for _ in range(STEPS):
        out = train.next_batch(100)
else:
    out = (tf_way if variant == 'tf' else gather)(STEPS)
seconds = time.perf_counter() - start
import zlib
print(zlib.crc32(out[0].tobytes()) ^ zlib.crc32(out[1].tobytes()))
print(seconds)
"""
BATCH_VARIANTS = {"smallflow next_batch": "smallflow", "TensorFlow's way, by hand": "tf",
                  "gather by hand": "gather"}
STEPS = 1200


def run_batches(variant, directory):
    code = SETUP.replace("start = time.perf_counter()", f"STEPS = {STEPS}") + BATCHES
    result = subprocess.run([sys.executable, "-c", code, directory, variant],
                            capture_output=True, text=True, check=True)
    checksum, seconds = result.stdout.split()[-2:]
    return int(checksum), float(seconds)


def run(statement, directory, cache):
    environment = dict(os.environ, SMALLFLOW_MNIST_CACHE="1" if cache else "0")
    environment.pop("SMALLFLOW_MNIST_SOURCE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", SETUP + statement + FINISH, directory],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
    )
    return float(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9, help="runs per variant (default 9)")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="bench_data_")
    try:
        plain = os.path.join(work, "plain")
        cached = os.path.join(work, "cached")
        run(FIRST_RUN, plain, cache=False)  # fill from the bundled copy, no cache
        run(FIRST_RUN, cached, cache=True)  # fill and build the cache
        times = {name: [] for name in [*VARIANTS, *CACHED, "first run into an empty dir"]}
        for repeat in range(args.repeats):
            for name, statement in VARIANTS.items():
                times[name].append(run(statement, plain, cache=False))
            for name, statement in CACHED.items():
                times[name].append(run(statement, cached, cache=True))
            fresh = os.path.join(work, f"fresh{repeat}")
            times["first run into an empty dir"].append(run(FIRST_RUN, fresh, cache=True))
        batch_times = {name: [] for name in BATCH_VARIANTS}
        checksums = set()
        for _ in range(args.repeats):
            for name, variant in BATCH_VARIANTS.items():
                checksum, seconds = run_batches(variant, plain)
                checksums.add(checksum)
                batch_times[name].append(seconds)
    finally:
        shutil.rmtree(work)

    report(times, args.repeats)
    report_batches(batch_times, checksums)


def report_batches(times, checksums):
    base = times["TensorFlow's way, by hand"]
    gather = times["gather by hand"]
    print(f"\nnext_batch: {STEPS} batches of 100 (two epoch starts), a fresh process per run")
    print(f"{'variant':40s} {'median ms':>9s} {'min ms':>7s} {'/ TF way':>8s} {'/ gather':>8s}")
    for name, values in times.items():
        print(f"{name:40s} {statistics.median(values) * 1000:9.1f} {min(values) * 1000:7.1f} "
              f"{statistics.median(v / b for v, b in zip(values, base)):7.2f}x "
              f"{statistics.median(v / b for v, b in zip(values, gather)):7.2f}x")
    same = "the same" if len(checksums) == 1 else "DIFFERENT"
    print(f"last batch of every variant and run: {same} bytes")


def report(times, repeats):
    """Print medians, minima and ratios; a ratio is the median of per-round ratios, each
    round running every variant back to back (steadier than a ratio of medians on a
    machine whose speed drifts)."""
    bare = times["bare gzip + frombuffer"]
    bare_float = times["bare + TF's float32 conversion"]

    def ratio(values, baseline):
        return statistics.median(v / b for v, b in zip(values, baseline, strict=True))

    print(f"load average: {os.getloadavg()[0]:.2f}")
    print(f"MNIST load, a fresh process per run, {repeats} rounds")
    heading = (
        f"{'variant':40s} {'median ms':>9s} {'min ms':>7s} {'/ bare':>7s} {'/ bare+float':>12s}"
    )
    print(heading)
    for name, values in times.items():
        print(
            f"{name:40s} {statistics.median(values) * 1000:9.1f} {min(values) * 1000:7.1f} "
            f"{ratio(values, bare):6.2f}x {ratio(values, bare_float):11.2f}x"
        )
    print()
    print(f"read_data_sets / bare read, cold:   {ratio(times['read_data_sets'], bare):.2f}x")
    cached = ratio(times["read_data_sets, cached"], bare)
    print(f"read_data_sets / bare read, cached: {cached:.2f}x")
    full = ratio(times["read_data_sets + every .images"], bare_float)
    print(f"every float32 image made, cold:     {full:.2f}x of bare read + TF's conversion")


if __name__ == "__main__":
    main()
