"""Time the CNN's two conv+pool layers (batch 50) with conv_kernels against plain NumPy code.

The network is the follow-up tutorial's: 28x28x1 -> conv 5x5x32 SAME -> ReLU -> max-pool 2x2
-> conv 5x5x32->64 SAME -> ReLU -> max-pool 2x2. "Forward" computes both layers; "forward +
backward" also computes the gradients a training step needs (both filters, and the input of
the second convolution; not the input images). The baseline does the same arithmetic written
by hand with np.tensordot / np.einsum-style contractions over sliding-window views, reshape
max-pooling and an argmax-based pooling gradient; the ReLU and its gradient (grad * (z > 0),
as TensorFlow computes it) are shared. Both run alternately in the same process and are checked
to agree before timing. The machine is shared: compare the "best" columns when it is busy.
Run: python benchmarks/bench_conv_kernels.py [--repeats N]
"""

import argparse
import os
import statistics
import time

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from smallflow import config
from smallflow.ops import conv_kernels as ck

BATCH = 50
TARGET_MS = 45.0
# smallflow.config.set_conv_algorithm's settings, timed in turns per kernel call.
ALGORITHMS = ("auto", "direct")


# --- the hand-written baseline ---------------------------------------------------------------


def _same_pad(x, k):
    before = (k - 1) // 2
    after = k - 1 - before
    return np.pad(x, ((0, 0), (before, after), (before, after), (0, 0)))


def base_conv(x, w):
    windows = sliding_window_view(_same_pad(x, w.shape[0]), w.shape[:2], axis=(1, 2))
    # windows: [n, h, w, c, kh, kw]
    return np.tensordot(windows, w, axes=([3, 4, 5], [2, 0, 1]))


def base_conv_filter_grad(x, w_shape, g):
    windows = sliding_window_view(_same_pad(x, w_shape[0]), w_shape[:2], axis=(1, 2))
    dw = np.tensordot(windows, g, axes=([0, 1, 2], [0, 1, 2]))  # [c, kh, kw, o]
    return np.ascontiguousarray(dw.transpose(1, 2, 0, 3))


def base_conv_input_grad(x_shape, w, g):
    n, h, width, c = x_shape
    kh, kw = w.shape[:2]
    dcols = np.einsum("nhwo,ijco->nhwijc", g, w, optimize=True)
    dxp = np.zeros((n, h + kh - 1, width + kw - 1, c), dtype=g.dtype)
    for i in range(kh):
        for j in range(kw):
            dxp[:, i : i + h, j : j + width] += dcols[:, :, :, i, j]
    top, left = (kh - 1) // 2, (kw - 1) // 2
    return np.ascontiguousarray(dxp[:, top : top + h, left : left + width])


