"""Running a training step's big kernels on two cores at once: each on part of the batch.

With two free cores the thread policy (config.py) first gave the BLAS two threads. That
gained little for the tutorial's CNN (session 6: 71.7 ms a step against 82.8 at one thread):
most of the step is not one big product but many medium ones (Winograd's 49 products of a
few dozen columns, im2col blocks), each split by OpenBLAS between two threads with a
synchronisation, and the copies, transforms and pooling around them ran on one core anyway.
Here the whole kernel is split instead: the examples of the batch are cut into one part per
granted core, each part runs the unchanged kernel on its own Python thread with one BLAS
thread (NumPy releases the GIL inside BLAS calls and large ufunc loops), and the parts'
results are joined. Every pass of the kernel then runs on both cores, not just its products.

:func:`wrap` replaces the kernel of each such step of a compiled plan (after fusion.py) by a
splitting one; the kernels themselves are not changed. The steps split, and how their parts
join:

* Conv2D forward, also fused with bias, ReLU and max-pool (fusion.py): the input's examples
  are cut; each output's parts are joined along the batch (the same values, bit for bit: an
  example's result never depends on the others).
* Conv2DBackpropInput: the output gradient's examples are cut (the input size's first entry
  follows); joined along the batch, bit for bit.
* Conv2DBackpropFilter: input and output gradient are cut; the parts' filter gradients are
  summed. That changes the order of the sum over the batch, so the result differs from the
  unsplit kernel's by float32 rounding (tests/test_batch_split.py bounds it), as
  TensorFlow's own multi-threaded filter gradient does.
* MatMul (2-D float): the output's rows are cut when it has more rows than columns, else its
  columns; each part is one product of the same depth written into its slice of the output.

A step is split only when the policy grants more than one core for the run
(``config.threads_in_use()``), the call is not already on a helper thread, the arrays are
plain float NumPy arrays and each part gets enough work (below that, waking a thread costs
more than it saves). Otherwise the original kernel runs, as before: a busy machine, where the
policy grants one core, runs exactly the unsplit kernels. Whether splitting pays for a given
plan is measured by the policy's trial (one core against the granted ones) like the BLAS
threads were.
"""

import threading

import numpy as np

from . import config, matmul_forms, workers

__all__ = ["splits", "wrap"]

