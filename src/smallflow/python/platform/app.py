"""``tensorflow.python.platform.app``: the same module as ``tf.app``."""

from ...app import *  # noqa: F401,F403
