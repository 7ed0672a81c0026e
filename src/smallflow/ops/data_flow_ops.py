"""Queues (``FIFOQueue``, ``PaddingFIFOQueue``, ``RandomShuffleQueue``) as session resources.

A queue object in the graph only names its queue; each session creates the real queue
(a ``_SessionQueue`` guarded by a condition variable) the first time one of its ops runs.
Enqueue blocks while the queue is full and dequeue while it lacks elements, so queue
runner threads and the training loop hand tensors over as in TensorFlow. A closed queue
refuses enqueues and, once it has too few elements, makes dequeues raise
``OutOfRangeError``; closing the session cancels every queue so no thread stays blocked.
"""

import threading

import numpy as np

from .. import dtypes, errors
from ..graph import name_scope
from ..op_signature import ALL, signature, type_list
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape, as_shape, unknown_shape
from . import philox, philox_samplers
from .common import convert_to_tensor, make_op

__all__ = ["FIFOQueue", "PaddingFIFOQueue", "QueueBase", "RandomShuffleQueue"]

_WAIT_SECONDS = 0.1  # how often a blocked op looks again for a cancelled queue


class _SessionQueue:
    """One session's queue: a list of elements (tuples of arrays) and a condition variable."""

    def __init__(self, spec):
        self.spec = spec
        self.elements = []
        self.closed = False
        self.cancelled = False
        self.condition = threading.Condition()
        self.words = None  # a RandomShuffleQueue's Philox words, read on first dequeue

    def _check_component(self, index, value):
        dtype = self.spec["dtypes"][index]
        array = np.asarray(value, dtype=dtype.as_numpy_dtype if dtype != dtypes.string
                           else object)
        shape = self.spec["shapes"][index] if self.spec["shapes"] else None
        if shape is not None and not shape.is_compatible_with(array.shape):
            raise errors.InvalidArgumentError(
                None, None, f"Shape mismatch in tuple component {index}. Expected "
                f"{shape.bracket_str()}, got [{','.join(str(d) for d in array.shape)}]")
        return array

    def _refuse_if_closed(self):
        if self.cancelled:
            raise errors.CancelledError(None, None, f"Queue '{self.spec['name']}' is "
                                        "cancelled (its session closed).")
        if self.closed:
            raise errors.CancelledError(None, None, f"{self.spec['kind']} '"
                                        f"{self.spec['name']}' is closed.")

    def checked(self, elements):
        return [tuple(self._check_component(i, v) for i, v in enumerate(element))
                for element in elements]

    def try_enqueue(self, elements):
        """Enqueue ``elements`` (already checked) if they all fit now; else leave the queue
        as it is and return False."""
        capacity = self.spec["capacity"]
        with self.condition:
            self._refuse_if_closed()
            if capacity is not None and capacity >= 0 and \
                    len(self.elements) + len(elements) > capacity:
                return False
            self.elements.extend(elements)
            self.condition.notify_all()
            return True

    def enqueue(self, elements, checked=False):
        if not checked:
            elements = self.checked(elements)
        capacity = self.spec["capacity"]
        with self.condition:
            for element in elements:
                while True:
                    self._refuse_if_closed()
                    if capacity is None or capacity < 0 or len(self.elements) < capacity:
                        break
                    self.condition.wait(_WAIT_SECONDS)
                self.elements.append(element)
                self.condition.notify_all()

    def _available(self):
        floor = self.spec.get("min_after_dequeue", 0) if not self.closed else 0
        return len(self.elements) - floor

    def dequeue(self, count, up_to=False):
        """``count`` elements (fewer only with ``up_to`` once the queue is closed).

        As TensorFlow's queues, a dequeue takes elements as they arrive, so it may ask for
        more than the queue's capacity (``tf.train.batch(batch_size=100)`` over its default
        capacity of 32). If the queue closes first, the elements taken go back to the front
        and OutOfRangeError is raised (``up_to`` returns them instead).
        """
        taken = []
        with self.condition:
            while True:
                if self.cancelled:
                    self._put_back(taken)
                    self._refuse_if_closed()
                while len(taken) < count and self._available() > 0:
                    taken.append(self._take())
                    self.condition.notify_all()  # room for a blocked enqueue
                if len(taken) == count:
                    return taken
                if self.closed:
                    if up_to and taken:
                        return taken
                    # TensorFlow's wording: what is still missing and what is left.
                    message = (f"{self.spec['kind']} '{self.spec['name']}' is closed and has "
                               f"insufficient elements (requested {count - len(taken)}, "
                               f"current size {len(self.elements)})")
                    self._put_back(taken)
                    raise errors.OutOfRangeError(None, None, message)
                self.condition.wait(_WAIT_SECONDS)

    def _put_back(self, taken):
        self.elements[:0] = taken

    def _take(self):
        if self.spec["kind"] == "PriorityQueue":
            # The smallest priority (component 0) first; equal priorities in arrival order.
            index = min(range(len(self.elements)), key=lambda i: int(self.elements[i][0]))
            return self.elements.pop(index)
        if self.spec["kind"] == "RandomShuffleQueue":
            # TensorFlow's queue: one Philox stream for its life, one word per dequeued
            # element, the element at word % size taken and the last moved into its place
            index = int(self._words().take(1)[0]) % len(self.elements)
            self.elements[index], self.elements[-1] = self.elements[-1], self.elements[index]
            return self.elements.pop()
        return self.elements.pop(0)

    def _words(self):
        if self.words is None:
            seed, seed2 = self.spec.get("seed") or (0, 0)
            if not seed and not seed2:  # unseeded: random seeds, as TensorFlow's queue
                seed, seed2 = (int(word) for word in
                               np.random.SeedSequence().generate_state(2, np.uint64))
            stream = philox.PhiloxStream(seed, seed2)
            self.words = philox_samplers.WordReader(stream, stream.counter)
        return self.words

    def close(self, cancel_pending_enqueues=False):
        # Blocked enqueues see the flag and fail; elements already queued stay readable.
        with self.condition:
            self.closed = True
            self.condition.notify_all()

    def cancel(self):
        with self.condition:
            self.closed = True
            self.cancelled = True
            self.condition.notify_all()


