"""``tf.function`` and ``tf.contrib.eager.defun``: a Python function traced into a graph.

A ``Function`` traces its Python function once per input signature (the graph it is called
in, the dtypes and shapes of its tensor arguments, the values of its other arguments) into
a ``FuncGraph`` (func_graph.py); the trace is a ``ConcreteFunction``. Calling the Function:

- in a graph adds one ``PartitionedCall`` (``StatefulPartitionedCall`` when the body holds a
  stateful op) whose outputs are the function's results, as TensorFlow 1.15 does;
- eagerly runs the trace as one compiled plan of a session that shares the eager context's
  variables: no Python op builders run per call, which is what makes eager code fast.

By default the function is first converted by AutoGraph (``autograph/``), so ``if`` and
``while`` over tensors become ``tf.cond`` and ``tf.while_loop``. Variables may be created on
the first call only: they are made outside the trace (in the calling graph, or eagerly), and
the function is then traced again with variable creation forbidden, as TensorFlow does.
"""

import contextlib
import functools
import inspect
import weakref

import numpy as np

from . import dtypes as _dtypes
from . import nest
from .eager.tensor import EagerTensor
from .func_graph import FuncGraph
from .graph import TRACES, Operation, Tensor, convert_to_tensor, get_default_graph, init_scope
from .ops import constant_op
from .ops import function_call_ops as _function_call_ops  # noqa: F401 - registers the ops
from .tensor_shape import as_shape
from .variables import Variable

__all__ = ["ConcreteFunction", "Function", "TensorSpec", "defun", "function"]


class TensorSpec:
    """The dtype and shape of a tensor argument (``tf.TensorSpec``)."""

    def __init__(self, shape, dtype=_dtypes.float32, name=None):
        self._shape = as_shape(shape)
        self._dtype = _dtypes.as_dtype(dtype).base_dtype
        self._name = name

    @classmethod
    def from_tensor(cls, tensor, name=None):
        return cls(tensor.shape, tensor.dtype, name or getattr(tensor, "_name_hint", None))

    @property
    def shape(self):
        return self._shape

    @property
    def dtype(self):
        return self._dtype

    @property
    def name(self):
        return self._name

    def is_compatible_with(self, other):
        return (self._dtype == _dtypes.as_dtype(other.dtype).base_dtype
                and self._shape.is_compatible_with(other.shape))

    def _key(self):
        return (self._dtype, _shape_key(self._shape))

    def __eq__(self, other):
        return isinstance(other, TensorSpec) and self._key() == other._key() \
            and self._name == other._name

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        name = repr(self._name) if self._name is not None else "None"
        return f"TensorSpec(shape={self._shape}, dtype={self._dtype!r}, name={name})"


def _shape_key(shape):
    return None if shape.ndims is None else tuple(shape.as_list())


# -- the concrete function: one trace ---------------------------------------------------------


class _Runner:
    """Runs a traced function in one session state; recompiles when more values are kept."""

    def __init__(self, fn, state):
        self._fn = fn
        subgraph = getattr(state, "subgraph", None)
        self._subgraph = subgraph if subgraph is not None else fn._eager_subgraph()
        self._compiled_for = -1
        self._call = None

    def _compiled(self):
        fn = self._fn
        if self._compiled_for != len(fn._exposed):
            self._compiled_for = len(fn._exposed)
            self._kept = list(fn._exposed)
            fetches = [*fn.outputs, *self._kept, *fn._sinks]
            self._call = self._subgraph(fetches, fn._feeds())
        return self._call

    def outputs_only(self, feed_values):
        """The outputs for the feeds' values (no kept values): eager calls."""
        return self._compiled()(feed_values)

    def __call__(self, *values):
        fn = self._fn
        out = self._compiled()(fn._feed_values(values))
        count = len(fn.outputs)
        bundle = dict(zip(self._kept, out[count:count + len(self._kept)]))
        if not count:
            return bundle
        return (*out[:count], bundle)


