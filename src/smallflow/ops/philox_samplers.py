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


# -- RandomGamma and RandomPoisson -----------------------------------------------------------
#
# Both kernels give output ``i`` (rates/alphas outermost: ``i = param * num_samples + j``) its
# own part of the stream, 256 blocks from ``start + 256 * i``, and run a rejection loop on it,
# so the numbers do not depend on the split between threads. The common first try of every
# output is computed for all outputs at once; the few outputs it rejects run the loop one by
# one. Arithmetic is in float64 for every output dtype, as in TensorFlow 2's kernels (1.x's
# gamma computed float16/32 outputs in float32; _gamma_one keeps that path's arithmetic).


def _output_blocks(stream, start, outputs, count):
    """Blocks ``0 .. count - 1`` of each output's part: ``[len(outputs), count, 4]``."""
    offsets = (np.asarray(outputs, dtype=np.uint64)[:, None] * np.uint64(philox.RESERVED_PER_OUTPUT)
               + np.arange(count, dtype=np.uint64))
    return philox.philox_blocks(stream.key, start, offsets)


def _normals_of_block(block, compute):
    """The normals one block gives: four float32 (two Box-Muller pairs) or two float64."""
    block = np.asarray(block)
    if compute == np.float64:
        first, second = philox._box_muller_double(*(block[..., i] for i in range(4)))
        return np.stack([first, second], axis=-1)
    sine, cosine = philox._box_muller_float(block[..., 0::2], block[..., 1::2])
    return np.stack([sine, cosine], axis=-1).reshape(*block.shape[:-1], 4)


def _uniforms_of_block(block, compute):
    """The uniforms one block gives: four float32 or two float64 in [0, 1)."""
    block = np.asarray(block)
    if compute == np.float64:
        return np.stack([philox._unit_float64(block[..., 0], block[..., 1]),
                         philox._unit_float64(block[..., 2], block[..., 3])], axis=-1)
    return philox._unit_float32(block)


def _log(values, compute):
    return np.log(np.asarray(values, dtype=np.float64)).astype(compute)


def _pow(base, exponent, compute):
    return np.power(np.asarray(base, dtype=np.float64),
                    np.asarray(exponent, dtype=np.float64)).astype(compute)


def gamma(stream, alpha, num_samples, dtype):
    """``RandomGamma``'s CPU kernel: ``[num_samples, *alpha.shape]`` Gamma(alpha, 1) samples.

    Marsaglia and Tsang's method in float64 on the output's own stream: a block of normals
    and a block of uniforms (two of each per block), each used from its last value; a
    normal giving ``v <= 0`` is skipped, a rejected pair tried again with the next values;
    alpha < 1 is boosted by one and scaled by ``u ** (1 / alpha)`` with the next uniform;
    alpha == 1 is ``-log1p(-u)`` of the first uniform.
    """
    dtype = np.dtype(dtype)
    compute = np.float64  # TensorFlow 2's kernel computes in double for every dtype
    alpha = np.asarray(alpha).reshape(-1)
    count = alpha.size * num_samples
    out = np.empty(count, dtype=dtype)
    if count == 0:
        return out.reshape(num_samples, *np.shape(alpha))
    start = stream.reserve(count)
    one, third = compute(1), compute(1) / compute(3)
    alphas = alpha.astype(compute)
    less = alphas < one
    d = alphas + np.where(less, compute(2) / compute(3), compute(-1) / compute(3))
    c = third / np.sqrt(d)
    outputs = np.arange(count)
    which = outputs // num_samples  # the alpha of each output
    positions = (outputs % num_samples) * alpha.size + which
    with np.errstate(all="ignore"):
        blocks = _output_blocks(stream, start, outputs, 2)
        x = _normals_of_block(blocks[:, 0], compute)[:, -1]
        uniforms = _uniforms_of_block(blocks[:, 1], compute)
        u, u_next = uniforms[:, -1], uniforms[:, -2]
        dd, cc = d[which], c[which]
        v = one + cc * x
        positive = v > 0
        v = v * v * v
        square = x * x
        accept = positive & ((u < one - compute(0.0331) * square * square)
                             | (_log(u, compute) < compute(0.5) * x * x
                                + dd * (one - v + _log(v, compute))))
        result = dd * v
        boost = less[which]
        result[boost] *= _pow(u_next[boost], one / alphas[which][boost], compute)
        # alpha exactly 1: an exponential sample from the first uniform, no rejection
        exponential = alphas[which] == one
        first_uniform = _uniforms_of_block(blocks[:, 0], compute)[:, -1]
        result[exponential] = -_c_function("log1p", np.float64)(-first_uniform[exponential])
        accept |= exponential
        out[positions[accept]] = result[accept].astype(dtype)
        for output in np.flatnonzero(~accept):
            value = _gamma_one(stream, start, output, alphas[which[output]], d[which[output]],
                               c[which[output]], compute)
            out[positions[output]] = dtype.type(value)
    return out.reshape(num_samples, *np.shape(alpha))


