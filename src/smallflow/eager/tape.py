"""``tf.GradientTape`` and the function-gradient helpers of ``tf.contrib.eager``.

While a tape records, every eager op that has a watched input is appended to its list
(eager/execute.py calls ``_record``) and the op's outputs become watched in turn. A
gradient walks that list backwards, calling the gradient functions registered for graph
mode: they build ops with the builders, which in eager mode run at once, so the backward
pass is itself a sequence of eager ops, and an outer tape records it (second derivatives).

In graph mode a tape records nothing: ``gradient`` adds ``tf.gradients`` to the graph, as
TensorFlow 1.x's tape does when it is used while building a graph.
"""

import contextlib
import functools

from .. import nest
from ..gradients import _TAKES_INDEXED_SLICES, UnconnectedGradients, gradients
from ..graph import Tensor, convert_to_tensor, get_default_graph
from ..ops import math_ops, shape_ops
from ..ops.indexed_slices import IndexedSlices, aggregate_gradients
from ..registry import GRADIENTS


def _is_variable(value):
    return hasattr(value, "_handle") and hasattr(value, "trainable")


def _differentiable(tensor):
    dtype = tensor.dtype
    return dtype.is_floating or dtype.is_complex


class GradientTape:
    """Records eager ops so that gradients of their results can be computed afterwards.

    ``persistent=True`` allows several ``gradient`` calls; ``watch_accessed_variables=False``
    watches only what ``watch`` is given (by default every trainable variable read inside
    the block is watched).
    """

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self._persistent = persistent
        self._watch_accessed_variables = watch_accessed_variables
        self._graph = None
        self._recording = False
        self._ops = []
        self._watched = {}  # id(tensor) -> tensor, kept alive while recorded
        self._variables = {}  # id(variable) -> variable, in the order first watched
        self._used = False

    # -- the block ----------------------------------------------------------------------------
    def __enter__(self):
        self._graph = get_default_graph()
        self._push()
        return self

    def __exit__(self, exc_type, exc, tb):
        if self._recording:
            self._pop()

    def _push(self):
        if self._recording:
            raise ValueError("Tape is already recording.")
        tapes = getattr(self._graph, "tapes", None)
        if tapes is not None:
            tapes.append(self)
        self._recording = True

    def _pop(self):
        tapes = getattr(self._graph, "tapes", None)
        if tapes is not None and self in tapes:
            tapes.remove(self)
        self._recording = False

    @contextlib.contextmanager
    def stop_recording(self):
        """Ops run inside are not recorded by this tape."""
        if not self._recording:
            raise ValueError("Tape must be recording.")
        self._pop()
        try:
            yield
        finally:
            self._push()

    def reset(self):
        """Forget everything recorded so far (the tape keeps recording if it was)."""
        self._ops = []
        self._watched = {}
        self._variables = {}
        self._used = False

    # -- what is watched ------------------------------------------------------------------------
    def watch(self, tensor):
        """Watch ``tensor`` (a tensor, variable, or a nest of them)."""
        for item in nest.flatten(tensor):
            if _is_variable(item):
                self._watch_variable(item)
            elif isinstance(item, Tensor):
                if getattr(item, "_is_eager", False):
                    self._watched[id(item)] = item
            else:
                raise ValueError(f"Passed in object of type {type(item)}, not tf.Tensor")

    def _watch_variable(self, variable):
        if id(variable) not in self._variables:
            self._variables[id(variable)] = variable
        handle = variable._handle
        self._watched[id(handle)] = handle

    def _variable_accessed(self, variable):
        if self._watch_accessed_variables and variable.trainable and self._recording:
            self._watch_variable(variable)

    def watched_variables(self):
        """The variables this tape watches, in the order they were first watched."""
        return tuple(self._variables.values())

    def _record(self, op):
        watched = self._watched
        for tensor in op._inputs:
            if id(tensor) in watched:
                break
        else:
            return
        self._ops.append(op)
        for tensor in op._outputs:
            watched[id(tensor)] = tensor

    # -- gradients --------------------------------------------------------------------------
    def gradient(self, target, sources, output_gradients=None,
                 unconnected_gradients=UnconnectedGradients.NONE):
        """The gradient of ``target`` (a tensor or nest; summed) w.r.t. each of ``sources``,
        in the structure of ``sources``; None where a source is not connected."""
        if self._used and not self._persistent:
            raise RuntimeError("GradientTape.gradient can only be called once on "
                               "non-persistent tapes.")
        unconnected = UnconnectedGradients(unconnected_gradients)
        flat_sources = nest.flatten(sources)
        if not getattr(self._graph, "_eager", False):
            return self._graph_gradient(target, sources, flat_sources, output_gradients,
                                        unconnected)
        if self._recording and not self._persistent:
            # As TensorFlow: the gradient of a tape that is still open stops its recording.
            self._pop()
        source_tensors = [_source_tensor(s) for s in flat_sources]
        targets = nest.flatten(target)
        seeds = None if output_gradients is None else nest.flatten(output_gradients)
        grads = _backprop(self._ops, targets, seeds, source_tensors)
        if unconnected is UnconnectedGradients.ZERO:
            grads = [shape_ops.zeros_like(s) if g is None else g
                     for g, s in zip(grads, source_tensors)]
        if not self._persistent:
            self._used = True
            self._ops = []
            self._watched = {}
        return nest.pack_sequence_as(sources, grads)

    def _graph_gradient(self, target, sources, flat_sources, output_gradients, unconnected):
        xs = [s._gradient_source() if _is_variable(s) else s for s in flat_sources]
        ys = nest.flatten(target)
        grad_ys = None if output_gradients is None else nest.flatten(output_gradients)
        grads = gradients(ys, xs, grad_ys=grad_ys)
        if unconnected is UnconnectedGradients.ZERO:
            grads = [shape_ops.zeros_like(x) if g is None else g for g, x in zip(grads, xs)]
        self._used = True
        return nest.pack_sequence_as(sources, grads)


    # -- Jacobians -----------------------------------------------------------------------------
    def jacobian(self, target, sources, unconnected_gradients=UnconnectedGradients.NONE,
                 parallel_iterations=None, experimental_use_pfor=True):
        """``d target[i...] / d source[j...]`` for each of ``sources`` (a nest), of shape
        ``target.shape + source.shape``: one backward pass per element of ``target``, seeded
        with that element's one-hot (the target's size must be known when the graph is
        built; ``parallel_iterations`` and ``experimental_use_pfor`` choose TensorFlow's
        strategy and change nothing here)."""
        target = convert_to_tensor(target)
        size = _static_size(target, "jacobian", "target")
        flat_sources = nest.flatten(sources)
        rows = self._one_hot_passes(target, flat_sources, size,
                                    lambda i: _one_hot_seed(target, [i], size))
        results = []
        for index, source in enumerate(flat_sources):
            column = [row[index] for row in rows]
            results.append(self._assemble(
                column, source, target.shape.as_list(), 0, unconnected_gradients, axis=0))
        return nest.pack_sequence_as(sources, results)

    def batch_jacobian(self, target, source, unconnected_gradients=UnconnectedGradients.NONE,
                       parallel_iterations=None, experimental_use_pfor=True):
        """``d target[b, i...] / d source[b, j...]`` for each batch row ``b`` (rows must not
        depend on other rows' sources), of shape ``[batch, *target.shape[1:],
        *source.shape[1:]]``: one backward pass per element of a target row."""
        target = convert_to_tensor(target)
        if target.shape.ndims is None or target.shape.ndims < 1:
            raise ValueError(f"Need first dimension of target shape ({target.shape}) and "
                             "source shape to match.")
        row_shape = target.shape.as_list()[1:]
        per_row = 1
        for dim in row_shape:
            if dim is None:
                raise ValueError(f"batch_jacobian needs the row shape of target "
                                 f"({target.shape}) known when the graph is built")
            per_row *= dim
        columns = self._one_hot_passes(target, [source], per_row,
                                       lambda j: _row_one_hot_seed(target, j, per_row))
        return self._assemble([c[0] for c in columns], source, row_shape, 1,
                              unconnected_gradients, axis=1)

    def _one_hot_passes(self, target, flat_sources, count, seed_of):
        """The gradients of ``target`` seeded with ``seed_of(i)`` for i < count (a list per
        seed of gradients per source); marks a non-persistent tape used."""
        if self._used and not self._persistent:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute "
                               "one set of gradients (or jacobians)")
        eager = getattr(self._graph, "_eager", False)
        if eager and self._recording and not self._persistent:
            self._pop()
        rows = []
        for i in range(count):
            seed = seed_of(i)
            if eager:
                rows.append(_backprop(self._ops, [target], [seed],
                                      [_source_tensor(s) for s in flat_sources]))
            else:
                xs = [s._gradient_source() if _is_variable(s) else s for s in flat_sources]
                rows.append(gradients([target], xs, grad_ys=[seed]))
        if not self._persistent:
            self._used = True
            if eager:
                self._ops = []
                self._watched = {}
        return rows

    @staticmethod
    def _assemble(parts, source, target_dims, at, unconnected_gradients, axis):
        """Stack the gradients ``parts`` (each shaped like ``source``) along ``axis`` and
        reshape to the source's shape with ``target_dims`` inserted at position ``at``."""
        from ..ops import array_ops
        from ..ops.indexed_slices import densify

        value = source.value() if _is_variable(source) else source
        source_dims = value.shape.as_list()
        static = [*source_dims[:at], *target_dims, *source_dims[at:]]
        dynamic = array_ops.concat([array_ops.shape(value)[:at],
                                    array_ops.constant(target_dims, dtype="int32"),
                                    array_ops.shape(value)[at:]], 0)
        if all(p is None for p in parts):
            if UnconnectedGradients(unconnected_gradients) is UnconnectedGradients.ZERO:
                zeros = array_ops.zeros(dynamic, dtype=value.dtype.base_dtype)
                zeros.set_shape(static)
                return zeros
            return None
        dense = [array_ops.zeros_like(value) if p is None
                 else densify(p) if isinstance(p, IndexedSlices) else p for p in parts]
        result = array_ops.reshape(array_ops.stack(dense, axis=axis), dynamic)
        result.set_shape(static)
        return result