class _Traced:
    """What a forward and a backward function share: compiled runners per session state."""

    _eager_session = None
    _eager_plan = None

    def _setup_runners(self):
        self._runners = weakref.WeakKeyDictionary()

    def runner(self, state):
        found = self._runners.get(state)
        if found is None:
            found = self._runners[state] = _Runner(self, state)
        return found

    def _eager_subgraph(self):
        """A session on the trace that shares the eager context's variables and streams."""
        if self._eager_session is None:
            from .eager.execute import STATE  # noqa: PLC0415 - loaded with eager mode
            from .session import Session  # noqa: PLC0415 - session imports this layer's peers

            session = Session(graph=self.graph)
            session._state.variables = STATE.variables
            session._state.random_streams = STATE.random_streams
            session._state.resources = STATE.resources
            self._eager_session = session
        return self._eager_session._subgraph_function

    @property
    def output_shapes(self):
        return [t.shape for t in self.outputs]

    @property
    def output_dtypes(self):
        return [t.dtype for t in self.outputs]


class ConcreteFunction(_Traced):
    """One trace of a ``Function``: its graph, inputs, captures, outputs."""

    def __init__(self, graph, structured_outputs, outputs, sinks, name):
        self.graph = graph
        self.name = name
        self.structured_outputs = structured_outputs
        self.outputs = outputs
        self._sinks = sinks
        self._exposed = []
        self._backward = None
        self._setup_runners()
        if isinstance(structured_outputs, Tensor):
            self._pack_outputs = _first
        elif type(structured_outputs) is tuple and all(
                isinstance(t, Tensor) for t in structured_outputs):
            self._pack_outputs = tuple
        else:
            self._pack_outputs = functools.partial(_pack, structured_outputs)

    @property
    def inputs(self):
        return list(self.graph.inputs) + [inner for _, inner in self.graph.captures]

    @property
    def captured_inputs(self):
        return [outer for outer, _ in self.graph.captures]

    @property
    def stateful(self):
        return self.graph.stateful

    def _feeds(self):
        return self.inputs

    def _feed_values(self, values):
        return values[:len(self.graph.inputs) + len(self.graph.captures)]

    def call_inputs(self, flat_args):
        mirrors = [outside for _, outside in self.graph.mirrors.values()]
        return [*flat_args, *self.captured_inputs, *mirrors]

    def differentiable_inputs(self):
        """Inside tensors standing for each call-op input (a variable by its ref)."""
        refs = [inner.outputs[0] for inner, _ in self.graph.mirrors.values()]
        return [*self.inputs, *refs]

    def backward(self):
        if self._backward is None:
            self._backward = _Backward(self)
        return self._backward

    # -- calling ------------------------------------------------------------------------------
    def _call_flat(self, flat_args, graph):
        if graph._eager and not graph.tapes:
            return self._eager_call(flat_args)
        inputs = self.call_inputs(flat_args)
        op_type = "StatefulPartitionedCall" if self.stateful else "PartitionedCall"
        attrs = {"f": self}
        if self.graph.writes:
            attrs["var_names"] = tuple(sorted(self.graph.writes))
        out_dtypes = [*self.output_dtypes, _dtypes.int32]
        if graph._eager:
            if getattr(graph, "tapes", None):
                self.backward()  # the forward run keeps what a gradient will need
                op = graph.create_op(op_type, inputs, out_dtypes, attrs, op_type)
                return list(op.outputs[:-1])
            return self._eager_call(inputs)
        op = graph.create_op(op_type, inputs, out_dtypes, attrs, op_type)
        return list(op.outputs[:-1])

    def _eager_call(self, flat_args):
        """A call while executing eagerly with no tape recording: the arguments' values into
        the compiled plan, its results as EagerTensors."""
        plan = self._eager_plan
        if plan is None:
            from .eager.execute import STATE  # noqa: PLC0415 - loaded with eager mode

            captured = [t._value for t in self.captured_inputs]
            plan = self._eager_plan = (captured, self.runner(STATE).outputs_only,
                                       self.output_dtypes)
        captured, run, out_dtypes = plan
        values = [t._value for t in flat_args]
        values.extend(captured)  # eager values captured by the trace do not change
        return [EagerTensor(v if type(v) is np.ndarray else np.asarray(v), dtype)
                for v, dtype in zip(run(values), out_dtypes)]

    def __call__(self, *args, **kwargs):
        flat = [convert_to_tensor(a) for a in nest.flatten((args, kwargs))]
        outputs = self._call_flat(flat, get_default_graph())
        return _pack(self.structured_outputs, outputs)


