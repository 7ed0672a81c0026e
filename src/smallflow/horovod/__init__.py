"""``import smallflow.horovod as hvd``: Horovod's names for ``smallflow.distribute``'s MPI
half (the strategies of ``tf.distribute`` that share that package are not Horovod's)."""

from ..distribute import (
    BroadcastGlobalVariablesHook,
    DistributedOptimizer,
    allgather,
    allreduce,
    broadcast,
    broadcast_global_variables,
    broadcast_variables,
    default_threads,
    grouped_allreduce,
    init,
    is_initialized,
    local_rank,
    local_size,
    mpi_threads_supported,
    rank,
    shutdown,
    size,
)

__all__ = [
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
