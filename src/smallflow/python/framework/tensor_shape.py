"""``tensorflow.python.framework.tensor_shape``: smallflow's tensor_shape module."""

from ...tensor_shape import *  # noqa: F401,F403
