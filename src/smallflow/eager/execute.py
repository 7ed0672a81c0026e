"""The eager context's graph: ``create_op`` runs the op's kernel at once on the inputs' values.

Every builder in smallflow ends in ``get_default_graph().create_op(...)``. While eager
execution is on and no graph is entered explicitly, the default graph is an ``EagerGraph``:
its ``create_op`` checks the dtypes (the op's signature), checks the shapes (the op's shape
function, whose ``ShapeError`` becomes TensorFlow's run-time ``InvalidArgumentError``), builds
the kernel and calls it, and returns an Operation whose outputs are ``EagerTensor`` values.
The Operation is kept by nobody unless a GradientTape records it, so a gradient function
later sees the op, its inputs and its outputs exactly as in graph mode.
"""

import contextlib
import random
import re

import numpy as np

from .. import dtypes as _dtypes
from .. import errors
from ..graph import Graph, Operation, Tensor
from ..ops.common import broadcast_shape_fn
from ..registry import OP_DEFS
from .tensor import EagerTensor, HandleTensor

# Ops whose input 0 is the ref of the variable they write: the kernel gets the other inputs
# (as session.py does), so assigning to a variable never reads it first.
_REF_WRITERS = frozenset({"Assign", "AssignAdd", "AssignSub"})
_MAXINT32 = 2**31 - 1
_RESHAPE = re.compile(r"Cannot reshape a tensor with (\d+) elements to shape .* \((\d+) elements\)")


class EagerState:
    """What the eager context keeps, as a session keeps it: variable values, random streams,
    resources (lookup tables, iterators). ``session`` and ``subgraph`` serve kernels that run
    traced functions; they are set by ``context`` when a session is needed."""

    def __init__(self):
        self.variables = {}
        self.random_streams = {}
        self.resources = {}
        self.session = None
        self.subgraph = None


# One for the process, shared by every thread's eager graph, as TensorFlow's eager context.
STATE = EagerState()


class EagerGraph(Graph):
    """The default graph while eager execution is on: ops run when they are created.

    Names are not made unique (TensorFlow's eager mode names nothing), control dependencies
    are no-ops (ops run in program order already), and nothing is remembered per op.
    """

    _eager = True

    def __init__(self):
        super().__init__()
        self.state = STATE
        # GradientTapes recording now (tape.py), innermost last.
        self.tapes = []
        self._seed_rng = None

    # -- seeds: tf.set_random_seed in eager mode ----------------------------------------------
    @property
    def seed(self):
        return self._seed

    @seed.setter
    def seed(self, value):
        self._seed = value
        # As TensorFlow's eager context: op seeds are drawn from a Python generator seeded
        # with the global seed, one per random op, so a seeded program repeats its numbers.
        self._seed_rng = None if value is None else random.Random(value)

    def _op_seed(self):
        return self._seed_rng.randint(0, _MAXINT32)

    # -- names and dependencies --------------------------------------------------------------
    def unique_name(self, name, mark_as_used=True):
        if self._name_stack:
            return f"{self._name_stack}/{name}"
        return name

    # Names only label eager ops (TensorFlow's eager scopes neither check nor make them
    # unique); a variable's name is the one place they show.
    def _check_scope_name(self, name):
        pass

    def _scope_below(self, name):
        return f"{self._name_stack}/{name}" if self._name_stack else name

    @contextlib.contextmanager
    def control_dependencies(self, control_inputs):
        # Eager ops run in program order: there is nothing to wait for.
        yield

    def create_op(self, op_type, inputs, dtypes, attrs=None, name=None):
        return execute(self, op_type, inputs, dtypes, attrs, name)


def _check_inputs(op_type, inputs):
    for tensor in inputs:
        if getattr(tensor, "_is_eager", False):
            continue
        if isinstance(tensor, Tensor):
            raise TypeError(
                f"An op outside of the function building code is being passed a \"Graph\" "
                f"tensor ({tensor.name}) to op '{op_type}'. Graph tensors cannot be used while "
                "eager execution is enabled: build them in a tf.Graph().as_default() block "
                "and run them in a Session, or compute the value eagerly.")
        raise TypeError(f"Input to op '{op_type}' must be a Tensor, got {tensor!r}")


def _shape_message(op, err):
    """TensorFlow's run-time wording for the shape errors programs meet most."""
    text = str(err)
    inputs = op._inputs
    if text.startswith("Dimensions must be equal") and len(inputs) == 2:
        a, b = (t.shape.bracket_str().replace(" ", "") for t in inputs)
        if op.type in ("MatMul", "BatchMatMulV2"):
            return f"Matrix size-incompatible: In[0]: {a}, In[1]: {b}"
        return f"Incompatible shapes: {a} vs. {b}"
    found = _RESHAPE.match(text)
    if found:
        return (f"Input to reshape is a tensor with {found[1]} values, but the requested shape "
                f"has {found[2]}")
    return text


