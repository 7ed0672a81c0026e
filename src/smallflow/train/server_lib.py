"""``tf.train.ClusterSpec`` and ``tf.train.Server``: clusters as data, servers per task.

A ClusterSpec is TensorFlow's description of a cluster (job name -> task addresses) and is
complete here. A Server of a one-task cluster (``Server.create_local_server()``, the case of
TF1 single-machine programs) lives in process: its ``target`` opens
``tf.Session(server.target)`` on this process's engine, and nothing listens on its port. A
Server of a cluster of several tasks (parameter servers and workers, usually one process
each) also listens on its task's address and keeps the variables placed on its task for
every session of the cluster: see ``cluster_runtime``.
"""

import socket
import threading

from .. import session_targets, tb_protos


class ClusterSpec:
    """A cluster: job names mapped to task addresses (a list, or a dict index -> address)."""

    def __init__(self, cluster):
        if isinstance(cluster, ClusterSpec):
            self._cluster_spec = {job: dict(tasks) for job, tasks in cluster._cluster_spec.items()}
        elif isinstance(cluster, dict):
            self._cluster_spec = {}
            for job_name, tasks in cluster.items():
                if isinstance(tasks, list | tuple):
                    job_tasks = dict(enumerate(tasks))
                elif isinstance(tasks, dict):
                    job_tasks = {int(i): task for i, task in tasks.items()}
                else:
                    raise TypeError(f"The tasks for job {job_name!r} must be a list or a "
                                    "dictionary from integers to strings.")
                self._cluster_spec[job_name] = job_tasks
            self._check_names()
        elif _is_cluster_def(cluster):
            self._cluster_spec = {job.name: dict(job.tasks) for job in cluster.job}
        else:
            raise TypeError("`cluster` must be a dictionary mapping one or more job names to "
                            "lists of network addresses, or a `ClusterDef` protocol buffer")

    def _check_names(self):
        for job_name, tasks in self._cluster_spec.items():
            if not isinstance(job_name, str | bytes):
                raise TypeError(f"Job name {job_name!r} must be bytes or unicode")
            for address in tasks.values():
                if not isinstance(address, str | bytes):
                    raise TypeError(f"Task address {address!r} must be bytes or unicode")

    def __bool__(self):
        return bool(self._cluster_spec)

    def __eq__(self, other):
        if isinstance(other, ClusterSpec):
            other = other._cluster_spec
        return self._cluster_spec == other

    def __ne__(self, other):
        return not self == other

    __hash__ = None

    def __repr__(self):
        as_dict = self.as_dict()
        items = ", ".join(f"{k!r}: {as_dict[k]!r}" for k in sorted(as_dict))
        return "ClusterSpec({" + items + "})"

    @property
    def jobs(self):
        """The job names, in the order given."""
        return list(self._cluster_spec)

    def _job(self, job_name):
        try:
            return self._cluster_spec[job_name]
        except KeyError:
            raise ValueError(f"No such job in cluster: {job_name!r}") from None

    def num_tasks(self, job_name):
        return len(self._job(job_name))

    def task_indices(self, job_name):
        return sorted(self._job(job_name))

    def task_address(self, job_name, task_index):
        job = self._job(job_name)
        try:
            return job[task_index]
        except KeyError:
            raise ValueError(f"No task with index {task_index!r} in job {job_name!r}") from None

    def job_tasks(self, job_name):
        """Addresses by task index; None where a sparse job has no task."""
        job = self._job(job_name)
        tasks = [None] * (max(job) + 1 if job else 0)
        for index, address in job.items():
            tasks[index] = address
        return tasks

    def as_dict(self):
        """Job name -> list of addresses (dense jobs) or {index: address} (sparse ones)."""
        out = {}
        for job in self.jobs:
            indices = self.task_indices(job)
            if not indices:
                out[job] = {}
            elif max(indices) + 1 == len(indices):
                out[job] = self.job_tasks(job)
            else:
                out[job] = {i: self.task_address(job, i) for i in indices}
        return out

    def as_cluster_def(self):
        """The ``tf.train.ClusterDef`` protocol buffer (needs the ``tensorboard`` extra)."""
        cluster_def = tb_protos.load().cluster_pb2.ClusterDef()
        for job_name, tasks in sorted(self._cluster_spec.items()):
            job = cluster_def.job.add(name=_text(job_name))
            for index, address in sorted(tasks.items()):
                job.tasks[index] = _text(address)
        return cluster_def


def _text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _is_cluster_def(value):
    return type(value).__name__ == "ClusterDef" and hasattr(value, "job")


