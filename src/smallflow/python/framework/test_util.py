"""``tensorflow.python.framework.test_util``: the decorators and helpers TensorFlow's own op
tests (and TF1 projects that copied their style) import.

``TensorFlowTestCase`` is ``tf.test.TestCase``. The decorators choose how a test method runs:
graph mode (``run_deprecated_v1``, ``deprecated_graph_mode_only``, ``run_v1_only``), once in
graph mode and once eagerly (``run_in_graph_and_eager_modes``), or not at all where the
test needs what smallflow does not have (``run_v2_only``: TensorFlow 2 behaviour;
``run_gpu_only``: a GPU). The XLA, control-flow-v2 and C-shape switches change nothing here
(smallflow has one implementation of each), so they return the test unchanged.
"""

import contextlib
import functools
import inspect
import unittest

from ... import graph as _graph
from ... import test as _test
from ...eager import context as _context
from ...test import create_local_cluster  # noqa: F401 - TensorFlow's name here too
from ...test_case import TestCase

TensorFlowTestCase = TestCase


# -- what the machine has ----------------------------------------------------------------


def is_gpu_available(cuda_only=False, min_cuda_compute_capability=None):
    """smallflow runs on the CPU only."""
    return _test.is_gpu_available(cuda_only, min_cuda_compute_capability)


def gpu_device_name():
    return ""


def is_xla_enabled():
    return False


def IsGoogleCudaEnabled():  # noqa: N802 - TensorFlow's names
    return False


def IsBuiltWithROCm():  # noqa: N802
    return False


def IsMklEnabled():  # noqa: N802
    return False


def GpuSupportsHalfMatMulAndConv():  # noqa: N802
    return False


def InstallStackTraceHandler():  # noqa: N802
    """Nothing to install: Python's tracebacks are the stack traces."""


# -- devices -------------------------------------------------------------------------------


@contextlib.contextmanager
def device(use_gpu):
    """Ops of the block on ``/device:CPU:0`` (``use_gpu`` asks for a GPU, which soft placement
    of the test sessions turns into the CPU)."""
    name = "/device:GPU:0" if use_gpu and is_gpu_available() else "/device:CPU:0"
    with _graph.device(name):
        yield


@contextlib.contextmanager
def use_gpu():
    with device(use_gpu=True):
        yield


@contextlib.contextmanager
def force_cpu():
    with device(use_gpu=False):
        yield


@contextlib.contextmanager
def force_gpu():
    """Pin the block to the GPU: smallflow has none, so the test is skipped."""
    raise unittest.SkipTest("smallflow runs on the CPU only (force_gpu)")
    yield  # pragma: no cover - a generator for contextmanager


# -- layouts -------------------------------------------------------------------------------

_TO_NCHW = {4: [0, 3, 1, 2], 5: [0, 4, 1, 2, 3]}
_TO_NHWC = {4: [0, 2, 3, 1], 5: [0, 2, 3, 4, 1]}


def _permute(value, permutations):
    if isinstance(value, _graph.Tensor):
        from ... import transpose

        rank = value.get_shape().ndims
        return transpose(value, permutations[rank])
    order = permutations[len(value)]
    return [value[axis] for axis in order]


def NHWCToNCHW(input_tensor):  # noqa: N802
    """A 4-D/5-D tensor, or a shape list, from channels-last to channels-first order."""
    return _permute(input_tensor, _TO_NCHW)


def NCHWToNHWC(input_tensor):  # noqa: N802
    """A 4-D/5-D tensor, or a shape list, from channels-first to channels-last order."""
    return _permute(input_tensor, _TO_NHWC)


# -- decorators ----------------------------------------------------------------------------


def _method_or_class_only(decorator_name, f):
    if inspect.isclass(f):
        raise ValueError(f"`{decorator_name}` only supports test methods.")


def _optional_func(make):
    """A decorator usable bare (``@d``) and called (``@d()``)."""

    def outer(func=None):
        if func is None:
            return make
        return make(func)

    return outer


def _in_graph_mode(f):
    @functools.wraps(f)
    def decorated(self, *args, **kwargs):
        if _context.executing_eagerly():
            with _context.graph_mode():
                return f(self, *args, **kwargs)
        return f(self, *args, **kwargs)

    return decorated


def _graph_mode_only(decorator_name):
    def make(f):
        if inspect.isclass(f):
            for name, value in list(vars(f).items()):
                if name.startswith("test") and callable(value):
                    setattr(f, name, _in_graph_mode(value))
            return f
        return _in_graph_mode(f)

    return make


run_deprecated_v1 = _optional_func(_graph_mode_only("run_deprecated_v1"))
deprecated_graph_mode_only = _optional_func(_graph_mode_only("deprecated_graph_mode_only"))


def run_v1_only(reason, func=None):
    """TensorFlow 1.x behaviour: smallflow is TensorFlow 1.x, so the test runs (in graph
    mode, as TensorFlow 1.x's default)."""
    if not isinstance(reason, str):
        raise ValueError("`run_v1_only` must be called with a reason; got "
                         f"{type(reason).__name__}")
    make = _graph_mode_only("run_v1_only")
    return make if func is None else make(func)


