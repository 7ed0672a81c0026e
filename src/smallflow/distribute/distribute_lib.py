"""``tf.distribute``'s strategies as TensorFlow 1.15 names them, on one replica.

smallflow runs on the CPU of one process, so every strategy here has exactly one replica
(``num_replicas_in_sync == 1``): ``MirroredStrategy`` on a machine without GPUs, as in
TensorFlow, mirrors onto the CPU alone; ``OneDeviceStrategy`` is that by definition.
What a TF1 program does with a strategy then behaves as TensorFlow's does on one device:
``scope()`` enters the cross-replica context of the strategy (``has_strategy()``,
``get_strategy()``, ``in_cross_replica_context()``), ``experimental_run_v2`` / ``run``
calls the function once in the replica context (``get_replica_context()`` gives its
``ReplicaContext``, whose ``all_reduce`` and ``merge_call`` work), ``reduce`` over the
replicas is the value itself (or its sum/mean along ``axis``), datasets are iterated whole.
Data parallelism over several processes is the other half of this package (Horovod's API
over MPI: ``init``, ``DistributedOptimizer``, ...). The context lives on the graph, as in
TensorFlow, so an Estimator's fresh graph starts outside any strategy.
"""

import contextlib
import enum

from .. import nest
from ..graph import GraphKeys, get_default_graph
from ..ops import control_flow_ops, math_ops
from ..ops.array_ops import identity

__all__ = [
    "CrossDeviceOps",
    "HierarchicalCopyAllReduce",
    "InputContext",
    "InputReplicationMode",
    "MirroredStrategy",
    "NcclAllReduce",
    "OneDeviceStrategy",
    "ReduceOp",
    "ReductionToOneDevice",
    "ReplicaContext",
    "Strategy",
    "StrategyExtended",
    "experimental_set_strategy",
    "get_loss_reduction",
    "get_replica_context",
    "get_strategy",
    "has_strategy",
    "in_cross_replica_context",
]

_CPU = "/job:localhost/replica:0/task:0/device:CPU:0"


class ReduceOp(enum.Enum):
    """How values of the replicas are combined."""

    SUM = "SUM"
    MEAN = "MEAN"

    @staticmethod
    def from_variable_aggregation(aggregation):
        name = getattr(aggregation, "name", str(aggregation)).upper()
        if name.endswith("SUM"):
            return ReduceOp.SUM
        if name.endswith("MEAN"):
            return ReduceOp.MEAN
        raise ValueError(f"Could not convert from `tf.VariableAggregation` {aggregation} to "
                         "`tf.distribute.ReduceOp` type")


def _reduce_op(reduce_op):
    if isinstance(reduce_op, ReduceOp):
        return reduce_op
    if isinstance(reduce_op, str) and reduce_op.upper() in ("SUM", "MEAN"):
        return ReduceOp[reduce_op.upper()]
    raise ValueError(f"reduce_op must be tf.distribute.ReduceOp.SUM or .MEAN (or 'SUM', "
                     f"'MEAN'), got {reduce_op!r}")


class InputReplicationMode(enum.Enum):
    """How input functions are replicated: once per worker."""

    PER_WORKER = "PER_WORKER"


class InputContext:
    """What an ``input_fn`` learns about the input pipelines and replicas."""

    def __init__(self, num_input_pipelines=1, input_pipeline_id=0, num_replicas_in_sync=1):
        self._num_input_pipelines = num_input_pipelines
        self._input_pipeline_id = input_pipeline_id
        self._num_replicas_in_sync = num_replicas_in_sync

    @property
    def num_replicas_in_sync(self):
        return self._num_replicas_in_sync

    @property
    def input_pipeline_id(self):
        return self._input_pipeline_id

    @property
    def num_input_pipelines(self):
        return self._num_input_pipelines

    def get_per_replica_batch_size(self, global_batch_size):
        """The batch each replica reads: the global batch over the replicas (must divide)."""
        if global_batch_size % self._num_replicas_in_sync != 0:
            raise ValueError(f"The `global_batch_size` {global_batch_size} is not divisible "
                             f"by `num_replicas_in_sync` {self._num_replicas_in_sync} ")
        return global_batch_size // self._num_replicas_in_sync


