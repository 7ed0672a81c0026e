"""``tensorflow.python.platform.flags``: the same module as ``tf.flags``."""

from ...flags import *  # noqa: F401,F403
