"""``tf.io.gfile``: the TensorFlow 2 spellings of ``tf.gfile`` (``exists``, ``glob``, ...)."""

import os

from .gfile import Copy as copy  # noqa: N813
from .gfile import DeleteRecursively as rmtree  # noqa: N813
from .gfile import Exists as exists  # noqa: N813
from .gfile import GFile
from .gfile import Glob as glob  # noqa: N813
from .gfile import IsDirectory as isdir  # noqa: N813
from .gfile import ListDirectory as listdir  # noqa: N813
from .gfile import MakeDirs as makedirs  # noqa: N813
from .gfile import MkDir as mkdir  # noqa: N813
from .gfile import Remove as remove  # noqa: N813
from .gfile import Rename as rename  # noqa: N813
from .gfile import Stat as stat  # noqa: N813
from .gfile import Walk as walk  # noqa: N813

__all__ = ["GFile", "copy", "exists", "glob", "isdir", "join", "listdir", "makedirs", "mkdir",
           "remove", "rename", "rmtree", "stat", "walk"]


def join(path, *paths):
    return os.path.join(path, *paths)


def get_registered_schemes():
    """The file systems available: only the local one (``""`` and ``file``)."""
    return ["", "file"]
