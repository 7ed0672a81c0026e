"""Sessions: prune the graph to what the fetches need, plan it once, run its kernels."""

import sys

import numpy as np

from . import (
    batch_split,
    chunking,
    dataflow_executor,
    debug_dump,
    errors,
    fusion,
    ownership,
    step_pairs,
    step_stats,
)
from . import config as _config
from . import session_conversions as _conversions
from . import session_feeds as _feeds
from . import session_targets as _session_targets
from .device_placement import Placement, local_devices
from .dtypes import type_string
from .graph import (
    Operation,
    Tensor,
    _push_default_session,
    _remove_default_session,
    default_session,
    get_default_graph,
)
from .ops.control_flow_context import written_inside
from .ops.data_flow_ops import deferring_steps
from .ops.sparse_tensor import SparseTensor
from .registry import OP_DEFS

# Ops whose output is their input: the plan passes the value along instead of calling them.
_PASS_THROUGH = frozenset({"Identity", "StopGradient", "PlaceholderWithDefault"})
# Ops whose output may be a session's stored array: copied before it is handed to the user.
_STATE_READERS = frozenset({
    "VariableV2", "Assign", "AssignAdd", "AssignSub", "ApplyGradientDescent", "ApplyMomentum",
    "ApplyAdam", "ApplyAdagrad", "ApplyRMSProp", "ApplyCenteredRMSProp",
})
# Ops whose input 0 is the ref of the variable they write (as in TensorFlow): the plan does
# not evaluate it (an Assign may initialize the variable), the kernel gets the other inputs.
_REF_WRITERS = frozenset({"Assign", "AssignAdd", "AssignSub", "RngReadAndSkip"})


class _SessionState:
    """What a session keeps between runs: variable values, random streams, resources.

    ``resources`` holds per-session objects of input pipelines (iterators, queues, readers)
    by key; each one with a ``close()`` is closed with the session (its threads stop).
    ``session`` lets such kernels run functions traced into the graph (``Dataset.map``).
    """

    def __init__(self):
        self.variables = {}
        self.random_streams = {}
        self.resources = {}
        self.session = None
        # subgraph(outputs, inputs) -> function(input values) -> output values; the kernels
        # of control flow ops (If, While) run their branches and bodies through it.
        self.subgraph = None


_GRAPH_ELEMENTS = (Tensor, Operation)


class _Plan:
    """An ordered list of kernel calls computing some fetches from some feeds.

    The calls are compiled into one straight-line Python function over a list of slots
    (``v[3] = k1(v[0], v[2])`` ...): no interpreter loop per op, which is most of what a
    small training step would otherwise spend outside its NumPy kernels.
    """

    def __init__(self, steps, template, feed_slots, feed_checks, fetch_slots, copy_fetch,
                 step_ops, split=None):
        self.template = template
        # Lean evaluation (see chunking.py): how to cut big feeds, and the two plans then run.
        self.split = split
        self.split_plans = None
        self.feed_slots = feed_slots
        self.feed_checks = feed_checks
        self.fetch_slots = fetch_slots
        self.copy_fetch = copy_fetch
        self.step_ops = step_ops
        self.steps = steps
        kept = {slot for slot in fetch_slots if slot is not None}
        self.execute, self.code = _compile(steps, kept)
        # Kernels run with NumPy's floating-point warnings off (TensorFlow's kernels give
        # inf and NaN silently). The decorator form keeps its token per call, so one wrapper
        # serves every run and thread, and costs less than entering a new errstate per run.
        self.execute_quietly = np.errstate(all="ignore")(self.execute)
        # The automatic thread policy's trial of this plan at one thread and at more.
        self.thread_choice = None
        # Its big kernels split their batch over the cores (the BLAS then gets one thread).
        self.splits_batch = batch_split.splits(steps)


_FIRST_STEP_LINE = 2  # line 1 of the compiled source is the ``def``