def base_pool(x):
    n, h, w, c = x.shape
    return x.reshape(n, h // 2, 2, w // 2, 2, c).max(axis=(2, 4))


def base_pool_grad(x, g):
    n, h, w, c = x.shape
    windows = x.reshape(n, h // 2, 2, w // 2, 2, c).transpose(0, 1, 3, 5, 2, 4)
    first_max = windows.reshape(n, h // 2, w // 2, c, 4).argmax(axis=-1)
    chosen = first_max[..., None] == np.arange(4)
    dwin = np.where(chosen, g[..., None], np.float32(0)).reshape(n, h // 2, w // 2, c, 2, 2)
    return np.ascontiguousarray(dwin.transpose(0, 1, 4, 2, 5, 3)).reshape(x.shape)


# --- the two layers, forward and backward, with either set of kernels ------------------------


def ours_forward(x, w1, w2):
    z1 = ck.conv2d(x, w1, [1, 1, 1, 1], "SAME")
    r1 = np.maximum(z1, 0)
    h1 = ck.max_pool(r1, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    z2 = ck.conv2d(h1, w2, [1, 1, 1, 1], "SAME")
    r2 = np.maximum(z2, 0)
    h2 = ck.max_pool(r2, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    return z1, r1, h1, z2, r2, h2


def ours_step(x, w1, w2, g2):
    z1, r1, h1, z2, r2, h2 = ours_forward(x, w1, w2)
    ones, pool = [1, 1, 1, 1], [1, 2, 2, 1]
    dr2 = ck.max_pool_grad(r2, h2, g2, pool, pool, "SAME")
    dz2 = dr2 * (z2 > 0)
    dw2 = ck.conv2d_backprop_filter(h1, w2.shape, dz2, ones, "SAME")
    dh1 = ck.conv2d_backprop_input(h1.shape, w2, dz2, ones, "SAME")
    dr1 = ck.max_pool_grad(r1, h1, dh1, pool, pool, "SAME")
    dz1 = dr1 * (z1 > 0)
    dw1 = ck.conv2d_backprop_filter(x, w1.shape, dz1, ones, "SAME")
    return h2, dw1, dw2


def base_forward(x, w1, w2):
    z1 = base_conv(x, w1)
    r1 = np.maximum(z1, 0)
    h1 = base_pool(r1)
    z2 = base_conv(h1, w2)
    r2 = np.maximum(z2, 0)
    h2 = base_pool(r2)
    return z1, r1, h1, z2, r2, h2


def base_step(x, w1, w2, g2):
    z1, r1, h1, z2, r2, h2 = base_forward(x, w1, w2)
    dr2 = base_pool_grad(r2, g2)
    dz2 = dr2 * (z2 > 0)
    dw2 = base_conv_filter_grad(h1, w2.shape, dz2)
    dh1 = base_conv_input_grad(h1.shape, w2, dz2)
    dr1 = base_pool_grad(r1, dh1)
    dz1 = dr1 * (z1 > 0)
    dw1 = base_conv_filter_grad(x, w1.shape, dz1)
    return h2, dw1, dw2


# --- timing ------------------------------------------------------------------------------------


def _time_ms(funcs, repeats):
    """Run the functions alternately; return each one's (median, best) CPU time in ms.

    CPU time of this process (one BLAS thread): on the shared machine, wall time mostly
    measures the other processes."""
    times = [[] for _ in funcs]
    for func in funcs:
        func()  # warm up
    for _ in range(repeats):
        for slot, func in zip(times, funcs, strict=True):
            start = time.process_time()
            func()
            slot.append(time.process_time() - start)
    return [(statistics.median(t) * 1e3, min(t) * 1e3) for t in times]


def _with_algorithm(name, func):
    """``func`` run with smallflow.config's convolution algorithm set to ``name``."""

    def run():
        previous = config.get_conv_algorithm()
        config.set_conv_algorithm(name)
        try:
            return func()
        finally:
            config.set_conv_algorithm(previous)

    return run


def _inputs(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((BATCH, 28, 28, 1), dtype=np.float32)
    w1 = rng.standard_normal((5, 5, 1, 32), dtype=np.float32) * np.float32(0.1)
    w2 = rng.standard_normal((5, 5, 32, 64), dtype=np.float32) * np.float32(0.1)
    g2 = rng.standard_normal((BATCH, 7, 7, 64), dtype=np.float32)
    return x, w1, w2, g2


def _check_agreement(x, w1, w2, g2):
    ours = ours_step(x, w1, w2, g2)
    base = base_step(x, w1, w2, g2)
    for name, a, b in zip(("h2", "dw1", "dw2"), ours, base, strict=True):
        if a.dtype != np.float32 or not a.flags.c_contiguous:
            raise SystemExit(f"{name}: expected C-contiguous float32, got {a.dtype}")
        scale = float(np.abs(b).max()) or 1.0
        error = float(np.abs(a - b).max()) / scale
        if error > 1e-4:
            raise SystemExit(f"{name}: kernels and baseline disagree (relative error {error:.2e})")


def _kernel_breakdown(x, w1, w2, g2, repeats):
    """(median, best) time of each kernel call of one training step (ours only)."""
    z1, r1, h1, z2, r2, h2 = ours_forward(x, w1, w2)
    ones, pool = [1, 1, 1, 1], [1, 2, 2, 1]
    dz2 = ck.max_pool_grad(r2, h2, g2, pool, pool, "SAME") * (z2 > 0)
    dh1 = ck.conv2d_backprop_input(h1.shape, w2, dz2, ones, "SAME")
    dz1 = ck.max_pool_grad(r1, h1, dh1, pool, pool, "SAME") * (z1 > 0)
    calls = {
        "conv1 forward": lambda: ck.conv2d(x, w1, ones, "SAME"),
        "pool1 forward": lambda: ck.max_pool(r1, pool, pool, "SAME"),
        "conv2 forward": lambda: ck.conv2d(h1, w2, ones, "SAME"),
        "pool2 forward": lambda: ck.max_pool(r2, pool, pool, "SAME"),
        "pool2 gradient": lambda: ck.max_pool_grad(r2, h2, g2, pool, pool, "SAME"),
        "conv2 filter gradient": lambda: ck.conv2d_backprop_filter(h1, w2.shape, dz2, ones, "SAME"),
        "conv2 input gradient": lambda: ck.conv2d_backprop_input(h1.shape, w2, dz2, ones, "SAME"),
        "pool1 gradient": lambda: ck.max_pool_grad(r1, h1, dh1, pool, pool, "SAME"),
        "conv1 filter gradient": lambda: ck.conv2d_backprop_filter(x, w1.shape, dz1, ones, "SAME"),
    }
    funcs = [_with_algorithm(name, call) for call in calls.values() for name in ALGORITHMS]
    times = iter(_time_ms(funcs, repeats))
    return {label: [next(times) for _ in ALGORITHMS] for label in calls}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30, help="timed runs (default: 30)")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    if load > 0.5:
        print(f"warning: load average {load:.2f}; other processes will distort the timings")
    x, w1, w2, g2 = _inputs()
    _check_agreement(x, w1, w2, g2)

    forward = _time_ms(
        [lambda: ours_forward(x, w1, w2), lambda: base_forward(x, w1, w2)], args.repeats
    )
    step = _time_ms(
        [lambda: ours_step(x, w1, w2, g2), lambda: base_step(x, w1, w2, g2)], args.repeats
    )
    print(f"CNN conv+ReLU+pool layers, batch {BATCH}, {args.repeats} alternating runs (ms)")
    print(f"{'':20}{'conv_kernels':>20}{'baseline':>20}{'baseline/ours':>15}")
    print(f"{'':20}{'median':>10}{'best':>10}{'median':>10}{'best':>10}{'(median)':>15}")
    for label, ((ours, ours_best), (base, base_best)) in (
        ("forward", forward),
        ("forward + backward", step),
    ):
        print(
            f"{label:20}{ours:10.2f}{ours_best:10.2f}{base:10.2f}{base_best:10.2f}"
            f"{base / ours:14.2f}x"
        )
    median = step[0][0]
    verdict = "within" if median < TARGET_MS else "OVER"
    print(f"forward + backward median {median:.2f} ms: {verdict} the {TARGET_MS:.0f} ms budget")
    print("\nper kernel call (conv_kernels), median / best CPU ms, each algorithm in turn:")
    print(f"  {'':24}" + "".join(f"{name:>14}" for name in ALGORITHMS))
    for name, figures in _kernel_breakdown(x, w1, w2, g2, args.repeats).items():
        print(f"  {name:24}" + "".join(f"{ms:7.2f}{best:7.2f}" for ms, best in figures))


if __name__ == "__main__":
    main()
