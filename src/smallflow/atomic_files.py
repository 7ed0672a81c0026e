"""New hidden files beside a target, for writers that rename them over it when done.

``tempfile.mkstemp`` makes its files readable by their owner only (mode 0600), and the
rename would hand that mode on to the target; TensorFlow's writers create files as
``open`` does (0666 less the umask), so a TFRecord or graph file smallflow writes must
have the same permissions as one TensorFlow writes.
"""

import os


def open_temporary(directory, prefix):
    """``(descriptor, path)`` of a new file in ``directory`` whose name starts with
    ``prefix``, opened for writing, with the mode a plain ``open`` would give it."""
    while True:
        path = os.path.join(directory, f"{prefix}{os.getpid()}-{os.urandom(4).hex()}.tmp")
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), path
        except FileExistsError:
            continue
