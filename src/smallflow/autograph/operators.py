"""What converted code calls (``ag__.if_stmt``, ``ag__.while_stmt``, ...): Python or TF.

Each operator looks at its values when the converted function runs (that is, while a
graph is traced) and decides: a condition or iterable that is a tensor gives a graph
construct (``tf.cond``, ``tf.while_loop``, ``tf.logical_and``, ``tf.print``, ...); a Python
value runs as plain Python, so a loop over a Python list is unrolled and ``if`` on a Python
bool picks its branch while tracing (TensorFlow AutoGraph's rule).

Control flow statements were turned by the converter into functions of their *state* (the
names the statement assigns): ``if_stmt(test, body, orelse, state, names)`` returns the new
values of those names. A name with no value yet is passed as ``Undefined``; a name that
ends up defined on one path only is given an ``Undefined`` carrying TensorFlow's message,
which is raised when (and only if) the program uses the name afterwards.
"""

import builtins

import numpy as np

from .. import dtypes, nest
from ..graph import Tensor, control_dependencies, convert_to_tensor, get_default_graph
from ..ops import control_flow_ops
from ..ops.constant_op import identity
from ..ops.cwise_ops import equal, logical_not, not_equal
from ..ops.debug_ops import Assert
from ..ops.shape_ops import shape as _shape_op
from ..ops.tensor_array_ops import TensorArray
from ..registry import OP_DEFS

__all__ = ["Undefined", "UndefinedReturnValue", "and_", "assert_stmt", "eq", "for_stmt",
           "if_exp", "if_stmt", "is_tensor", "ld", "len_", "list_append", "list_pop", "not_",
           "not_eq", "or_", "print_", "range_", "retval", "set_element_type", "stack",
           "while_stmt"]


class Undefined:
    """The value of a name that has none yet; using it raises ``message``."""

    __slots__ = ("live", "message", "name")

    def __init__(self, name, message=None, live=False):
        self.name = name
        self.message = message or f"'{name}' is used before it is assigned a value"
        # True for a name a tensor conditional or loop left undefined on some path: using it
        # is TensorFlow's ValueError (raised there when the name is live after the statement).
        self.live = live

    def _fail(self, *args, **kwargs):
        raise (ValueError if self.live else UnboundLocalError)(self.message)

    def __getattr__(self, attribute):
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        self._fail()

    __call__ = __bool__ = __iter__ = __len__ = __index__ = __float__ = __int__ = _fail
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _fail
    __truediv__ = __rtruediv__ = __floordiv__ = __mod__ = __pow__ = __neg__ = _fail
    __lt__ = __le__ = __gt__ = __ge__ = __getitem__ = __matmul__ = _fail

    def __repr__(self):
        return f"Undefined({self.name!r})"


class UndefinedReturnValue(Undefined):
    """The return value of a function before a ``return`` ran."""

    __slots__ = ()

    def __init__(self, name="return value", message=None):
        super().__init__(name, message or "the function did not return a value on every path")


def ld(read, name):
    """The value of ``name`` (read by ``read``), or Undefined if it has none yet."""
    try:
        return read()
    except NameError:  # UnboundLocalError too
        return Undefined(name)


def retval(value):
    """What a converted function returns: None for no return value; a name left undefined by a
    tensor conditional or loop is an error (TensorFlow's, raised where it is returned)."""
    if isinstance(value, UndefinedReturnValue):
        return None
    for item in value if isinstance(value, tuple) else (value,):
        if isinstance(item, Undefined):
            item._fail()
    return value


def is_tensor(value):
    return isinstance(value, Tensor) and not getattr(value, "_is_eager", False) \
        or isinstance(value, TensorArray) and not _eager()


def _eager():
    return get_default_graph()._eager


def _truth(value):
    """The Python truth of ``value`` when it is not a graph tensor (eager values included)."""
    if getattr(value, "_is_eager", False):
        return builtins.bool(value)
    return value


# -- if ---------------------------------------------------------------------------------------


class _Slot:
    """How one state name leaves a tf.cond: as a cond output, a Python value, or Undefined."""


