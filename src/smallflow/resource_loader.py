"""``tf.resource_loader``: finding data files next to the calling code (TensorFlow 1.x)."""

import inspect
import os

__all__ = ["get_data_files_path", "get_path_to_datafile", "get_root_dir_with_all_resources",
           "load_resource", "readahead_file_path"]


def get_data_files_path():
    """The directory of the module that calls this."""
    caller = inspect.stack()[1].filename
    return os.path.dirname(os.path.abspath(caller))


def get_path_to_datafile(path):
    """``path`` joined to the calling module's directory."""
    caller = inspect.stack()[1].filename
    return os.path.join(os.path.dirname(os.path.abspath(caller)), path)


def get_root_dir_with_all_resources():
    """The directory of the calling module (where TensorFlow looks for runfiles)."""
    caller = inspect.stack()[1].filename
    return os.path.dirname(os.path.abspath(caller))


def load_resource(path):
    """The bytes of ``path`` (relative to the directory above this package, as TensorFlow
    resolves it against its own installation)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, path), "rb") as handle:
        return handle.read()


def readahead_file_path(path, readahead="128M"):
    """``path`` itself (read-ahead caching applies to remote file systems only)."""
    return path
