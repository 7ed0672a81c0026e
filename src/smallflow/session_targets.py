"""Which ``tf.Session(target)`` values run here, and which kernels run in other tasks.

smallflow's sessions always plan and run their graph in this process. A ``tf.train.Server``
made in this process registers its target (``grpc://localhost:<port>``), so
``tf.Session(server.target)`` works as in TF1 single-machine programs. A server of a cluster
of several tasks also serves its variables to the other tasks; a session on such a target,
or on the target of a task in another process, gets a router (from the hooks that
``smallflow.train.cluster_runtime`` installs: this module is below it) that sends the
kernels touching another task's variables to that task.
"""

import threading

from . import errors

_LOCK = threading.Lock()
_LOCAL_TARGETS = {}  # target -> True when started
# A server's variables: in TensorFlow they live in the server, so every session opened on its
# target sees the values that another one (on another graph) initialised, trained or restored.
_SERVER_VARIABLES = {}  # target -> {variable name: value}


_CLUSTER_HOOKS = [None, None]  # (local router, remote router) factories


def set_cluster_hooks(local_router, remote_router):
    """Install the factories of cluster routers (called by train.cluster_runtime)."""
    _CLUSTER_HOOKS[:] = [local_router, remote_router]


def router(target):
    """The kernel router of a session on ``target``, or None when every kernel runs here."""
    if isinstance(target, bytes):
        target = target.decode("utf-8", "replace")
    if not target or _CLUSTER_HOOKS[0] is None:
        return None
    with _LOCK:
        local = target in _LOCAL_TARGETS
    if local:
        return _CLUSTER_HOOKS[0](target)
    return _CLUSTER_HOOKS[1](target)


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
    if started is None and _CLUSTER_HOOKS[1] is not None and target.startswith("grpc://"):
        return None  # a task of a cluster in another process: the router connects to it
    if started is None:
        raise errors.UnimplementedError(
            None, None,
            f"Session target {target!r} is neither '' (this process) nor a server's "
            "'grpc://host:port' (the .target of a tf.train.Server, made here or in another "
            "process of the cluster).")
    if not started:
        raise errors.UnavailableError(
            None, None, f"The server at {target!r} has not been started: call "
            "server.start() (or create it with start=True) before opening a session on it.")
