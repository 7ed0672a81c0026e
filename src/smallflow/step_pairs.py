"""Two independent big kernels of a plan run side by side, one per core, each whole.

batch_split.py cuts each big kernel of a training step over the two cores: every split
kernel wakes a helper thread once (about 0.1 ms on this project's machine before the helper
runs), its parts run a little slower than the whole (two caches, per-part set-up), and a
split filter gradient adds the parts' sums. Some kernels of a step do not depend on each
other: the CNN's two gradients of the first dense layer's product (of its input and of its
weights) both read only the layer's output gradient, and its second convolution's input and
filter gradients both read only theirs. Run as a pair, one whole kernel on the calling
thread and the other on a helper, they need one wake-up instead of two and no joins, and
each computes exactly what it computes on one core (the split filter gradient's rounding of
the batch sum is gone too).

:func:`pair` moves the later step of such a pair up beside the earlier one when that cannot
change what either computes: the later step's inputs are all computed before the earlier
step, and none of them can be a variable's buffer or a view of one (a stateful step between
the two, an Adam update written in place, could otherwise have changed what the later step
reads). Its kernels are pure. The pair runs side by side only while the thread policy grants
exactly two cores and both kernels hold work of the same order (else one after the other,
each split as before); otherwise each kernel runs unchanged. An error of the moved step is
raised where that step was in the plan (a check step stays there), so an error of a step
between the two still comes first, as before.

The step right after the pair's first one may join the pair too, run after it on the same
thread, when it is a batch_split kernel reading what the first made and values made before
(the CNN: conv1's filter and bias gradients after conv2's input gradient). The calling
thread then runs those two and the helper the partner (conv2's filter gradient): about
8.3 and 7.6 ms of one core's work, where the pair alone left the helper ~2 ms idle and
the first layer's gradients needed a wake-up of their own. Inside a pair nothing splits
on its own (workers.parts is 1 there), but that step's parts (fixed by the first layer's
forward split) are posted to the pair's region: the calling thread runs them in turn, and
the helper, once done with the partner, takes the second if it has not started (about
1 ms of the ~2 ms the calling thread had beyond the helper); either way they give the split
result's bits.

A big optimizer update may join the pair too (:func:`_update_for`): the CNN's fc1 weight
update, otherwise a region of its own after conv2's gradient pair, runs on the helper after
its kernel (conv2's filter gradient, which ends ~1.5 ms before the calling thread's calls),
its blocks posted to the region so that the calling thread takes the rest once done
(workers.shared_chunks). The pair then takes its arguments as one list and hands the
update's dead inputs on one by one (ownership.take), so that the update still writes its
variable and slots in place.
"""

from . import batch_split, config, errors, ownership, workers

__all__ = ["pair"]

# Kernels (batch_split's wrappers, by name) that may be paired.
_PAIRABLE = frozenset({"split_conv_input_grad", "split_conv_filter_grad", "split_matmul"})
# Kernels run on the calling thread when paired with another (they hold the most work).
_FIRST = frozenset({"split_conv_filter_grad"})
# Op types whose outputs are new arrays, never a view of an input; a slot made by any other
# step may alias its inputs (a Reshape, an Identity, ReduceToShapeOf passing its input on).
_FRESH = frozenset({"MatMul", "Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter",
                    "MaxPool", "MaxPoolGrad", "ReluGrad", "Relu", "BiasAdd", "Softmax",
                    "SoftmaxCrossEntropyWithLogits"})
# Steps looked ahead for a partner (a plan's steps between a gradient and its partner).
_LOOKAHEAD = 40
# The smaller kernel's work over the larger's at least (below, each split is better).
_BALANCE = 0.5
# Optimizer updates that may join a pair (see _update_for), and the fewest elements of the
# variable that make it worth it (the CNN's fc1 weight has 3.2 M).
_UPDATES = frozenset({"ApplyAdam"})
_UPDATE_MIN_ELEMENTS = 1 << 20


class _Failed:
    """What a paired step's outputs hold when its kernel raised: the error, raised again by
    the check step left at the step's place in the plan."""

    __slots__ = ("error",)

    def __init__(self, error):
        self.error = error