# -- the context stack (per graph) -------------------------------------------------------------


def _stack():
    graph = get_default_graph()
    stack = getattr(graph, "_distribution_strategy_stack", None)
    if stack is None:
        stack = graph._distribution_strategy_stack = []
    return stack


def _top():
    stack = _stack()
    return stack[-1][:2] if stack else (_default_strategy(), None)


def get_strategy():
    """The strategy whose scope is open (the default, one-device strategy otherwise)."""
    return _top()[0]


def has_strategy():
    """Whether a strategy other than the default one is in scope."""
    return _top()[0] is not _default_strategy()


def in_cross_replica_context():
    """True inside ``strategy.scope()`` but outside the function run per replica."""
    strategy, replica = _top()
    return bool(_stack()) and replica is None


def get_replica_context():
    """The ``ReplicaContext`` of the function running per replica; the default strategy's
    replica context outside any scope; None in a cross-replica context."""
    strategy, replica = _top()
    if replica is not None:
        return replica
    if _stack():
        return None
    return _DefaultReplicaContext(strategy, 0)


def experimental_set_strategy(strategy):
    """Enter ``strategy``'s scope for good (None leaves the one set this way)."""
    stack = _stack()
    while stack and stack[-1][2:] == ("set",):
        stack.pop()
    if strategy is not None:
        stack.append((strategy, None, "set"))


def get_loss_reduction():
    """How the losses of the replicas are combined: summed, except while an Estimator
    trains with the strategy, whose TF1 losses are means per replica, then averaged."""
    if not getattr(get_strategy(), "_scale_loss_for_estimator", False):
        return ReduceOp.SUM
    return ReduceOp.MEAN


@contextlib.contextmanager
def _entered(strategy, replica):
    stack = _stack()
    stack.append((strategy, replica))
    try:
        yield
    finally:
        stack.pop()


# -- replica contexts --------------------------------------------------------------------------


class ReplicaContext:
    """The context of a function running on one replica (here, the only one)."""

    def __init__(self, strategy, replica_id_in_sync_group):
        self._strategy = strategy
        self._replica_id = replica_id_in_sync_group

    @property
    def strategy(self):
        return self._strategy

    @property
    def num_replicas_in_sync(self):
        return self._strategy.num_replicas_in_sync

    @property
    def replica_id_in_sync_group(self):
        return self._replica_id

    @property
    def devices(self):
        return (_CPU,)

    def merge_call(self, merge_fn, args=(), kwargs=None):
        """Call ``merge_fn(strategy, *args, **kwargs)`` in the cross-replica context."""
        with _entered(self._strategy, None):
            return merge_fn(self._strategy, *args, **(kwargs or {}))

    def all_reduce(self, reduce_op, value):
        """The combination of ``value`` over the replicas: with one replica, the value."""
        _reduce_op(reduce_op)
        return nest.map_structure(identity, value)


# -- strategies --------------------------------------------------------------------------------


class StrategyExtended:
    """The strategy's lower-level API (``strategy.extended``)."""

    def __init__(self, strategy, device=_CPU):
        self._strategy = strategy
        self._device = device
        self._scope_variables = None
        self.experimental_enable_get_next_as_optional = False

    @property
    def worker_devices(self):
        return (self._device,)

    @property
    def parameter_devices(self):
        return (self._device,)

    @property
    def experimental_require_static_shapes(self):
        return False

    @property
    def experimental_between_graph(self):
        return False

    @property
    def experimental_should_init(self):
        return True

    should_init = experimental_should_init
    should_checkpoint = experimental_should_init
    should_save_summary = experimental_should_init

    def variable_created_in_scope(self, v):
        """Whether ``v`` was made while this strategy's scope was open."""
        return self._strategy._made_in_scope(v)

    def colocate_vars_with(self, colocate_with_variable):
        return contextlib.nullcontext()

    def call_for_each_replica(self, fn, args=(), kwargs=None):
        """``fn(*args, **kwargs)`` once per replica (once), in the replica context."""
        with _entered(self._strategy, ReplicaContext(self._strategy, 0)):
            return fn(*args, **(kwargs or {}))

    def reduce_to(self, reduce_op, value, destinations):
        _reduce_op(reduce_op)
        return value

    def batch_reduce_to(self, reduce_op, value_destination_pairs):
        return [self.reduce_to(reduce_op, v, d) for v, d in value_destination_pairs]

    def broadcast_to(self, tensor, destinations):
        return tensor

    def update(self, var, fn, args=(), kwargs=None, group=True):
        """``fn(var, *args, **kwargs)`` on the variable's one copy."""
        result = fn(var, *args, **(kwargs or {}))
        return self._strategy.group(result) if group else result

    def update_non_slot(self, colocate_with, fn, args=(), kwargs=None, group=True):
        result = fn(*args, **(kwargs or {}))
        return self._strategy.group(result) if group else result

    def value_container(self, value):
        return value

    def read_var(self, v):
        return identity(v)

    def non_slot_devices(self, var_list):
        return (self._device,)


