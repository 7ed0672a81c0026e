"""``tensorflow.core.protobuf.cluster_pb2``: TensorBoard's messages of that
name, loaded on first use."""

from .. import proto_getattr

__getattr__ = proto_getattr(__name__, "cluster_pb2")