def _tensorize(value):
    """``value`` as a tensor (a TensorArray, or a nest of them), or None for a Python value
    that is no tensor's (an object, a function, a module)."""
    if isinstance(value, Tensor | TensorArray):
        return value
    if isinstance(value, builtins.bool | int | float | str | bytes | np.ndarray | np.generic):
        return convert_to_tensor(value)
    if isinstance(value, list | tuple | dict) and nest.flatten(value):
        leaves = [_tensorize(leaf) for leaf in nest.flatten(value)]
        if all(isinstance(leaf, Tensor | TensorArray) for leaf in leaves) and \
                any(isinstance(leaf, Tensor | TensorArray) for leaf in nest.flatten(value)):
            return nest.pack_sequence_as(value, leaves)
    return None


def _side_effects(graph, start):
    """Ops made since op number ``start`` in the branch being built that change state or
    print: made control dependencies of the branch's results, so they run when it does
    (TensorFlow AutoGraph's automatic control dependencies)."""
    context = graph._control_flow_context
    made = graph._ops[start:]
    # Variables made here (not a tf.function trace's stand-ins for outside variables, which
    # it makes on first use): their initializers are not side effects of the branch.
    mirrors = getattr(graph, "mirrors", {})
    new_variables = {op.attrs.get("var_name") for op in made
                     if op.type == "VariableV2" and op.attrs.get("var_name") not in mirrors}
    found = []
    for op in made:
        if op._control_flow_context is not context or op.type in _NOT_EFFECTS:
            continue
        if op.type == "NoOp":
            if op.control_inputs:
                found.append(op)
            continue
        if not OP_DEFS.lookup(op.type).stateful:
            continue
        if op.type == "Assign" and op.attrs.get("var_name") in new_variables:
            continue  # a new variable's initializer
        if op.type in _EFFECTS or op.attrs.get("var_name") or op.attrs.get("var_names") or \
                op.type in ("If", "While", "StatefulPartitionedCall"):
            found.append(op)
    return found


_EFFECTS = frozenset({"PrintV2", "Print", "Assert", "PyFunc", "EagerPyFunc"})
_NOT_EFFECTS = frozenset({"VariableV2", "Placeholder", "Const"})


def _after(ops, values):
    """``values`` (a list of tensors / TensorArrays) computed after ``ops``."""
    if not ops:
        return values
    out = []
    with control_dependencies(ops):
        for value in values:
            if isinstance(value, TensorArray):
                out.append(value._with_flow(identity(value.flow)))
            else:
                out.append(identity(value))
    return out


def if_stmt(test, body, orelse, state, names):
    """``if test: body else: orelse`` over the state names; returns their new values."""
    if is_tensor(test):
        return _tf_if(test, body, orelse, state, names)
    return body(*state) if _truth(test) else orelse(*state)


def _tf_if(test, body, orelse, state, names):
    graph = get_default_graph()
    seen = [None, None]

    def branch(fn, index):
        def run():
            start = len(graph._ops)
            values = tuple(fn(*state))
            seen[index] = values
            items = []
            for i, value in enumerate(values):
                tensor = _tensorize(value)
                if index == 1 and isinstance(seen[0][i], Undefined):
                    if isinstance(seen[0][i], UndefinedReturnValue) and \
                            not isinstance(value, Undefined):
                        raise ValueError("the if branch must also have a return statement.")
                    tensor = None  # the result is undefined: keep the dummy of the if branch
                elif index == 1 and isinstance(value, Undefined):
                    if isinstance(value, UndefinedReturnValue):
                        raise ValueError("the else branch must also have a return statement.")
                    tensor = _like(items_of_true[i])
                items.append(_dummy() if tensor is None else tensor)
            if index == 0:
                items_of_true[:] = items
            if not items:
                items = [convert_to_tensor(False)]
            flat = _after(_side_effects(graph, start), nest.flatten(items))
            return nest.pack_sequence_as(items, flat)

        return run

    items_of_true = []
    outputs = control_flow_ops.cond(test, branch(body, 0), branch(orelse, 1), strict=True)
    results = []
    for name, out, then_value, else_value in zip(names, outputs, seen[0], seen[1]):
        then_undefined = isinstance(then_value, Undefined)
        else_undefined = isinstance(else_value, Undefined)
        if then_undefined and else_undefined:
            results.append(then_value)
        elif then_undefined or else_undefined:
            where = "if" if then_undefined else "else"
            if isinstance(then_value if then_undefined else else_value, UndefinedReturnValue):
                raise ValueError(f"the {where} branch must also have a return statement.")
            results.append(Undefined(name, f"'{name}' must also be initialized in the {where} "
                                           "branch", live=True))
        elif _tensorize(then_value) is None or _tensorize(else_value) is None:
            if then_value is not else_value:
                raise ValueError(f"'{name}' must be a tensor, or the same Python value, in both "
                                 f"branches of a tensor condition: got {then_value!r} and "
                                 f"{else_value!r}")
            results.append(then_value)
        elif not isinstance(then_value, Tensor | TensorArray) and then_value is else_value:
            results.append(then_value)  # the same Python value either way: stays Python
        else:
            results.append(out)
    return tuple(results)


