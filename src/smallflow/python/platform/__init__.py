"""``tensorflow.python.platform``: ``gfile`` and ``tf_logging``."""
