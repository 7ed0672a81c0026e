"""``tensorflow.python.lib.io.file_io``: TensorFlow's file functions under their module names
(``file_exists``, ``write_string_to_file``, ``FileIO``, ...), on smallflow's gfile."""

from ....gfile import (
    Copy,
    DeleteRecursively,
    Exists,
    GFile,
    Glob,
    IsDirectory,
    ListDirectory,
    MakeDirs,
    MkDir,
    Remove,
    Rename,
    Stat,
    Walk,
)

FileIO = GFile
file_exists = Exists
delete_file = Remove
get_matching_files = Glob
create_dir = MkDir
recursive_create_dir = MakeDirs
copy = Copy
rename = Rename
delete_recursively = DeleteRecursively
is_directory = IsDirectory
list_directory = ListDirectory
walk = Walk
stat = Stat


def read_file_to_string(filename, binary_mode=False):
    """The whole content of ``filename`` (bytes when ``binary_mode``)."""
    with GFile(filename, "rb" if binary_mode else "r") as file:
        return file.read()


def write_string_to_file(filename, file_content):
    """Replace the content of ``filename`` by ``file_content``."""
    with GFile(filename, "w") as file:
        file.write(file_content)


def atomic_write_string_to_file(filename, contents, overwrite=True):
    """Write ``contents`` to a temporary file beside ``filename``, then rename it there."""
    temporary = f"{filename}.tmp{id(contents):x}"
    write_string_to_file(temporary, contents)
    try:
        Rename(temporary, filename, overwrite)
    except Exception:
        Remove(temporary)
        raise


__all__ = ["FileIO", "atomic_write_string_to_file", "copy", "create_dir", "delete_file",
           "delete_recursively", "file_exists", "get_matching_files", "is_directory",
           "list_directory", "read_file_to_string", "recursive_create_dir", "rename", "stat",
           "walk", "write_string_to_file"]