def _compile(steps, kept):
    """The function that runs ``steps`` (kernel, input slots, output slot(s)) in order.

    Each step is one line; after it, the values no later step reads (and nobody fetches)
    are dropped, so a big evaluation does not hold every intermediate array at once.
    """
    last_read = {}
    for index, (_, ins, out) in enumerate(steps):
        for slot in (out,) if type(out) is int else out:
            last_read.setdefault(slot, index)
        for slot in ins:
            last_read[slot] = index
    released = {}
    for slot, index in last_read.items():
        if slot not in kept:
            released.setdefault(index, []).append(slot)
    namespace = {"take": ownership.take}
    lines = ["def execute(v):"]
    for index, (kernel, ins, out) in enumerate(steps):
        name = f"k{index}"
        namespace[name] = kernel
        # Inputs read here for the last time go to a kernel that can reuse their memory
        # without staying in their slots (ownership.py).
        dead = released.get(index, ()) if getattr(kernel, "takes_dead_inputs", False) else ()
        args = [f"take(v, {i})" if i in dead and ins.count(i) == 1 else f"v[{i}]" for i in ins]
        call = f"{name}({', '.join(args)})"
        if getattr(kernel, "takes_arg_list", False):  # one list it may take values out of
            call = f"{name}([{', '.join(args)}])"
        if type(out) is int:
            line = f"v[{out}] = {call}"
        elif out:
            line = f"{', '.join(f'v[{o}]' for o in out)}, = {call}"
        else:
            line = call
        dropped = released.get(index)
        if dropped:
            line += "; " + " = ".join(f"v[{slot}]" for slot in sorted(dropped)) + " = None"
        lines.append("    " + line)
    lines.append("    return v")
    code = compile("\n".join(lines) + "\n", "<smallflow plan>", "exec")
    exec(code, namespace)  # noqa: S102 - our own generated source, built from slot numbers
    return namespace["execute"], namespace["execute"].__code__


def _failed_step(plan, traceback):
    """Index of the step a traceback went wrong in (its line in the compiled function)."""
    while traceback is not None:
        if traceback.tb_frame.f_code is plan.code:
            return traceback.tb_lineno - _FIRST_STEP_LINE
        traceback = traceback.tb_next
    return None


