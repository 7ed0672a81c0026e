"""``tf.manip``: TensorFlow 1.x's namespace of tensor manipulations (the same ops as tf.*)."""

from .ops.array_extra_ops import batch_to_space_nd, gather_nd, scatter_nd, space_to_batch_nd
from .ops.math_extra_ops import roll
from .ops.pad_ops import reverse, tile
from .ops.shape_ops import reshape

__all__ = ["batch_to_space_nd", "gather_nd", "reshape", "reverse", "roll", "scatter_nd",
           "space_to_batch_nd", "tile"]
