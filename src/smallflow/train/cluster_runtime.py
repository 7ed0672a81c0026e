"""Clusters of several tasks: each variable lives in the task its op is placed on.

TF1's between-graph replication (the "Distributed TensorFlow" how-to, ``mnist_replica``,
distributed A3C) starts one process per task: parameter servers call ``server.join()``;
workers build the same graph under ``tf.train.replica_device_setter`` (variables on
``/job:ps/task:k``, the rest on the worker) and run it in ``tf.Session(server.target)`` /
``MonitoredTrainingSession(master=server.target)``. Every worker then reads and updates the
one copy of each variable that the parameter server holds.

How smallflow does it, and why:
- Only the state moves. A session whose target is a task of a cluster plans and runs the
  whole graph in its own process, as usual; the kernels that touch a variable (its read, an
  ``Assign*``, an optimizer's ``Apply*``, a scatter update, ``IsVariableInitialized``) are
  executed by the task that owns the variable, found from the variable op's device. Their
  results are what TensorFlow's would be, because in TensorFlow too the update runs where
  the variable is, on the values the worker sends (gradients, learning rate).
  Partitioning graphs and shipping subgraphs, as TensorFlow's master does, would buy
  nothing here: all other kernels are pure functions of their inputs and give the same
  values in any process.
- A task serves its variables over TCP on its cluster address (``localhost:2222`` binds
  127.0.0.1). A request is one framed pickle that is read with an unpickler allowing only
  NumPy arrays and scalars, smallflow's DType and TensorShape and plain containers, so a
  peer can send data but never code; a frame is limited to ``MAX_FRAME`` bytes.
- A kernel runs on the owning task under that task's lock, so one update is whole when
  another worker reads (TensorFlow's ``use_locking=False`` allows torn updates; being
  stricter cannot change a correct program's meaning).
- Tasks of the same cluster made in one process (tests do it) call each other directly.
- A worker that starts before its parameter server waits for it (TensorFlow logs "CreateSession
  still waiting for response from worker"), up to ``connect_timeout`` seconds, and then raises
  UnavailableError naming the task and address.
"""

import io
import pickle
import socket
import struct
import threading
import time

import numpy as np

from .. import errors, session_targets
from ..device_spec import DeviceSpec
from ..registry import OP_DEFS

MAX_FRAME = 1 << 31
_HEADER = struct.Struct(">Q")
CONNECT_TIMEOUT = 120.0

_SAFE_GLOBALS = {
    ("builtins", name) for name in ("tuple", "list", "dict", "set", "frozenset", "complex",
                                    "slice", "bytearray", "range")
} | {
    (module, name)
    for module in ("numpy", "numpy.core.numeric", "numpy._core.numeric",
                   "numpy.core.multiarray", "numpy._core.multiarray")
    for name in ("ndarray", "dtype", "_frombuffer", "_reconstruct", "scalar")
} | {
    ("smallflow.dtypes", "as_dtype"),
    ("smallflow.tensor_shape", "TensorShape"),
    ("smallflow.tensor_shape", "Dimension"),
}


class _DataOnlyUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in _SAFE_GLOBALS or (
                module in ("numpy", "numpy.dtypes") and name.endswith("DType")):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"a cluster message may hold only data, not {module}.{name}")


def _send(sock, message):
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    if len(payload) > MAX_FRAME:
        raise errors.ResourceExhaustedError(
            None, None, f"a cluster message of {len(payload)} bytes is over the limit of "
            f"{MAX_FRAME} bytes")
    sock.sendall(_HEADER.pack(len(payload)) + payload)


def _receive_exactly(sock, size):
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        count = sock.recv_into(view[got:], size - got)
        if count == 0:
            raise ConnectionError("the peer closed the connection")
        got += count
    return buffer


def _receive(sock):
    (size,) = _HEADER.unpack(_receive_exactly(sock, _HEADER.size))
    if size > MAX_FRAME:
        raise ValueError(f"a cluster message of {size} bytes is over the limit of {MAX_FRAME}")
    return _DataOnlyUnpickler(io.BytesIO(_receive_exactly(sock, size))).load()


class _TaskState:
    """What stateful kernels see in the task that owns the variables."""

    def __init__(self, variables):
        self.variables = variables
        self.random_streams = {}
        self.resources = {}
        self.session = None
        self.subgraph = None


