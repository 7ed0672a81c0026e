"""Higher-order functions over the first axis: ``map_fn``, ``scan``, ``foldl``, ``foldr``.

Each is a ``while_loop`` that reads element ``i`` of every input from a TensorArray and,
for ``map_fn`` and ``scan``, writes its result to another; gradients come from those ops.
"""

from .. import dtypes, nest
from ..graph import convert_to_tensor, name_scope
from ..tensor_shape import TensorShape
from . import array_ops
from .control_flow_ops import while_loop
from .tensor_array_ops import TensorArray


def _inputs(elems):
    flat = [convert_to_tensor(e, name="elem") for e in nest.flatten(elems)]
    if not flat:
        raise ValueError("elems must be a Tensor or (possibly nested) sequence of Tensors.")
    for tensor in flat:
        if tensor.shape.ndims == 0:
            raise ValueError(f"Elements in elems must be 1+ dimensional Tensors, not scalars "
                             f"({tensor.name})")
    return flat


def _length(flat):
    static = flat[0].shape.as_list()[0] if flat[0].shape.ndims else None
    if static is not None:
        return convert_to_tensor(static, dtype=dtypes.int32), static
    return array_ops.shape(flat[0])[0], None


def _arrays(flat, length, reverse=False):
    arrays = []
    for tensor in flat:
        source = array_ops.reverse(tensor, [0]) if reverse else tensor
        arrays.append(TensorArray(tensor.dtype, size=length, infer_shape=True).unstack(source))
    return arrays


def _element_shape(tensor):
    return TensorShape(None) if tensor.shape.ndims is None else TensorShape(
        tensor.shape.as_list()[1:])


def map_fn(fn, elems, dtype=None, parallel_iterations=None, back_prop=True,
           swap_memory=False, infer_shape=True, name=None):
    """``stack([fn(elems[0]), fn(elems[1]), ...])`` for (nested) ``elems`` unpacked on axis 0.

    ``dtype`` gives the structure and dtypes of ``fn``'s result when they differ from
    ``elems``'s.
    """
    if not callable(fn):
        raise TypeError("fn must be callable.")
    with name_scope(name or "map"):
        flat = _inputs(elems)
        length, static = _length(flat)
        inputs = _arrays(flat, length)
        out_structure = elems if dtype is None else dtype
        out_dtypes = [t.dtype for t in flat] if dtype is None else [
            dtypes.as_dtype(d) for d in nest.flatten(dtype)]
        outputs = [TensorArray(d, size=length, infer_shape=infer_shape) for d in out_dtypes]

        def body(i, *arrays):
            items = [ta.read(i) for ta in inputs]
            for item, tensor in zip(items, flat):
                item.set_shape(_element_shape(tensor))
            result = fn(nest.pack_sequence_as(elems, items))
            if dtype is not None:
                nest.assert_same_structure(dtype, result, check_types=False)
            else:
                try:
                    nest.assert_same_structure(elems, result, check_types=False)
                except (TypeError, ValueError):
                    raise ValueError(
                        "The structure of fn's result does not match elems; pass dtype= to "
                        "map_fn to describe what fn returns.") from None
            values = nest.flatten(result)
            return (i + 1, *[ta.write(i, v) for ta, v in zip(arrays, values)])

        finished = while_loop(lambda i, *_: i < length, body, (0, *outputs),
                              parallel_iterations=parallel_iterations or 10,
                              back_prop=back_prop, swap_memory=swap_memory)
        results = [ta.stack() for ta in finished[1:]]
        for result in results:
            if static is not None and result.shape.ndims is not None:
                result.set_shape(TensorShape([static] + result.shape.as_list()[1:]))
        return nest.pack_sequence_as(out_structure, results)


