"""``tf.ConditionalAccumulator``: gradients summed until enough replicas have sent theirs.

TensorFlow's accumulator (what ``SyncReplicasOptimizer`` builds one of per variable) keeps a
running sum, a count and a global step. ``apply_grad(grad, local_step)`` adds a gradient
unless it is stale (``local_step`` below the accumulator's global step: it is dropped, as
TensorFlow drops it); ``take_grad(num_required)`` blocks until ``num_required`` gradients are
in, returns their mean (or sum, ``reduction_type="SUM"``), empties the accumulator and moves
its global step on by one; ``set_global_step`` sets the step; ``num_accumulated`` counts.

As the queues (data_flow_ops.py), the graph object only names its accumulator: each
session, or in a cluster the task the accumulator is placed on, keeps the real one in its
resources, keyed by ``shared_name`` (or the op name), created on first use.
"""

import logging
import threading

import numpy as np

from .. import dtypes, errors
from ..graph import name_scope
from ..op_signature import NUMBERS, signature
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape, as_shape
from .common import convert_to_tensor, make_op

__all__ = ["ConditionalAccumulator"]

_WAIT_SECONDS = 0.1  # how often a blocked take_grad looks again for a closed session
# tf.logging's logger (tf.logging itself sits in a higher layer).
_LOG = logging.getLogger("smallflow")


class _Accumulator:
    def __init__(self, spec):
        self.spec = spec
        self.total = None
        self.count = 0
        self.global_step = 0
        self.cancelled = False
        self.condition = threading.Condition()

    def close(self):
        with self.condition:
            self.cancelled = True
            self.condition.notify_all()

    def apply(self, grad, local_step):
        grad = np.asarray(grad, dtype=self.spec["dtype"].as_numpy_dtype)
        shape = self.spec["shape"]
        with self.condition:
            if not shape.is_compatible_with(grad.shape) or (
                    self.total is not None and self.total.shape != grad.shape):
                expected = shape if self.total is None else TensorShape(self.total.shape)
                raise errors.InvalidArgumentError(
                    None, None, f"Shape mismatch: expected {expected.bracket_str()}, got "
                    f"[{','.join(str(d) for d in grad.shape)}] (accumulator "
                    f"'{self.spec['name']}')")
            if local_step < self.global_step:
                _LOG.info("Stale gradient for accumulator %s dropped: local_step %d < "
                             "global_step %d", self.spec["name"], local_step, self.global_step)
                return
            self.total = grad.copy() if self.total is None else self.total + grad
            self.count += 1
            self.condition.notify_all()

    def take(self, num_required):
        if num_required < 1:
            raise errors.InvalidArgumentError(
                None, None, f"Argument num_required must be positive, but was {num_required}")
        with self.condition:
            while self.count < num_required:
                if self.cancelled:
                    raise errors.CancelledError(
                        None, None, f"Accumulator '{self.spec['name']}' is cancelled (its "
                        "session closed).")
                self.condition.wait(_WAIT_SECONDS)
            total, count = self.total, self.count
            self.total, self.count = None, 0
            self.global_step += 1
        if self.spec["reduction_type"] == "MEAN":
            total = total / np.asarray(count, dtype=total.dtype)
        return total.astype(self.spec["dtype"].as_numpy_dtype, copy=False)

    def set_global_step(self, step):
        with self.condition:
            if step < self.global_step:
                _LOG.warning("Accumulator %s: global step set back from %d to %d",
                             self.spec["name"], self.global_step, step)
            self.global_step = step


def _accumulator(state, spec):
    found = state.resources.get(spec["key"])
    if found is None:
        found = state.resources.setdefault(spec["key"], _Accumulator(spec))
    return found


def _apply_kernel(attrs, state):
    spec = attrs["_py_spec"]

    def apply(_handle, local_step, grad):
        _accumulator(state, spec).apply(grad, int(local_step))
        return ()
    return apply


def _take_kernel(attrs, state):
    spec = attrs["_py_spec"]
    return lambda _handle, num_required: _accumulator(state, spec).take(int(num_required))


def _count_kernel(attrs, state):
    spec = attrs["_py_spec"]
    return lambda _handle: np.int32(_accumulator(state, spec).count)


def _set_step_kernel(attrs, state):
    spec = attrs["_py_spec"]

    def set_step(_handle, step):
        _accumulator(state, spec).set_global_step(int(step))
        return ()
    return set_step


def _handle_kernel(attrs, state):
    spec = attrs["_py_spec"]

    def handle():
        _accumulator(state, spec)
        return np.array([b"_", spec["key"].encode()], dtype=object)
    return handle