def run_v2_only(func=None):
    """TensorFlow 2 behaviour only: skipped, as under TensorFlow 1.x."""

    def make(f):
        _method_or_class_only("run_v2_only", f)

        @functools.wraps(f)
        def decorated(self, *args, **kwargs):
            self.skipTest("Test is only compatible with v2")

        return decorated

    return make if func is None else make(func)


def _skipping(message):
    def outer(func=None):
        def make(f):
            _method_or_class_only("run_gpu_only", f)

            @functools.wraps(f)
            def decorated(self, *args, **kwargs):
                self.skipTest(message)

            return decorated

        return make if func is None else make(func)

    return outer


run_gpu_only = _skipping("Test requires GPU")
run_cuda_only = _skipping("Test requires CUDA GPU")


def run_in_graph_and_eager_modes(func=None, config=None, use_gpu=True, reset_test=True,
                                 assert_no_eager_garbage=False):
    """Run the test method twice: building a graph run in the test's cached session, then
    with eager execution on (a fresh set-up between the two when ``reset_test``)."""

    def make(f):
        if inspect.isclass(f):
            raise ValueError("`run_in_graph_and_eager_modes` only supports test methods. "
                             "Did you mean to use `run_all_in_graph_and_eager_modes`?")

        @functools.wraps(f)
        def decorated(self, *args, **kwargs):
            try:
                with _context.graph_mode(), self.test_session(use_gpu=use_gpu, config=config):
                    f(self, *args, **kwargs)
            except unittest.SkipTest:
                pass
            if reset_test:
                self.tearDown()
                self._tempdir = None
            with _context.eager_mode():
                if reset_test:
                    self.setUp()
                f(self, *args, **kwargs)

        return decorated

    return make if func is None else make(func)


def run_all_in_graph_and_eager_modes(cls):
    """``run_in_graph_and_eager_modes`` on every ``test*`` method of the class."""
    for name, value in list(vars(cls).items()):
        if name.startswith("test") and callable(value) and name != "test_session":
            setattr(cls, name, run_in_graph_and_eager_modes(value))
    return cls


def also_run_as_tf_function(f):
    """Run the test eagerly, then once more traced into a ``tf.function``."""

    @functools.wraps(f)
    def decorated(*args, **kwargs):
        from ...def_function import function

        def bound():
            f(*args, **kwargs)

        with _context.eager_mode():
            bound()
            function(bound, autograph=False)()

    return decorated


def build_as_function_and_v1_graph(func=None):
    """TensorFlow runs these in a v1 graph and inside a function graph; smallflow runs the
    v1 graph (the function graph is the same graph machinery here)."""
    return run_deprecated_v1(func)


def _unchanged_factory(*unused_args, **unused_kwargs):
    """A decorator factory whose decorator returns the test (method or class) as it is."""

    def decorator(f):
        return f

    return decorator


def _unchanged(f):
    return f


# XLA, control flow v2, C shapes, determinism switches: one implementation in smallflow.
disable_xla = _unchanged_factory
enable_tf_xla_constant_folding = _unchanged_factory
no_xla_auto_jit = _unchanged_factory
xla_allow_fallback = _unchanged_factory
disable_control_flow_v2 = _unchanged_factory
enable_control_flow_v2 = _unchanged
with_control_flow_v2 = _unchanged
enable_c_shapes = _unchanged
with_c_shapes = _unchanged
enable_output_all_intermediates = _unchanged
use_deterministic_cudnn = _unchanged
# Garbage and leak checks of TensorFlow's C++ runtime: nothing to check here.
assert_no_new_pyobjects_executing_eagerly = _unchanged
assert_no_new_tensors = _unchanged
assert_no_garbage_created = _unchanged


def skip_if(condition):
    """Skip the test method when ``condition`` (a value, or a callable of no arguments) is
    true when the test runs."""

    def make(f):
        @functools.wraps(f)
        def decorated(self, *args, **kwargs):
            skip = condition() if callable(condition) else condition
            if skip:
                self.skipTest("Skipped by skip_if")
            return f(self, *args, **kwargs)

        return decorated

    return make


def for_all_test_methods(decorator, *args, **kwargs):
    """A class decorator applying ``decorator(*args, **kwargs)`` to every ``test*`` method."""

    def apply(cls):
        for name, value in list(vars(cls).items()):
            if name.startswith("test") and callable(value) and name != "test_session":
                setattr(cls, name, decorator(*args, **kwargs)(value))
        return cls

    return apply


# -- graph helpers -------------------------------------------------------------------------


def assert_ops_in_graph(expected_ops, graph):
    """``expected_ops`` maps op names to op types; each must be in ``graph``. Returns the
    ops found by name."""
    found = {}
    for op_name, op_type in expected_ops.items():
        try:
            op = graph.get_operation_by_name(op_name)
        except KeyError as err:
            raise ValueError(f"Expected op {op_name} not found in graph") from err
        if op.type != op_type:
            raise ValueError(f"Expected op {op_name} of type {op_type}, got {op.type}")
        found[op_name] = op
    return found


def assert_equal_graph_def(actual, expected, checkpoint_v2=False,
                           hash_table_shared_name=False):
    return _test.assert_equal_graph_def(actual, expected, checkpoint_v2,
                                        hash_table_shared_name)


def get_node_def_from_graph(node_name, graph_def):
    """The NodeDef named ``node_name`` in ``graph_def``, or None."""
    for node in graph_def.node:
        if node.name == node_name:
            return node
    return None
