"""Data-parallel training: the gradient-averaging optimizer and the variable broadcast.

Every rank builds the same graph and feeds its own batch; ``DistributedOptimizer`` averages
the gradients over all ranks (one fused allreduce per step) before the wrapped optimizer
applies them, so all ranks make the same update and their variables stay equal, as long as
they start equal: ``broadcast_global_variables(0)`` (or its hook) copies rank 0's initial
values to the others.
"""

from .. import variables
from ..graph import control_dependencies, convert_to_tensor, get_default_graph, name_scope
from ..ops import control_flow_ops, math_ops
from ..ops.indexed_slices import IndexedSlices
from ..train.optimizer import Optimizer
from . import _mpi
from .mpi_ops import FUSION_THRESHOLD, allgather, broadcast, grouped_allreduce


class DistributedOptimizer(Optimizer):
    """Wraps a ``tf.train`` optimizer: its gradients are averaged over ranks first.

    ``compute_gradients`` returns the averaged ``(gradient, variable)`` pairs; everything
    else (slots, ``apply_gradients``, ``variables``) is the wrapped optimizer's. With
    ``average=False`` the gradients are summed instead.
    """

    def __init__(self, optimizer, name=None, use_locking=False, device_dense="",
                 device_sparse="", compression=None, sparse_as_dense=False,
                 average=True, fusion_threshold=FUSION_THRESHOLD):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"DistributedOptimizer wraps a tf.train.Optimizer, got {type(optimizer).__name__}"
            )
        if name is None:
            name = "Distributed" + type(optimizer).__name__
        super().__init__(use_locking=use_locking, name=name)
        self._optimizer = optimizer
        self._average = average
        self._fusion_threshold = fusion_threshold
        self._sparse_as_dense = sparse_as_dense

    def compute_gradients(self, *args, **kwargs):
        grads_and_vars = self._optimizer.compute_gradients(*args, **kwargs)
        if self._sparse_as_dense:
            grads_and_vars = [(convert_to_tensor(g) if isinstance(g, IndexedSlices) else g, v)
                              for g, v in grads_and_vars]
        dense = [g for g, _ in grads_and_vars if g is not None
                 and not isinstance(g, IndexedSlices)]
        if not any(g is not None for g, _ in grads_and_vars):
            return grads_and_vars
        with name_scope(self._name + "_Allreduce"):
            reduced = iter(grouped_allreduce(dense, average=self._average,
                                             fusion_threshold=self._fusion_threshold)
                           if dense else [])
            out = []
            for grad, var in grads_and_vars:
                if isinstance(grad, IndexedSlices):
                    grad = self._allgathered(grad)
                elif grad is not None:
                    grad = next(reduced)
                out.append((grad, var))
        return out

    def _allgathered(self, grad):
        """Horovod's sparse path: every rank's rows, concatenated (values averaged)."""
        values = allgather(grad.values)
        if self._average:
            values = values / math_ops.cast(_mpi.job().size, values.dtype)
        return IndexedSlices(values, allgather(grad.indices), grad.dense_shape)

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        return self._optimizer.apply_gradients(grads_and_vars, global_step=global_step,
                                               name=name)

    def get_slot(self, var, name):
        return self._optimizer.get_slot(var, name)

    def get_slot_names(self):
        return self._optimizer.get_slot_names()

    def variables(self):
        return self._optimizer.variables()


def broadcast_variables(var_list, root_rank):
    """One op that sets every variable in ``var_list`` to ``root_rank``'s value."""
    assigns = []
    for var in var_list:
        value = broadcast(var.value(), root_rank, name=None)
        assign = var.assign(value)
        assigns.append(assign if hasattr(assign, "control_inputs") else assign.op)
    return control_flow_ops.group(*assigns, name="broadcast_variables")


def broadcast_global_variables(root_rank):
    """One op that sets every global variable to ``root_rank``'s value (after init)."""
    return broadcast_variables(variables.global_variables(), root_rank)


class BroadcastGlobalVariablesHook:
    """A session hook that broadcasts rank ``root_rank``'s variables once the session exists.

    Works with ``tf.train.MonitoredTrainingSession(hooks=[...])``; the op is built in
    ``begin()``, while the graph can still grow, and run in ``after_create_session``.
    """

    def __init__(self, root_rank, device=""):
        self.root_rank = root_rank
        self.bcast_op = None
        self.device = device

    def begin(self):
        graph = get_default_graph()
        if self.bcast_op is None or self.bcast_op.graph is not graph:
            with control_dependencies(None):
                self.bcast_op = broadcast_global_variables(self.root_rank)

    def after_create_session(self, session, coord=None):
        session.run(self.bcast_op)

    def before_run(self, run_context):
        return None

    def after_run(self, run_context, run_values):
        return None

    def end(self, session):
        return None