def _dummy():
    return convert_to_tensor(False)


def _like(value):
    """A stand-in, in the else branch, for a value only the if branch defines (never read):
    zeros of its dtype (the if branch's tensor itself cannot be read here)."""
    from ..ops.array_ops import zeros  # noqa: PLC0415

    if isinstance(value, Tensor):
        shape = value.shape
        dims = [0 if d is None else d for d in shape.as_list()] if shape.ndims else []
        return zeros(dims, value.dtype)
    return None


def if_exp(test, true_value, false_value):
    """``a if test else b``."""
    if is_tensor(test):
        return control_flow_ops.cond(test, true_value, false_value)
    return true_value() if _truth(test) else false_value()


# -- logical expressions -----------------------------------------------------------------------


def and_(a, b):
    """``a and b`` (``b`` a function): lazy, as Python's, also on tensors."""
    value = a()
    if is_tensor(value):
        return control_flow_ops.cond(value, lambda: convert_to_tensor(b()), lambda: value)
    return value and b()


def or_(a, b):
    value = a()
    if is_tensor(value):
        return control_flow_ops.cond(value, lambda: value, lambda: convert_to_tensor(b()))
    return value or b()


def not_(value):
    if is_tensor(value):
        return logical_not(value)
    return not value


def eq(a, b):
    if is_tensor(a) or is_tensor(b):
        return equal(a, b)
    return a == b


def not_eq(a, b):
    if is_tensor(a) or is_tensor(b):
        return not_equal(a, b)
    return a != b



# -- while and for -----------------------------------------------------------------------------


def _carried(state):
    """Which state values a tf.while_loop carries: tensors and Python numbers."""
    return [i for i, value in enumerate(state) if _tensorize(value) is not None]


def while_stmt(test, body, state, names, opts=None):
    """``while test: body`` over the state names."""
    state = tuple(state)
    while True:
        condition = test(*state)
        if is_tensor(condition):
            return _tf_while(test, body, state, names, opts or {})
        if not _truth(condition):
            return state
        state = tuple(body(*state))


def _tf_while(test, body, state, names, opts, maximum_iterations=None):
    if any(isinstance(v, UndefinedReturnValue) for v in state):
        raise NotImplementedError(
            "a return statement cannot be placed inside this TensorFlow loop; this may happen "
            "if a return statement depends on a static Python condition such as a "
            "hyperparameter")
    carried = _carried(state)
    initial = [_tensorize(state[i]) for i in carried]

    def full(values):
        full_state = list(state)
        for i, value in zip(carried, values):
            full_state[i] = value
        return full_state

    def cond_fn(*values):
        return convert_to_tensor(test(*full(values)))

    graph = get_default_graph()

    def body_fn(*values):
        start = len(graph._ops)
        result = body(*full(values))
        out = []
        for i, before in zip(carried, values):
            name = names[i]
            after = result[i]
            if isinstance(after, Undefined):
                raise ValueError(f"'{name}' must be defined before the loop")
            tensor = _tensorize(after)
            if tensor is None:
                raise ValueError(f"'{name}' must be a tensor in the loop, got {after!r}")
            _check_same(name, before, tensor)
            out.append(tensor)
        return _after(_side_effects(graph, start), out)

    invariants = opts.get("shape_invariants") or ()
    shapes = None
    if invariants:
        chosen = {id(var): shape for var, shape in invariants}
        shapes = [chosen.get(id(state[i]), v.shape if isinstance(v, Tensor) else None)
                  for i, v in zip(carried, initial)]
    if not carried:
        raise ValueError("a loop over a tensor condition must change at least one variable")
    results = control_flow_ops.while_loop(
        cond_fn, body_fn, initial, shape_invariants=shapes,
        maximum_iterations=opts.get("maximum_iterations", maximum_iterations),
        parallel_iterations=opts.get("parallel_iterations", 10), return_same_structure=True)
    final = list(state)
    for i, value in zip(carried, results):
        final[i] = value
    for i, value in enumerate(state):
        if isinstance(value, Undefined):
            final[i] = Undefined(names[i], f"'{names[i]}' must be defined before the loop",
                                 live=True)
    return tuple(final)


