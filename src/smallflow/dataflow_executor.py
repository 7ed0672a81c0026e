"""TensorFlow 1.x's dataflow execution, for plans holding Switch/Merge/Enter/Exit.

Graphs TensorFlow 1.x wrote express ``tf.cond`` and ``tf.while_loop`` with the primitives of
``ops/tf1_control_flow_ops.py``. Their meaning needs a run-time scheduler: a value may be
*dead* (the untaken output of a ``Switch``; an op with a dead input does not run and makes
dead outputs, a ``Merge`` forwards its first live input), and values live in *frames* (one per
running loop, one per iteration of it; ``Enter`` moves a value into a loop's frame,
``NextIteration`` to the next iteration, ``Exit`` back out). This module is that scheduler.
A session uses it only for a plan containing one of the primitives; every other plan stays
the compiled straight-line function (see docs/architecture.md, "Graphs TensorFlow 1.x
wrote with control flow").

The scheduler is a ready queue of ``(op, frame, iteration)`` instances. An instance runs when
all its inputs have arrived in its frame and iteration (a ``Merge``: when one live input has,
or every input is dead). The queue is ordered by iteration, so an iteration's ops run before
the next iteration's (the pushes onto a gradient stack happen in iteration order). An ``Exit``
that gets a dead value (every iteration but the last) is held; when nothing more can run,
the held exits of the innermost finished frame are passed to the enclosing frame as dead
values, as TensorFlow does when it deletes a frame: a loop inside a ``cond`` branch that did
not run gives dead results, and the ``Merge`` after it takes the other branch.
"""

import heapq
import itertools

import numpy as np

from . import errors
from .graph import Operation, Tensor
from .ops.tf1_control_flow_ops import PRIMITIVES


class _Dead:
    __slots__ = ()

    def __repr__(self):
        return "DEAD"


DEAD = _Dead()
_ENTERS = frozenset({"Enter", "RefEnter"})
_EXITS = frozenset({"Exit", "RefExit"})
_NEXTS = frozenset({"NextIteration", "RefNextIteration"})
_MERGES = frozenset({"Merge", "RefMerge"})
_SWITCHES = frozenset({"Switch", "RefSwitch"})
_FORWARDERS = frozenset({*_ENTERS, *_EXITS, *_NEXTS, "LoopCond"})


def needs_frames(ops):
    """Whether a plan over ``ops`` must run here (it holds a control-flow primitive)."""
    return any(op.type in PRIMITIVES for op in ops)


class _Frame:
    """One running loop (or the root): its iterations, loop invariants and held exits."""

    __slots__ = ("children", "constants", "depth", "exited", "iterations", "name", "parent",
                 "parent_iter", "path")

    def __init__(self, name, parent, parent_iter):
        self.name = name
        self.parent = parent
        self.parent_iter = parent_iter
        self.path = () if parent is None else (*parent.path, parent_iter)
        self.depth = 0 if parent is None else parent.depth + 1
        self.children = {}
        self.constants = []  # (Enter op, value): delivered to every iteration
        self.iterations = 1
        self.exited = set()


class _Entry:
    """The inputs an op instance has received so far."""

    __slots__ = ("controls", "dead", "done", "live_index", "received", "values")

    def __init__(self, n_inputs):
        self.values = [None] * n_inputs
        self.received = 0
        self.controls = 0
        self.dead = False
        self.live_index = -1
        self.done = False