def _gamma_one(stream, start, output, alpha, d, c, compute):
    """One output's rejection loop, value by value, as the kernel runs it."""
    counter = start + int(output) * philox.RESERVED_PER_OUTPUT
    normals, uniforms = [], []
    one = compute(1)

    def next_block():
        nonlocal counter
        block = philox.philox_blocks(stream.key, counter, 1)[0]
        counter += 1
        return block

    def next_uniform():
        if not uniforms:
            uniforms.extend(_uniforms_of_block(next_block(), compute))
        return compute(uniforms.pop())

    while True:
        if not normals:
            normals.extend(_normals_of_block(next_block(), compute))
        x = compute(normals.pop())
        v = one + c * x
        if v <= 0:
            continue
        v = v * v * v
        u = next_uniform()
        if (u < one - compute(0.0331) * (x * x) * (x * x)
                or _log(u, compute) < compute(0.5) * x * x + d * (one - v + _log(v, compute))):
            result = d * v
            if alpha < one:
                result *= _pow(next_uniform(), one / alpha, compute)
            return result


def poisson(stream, rate, num_samples, dtype):
    """``RandomPoissonV2``'s CPU kernel: ``[num_samples, *rate.shape]`` Poisson samples.

    In float64 on each output's own stream of uniforms (two per block, the second first):
    rates below 10 count uniforms until their running product falls to ``exp(-rate)``
    (Knuth); larger rates use Hormann's transformed rejection, one block per try.
    """
    dtype = np.dtype(dtype)
    rate = np.asarray(rate).reshape(-1)
    count = rate.size * num_samples
    out = np.empty(count, dtype=dtype)
    if num_samples == 0:
        return out.reshape(num_samples, *np.shape(rate))
    start = stream.reserve(count)
    highest = (np.finfo(dtype).max if dtype.kind == "f" else np.iinfo(dtype).max)
    rates = rate.astype(np.float64)
    outputs = np.arange(count)
    which = outputs // num_samples
    positions = (outputs % num_samples) * rate.size + which
    small = rates[which] < 10
    with np.errstate(all="ignore"):
        out[positions[small]] = _knuth(stream, start, outputs[small], rates[which[small]])
        big = ~small
        out[positions[big]] = _hormann(stream, start, outputs[big], rates[which[big]], highest)
    return out.reshape(num_samples, *np.shape(rate))


def _uniform_sequence(blocks):
    """Each output's uniforms in the order the kernel takes them: per block, words 2-3
    then words 0-1."""
    second = philox._unit_float64(blocks[..., 2], blocks[..., 3])
    first = philox._unit_float64(blocks[..., 0], blocks[..., 1])
    return np.stack([second, first], axis=-1).reshape(blocks.shape[0], -1)


def _knuth(stream, start, outputs, rates):
    result = np.zeros(len(outputs), dtype=np.float64)
    threshold = np.exp(-rates)
    pending = np.arange(len(outputs))
    blocks = 12
    while pending.size:
        uniforms = _uniform_sequence(_output_blocks(stream, start, outputs[pending], blocks))
        products = np.cumprod(uniforms, axis=1)
        reached = products <= threshold[pending, None]
        done = reached.any(axis=1)
        result[pending[done]] = reached[done].argmax(axis=1)
        pending = pending[~done]
        blocks *= 4
    return result


def _hormann(stream, start, outputs, rates, highest):
    result = np.zeros(len(outputs), dtype=np.float64)
    log_rate = np.log(rates)
    b = 0.931 + 2.53 * np.sqrt(rates)
    a = -0.059 + 0.02483 * b
    inv_alpha = 1.1239 + 1.1328 / (b - 3.4)
    square_bound = 0.9277 - 3.6224 / (b - 2)
    pending = np.arange(len(outputs))
    tries = 4
    while pending.size:
        blocks = _output_blocks(stream, start, outputs[pending], tries)
        u = philox._unit_float64(blocks[..., 2], blocks[..., 3]) - 0.5
        v = philox._unit_float64(blocks[..., 0], blocks[..., 1])
        pa, pb, prate = a[pending][:, None], b[pending][:, None], rates[pending][:, None]
        shifted = 0.5 - np.abs(u)
        k = np.floor((2 * pa / shifted + pb) * u + prate + 0.43)
        usable = ~(k > highest)
        quick = usable & (shifted >= 0.07) & (v <= square_bound[pending][:, None])
        rejected = (k < 0) | ((shifted < 0.013) & (v > shifted))
        tested = usable & ~quick & ~rejected
        s = np.log(v * inv_alpha[pending][:, None] / (pa / (shifted * shifted) + pb))
        t = np.full(k.shape, -np.inf)
        t[tested] = (-prate + k * log_rate[pending][:, None])[tested] - _lgamma(k[tested] + 1)
        accept = quick | (tested & (s <= t))
        done = accept.any(axis=1)
        first = accept.argmax(axis=1)
        rows = np.flatnonzero(done)
        result[pending[rows]] = k[rows, first[rows]]
        pending = pending[~done]
        tries *= 4
    return result