class BaseSession:
    """Runs graph fragments; holds the values of the graph's variables."""

    def __init__(self, target="", graph=None, config=None):
        _session_targets.check(target)
        self._target = target or ""
        self._graph = graph if graph is not None else get_default_graph()
        self._closed = False
        self._state = _SessionState()
        shared = _session_targets.server_variables(self._target)
        if shared is not None:
            self._state.variables = shared
        self._state.session = self
        self._state.subgraph = self._subgraph_function
        # Sessions on a task of a cluster send the kernels of other tasks' variables there.
        self._router = _session_targets.router(self._target)
        self._plans = {}
        self._partial_runs = {}  # partial_run handle -> session_partial.PartialRun
        self._kernels = {}
        self._single_fetches = {}
        self._context_stack = []
        self._threads = _intra_op_threads(config)
        self._placement = Placement(config, local=not self._target)
        self._placed_version = None  # the graph version last placed (see _place_graph)
        _config.keep_freed_memory()

    @property
    def graph(self):
        return self._graph

    @property
    def graph_def(self):
        return self._graph.as_graph_def()

    @property
    def sess_str(self):
        return self._target

    def list_devices(self):
        return local_devices()

    def as_default(self):
        return default_session(self)

    def close(self):
        self._closed = True
        self._plans.clear()
        self._single_fetches.clear()
        # Queues and iterators first, so threads blocked on them wake before being joined.
        resources = sorted(self._state.resources.values(),
                           key=lambda resource: getattr(resource, "close_last", False))
        self._state.resources.clear()
        for resource in resources:
            close = getattr(resource, "close", None)
            if close is not None:
                close()

    def __enter__(self):
        graph_ctx = None
        if self._graph is not get_default_graph():
            graph_ctx = self._graph.as_default()
            graph_ctx.__enter__()
        session_ctx = self.as_default()
        session_ctx.__enter__()
        self._context_stack.append((graph_ctx, session_ctx))
        return self

    def __exit__(self, exc_type, exc, tb):
        graph_ctx, session_ctx = self._context_stack.pop()
        session_ctx.__exit__(exc_type, exc, tb)
        if graph_ctx is not None:
            graph_ctx.__exit__(exc_type, exc, tb)
        self.close()

    # -- running --------------------------------------------------------------------------------
    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Compute ``fetches`` (any nest of tensors, ops, names) given ``feed_dict``."""
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        if type(fetches) is Tensor or type(fetches) is Operation:
            # The common case (one training op or one tensor): skip the nest machinery.
            fetch_spec = self._single_fetches.get(fetches)
            if fetch_spec is None:
                fetch_spec = self._single_fetches[fetches] = _feeds.Fetches(self._graph, fetches)
        elif type(fetches) is list:
            # A flat list (``[merged, train_op]``, a summary fetched with each step) is as
            # common as one fetch: its spec is cached too (a nested one is looked up and
            # not found, as its items are not all graph elements).
            key = (list, *fetches)
            try:
                fetch_spec = self._single_fetches.get(key)
            except TypeError:  # an unhashable item (a dict, a list)
                fetch_spec = None
            if fetch_spec is None:
                fetch_spec = _feeds.Fetches(self._graph, fetches)
                if all(type(f) in _GRAPH_ELEMENTS for f in fetches):
                    self._single_fetches[key] = fetch_spec
        else:
            fetch_spec = _feeds.Fetches(self._graph, fetches)
        feed_tensors, feed_values = self._resolve_feeds(feed_dict)
        if self._graph._last_id != self._placed_version:
            self._place_graph()
        key = (tuple(fetch_spec.elements), feed_tensors)
        plan = self._plans.get(key)
        if plan is None:
            _feeds.check_feedable_and_fetchable(self._graph, fetch_spec.elements, feed_tensors)
            plan = self._make_plan(fetch_spec.elements, feed_tensors)
            self._plans[key] = plan
        if options is not None and debug_dump.requested(options):
            values = self._execute_watched(fetch_spec.elements, feed_tensors, feed_values,
                                           options, run_metadata)
        elif options is not None or run_metadata is not None:
            values = self._execute_traced(plan, feed_values, options, run_metadata)
        elif plan.split is None:
            values = self._execute(plan, feed_values)
        else:
            values = self._execute_in_chunks(plan, fetch_spec.elements, feed_tensors,
                                             feed_values)
        return fetch_spec.rebuild(values)

    def partial_run_setup(self, fetches, feeds=None):
        """Begin a partial run that may feed ``feeds`` and fetch ``fetches``; its handle."""
        from . import session_partial

        return session_partial.setup(self, fetches, feeds)

    def partial_run(self, handle, fetches, feed_dict=None):
        """Continue partial run ``handle``: feed more, fetch more (``session_partial.py``)."""
        from . import session_partial

        return session_partial.run(self, handle, fetches, feed_dict)

    def make_callable(self, fetches, feed_list=None, accept_options=False):
        """A function ``f(*feed_values)`` that runs ``fetches``: ``run`` without the lookups."""
        fetch_spec = _feeds.Fetches(self._graph, fetches)
        feed_tensors = [self._feed_key(key) for key in (feed_list or [])]
        if self._graph._last_id != self._placed_version:
            self._place_graph()
        plan = self._make_plan(fetch_spec.elements, feed_tensors)

        def call(*feed_values, **kwargs):
            if self._closed:
                raise RuntimeError("Attempted to use a closed Session.")
            if len(feed_values) != len(feed_tensors):
                raise TypeError(f"expected {len(feed_tensors)} feed values, got "
                                f"{len(feed_values)}")
            return fetch_spec.rebuild(self._execute(plan, feed_values))

        return call

    def _feed_key(self, key):
        try:
            element = self._graph.as_graph_element(key, allow_tensor=True,
                                                   allow_operation=False)
        except (KeyError, ValueError, TypeError) as err:
            message = err.args[0] if err.args else str(err)
            raise TypeError(f"Cannot interpret feed_dict key as Tensor: {message}") from None
        return element

    def _resolve_feeds(self, feed_dict):
        if not feed_dict:
            return (), ()
        graph = self._graph
        keys = tuple(feed_dict)
        values = tuple(feed_dict.values())
        for key in keys:
            if type(key) is not Tensor or key._op._graph is not graph:
                if any(isinstance(k, tuple) and not isinstance(k, SparseTensor) for k in keys):
                    keys, values = _feeds.flatten_tuple_feeds(keys, values)
                keys, values = _conversions.expand_feeds(keys, values)
                keys, values = _feeds.expand_sparse_feeds(keys, values)
                keys = tuple(self._feed_key(k) for k in keys)
                break
        return keys, values

    def _kernel_for(self, op):
        kernel = self._kernels.get(op)
        if kernel is None:
            op_def = OP_DEFS.lookup(op.type)
            if not op_def.stateful:
                kernel = op_def.kernel(op.attrs)
            elif self._router is None or (kernel := self._router.kernel(op, op_def)) is None:
                kernel = op_def.kernel(op.attrs, self._state)
            self._kernels[op] = kernel
        return kernel

    def _place_graph(self):
        """TensorFlow places (and with ``log_device_placement`` logs) the session's whole
        graph before its first run and again whenever the graph has grown: an op pinned to a
        device this process lacks fails every run, not only the runs that need it."""
        version = self._graph._last_id
        self._placement.place_graph(self._graph.get_operations(), errors.InvalidArgumentError,
                                    _log_placement)
        self._placed_version = version

    def _make_plan(self, elements, feed_tensors, split=True, outside_ops=(), end_reads=True,
                   watched=()):
        fed = set(feed_tensors)
        order = _prune_and_order(elements, fed, outside_ops)
        if dataflow_executor.needs_frames(order):
            return self._dataflow_plan(elements, feed_tensors)
        split = chunking.find_split(order, feed_tensors, elements) if split and fed else None
        slots = {}
        template = []

        def slot_of(tensor):
            index = slots.get(tensor)
            if index is None:
                index = slots[tensor] = len(template)
                template.append(None)
            return index

        feed_slots = [slot_of(t) for t in feed_tensors]
        feed_checks = [_feeds.feed_check(t) for t in feed_tensors]
        steps = []
        step_ops = []
        assigned = {}  # op -> names of the variables it or anything it waits for writes
        # Variables written by the ops planned so far: an update op (Apply*, AssignAdd, an
        # Assign of a clipped value, ...) works on the variable as it is when it runs, as a
        # TF1 kernel does on the reference it is given, so it re-reads a variable another op
        # of this run already wrote, even one it does not wait for (WGAN: the optimizer and
        # the weight clipping fetched together must not undo each other).
        planned_writes = set()

        def fresh_read(tensor, var_op):
            # Re-read the variable where this consumer runs, as TensorFlow 1.x's reference
            # reads do: the value seen is the one after the assignments it depends on.
            slot = len(template)
            template.append(None)
            steps.append((self._kernel_for(var_op), (), slot))
            step_ops.append(var_op)
            return slot

        for op in order:
            needed_outputs = [t for t in op.outputs if t not in fed]
            if op.type == "Placeholder":
                _raise_unfed(op)
            written = _written_before(op, assigned)
            if (op.type in _PASS_THROUGH or _merges_one_summary(op)) and op.inputs:
                if op.outputs[0] not in fed:
                    source = _variable_source(op.inputs[0], fed)
                    if source is not None and source.attrs["var_name"] in written:
                        slots[op.outputs[0]] = fresh_read(op.inputs[0], source)
                    else:
                        slots[op.outputs[0]] = slot_of(op.inputs[0])
                continue
            own = _own_writes(op)
            rewritten = own & planned_writes
            stale = written | rewritten if rewritten else written
            planned_writes |= own
            in_slots = []
            for tensor in op.inputs[1:] if op.type in _REF_WRITERS else op.inputs:
                source = _variable_source(tensor, fed) if stale else None
                if source is not None and source.attrs["var_name"] in stale:
                    in_slots.append(fresh_read(tensor, source))
                else:
                    in_slots.append(slot_of(tensor))
            in_slots = tuple(in_slots)
            out_slots = tuple(slot_of(t) for t in op.outputs)
            kernel = self._kernel_for(op)
            if _foldable(op, template, in_slots) and needed_outputs:
                result = _call_kernel(op, kernel, [template[i] for i in in_slots])
                outputs = result if len(out_slots) > 1 else (result,)
                for index, value in zip(out_slots, outputs):
                    template[index] = value
                continue
            steps.append((kernel, in_slots, out_slots if len(out_slots) != 1 else out_slots[0]))
            step_ops.append(op)
        fetch_slots = []
        copy_fetch = []
        for element in elements:
            if isinstance(element, Operation):
                fetch_slots.append(None)
                copy_fetch.append(False)
            else:
                slot = slot_of(element)
                source = _variable_source(element, fed) if end_reads else None
                if source is not None:
                    # A fetched variable (or its read/identity): TF1's fetch holds the
                    # variable's buffer, which updates change in place (this run's, or
                    # another thread's while this run waits in a queue), so the value
                    # returned is the one at the end of the run. An assignment that changed
                    # the shape made a new buffer: then the value read stays.
                    end_slot = len(template)
                    template.append(None)
                    steps.append((_end_of_run_reader(self._kernel_for(source)), (slot,),
                                  end_slot))
                    step_ops.append(source)
                    slot = end_slot
                fetch_slots.append(slot)
                copy_fetch.append(_may_alias_state(element))
        for tensor in watched:  # tfdbg's watches: each value as its op produced it
            fetch_slots.append(slot_of(tensor))
            copy_fetch.append(True)
        steps, step_ops = deferring_steps(steps, step_ops)  # enqueues waiting on this run
        steps, step_ops = fusion.fuse(steps, step_ops, set(fetch_slots))
        steps = batch_split.wrap(steps, step_ops)  # the big kernels on all granted cores
        steps, step_ops = step_pairs.pair(steps, step_ops, _stateful)  # or two side by side
        return _Plan(steps, template, feed_slots, feed_checks, fetch_slots, copy_fetch,
                     step_ops, split)

    def _dataflow_plan(self, elements, feed_tensors):
        """A plan of one step: TensorFlow 1.x's dataflow executor over the fetches' ops
        (their graph has Switch/Merge/Enter/Exit: dataflow_executor.py)."""
        run = dataflow_executor.make_function(elements, feed_tensors, self._kernel_for,
                                              _REF_WRITERS)
        n_feeds = len(feed_tensors)
        template = [None] * n_feeds
        fetch_slots = []
        out_slots = []
        for element in elements:
            if isinstance(element, Operation):
                fetch_slots.append(None)
            else:
                fetch_slots.append(len(template))
                out_slots.append(len(template))
                template.append(None)
        steps = [(run, tuple(range(n_feeds)), tuple(out_slots))]
        first = elements[0]
        step_ops = [first if isinstance(first, Operation) else first.op]
        return _Plan(steps, template, list(range(n_feeds)),
                     [_feeds.feed_check(t) for t in feed_tensors], fetch_slots,
                     [True] * len(elements), step_ops)

    def _execute_in_chunks(self, plan, elements, feed_tensors, feed_values):
        """Run a plan with a row-wise part (chunking.py): that part a chunk of rows at a
        time when the batch is bigger than a chunk, then the rest on its joined outputs."""
        split = plan.split
        feed_values = list(feed_values)
        for index in split.rows_feeds:
            feed_values[index] = plan.feed_checks[index](feed_values[index])
        rows = chunking.batch_rows(split, feed_values)
        if rows is None or rows <= split.chunk_rows:
            return self._execute(plan, feed_values)
        if plan.split_plans is None:
            frontier = list(split.frontier)
            plan.split_plans = (
                self._make_plan(frontier, feed_tensors, split=False),
                self._make_plan(elements, (*feed_tensors, *frontier), split=False),
            )
        head, rest = plan.split_plans
        parts = [[] for _ in split.frontier]
        for start in range(0, rows, split.chunk_rows):
            chunk = list(feed_values)
            for index in split.rows_feeds:
                chunk[index] = feed_values[index][start : start + split.chunk_rows]
            for part, value in zip(parts, self._execute(head, chunk)):
                part.append(value)
        joined = [np.concatenate(part) for part in parts]
        parts = None
        return self._execute(rest, (*feed_values, *joined))

    def _subgraph_function(self, outputs, inputs, outside_ops=()):
        """A function computing ``outputs`` from values for ``inputs`` (no feed checks).

        ``outside_ops`` are control dependencies the enclosing plan has already run.

        Control flow kernels call it once per branch or loop body, then call the function
        it returns for every run or iteration: the same compiled straight-line plan.
        """
        plan = self._make_plan(list(outputs), list(inputs), split=False,
                               outside_ops=outside_ops, end_reads=False)
        template = plan.template
        feed_slots = plan.feed_slots
        fetch_slots = plan.fetch_slots
        run = self._run_plan

        def call(input_values):
            values = list(template)
            for slot, value in zip(feed_slots, input_values):
                values[slot] = value
            run(plan, values)
            return [None if slot is None else values[slot] for slot in fetch_slots]

        return call

    def _execute(self, plan, feed_values):
        timed = _config.apply(self._threads, plan)
        values = list(plan.template)
        for slot, check, value in zip(plan.feed_slots, plan.feed_checks, feed_values):
            values[slot] = check(value)
        self._run_plan(plan, values)
        if timed is not None:
            _config.ran(timed)
        return [
            None if slot is None else _fetched(values[slot], copy)
            for slot, copy in zip(plan.fetch_slots, plan.copy_fetch)
        ]

    @staticmethod
    def _run_plan(plan, values):
        try:
            plan.execute_quietly(values)
        except errors.OpError as err:
            index = _failed_step(plan, err.__traceback__)
            if index is None or err.op is not None:  # already names an op of a loop body
                raise
            raise _with_op(err, plan.step_ops[index]) from None
        except (ValueError, TypeError, IndexError, ArithmeticError, MemoryError) as err:
            index = _failed_step(plan, err.__traceback__)
            if index is None:
                raise
            op = plan.step_ops[index]
            raise errors.InvalidArgumentError(
                op, op, f"{op.type} op '{op.name}' failed: {err}") from err

    def _execute_watched(self, elements, feed_tensors, feed_values, options, run_metadata):
        """A run whose ``options`` carry tfdbg's tensor watches (``debug_dump``): the
        fetches and the watched tensors from one plan, then the watched values dumped."""
        order = _prune_and_order(elements, set(feed_tensors), ())
        planned, feeds, roots = debug_dump.plan_watches(debug_dump.requested(options), order,
                                                        feed_tensors)
        planned = debug_dump.check_debug_ops(planned)
        feeds = debug_dump.check_debug_ops(feeds)
        watched = tuple(tensor for tensor, _ in planned)
        key = ("tfdbg", tuple(elements), feed_tensors, watched)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._make_plan(list(elements), feed_tensors, split=False, watched=watched)
            plan.debug_steps = 0
            self._plans[key] = plan
        graph_def = debug_dump.executed_graph_def(self._graph, order, feed_tensors)
        fetch_names = [e.name for e in elements if not isinstance(e, Operation)]
        targets = [e.name for e in elements if isinstance(e, Operation)]
        for root in roots:
            debug_dump.write_run_files(root, graph_def, options,
                                       [t.name for t in feed_tensors], fetch_names, targets,
                                       plan.debug_steps)
        plan.debug_steps += 1
        checked = [check(value) for check, value in zip(plan.feed_checks, feed_values)]
        position = {tensor: index for index, tensor in enumerate(feed_tensors)}
        for tensor, specs in feeds:
            index = position[tensor]
            name = debug_dump.arg_node_name(tensor, index)
            self._dump(name, 0, tensor, checked[index], specs)
        values = self._execute(plan, checked)
        for (tensor, specs), value in zip(planned, values[len(elements):]):
            self._dump(tensor.op.name, tensor.value_index, tensor, value, specs)
        if run_metadata is not None and getattr(options, "output_partition_graphs", False):
            run_metadata.partition_graphs = [graph_def]
        return values[:len(elements)]

    @staticmethod
    def _dump(node_name, slot, tensor, value, specs):
        for debug_op, roots in specs:
            dumped = debug_dump.debug_value(debug_op, value, tensor)
            for root in roots:
                debug_dump.write_tensor(root, node_name, slot, debug_op, dumped)

    def _execute_traced(self, plan, feed_values, options, run_metadata):
        """``_execute`` with every op timed into ``run_metadata`` (``step_stats``)."""
        if not step_stats.wants_trace(options):
            return self._execute(plan, feed_values)
        _config.apply(self._threads)
        values = list(plan.template)
        for slot, check, value in zip(plan.feed_slots, plan.feed_checks, feed_values):
            values[slot] = check(value)
        step_stats.execute_traced(plan, values, run_metadata, _traced_error)
        return [
            None if slot is None else _fetched(values[slot], copy)
            for slot, copy in zip(plan.fetch_slots, plan.copy_fetch)
        ]


def _log_placement(line):
    # TensorFlow's placer prints each line to standard output and logs it to standard error.
    print(line, flush=True)
    print(line, file=sys.stderr)


def _intra_op_threads(config):
    """``ConfigProto(intra_op_parallelism_threads=n)``: n BLAS threads for this session's runs
    (0, negative or unset: the process-wide setting of ``smallflow.config``)."""
    threads = getattr(config, "intra_op_parallelism_threads", None) if config else None
    if threads is None:
        return 0
    if isinstance(threads, bool) or not isinstance(threads, int | np.integer):
        raise TypeError(f"{threads!r} has type {type(threads).__name__}, but expected one of: "
                        "int (ConfigProto.intra_op_parallelism_threads)")
    return max(0, int(threads))


def _traced_error(err, op):
    if isinstance(err, errors.OpError):
        return _with_op(err, op)
    return errors.InvalidArgumentError(op, op, f"{op.type} op '{op.name}' failed: {err}")


def _fetched(value, copy):
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return value[()]
        if copy or not value.flags.writeable or value.base is not None:
            return np.array(value)
        return value
    return value


def _call_kernel(op, kernel, inputs):
    try:
        with np.errstate(all="ignore"):
            return kernel(*inputs)
    except errors.OpError as err:
        raise _with_op(err, op) from None


def _stateful(op):
    """Whether ``op`` reads or writes state (an op type without a kernel counts as one)."""
    try:
        return OP_DEFS.lookup(op.type).stateful
    except KeyError:
        return True


def _with_op(err, op):
    error_type = type(err)
    return error_type(op, op, f"{err.message}\n\t [[node {op.name}]]")


def _merges_one_summary(op):
    """A MergeSummary of one summary whose tags are known distinct (``merge_all`` of one
    ``scalar``, every step): its output is its input, passed along like an Identity's."""
    return op.type == "MergeSummary" and len(op.inputs) == 1 and op.attrs.get("distinct_tags")


