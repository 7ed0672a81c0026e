"""``tensorflow.python.platform.gfile``: the same module as ``tf.gfile``."""

from ...gfile import *  # noqa: F401,F403