class Strategy:
    """A way to run a computation on replicas (``tf.distribute.Strategy``); one replica."""

    def __init__(self, extended=None):
        self._extended = extended if extended is not None else StrategyExtended(self)
        self._scope_marks = []
        self._scale_loss_for_estimator = False

    @contextlib.contextmanager
    def _scale_loss_for_estimator_enabled(self):
        """While an Estimator builds its graph: losses are means per replica."""
        self._scale_loss_for_estimator = True
        try:
            yield
        finally:
            self._scale_loss_for_estimator = False

    @property
    def extended(self):
        return self._extended

    @property
    def num_replicas_in_sync(self):
        return 1

    @contextlib.contextmanager
    def scope(self):
        """Open the strategy's cross-replica context (variables made in it are its own)."""
        stack = _stack()
        for strategy, _, *_ in stack:
            if strategy is not self and strategy is not _default_strategy():
                raise RuntimeError("Mixing different tf.distribute.Strategy objects: "
                                   f"{self} is not {strategy}")
        before = _variable_ids()
        mark = [before, None]
        self._scope_marks.append(mark)
        stack.append((self, None))
        try:
            yield self
        finally:
            stack.pop()
            mark[1] = _variable_ids()

    def _made_in_scope(self, v):
        for before, after in self._scope_marks:
            after = after if after is not None else _variable_ids()
            if id(v) in after and id(v) not in before:
                return True
        return False

    def experimental_run_v2(self, fn, args=(), kwargs=None):
        """Run ``fn(*args, **kwargs)`` on each replica (once); return its result."""
        return self._extended.call_for_each_replica(fn, args, kwargs)

    run = experimental_run_v2

    def reduce(self, reduce_op, value, axis=None):
        """Combine a per-replica ``value`` over the replicas (and over ``axis`` if given)."""
        op = _reduce_op(reduce_op)
        if axis is None:
            return value
        if op is ReduceOp.SUM:
            return math_ops.reduce_sum(value, axis=axis)
        return math_ops.reduce_mean(value, axis=axis)

    def experimental_local_results(self, value):
        """The values of the replicas on this worker, as a tuple (one here)."""
        return (value,)

    unwrap = experimental_local_results

    def group(self, value, name=None):
        """One op that runs everything in ``value``."""
        flat = [v for v in nest.flatten(value) if v is not None]
        return control_flow_ops.group(*flat, name=name)

    def experimental_distribute_dataset(self, dataset):
        """The dataset each replica reads: with one replica, the whole dataset."""
        return dataset

    def make_dataset_iterator(self, dataset):
        """An iterator over ``dataset`` (``initialize()``, ``get_next()``)."""
        return _InputIterator(dataset.make_initializable_iterator())

    def make_input_fn_iterator(self, input_fn,
                               replication_mode=InputReplicationMode.PER_WORKER):
        """An iterator over the dataset ``input_fn(InputContext)`` returns."""
        if replication_mode != InputReplicationMode.PER_WORKER:
            raise ValueError(f"Input replication mode not supported: {replication_mode!r}")
        dataset = input_fn(InputContext(1, 0, self.num_replicas_in_sync))
        return self.make_dataset_iterator(dataset)

    def experimental_make_numpy_dataset(self, numpy_input, session=None):
        from ..data import Dataset

        return Dataset.from_tensor_slices(numpy_input)

    def colocate_vars_with(self, colocate_with_variable):
        return contextlib.nullcontext()

    def configure(self, session_config=None, cluster_spec=None, task_type=None, task_id=None):
        """Nothing to configure on one local replica."""

    def update_config_proto(self, config_proto):
        return config_proto

    def experimental_initialize(self):
        return []

    initialize = experimental_initialize

    def experimental_finalize(self):
        return []

    finalize = experimental_finalize

    def __deepcopy__(self, memo):
        return self  # RunConfig copies hold the same strategy, as in TensorFlow


