"""``tensorflow.contrib.tensor_forest.python``: the forest graph builder (``tensor_forest``)
and its input helpers (``ops.data_ops``)."""

from . import ops, tensor_forest

__all__ = ["ops", "tensor_forest"]