def _named(err, op):
    """``err`` as the error of ``op`` (as Session.run names a failing step)."""
    if isinstance(err, errors.OpError):
        return type(err)(op, op, f"{err.message}\n\t [[node {op.name}]]")
    return errors.InvalidArgumentError(op, op, f"{op.type} op '{op.name}' failed: {err}")


def _slots(out):
    return (out,) if type(out) is int else tuple(out)


def _may_alias_state(steps, step_ops, stateful):
    """The slots whose value may be a variable's buffer or a view of one: made by a stateful
    op (a variable's read, an update), or by any op but those of _FRESH from such a slot."""
    aliasing = set()
    for (_, ins, out), op in zip(steps, step_ops, strict=True):
        if op.type in _FRESH:
            continue
        if stateful(op) or any(slot in aliasing for slot in ins):
            aliasing.update(_slots(out))
    return aliasing


def _pair_kernel(first, second, first_args, swap, sizes, op_second, tail=None, update=None):
    """One step running ``first`` and ``second`` (each on its own arguments, ``first_args``
    of them the first's); returns both steps' outputs. ``swap``: the second kernel runs on
    the calling thread. ``sizes``: how many outputs each step has. ``tail``: (kernel, how
    many of its arguments the step gets, its output count, its op, per argument None (the
    next of the step's) or the position of the first kernel's output it is) of a step run
    right after ``first`` on the same thread; its outputs come after the pair's.
    ``update``: (kernel, its argument count, its op) of an optimizer update run after the
    helper's kernel, its blocks shared with the calling thread once that is done (see
    _update_for); its arguments come last, its output last. With an update the pair takes
    its arguments as one list (``takes_arg_list``), so that the update's dead inputs can be
    handed on with nothing else holding them (ownership.py: it then writes in place)."""

    def outputs(result, count):
        return (result,) if count == 1 else tuple(result)

    def run_tail(result_a, c):
        kernel, _, _, op, sources = tail
        made = outputs(result_a, sizes[0])
        values = iter(c)
        args = [next(values) if source is None else made[source] for source in sources]
        try:
            return kernel(*args)
        except Exception as err:  # noqa: BLE001 - named for its own op, as Session.run does
            if isinstance(err, errors.OpError) and err.op is not None:
                raise
            raise _named(err, op) from err

    def first_part(a, c):
        result_a = first(*a)
        return result_a, (None if tail is None else run_tail(result_a, c))

    def run_update(values, inside):
        kernel, count, op = update
        start = len(values) - count
        try:
            if inside:
                with workers.shared_chunks():
                    return _call_taking(kernel, values, start, count)
            return _call_taking(kernel, values, start, count)
        except Exception as err:  # noqa: BLE001 - raised again at the step's own place
            return _Failed(_named(err, op))

    def run_pair(*args):
        values = None
        if update is not None:
            (values,) = args
            args = values[:len(values) - update[1]]
        a, b = args[:first_args], args[first_args:first_args + len(args) - first_args - (
            tail[1] if tail else 0)]
        c = args[len(args) - tail[1]:] if tail else ()
        del args
        work_a, work_b = first.work(*a), second.work(*b)
        if (config.threads_in_use() == 2 and workers.parts(2, 1) == 2
                and min(work_a, work_b) >= _BALANCE * max(work_a, work_b)
                and min(work_a, work_b) >= 2 * batch_split._MIN_WORK):
            calls = [lambda: first_part(a, c), lambda: _guarded(second, b)]
            if swap:
                calls.reverse()
            if update is not None:  # on the helper, after its kernel
                helper = calls[1]
                calls[1] = lambda: (helper(), run_update(values, True))
            with config.one_blas_thread():
                results = workers.run_together(calls)
            if update is not None:
                results[1], result_u = results[1]
            if swap:
                results.reverse()
            (result_a, result_c), result_b = results
        else:
            result_a, result_c = first_part(a, c)
            result_b = _guarded(second, b)
            if update is not None:
                result_u = run_update(values, False)
        joined = [*outputs(result_a, sizes[0])]
        if type(result_b) is _Failed:
            joined += [result_b] * sizes[1]
        else:
            joined += outputs(result_b, sizes[1])
        if tail is not None:
            joined += outputs(result_c, tail[2])
        if update is not None:
            joined.append(result_u)
        return tuple(joined)

    def _guarded(kernel, args):
        try:
            return kernel(*args)
        except Exception as err:  # noqa: BLE001 - raised again at the step's own place
            return _Failed(_named(err, op_second))

    run_pair.kernels = (first, second) if tail is None else (first, second, tail[0])
    if update is not None:
        run_pair.kernels += (update[0],)
        run_pair.takes_dead_inputs = run_pair.takes_arg_list = True
    run_pair.second_op = op_second  # for tables that name a step by its op
    return run_pair