class _Backward(_Traced):
    """The gradient of a ConcreteFunction, built in its graph; fed the forward's kept values."""

    def __init__(self, forward):
        from .gradients import gradients  # noqa: PLC0415 - gradients is a higher layer

        graph = forward.graph
        self.graph = graph
        self._sinks = []
        self._exposed = []
        self._setup_runners()
        self.output_indices = [i for i, t in enumerate(forward.outputs)
                               if t.dtype.is_floating or t.dtype.is_complex]
        xs_all = forward.differentiable_inputs()
        positions = [i for i, t in enumerate(xs_all)
                     if t.dtype.base_dtype.is_floating or t.dtype.base_dtype.is_complex]
        start = len(graph._ops)
        saved = graph.auto_control
        graph.auto_control = False
        try:
            with graph.as_default(), graph._outside_contexts():
                ys = [forward.outputs[i] for i in self.output_indices]
                self._seeds = [constant_op.placeholder(y.dtype, y.shape, name="grad_ys")
                               for y in ys]
                xs = [xs_all[i] for i in positions]
                found = gradients(ys, xs, grad_ys=self._seeds) if ys and xs else []
        finally:
            graph.auto_control = saved
        kept = [(p, g) for p, g in zip(positions, found) if g is not None]
        self.input_positions = [p for p, _ in kept]
        self.outputs = [_dense(g) for _, g in kept]
        new_ops = set(graph._ops[start:])
        seeds = set(self._seeds)
        wanted = []
        for op in graph._ops[start:]:
            for tensor in op.inputs:
                if tensor.op not in new_ops and tensor not in seeds and tensor not in wanted:
                    wanted.append(tensor)
        for tensor in self.outputs:
            if tensor.op not in new_ops and tensor not in wanted:
                wanted.append(tensor)
        self._wanted = wanted
        forward._exposed.extend(t for t in wanted if t not in forward._exposed)

    def _feeds(self):
        return [*self._wanted, *self._seeds]

    def _feed_values(self, values):
        bundle = values[0]
        return [*(bundle[t] for t in self._wanted), *values[1:]]

    def backward(self):
        raise NotImplementedError(
            "Second derivatives through a tf.function call are not supported: take both "
            "derivatives inside the function (nested GradientTapes or tf.gradients).")


def _first(outputs):
    return outputs[0]


def _dense(grad):
    from .ops.indexed_slices import IndexedSlices, densify  # noqa: PLC0415

    return densify(grad) if isinstance(grad, IndexedSlices) else grad


def _pack(structure, outputs):
    """The function's result: its structure with the call's tensors at the tensor leaves."""
    leaves = nest.flatten(structure)
    it = iter(outputs)
    filled = [next(it) if isinstance(leaf, Tensor) else
              (None if isinstance(leaf, Operation) else leaf) for leaf in leaves]
    return nest.pack_sequence_as(structure, filled)


# -- the polymorphic function ------------------------------------------------------------------


def _shape_of(leaf):
    return as_shape(leaf.shape)


def _dtype_of(leaf):
    return _dtypes.as_dtype(leaf.dtype).base_dtype


def _most_specific(a, b):
    """The dimensions ``a`` and ``b`` share; those that differ unknown."""
    if a.ndims is None or b.ndims is None or a.ndims != b.ndims:
        return as_shape(None)
    return as_shape([x if x == y else None for x, y in zip(a.as_list(), b.as_list())])


def _is_tensor_like(value):
    return isinstance(value, Tensor | np.ndarray | TensorSpec)


def _leaf_key(leaf):
    if isinstance(leaf, TensorSpec):
        return ("tensor", leaf.dtype, _shape_key(leaf.shape))
    if isinstance(leaf, Tensor):
        return ("tensor", leaf.dtype, _shape_key(leaf.shape))
    if isinstance(leaf, np.ndarray):
        return ("tensor", _dtypes.as_dtype(leaf.dtype), tuple(leaf.shape))
    if isinstance(leaf, Variable):
        return ("variable", id(leaf))
    try:
        hash(leaf)
    except TypeError:
        return ("object", id(leaf))
    return ("python", type(leaf), leaf)


