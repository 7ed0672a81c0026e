"""Checkpoint bookkeeping: atomic file writes and the ``checkpoint`` index of a directory.

The index is TensorFlow's text file::

    model_checkpoint_path: "model.ckpt-2000"
    all_model_checkpoint_paths: "model.ckpt-1000"
    all_model_checkpoint_paths: "model.ckpt-2000"

**Ours:** paths inside the directory are written relative to it (TensorFlow's
``save_relative_paths=True``), so a directory of checkpoints can be moved or copied.
"""

import contextlib
import glob
import json
import os
import re
from dataclasses import dataclass, field

from .. import errors

DATA_SUFFIX = ".npz"
METADATA_SUFFIX = ".json"
INDEX_SUFFIX = ".index"  # TensorFlow's V2 format: P.index and P.data-00000-of-00001
_INDEX_LINE = re.compile(r'^\s*([A-Za-z_]\w*)\s*:\s*(".*"|[-+.\w]+)\s*$')
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "'": "'", "\\": "\\"}


# -- atomic writes ------------------------------------------------------------------------------

# Temporary files are named ".<final name>.<writer's pid>-<random>.tmp" beside their target,
# so a later write can tell an abandoned one (its writer is gone) from one still being written.
_TEMPORARY = re.compile(r"^\.(?P<base>.+)\.(?:(?P<pid>\d+)-)?[0-9a-f]{8}\.tmp$")
# A save of several files commits by renaming this file into place; see write_together.
_JOURNAL = ".{}.commit"


def write_to_temporary(path, write):
    """Call ``write(binary_file)`` on a new hidden file beside ``path``; return its name.

    The data is flushed to disk before returning. On any error (or interrupt) the
    temporary file is removed and the error propagates; ``path`` itself is never touched.
    """
    directory, base = os.path.split(os.path.abspath(path))
    while True:
        name = f".{base}.{os.getpid()}-{os.urandom(4).hex()}.tmp"
        temporary = os.path.join(directory, name)
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
    """Write ``path`` through ``write(binary_file)``: readers see the old file or the new one.

    Temporary files that an earlier, interrupted write of ``path`` left behind are removed.
    A target that exists and is not a regular file (``/dev/null``, a FIFO, a terminal) is
    written in place: renaming a new file over it would replace the device itself.
    """
    if _is_special(path):
        with open(path, "wb") as stream:
            write(stream)
        return
    remove_stale_temporaries(path)
    replace_all([(write_to_temporary(path, write), path)])


def _is_special(path):
    import stat

    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def remove_stale_temporaries(path):
    """Delete the temporary files of ``path`` whose writing process no longer runs."""
    directory, base = os.path.split(os.path.abspath(path))
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        match = _TEMPORARY.match(name)
        if match is None or match["base"] != base:
            continue
        pid = match["pid"]
        if pid is not None and int(pid) != os.getpid() and _process_exists(int(pid)):
            continue  # another program is writing the same file right now
        _remove_quietly(os.path.join(directory, name))


