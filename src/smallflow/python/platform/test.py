"""``tensorflow.python.platform.test``: ``tf.test`` (and ``mock``, as TensorFlow's)."""

from unittest import mock  # noqa: F401 - TensorFlow's tests reach it as ``test.mock``

from ...test import *  # noqa: F401,F403
from ...test import main  # noqa: F401
