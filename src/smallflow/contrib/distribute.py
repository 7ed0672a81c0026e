"""``tf.contrib.distribute``: TensorFlow 1.15's contrib names for the strategies of
``tf.distribute`` (one replica on the CPU), with the contrib constructors' extra arguments
(``num_gpus``, ``num_gpus_per_worker``, ``auto_shard_dataset``, ``cross_tower_ops``)."""

from ..distribute import distribute_lib as _lib
from ..distribute.distribute_lib import (
    CrossDeviceOps,
    InputContext,
    OneDeviceStrategy,
    ReduceOp,
    ReductionToOneDevice,
    ReplicaContext,
    Strategy,
    get_loss_reduction,
    get_replica_context,
    in_cross_replica_context,
)
from ._missing import missing_attribute

__all__ = ["AllReduceCrossDeviceOps", "CrossDeviceOps", "DistributionStrategy", "InputContext",
           "MirroredStrategy", "OneDeviceStrategy", "ReduceOp", "ReductionToOneDevice",
           "ReplicaContext", "get_cross_replica_context", "get_distribution_strategy",
           "get_loss_reduction", "get_replica_context", "has_distribution_strategy",
           "in_cross_replica_context", "require_replica_context"]

DistributionStrategy = Strategy
get_distribution_strategy = _lib.get_strategy
has_distribution_strategy = _lib.has_strategy


class MirroredStrategy(_lib.MirroredStrategy):
    """``tf.contrib.distribute.MirroredStrategy``: mirrored onto the CPU (one replica); a
    request for GPUs is refused, as there are none."""

    def __init__(self, devices=None, num_gpus=None, num_gpus_per_worker=None,
                 cross_device_ops=None, auto_shard_dataset=False, cross_tower_ops=None):
        gpus = num_gpus if num_gpus is not None else num_gpus_per_worker
        if gpus:
            raise ValueError(f"MirroredStrategy(num_gpus={gpus}): smallflow runs one replica "
                             "on the CPU; leave num_gpus unset (or 0)")
        super().__init__(devices=devices, cross_device_ops=cross_device_ops or cross_tower_ops)


class AllReduceCrossDeviceOps(CrossDeviceOps):
    def __init__(self, all_reduce_alg="nccl", num_packs=1):
        self.all_reduce_alg = all_reduce_alg
        self.num_packs = num_packs


def get_cross_replica_context():
    """The strategy when in its cross-replica context, else None."""
    return _lib.get_strategy() if in_cross_replica_context() or not _lib._stack() else None


def require_replica_context(replica_ctx):
    """Raise unless ``replica_ctx`` is the current replica context."""
    context = get_replica_context()
    if context is None:
        raise RuntimeError("Need to be inside `call_for_each_replica()`")
    if context is not replica_ctx and type(context) is type(replica_ctx) and \
            context.strategy is not replica_ctx.strategy:
        raise RuntimeError("Mismatching ReplicaContext.")


__getattr__ = missing_attribute(__name__, "tf.contrib.distribute")

