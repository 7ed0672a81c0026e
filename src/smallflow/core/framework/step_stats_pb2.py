"""``tensorflow.core.framework.step_stats_pb2``: TensorBoard's messages of that
name, loaded on first use."""

from .. import proto_getattr

__getattr__ = proto_getattr(__name__, "step_stats_pb2")
