"""``tf.gfile`` (and ``tf.io.gfile``): file access on the local filesystem, with
TensorFlow's names. Missing files raise ``NotFoundError`` as in TensorFlow; other OS errors
become the matching ``OpError`` subclass."""

import contextlib
import errno
import glob as _glob
import os
import shutil

from . import errors

__all__ = [
    "Copy",
    "DeleteRecursively",
    "Exists",
    "FastGFile",
    "GFile",
    "Glob",
    "IsDirectory",
    "ListDirectory",
    "MakeDirs",
    "MkDir",
    "Open",
    "Remove",
    "Rename",
    "Stat",
    "Walk",
]


@contextlib.contextmanager
def _translated(path):
    """OSErrors as TensorFlow's errors, naming the path."""
    try:
        yield
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"{path}; No such file or directory") from None
    except FileExistsError:
        raise errors.AlreadyExistsError(None, None, f"{path}; File exists") from None
    except PermissionError:
        raise errors.PermissionDeniedError(None, None, f"{path}; Permission denied") from None
    except IsADirectoryError:
        raise errors.FailedPreconditionError(None, None, f"{path}; Is a directory") from None
    except OSError as error:
        if error.errno == errno.ENOTEMPTY:
            raise errors.FailedPreconditionError(None, None,
                                                 f"{path}; Directory not empty") from None
        raise errors.UnknownError(None, None, f"{path}; {error.strerror}") from None


def _path(path):
    path = os.fspath(path)
    if isinstance(path, bytes):
        path = path.decode("utf-8")
    if "://" in path and not path.startswith("file://"):
        scheme = path.split("://", 1)[0]
        raise errors.UnimplementedError(None, None, f"File system scheme '{scheme}' not "
                                                    f"implemented (file: '{path}')")
    return path.removeprefix("file://")


class GFile:
    """A file object (``read``, ``write``, ``readline``, iteration, ``seek``, ``tell``,
    ``size``) opened lazily, like TensorFlow's; ``mode`` as in ``open``."""

    def __init__(self, name, mode="r"):
        if mode not in ("r", "rb", "w", "wb", "a", "ab", "r+", "rb+", "w+", "wb+", "a+", "ab+"):
            raise errors.InvalidArgumentError(None, None, f"mode is not 'r' or 'w' or 'a' "
                                                          f"(optionally with 'b' or '+'): {mode}")
        self._name = _path(name)
        self._mode = mode
        self._handle = None

    @property
    def name(self):
        return self._name

    @property
    def mode(self):
        return self._mode

    def _file(self):
        if self._handle is None:
            binary = "b" in self._mode
            with _translated(self._name):
                self._handle = open(self._name, self._mode,  # noqa: SIM115 - closed by close()
                                    encoding=None if binary else "utf-8")
        return self._handle

    def size(self):
        with _translated(self._name):
            return os.path.getsize(self._name)

    def read(self, n=-1):
        return self._file().read(n)

    def readline(self):
        return self._file().readline()

    def readlines(self):
        return self._file().readlines()

    def write(self, file_content):
        handle = self._file()
        if "b" in self._mode and isinstance(file_content, str):
            file_content = file_content.encode("utf-8")
        elif "b" not in self._mode and isinstance(file_content, bytes | bytearray):
            # TensorFlow writes bytes as they are whatever the mode (a PNG into a "w" file):
            # past the text layer, which is flushed first to keep the order of writes.
            handle.flush()
            handle.buffer.write(file_content)
            return
        handle.write(file_content)

    def seek(self, offset=None, whence=0, position=None):
        if position is not None:
            offset = position
        return self._file().seek(offset, whence)

    def tell(self):
        return self._file().tell()

    def flush(self):
        if self._handle is not None:
            self._handle.flush()

    def close(self):
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __iter__(self):
        return iter(self._file())

    def __next__(self):
        return next(self._file())

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


Open = GFile
FastGFile = GFile


def Exists(filename):  # noqa: N802
    return os.path.exists(_path(filename))


def IsDirectory(dirname):  # noqa: N802
    return os.path.isdir(_path(dirname))


def ListDirectory(dirname):  # noqa: N802
    """The entries of ``dirname`` (names, not paths), in no particular order."""
    path = _path(dirname)
    if not os.path.isdir(path):
        raise errors.NotFoundError(None, None, f"Could not find directory {path}")
    with _translated(path):
        return os.listdir(path)


def MakeDirs(dirname):  # noqa: N802
    """Create ``dirname`` and its parents; an existing directory is fine."""
    path = _path(dirname)
    with _translated(path):
        os.makedirs(path, exist_ok=True)


def MkDir(dirname):  # noqa: N802
    path = _path(dirname)
    with _translated(path):
        os.mkdir(path)


def Glob(filename):  # noqa: N802
    """The paths matching the pattern ``filename`` (``*``, ``?``, ``[...]``)."""
    patterns = [filename] if isinstance(filename, str | bytes | os.PathLike) else filename
    found = []
    for pattern in patterns:
        found.extend(sorted(_glob.glob(_path(pattern))))
    return found


def Remove(filename):  # noqa: N802
    path = _path(filename)
    with _translated(path):
        os.remove(path)


def DeleteRecursively(dirname):  # noqa: N802
    path = _path(dirname)
    with _translated(path):
        if os.path.isdir(path):
            shutil.rmtree(path)
        else:
            os.remove(path)


def Rename(oldname, newname, overwrite=False):  # noqa: N802
    source, target = _path(oldname), _path(newname)
    if not overwrite and os.path.exists(target):
        raise errors.AlreadyExistsError(None, None, f"file already exists: {target}")
    with _translated(source):
        os.replace(source, target)


def Copy(oldpath, newpath, overwrite=False):  # noqa: N802
    source, target = _path(oldpath), _path(newpath)
    if not overwrite and os.path.exists(target):
        raise errors.AlreadyExistsError(None, None, f"file already exists: {target}")
    with _translated(source):
        shutil.copyfile(source, target)


class FileStatistics:
    """``length`` (bytes), ``mtime_nsec``, ``is_directory``."""

    def __init__(self, length, mtime_nsec, is_directory):
        self.length = length
        self.mtime_nsec = mtime_nsec
        self.is_directory = is_directory


def Stat(filename):  # noqa: N802
    path = _path(filename)
    with _translated(path):
        info = os.stat(path)
    return FileStatistics(info.st_size, info.st_mtime_ns, os.path.isdir(path))


def Walk(top, in_order=True):  # noqa: N802
    """``(dirname, subdirs, files)`` triples, as ``os.walk`` (top-down when ``in_order``)."""
    path = _path(top)
    if not os.path.isdir(path):
        return
    yield from os.walk(path, topdown=in_order)