class DataflowProgram:
    """The ops a set of fetches needs, and how values flow between them."""

    def __init__(self, elements, fed, kernel_for, ref_writers):
        self.fed = fed
        self.ref_writers = ref_writers
        self.kernel_for = kernel_for
        self.elements = elements
        self.ops = self._needed(elements, fed)
        # consumers[op][i]: (consumer, input position) of output i; controls[op]: consumers
        # waiting on op as a control input.
        self.consumers = {op: [[] for _ in op.outputs] for op in self.ops}
        self.controls = {op: [] for op in self.ops}
        self.n_inputs = {}
        self.n_controls = {}
        self.fed_inputs = []
        # (position, variable op) of inputs that read a variable: read when the op runs
        self.variable_reads = {}
        for op in self.ops:
            inputs = self._data_inputs(op)
            self.n_inputs[op] = len(inputs)
            if op.type not in _PASSING_REFS:
                reads = [(i, var) for i, t in enumerate(inputs)
                         if t not in fed and (var := _variable_of(t)) is not None]
                if reads:
                    self.variable_reads[op] = reads
            for position, tensor in enumerate(inputs):
                if tensor in fed:
                    self.fed_inputs.append((op, position, tensor))
                else:
                    self.consumers[tensor.op][tensor.value_index].append((op, position))
            controls = self._control_inputs(op)
            self.n_controls[op] = len(controls)
            for dep in controls:
                self.controls[dep].append(op)
        fed_consumers = {op for op, _, _ in self.fed_inputs}
        self.sources = [op for op in self.ops if (self.n_inputs[op] == 0 or op in fed_consumers)
                        and self.n_controls[op] == 0]
        self.frame_of = self._static_frames()
        self.exits_of = {}
        for op in self.ops:
            if op.type in _EXITS:
                self.exits_of.setdefault(self.frame_of[op], []).append(op)
        self.fetched = {e for e in elements if isinstance(e, Tensor)}

    def _control_inputs(self, op):
        # An op whose outputs are all fed has run as far as the run is concerned (a
        # placeholder fed, waited on by a control edge).
        return [dep for dep in op.control_inputs
                if not (dep.outputs and all(t in self.fed for t in dep.outputs))]

    def _data_inputs(self, op):
        return op.inputs[1:] if op.type in self.ref_writers else op.inputs

    def _needed(self, elements, fed):
        seen = set()
        order = []
        stack = [e if isinstance(e, Operation) else e.op for e in elements
                 if not (isinstance(e, Tensor) and e in fed)]
        while stack:
            op = stack.pop()
            if op in seen:
                continue
            seen.add(op)
            order.append(op)
            stack.extend(self._control_inputs(op))
            stack.extend(t.op for t in self._data_inputs(op) if t not in fed)
        return order

    def _static_frames(self):
        """The name of the frame each op runs in ("" for the root), as TensorFlow infers it:
        an ``Enter``'s consumers are in its ``frame_name``, an ``Exit``'s in the frame
        around its own."""
        frame_of = {}
        parent_of = {}

        def frame_after(op):
            own = frame_of[op]
            if op.type in _ENTERS:
                child = _text(op.attrs["frame_name"])
                parent_of.setdefault(child, own)
                return child
            if op.type in _EXITS:
                return parent_of.get(own, "")
            return own

        pending = list(self.sources)
        for op in pending:
            frame_of[op] = ""
        while pending:
            op = pending.pop()
            after = frame_after(op)
            followers = [c for outs in self.consumers[op] for c, _ in outs]
            followers += self.controls[op]
            for follower in followers:
                if follower not in frame_of:
                    frame_of[follower] = after
                    pending.append(follower)
        for op in self.ops:
            frame_of.setdefault(op, "")
        return frame_of


# Ops that pass a variable's reference on (TF1 control flow of a ref-typed value).
_PASSING_REFS = frozenset({"RefEnter", "RefSwitch", "RefIdentity", "RefMerge", "RefExit",
                           "RefNextIteration", "VariableV2"})


def _variable_of(tensor):
    """The VariableV2 op whose reference ``tensor`` is (through Ref* ops), or None."""
    op = tensor.op
    while op.type in _PASSING_REFS and op.type != "VariableV2" and op.inputs:
        op = op.inputs[0].op
    return op if op.type == "VariableV2" else None


def _text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


