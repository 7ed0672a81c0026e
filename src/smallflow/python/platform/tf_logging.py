"""``tensorflow.python.platform.tf_logging``: the same module as ``tf.logging``."""

from ...logging import *  # noqa: F401,F403
