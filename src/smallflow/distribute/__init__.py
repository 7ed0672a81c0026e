"""``tf.distribute``: TensorFlow 1.15's strategies on one replica, and data-parallel
training over MPI in Horovod's words (``import smallflow.distribute as hvd``).

The strategies (``MirroredStrategy``, ``OneDeviceStrategy``, ``get_strategy``,
``ReduceOp``, ...; ``distribute_lib.py``) let TF1 programs written for
``tf.distribute`` run as TensorFlow runs them on one CPU device.

Launch N copies of a program with ``mpirun -np N python train.py``; each calls ``init()``,
trains on its own shard of the data with ``DistributedOptimizer(opt)`` (gradients averaged
over all processes every step) and starts from rank 0's variables
(``broadcast_global_variables(0)`` or ``BroadcastGlobalVariablesHook(0)``). The collectives
are graph ops that run inside ``Session.run``. MPI comes from the optional extra
``smallflow[mpi]`` (mpi4py and an MPI library from the package index), loaded by ``init()``.
"""

from .. import config
from ..train import Server
from . import _mpi, experimental
from .distribute_lib import (
    CrossDeviceOps,
    HierarchicalCopyAllReduce,
    InputContext,
    InputReplicationMode,
    MirroredStrategy,
    NcclAllReduce,
    OneDeviceStrategy,
    ReduceOp,
    ReductionToOneDevice,
    ReplicaContext,
    Strategy,
    StrategyExtended,
    experimental_set_strategy,
    get_loss_reduction,
    get_replica_context,
    get_strategy,
    has_strategy,
    in_cross_replica_context,
)
from .mpi_ops import allgather, allreduce, broadcast, grouped_allreduce
from .optimizer import (
    BroadcastGlobalVariablesHook,
    DistributedOptimizer,
    broadcast_global_variables,
    broadcast_variables,
)

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
    "Server",
    "Strategy",
    "StrategyExtended",
    "experimental",
    "experimental_set_strategy",
    "get_loss_reduction",
    "get_replica_context",
    "get_strategy",
    "has_strategy",
    "in_cross_replica_context",
    "BroadcastGlobalVariablesHook",
    "DistributedOptimizer",
    "allgather",
    "allreduce",
    "broadcast",
    "broadcast_global_variables",
    "broadcast_variables",
    "default_threads",
    "grouped_allreduce",
    "init",
    "is_initialized",
    "local_rank",
    "local_size",
    "mpi_threads_supported",
    "rank",
    "shutdown",
    "size",
]


def init(comm=None):
    """Join the MPI job; ``comm`` (an mpi4py communicator or a list of ranks) narrows it.

    Also sets this process's BLAS threads to its share of the machine's cores (one thread
    each when there are as many processes as cores), unless ``smallflow`` was told a
    number of threads already.
    """
    job = _mpi.init(comm)
    _share_cores(job.local_size)


def shutdown():
    """Leave the job (MPI itself is finalised when the process exits)."""
    _mpi.shutdown()


def is_initialized():
    return _mpi.is_initialized()


def rank():
    """This process's rank in the job, 0 .. size() - 1."""
    return _mpi.job().rank


def size():
    """The number of processes in the job."""
    return _mpi.job().size


def local_rank():
    """This process's rank among the processes on the same machine."""
    return _mpi.job().local_rank


def local_size():
    """The number of processes of the job on this machine."""
    return _mpi.job().local_size


def mpi_threads_supported():
    """Whether the MPI library allows calls from several threads at once."""
    job = _mpi.job()
    return job.mpi.Query_thread() == job.mpi.THREAD_MULTIPLE


def default_threads(local_size=None, cores=None):
    """The BLAS threads each of ``local_size`` processes on this machine should use."""
    if local_size is None:
        local_size = _mpi.job().local_size
    return _mpi.default_threads(local_size, cores)


def _share_cores(processes):
    """Give BLAS this process's share of the cores, unless the user chose a number."""
    if config.get_threads():
        return
    config.set_threads(_mpi.default_threads(processes))