class _Run:
    """One execution of a DataflowProgram."""

    def __init__(self, program):
        self.program = program
        self.root = _Frame("", None, 0)
        self.frames = [self.root]
        self.entries = {}
        self.queue = []
        self.counter = itertools.count()
        self.results = {}

    def run(self, feed_values):
        program = self.program
        fed = dict(zip(program.fed_tensors, feed_values))
        for op, position, tensor in program.fed_inputs:
            self._deliver(op, self.root, 0, position, fed[tensor])
        for op in program.sources:
            if program.n_inputs[op] == 0:
                self._schedule(op, self.root, 0, self._entry(op, self.root, 0))
        while True:
            while self.queue:
                _, _, op, frame, iteration = heapq.heappop(self.queue)
                self._fire(op, frame, iteration)
            if not self._close_a_frame():
                break
        return self.results

    # -- bookkeeping --------------------------------------------------------------------

    def _entry(self, op, frame, iteration):
        key = (op, id(frame), iteration)
        entry = self.entries.get(key)
        if entry is None:
            entry = self.entries[key] = _Entry(self.program.n_inputs[op])
        return entry

    def _schedule(self, op, frame, iteration, entry):
        entry.done = True
        order = (*frame.path, iteration)
        heapq.heappush(self.queue, (order, next(self.counter), op, frame, iteration))

    def _deliver(self, op, frame, iteration, position, value):
        program = self.program
        entry = self._entry(op, frame, iteration)
        if entry.done:
            return  # a Merge that already fired ignores its other inputs
        if op.type in _MERGES:
            entry.received += 1
            if value is DEAD:
                if entry.received == program.n_inputs[op]:
                    entry.dead = True
                    self._when_controls_in(op, frame, iteration, entry)
                return
            entry.live_index = position
            entry.values[position] = value
            self._when_controls_in(op, frame, iteration, entry)
            return
        entry.values[position] = value
        entry.received += 1
        if value is DEAD:
            entry.dead = True
        if entry.received == program.n_inputs[op] and entry.controls == program.n_controls[op]:
            self._schedule(op, frame, iteration, entry)

    def _when_controls_in(self, op, frame, iteration, entry):
        if entry.controls == self.program.n_controls[op]:
            self._schedule(op, frame, iteration, entry)

    def _deliver_control(self, op, frame, iteration, dead):
        program = self.program
        entry = self._entry(op, frame, iteration)
        if entry.done:
            return
        entry.controls += 1
        if dead and op.type != "ControlTrigger":
            entry.dead = True
        if entry.controls != program.n_controls[op]:
            return
        if op.type in _MERGES:
            if entry.live_index >= 0 or (entry.dead and entry.received == program.n_inputs[op]):
                self._schedule(op, frame, iteration, entry)
        elif entry.received == program.n_inputs[op]:
            self._schedule(op, frame, iteration, entry)

    def _child(self, frame, iteration, name):
        key = (iteration, name)
        child = frame.children.get(key)
        if child is None:
            child = frame.children[key] = _Frame(name, frame, iteration)
            self.frames.append(child)
        return child

    # -- running an op instance ---------------------------------------------------------

    def _fire(self, op, frame, iteration):
        entry = self.entries.pop((op, id(frame), iteration))
        op_type = op.type
        values = entry.values
        if op_type in _MERGES:
            if entry.live_index < 0:
                outputs = [DEAD, DEAD]
            else:
                outputs = [values[entry.live_index], np.int32(entry.live_index)]
            self._propagate(op, frame, iteration, outputs, entry.live_index < 0)
            return
        if entry.dead and op_type != "ControlTrigger":
            self._propagate(op, frame, iteration, [DEAD] * len(op.outputs), True)
            return
        if op_type in _SWITCHES:
            data, pred = values
            outputs = [DEAD, data] if bool(np.asarray(pred)) else [data, DEAD]
        elif op_type in _FORWARDERS:
            outputs = [values[0]]
        else:
            reads = self.program.variable_reads.get(op)
            if reads:
                # A reference read when its consumer runs, as in TensorFlow 1.x: the value
                # after the assignments this op waited for.
                for position, var in reads:
                    values[position] = self._call(var, [])[0]
            outputs = self._call(op, values)
        self._propagate(op, frame, iteration, outputs, False)

    def _call(self, op, values):
        try:
            # (NumPy's warnings are off: the plan's step runs under np.errstate, see _Plan)
            result = self.program.kernel_for(op)(*values)
        except errors.OpError as err:
            if err.op is not None:
                raise
            raise type(err)(op, op, f"{err.message}\n\t [[node {op.name}]]") from None
        except (ValueError, TypeError, IndexError, ArithmeticError, MemoryError) as err:
            raise errors.InvalidArgumentError(
                op, op, f"{op.type} op '{op.name}' failed: {err}") from err
        n_outputs = len(op.outputs)
        if n_outputs == 1:
            return [result]
        if n_outputs == 0:
            return []
        return list(result)

    def _propagate(self, op, frame, iteration, outputs, dead):
        op_type = op.type
        if op_type in _ENTERS:
            child = self._child(frame, iteration, _text(op.attrs["frame_name"]))
            if op.attrs.get("is_constant", False):
                child.constants.append((op, outputs[0]))
                for each in range(child.iterations):
                    self._send(op, child, each, outputs, dead)
            else:
                self._send(op, child, 0, outputs, dead)
            return
        if op_type in _EXITS:
            if dead:
                return  # every iteration but the last: owed, passed on by _close_a_frame
            frame.exited.add(op)
            self._send(op, frame.parent, frame.parent_iter, outputs, dead)
            return
        if op_type in _NEXTS:
            if dead:
                return  # the loop ended: deadness does not go round again
            following = iteration + 1
            if following == frame.iterations:
                frame.iterations += 1
                for enter, value in frame.constants:
                    self._send(enter, frame, following, [value], value is DEAD)
            self._send(op, frame, following, outputs, dead)
            return
        self._send(op, frame, iteration, outputs, dead)

    def _send(self, op, frame, iteration, outputs, dead):
        program = self.program
        if frame is self.root and iteration == 0:
            for tensor, value in zip(op.outputs, outputs):
                if tensor in program.fetched:
                    self.results[tensor] = value
        for index, consumers in enumerate(program.consumers[op]):
            value = outputs[index]
            for consumer, position in consumers:
                self._deliver(consumer, frame, iteration, position, value)
        for consumer in program.controls[op]:
            self._deliver_control(consumer, frame, iteration, dead)

    def _close_a_frame(self):
        """Nothing can run: pass the exits the innermost unfinished frame still owes to its
        parent as dead values. Returns whether anything was passed."""
        program = self.program
        candidates = [f for f in self.frames if f.parent is not None]
        candidates.sort(key=lambda f: -f.depth)
        for frame in candidates:
            owed = [op for op in program.exits_of.get(frame.name, ())
                    if op not in frame.exited]
            if not owed:
                continue
            frame.exited.update(owed)
            for op in owed:
                self._send(op, frame.parent, frame.parent_iter, [DEAD] * len(op.outputs), True)
            return True
        return False


