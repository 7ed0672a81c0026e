"""Checkpoint bookkeeping: atomic file writes and the ``checkpoint`` index of a directory.

The index is TensorFlow's text file::

    model_checkpoint_path: "model.ckpt-2000"
    all_model_checkpoint_paths: "model.ckpt-1000"
    all_model_checkpoint_paths: "model.ckpt-2000"

**Ours:** paths inside the directory are written relative to it (TensorFlow's
``save_relative_paths=True``), so a directory of checkpoints can be moved or copied.
"""

import contextlib
import os
import re
from dataclasses import dataclass, field

from .. import errors

DATA_SUFFIX = ".npz"
METADATA_SUFFIX = ".json"
_INDEX_LINE = re.compile(r'^\s*([A-Za-z_]\w*)\s*:\s*(".*"|[-+.\w]+)\s*$')
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "'": "'", "\\": "\\"}


# -- atomic writes ------------------------------------------------------------------------------


def write_to_temporary(path, write):
    """Call ``write(binary_file)`` on a new hidden file beside ``path``; return its name.

    The data is flushed to disk before returning. On any error (or interrupt) the
    temporary file is removed and the error propagates; ``path`` itself is never touched.
    """
    directory, base = os.path.split(os.path.abspath(path))
    while True:
        temporary = os.path.join(directory, f".{base}.{os.urandom(4).hex()}.tmp")
        try:
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        break
    try:
        with os.fdopen(descriptor, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        _remove_quietly(temporary)
        raise
    return temporary


def replace_all(moves):
    """Rename each (temporary, final) pair into place, then make the renames durable."""
    try:
        for temporary, final in moves:
            os.replace(temporary, final)
    except BaseException:
        for temporary, _ in moves:
            _remove_quietly(temporary)
        raise
    for directory in {os.path.dirname(os.path.abspath(final)) for _, final in moves}:
        _fsync_directory(directory)


def write_atomically(path, write):
    """Write ``path`` through ``write(binary_file)``: readers see the old file or the new one."""
    replace_all([(write_to_temporary(path, write), path)])


def _remove_quietly(path):
    with contextlib.suppress(OSError):
        os.remove(path)


def _fsync_directory(directory):
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


# -- checkpoint files -----------------------------------------------------------------------------


def checkpoint_exists(checkpoint_prefix):
    """True when the checkpoint ``checkpoint_prefix`` (as ``save`` returned it) exists."""
    return os.path.isfile(os.fspath(checkpoint_prefix) + DATA_SUFFIX)


def remove_checkpoint(checkpoint_prefix):
    """Delete a checkpoint's files (missing ones are ignored)."""
    for suffix in (DATA_SUFFIX, METADATA_SUFFIX):
        with contextlib.suppress(FileNotFoundError):
            os.remove(os.fspath(checkpoint_prefix) + suffix)


# -- the index file ------------------------------------------------------------------------------


@dataclass
class CheckpointState:
    """What a directory's ``checkpoint`` file says: the latest checkpoint and those kept."""

    model_checkpoint_path: str
    all_model_checkpoint_paths: list = field(default_factory=list)


def _quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _unquote(token, index_path):
    if not (token.startswith('"') and token.endswith('"')):
        raise _bad_index(index_path, f"expected a quoted path, found {token}")
    body = token[1:-1]
    out = []
    i = 0
    while i < len(body):
        char = body[i]
        if char != "\\":
            out.append(char)
            i += 1
            continue
        nxt = body[i + 1 : i + 2]
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        elif re.match(r"[0-7]{3}", body[i + 1 : i + 4]):
            out.append(chr(int(body[i + 1 : i + 4], 8)))
            i += 4
        else:
            raise _bad_index(index_path, f"bad escape in {token}")
    text = "".join(out)
    # Octal escapes stand for UTF-8 bytes (TensorFlow writes non-ASCII that way).
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _bad_index(index_path, problem):
    return errors.DataLossError(
        None, None, f"Checkpoint index file {index_path} is corrupt or not an index: {problem}"
    )


def _read_index(index_path):
    try:
        with open(index_path, "rb") as file:
            raw = file.read()
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _bad_index(index_path, "not UTF-8 text") from None
    latest = None
    kept = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _INDEX_LINE.match(line)
        if match is None:
            raise _bad_index(index_path, f"line {number} is not 'key: value'")
        key, token = match.groups()
        if key == "model_checkpoint_path":
            latest = _unquote(token, index_path)
        elif key == "all_model_checkpoint_paths":
            kept.append(_unquote(token, index_path))
        # Other fields (timestamps written by newer TensorFlow) are not needed here.
    if latest is None:
        raise _bad_index(index_path, "no model_checkpoint_path")
    return latest, kept


def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    """The ``CheckpointState`` of ``checkpoint_dir`` (paths joined to it), or None."""
    checkpoint_dir = os.fspath(checkpoint_dir)
    index_path = os.path.join(checkpoint_dir, latest_filename or "checkpoint")
    if not os.path.isfile(index_path):
        return None
    latest, kept = _read_index(index_path)

    def located(path):
        return path if os.path.isabs(path) else os.path.join(checkpoint_dir, path)

    return CheckpointState(located(latest), [located(p) for p in kept])


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """The prefix of the newest checkpoint in ``checkpoint_dir``, or None if there is none."""
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state is None or not checkpoint_exists(state.model_checkpoint_path):
        return None
    return state.model_checkpoint_path


def update_checkpoint_state(
    save_dir, model_checkpoint_path, all_model_checkpoint_paths=None, latest_filename=None
):
    """Write ``save_dir``'s index file (atomically): the latest checkpoint and those kept."""
    save_dir = os.fspath(save_dir)
    kept = list(all_model_checkpoint_paths or [])
    if model_checkpoint_path not in kept:
        kept.append(model_checkpoint_path)

    def written(path):
        relative = os.path.relpath(os.path.abspath(path), os.path.abspath(save_dir or "."))
        return os.path.abspath(path) if relative.startswith(os.pardir) else relative

    lines = [f"model_checkpoint_path: {_quote(written(model_checkpoint_path))}"]
    lines += [f"all_model_checkpoint_paths: {_quote(written(p))}" for p in kept]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    index_path = os.path.join(save_dir, latest_filename or "checkpoint")
    write_atomically(index_path, lambda file: file.write(data))