def _static_size(tensor, what, name):
    size = tensor.shape.num_elements()
    if size is None:
        raise ValueError(f"{what} needs the shape of {name} ({tensor.shape}) known when the "
                         "graph is built")
    return size


def _one_hot_seed(target, index, size):
    from ..ops import array_ops

    flat = array_ops.one_hot(index[0], size, dtype=target.dtype)
    return array_ops.reshape(flat, target.shape.as_list())


def _row_one_hot_seed(target, column, per_row):
    """Ones at element ``column`` of every row of ``target``, zeros elsewhere."""
    from ..ops import array_ops

    row = array_ops.one_hot(column, per_row, dtype=target.dtype)
    batch = array_ops.shape(target)[:1]
    tiled = array_ops.tile(array_ops.reshape(row, [1, per_row]),
                           array_ops.concat([batch, [1]], 0))
    return array_ops.reshape(tiled, array_ops.shape(target))


def _source_tensor(source):
    if _is_variable(source):
        return source._handle
    if isinstance(source, Tensor):
        return source
    raise ValueError(f"Passed in object of type {type(source)}, not tf.Tensor or "
                     "tf.Variable")


def _seed(target, grad):
    if grad is not None:
        return convert_to_tensor(grad, dtype=target.dtype)
    return shape_ops.ones_like(target)