def _check_same(name, before, after):
    if isinstance(before, TensorArray):
        return
    if before.dtype != after.dtype:
        raise TypeError(f"'{name}' has dtype {before.dtype.name} before the loop, but dtype "
                        f"{after.dtype.name} after one iteration")
    if not _fits(after.shape, before.shape):
        raise ValueError(f"'{name}' has shape {before.shape} before the loop, but shape "
                         f"{after.shape} after one iteration. Use "
                         "tf.autograph.experimental.set_loop_options to set shape invariants.")


def _fits(shape, invariant):
    if invariant.ndims is None:
        return True
    if shape.ndims != invariant.ndims:
        return False
    return all(b is None or a == b for a, b in zip(shape.as_list(), invariant.as_list()))


class _TensorRange:
    """``range(n)`` with a tensor bound: iterated by a tf.while_loop."""

    def __init__(self, start, limit, delta):
        self.start, self.limit, self.delta = start, limit, delta


def range_(*args):
    if any(is_tensor(a) for a in args):
        start, limit, delta = (0, args[0], 1) if len(args) == 1 else \
            (args[0], args[1], args[2] if len(args) > 2 else 1)
        return _TensorRange(start, limit, delta)
    return builtins.range(*(int(a) if getattr(a, "_is_eager", False) else a for a in args))


def for_stmt(iterable, extra_test, body, state, names, opts=None):
    """``for target in iterable: body``; ``body(element, *state)``; ``extra_test(*state)``
    (or None) stops the loop early (break, return)."""
    state = tuple(state)
    opts = opts or {}
    if isinstance(iterable, _TensorRange):
        return _tf_range_for(iterable, extra_test, body, state, names, opts)
    if is_tensor(iterable):
        return _tf_tensor_for(iterable, extra_test, body, state, names, opts)
    if hasattr(iterable, "make_one_shot_iterator") and not _eager():
        return _tf_dataset_for(iterable, extra_test, body, state, names, opts)
    if isinstance(iterable, TensorArray):
        iterable = iterable.stack()
    for element in iterable:
        if extra_test is not None:
            go_on = extra_test(*state)
            if is_tensor(go_on):
                raise NotImplementedError(
                    "break and return statements which depend on a TF condition are not "
                    "supported in Python for loops. Did you intend to make it a TF loop?")
            if not go_on:
                break
        state = tuple(body(element, *state))
    return state


def _tf_range_for(rng, extra_test, body, state, names, opts):
    start = convert_to_tensor(rng.start, dtype=dtypes.int32) \
        if not isinstance(rng.start, Tensor) else rng.start
    limit = convert_to_tensor(rng.limit, dtype=start.dtype)
    delta = convert_to_tensor(rng.delta, dtype=start.dtype)
    positive = not is_tensor(delta) or True

    def test(index, *rest):
        going = index < limit if positive else index > limit
        if extra_test is None:
            return going
        return and_(lambda: going, lambda: extra_test(*rest))

    def step(index, *rest):
        return (index + delta, *body(index, *rest))

    out = _tf_while(test, step, (start, *state), ("itr", *names), opts)
    return out[1:]


def _tf_tensor_for(tensor, extra_test, body, state, names, opts):
    count = tensor.shape[0].value if tensor.shape.ndims else None
    total = convert_to_tensor(count, dtype=dtypes.int32) if count is not None \
        else _shape_op(tensor, out_type=dtypes.int32)[0]

    def test(index, *rest):
        going = index < total
        if extra_test is None:
            return going
        return and_(lambda: going, lambda: extra_test(*rest))

    def step(index, *rest):
        return (index + 1, *body(tensor[index], *rest))

    out = _tf_while(test, step, (convert_to_tensor(0), *state), ("itr", *names), opts)
    return out[1:]