class TaskServer:
    """One task's variable service: runs variable kernels against the task's store."""

    def __init__(self, cluster, job_name, task_index, target, address):
        self.cluster = cluster
        self.task = (job_name, int(task_index))
        self.target = target
        self.address = address
        self._state = _TaskState(session_targets.server_variables(target))
        self._kernels = {}
        self._lock = threading.RLock()
        self._listener = None
        self._closed = False

    @property
    def state(self):
        return self._state

    def start(self):
        host, _, port = self.address.rpartition(":")
        try:
            self._listener = socket.create_server((host or "127.0.0.1", int(port)))
        except OSError as err:
            raise errors.UnknownError(
                None, None, f"Could not start the server of /job:{self.task[0]}/task:"
                f"{self.task[1]} on {self.address}: {err}") from None
        _LOCAL_TASKS[self.address] = self
        thread = threading.Thread(target=self._accept, name=f"smallflow-task-{self.address}",
                                  daemon=True)
        thread.start()

    def stop(self):
        self._closed = True
        _LOCAL_TASKS.pop(self.address, None)
        if self._listener is not None:
            self._listener.close()

    def _accept(self):
        while not self._closed:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        with conn:
            while True:
                try:
                    request = _receive(conn)
                except (ConnectionError, OSError):
                    return
                except Exception as err:  # a malformed or refused message: answer, then drop
                    _try_send(conn, ("error", "InvalidArgumentError",
                                     f"bad cluster request: {err}"))
                    return
                if not _try_send(conn, self.handle(request)):
                    return

    def handle(self, request):
        """Answer one request: ("describe",), ("run", op_type, attrs_blob, inputs), ("reset",)."""
        try:
            kind = request[0]
            if kind == "describe":
                return ("ok", {"cluster": self.cluster.as_dict(), "job": self.task[0],
                               "task": self.task[1]})
            if kind == "run":
                if len(request) != 5 or not isinstance(request[1], str) or not isinstance(
                        request[2], bytes) or not isinstance(request[3], tuple):
                    return ("error", "InvalidArgumentError", "bad cluster request: 'run' takes "
                            "(op type, attributes, inputs, locked)")
                _, op_type, attrs_blob, inputs, locked = request
                return ("ok", self.run(op_type, attrs_blob, inputs, bool(locked)))
            if kind == "reset":
                with self._lock:
                    self._state.variables.clear()
                return ("ok", None)
            return ("error", "InvalidArgumentError", f"unknown cluster request {kind!r}")
        except errors.OpError as err:
            return ("error", type(err).__name__, err.message)
        except Exception as err:  # reported to the caller, never a dead connection
            return ("error", "InternalError", f"{type(err).__name__}: {err}")

    def run(self, op_type, attrs_blob, inputs, locked=True):
        """Run a kernel of ``op_type`` on this task's state. Variable kernels run under the
        task's lock; a queue's or an accumulator's (which may block until another worker
        acts) under the resource's own condition only."""
        key = (op_type, attrs_blob)
        with self._lock:
            kernel = self._kernels.get(key)
            if kernel is None:
                op_def = OP_DEFS.lookup(op_type)
                if not op_def.stateful:
                    raise errors.InvalidArgumentError(
                        None, None, f"a task runs only variable kernels for others, not {op_type}")
                attrs = _DataOnlyUnpickler(io.BytesIO(attrs_blob)).load()
                kernel = self._kernels[key] = op_def.kernel(attrs, self._state)
            if locked:
                return _owned(kernel(*inputs))
        return _owned(kernel(*inputs))


def _owned(result):
    """A result the caller may keep: the store may update its arrays in place later."""
    if isinstance(result, np.ndarray):
        return np.array(result, copy=True)
    return result


def _try_send(conn, message):
    try:
        _send(conn, message)
        return True
    except (OSError, errors.OpError):
        return False


_LOCAL_TASKS = {}  # address -> TaskServer made in this process


class _Connection:
    """A client connection to one task; one request at a time."""

    def __init__(self, address, name, timeout):
        self._address = address
        self._name = name
        self._timeout = timeout
        self._sock = None
        self._lock = threading.Lock()

    def _connect(self):
        host, _, port = self._address.rpartition(":")
        deadline = time.monotonic() + self._timeout
        while True:
            try:
                return socket.create_connection((host or "127.0.0.1", int(port)), timeout=None)
            except OSError as err:
                if isinstance(err, socket.gaierror) or time.monotonic() >= deadline:
                    raise errors.UnavailableError(
                        None, None, f"No task answers for {self._name} at {self._address} "
                        f"({err}); is its tf.train.Server running?") from None
                time.sleep(0.1)

    def call(self, request):
        with self._lock:
            if self._sock is None:
                self._sock = self._connect()
            try:
                _send(self._sock, request)
                answer = _receive(self._sock)
            except (ConnectionError, OSError) as err:
                self._sock.close()
                self._sock = None
                raise errors.UnavailableError(
                    None, None, f"Lost the connection to {self._name} at {self._address}: "
                    f"{err}") from None
        if answer[0] == "ok":
            return answer[1]
        error_class = getattr(errors, answer[1], errors.InternalError)
        raise error_class(None, None, answer[2])


_CONNECTIONS = threading.local()  # per thread: a blocked call never holds up another thread