class Function:
    """A Python function traced into graphs, one trace per input signature (``tf.function``)."""

    def __init__(self, python_function, name=None, input_signature=None, autograph=True,
                 experimental_autograph_options=None, experimental_relax_shapes=False,
                 experimental_compile=None):
        if not callable(python_function):
            raise TypeError(f"tf.function expects a callable, got {python_function!r}")
        functools.update_wrapper(self, python_function)
        self._python_function = python_function
        self._name = name or getattr(python_function, "__name__", "function")
        if input_signature is not None:
            input_signature = list(input_signature)
            for spec in nest.flatten(input_signature):
                if not isinstance(spec, TensorSpec):
                    raise TypeError(f"Invalid input_signature {input_signature}; input_signature"
                                    " must be a possibly-nested sequence of TensorSpec objects.")
        self._input_signature = input_signature
        self._autograph = autograph
        self._options = experimental_autograph_options
        self._relax_shapes = bool(experimental_relax_shapes)
        self._relaxed = {}  # (graph, structure, dtypes and ranks) -> (shapes, trace)
        self._cache = {}
        self._fast_cache = {}
        self._traced_once = False
        self._converted = None
        self._bound = weakref.WeakKeyDictionary()

    @property
    def python_function(self):
        return self._python_function

    @property
    def input_signature(self):
        return self._input_signature

    def __get__(self, instance, owner):
        """A method decorated with tf.function: one Function per instance, as TensorFlow."""
        if instance is None:
            return self
        try:
            found = self._bound.get(instance)
        except TypeError:
            found = None
        if found is None:
            bound = self._python_function.__get__(instance, owner)
            found = type(self)(bound, self._name, self._input_signature, self._autograph,
                               self._options, self._relax_shapes)
            with contextlib.suppress(TypeError):  # an instance not weakly referable
                self._bound[instance] = found
        return found

    def _traceable(self):
        if not self._autograph:
            return self._python_function
        if self._converted is None:
            from .autograph import impl  # noqa: PLC0415 - the converter is loaded on first use

            self._converted = impl.convert_for_function(self._python_function, self._options)
        return self._converted

    # -- signatures ---------------------------------------------------------------------------
    def _canonical(self, args, kwargs):
        """(args, kwargs) as given, or checked against and cast to the input signature."""
        if self._input_signature is None:
            return args, kwargs
        if kwargs:
            bound = inspect.signature(self._python_function).bind(*args, **kwargs)
            args = bound.args
            kwargs = {}
        if len(args) != len(self._input_signature):
            raise TypeError("When input_signature is provided, all inputs to the Python "
                            "function must be convertible to tensors:\n"
                            + _incompatible(args, self._input_signature))
        cast = []
        for arg, spec in zip(args, self._input_signature):
            nest.assert_same_structure(spec, arg, check_types=False)
            values = []
            for leaf, leaf_spec in zip(nest.flatten(arg), nest.flatten(spec)):
                if isinstance(leaf, TensorSpec):
                    values.append(leaf)
                    continue
                tensor = convert_to_tensor(leaf, dtype=leaf_spec.dtype) \
                    if not isinstance(leaf, Tensor) else leaf
                if not leaf_spec.is_compatible_with(tensor):
                    raise ValueError("Python inputs incompatible with input_signature:\n"
                                     + _incompatible(args, self._input_signature))
                values.append(tensor)
            cast.append(nest.pack_sequence_as(spec, values))
        return tuple(cast), {}

    def _key(self, graph, args, kwargs):
        if self._input_signature is not None:
            return (graph, "signature")
        leaves = nest.flatten((args, kwargs))
        shape = nest.pack_sequence_as((args, kwargs), [0] * len(leaves))
        return (graph, repr(shape), tuple(_leaf_key(leaf) for leaf in leaves))

    def _concrete_for(self, graph, args, kwargs):
        args, kwargs = self._canonical(args, kwargs)
        key = self._key(graph, args, kwargs)
        found = self._cache.get(key)
        if found is None and self._relax_shapes and self._input_signature is None:
            found, args, kwargs = self._relaxed_trace(graph, args, kwargs)
        if found is None:
            found = self._trace(graph, args, kwargs, allow_variables=not self._traced_once)
            if found.graph.created_variables:
                # As TensorFlow: the first trace made the variables; the function used from
                # now on is a second trace, in which making a variable is an error.
                found = self._trace(graph, args, kwargs, allow_variables=False)
            self._cache[key] = found
        return found, args, kwargs

    def _relaxed_trace(self, graph, args, kwargs):
        """``experimental_relax_shapes``: a trace whose argument dimensions that differed
        between calls are unknown, shared by every call of those dtypes and ranks (as
        TensorFlow 1.15 relaxes them after a second shape is seen)."""
        leaves = nest.flatten((args, kwargs))
        tensors = [i for i, leaf in enumerate(leaves) if _is_tensor_like(leaf)]
        shapes = [_shape_of(leaves[i]) for i in tensors]
        rank_key = [_leaf_key(leaf) if i not in tensors else
                    ("tensor", _dtype_of(leaf), None if _shape_of(leaf).ndims is None
                     else _shape_of(leaf).ndims) for i, leaf in enumerate(leaves)]
        structure = repr(nest.pack_sequence_as((args, kwargs), [0] * len(leaves)))
        rank_key = (graph, structure, tuple(rank_key))
        known = self._relaxed.get(rank_key)
        if known is None:
            self._relaxed[rank_key] = (shapes, None)
            return None, args, kwargs
        seen, trace = known
        if trace is not None and all(old.is_compatible_with(new)
                                     for old, new in zip(seen, shapes)):
            return trace, args, kwargs
        merged = [_most_specific(old, new) for old, new in zip(seen, shapes)]
        specs = list(leaves)
        for i, shape in zip(tensors, merged):
            specs[i] = TensorSpec(shape, _dtype_of(leaves[i]))
        spec_args, spec_kwargs = nest.pack_sequence_as((args, kwargs), specs)
        trace = self._trace(graph, spec_args, spec_kwargs,
                            allow_variables=not self._traced_once)
        self._relaxed[rank_key] = (merged, trace)
        return trace, args, kwargs

    def get_concrete_function(self, *args, **kwargs):
        """The trace for these arguments (TensorSpecs allowed), traced now if need be."""
        if not args and not kwargs and self._input_signature is not None:
            args = tuple(self._input_signature)
        concrete, _, _ = self._concrete_for(get_default_graph(), args, kwargs)
        return concrete

    # -- tracing ------------------------------------------------------------------------------
    def _arg_names(self, args, kwargs):
        try:
            bound = inspect.signature(self._python_function).bind(*args, **kwargs)
        except (TypeError, ValueError):
            return [f"args_{i}" for i in range(len(args))], list(kwargs)
        names = []
        for name, param in inspect.signature(self._python_function).parameters.items():
            if name not in bound.arguments or name in kwargs:
                continue
            if param.kind is inspect.Parameter.VAR_POSITIONAL:
                names.extend(f"{name}_{i}" for i in range(len(bound.arguments[name])))
            else:
                names.append(name)
        return names, list(kwargs)

    def _trace(self, graph, args, kwargs, allow_variables):
        func_graph = FuncGraph(self._name, graph)
        func_graph.allow_variables = allow_variables
        func_graph._lift_variable = functools.partial(_lift_variable, func_graph)
        names, _ = self._arg_names(args, kwargs)
        TRACES.append(func_graph)
        try:
            result, outputs, sinks = self._run_python(func_graph, args, kwargs, names)
        finally:
            TRACES.remove(func_graph)
        self._traced_once = True
        func_graph._lift_variable = None
        return ConcreteFunction(func_graph, result, outputs, sinks, self._name)

    def _run_python(self, func_graph, args, kwargs, names):
        with func_graph.as_default():
            inner_args = [_placeholders(func_graph, arg, name)
                          for arg, name in zip(args, names + ["arg"] * len(args))]
            inner_kwargs = {k: _placeholders(func_graph, v, k) for k, v in kwargs.items()}
            result = self._traceable()(*inner_args, **inner_kwargs)
            outputs = []
            sinks = []
            for leaf in nest.flatten(result):
                if isinstance(leaf, Operation):
                    sinks.append(leaf)
                elif isinstance(leaf, Tensor):
                    outputs.append(leaf)
            if func_graph.stateful:
                last = [op for op in func_graph._last_step.values() if op is not None]
                sinks.extend(op for op in last if op._control_flow_context is None)
        return result, outputs, sinks

    def _fast_key(self, graph, args):
        """The cache key of flat positional arguments (tensors and Python scalars), or None."""
        key = [graph]
        for arg in args:
            if isinstance(arg, Tensor):
                if getattr(arg, "_is_eager", False) and not hasattr(arg, "_key"):
                    key.append((arg._dtype, arg._value.shape))
                else:
                    key.append((arg.dtype, _shape_key(arg.shape)))
            elif arg is None or type(arg) in (int, float, bool, str):
                key.append((type(arg), arg))
            else:
                return None
        return tuple(key)

    def __call__(self, *args, **kwargs):
        graph = get_default_graph()
        fast = None
        if not kwargs and self._input_signature is None:
            fast = self._fast_key(graph, args)
            concrete = self._fast_cache.get(fast) if fast is not None else None
            if concrete is not None:
                flat = [arg for arg in args if isinstance(arg, Tensor)]
                return concrete._pack_outputs(concrete._call_flat(flat, graph))
        concrete, args, kwargs = self._concrete_for(graph, args, kwargs)
        if fast is not None:
            self._fast_cache[fast] = concrete
        flat = []
        for leaf in nest.flatten((args, kwargs)):
            if isinstance(leaf, Tensor):
                flat.append(leaf)
            elif isinstance(leaf, np.ndarray):
                flat.append(convert_to_tensor(leaf))
        outputs = concrete._call_flat(flat, graph)
        return concrete._pack_outputs(outputs)

    def __repr__(self):
        return f"<smallflow.def_function.Function object at 0x{id(self):x}>"