def _foldable(op, template, in_slots):
    """Can this op be computed once when planning? (pure, and all inputs known then)."""
    op_def = OP_DEFS.lookup(op.type)
    if op_def.stateful or op.type == "Placeholder" or op.control_inputs:
        return False
    return all(template[i] is not None for i in in_slots)


_NOTHING = frozenset()


def _written_before(op, assigned):
    """Record and return the variables written by ``op``'s dependencies (data and control).

    ``assigned`` holds the answer for every op planned before ``op`` (the plan's order puts
    dependencies first); ``op``'s own writes are recorded for its consumers, not returned.
    """
    written = _NOTHING
    for dep in [*(t.op for t in op.inputs), *op.control_inputs]:
        names = assigned.get(dep, _NOTHING)
        if names:
            written = written | names if written else names
    own = op.attrs.get("var_names") or (op.attrs.get("var_name"),)
    if op.type in ("If", "While"):
        own = tuple(written_inside(op.attrs.get("branches") or [op.attrs["context"]])) or (None,)
    if op.type != "VariableV2" and own[0] is not None and OP_DEFS.lookup(op.type).stateful:
        assigned[op] = written | frozenset(own)
    else:
        assigned[op] = written
    return written


def _own_writes(op):
    """The names of the variables a stateful update op writes (empty for any other op)."""
    names = op.attrs.get("var_names") or (op.attrs.get("var_name"),)
    if op.type == "VariableV2" or names[0] is None or not OP_DEFS.lookup(op.type).stateful:
        return _NOTHING
    return frozenset(names)


