"""``tf.config``'s device answers for the machine smallflow runs on: one physical CPU, no
GPU (``list_physical_devices("GPU") == []``, as TensorFlow answers on a CPU-only machine),
visible-device and logical-device configuration, soft placement.

smallflow runs every op on the CPU whatever ``tf.device`` says, i.e. with soft placement;
these functions record and report the configuration with TensorFlow's types and errors, so
TF1 programs that probe for GPUs before building their graph run unchanged.
"""

import collections


class PhysicalDevice(collections.namedtuple("PhysicalDevice", ["name", "device_type"])):
    """A device of the machine: ``PhysicalDevice(name='/physical_device:CPU:0',
    device_type='CPU')``."""


class LogicalDevice(collections.namedtuple("LogicalDevice", ["name", "device_type"])):
    """A device ops can be placed on: ``LogicalDevice(name='/device:CPU:0', ...)``."""


class LogicalDeviceConfiguration(collections.namedtuple(
        "LogicalDeviceConfiguration",
        ["memory_limit", "experimental_priority", "experimental_device_ordinal"])):
    """How to split a physical device into logical ones (``memory_limit`` is for GPUs)."""

    def __new__(cls, memory_limit=None, experimental_priority=None,
                experimental_device_ordinal=None):
        return super().__new__(cls, memory_limit, experimental_priority,
                               experimental_device_ordinal)


VirtualDeviceConfiguration = LogicalDeviceConfiguration

_CPU = PhysicalDevice(name="/physical_device:CPU:0", device_type="CPU")
_PHYSICAL = (_CPU,)
_visible = list(_PHYSICAL)
_logical_configuration = {}
_soft_placement = True


def list_physical_devices(device_type=None):
    """The machine's devices of ``device_type`` (all when None): the CPU only."""
    return [d for d in _PHYSICAL if device_type is None or d.device_type == device_type]


def _check_device(device):
    if device not in _PHYSICAL:
        raise ValueError(f"Unrecognized device: {device!r}")


def get_visible_devices(device_type=None):
    """The physical devices the runtime may use (all of them unless restricted)."""
    return [d for d in _visible if device_type is None or d.device_type == device_type]


def set_visible_devices(devices, device_type=None):
    """Restrict the visible devices (of ``device_type``, or all types) to ``devices``."""
    global _visible
    if isinstance(devices, PhysicalDevice):
        devices = [devices]
    devices = list(devices)
    for device in devices:
        _check_device(device)
    kept = [d for d in _visible if device_type is not None and d.device_type != device_type]
    _visible = kept + [d for d in devices if d not in kept]


def list_logical_devices(device_type=None):
    """The devices ops can be placed on: one per visible physical device, or as many as
    ``set_logical_device_configuration`` asked for."""
    logical = []
    for device in _visible:
        configured = _logical_configuration.get(device)
        count = len(configured) if configured else 1
        for index in range(count):
            name = f"/device:{device.device_type}:{index}"
            logical.append(LogicalDevice(name=name, device_type=device.device_type))
    return [d for d in logical if device_type is None or d.device_type == device_type]


def get_logical_device_configuration(device):
    """The LogicalDeviceConfigurations set for ``device``, or None."""
    _check_device(device)
    configured = _logical_configuration.get(device)
    return list(configured) if configured else None


def set_logical_device_configuration(device, logical_devices):
    """Split ``device`` into the given logical devices (a CPU takes no memory limit)."""
    _check_device(device)
    logical_devices = list(logical_devices) if logical_devices is not None else None
    if logical_devices:
        for configuration in logical_devices:
            if not isinstance(configuration, LogicalDeviceConfiguration):
                raise ValueError(f"Expected a LogicalDeviceConfiguration, got "
                                 f"{configuration!r}")
            if device.device_type == "CPU" and configuration.memory_limit is not None:
                raise ValueError("Setting memory limit on CPU virtual devices is currently "
                                 "not supported")
        _logical_configuration[device] = logical_devices
    else:
        _logical_configuration.pop(device, None)


def get_soft_device_placement():
    """Whether an op asked for a device it cannot run on runs elsewhere (True)."""
    return _soft_placement


def set_soft_device_placement(enabled):
    """Record the soft-placement setting (smallflow always places ops on the CPU)."""
    global _soft_placement
    _soft_placement = bool(enabled)


def get_memory_growth(device):
    """GPUs only, as in TensorFlow: a CPU raises ValueError."""
    _check_device(device)
    raise ValueError("Cannot query memory growth on non-GPU devices")


def set_memory_growth(device, enable):
    """GPUs only, as in TensorFlow: a CPU raises ValueError."""
    _check_device(device)
    raise ValueError("Cannot set memory growth on non-GPU and non-Pluggable devices")


def get_device_details(device):
    """Details of a physical device: TensorFlow reports none for CPUs (``{}``)."""
    _check_device(device)
    return {}


def get_memory_info(device):
    """Memory use of a GPU or TPU; a CPU raises ValueError, as in TensorFlow."""
    raise ValueError(f"get_memory_info is not supported for device {device!r}: it is "
                     f"available for GPUs and TPUs only, and smallflow has neither")


def get_memory_usage(device):
    """Deprecated form of ``get_memory_info(device)["current"]``."""
    return get_memory_info(device)["current"]


def reset_memory_stats(device):
    """Reset a GPU's or TPU's peak memory; a CPU raises ValueError, as in TensorFlow."""
    raise ValueError(f"reset_memory_stats is not supported for device {device!r}: it is "
                     f"available for GPUs and TPUs only, and smallflow has neither")


_tensor_float_32 = True


def tensor_float_32_execution_enabled():
    """Whether TensorFloat-32 may be used on GPUs that have it (no effect on a CPU)."""
    return _tensor_float_32


def enable_tensor_float_32_execution(enabled):
    """Allow TensorFloat-32 on GPUs that have it (recorded; a CPU computes in float32)."""
    global _tensor_float_32
    _tensor_float_32 = bool(enabled)


def _reset_for_tests():
    """Back to the defaults (tests change process-wide settings)."""
    global _visible, _soft_placement, _tensor_float_32
    _visible = list(_PHYSICAL)
    _logical_configuration.clear()
    _soft_placement = True
    _tensor_float_32 = True