def _check_shapes(op_def, op):
    try:
        op_def.shape_fn(op)
    except ValueError as err:  # ShapeError, or a shape function's own ValueError
        raise errors.InvalidArgumentError(
            None, None, f"{_shape_message(op, err)} [Op:{op.type}]") from None
    except (AttributeError, TypeError, IndexError, KeyError):
        # A shape function that reads the outputs (not made yet): the kernel checks.
        pass


# (op type, output count, input dtypes, dtype attrs) -> (type attrs set, output dtypes): the
# signature's check gives the same answer for the same dtypes, and it was most of the cost
# of running a small op eagerly.
_BOUND = {}


def _bind(signature, op_type, inputs, attrs, count):
    key = [op_type, count]
    for tensor in inputs:
        key.append(tensor._dtype)
    for name, value in attrs.items():
        kind = type(value)
        if kind is _dtypes.DType:
            key.append((name, value))
        elif kind is list or kind is tuple:
            return signature.bind(op_type, inputs, attrs, count)  # type lists: not cached
    key = tuple(key)
    found = _BOUND.get(key)
    if found is None:
        before = set(attrs)
        out = signature.bind(op_type, inputs, attrs, count)
        added = tuple((name, attrs[name]) for name in attrs if name not in before)
        found = _BOUND[key] = (added, out)
        return out
    for name, value in found[0]:
        attrs.setdefault(name, value)
    return found[1]


def _quiet(kernel, values):
    return kernel(*values)


# Kernels run with NumPy's floating-point warnings off, as in a session (TensorFlow's
# kernels give inf and NaN silently); the decorator form is the cheapest per call.
_quiet = np.errstate(all="ignore")(_quiet)


def _as_value(value, dtype):
    if type(value) is np.ndarray:
        return value
    return np.asarray(value, dtype=dtype.as_numpy_dtype if dtype.is_numpy_compatible else None)


def _output(value, dtype):
    """An op's result as an EagerTensor; a kernel's own object (a TensorArray's state, a
    resource) is kept as it is, as the session keeps it, in a scalar handle tensor."""
    try:
        return EagerTensor(_as_value(value, dtype), dtype)
    except (TypeError, ValueError):
        return HandleTensor(value, dtype)


def execute(graph, op_type, inputs, out_dtypes, attrs, name):
    """Run one op now; return it (its outputs are EagerTensors)."""
    try:
        op_def = OP_DEFS.lookup(op_type)
    except KeyError:
        raise errors.NotFoundError(None, None, f"Op type not registered '{op_type}'") from None
    if op_type == "Placeholder":
        raise RuntimeError("tf.placeholder() is not compatible with eager execution.")
    _check_inputs(op_type, inputs)
    attrs = dict(attrs) if attrs else {}
    if op_def.signature is not None:
        out_dtypes = _bind(op_def.signature, op_type, inputs, attrs, len(out_dtypes))
    else:
        out_dtypes = [_dtypes.as_dtype(d).base_dtype for d in out_dtypes]
    if name is None:
        name = op_type
    op_name = graph.unique_name(name[:-1] if name.endswith("/") else name)
    op = Operation(graph, op_type, op_name, inputs, attrs, ())
    op._control_flow_context = None
    op._outputs = (None,) * len(out_dtypes)
    if op_def.shape_fn is not broadcast_shape_fn:
        # Broadcasting element-wise ops are checked by NumPy's broadcasting (the same rule)
        # when the kernel runs: their shape function would only cost time.
        _check_shapes(op_def, op)
    if op_def.stateful:
        if "seed" in attrs and "stream" not in attrs:
            # One random stream per op type and seed pair, as TensorFlow's eager kernel cache
            # keeps one kernel per attribute set: a fixed op seed draws on, call after call.
            attrs["stream"] = ("eager", op_type, attrs["seed"], attrs.get("seed2"))
        kernel = op_def.kernel(attrs, graph.state)
    else:
        kernel = op_def.kernel(attrs)
    values = [t._value for t in (inputs[1:] if op_type in _REF_WRITERS else inputs)]
    try:
        result = _quiet(kernel, values)
    except errors.OpError as err:
        raise type(err)(None, None, f"{err.message} [Op:{op_type}]") from None
    except (ValueError, TypeError, IndexError, ArithmeticError) as err:
        _check_shapes(op_def, op)  # a shape error first, in TensorFlow's words
        raise errors.InvalidArgumentError(
            None, None, f"{op_type} op failed: {err} [Op:{op_type}]") from err
    count = len(out_dtypes)
    if count == 1:
        outputs = (_output(result, out_dtypes[0]),)
    elif count:
        outputs = tuple(_output(value, dtype) for value, dtype in zip(result, out_dtypes))
    else:
        outputs = ()
    op._outputs = outputs
    for tape in graph.tapes:
        tape._record(op)
    return op
