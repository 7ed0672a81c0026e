"""``tensorflow.python.ops.control_flow_v2_toggles``: ``control_flow_v2_enabled`` and the
switches (smallflow builds TensorFlow 1.x's control flow)."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("", "compat.v1"))