def _call_taking(kernel, values, start, count):
    """``kernel(*values[start:start + count])``, each argument taken out of ``values`` and
    passed on its own (ownership.take), so that a dead input's only references are the
    kernel's parameter and what ownership.py's count expects (a star-call's tuple would hold
    one more)."""
    t = ownership.take
    s = start
    if count == 10:  # ApplyAdam
        return kernel(t(values, s), t(values, s + 1), t(values, s + 2), t(values, s + 3),
                      t(values, s + 4), t(values, s + 5), t(values, s + 6), t(values, s + 7),
                      t(values, s + 8), t(values, s + 9))
    return kernel(*[t(values, i) for i in range(s, s + count)])


def _check_kernel(*values):
    """The moved step's place: raise its error, if it had one."""
    for value in values:
        if type(value) is _Failed:
            raise value.error


def _partner(steps, step_ops, index, producer, aliasing, taken):
    """The index of a later step to run beside step ``index``, or None."""
    for later in range(index + 1, min(index + 1 + _LOOKAHEAD, len(steps))):
        kernel, ins, _ = steps[later]
        if (later in taken or getattr(kernel, "__name__", None) not in _PAIRABLE
                or getattr(kernel, "__module__", None) != batch_split.__name__):
            continue
        if all(producer.get(slot, -1) < index and slot not in aliasing for slot in ins):
            return later
    return None


def pair(steps, step_ops, stateful):
    """The plan's steps and their ops with independent big kernels paired (see the module's
    docstring); unchanged when there is nothing to pair. ``stateful(op)``: whether an op
    reads or writes state (its outputs may then be a variable's buffer)."""
    producer = {}
    for index, (_, _, out) in enumerate(steps):
        for slot in _slots(out):
            producer[slot] = index
    aliasing = _may_alias_state(steps, step_ops, stateful)
    partners = {}
    tails = {}  # pair's first step -> the step run after it on its thread
    taken = set()
    for index, (kernel, _, _) in enumerate(steps):
        if (index in taken or getattr(kernel, "__name__", None) not in _PAIRABLE
                or getattr(kernel, "__module__", None) != batch_split.__name__):
            continue
        later = _partner(steps, step_ops, index, producer, aliasing, taken)
        if later is not None:
            partners[index] = later
            taken.update((index, later))
            if _is_tail(steps, step_ops, index, later, producer, stateful, taken):
                tails[index] = index + 1
                taken.add(index + 1)
    if not partners:
        return steps, step_ops
    updates = {}  # pair's first step -> (update step, read steps moved up before the pair)
    made_at = dict(producer)  # where each value is made once the partners have moved up
    for index, later in partners.items():
        for slot in _slots(steps[later][2]):
            made_at[slot] = index
    for index in sorted(partners, reverse=True):
        found = _update_for(steps, step_ops, index, made_at, stateful, taken)
        if found is not None:
            updates[index] = found
            taken.add(found[0])
    moved = set(partners.values())
    followers = set(tails.values())
    hoisted = {read for _, reads in updates.values() for read in reads}
    updated = {u for u, _ in updates.values()}
    new_steps, new_ops = [], []
    for index, (step, op) in enumerate(zip(steps, step_ops, strict=True)):
        if index in followers or index in hoisted:  # inside the pair / before it
            continue
        if index in moved or index in updated:  # its check stays here
            new_steps.append((_check_kernel, _slots(step[2]), ()))
            new_ops.append(op)
            continue
        if index not in partners:
            new_steps.append(step)
            new_ops.append(op)
            continue
        later = partners[index]
        (first, ins_a, out_a), (second, ins_b, out_b) = step, steps[later]
        ins, outs = (*ins_a, *ins_b), (*_slots(out_a), *_slots(out_b))
        tail = None
        if index in tails:
            follower, f_ins, f_out = steps[tails[index]]
            made = _slots(out_a)
            sources = tuple(made.index(slot) if slot in made else None for slot in f_ins)
            passed = tuple(slot for slot in f_ins if slot not in made)
            tail = (follower, len(passed), len(_slots(f_out)), step_ops[tails[index]], sources)
            ins, outs = (*ins, *passed), (*outs, *_slots(f_out))
        # The kernel with the most work on the calling thread, which starts at once: a
        # filter gradient, or the first kernel and the step after it.
        swap = tail is None and second.__name__ in _FIRST and first.__name__ not in _FIRST
        update = None
        if index in updates:
            u, reads = updates[index]
            for read in reads:  # the update's own slots, read before the pair now
                new_steps.append(steps[read])
                new_ops.append(step_ops[read])
            kernel_u, ins_u, out_u = steps[u]
            update = (kernel_u, len(ins_u), step_ops[u])
            ins, outs = (*ins, *ins_u), (*outs, *_slots(out_u))
        kernel = _pair_kernel(first, second, len(ins_a), swap,
                              (len(_slots(out_a)), len(_slots(out_b))), step_ops[later], tail,
                              update)
        new_steps.append((kernel, ins, outs))
        new_ops.append(op)
    return new_steps, new_ops