def _backprop(ops, targets, seeds, sources):
    """Gradients of the sum of ``targets`` with respect to ``sources`` over recorded ops."""
    grads = {}
    keep = {}
    for index, target in enumerate(targets):
        target = convert_to_tensor(target)
        seed = _seed(target, None if seeds is None else seeds[index])
        grads.setdefault(id(target), []).append(seed)
        keep[id(target)] = target
    for op in reversed(list(ops)):
        out_grads = []
        for output in op._outputs:
            parts = grads.get(id(output))
            if parts and len(parts) > 1:
                parts[:] = [aggregate_gradients(parts, math_ops.add_n)]
            out_grads.append(parts[0] if parts else None)
        if all(g is None for g in out_grads):
            continue
        _backprop_op(op, out_grads, grads)
    results = []
    for source in sources:
        parts = grads.get(id(source))
        results.append(aggregate_gradients(parts, math_ops.add_n) if parts else None)
    return results


def _backprop_op(op, out_grads, grads):
    if not any(_differentiable(t) for t in op._inputs):
        return
    try:
        grad_fn = GRADIENTS.lookup(op.attrs.get("_gradient_op_type", op.type))
    except KeyError:
        raise LookupError(
            f"No gradient defined for operation '{op.name}' (op type: {op.type})") from None
    if grad_fn is None:
        return
    if op.type not in _TAKES_INDEXED_SLICES:
        out_grads = [convert_to_tensor(g) if isinstance(g, IndexedSlices) else g
                     for g in out_grads]
    in_grads = grad_fn(op, *out_grads)
    in_grads = list(in_grads) if isinstance(in_grads, list | tuple) else [in_grads]
    if len(in_grads) != len(op._inputs):
        raise ValueError(f"Num gradients {len(in_grads)} generated for op {op.name} do not "
                         f"match num inputs {len(op._inputs)}")
    for tensor, grad in zip(op._inputs, in_grads):
        if grad is None or not _differentiable(tensor):
            continue
        grads.setdefault(id(tensor), []).append(grad)