def _incompatible(args, signature):
    """TensorFlow 1.15's listing of the inputs next to the signature they do not fit."""
    inputs = ",\n  ".join(str(a) for a in args)
    specs = ",\n  ".join(str(s) for s in signature)
    return f"inputs: (\n  {inputs})\ninput_signature: (\n  {specs})"


def _placeholders(func_graph, arg, name):
    """``arg`` with a placeholder of the function's graph at each tensor leaf."""
    leaves = nest.flatten(arg)
    replaced = [func_graph.placeholder_for(leaf if not isinstance(leaf, np.ndarray)
                                           else TensorSpec(leaf.shape, leaf.dtype), name)
                if _is_tensor_like(leaf) else leaf for leaf in leaves]
    return nest.pack_sequence_as(arg, replaced)


def _lift_variable(func_graph, cls, args, kwargs):
    """Make a variable asked for inside a trace outside it (TensorFlow's init_scope); the
    variable's own ``__new__`` counts it for the trace."""
    args = list(args)
    if args:
        args[0] = _lifted_value(func_graph, args[0])
    elif "initial_value" in kwargs:
        kwargs = dict(kwargs, initial_value=_lifted_value(func_graph, kwargs["initial_value"]))
    with init_scope():
        return cls(*args, **kwargs)


def _lifted_value(func_graph, value):
    """An initial value computed in the trace, computed again outside it (TensorFlow lifts
    the initializer's ops out of the function the same way)."""
    if not isinstance(value, Tensor) or value.graph is not func_graph:
        return value
    made = {}

    def lift(tensor):
        op = tensor.op
        if op not in made:
            if op.type == "Placeholder":
                raise ValueError(
                    "tf.function-decorated function tried to create a variable whose initial "
                    f"value depends on the function's inputs ({op.name}); give it a value "
                    "that does not, or create it outside the function.")
            inputs = [lift(t) for t in op.inputs]
            attrs = {k: v for k, v in op.attrs.items() if k != "stream"}
            with init_scope():
                made[op] = get_default_graph().create_op(
                    op.type, inputs, [t.dtype for t in op.outputs], attrs,
                    op.name.rpartition("/")[2])
        return made[op].outputs[tensor.value_index]

    return lift(value)


def function(func=None, input_signature=None, autograph=True, experimental_autograph_options=None,
             experimental_relax_shapes=False, experimental_compile=None):
    """``tf.function``: ``@tf.function`` or ``tf.function(f, input_signature=...)``."""
    if func is None:
        return functools.partial(function, input_signature=input_signature, autograph=autograph,
                                 experimental_autograph_options=experimental_autograph_options,
                                 experimental_relax_shapes=experimental_relax_shapes,
                                 experimental_compile=experimental_compile)
    return Function(func, input_signature=input_signature, autograph=autograph,
                    experimental_autograph_options=experimental_autograph_options,
                    experimental_relax_shapes=experimental_relax_shapes)


def defun(func=None, input_signature=None, autograph=True, experimental_autograph_options=None,
          experimental_relax_shapes=False):
    """``tf.contrib.eager.defun``: the same compiled function as ``tf.function``."""
    return function(func, input_signature=input_signature, autograph=autograph,
                    experimental_autograph_options=experimental_autograph_options,
                    experimental_relax_shapes=experimental_relax_shapes)

