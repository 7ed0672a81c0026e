"""``tensorflow.python.lib.io``: ``file_io`` and ``tf_record``."""