# Examples a part of a convolution gets at least.
_MIN_EXAMPLES = 4
# Multiply-adds a part must hold at least: a helper thread's wake-up and the join cost
# some tens of microseconds, about 0.1 M multiply-adds at this machine's sgemm rate.
_MIN_WORK = 2_000_000
# Rows (or columns) of a product a part gets at least.
_MIN_ROWS = 16
_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def _parts(count, work):
    """How many parts to cut ``count`` examples (or rows) into, holding ``work`` in all."""
    cores = workers.parts(count, 1)
    if cores <= 1:
        return 1
    return max(1, min(cores, work // _MIN_WORK, count))


def _bounds(count, parts):
    """``parts`` contiguous (start, stop) ranges covering ``range(count)``, sizes within 1."""
    edges = [count * index // parts for index in range(parts + 1)]
    return list(zip(edges[:-1], edges[1:], strict=True))


def _plain(*arrays):
    return all(type(a) is np.ndarray and a.dtype in _FLOATS for a in arrays)


def _run(calls):
    with config.one_blas_thread():
        return workers.run_together(calls)


def _outputs(result):
    return result if isinstance(result, tuple) else (result,)


def _packed(joiner, results):
    """The joiner's outputs shaped as ``results[0]`` is (a tuple or one array)."""
    joined = joiner.outputs()
    if joined is None or any(array is None for array in joined):
        raise ValueError("the parts of a split kernel gave outputs that cannot be joined")
    return tuple(joined) if isinstance(results[0], tuple) else joined[0]


class _Joiner:
    """Joins the parts' outputs along the batch from inside the parts' own calls.

    Each part, once computed, copies its outputs into their slices of the joined arrays on
    its own thread (the copies of a big activation are a pass over memory worth sharing,
    and done there they need no second round of waking a helper thread). The first part to
    finish makes the joined arrays from its outputs' shapes. A stand-in (a read-only
    zero-stride view the fused conv returns for shape-only readers, see fusion.py) is made
    again at the whole batch's shape; outputs that are not arrays are left to the caller
    (:meth:`outputs` gives None at their positions)."""

    __slots__ = ("_bounds", "_lock", "_arrays", "_copied", "_mismatch")

    def __init__(self, bounds):
        self._bounds = bounds
        self._lock = threading.Lock()
        self._arrays = None  # position -> joined array, or None (not an array)
        self._copied = ()  # positions copied part by part
        self._mismatch = False

    def _make(self, outputs):
        count = self._bounds[-1][1]
        arrays, copied = [], []
        for position, head in enumerate(outputs):
            if type(head) is not np.ndarray:
                arrays.append(None)
                continue
            shape = (count, *head.shape[1:])
            if head.ndim and not any(head.strides):
                arrays.append(np.broadcast_to(np.zeros((), dtype=head.dtype), shape))
            else:
                arrays.append(np.empty(shape, dtype=head.dtype))
                copied.append(position)
        self._arrays, self._copied = arrays, tuple(copied)

    def take(self, index, result):
        """Copy part ``index``'s outputs into the joined arrays; returns ``result``."""
        outputs = _outputs(result)
        with self._lock:
            if self._arrays is None:
                self._make(outputs)
        arrays = self._arrays
        start, stop = self._bounds[index]
        if len(outputs) != len(arrays):
            self._mismatch = True
            return result
        for position, (value, joined) in enumerate(zip(outputs, arrays, strict=True)):
            if (joined is None) != (type(value) is not np.ndarray):
                self._mismatch = True
            elif position in self._copied:
                if value.shape != (stop - start, *joined.shape[1:]):
                    self._mismatch = True
                else:
                    joined[start:stop] = value
        return result

    def outputs(self):
        """The joined outputs by position (None where not arrays), or None when the parts'
        outputs did not match (which are arrays, their shapes)."""
        if self._mismatch or self._arrays is None:
            return None
        return self._arrays


class _Parts:
    """A split step's output that is not an array and cannot be joined (what a training step
    keeps of the first layer's activation: conv_phases.PooledActivation): the parts' values,
    the examples each covers, and the input slices they were computed from. Only readers
    that run part by part (:data:`_PART_READERS`) get one; see :func:`wrap`."""

    __slots__ = ("values", "bounds", "source", "inputs")

    def __init__(self, values, bounds, source, inputs):
        self.values, self.bounds, self.source, self.inputs = values, bounds, source, inputs


def _conv_forward(kernel, per_example, passable=frozenset()):
    """A Conv2D-like kernel ``kernel(x, *rest)`` split over ``x``'s examples. Outputs at the
    positions in ``passable`` may be :class:`_Parts` (their readers run part by part)."""
    joinable = [True]

    def split_conv_forward(x, *rest):
        if not (joinable[0] and _plain(x) and x.ndim == 4):
            return kernel(x, *rest)
        count = x.shape[0]
        parts = _parts(count // _MIN_EXAMPLES, count * per_example(x, *rest))
        if parts == 1:
            return kernel(x, *rest)
        bounds = _bounds(count, parts)
        inputs = [x[a:b] for a, b in bounds]
        joiner = _Joiner(bounds)
        results = _run([lambda i=i, part=part: joiner.take(i, kernel(part, *rest))
                        for i, part in enumerate(inputs)])
        first = _outputs(results[0])
        others = {position for position, value in enumerate(first)
                  if type(value) is not np.ndarray}
        joined = joiner.outputs()
        if joined is not None and not others:
            return tuple(joined) if isinstance(results[0], tuple) else joined[0]
        if joined is None or not others <= passable:
            # Something else than arrays that a reader could not take part by part: this
            # step runs whole from now on.
            joinable[0] = False
            return kernel(x, *rest)
        combined = tuple(
            _Parts([_outputs(result)[position] for result in results], bounds, x, inputs)
            if position in others else joined[position] for position in range(len(first)))
        return combined if isinstance(results[0], tuple) else combined[0]

    return split_conv_forward


def _part_reader(kernel, batch_args, sum_results):
    """A kernel reading a :class:`_Parts` as its first argument, run part by part: the
    arguments at ``batch_args`` are cut by the same examples (the forward's own input slices
    when the argument is that input: a reader may check it is the same array), the others
    passed whole; the parts' results are joined along the batch or, with ``sum_results``,
    summed (filter and bias gradients)."""

    def split_part_reader(first, *rest):
        if type(first) is not _Parts:
            return kernel(first, *rest)
        bounds = first.bounds

        def part(index, a, b):
            args = [first.values[index]]
            for position, value in enumerate(rest, 1):
                if position not in batch_args:
                    args.append(value)
                elif value is first.source:
                    args.append(first.inputs[index])
                else:
                    args.append(value[a:b])
            return kernel(*args)

        if not sum_results:
            joiner = _Joiner(bounds)
            results = _run([lambda i=i, a=a, b=b: joiner.take(i, part(i, a, b))
                            for i, (a, b) in enumerate(bounds)])
            return _packed(joiner, results)
        results = _run([lambda i=i, a=a, b=b: part(i, a, b) for i, (a, b) in enumerate(bounds)])
        totals = [np.add(*values) for values in zip(*(_outputs(r) for r in results[:2]),
                                                     strict=True)]
        for result in results[2:]:
            for total, value in zip(totals, _outputs(result), strict=True):
                total += value
        return tuple(totals) if isinstance(results[0], tuple) else totals[0]

    return split_part_reader


def _conv_input_grad(kernel):
    """Conv2DBackpropInput ``kernel(sizes, w, grad)`` split over the gradient's examples."""

    def split_conv_input_grad(sizes, w, grad):
        if not (_plain(w, grad) and grad.ndim == 4 and w.ndim == 4):
            return kernel(sizes, w, grad)
        count = grad.shape[0]
        work = grad[0].size * w.shape[0] * w.shape[1] * w.shape[2]
        parts = _parts(count // _MIN_EXAMPLES, count * work)
        if parts == 1:
            return kernel(sizes, w, grad)
        sizes = np.asarray(sizes)

        def part(a, b):
            shape = sizes.copy()
            shape[0] = b - a
            return kernel(shape, w, grad[a:b])

        bounds = _bounds(count, parts)
        joiner = _Joiner(bounds)
        results = _run([lambda i=i, a=a, b=b: joiner.take(i, part(a, b))
                        for i, (a, b) in enumerate(bounds)])
        return _packed(joiner, results)

    def work(sizes, w, grad):
        if not (_plain(w, grad) and grad.ndim == 4 and w.ndim == 4):
            return 0
        return grad.size * w.shape[0] * w.shape[1] * w.shape[2]

    split_conv_input_grad.work = work
    return split_conv_input_grad


def _conv_filter_grad(kernel):
    """Conv2DBackpropFilter ``kernel(x, sizes, grad)``: parts over the examples, summed."""

    def split_conv_filter_grad(x, sizes, grad):
        if not (_plain(x, grad) and x.ndim == 4 and grad.ndim == 4):
            return kernel(x, sizes, grad)
        count = x.shape[0]
        shape = np.asarray(sizes).reshape(-1)
        taps = int(np.prod(shape[:3])) if shape.size == 4 else 0
        parts = _parts(count // _MIN_EXAMPLES, count * grad[0].size * taps)
        if parts == 1:
            return kernel(x, sizes, grad)
        results = _run([lambda a=a, b=b: kernel(x[a:b], sizes, grad[a:b])
                        for a, b in _bounds(count, parts)])
        total = np.add(results[0], results[1])  # a new array: the parts' may be views
        for result in results[2:]:
            total += result
        return total

    def work(x, sizes, grad):
        shape = np.asarray(sizes).reshape(-1)
        if not (_plain(x, grad) and x.ndim == 4 and grad.ndim == 4 and shape.size == 4):
            return 0
        return grad.size * int(np.prod(shape[:3]))

    split_conv_filter_grad.work = work
    return split_conv_filter_grad


def _matmul(kernel, transpose_a, transpose_b):
    """A 2-D MatMul cut along the output's longer side into slices of one output array."""

    columns_axis = 0 if transpose_b else 1
    turned = transpose_b and not transpose_a

    def split_matmul(a, b):
        # Cheap tests first: small products (the beginners' tutorial's step) pay only these.
        if (type(a) is not np.ndarray or type(b) is not np.ndarray or a.ndim != 2
                or b.ndim != 2 or a.size * b.shape[columns_axis] < 2 * _MIN_WORK
                or a.dtype != b.dtype or a.dtype not in _FLOATS):
            return kernel(a, b)
        left = a.T if transpose_a else a
        right = b.T if transpose_b else b
        rows, depth = left.shape
        if right.shape[0] != depth:
            return kernel(a, b)  # the kernel raises NumPy's error
        columns = right.shape[1]
        by_rows = rows > columns
        parts = _parts(max(rows, columns) // _MIN_ROWS, rows * depth * columns)
        if parts == 1:
            return kernel(a, b)
        out = np.empty((rows, columns), dtype=a.dtype)
        size = rows if by_rows else columns

        def part(start, stop):
            if turned:  # a @ b.T, each part turned around where that is faster
                if by_rows:
                    matmul_forms.product_transposed_b(a[start:stop], b, out=out[start:stop])
                else:
                    matmul_forms.product_transposed_b(a, b[start:stop], out=out[:, start:stop])
            elif by_rows:
                np.matmul(left[start:stop], right, out=out[start:stop])
            else:
                np.matmul(left, right[:, start:stop], out=out[:, start:stop])

        _run([lambda s=s, e=e: part(s, e) for s, e in _bounds(size, parts)])
        return out

    def work(a, b):
        if not (_plain(a, b) and a.ndim == 2 and b.ndim == 2):
            return 0
        return a.size * b.shape[columns_axis]

    split_matmul.work = work
    return split_matmul


def _conv_work(x, w, *_):
    """Multiply-adds of one example of a convolution (by im2col's count)."""
    if not (type(w) is np.ndarray and w.ndim == 4):
        return 0
    return x.shape[1] * x.shape[2] * w.shape[0] * w.shape[1] * w.shape[2] * w.shape[3]


# (module, function name) of a kernel -> its splitting wrapper's maker.
_SPLITTERS = {
    ("smallflow.fusion", "conv2d_bias_relu"): lambda kernel, passable: _conv_forward(
        kernel, _conv_work, passable),
    ("smallflow.ops.conv_ops", "conv2d_nhwc"): lambda kernel, passable: _conv_forward(
        kernel, _conv_work),
    ("smallflow.ops.conv_ops", "conv2d_backprop_input"): lambda kernel, _: _conv_input_grad(
        kernel),
    ("smallflow.ops.conv_ops", "conv2d_backprop_filter"): lambda kernel, _: _conv_filter_grad(
        kernel),
}
# Kernels (fusion.py) that take a PooledActivation as their first argument, and so may get a
# _Parts there: (module, name) -> (positions of the other arguments cut by examples, whether
# the parts' results are summed).
_PART_READERS = {
    ("smallflow.fusion", "relu_max_pool_grad"): ((1, 2), False),
    # (activation, y, grad, x, sizes, *like): the filter's and the bias's gradients.
    ("smallflow.fusion", "conv_filter_bias_grads"): ((1, 2, 3), True),
}


def _key(kernel):
    return getattr(kernel, "__module__", None), getattr(kernel, "__name__", None)


def _splitter(kernel, op, passable):
    if op.type == "MatMul":
        return _matmul(kernel, bool(op.attrs.get("transpose_a")),
                       bool(op.attrs.get("transpose_b")))
    key = _key(kernel)
    if key in _PART_READERS:
        return _part_reader(kernel, *_PART_READERS[key])
    maker = _SPLITTERS.get(key)
    return None if maker is None else maker(kernel, passable)


def _passable(index, out, steps):
    """Output positions of step ``index`` read only as the first argument of part readers
    (those outputs may be handed on part by part)."""
    slots = (out,) if type(out) is int else out
    positions = set()
    for position, slot in enumerate(slots):
        readers = [(i, ins.index(slot)) for i, (_, ins, _) in enumerate(steps)
                   if i != index and slot in ins]
        if readers and all(
                _key(steps[i][0]) in _PART_READERS and place == 0
                and steps[i][1].count(slot) == 1 for i, place in readers):
            positions.add(position)
    return frozenset(positions)


def wrap(steps, step_ops):
    """The plan's steps with each splittable kernel replaced by its splitting wrapper.

    A forward step's output may stay in parts (see :class:`_Parts`) only when every reader
    of it takes parts; fetched values are never such outputs (fusion.py leaves a
    PooledActivation only where nothing but the pool's gradient reads it)."""
    wrapped = []
    for index, ((kernel, ins, out), op) in enumerate(zip(steps, step_ops, strict=True)):
        passable = frozenset()
        if _key(kernel) == ("smallflow.fusion", "conv2d_bias_relu"):
            passable = _passable(index, out, steps)
        splitter = _splitter(kernel, op, passable)
        wrapped.append((kernel if splitter is None else splitter, ins, out))
    return wrapped


def splits(steps):
    """Whether any of a plan's steps is a splitting wrapper (see config.apply)."""
    return any(getattr(inner, "__module__", None) == __name__ for kernel, _, _ in steps
               for inner in getattr(kernel, "kernels", (kernel,)))  # step_pairs' pairs too