def _variable_source(tensor, fed):
    """The VariableV2 op whose value ``tensor`` passes along unchanged, or None."""
    while tensor not in fed:
        op = tensor.op
        if op.type == "VariableV2":
            return op
        if op.type not in _PASS_THROUGH or not op.inputs:
            return None
        tensor = op.inputs[0]
    return None


def _end_of_run_reader(read):
    """A step giving a fetched variable's value at the end of the run (see _make_plan)."""
    def end_value(value_read):
        value = read()
        if np.shape(value) != np.shape(value_read):
            return value_read
        return value

    return end_value


def _may_alias_state(tensor):
    op = tensor.op
    while op.type in _PASS_THROUGH and op.inputs:
        op = op.inputs[0].op
    return op.type in _STATE_READERS


def _raise_unfed(op):
    shape = op.attrs["shape"]
    # TensorFlow's kernel names the shape only for a placeholder of rank 1 or more.
    shape_text = f" and shape {shape.bracket_str()}" if shape.ndims else ""
    raise errors.InvalidArgumentError(
        op, op,
        f"You must feed a value for placeholder tensor '{op.name}' with dtype "
        f"{type_string(op.attrs['dtype'])}{shape_text}\n\t [[node {op.name}]]",
    )


def _prune_and_order(elements, fed, outside_ops=()):
    """The ops the fetches need (stopping at fed tensors), in an order that respects inputs."""
    order = []
    state = dict.fromkeys(outside_ops, "done")
    stack = []
    for element in elements:
        op = element if isinstance(element, Operation) else element.op
        if isinstance(element, Tensor) and element in fed:
            continue
        stack.append((op, False))
    while stack:
        op, expanded = stack.pop()
        if expanded:
            if state.get(op) != "done":
                state[op] = "done"
                order.append(op)
            continue
        if state.get(op) is not None:
            continue
        state[op] = "open"
        stack.append((op, True))
        for dep in reversed(op.control_inputs):
            if state.get(dep) is None:
                stack.append((dep, False))
        inputs = op.inputs[1:] if op.type in _REF_WRITERS else op.inputs
        for tensor in reversed(inputs):
            if tensor not in fed and state.get(tensor.op) is None:
                stack.append((tensor.op, False))
    return order


class Session(BaseSession):
    """``with tf.Session() as sess: sess.run(...)``."""

    @staticmethod
    def reset(target, containers=None, config=None):
        """Clear the variables a server (``target``) keeps between sessions: every container
        when ``containers`` is None, else those named (smallflow's variables all live in the
        default container ``""``). A local target ("") keeps nothing, as in TensorFlow."""
        _session_targets.check(target)
        _session_targets.reset_server_variables(target, containers)


class InteractiveSession(BaseSession):
    """A session that makes itself the default (and its graph the default) until closed."""

    def __init__(self, target="", graph=None, config=None):
        super().__init__(target, graph, config)
        self._graph_ctx = None
        if self._graph is not get_default_graph():
            self._graph_ctx = self._graph.as_default()
            self._graph_ctx.__enter__()
        _push_default_session(self)

    def close(self):
        super().close()
        _remove_default_session(self)
        if self._graph_ctx is not None:
            ctx = self._graph_ctx
            self._graph_ctx = None
            ctx.__exit__(None, None, None)

