"""``tf.distribute.experimental``: the other strategies of TensorFlow 1.15, on one replica
where that is what they are on one machine without GPUs (central storage, multi-worker
mirroring of a single worker); the others name what to use instead."""

import enum
import json
import os

from .distribute_lib import Strategy, StrategyExtended, _check_devices

__all__ = ["CentralStorageStrategy", "CollectiveCommunication", "MultiWorkerMirroredStrategy",
           "ParameterServerStrategy", "TPUStrategy"]


class CollectiveCommunication(enum.Enum):
    """Which collective implementation a multi-worker strategy uses."""

    AUTO = "AUTO"
    RING = "RING"
    NCCL = "NCCL"


class CentralStorageStrategy(Strategy):
    """Variables on one device, computation on the local devices: here the CPU alone."""

    def __init__(self, compute_devices=None, parameter_device=None):
        device = _check_devices(compute_devices, "CentralStorageStrategy")
        super().__init__(StrategyExtended(self, device))


class MultiWorkerMirroredStrategy(Strategy):
    """Mirrored replicas on several workers. With no cluster in ``TF_CONFIG`` (or a cluster
    of one worker) it is one worker with one replica, as in TensorFlow; a larger cluster is
    refused: smallflow's multi-process training is the MPI half of smallflow.distribute."""

    def __init__(self, communication=CollectiveCommunication.AUTO, cluster_resolver=None):
        cluster = json.loads(os.environ.get("TF_CONFIG") or "{}").get("cluster", {})
        workers = len(cluster.get("worker", [])) + len(cluster.get("chief", []))
        if workers > 1 or cluster_resolver is not None:
            raise ValueError(
                f"MultiWorkerMirroredStrategy: smallflow runs one worker, but the cluster has "
                f"{workers} workers. Train over several processes with smallflow.distribute's "
                "MPI API instead (init(), DistributedOptimizer, "
                "BroadcastGlobalVariablesHook) under mpirun.")
        self._communication = communication
        super().__init__(StrategyExtended(self))


def _unavailable(name, instead):
    class Unavailable:
        def __init__(self, *args, **kwargs):
            raise NotImplementedError(f"tf.distribute.experimental.{name} is not available in "
                                      f"smallflow: {instead}")

    Unavailable.__name__ = Unavailable.__qualname__ = name
    return Unavailable


ParameterServerStrategy = _unavailable(
    "ParameterServerStrategy", "use tf.train.replica_device_setter with tf.train.Server for "
    "between-graph parameter servers, or smallflow.distribute's MPI data parallelism")
TPUStrategy = _unavailable("TPUStrategy", "smallflow runs on the CPU only")
