"""``tensorflow.python.client.device_lib``: the devices a session can use (this CPU only)."""

import collections
import os


class DeviceAttributes(collections.namedtuple(
        "DeviceAttributes", ["name", "device_type", "memory_limit", "incarnation",
                             "physical_device_desc"])):
    """The fields TF1 programs read from ``list_local_devices()`` entries."""

    __slots__ = ()


def list_local_devices(session_config=None):
    """One entry, ``/device:CPU:0``: smallflow runs every kernel on the CPU."""
    pages = os.sysconf("SC_PHYS_PAGES") if hasattr(os, "sysconf") else 0
    page_size = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 0
    return [DeviceAttributes(name="/device:CPU:0", device_type="CPU",
                             memory_limit=int(pages * page_size), incarnation=1,
                             physical_device_desc="")]
