"""Which ``tf.Session(target)`` values run here: "" and the targets of in-process servers.

smallflow's sessions always run in this process. A ``tf.train.Server`` made in this process
registers its target (``grpc://localhost:<port>``), so ``tf.Session(server.target)`` works
as in TF1 single-machine programs; any other target would mean a remote TensorFlow runtime,
which smallflow does not have: the error points to its MPI path instead.
"""

import threading

from . import errors

_LOCK = threading.Lock()
_LOCAL_TARGETS = {}  # target -> True when started
# A server's variables: in TensorFlow they live in the server, so every session opened on its
# target sees the values that another one (on another graph) initialised, trained or restored.
_SERVER_VARIABLES = {}  # target -> {variable name: value}


def register(target, started):
    with _LOCK:
        _LOCAL_TARGETS[target] = started


def unregister(target):
    with _LOCK:
        _LOCAL_TARGETS.pop(target, None)
        _SERVER_VARIABLES.pop(target, None)


def reset_server_variables(target, containers=None):
    """``tf.Session.reset``: forget the variables of ``target``'s default container."""
    if isinstance(target, bytes):
        target = target.decode("utf-8", "replace")
    if containers is not None and "" not in list(containers):
        return
    with _LOCK:
        store = _SERVER_VARIABLES.get(target)
        if store is not None:
            store.clear()


def server_variables(target):
    """The variable store shared by the sessions on ``target`` (None for target "")."""
    if isinstance(target, bytes):
        target = target.decode("utf-8", "replace")
    if not target:
        return None
    with _LOCK:
        return _SERVER_VARIABLES.setdefault(target, {})


def is_registered(target):
    with _LOCK:
        return target in _LOCAL_TARGETS


def check(target):
    """Raise unless ``target`` is "" or an in-process server's (started) target."""
    if isinstance(target, bytes):
        target = target.decode("utf-8", "replace")
    if target is None or target == "":
        return
    if not isinstance(target, str):
        raise TypeError(f"Session target must be a string, got {target!r}")
    with _LOCK:
        started = _LOCAL_TARGETS.get(target)
    if started is None:
        raise errors.UnimplementedError(
            None, None,
            f"Session target {target!r} is not a tf.train.Server of this process. smallflow "
            "runs sessions in process only (target '' or the .target of a "
            "tf.train.Server / Server.create_local_server() made here); distributed "
            "training across processes over gRPC is not supported. For data-parallel "
            "training across processes use smallflow's MPI path: smallflow.distribute "
            "(Horovod's API, smallflow.horovod) under mpirun, or `smallflow train "
            "--distributed`.")
    if not started:
        raise errors.UnavailableError(
            None, None, f"The server at {target!r} has not been started: call "
            "server.start() (or create it with start=True) before opening a session on it.")