register_op("ConditionalAccumulator", _handle_kernel, lambda op: [TensorShape([2])],
            stateful=True, signature=signature("-> handle: string"))
register_op("AccumulatorApplyGradient", _apply_kernel, lambda op: [], stateful=True,
            signature=signature("handle: string, local_step: int64, gradient: dtype ->",
                                dtype=NUMBERS))
register_op("AccumulatorTakeGradient", _take_kernel,
            lambda op: [op.attrs["_py_spec"]["shape"]], stateful=True,
            signature=signature("handle: string, num_required: int32 -> average: dtype",
                                dtype=NUMBERS))
register_op("AccumulatorNumAccumulated", _count_kernel, lambda op: [TensorShape([])],
            stateful=True, signature=signature("handle: string -> num_accumulated: int32"))
register_op("AccumulatorSetGlobalStep", _set_step_kernel, lambda op: [], stateful=True,
            signature=signature("handle: string, new_global_step: int64 ->"))
for _name in ("ConditionalAccumulator", "AccumulatorApplyGradient", "AccumulatorTakeGradient",
              "AccumulatorNumAccumulated", "AccumulatorSetGlobalStep"):
    NotDifferentiable(_name)

_REDUCTIONS = ("MEAN", "SUM")


def _as_int64(value, name):
    """A step as the int64 tensor the accumulator's ops take."""
    step = convert_to_tensor(value, name=name)
    if step.dtype != dtypes.int64:
        from .math_ops import cast

        step = cast(step, dtypes.int64)
    return step


class ConditionalAccumulator:
    """``tf.ConditionalAccumulator(dtype, shape=None, shared_name=None, name=...,
    reduction_type="MEAN")``: see the module doc."""

    def __init__(self, dtype, shape=None, shared_name=None, name="conditional_accumulator",
                 reduction_type="MEAN"):
        dtype = dtypes.as_dtype(dtype)
        if reduction_type not in _REDUCTIONS:
            raise ValueError(f"reduction_type must be one of {list(_REDUCTIONS)}, got "
                             f"{reduction_type!r}")
        self._dtype = dtype
        self._shape = as_shape(shape)
        op = make_op("ConditionalAccumulator", [], [dtypes.string],
                     {"dtype": dtype, "shape": self._shape, "shared_name": shared_name or "",
                      "reduction_type": reduction_type, "_py_spec": None}, name)
        self._spec = {"key": shared_name or f"accumulator:{op.name}", "name": op.name,
                      "dtype": dtype, "shape": self._shape, "reduction_type": reduction_type}
        op.attrs["_py_spec"] = self._spec
        self._accumulator_ref = op.outputs[0]
        self._name = op.name

    @property
    def accumulator_ref(self):
        return self._accumulator_ref

    @property
    def name(self):
        return self._name

    @property
    def dtype(self):
        return self._dtype

    def _op(self, op_type, inputs, outputs, name):
        return make_op(op_type, [self._accumulator_ref, *inputs], outputs,
                       {"_py_spec": self._spec, "dtype": self._dtype}, name)

    def apply_grad(self, grad, local_step=0, name=None):
        """Add ``grad`` (dropped when ``local_step`` is behind the accumulator's step)."""
        with name_scope(name, "AccumulatorApplyGradient"):
            grad = convert_to_tensor(grad, dtype=self._dtype, name="grad")
            if not self._shape.is_compatible_with(grad.shape):
                raise ValueError(f"Shapes {grad.shape} and {self._shape} are incompatible "
                                 f"(gradient for accumulator {self._name})")
            step = _as_int64(local_step, "local_step")
        return self._op("AccumulatorApplyGradient", [step, grad], [],
                        name or "AccumulatorApplyGradient")

    def take_grad(self, num_required, name=None):
        """The mean of ``num_required`` gradients, once that many are in (blocks)."""
        count = convert_to_tensor(num_required, dtype=dtypes.int32, name="num_required")
        return self._op("AccumulatorTakeGradient", [count], [self._dtype],
                        name or "AccumulatorTakeGradient").outputs[0]

    def num_accumulated(self, name=None):
        return self._op("AccumulatorNumAccumulated", [], [dtypes.int32],
                        name or f"{self._name}_NumAccumulated").outputs[0]

    def set_global_step(self, new_global_step, name=None):
        step = _as_int64(new_global_step, "new_global_step")
        return self._op("AccumulatorSetGlobalStep", [step], [], name or "AccumulatorSetGlobalStep")