def _connection(address, name):
    table = getattr(_CONNECTIONS, "table", None)
    if table is None:
        table = _CONNECTIONS.table = {}
    conn = table.get(address)
    if conn is None:
        conn = table[address] = _Connection(address, name, CONNECT_TIMEOUT)
    return conn


class Router:
    """Which kernels of a session run in another task, and their stand-ins."""

    def __init__(self, cluster, own_task, own_is_local, local_state=None):
        self._cluster = cluster
        self._own = own_task
        self._own_is_local = own_is_local
        self._local_state = local_state

    def kernel(self, op, op_def):
        """A stand-in kernel when ``op`` touches state another task owns, else None."""
        if not op_def.stateful:
            return None
        spec = op.attrs.get("_py_spec")
        if isinstance(spec, dict) and "key" in spec and "name" in spec:
            # A queue's or an accumulator's op: it lives where its creating op is placed.
            task = self._owner(op, spec["name"])
            if task == self._own and self._own_is_local:
                return None
            return self._remote_kernel(task, op.type, op.attrs, locked=False)
        names = op.attrs.get("var_names") or (op.attrs.get("var_name"),)
        if names[0] is None:
            return None
        owners = [self._owner(op, name) for name in names]
        if op.type == "ReportUninitializedVariables" and len(set(owners)) > 1:
            return self._report_by_owner(op, op_def, owners)
        task = owners[0]
        if any(owner != task for owner in owners):
            raise errors.InvalidArgumentError(
                None, None, f"{op.name} ({op.type}) updates variables of several tasks "
                f"({', '.join(sorted(set(f'/job:{j}/task:{t}' for j, t in owners)))}); "
                "TensorFlow colocates an update with its variables (slots are made beside "
                "their variable), so they must share one task")
        if task == self._own and self._own_is_local:
            return None
        return self._remote_kernel(task, op.type, op.attrs)

    def _report_by_owner(self, op, op_def, owners):
        """``report_uninitialized_variables`` over tasks: ask each owner about its own."""
        names, labels = op.attrs["var_names"], op.attrs["labels"]
        parts = []
        for task in dict.fromkeys(owners):
            keep = [i for i, owner in enumerate(owners) if owner == task]
            attrs = dict(op.attrs, var_names=[names[i] for i in keep],
                         labels=[labels[i] for i in keep])
            if task == self._own and self._own_is_local:
                parts.append(op_def.kernel(attrs, self._local_state))
            else:
                parts.append(self._remote_kernel(task, op.type, attrs))

        def report():
            missing = set()
            for kernel in parts:
                missing.update(np.asarray(kernel()).tolist())
            return np.array([labels[i].encode() for i in range(len(labels))
                             if labels[i].encode() in missing], dtype=object)
        return report

    def _owner(self, op, var_name):
        try:
            var_op = op.graph.get_operation_by_name(var_name)
            device = var_op.device
        except (KeyError, ValueError):
            device = op.device
        spec = DeviceSpec.from_string(device or "")
        if not spec.job:
            return self._own
        if spec.task is not None:
            task = spec.task
        elif spec.job == self._own[0]:
            task = self._own[1]  # "/job:worker" names this worker (TensorFlow prefers the
            # session's own task among the devices that match)
        else:
            task = 0
        if spec.job not in self._cluster.jobs or task not in self._cluster.task_indices(spec.job):
            raise errors.InvalidArgumentError(
                None, None, f"Cannot place {op.name} with its variable {var_name} on "
                f"/job:{spec.job}/task:{task}: the cluster has no such task (jobs: "
                f"{', '.join(f'{j}: {self._cluster.num_tasks(j)}' for j in self._cluster.jobs)})")
        return (spec.job, task)

    def _remote_kernel(self, task, op_type, attrs, locked=True):
        attrs_blob = pickle.dumps(dict(attrs), protocol=pickle.HIGHEST_PROTOCOL)
        address = self._cluster.task_address(*task)
        local = _LOCAL_TASKS.get(address)
        if local is not None:
            def run_here(*inputs):
                return local.run(op_type, attrs_blob, inputs, locked)
            return run_here
        name = f"/job:{task[0]}/replica:0/task:{task[1]}"

        def run_there(*inputs):
            return _connection(address, name).call(("run", op_type, attrs_blob, tuple(inputs),
                                                    locked))
        return run_there


def describe(target):
    """Ask the task serving ``target`` (``grpc://host:port``) for its cluster and name."""
    address = target.split("://", 1)[-1]
    return _connection(address, target).call(("describe",))


def _router_for(target):
    for server in list(_LOCAL_TASKS.values()):
        if server.target == target:
            return Router(server.cluster, server.task, True, server.state)
    return None


def _remote_router_for(target):
    from .server_lib import ClusterSpec

    info = describe(target)
    return Router(ClusterSpec(info["cluster"]), (info["job"], info["task"]), False)


session_targets.set_cluster_hooks(_router_for, _remote_router_for)