def session_queue(state, spec):
    """The queue described by ``spec`` in this session (created on first use)."""
    resource = state.resources.get(spec["key"])
    if resource is None:
        resource = state.resources.setdefault(spec["key"],
                                              _QueueResource(_SessionQueue(spec)))
    return resource.queue


class _QueueResource:
    """Holds a session's queue in ``state.resources``; the session cancels it on close."""

    def __init__(self, queue):
        self.queue = queue

    def close(self):
        self.queue.cancel()


def _stack(elements, spec, index):
    parts = [element[index] for element in elements]
    if spec["kind"] == "PaddingFIFOQueue" and parts and parts[0].ndim:
        longest = np.max([p.shape for p in parts], axis=0)
        batch = np.zeros((len(parts), *longest), dtype=parts[0].dtype)
        if parts[0].dtype == object:
            batch[...] = b""
        for row, part in enumerate(parts):
            batch[(row, *(slice(0, s) for s in part.shape))] = part
        return batch
    if not parts:
        shape = spec["shapes"][index] if spec["shapes"] else TensorShape(None)
        dims = [0] + [d or 0 for d in (shape.as_list() if shape.ndims is not None else [])]
        return np.zeros(dims, dtype=spec["dtypes"][index].as_numpy_dtype)
    return np.stack(parts)


def _enqueue_kernel(attrs, state):
    spec = attrs["_py_spec"]
    many = attrs["many"]

    def elements_of(components):
        if many:
            arrays = [np.asarray(c) for c in components]
            sizes = {a.shape[0] for a in arrays}
            if len(sizes) != 1:
                raise errors.InvalidArgumentError(None, None,
                                                  "enqueue_many components differ in size")
            return [tuple(a[i] for a in arrays) for i in range(sizes.pop())]
        return [components]

    def enqueue(*components):
        session_queue(state, spec).enqueue(elements_of(components))
        return ()

    def enqueue_or_defer(*components):
        # The deferring form (see deferring_enqueue): never waits in the middle of a plan.
        queue = session_queue(state, spec)
        elements = queue.checked(elements_of(components))
        pending = _DEFERRED.stack[-1]
        if any(waiting is queue for waiting, _ in pending) or not queue.try_enqueue(elements):
            pending.append((queue, elements))  # after earlier ones: the queue's order kept
        return ()

    enqueue.deferring = enqueue_or_defer
    return enqueue


