"""``tf.train.SyncReplicasOptimizer``: synchronous data-parallel training over a cluster.

TF1's recipe, which this follows op for op so that programs find the attributes they use:
each variable gets a ``ConditionalAccumulator`` beside it (on its parameter server); every
worker's train op adds its gradients to the accumulators, tagged with the worker's local
step, then waits for a token from the ``sync_token_q`` queue (beside the global step) and
takes the token's step as its new local step. The chief runs a queue runner whose op takes
``replicas_to_aggregate`` gradients from each accumulator (blocking until they are in),
applies their mean with the wrapped optimizer (the global step moves on), and puts
``max(total_num_replicas, replicas_to_aggregate)`` tokens of the new step in the queue.
A gradient computed at a step older than the accumulator's is stale and dropped.

In a cluster the accumulators and the queues live in the task they are placed on
(``cluster_runtime``); in one process they are the session's resources, so the same program
also runs in a single worker.
"""

from .. import dtypes
from ..graph import GraphKeys, get_default_graph, name_scope
from ..ops import array_ops, control_flow_ops
from ..ops.accumulator_ops import ConditionalAccumulator
from ..ops.data_flow_ops import FIFOQueue
from ..ops.indexed_slices import IndexedSlices
from ..ops.scatter_ops import assign
from ..variable_utils import report_uninitialized_variables
from ..variables import Variable, global_variables
from . import session_manager, session_run_hook
from .optimizer import Optimizer, WrapperSlots
from .queue_runner_impl import QueueRunner

__all__ = ["SyncReplicasOptimizer"]


