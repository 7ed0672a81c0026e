"""The MPI job this process belongs to: lazy mpi4py, ranks, sizes, and failing loudly.

mpi4py is an optional extra (``pip install "smallflow[mpi]"``); nothing here imports it
before ``init()`` is called, so ``import smallflow.distribute`` stays cheap.
"""

import os
import sys
import threading

_EXTRA_HINT = (
    "smallflow.distribute needs MPI for Python: install it with "
    "'pip install \"smallflow[mpi]\"' (mpi4py and an MPI library from the package index)"
)


class _Job:
    """What ``init()`` learned: the communicators and this process's place in them."""

    def __init__(self, mpi, comm):
        self.mpi = mpi
        self.comm = comm
        self.local_comm = comm.Split_type(mpi.COMM_TYPE_SHARED, key=comm.Get_rank())
        self.rank = comm.Get_rank()
        self.size = comm.Get_size()
        self.local_rank = self.local_comm.Get_rank()
        self.local_size = self.local_comm.Get_size()
        # The rank's machine-wide position among local peers decides a node's rank order.
        self.cross_rank = self.rank // max(self.local_size, 1)


_job = None
_lock = threading.Lock()
_previous_excepthook = None


def import_mpi():
    """mpi4py's ``MPI`` module, or ImportError that names the extra to install."""
    try:
        from mpi4py import MPI
    except ImportError as error:
        raise ImportError(f"{_EXTRA_HINT} ({error})") from None
    return MPI


def init(comm=None):
    """Join the MPI job (idempotent); ``comm`` defaults to ``MPI.COMM_WORLD``."""
    global _job
    with _lock:
        if _job is not None and comm is None:
            return _job
        mpi = import_mpi()
        if comm is None:
            comm = mpi.COMM_WORLD
        elif isinstance(comm, list | tuple):
            ranks = [int(r) for r in comm]
            group = mpi.COMM_WORLD.Get_group().Incl(ranks)
            comm = mpi.COMM_WORLD.Create(group)
        _job = _Job(mpi, comm)
        _install_abort_on_error()
        return _job


def shutdown():
    """Forget the job (MPI itself is finalised by mpi4py when the process exits)."""
    global _job
    with _lock:
        _job = None


def is_initialized():
    return _job is not None


def job():
    """The job ``init()`` joined; ValueError if it was not called, as Horovod says."""
    if _job is None:
        raise ValueError(
            "smallflow.distribute has not been initialized; call "
            "smallflow.distribute.init() (hvd.init()) first."
        )
    return _job


def _install_abort_on_error():
    """An uncaught exception on one rank stops every rank, instead of leaving them waiting.

    Without this, the other ranks would block forever in their next collective while the
    failed one waits in MPI's finalisation.
    """
    global _previous_excepthook
    if _previous_excepthook is not None:
        return
    _previous_excepthook = sys.excepthook

    def abort_job(exc_type, exc, tb):
        _previous_excepthook(exc_type, exc, tb)
        current = _job
        if current is None or current.size == 1 or issubclass(exc_type, KeyboardInterrupt):
            return
        sys.stderr.write(
            f"smallflow.distribute: rank {current.rank} of {current.size} failed with "
            f"{exc_type.__name__}: {exc}; stopping all ranks.\n"
        )
        sys.stderr.flush()
        current.comm.Abort(1)

    sys.excepthook = abort_job


def default_threads(local_size, cores=None):
    """BLAS threads for one of ``local_size`` processes sharing this machine's cores.

    Each process gets its share of the cores, at least one: with as many processes as
    cores (or more), one thread each, since extra threads would only wait for each other.
    """
    cores = cores or os.cpu_count() or 1
    return max(1, cores // max(1, local_size))