# -- enqueues that wait for a dequeue of the same run ---------------------------------------------
#
# TensorFlow runs the ops of a step concurrently: an enqueue into a full queue waits while a
# dequeue of the same step makes room (wavenet's fast generation keeps one full FIFOQueue per
# layer as a delay line and fetches [next_sample] + push_ops: each push waits for the
# dequeue feeding next_sample). A plan here is one straight line, so an enqueue that nothing
# else in the plan waits for is run in its deferring form: it enqueues at once if the
# elements fit, else it is kept and run (waiting, as before) after the plan's last step.
# Enqueues into a queue that already has one kept are kept too, so the queue's order is the
# plan's. Plans nest (a loop body's plan runs inside its loop's), hence a stack of lists.

_DEFERRED = threading.local()


def _begin_deferring():
    stack = getattr(_DEFERRED, "stack", None)
    if stack is None:
        stack = _DEFERRED.stack = []
    stack.append([])
    return ()


def _finish_deferred():
    pending = _DEFERRED.stack.pop()
    for queue, elements in pending:
        queue.enqueue(elements, checked=True)
    return ()


def deferring_steps(steps, step_ops):
    """``steps`` (kernel, input slots, output slots) with the enqueues that no later step waits
    for in their deferring form, between a first and a last step that keep and run the
    deferred ones; unchanged when there are none."""
    waited_for = {dep for op in step_ops for dep in op.control_inputs}
    chosen = [i for i, (op, step) in enumerate(zip(step_ops, steps))
              if op.type == "QueueEnqueueV2" and op not in waited_for
              and hasattr(step[0], "deferring")]
    if not chosen:
        return steps, step_ops
    steps = list(steps)
    for index in chosen:
        kernel, ins, outs = steps[index]
        steps[index] = (kernel.deferring, ins, outs)
    first_op = step_ops[chosen[0]]
    last_op = step_ops[chosen[-1]]
    return ([(_begin_deferring, (), ()), *steps, (_finish_deferred, (), ())],
            [first_op, *step_ops, last_op])


def _dequeue_kernel(attrs, state):
    spec = attrs["_py_spec"]
    mode = attrs["mode"]

    def dequeue(*count):
        queue = session_queue(state, spec)
        if mode == "one":
            element = queue.dequeue(1)[0]
            return element if len(element) > 1 else element[0]
        n = int(count[0])
        elements = queue.dequeue(n, up_to=mode == "up_to")
        batched = tuple(_stack(elements, spec, i) for i in range(len(spec["dtypes"])))
        return batched if len(batched) > 1 else batched[0]

    return dequeue


def _close_kernel(attrs, state):
    spec = attrs["_py_spec"]

    def close():
        session_queue(state, spec).close(attrs["cancel"])
        return ()

    return close


def _size_kernel(attrs, state):
    spec = attrs["_py_spec"]
    return lambda: np.int32(len(session_queue(state, spec).elements))


def _is_closed_kernel(attrs, state):
    spec = attrs["_py_spec"]
    return lambda: np.bool_(session_queue(state, spec).closed)


def _dequeue_shapes(op):
    spec = op.attrs["_py_spec"]
    shapes = spec["shapes"] or [unknown_shape() for _ in spec["dtypes"]]
    if op.attrs["mode"] == "one":
        return list(shapes)
    batch = None
    if op.attrs["mode"] == "many":
        from .common import constant_value

        value = constant_value(op.inputs[0])
        batch = None if value is None else int(value)
    return [TensorShape([batch, *s.as_list()]) if s.ndims is not None else unknown_shape()
            for s in shapes]


