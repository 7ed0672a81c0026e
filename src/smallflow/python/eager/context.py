"""``tensorflow.python.eager.context``: eager execution's switch and mode blocks."""

from ...eager.context import *  # noqa: F401,F403
from ...eager.context import eager_mode, executing_eagerly, graph_mode  # noqa: F401
