"""``tensorflow.contrib.tensor_forest.python``: the forest graph builder (``tensor_forest``)."""

from . import tensor_forest

__all__ = ["tensor_forest"]
