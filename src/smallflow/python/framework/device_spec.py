"""``tensorflow.python.framework.device_spec``: ``DeviceSpec``. TensorFlow 1.x's ``tf.DeviceSpec``
is ``DeviceSpecV1``; smallflow's one class serves for both names."""

from ...device_spec import DeviceSpec

DeviceSpecV1 = DeviceSpec
DeviceSpecV2 = DeviceSpec

__all__ = ["DeviceSpec", "DeviceSpecV1", "DeviceSpecV2"]