def _variable_ids():
    graph = get_default_graph()
    return {id(v) for v in graph.get_collection(GraphKeys.GLOBAL_VARIABLES)} | {
        id(v) for v in graph.get_collection(GraphKeys.LOCAL_VARIABLES)}


class _InputIterator:
    def __init__(self, iterator):
        self._iterator = iterator

    def initialize(self):
        return [self._iterator.initializer]

    @property
    def initializer(self):
        return self._iterator.initializer

    def get_next(self, name=None):
        return self._iterator.get_next(name=name) if name else self._iterator.get_next()


def _check_devices(devices, what):
    if devices is None:
        return _CPU
    devices = list(devices) if isinstance(devices, list | tuple) else [devices]
    if len(devices) != 1 or "GPU" in str(devices[0]).upper():
        raise ValueError(f"{what}: smallflow runs one replica on the CPU; got devices "
                         f"{devices}. Leave devices unset (MirroredStrategy() mirrors onto "
                         "the CPU, as TensorFlow does on a machine without GPUs) or use "
                         "smallflow.distribute's MPI data parallelism for several processes.")
    # TensorFlow resolves a device to its full name: "/cpu:0" is the local job's CPU.
    return _CPU if "CPU" in str(devices[0]).upper() else str(devices[0])


class OneDeviceStrategy(Strategy):
    """Everything on one device (``tf.distribute.OneDeviceStrategy("/cpu:0")``)."""

    def __init__(self, device):
        super().__init__(StrategyExtended(self, _check_devices([device],
                                                                "OneDeviceStrategy")))


class MirroredStrategy(Strategy):
    """Synchronous replicas on the local devices: here the CPU alone, one replica."""

    def __init__(self, devices=None, cross_device_ops=None):
        self._cross_device_ops = cross_device_ops
        super().__init__(StrategyExtended(self, _check_devices(devices, "MirroredStrategy")))


class _DefaultStrategy(Strategy):
    """The strategy in effect when none is: one replica, no scope of its own."""


class _DefaultReplicaContext(ReplicaContext):
    """The replica context outside any strategy's scope."""


_DEFAULT = []


def _default_strategy():
    if not _DEFAULT:
        _DEFAULT.append(_DefaultStrategy())
    return _DEFAULT[0]


# -- cross-device reductions (nothing to cross with one replica) --------------------------------


class CrossDeviceOps:
    """How replicas' values are reduced across devices; with one device, they are kept."""

    def reduce(self, reduce_op, per_replica_value, destinations, experimental_hints=None):
        _reduce_op(reduce_op)
        return per_replica_value

    def batch_reduce(self, reduce_op, value_destination_pairs, experimental_hints=None):
        return [self.reduce(reduce_op, v, d) for v, d in value_destination_pairs]

    def broadcast(self, tensor, destinations):
        return tensor


class ReductionToOneDevice(CrossDeviceOps):
    def __init__(self, reduce_to_device=None, accumulation_fn=None):
        self.reduce_to_device = reduce_to_device
        self.accumulation_fn = accumulation_fn


class NcclAllReduce(CrossDeviceOps):
    def __init__(self, num_packs=1):
        self.num_packs = num_packs


class HierarchicalCopyAllReduce(CrossDeviceOps):
    def __init__(self, num_packs=1):
        self.num_packs = num_packs