def _lgamma(values):
    """log|Gamma(x)| of positive integers (k + 1, k >= 0 here), one at a time."""
    return np.array([math.lgamma(x) for x in np.asarray(values, dtype=np.float64)])


# -- candidate samplers -------------------------------------------------------------------------


class WordReader:
    """Consecutive words of a stream from a counter on, read as TensorFlow's ``SimplePhilox``
    reads them (one word at a time, blocks in order), fetched in growing batches."""

    def __init__(self, stream, start):
        self.key = stream.key
        self.counter = start
        self.buffer = np.empty(0, dtype=np.uint32)
        self.position = 0

    def take(self, count):
        count = int(count)
        missing = self.position + count - self.buffer.size
        if missing > 0:
            blocks = max(-(-missing // 4), 64)
            fresh = philox.philox_blocks(self.key, self.counter, blocks).reshape(-1)
            self.counter += blocks
            self.buffer = np.concatenate([self.buffer[self.position:], fresh])
            self.position = 0
        out = self.buffer[self.position:self.position + count]
        self.position += count
        return out


def _doubles(pairs):
    """``RandDouble`` of word pairs (first word: the high 20 mantissa bits)."""
    return philox._unit_float64(pairs[0::2], pairs[1::2])


class RangeSampler:
    """One candidate sampler of TensorFlow's ``range_sampler.cc``, on a Philox stream.

    ``kind`` is ``log_uniform``, ``uniform``, ``learned`` (counts of the true classes seen,
    from one each) or ``unigram`` (fixed ``weights``, drawn with Walker's alias method as
    TensorFlow's DistributionSampler builds it). A run reserves ``512 * num_sampled`` blocks
    (2048 words per candidate) and reads its words in order from their start.
    """

    def __init__(self, kind, range_max, weights=None):
        self.kind = kind
        self.range = int(range_max)
        if kind == "log_uniform":
            self.log_range = math.log1p(self.range)
        elif kind == "learned":
            self.counts = np.ones(self.range, dtype=np.int64)
        elif kind == "unigram":
            self.weights = np.asarray(weights, dtype=np.float32)
            self.total = np.float32(0)
            for weight in self.weights:  # a float running sum, in order
                self.total = np.float32(self.total + weight)
            self._alias_table()

    def _alias_table(self):
        weights = self.weights
        n = weights.size
        total = 0.0
        for weight in weights:
            total += float(weight)
        scaled = (weights * np.float32(n)).astype(np.float64) / total
        scaled = scaled.tolist()
        alias = [-1] * n
        low = [i for i in range(n) if scaled[i] < 1.0]
        high = [i for i in range(n) if scaled[i] >= 1.0]
        while high and low:
            small, large = low.pop(), high.pop()
            alias[small] = large
            scaled[large] = scaled[large] - (1.0 - scaled[small])
            (low if scaled[large] < 1.0 else high).append(large)
        for index in high + low:  # rounding left these near 1: always themselves
            scaled[index] = 1.0
            alias[index] = index
        self.keep = np.array(scaled, dtype=np.float32)
        self.alias = np.array(alias, dtype=np.int64)

    def _values(self, words, count):
        """The next ``count`` tries' values, reading each kind's words per try."""
        if self.kind == "log_uniform":
            drawn = _doubles(words.take(2 * count))
            values = np.exp(drawn * self.log_range).astype(np.int64) - 1
            return values % self.range
        if self.kind == "uniform":
            pairs = words.take(2 * count).astype(np.uint64)
            return ((pairs[0::2] | (pairs[1::2] << np.uint64(32)))
                    % np.uint64(self.range)).astype(np.int64)
        if self.kind == "unigram":
            pairs = words.take(2 * count)
            threshold = philox._unit_float32(pairs[0::2])
            index = (pairs[1::2] % np.uint32(self.weights.size)).astype(np.int64)
            return np.where(threshold < self.keep[index], index, self.alias[index])
        return self._learned_values(words, count)

    def _learned_values(self, words, count):
        total = int(self.counts.sum())
        cumulative = np.cumsum(self.counts)
        if total & (total - 1) == 0:  # a power of two: mask the low bits
            picks = words.take(count) & np.uint32(total - 1)
        else:  # reject the words below (2**32 - 1) % total + 1, which would bias the modulo
            floor = (0xFFFFFFFF % total) + 1
            picks = np.empty(0, dtype=np.uint32)
            while picks.size < count:
                drawn = words.take(count - picks.size)
                picks = np.concatenate([picks, drawn[drawn >= floor] % np.uint32(total)])
        return np.searchsorted(cumulative, picks.astype(np.int64), side="right")

    def probability(self, values):
        values = np.asarray(values, dtype=np.int64)
        if self.kind == "log_uniform":
            return (np.log((values + 2.0) / (values + 1.0)) / self.log_range).astype(np.float32)
        if self.kind == "uniform":
            return np.full(values.shape, np.float32(1.0 / self.range))
        if self.kind == "learned":
            return (self.counts[values].astype(np.float32)
                    / np.float32(self.counts.sum()))
        inside = (values >= 0) & (values < self.weights.size)
        weights = np.where(inside, self.weights[np.clip(values, 0, self.weights.size - 1)], 0)
        return (weights / self.total).astype(np.float32)

    def sample(self, stream, num_sampled, unique, true_classes):
        """``(sampled, true_expected, sampled_expected)`` for one run of the op."""
        start = reserve_blocks(stream, -(-2048 * num_sampled // 4))
        words = WordReader(stream, start)
        if unique:
            # tries come in batches; those after the last needed one are never looked at
            # (each run starts from its own reserved counter)
            chosen, seen, tries = [], set(), 0
            while len(chosen) < num_sampled:
                for value in self._values(words, max(2 * (num_sampled - len(chosen)), 16)).tolist():
                    tries += 1
                    if value not in seen:
                        seen.add(value)
                        chosen.append(value)
                        if len(chosen) == num_sampled:
                            break
            sampled = np.array(chosen, dtype=np.int64)
        else:
            sampled = self._values(words, num_sampled)
            tries = num_sampled
        true_flat = np.asarray(true_classes, dtype=np.int64)
        expected = [self._expected(self.probability(values), num_sampled, tries)
                    for values in (sampled, true_flat)]
        if self.kind == "learned":
            np.add.at(self.counts, true_flat.reshape(-1), 1)
        return sampled, expected[1], expected[0]

    @staticmethod
    def _expected(probability, batch_size, tries):
        """TensorFlow's expected counts, in float32: ``p * n``, or ``1 - (1 - p) ** tries``
        when unique sampling took more tries than candidates."""
        if tries == batch_size:
            return probability * np.float32(batch_size)
        log_miss = _c_function("log1pf", np.float32)(-probability)
        return -_c_function("expm1f", np.float32)(np.float32(tries) * log_miss)


_C_FUNCTIONS = {}


def _c_function(name, dtype):
    """The C library's ``name`` (one argument) over arrays of ``dtype``, element by element:
    TensorFlow's kernels call glibc's ``log1p``/``log1pf``/``expm1f``, which are not always
    correctly rounded, and NumPy's own versions differ from them in the last bit now and
    then. Where there is no C library to load, NumPy's function rounded to ``dtype``."""
    key = (name, np.dtype(dtype))
    function = _C_FUNCTIONS.get(key)
    if function is None:
        fallback = getattr(np, name.rstrip("f"))
        try:
            import ctypes
            import ctypes.util

            libm = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
            c_function = getattr(libm, name)
            c_type = ctypes.c_float if np.dtype(dtype) == np.float32 else ctypes.c_double
            c_function.restype = c_type
            c_function.argtypes = [c_type]

            def function(values, c_function=c_function):
                values = np.asarray(values, dtype=dtype)
                return np.array([c_function(float(x)) for x in values.reshape(-1)],
                                dtype=dtype).reshape(values.shape)
        except (OSError, AttributeError, TypeError):
            def function(values, fallback=fallback):
                return fallback(np.asarray(values, dtype=np.float64)).astype(dtype)
        _C_FUNCTIONS[key] = function
    return function


# -- stateless ops ------------------------------------------------------------------------------

_STATELESS_KEY = 0x02461E29_3EC8F720  # TensorFlow's fixed key for scrambling seeds


def stateless_stream(seed):
    """The generator a stateless op of ``seed`` (two integers) draws from, as TensorFlow's
    ``GenerateKey``: the seeds, as 64-bit words, form a counter that one Philox block under a
    fixed key turns into the key (words 0-1) and the counter's upper half (words 2-3)."""
    first, second = (int(value) & _MASK64 for value in np.asarray(seed).reshape(-1)[:2])
    counter = first | second << 64
    mix = philox.philox_blocks(_STATELESS_KEY, counter, 1)[0]
    stream = philox.PhiloxStream(int(mix[0]) | int(mix[1]) << 32, int(mix[2]) | int(mix[3]) << 32)
    return stream