def make_function(elements, fed_tensors, kernel_for, ref_writers):
    """A function ``f(*feed_values) -> values of the Tensor elements`` (TF1 semantics)."""
    program = DataflowProgram(elements, frozenset(fed_tensors), kernel_for, ref_writers)
    program.fed_tensors = tuple(fed_tensors)
    tensors = [e for e in elements if isinstance(e, Tensor)]

    def run(*feed_values):
        results = _Run(program).run(feed_values)
        for tensor, value in zip(program.fed_tensors, feed_values):
            if tensor in program.fetched:
                results[tensor] = value  # a fed tensor fetched: the value fed
        values = []
        for index, tensor in enumerate(tensors):
            value = results.get(tensor, DEAD)
            if value is DEAD:
                raise errors.InvalidArgumentError(
                    tensor.op, tensor.op,
                    f"Retval[{index}] does not have value: the fetched tensor "
                    f"'{tensor.name}' is {_why_no_value(program, tensor, results)}")
            values.append(value)
        return tuple(values)

    return run


def _why_no_value(program, tensor, results):
    if tensor in results:
        return "on a branch of a cond that did not run (its value is dead)"
    if program.frame_of.get(tensor.op, ""):
        return (f"inside the while loop frame '{program.frame_of[tensor.op]}'; fetch the "
                "loop's results (its Exit tensors) instead")
    return "never computed: an op it depends on waits for an input that never came"