register_op("QueueEnqueueV2", _enqueue_kernel, lambda op: [], stateful=True,
            signature=signature("components: Tcomponents ->", Tcomponents=type_list(ALL)))
register_op("QueueDequeueV2", _dequeue_kernel, _dequeue_shapes, stateful=True,
            signature=signature("n: N * int32 -> components: component_types",
                                component_types=type_list(ALL)))
register_op("QueueCloseV2", _close_kernel, lambda op: [], stateful=True,
            signature=signature("->"))
register_op("QueueSizeV2", _size_kernel, lambda op: [TensorShape([])], stateful=True,
            signature=signature("-> size: int32"))
register_op("QueueIsClosedV2", _is_closed_kernel, lambda op: [TensorShape([])],
            stateful=True, signature=signature("-> is_closed: bool"))
register_op("QueueV2", lambda attrs: (lambda: ()), lambda op: [],
            signature=signature("->"))
for _op_type in ("QueueEnqueueV2", "QueueDequeueV2", "QueueCloseV2", "QueueSizeV2",
                 "QueueIsClosedV2", "QueueV2"):
    NotDifferentiable(_op_type)


def _as_list(value):
    if isinstance(value, dict):
        return [value[k] for k in sorted(value)]
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _as_shape_list(shapes):
    """As TensorFlow: one shape (a TensorShape, or a list of ints/None such as ``[]`` or
    ``[28, 28]``) stands for the shape of a single component; else one shape per component."""
    if shapes is None:
        return None
    if isinstance(shapes, TensorShape) or (
            isinstance(shapes, list | tuple) and
            all(d is None or isinstance(d, int | np.integer) for d in shapes)):
        shapes = [shapes]
    return [as_shape(s) for s in _as_list(shapes)]


class QueueBase:
    """What every queue offers: enqueue(_many), dequeue(_many, _up_to), close, size."""

    _kind = "FIFOQueue"

    def __init__(self, capacity, dtypes_, shapes=None, names=None, shared_name=None,
                 name=None, extra=None):
        self._dtypes = [dtypes.as_dtype(d) for d in _as_list(dtypes_)]
        self._shapes = _as_shape_list(shapes)
        if self._shapes is not None and len(self._shapes) != len(self._dtypes):
            raise ValueError("Queue shapes must have the same length as dtypes")
        self._names = list(names) if names is not None else None
        op = make_op("QueueV2", [], [], {"kind": self._kind}, name or self._kind)
        self._name = op.name
        self._base = op.name.rpartition("/")[2]  # default op names: "<queue>_Dequeue"
        self._queue_ref = op
        self._spec = {"key": shared_name or f"queue:{op.name}", "name": op.name,
                      "kind": self._kind, "capacity": capacity, "dtypes": self._dtypes,
                      "shapes": self._shapes, **(extra or {})}

    @property
    def name(self):
        return self._name

    @property
    def queue_ref(self):
        return self._queue_ref

    @property
    def dtypes(self):
        return list(self._dtypes)

    @property
    def shapes(self):
        return list(self._shapes) if self._shapes is not None else [
            unknown_shape() for _ in self._dtypes]

    @property
    def names(self):
        return self._names

    def _components(self, vals, many):
        if isinstance(vals, dict):
            if self._names is None:
                raise ValueError("Queue must have names to enqueue a dictionary")
            vals = [vals[k] for k in self._names]
        items = _as_list(vals)
        if len(items) != len(self._dtypes):
            raise ValueError(f"Expected {len(self._dtypes)} tensors to enqueue, got "
                             f"{len(items)}")
        tensors = [convert_to_tensor(v, dtype=d) for v, d in zip(items, self._dtypes)]
        if self._shapes is not None:
            for tensor, shape in zip(tensors, self._shapes):
                given = tensor.shape
                if many and given.ndims is not None:
                    given = TensorShape(given.as_list()[1:])
                if not shape.is_compatible_with(given):
                    raise ValueError(f"Shapes {given} and {shape} are incompatible "
                                     f"({tensor.name} enqueued into {self._name})")
        return tensors

    def enqueue(self, vals, name=None):
        # As TensorFlow: the op takes the name of the scope its inputs were converted in.
        with name_scope(name or f"{self._base}_enqueue") as scope:
            tensors = self._components(vals, many=False)
        return make_op("QueueEnqueueV2", tensors, [], {"_py_spec": self._spec, "many": False},
                       scope)

    def enqueue_many(self, vals, name=None):
        with name_scope(name or f"{self._base}_EnqueueMany") as scope:
            tensors = self._components(vals, many=True)
        attrs = {"_py_spec": self._spec, "many": True}
        return make_op("QueueEnqueueV2", tensors, [], attrs, scope)

    def _dequeue(self, mode, n, name):
        inputs = [] if n is None else [convert_to_tensor(n, dtype=dtypes.int32, name="n")]
        attrs = {"_py_spec": self._spec, "mode": mode, "component_types": self._dtypes}
        op = make_op("QueueDequeueV2", inputs, self._dtypes, attrs, name)
        outputs = list(op.outputs)
        if self._names is not None:
            return dict(zip(self._names, outputs))
        return outputs[0] if len(outputs) == 1 else outputs

    def dequeue(self, name=None):
        return self._dequeue("one", None, name or f"{self._base}_Dequeue")

    def dequeue_many(self, n, name=None):
        return self._dequeue("many", n, name or f"{self._base}_DequeueMany")

    def dequeue_up_to(self, n, name=None):
        return self._dequeue("up_to", n, name or f"{self._base}_DequeueUpTo")

    def close(self, cancel_pending_enqueues=False, name=None):
        return make_op("QueueCloseV2", [], [], {"_py_spec": self._spec,
                                                "cancel": cancel_pending_enqueues},
                       name or f"{self._base}_Close")

    def size(self, name=None):
        return make_op("QueueSizeV2", [], [dtypes.int32], {"_py_spec": self._spec},
                       name or f"{self._base}_Size").outputs[0]

    def is_closed(self, name=None):
        """A bool tensor: whether the queue is closed when it runs."""
        return make_op("QueueIsClosedV2", [], [dtypes.bool], {"_py_spec": self._spec},
                       name or f"{self._base}_IsClosed").outputs[0]


