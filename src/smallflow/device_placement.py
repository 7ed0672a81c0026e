"""``tf.device`` scopes: the device each new op records (placement is recorded, not used).

smallflow runs every kernel on the CPU of this process, but TF1 programs read placement back
(``op.device``, GraphDef nodes, ``replica_device_setter`` tests), so a graph keeps TensorFlow
1.x's rule: device scopes are applied from the innermost out; a device string fills only the
parts (job, replica, task, device type) the op's device does not set yet, a device function
returns the op's whole device, and ``tf.device(None)`` stops the outer scopes.
"""

from .device_spec import DeviceSpec


class _MergeDevice:
    """A device string or DeviceSpec as a device function that fills unset parts."""

    def __init__(self, spec):
        self._spec = DeviceSpec.from_string(spec) if isinstance(spec, str) else spec

    def __call__(self, op):
        current = DeviceSpec.from_string(op.device or "")
        return self._spec.make_merged_spec(current).to_string()


def device_function(device_name_or_function):
    """The callable a ``tf.device`` argument stands for; None stays None (clears)."""
    if device_name_or_function is None:
        return None
    if isinstance(device_name_or_function, str | DeviceSpec):
        return _MergeDevice(device_name_or_function)
    if callable(device_name_or_function):
        return device_name_or_function
    raise TypeError(f"tf.device expects a device string, a DeviceSpec, a function of an "
                    f"Operation or None; got {device_name_or_function!r}")


def placed_device(stack, op):
    """The device string ``op`` gets under the device scopes in ``stack`` (outermost first)."""
    for function in reversed(stack):
        if function is None:
            break
        device = function(op)
        op._device = canonical(device)
    return op._device


def canonical(device):
    """TensorFlow's spelling of a device string or DeviceSpec ("/cpu:0" -> "/device:CPU:0")."""
    if isinstance(device, DeviceSpec):
        return device.to_string()
    return DeviceSpec.from_string(device).to_string() if device else ""


_LOCAL_CPU = "/job:localhost/replica:0/task:0/device:CPU:"
# Op types whose one output is a reference in TensorFlow (not placed as generators).
_REF_OUTPUT = frozenset({"VariableV2", "Variable", "TemporaryVariable"})


class Placement:
    """A session's placement rules (``ConfigProto``'s ``allow_soft_placement``,
    ``log_device_placement`` and ``device_count``), applied to each graph fragment it runs.

    Every kernel runs on this process's CPU. As in TensorFlow on a machine without GPUs, an op
    pinned to a device this process does not have (``/gpu:0``, ``/cpu:3`` with one CPU) runs
    on the CPU with soft placement and is an InvalidArgumentError at ``run`` without it.
    A session on a server's target leaves devices of other jobs alone (the cluster's servers
    own them); a local session (target "") has only ``/job:localhost``, so an op pinned to
    another job (``/job:ps/task:0``) is an InvalidArgumentError even with soft placement,
    which chooses among device types only.
    """

    def __init__(self, config, local=False):
        self.local = local
        self.soft = bool(getattr(config, "allow_soft_placement", False))
        self.log = bool(getattr(config, "log_device_placement", False))
        counts = getattr(config, "device_count", None) or {}
        self.cpus = max(1, int(counts.get("CPU", 1)))
        self._logged = set()

    def place_graph(self, ops, error_class, log=None):
        """Place a whole graph, as TensorFlow's placer does when a session first runs it and
        again each time it has grown: ops in creation order, except that "generators" (no
        inputs, one output that is not a reference: constants, placeholders) come in a second
        pass (TensorFlow places them with their consumers). Every op is logged each time."""
        first = []
        generators = []
        for op in ops:
            generator = not op.inputs and len(op.outputs) == 1 and op.type not in _REF_OUTPUT
            (generators if generator else first).append(op)
        self._logged.clear()
        self.check(first + generators, error_class, log)

    def check(self, ops, error_class, log=None):
        """Raise ``error_class`` for the first op pinned to a missing device (hard placement);
        log each op's device once when asked to, in TensorFlow's format."""
        for op in ops:
            device = op.device
            if device:
                spec = DeviceSpec.from_string(device)
                local_job = spec.job in (None, "localhost")
                missing = not self.soft and not self._available(spec)
                if (local_job and missing) or (self.local and not local_job):
                    raise error_class(
                        None, op,
                        f"Cannot assign a device for operation {op.name}: {{{{node {op.name}}}}}"
                        f" was explicitly assigned to {device} but available devices are "
                        f"[ {', '.join(_LOCAL_CPU + str(i) for i in range(self.cpus))} ]. "
                        "Make sure the device specification refers to a valid device.")
            if self.log and op.name not in self._logged:
                self._logged.add(op.name)
                log(f"{op.name}: ({op.type}): {_LOCAL_CPU}{self._index(op.device)}")

    def _available(self, spec):
        if spec.device_type is None:
            return True
        return spec.device_type == "CPU" and (spec.device_index or 0) < self.cpus

    def _index(self, device):
        spec = DeviceSpec.from_string(device) if device else None
        if spec is not None and self._available(spec) and spec.device_type == "CPU":
            return spec.device_index or 0
        return 0


class DeviceAttributes:
    """One entry of ``Session.list_devices()``: the local CPU, as TF1 reports it."""

    def __init__(self, name, device_type, memory_limit_bytes, incarnation):
        self.name = name
        self.device_type = device_type
        self.memory_limit_bytes = memory_limit_bytes
        self.incarnation = incarnation

    def __repr__(self):
        return (f"_DeviceAttributes({self.name}, {self.device_type}, "
                f"{self.memory_limit_bytes}, {self.incarnation})")


def local_devices():
    """The devices a session runs on: this process's CPU (TF1's default memory limit)."""
    return [DeviceAttributes("/job:localhost/replica:0/task:0/device:CPU:0", "CPU", 268435456,
                             0)]
