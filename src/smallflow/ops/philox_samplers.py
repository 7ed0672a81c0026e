"""TensorFlow's CPU samplers on its Philox stream: shuffles, multinomial, gamma, Poisson.

Each function here consumes a ``PhiloxStream`` (``philox.py``) the way the TensorFlow CPU
kernel of the same op does: how many blocks a run reserves (which moves the op's counter),
which words become which numbers, in what order. With the same graph seed and op seed a
program then draws TensorFlow's numbers. Where TensorFlow's kernel splits the work between
threads and each piece starts its own part of the stream (the multinomial), the split is
computed with Eigen's rule for the thread count TensorFlow would use, so the numbers are
TensorFlow's for that thread count.
"""

import math
import os

import numpy as np

from . import philox

_MASK64 = (1 << 64) - 1


def reserve_blocks(stream, blocks):
    """The counter of a run that uses ``blocks`` blocks; moves the stream past them."""
    with stream._lock:
        start = stream.counter
        stream.counter = (start + int(blocks)) & philox._MASK128
    return start


def words(stream, start, count, skip_blocks=0):
    """``count`` consecutive 32-bit words from block ``start + skip_blocks`` on."""
    blocks = -(-int(count) // 4)
    if blocks == 0:
        return np.empty(0, dtype=np.uint32)
    counter = (start + int(skip_blocks)) & philox._MASK128
    return philox.philox_blocks(stream.key, counter, blocks).reshape(-1)[:count]


# -- RandomShuffle ----------------------------------------------------------------------------


def permutation(stream, size, elements=None):
    """The permutation ``RandomShuffle`` applies to a first dimension of ``size``.

    TensorFlow reserves a block per four of the ``size - 1`` words it uses and swaps, for
    ``i`` from 0, position ``i`` with ``i + word_i % (size - i)`` (a Fisher-Yates shuffle
    from the front). Nothing is drawn (and the counter does not move) for ``size <= 1`` or
    when the tensor has at most one element (``elements``).
    """
    order = list(range(size))
    if size <= 1 or (elements is not None and elements <= 1):
        return np.arange(size)
    if size >= 1 << 32:
        raise ValueError(f"random_shuffle: a first dimension of {size} is too large")
    samples = size - 1
    start = reserve_blocks(stream, -(-samples // 4))
    drawn = words(stream, start, samples)
    spans = np.arange(size, 1, -1, dtype=np.uint32)
    targets = (np.arange(samples) + drawn % spans).tolist()
    for i, j in enumerate(targets):
        order[i], order[j] = order[j], order[i]
    return np.array(order, dtype=np.int64)


# -- Multinomial ------------------------------------------------------------------------------

# Eigen's cost model (TensorCostModel.h, ThreadPoolDevice::parallelFor): a task of this many
# cycles is worth a thread, blocks aim at this many cycles.
_STARTUP_CYCLES = 100000.0
_PER_THREAD_CYCLES = 100000.0
_TASK_CYCLES = 40000.0


def tensorflow_threads(session=None):
    """The intra-op thread count TensorFlow would use for ``session``'s kernels.

    The session's ``intra_op_parallelism_threads`` when set, else the number of CPUs this
    process may run on (TensorFlow's default).
    """
    threads = getattr(session, "_threads", 0) or 0
    if threads > 0:
        return int(threads)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def parallel_for_blocks(total, cost_per_unit, threads):
    """The ``[start, limit)`` pieces TensorFlow's ``Shard`` splits ``total`` units into.

    With more than one thread TensorFlow hands the work to Eigen's ``parallelFor``: one
    piece when the total cost is below what a second thread is worth, else blocks of at
    least ``total / (4 * threads)`` units (and at least a 40,000-cycle task), grown while
    that keeps every thread as busy.
    """
    if total <= 0:
        return []
    if threads <= 1 or total == 1:
        return [(0, total)]
    cost = float(cost_per_unit)
    wanted = (total * cost - _STARTUP_CYCLES) / _PER_THREAD_CYCLES + 0.9
    if min(threads, max(1, int(min(wanted, 2**31 - 1)))) == 1:
        return [(0, total)]
    block_size_f = 1.0 / (cost / _TASK_CYCLES) if cost > 0 else float("inf")
    block_size = min(total, max(-(-total // (4 * threads)), block_size_f))
    block_size = int(block_size)
    max_block_size = min(total, 2 * block_size)
    block_count = -(-total // block_size)
    efficiency = block_count / (-(-block_count // threads) * threads)
    previous = block_count
    while efficiency < 1.0 and previous > 1:
        coarser = -(-total // (previous - 1))
        if coarser > max_block_size:
            break
        coarser_count = -(-total // coarser)
        previous = coarser_count
        coarser_efficiency = coarser_count / (-(-coarser_count // threads) * threads)
        if coarser_efficiency + 0.01 >= efficiency:
            block_size, block_count = coarser, coarser_count
            efficiency = max(efficiency, coarser_efficiency)
    return [(start, min(start + block_size, total)) for start in range(0, total, block_size)]


def multinomial(stream, logits, num_samples, out_dtype, threads):
    """``Multinomial``'s CPU kernel: ``num_samples`` class indices per row of ``logits``.

    The run reserves ``256 * batch * 2 * ceil4(num_samples)`` blocks. Rows are split into
    pieces (``parallel_for_blocks`` with the kernel's cost estimate); a piece starting at
    row ``s`` reads words from block ``s * (num_samples + 3) // 4`` on, two per sample in
    row order: a float64 uniform from 52 of their bits, times the row's total, located in
    the running sum of ``exp(logit - max)`` over the finite logits.
    """
    logits = np.asarray(logits)
    batch, classes = logits.shape
    out = np.empty((batch, num_samples), dtype=out_dtype)
    if out.size == 0:
        return out
    padded = -(-num_samples // 4) * 4 * 2
    start = reserve_blocks(stream, batch * padded * philox.RESERVED_PER_OUTPUT)
    finite = np.isfinite(logits)
    lowest = (np.finfo(logits.dtype).min if logits.dtype.kind == "f"
              else np.iinfo(logits.dtype).min)
    row_max = np.where(finite, logits, lowest).max(axis=1).astype(np.float64)
    weights = np.exp(logits.astype(np.float64) - row_max[:, None])
    weights[~finite] = 0.0
    cumulative = np.cumsum(weights, axis=1)
    totals = cumulative[:, -1]
    cost = int(50 * (num_samples * math.log(classes) / math.log(2) + classes))
    for first_row, limit_row in parallel_for_blocks(batch, cost, threads):
        rows = limit_row - first_row
        drawn = words(stream, start, rows * num_samples * 2,
                      skip_blocks=first_row * (num_samples + 3) // 4)
        drawn = drawn.reshape(rows, num_samples, 2)
        uniform = philox._unit_float64(drawn[..., 0], drawn[..., 1])
        targets = uniform * totals[first_row:limit_row, None]
        for row in range(rows):
            out[first_row + row] = np.searchsorted(cumulative[first_row + row],
                                                   targets[row], side="right")
    return out
