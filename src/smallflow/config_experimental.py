"""``tf.config.experimental``: the older names of ``tf.config``'s device functions."""

from .config_devices import (
    VirtualDeviceConfiguration,
    enable_tensor_float_32_execution,
    get_device_details,
    get_memory_growth,
    get_memory_info,
    get_memory_usage,
    get_visible_devices,
    list_logical_devices,
    list_physical_devices,
    reset_memory_stats,
    set_memory_growth,
    set_visible_devices,
    tensor_float_32_execution_enabled,
)
from .config_devices import get_logical_device_configuration as get_virtual_device_configuration
from .config_devices import set_logical_device_configuration as set_virtual_device_configuration

__all__ = ["VirtualDeviceConfiguration", "enable_tensor_float_32_execution",
           "get_device_details", "get_memory_growth", "get_memory_info", "get_memory_usage",
           "get_virtual_device_configuration", "get_visible_devices", "list_logical_devices",
           "list_physical_devices", "reset_memory_stats", "set_memory_growth",
           "set_virtual_device_configuration", "set_visible_devices",
           "tensor_float_32_execution_enabled"]