def _tf_dataset_for(dataset, extra_test, body, state, names, opts):
    """A loop over a tf.data dataset in a graph: a while loop taking one element at a time
    (``get_next_as_optional``), which ends with the dataset or at a break."""
    from ..data.experimental_ops import get_next_as_optional  # noqa: PLC0415

    iterator = dataset.make_one_shot_iterator()
    first = get_next_as_optional(iterator)
    # The optional's components as they are: empty values once the data has ended, when
    # the loop's condition stops it (get_value would fail there).
    element = nest.pack_sequence_as(iterator.output_types, list(first._components))
    flat = list(first._components)
    count = len(flat)

    def test(has_value, *rest):
        if extra_test is None:
            return has_value
        return and_(lambda: has_value, lambda: extra_test(*rest[count:]))

    def step(has_value, *rest):
        value = nest.pack_sequence_as(element, list(rest[:count]))
        new_state = body(value, *rest[count:])
        following = get_next_as_optional(iterator)
        return (following.has_value(), *following._components, *new_state)

    out = _tf_while(test, step, (first.has_value(), *flat, *state),
                    ("has_value", *[f"element_{i}" for i in range(count)], *names), opts)
    return out[1 + count:]


# -- statements and builtins -------------------------------------------------------------------


def print_(*args, **kwargs):
    """``print``: of tensors, an op printing their values to standard output when it runs
    (as TensorFlow's AutoGraph, where ``tf.print`` alone would write to standard error)."""
    unknown = sorted(set(kwargs) - {"sep", "end", "file", "flush"})
    if unknown:
        raise ValueError(f"invalid keyword arguments: {tuple(unknown)}")
    if any(is_tensor(a) for a in args):
        return _print_op(args, kwargs)
    return builtins.print(*args, **kwargs)


def _print_op(args, kwargs):
    """An op calling Python's print on the arguments' values when it runs (TensorFlow's
    AutoGraph does the same with a py_func): NumPy's formatting, strings decoded."""
    from ..ops.script_ops import py_func  # noqa: PLC0415

    positions = [i for i, a in enumerate(args) if is_tensor(a)]
    options = dict(kwargs, flush=True)

    def print_values(*values):
        items = list(args)
        for i, value in zip(positions, values):
            items[i] = value.decode("utf-8") if isinstance(value, bytes) else value
        builtins.print(*items, **options)
        return ()

    return py_func(print_values, [args[i] for i in positions], [], name="print")


def assert_stmt(test, message):
    if is_tensor(test):
        return Assert(test, [message()])
    if not _truth(test):
        raise AssertionError(message())
    return None


def len_(value):
    if isinstance(value, TensorArray):
        return value.size()
    if is_tensor(value):
        if value.shape.ndims == 0:
            raise ValueError("len requires a non-scalar tensor, got one of shape []")
        first = value.shape[0].value if value.shape.ndims else None
        return first if first is not None else _shape_op(value)[0]
    return builtins.len(value)


# -- lists --------------------------------------------------------------------------------------


def set_element_type(value, dtype, shape=None):
    """``autograph.set_element_type(l, dtype)``: an empty list becomes a TensorArray."""
    if isinstance(value, list):
        array = TensorArray(dtype, size=0, dynamic_size=True, element_shape=shape)
        for index, item in enumerate(value):
            array = array.write(index, item)
        return array
    return value


def list_append(target, element):
    if isinstance(target, TensorArray):
        return target.write(target.size(), element)
    target.append(element)
    return target


def list_pop(target, index=None):
    if isinstance(target, TensorArray):
        raise NotImplementedError("pop from a TensorArray list is not supported")
    return target, (target.pop() if index is None else target.pop(index))


def stack(value, strict=True):
    """``autograph.stack``: a TensorArray or a list of tensors as one tensor."""
    if isinstance(value, TensorArray):
        return value.stack()
    if isinstance(value, list | tuple) and value:
        from ..ops.join_split_ops import stack as tf_stack  # noqa: PLC0415

        return tf_stack(list(value))
    if strict:
        raise ValueError(f"cannot stack {value!r}")
    return value

