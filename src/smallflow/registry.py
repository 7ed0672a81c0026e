"""The op registry: one table of kernels and shape functions, one of gradients."""

import importlib
from collections.abc import Callable
from dataclasses import dataclass

# Op types registered by subpackages that ``import smallflow`` loads on first use
# (tf.estimator, tf.distribute, tf.contrib): a graph imported in a fresh process can name
# them before anything touched those packages, so a lookup that misses loads the module
# that owns the op type. tests/test_registry_lazy.py checks this table against what each
# module really registers.
LAZY_OP_MODULES = {
    **dict.fromkeys(("SmallflowBoostedTreesDebugPaths", "SmallflowBoostedTreesPredict",
                     "SmallflowBoostedTreesStates", "SmallflowBoostedTreesUpdate"),
                    "smallflow.estimator.boosted_trees"),
    **dict.fromkeys(("MPIAllgather", "MPIAllgatherGrad", "MPIAllreduce", "MPIBroadcast",
                     "MPIBroadcastGrad"), "smallflow.distribute.mpi_ops"),
    **dict.fromkeys(("CudnnRNNBackpropV3", "CudnnRNNCanonicalToParams", "CudnnRNNV3"),
                    "smallflow.contrib.cudnn_rnn"),
    **dict.fromkeys(("SmallflowForestFeatureUsage", "SmallflowForestPredict",
                     "SmallflowForestSize", "SmallflowForestTrain"),
                    "smallflow.contrib.tensor_forest.forest_ops"),
    "ImageConnectedComponents": "smallflow.contrib.image_components",
    **dict.fromkeys(("SmallflowGbdtPredict", "SmallflowGbdtStats", "SmallflowGbdtTrain"),
                    "smallflow.contrib.boosted_trees.gbdt_ops"),
}


_MISSING = object()


class Registry:
    """A name -> value table that refuses a second registration under the same name."""

    def __init__(self, kind, lazy=None):
        self._kind = kind
        self._entries = {}
        self._where = {}
        self._lazy = lazy or {}

    def _load_owner(self, name):
        """Import the module that registers ``name`` if it is loaded on first use."""
        module = self._lazy.get(name)
        if module is None:
            return False
        importlib.import_module(module)
        return name in self._entries

    def register(self, name, value, where=None):
        if name in self._entries:
            raise KeyError(
                f"Registering two {self._kind} with name '{name}'! "
                f"(Previous registration was in {self._where[name]})"
            )
        self._entries[name] = value
        self._where[name] = where or getattr(value, "__module__", "?")

    def lookup(self, name):
        entry = self._entries.get(name, _MISSING)
        if entry is _MISSING and self._load_owner(name):
            entry = self._entries[name]
        if entry is _MISSING:
            raise KeyError(name)
        return entry

    def __contains__(self, name):
        return name in self._entries or self._load_owner(name)

    def where(self, name):
        """The module that registered ``name``."""
        return self._where[name]

    def __iter__(self):
        return iter(self._entries)

    def items(self):
        return self._entries.items()

    def __len__(self):
        return len(self._entries)


@dataclass(frozen=True)
class OpDef:
    """How to run one op type and what shapes it makes.

    ``kernel(attrs)`` is called once when a session plans the op and returns the function
    that computes the outputs from the input arrays (a NumPy ufunc is a fine answer): the
    output array, or a tuple when the op has several outputs. A stateful kernel is called as
    ``kernel(attrs, state)`` with the running session's state (variables, random streams).
    ``shape_fn(op)`` returns one TensorShape per output. ``signature`` (see op_signature.py)
    declares the dtypes each input accepts and the outputs' dtypes; the graph checks it when
    the op is created.
    """

    type: str
    kernel: Callable
    shape_fn: Callable
    stateful: bool = False
    signature: object = None


OP_DEFS = Registry("op types", LAZY_OP_MODULES)
GRADIENTS = Registry("gradient functions", LAZY_OP_MODULES)


def register_op(op_type, kernel, shape_fn, stateful=False, signature=None):
    """Register an op type's kernel, shape function and (typed) signature."""
    where = kernel.__module__
    if signature is not None and signature.kernel_types:
        kernel = _checked_kernel(op_type, kernel, signature)
    op_def = OpDef(op_type, kernel, shape_fn, stateful, signature)
    OP_DEFS.register(op_type, op_def, where)


def _checked_kernel(op_type, kernel, signature):
    """``kernel`` behind the signature's check for declared types without a kernel."""
    def checked(attrs, *state):
        signature.check_kernel(op_type, attrs)
        return kernel(attrs, *state)

    return checked


class RegisterGradient:
    """Decorator: ``@RegisterGradient("MatMul")`` registers ``fn(op, grad)``."""

    def __init__(self, op_type):
        if not isinstance(op_type, str):
            raise TypeError("op_type must be a string")
        self._op_type = op_type

    def __call__(self, fn):
        GRADIENTS.register(self._op_type, fn, fn.__module__)
        return fn


def NotDifferentiable(op_type):  # noqa: N802 - TensorFlow's public name
    """Declare that ops of this type have no gradient (their inputs get None)."""
    GRADIENTS.register(op_type, None, "NotDifferentiable")


NoGradient = NotDifferentiable
