"""``tensorflow.python.ops.control_flow_util``: the questions libraries ask about where an op
is built. smallflow compiles nothing with XLA, so no graph is ever in an XLA context."""


def IsInXLAContext(op):  # noqa: N802 - TensorFlow's name
    """False: smallflow has no XLA compilation contexts."""
    del op
    return False


def GraphOrParentsInXlaContext(graph):  # noqa: N802 - TensorFlow's name
    """False: smallflow has no XLA compilation contexts."""
    del graph
    return False


__all__ = ["GraphOrParentsInXlaContext", "IsInXLAContext"]