class ServerDef:
    """``tf.train.ServerDef``'s fields: the cluster, this task and the protocol."""

    def __init__(self, cluster=None, job_name="", task_index=0, protocol="",
                 default_session_config=None, port=0):
        self.cluster = cluster
        self.job_name = job_name
        self.task_index = task_index
        self.protocol = protocol
        self.default_session_config = default_session_config
        self.port = port

    def __repr__(self):
        return (f"ServerDef(job_name={self.job_name!r}, task_index={self.task_index}, "
                f"protocol={self.protocol!r})")


def _server_def(server_or_cluster_def, job_name, task_index, protocol, config):
    if isinstance(server_or_cluster_def, ServerDef):
        given = server_or_cluster_def
        cluster = ClusterSpec(given.cluster) if given.cluster is not None else ClusterSpec({})
        job_name = job_name if job_name is not None else given.job_name
        task_index = task_index if task_index is not None else given.task_index
        protocol = protocol if protocol is not None else given.protocol
        config = config if config is not None else given.default_session_config
    else:
        try:
            cluster = ClusterSpec(server_or_cluster_def)
        except TypeError:
            raise TypeError("Could not convert `server_or_cluster_def` to a "
                            "`tf.train.ServerDef` or `tf.train.ClusterSpec`.") from None
    if job_name is None:
        if len(cluster.jobs) != 1:
            raise ValueError("Must specify an explicit `job_name`.")
        job_name = cluster.jobs[0]
    if task_index is None:
        indices = cluster.task_indices(job_name)
        if len(indices) != 1:
            raise ValueError("Must specify an explicit `task_index`.")
        task_index = indices[0]
    address = cluster.task_address(job_name, task_index)  # ValueError names a wrong task
    if protocol is None:
        protocol = "grpc"
    return ServerDef(cluster, job_name, task_index, protocol, config), address


def _free_port():
    """A port number the OS calls free, as TensorFlow's target for port 0 shows one.

    Nothing listens on it (the server is in process); it only keeps targets of servers made
    in this process distinct and looking like TensorFlow's.
    """
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if not session_targets.is_registered(f"grpc://localhost:{port}"):
            return str(port)


class Server:
    """An in-process server for a one-task cluster; ``tf.Session(server.target)`` runs here.

    ``join()`` blocks the calling thread for as long as the server runs, which (as in
    TensorFlow, where it "currently blocks forever") is until the process ends: a program
    whose parameter-server task calls it waits there. smallflow's own sessions never need a
    separate server task.
    """

    def __init__(self, server_or_cluster_def, job_name=None, task_index=None, protocol=None,
                 config=None, start=True):
        self._server_def, address = _server_def(server_or_cluster_def, job_name, task_index,
                                                protocol, config)
        cluster = self._server_def.cluster
        tasks = sum(cluster.num_tasks(job) for job in cluster.jobs)
        if self._server_def.protocol not in ("grpc", "grpc+verbs", "grpc+mpi"):
            raise ValueError(f"Unknown protocol {self._server_def.protocol!r}: TensorFlow's "
                             "servers speak 'grpc' (smallflow's run in process)")
        host, _, port = _text(address).rpartition(":")
        if port == "0":
            port = _free_port()
        self._target = f"{self._server_def.protocol.split('+')[0]}://{host or 'localhost'}:{port}"
        self._stopped = threading.Event()
        self._started = False
        self._task_server = None
        if tasks > 1:
            from .cluster_runtime import TaskServer

            self._task_server = TaskServer(cluster, self._server_def.job_name,
                                           self._server_def.task_index, self._target,
                                           f"{host}:{port}")
        session_targets.register(self._target, False)
        if start:
            self.start()

    @staticmethod
    def create_local_server(config=None, start=True):
        """A server for a single-task cluster on this host (job ``localhost``)."""
        return Server({"localhost": ["localhost:0"]}, protocol="grpc", config=config,
                      start=start)

    def start(self):
        """Start the server: sessions may now use ``target``."""
        if self._task_server is not None and not self._started:
            self._task_server.start()
        self._started = True
        session_targets.register(self._target, True)

    def join(self):
        """Block until the server stops, that is until the process ends (see the class doc)."""
        self._stopped.wait()

    def _stop(self):
        """Stop the server (TensorFlow has no public stop: this one is for tests)."""
        if self._task_server is not None:
            self._task_server.stop()
        session_targets.unregister(self._target)
        self._stopped.set()

    @property
    def server_def(self):
        return self._server_def

    @property
    def target(self):
        """The target string for ``tf.Session(target)``: ``grpc://<host>:<port>``."""
        return self._target