# -- tf.contrib.eager's function transformations ---------------------------------------------


def _watched_args(args, params, names):
    """The positions of ``args`` to differentiate: all, or those ``params`` names/indexes."""
    if params is None:
        return list(range(len(args)))
    positions = []
    for param in params:
        if isinstance(param, str):
            if param not in names:
                raise ValueError(f"Function has no parameter named {param!r}")
            positions.append(names.index(param))
        else:
            positions.append(int(param))
    return positions


def _parameter_names(f):
    import inspect

    try:
        return list(inspect.signature(f).parameters)
    except (TypeError, ValueError):
        return []


def _value_and_grads(f, params, args, kwargs):
    dy = kwargs.pop("dy", None)
    positions = _watched_args(args, params, _parameter_names(f))
    args = list(args)
    with GradientTape() as tape:
        for position in positions:
            if not _is_variable(args[position]):
                args[position] = convert_to_tensor(args[position])
            tape.watch(args[position])
        value = f(*args, **kwargs)
    sources = [args[p] for p in positions]
    grads = tape.gradient(value, sources, output_gradients=dy)
    return value, grads


def gradients_function(f, params=None):
    """A function returning the gradients of ``f`` w.r.t. its arguments (or ``params``)."""

    @functools.wraps(f)
    def decorated(*args, **kwargs):
        return _value_and_grads(f, params, args, kwargs)[1]

    return decorated


def value_and_gradients_function(f, params=None):
    """A function returning ``(f(*args), gradients)``."""

    @functools.wraps(f)
    def decorated(*args, **kwargs):
        return _value_and_grads(f, params, args, kwargs)

    return decorated


def implicit_value_and_gradients(f):
    """A function returning ``(f(*args), [(gradient, variable), ...])`` over the trainable
    variables ``f`` reads."""

    @functools.wraps(f)
    def decorated(*args, **kwargs):
        with GradientTape() as tape:
            value = f(*args, **kwargs)
        variables = tape.watched_variables()
        if not variables:
            raise ValueError("No trainable variables were accessed while the function was "
                             "being computed.")
        grads = tape.gradient(value, list(variables))
        return value, list(zip(grads, variables))

    return decorated


def implicit_gradients(f):
    """A function returning ``[(gradient, variable), ...]`` of ``f``."""

    @functools.wraps(f)
    def decorated(*args, **kwargs):
        return implicit_value_and_gradients(f)(*args, **kwargs)[1]

    return decorated