def scan(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
         swap_memory=False, infer_shape=True, reverse=False, name=None):
    """Every accumulator of ``a = fn(a, x)`` over ``elems``, stacked on axis 0.

    Without ``initializer`` the first element starts the accumulator (and is the first
    output).
    """
    if not callable(fn):
        raise TypeError("fn must be callable.")
    with name_scope(name or "scan"):
        flat = _inputs(elems)
        length, static = _length(flat)
        inputs = _arrays(flat, length, reverse)
        if initializer is None:
            start = 1
            first = [ta.read(0) for ta in inputs]
            init_flat = first
            init_structure = elems
        else:
            start = 0
            init_structure = initializer
            init_flat = [convert_to_tensor(t, name="initializer")
                         for t in nest.flatten(initializer)]
        outputs = [TensorArray(t.dtype, size=length, infer_shape=infer_shape,
                               dynamic_size=False) for t in init_flat]
        if start:
            outputs = [ta.write(0, value) for ta, value in zip(outputs, init_flat)]
        count = len(init_flat)

        def body(i, *state):
            accumulator = nest.pack_sequence_as(init_structure, list(state[:count]))
            items = [ta.read(i) for ta in inputs]
            for item, tensor in zip(items, flat):
                item.set_shape(_element_shape(tensor))
            result = fn(accumulator, nest.pack_sequence_as(elems, items))
            nest.assert_same_structure(init_structure, result, check_types=False)
            values = [convert_to_tensor(v) for v in nest.flatten(result)]
            arrays = [ta.write(i, v) for ta, v in zip(state[count:], values)]
            return (i + 1, *values, *arrays)

        finished = while_loop(lambda i, *_: i < length, body,
                              (start, *init_flat, *outputs),
                              parallel_iterations=parallel_iterations, back_prop=back_prop,
                              swap_memory=swap_memory)
        results = [ta.stack() for ta in finished[1 + count:]]
        if reverse:
            results = [array_ops.reverse(r, [0]) for r in results]
        for result in results:
            if static is not None and result.shape.ndims is not None:
                result.set_shape(TensorShape([static] + result.shape.as_list()[1:]))
        return nest.pack_sequence_as(init_structure, results)


def _fold(fn, elems, initializer, parallel_iterations, back_prop, swap_memory, name,
          reverse):
    if not callable(fn):
        raise TypeError("fn must be callable.")
    with name_scope(name):
        flat = _inputs(elems)
        length, _ = _length(flat)
        inputs = _arrays(flat, length, reverse)
        if initializer is None:
            start = 1
            init_structure = elems
            init_flat = [ta.read(0) for ta in inputs]
        else:
            start = 0
            init_structure = initializer
            init_flat = [convert_to_tensor(t, name="initializer")
                         for t in nest.flatten(initializer)]

        def body(i, *state):
            accumulator = nest.pack_sequence_as(init_structure, list(state))
            items = [ta.read(i) for ta in inputs]
            for item, tensor in zip(items, flat):
                item.set_shape(_element_shape(tensor))
            result = fn(accumulator, nest.pack_sequence_as(elems, items))
            nest.assert_same_structure(init_structure, result, check_types=False)
            return (i + 1, *[convert_to_tensor(v) for v in nest.flatten(result)])

        finished = while_loop(lambda i, *_: i < length, body, (start, *init_flat),
                              parallel_iterations=parallel_iterations, back_prop=back_prop,
                              swap_memory=swap_memory)
        return nest.pack_sequence_as(init_structure, list(finished[1:]))


def foldl(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """The last accumulator of ``a = fn(a, x)`` over ``elems`` from first to last."""
    return _fold(fn, elems, initializer, parallel_iterations, back_prop, swap_memory,
                 name or "foldl", reverse=False)


def foldr(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """The last accumulator of ``a = fn(a, x)`` over ``elems`` from last to first."""
    return _fold(fn, elems, initializer, parallel_iterations, back_prop, swap_memory,
                 name or "foldr", reverse=True)


def vectorized_map(fn, elems):
    """``tf.vectorized_map``: ``fn`` of each slice of ``elems`` along axis 0, stacked.

    TensorFlow vectorizes ``fn`` (``pfor``) and falls back to a loop where it cannot; the
    values are those of ``map_fn``, which runs here. The structure and dtypes of ``fn``'s
    result, which ``map_fn`` needs, come from tracing ``fn`` once on the first slice (ops
    that are never run).
    """
    if not callable(fn):
        raise TypeError("fn must be callable.")
    with name_scope("loop_body"):
        flat = [convert_to_tensor(e) for e in nest.flatten(elems)]
        probe = fn(nest.pack_sequence_as(elems, [array_ops.gather(t, 0) for t in flat]))
    dtype = nest.map_structure(lambda value: convert_to_tensor(value).dtype, probe)
    return map_fn(fn, elems, dtype=dtype)