class SyncReplicasOptimizer(WrapperSlots, Optimizer):
    """Wraps ``opt``: gradients of ``replicas_to_aggregate`` replicas are averaged, then
    applied once per global step (see the module doc)."""

    def __init__(self, opt, replicas_to_aggregate, total_num_replicas=None,
                 variable_averages=None, variables_to_average=None, use_locking=False,
                 name="sync_replicas"):
        if total_num_replicas is None:
            total_num_replicas = replicas_to_aggregate
        super().__init__(use_locking, name)
        self._opt = opt
        self._replicas_to_aggregate = replicas_to_aggregate
        self._total_num_replicas = total_num_replicas
        self._tokens_per_step = max(total_num_replicas, replicas_to_aggregate)
        self._variable_averages = variable_averages
        self._variables_to_average = variables_to_average
        self._gradients_applied = False
        self._global_step = None
        self._sync_token_queue = None
        self._chief_queue_runner = None
        self._accumulator_list = []
        self._local_step = None
        self.local_step_init_op = None
        self.chief_init_op = None
        self.ready_for_local_init_op = None

    def compute_gradients(self, *args, **kwargs):
        """The wrapped optimizer's gradients (a worker's own, before aggregation)."""
        return self._opt.compute_gradients(*args, **kwargs)

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """The worker's train op: gradients into the accumulators, then wait for a token."""
        if not grads_and_vars:
            raise ValueError("Must supply at least one variable")
        if global_step is None:
            raise ValueError("Global step is required to check staleness")
        grads_and_vars = list(grads_and_vars)
        self._global_step = global_step
        graph = get_default_graph()
        step_dtype = global_step.dtype.base_dtype
        # The local step lives in this worker: placed beside an op of the worker (no_op).
        anchor = control_flow_ops.no_op()
        with graph.colocate_with(anchor):
            self._local_step = Variable(0, trainable=False, dtype=step_dtype,
                                        collections=[GraphKeys.LOCAL_VARIABLES],
                                        name="sync_rep_local_step")
        self.local_step_init_op = assign(self._local_step, global_step)
        chief_init_ops = [self.local_step_init_op]
        self.ready_for_local_init_op = report_uninitialized_variables(global_variables())

        train_ops, aggregated, var_list = [], [], []
        with name_scope(None, self._name):
            for grad, var in grads_and_vars:
                var_list.append(var)
                with graph.device(var.device):
                    if grad is None:
                        aggregated.append(None)
                        continue
                    if isinstance(grad, IndexedSlices):
                        # Averaged as dense values (TensorFlow keeps a sparse accumulator:
                        # the mean is the same tensor).
                        from ..ops.sequence_ops import unsorted_segment_sum

                        grad = unsorted_segment_sum(grad.values, grad.indices,
                                                    array_ops.shape(var)[0])
                    accumulator = ConditionalAccumulator(
                        grad.dtype, shape=var.get_shape(),
                        shared_name=var.name + "/grad_accum")
                    train_ops.append(accumulator.apply_grad(grad, local_step=self._local_step))
                    aggregated.append(accumulator.take_grad(self._replicas_to_aggregate))
                    self._accumulator_list.append((accumulator, var.device))
            with graph.device(global_step.device), name_scope(""):
                update_op = self._opt.apply_gradients(list(zip(aggregated, var_list)),
                                                      global_step)
            with graph.device(global_step.device), name_scope(""):
                self._sync_token_queue = FIFOQueue(-1, step_dtype, shapes=[[]],
                                                   name="sync_token_q",
                                                   shared_name="sync_token_q")
                # The chief's queue runner needs a queue to close when it stops; it must not
                # be the token queue, which would stay closed on the parameter server.
                dummy_queue = FIFOQueue(1, dtypes.int32, shapes=[[]], name="dummy_queue",
                                        shared_name="dummy_queue")
            with graph.device(global_step.device), name_scope(""):
                with graph.control_dependencies(train_ops):
                    token = self._sync_token_queue.dequeue()
                train_op = assign(self._local_step, token)
                with graph.control_dependencies([update_op]):
                    tokens = array_ops.fill([self._tokens_per_step], global_step)
                    sync_op = self._sync_token_queue.enqueue_many((tokens,))
                if self._variable_averages is not None:
                    with graph.control_dependencies([sync_op]), name_scope(""):
                        sync_op = self._variable_averages.apply(self._variables_to_average)
                self._chief_queue_runner = QueueRunner(dummy_queue, [sync_op])
            for accumulator, device in self._accumulator_list:
                with graph.device(device):
                    chief_init_ops.append(accumulator.set_global_step(global_step,
                                                                      name="SetGlobalStep"))
            self.chief_init_op = control_flow_ops.group(*chief_init_ops)
            self._gradients_applied = True
        return train_op

    def get_chief_queue_runner(self):
        """The queue runner the chief starts: it applies the aggregated gradients."""
        if not self._gradients_applied:
            raise ValueError("Should be called after apply_gradients().")
        return self._chief_queue_runner

    def get_init_tokens_op(self, num_tokens=-1):
        """The op that puts the first tokens in the queue (run once by the chief)."""
        if not self._gradients_applied:
            raise ValueError("get_init_tokens_op() should be called after apply_gradients().")
        tokens_needed = self._replicas_to_aggregate - self._total_num_replicas
        if num_tokens == -1:
            num_tokens = self._replicas_to_aggregate
        elif num_tokens < tokens_needed:
            raise ValueError(f"Too few tokens to finish the first step: {num_tokens} (given) "
                             f"vs {tokens_needed} (needed)")
        graph = get_default_graph()
        if num_tokens > 0:
            with graph.device(self._global_step.device), name_scope(""):
                tokens = array_ops.fill([num_tokens], self._global_step)
                return self._sync_token_queue.enqueue_many((tokens,))
        return control_flow_ops.no_op(name="no_init_tokens")

    def make_session_run_hook(self, is_chief, num_tokens=-1):
        """A hook that runs the local init (and, on the chief, the tokens and the runner)."""
        return _SyncReplicasOptimizerHook(self, is_chief, num_tokens)


class _SyncReplicasOptimizerHook(session_run_hook.SessionRunHook):
    def __init__(self, optimizer, is_chief, num_tokens):
        self._optimizer = optimizer
        self._is_chief = is_chief
        self._num_tokens = num_tokens

    def begin(self):
        opt = self._optimizer
        if not opt._gradients_applied:
            raise ValueError("SyncReplicasOptimizer.apply_gradient should be called before "
                             "using the hook.")
        self._ready_for_local_init_op = opt.ready_for_local_init_op
        if self._is_chief:
            self._local_init_op = opt.chief_init_op
            self._q_runner = opt.get_chief_queue_runner()
            self._init_tokens_op = opt.get_init_tokens_op(self._num_tokens)
        else:
            self._local_init_op = opt.local_step_init_op
            self._q_runner = None
            self._init_tokens_op = None

    def after_create_session(self, session, coord):
        ready, message = session_manager._ready(
            self._ready_for_local_init_op, session,
            "Model is not ready for SyncReplicasOptimizer local init.")
        if not ready:
            raise RuntimeError("Init operations did not make model ready for "
                               f"SyncReplicasOptimizer local_init. Init op: "
                               f"{self._local_init_op.name}, error: {message}")
        session.run(self._local_init_op)
        if self._init_tokens_op is not None:
            session.run(self._init_tokens_op)
        if self._q_runner is not None:
            self._q_runner.create_threads(session, coord=coord, daemon=True, start=True)
