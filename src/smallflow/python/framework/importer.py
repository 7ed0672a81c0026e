"""``tensorflow.python.framework.importer``: ``import_graph_def``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("",))