def _process_exists(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # it exists but belongs to someone else (or the number is not a pid)
    return True


def write_together(writes):
    """Write several files as one unit: after an interruption at any instant, readers see
    all the old files or all the new ones.

    ``writes`` is a list of (path, write) with all paths in one folder. Each file is written
    in full under a temporary name; then a small journal listing the renames still to do is
    itself renamed into place, which is the commit point; then the files are renamed and the
    journal deleted. ``finish_interrupted_write`` completes the renames of a committed write
    that was interrupted (every reader and writer of the files calls it first), and removes
    the temporary files of uncommitted ones.
    """
    first = writes[0][0]
    finish_interrupted_write(first)
    for path, _ in writes:
        remove_stale_temporaries(path)
    moves = []
    try:
        for path, write in writes:
            moves.append((write_to_temporary(path, write), os.path.abspath(path)))
        plan = [[os.path.basename(temporary), os.path.basename(final)]
                for temporary, final in moves]
        journal = _journal_path(first)
        text = json.dumps({"renames": plan}).encode("utf-8")
        write_atomically(journal, lambda file: file.write(text))
    except BaseException:
        for temporary, _ in moves:
            _remove_quietly(temporary)
        raise
    finish_interrupted_write(first, _strict=True)


def finish_interrupted_write(path, _strict=False):
    """Complete a committed ``write_together`` of ``path``'s unit, if one was interrupted.

    Quietly does nothing where the folder cannot be written (a reader of a read-only copy).
    """
    journal = _journal_path(path)
    directory = os.path.dirname(journal)
    try:
        with open(journal, "rb") as file:
            plan = json.loads(file.read().decode("utf-8"))["renames"]
    except FileNotFoundError:
        return
    except (OSError, ValueError, KeyError, TypeError):
        _remove_quietly(journal)  # unreadable: written by something else; nothing to finish
        return
    try:
        for temporary, final in plan:
            if os.sep in temporary or os.sep in final:
                continue  # the journal only ever names files beside it
            source = os.path.join(directory, temporary)
            if os.path.exists(source):
                os.replace(source, os.path.join(directory, final))
        _fsync_directory(directory)
        os.remove(journal)
        _fsync_directory(directory)
    except (OSError, TypeError, ValueError):
        if _strict:
            raise


def _journal_path(path):
    """The journal of the unit that ``path`` (one of its files) belongs to."""
    directory, base = os.path.split(os.path.abspath(path))
    stem = os.path.splitext(base)[0]
    return os.path.join(directory, _JOURNAL.format(stem))


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


def _matching(pattern):
    """The files ``pattern`` names: itself if it exists, else its glob matches (TensorFlow
    takes checkpoint paths as file patterns)."""
    if os.path.isfile(pattern):
        return [pattern]
    if glob.has_magic(pattern):
        return sorted(p for p in glob.glob(pattern) if os.path.isfile(p))
    return []


def checkpoint_exists(checkpoint_prefix):
    """True when the checkpoint ``checkpoint_prefix`` (as ``save`` returned it) exists:
    TensorFlow's ``P.index`` (V2), smallflow's ``P.npz``, or a file ``P`` itself (V1)."""
    prefix = os.fspath(checkpoint_prefix)
    return any(_matching(prefix + suffix) for suffix in (INDEX_SUFFIX, DATA_SUFFIX, ""))


def get_checkpoint_mtimes(checkpoint_prefixes):
    """The modification times of the checkpoints that exist among ``checkpoint_prefixes``
    (seconds since the epoch; those that do not exist are left out, as in TensorFlow)."""
    mtimes = []
    for prefix in checkpoint_prefixes:
        prefix = os.fspath(prefix)
        for suffix in (INDEX_SUFFIX, DATA_SUFFIX, ""):
            found = _matching(prefix + suffix)
            if found:
                mtimes.append(os.stat(found[0]).st_mtime_ns / 1e9)
                break
    return mtimes


def remove_checkpoint(checkpoint_prefix, checkpoint_format_version=None,
                      meta_graph_suffix=None, formats=("v2", "npz")):
    """Delete a checkpoint's files (missing ones are ignored), in both formats.

    With ``meta_graph_suffix`` (TensorFlow's call passes ``"meta"``), its graph file too.
    """
    prefix = os.fspath(checkpoint_prefix)
    names = []
    if "v2" in formats:
        names.append(prefix + INDEX_SUFFIX)
        names += glob.glob(glob.escape(prefix) + ".data-[0-9][0-9][0-9][0-9][0-9]-of-"
                           "[0-9][0-9][0-9][0-9][0-9]")
    if "npz" in formats:
        names += [prefix + DATA_SUFFIX, prefix + METADATA_SUFFIX]
    if meta_graph_suffix:
        names.append(f"{prefix}.{meta_graph_suffix}")
    for name in names:
        with contextlib.suppress(FileNotFoundError):
            os.remove(name)


# -- the index file ------------------------------------------------------------------------------


@dataclass
class CheckpointState:
    """What a directory's ``checkpoint`` file says: the latest checkpoint and those kept."""

    model_checkpoint_path: str
    all_model_checkpoint_paths: list = field(default_factory=list)
    # Written by tf.train.CheckpointManager: when each kept checkpoint was saved, and the
    # time of the last one kept for good by keep_checkpoint_every_n_hours (seconds).
    all_model_checkpoint_timestamps: list = field(default_factory=list)
    last_preserved_timestamp: float = 0.0


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
    times = {"all_model_checkpoint_timestamps": [], "last_preserved_timestamp": [0.0]}
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
        elif key in times:
            try:
                stamp = float(token)
            except ValueError:
                raise _bad_index(index_path, f"line {number}: {key} is not a number") from None
            if key == "last_preserved_timestamp":
                times[key] = [stamp]
            else:
                times[key].append(stamp)
    if latest is None:
        raise _bad_index(index_path, "no model_checkpoint_path")
    return latest, kept, times


def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    """The ``CheckpointState`` of ``checkpoint_dir`` (paths joined to it), or None."""
    checkpoint_dir = os.fspath(checkpoint_dir)
    index_path = os.path.join(checkpoint_dir, latest_filename or "checkpoint")
    if not os.path.isfile(index_path):
        return None
    latest, kept, times = _read_index(index_path)

    def located(path):
        return path if os.path.isabs(path) else os.path.join(checkpoint_dir, path)

    return CheckpointState(located(latest), [located(p) for p in kept],
                           times["all_model_checkpoint_timestamps"],
                           times["last_preserved_timestamp"][0])


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """The prefix of the newest checkpoint in ``checkpoint_dir``, or None if there is none."""
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state is None or not checkpoint_exists(state.model_checkpoint_path):
        return None
    return state.model_checkpoint_path


def update_checkpoint_state(
    save_dir, model_checkpoint_path, all_model_checkpoint_paths=None, latest_filename=None,
    all_model_checkpoint_timestamps=None, last_preserved_timestamp=None,
):
    """Write ``save_dir``'s index file (atomically): the latest checkpoint and those kept
    (with the times they were saved, when given, as tf.train.CheckpointManager keeps them)."""
    save_dir = os.fspath(save_dir)
    kept = list(all_model_checkpoint_paths or [])
    if model_checkpoint_path not in kept:
        kept.append(model_checkpoint_path)
    stamps = list(all_model_checkpoint_timestamps or [])
    if stamps and len(stamps) != len(kept):
        raise ValueError(f"all_model_checkpoint_timestamps has {len(stamps)} entries for "
                         f"{len(kept)} checkpoints: give one per path")

    def written(path):
        relative = os.path.relpath(os.path.abspath(path), os.path.abspath(save_dir or "."))
        return os.path.abspath(path) if relative.startswith(os.pardir) else relative

    lines = [f"model_checkpoint_path: {_quote(written(model_checkpoint_path))}"]
    lines += [f"all_model_checkpoint_paths: {_quote(written(p))}" for p in kept]
    lines += [f"all_model_checkpoint_timestamps: {float(t)!r}" for t in stamps]
    if last_preserved_timestamp is not None:
        lines.append(f"last_preserved_timestamp: {float(last_preserved_timestamp)!r}")
    data = ("\n".join(lines) + "\n").encode("utf-8")
    index_path = os.path.join(save_dir, latest_filename or "checkpoint")
    write_atomically(index_path, lambda file: file.write(data))


def generate_checkpoint_state_proto(save_dir, model_checkpoint_path,
                                    all_model_checkpoint_paths=None,
                                    all_model_checkpoint_timestamps=None,
                                    last_preserved_timestamp=None):
    """A ``CheckpointState`` (the index's contents) without writing it: the latest path is
    appended to the kept ones if missing, and with a relative ``save_dir`` absolute paths
    under it are made relative, as TensorFlow does."""
    kept = list(all_model_checkpoint_paths or [])
    if not kept or kept[-1] != model_checkpoint_path:
        kept.append(model_checkpoint_path)
    stamps = list(all_model_checkpoint_timestamps or [])
    if stamps and len(stamps) != len(kept):
        raise ValueError(f"Checkpoint timestamps, if provided, must match checkpoint paths "
                         f"(got paths {kept} and timestamps {stamps})")
    if not os.path.isabs(save_dir):
        if not os.path.isabs(model_checkpoint_path):
            model_checkpoint_path = os.path.relpath(model_checkpoint_path, save_dir)
        kept = [p if os.path.isabs(p) else os.path.relpath(p, save_dir) for p in kept]
    return CheckpointState(model_checkpoint_path, kept, stamps,
                           float(last_preserved_timestamp or 0.0))
