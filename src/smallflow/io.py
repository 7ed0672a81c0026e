"""``tf.io``: file access (``tf.io.gfile``)."""

from . import io_gfile as gfile

__all__ = ["gfile"]
