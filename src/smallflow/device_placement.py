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
