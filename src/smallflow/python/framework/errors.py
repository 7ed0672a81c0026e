"""``tensorflow.python.framework.errors``: the error classes of ``tf.errors``."""

from ...errors import *  # noqa: F401,F403