def _is_tail(steps, step_ops, index, later, producer, stateful, taken):
    """Whether the step after ``index`` can run right after it on its thread, inside the
    pair with ``later``: a pure batch_split kernel reading what ``index`` made and values
    made before it (not the partner's outputs), not already taken."""
    follower = index + 1
    if follower >= later or follower in taken:
        return False
    kernel, ins, _ = steps[follower]
    if getattr(kernel, "__module__", None) != batch_split.__name__ or stateful(
            step_ops[follower]):
        return False
    return (all(producer.get(slot, -1) <= index for slot in ins)
            and any(producer.get(slot) == index for slot in ins))


def _var_names(op):
    """The variables a stateful op writes (optimizer updates name them), or None."""
    names = op.attrs.get("var_names") if hasattr(op, "attrs") else None
    return None if names is None else set(names)


def _update_for(steps, step_ops, index, producer, stateful, taken):
    """(update step, read steps to move before the pair) of a big optimizer update that can
    run inside the pair at ``index``, after the helper's kernel, or None.

    The update (an ``ApplyAdam`` of at least _UPDATE_MIN_ELEMENTS, the first such after the
    pair) must read only values made before the pair, or its own slots' reads (VariableV2)
    placed between the pair and it, which move up before the pair; between the pair and the
    update no step may read one of its variables from the store or change any state but
    other variables' updates (named by their ``var_names``). A value of its variable that a
    later step still reads stays referenced, so the update then writes new arrays
    (ownership.py) and that step still sees the old value, as before.
    """
    for u in range(index + 1, min(index + 1 + _LOOKAHEAD, len(steps))):
        op = step_ops[u]
        if op.type not in _UPDATES or u in taken:
            continue
        shape = op.inputs[0].shape
        if not shape.is_fully_defined() or shape.num_elements() < _UPDATE_MIN_ELEMENTS:
            continue
        names = _var_names(op)
        if not names:
            return None
        reads = []
        for slot in steps[u][1]:
            made = producer.get(slot, -1)
            if made < index:
                continue
            if (index < made < u and step_ops[made].type == "VariableV2"
                    and step_ops[made].attrs.get("var_name") in names
                    and not steps[made][1]):
                reads.append(made)
                continue
            return None
        for between in range(index + 1, u):
            other = step_ops[between]
            if between in reads or not stateful(other):
                continue
            if other.type == "VariableV2":
                if other.attrs.get("var_name") in names:
                    return None
                continue
            written = _var_names(other)
            if written is None or written & names:
                return None
        return u, sorted(set(reads))
    return None