class FIFOQueue(QueueBase):
    """A first-in first-out queue of tuples of tensors."""

    def __init__(self, capacity, dtypes, shapes=None, names=None, shared_name=None,  # noqa: A002
                 name="fifo_queue"):
        super().__init__(capacity, dtypes, shapes, names, shared_name, name)


class PaddingFIFOQueue(QueueBase):
    """A FIFO queue whose ``dequeue_many`` pads variable-size components with zeros."""

    _kind = "PaddingFIFOQueue"

    def __init__(self, capacity, dtypes, shapes, names=None, shared_name=None,  # noqa: A002
                 name="padding_fifo_queue"):
        super().__init__(capacity, dtypes, shapes, names, shared_name, name)


class RandomShuffleQueue(QueueBase):
    """Dequeues a random element, keeping ``min_after_dequeue`` until the queue is closed."""

    _kind = "RandomShuffleQueue"

    def __init__(self, capacity, min_after_dequeue, dtypes, shapes=None,  # noqa: A002
                 names=None, seed=None, shared_name=None, name="random_shuffle_queue"):
        from .random_ops import get_seed

        seeds = get_seed(seed)
        super().__init__(capacity, dtypes, shapes, names, shared_name, name,
                         {"min_after_dequeue": int(min_after_dequeue),
                          "seed": list(seeds) if seeds[0] is not None else None})



class PriorityQueue(QueueBase):
    """Dequeues the element with the smallest priority first: each element is a scalar int64
    priority followed by components of ``types`` (``dtypes`` lists int64 first)."""

    _kind = "PriorityQueue"

    def __init__(self, capacity, types, shapes=None, names=None, shared_name=None,
                 name="priority_queue"):
        types = [dtypes.int64, *_as_list(types)]
        if shapes is not None:
            shapes = [TensorShape([]), *_as_list(shapes)]
        super().__init__(capacity, types, shapes, names, shared_name, name)
