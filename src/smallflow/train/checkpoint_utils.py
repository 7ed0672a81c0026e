"""Checkpoint files: writing and reading them without a session, in either format.

smallflow's ``Saver`` writes TensorFlow's V2 format by default (``P.index`` and
``P.data-00000-of-00001``; see ``tensor_bundle``), so TensorFlow and its tools read our
checkpoints and we read theirs. Readers (``CheckpointReader``, ``list_variables``,
``Saver.restore``) also read smallflow's own earlier format, which
``Saver(write_version="npz")`` still writes and the CLI's model files use. A prefix ``P``
holds one checkpoint: when both formats are present, ``P.index`` wins.

The npz format is two files, written together atomically (an interrupted save leaves the
old pair or the new one; the next reader or writer finishes or cleans up):

- ``P.npz``: a NumPy zip archive, one ``.npy`` member per variable named by its checkpoint
  key (``Variable``, ``conv1/W``), plus the member ``:metadata`` (UTF-8 JSON as uint8;
  ``:`` cannot occur in an op name, so it cannot clash with a variable). It is complete on
  its own and is what restoring reads; it is loaded with ``allow_pickle=False``.
- ``P.json``: the same metadata, for people and tools that do not read NumPy files.

The metadata is ``{"format": "smallflow-checkpoint", "format_version": 1,
"smallflow_version", "created" (UTC, ISO 8601), "global_step", "variables": [{"name",
"shape", "dtype"}, ...], "metadata": {anything the caller passed}}``.
"""

import contextlib
import datetime
import json
import math
import os
import re
import zipfile
import zlib

import numpy as np

from .. import errors
from .._version import SMALLFLOW_VERSION
from . import checkpoint_management

FORMAT = "smallflow-checkpoint"
NPZ = "npz"  # Saver(write_version=NPZ) writes this module's own format
FORMAT_VERSION = 1
METADATA_KEY = ":metadata"


class CheckpointNotFoundError(errors.NotFoundError, ValueError):
    """No checkpoint at the given path. Also a ValueError, as TensorFlow 1.x's Saver raises."""


def _smallflow_version():
    return SMALLFLOW_VERSION


# -- writing --------------------------------------------------------------------------------------


def _json_default(value):
    if isinstance(value, np.floating):
        # The shortest decimal that reads back as the same value: float32(0.9) gives 0.9.
        return float(str(value))
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def metadata_record(arrays, global_step=None, metadata=None):
    """The metadata dict written with ``arrays`` (a dict: checkpoint key -> ndarray)."""
    if metadata is not None and not isinstance(metadata, dict):
        raise TypeError(f"metadata must be a dict, got {type(metadata).__name__}")
    created = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "smallflow_version": _smallflow_version(),
        "created": created,
        "global_step": None if global_step is None else int(global_step),
        "variables": [
            {"name": name, "shape": list(array.shape), "dtype": array.dtype.name}
            for name, array in arrays.items()
        ],
        "metadata": dict(metadata or {}),
    }


def _metadata_json(record):
    try:
        return json.dumps(record, indent=2, sort_keys=False, allow_nan=False, default=_json_default)
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"Checkpoint metadata must be JSON data (no NaN or infinity): {err}"
        ) from None


def write_checkpoint(prefix, arrays, record):
    """Write ``prefix.npz`` and ``prefix.json`` as one unit (``write_together``)."""
    prefix = os.fspath(prefix)
    text = _metadata_json(record)
    encoded = text.encode("utf-8")

    def write_archive(file):
        with zipfile.ZipFile(
            file, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True
        ) as archive:
            for name, array in arrays.items():
                with archive.open(name + ".npy", "w", force_zip64=True) as member:
                    np.lib.format.write_array(member, np.asarray(array), allow_pickle=False)
            with archive.open(METADATA_KEY + ".npy", "w") as member:
                np.lib.format.write_array(member, np.frombuffer(encoded, dtype=np.uint8))

    data_path = prefix + checkpoint_management.DATA_SUFFIX
    meta_path = prefix + checkpoint_management.METADATA_SUFFIX
    # One unit: a kill at any instant leaves the old pair or the new pair, never a .json
    # that describes another .npz than the one beside it.
    checkpoint_management.write_together(
        [
            (meta_path, lambda file: file.write((text + "\n").encode("utf-8"))),
            (data_path, write_archive),
        ]
    )
    checkpoint_management.remove_checkpoint(prefix, formats=("v2",))


def write_bundle_checkpoint(prefix, arrays):
    """Write ``arrays`` (checkpoint key -> ndarray) as TensorFlow's V2 checkpoint ``prefix``.

    The data file and the index are written under temporary names and renamed together
    (``write_together``): a kill at any instant leaves the previous checkpoint or the new one.
    """
    from . import tensor_bundle

    prefix = os.fspath(prefix)
    writer = tensor_bundle.BundleWriter(arrays)
    checkpoint_management.write_together(
        [
            (tensor_bundle.data_filename(prefix), writer.write_data),
            (tensor_bundle.index_filename(prefix),
             lambda file: file.write(writer.index_bytes())),
        ]
    )
    checkpoint_management.remove_checkpoint(prefix, formats=("npz",))


# -- reading --------------------------------------------------------------------------------------

# What a damaged or foreign file can raise while NumPy and zipfile read it.
_READ_ERRORS = (
    OSError,
    ValueError,
    EOFError,
    KeyError,
    zipfile.BadZipFile,
    zlib.error,
    UnicodeDecodeError,
    # zipfile's answers to a damaged header: a zip version or compression it lacks
    # (NotImplementedError), an entry flagged as encrypted (RuntimeError, its base class).
    RuntimeError,
)


def _locate(path):
    """``("v2", prefix)`` or ``("npz", npz file)`` of the checkpoint named by ``path``: its
    prefix, or one of its files (``P.index``, ``P.data-00000-of-00001``, ``P.npz``, ``P.json``).
    """
    path = os.fspath(path)
    for name in (path + checkpoint_management.DATA_SUFFIX, path):
        checkpoint_management.finish_interrupted_write(name)
    prefixes = [path]
    match = _FILE_OF_PREFIX.match(path)
    if match:
        prefixes.append(match["prefix"])
    for prefix in prefixes:
        if os.path.isfile(prefix + checkpoint_management.INDEX_SUFFIX):
            return "v2", prefix
        if os.path.isfile(prefix + checkpoint_management.DATA_SUFFIX):
            return "npz", prefix + checkpoint_management.DATA_SUFFIX
    if os.path.isfile(path):
        raise errors.UnimplementedError(
            None, None, f"{path} is a file, not a checkpoint prefix: TensorFlow's V1 checkpoint "
            "format (one file per checkpoint) is not read by smallflow; re-save it in the V2 "
            "format (TensorFlow's default since 1.2: P.index and P.data-00000-of-00001)",
        )
    raise CheckpointNotFoundError(
        None,
        None,
        f"The passed save_path is not a valid checkpoint: {path} (no file "
        f"{path}{checkpoint_management.INDEX_SUFFIX} or {path}{checkpoint_management.DATA_SUFFIX})"
        ". Give the prefix that Saver.save returned, or a directory holding a 'checkpoint' "
        "index.",
    )


# The files of a checkpoint, by which a user may name it instead of by its prefix.
_FILE_OF_PREFIX = re.compile(
    r"^(?P<prefix>.+)(?:\.index|\.data-\d{5}-of-\d{5}|\.npz|\.json)$", re.DOTALL
)


def _data_loss(path, problem):
    return errors.DataLossError(
        None,
        None,
        f"Unable to read checkpoint file {path}: {problem}. The file is damaged or is not a "
        "smallflow checkpoint.",
    )


def _resolve(ckpt_dir_or_file):
    """``_locate`` of a checkpoint prefix or file, or of a directory's latest checkpoint."""
    path = os.fspath(ckpt_dir_or_file)
    own_files = any(os.path.isfile(path + suffix) for suffix in (
        checkpoint_management.INDEX_SUFFIX, checkpoint_management.DATA_SUFFIX))
    # "dir/" is a prefix itself when dir/.index exists (TensorFlow writes those files
    # for Saver.save(sess, "dir/")); otherwise a directory means its latest checkpoint.
    if os.path.isdir(path) and not own_files:
        latest = checkpoint_management.latest_checkpoint(path)
        if latest is None:
            raise CheckpointNotFoundError(
                None,
                None,
                f"Couldn't find 'checkpoint' file or checkpoints in given directory {path}",
            )
        path = latest
    return _locate(path)


def _check_zip_magic(path, file):
    """Refuse anything but a zip archive before NumPy guesses (it would try unpickling)."""
    try:
        head = file.read(8)
        file.seek(0)
    except OSError as err:
        raise _data_loss(path, err) from None
    if not head:
        raise _data_loss(path, "the file is empty")
    if head.startswith(b"\x93NUMPY"):
        raise _data_loss(path, "it holds a single .npy array, not an .npz archive")
    if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        raise _data_loss(path, f"it is not an .npz (zip) archive; it starts with {head!r}")


@contextlib.contextmanager
def _open_archive(path):
    """The open ``NpzFile`` of ``path``; a file NumPy cannot read is a DataLossError."""
    # The file is opened here, not by np.load: np.load leaks its own handle when the zip
    # directory is damaged.
    try:
        file = open(path, "rb")  # noqa: SIM115 - closed by the with statement below
    except OSError as err:
        raise _data_loss(path, err) from None
    with file:
        _check_zip_magic(path, file)
        try:
            loaded = np.load(file, allow_pickle=False)
        except _READ_ERRORS as err:
            raise _data_loss(path, err) from None
        with loaded:
            yield loaded


def _member(path, archive, key):
    """The array ``key`` of an open archive, after checking that the shape its header
    declares fits the bytes stored: a damaged or hostile header must not make NumPy
    allocate gigabytes before it finds the data missing."""
    name = key + ".npy"
    try:
        info = archive.zip.getinfo(name)
        with archive.zip.open(name) as member:
            version = np.lib.format.read_magic(member)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(member)
            else:
                shape, _, dtype = np.lib.format.read_array_header_2_0(member)
            header_size = member.tell()
    except KeyError:
        raise
    except _READ_ERRORS as err:
        raise _data_loss(path, f"{key!r}: {err}") from None
    if dtype.hasobject:
        raise _data_loss(path, f"{key!r} holds Python objects, which are not loaded")
    # What a member may expand to: stored, its own size; deflated, at most ~1032 times it.
    compressed = min(info.compress_size, os.path.getsize(path))
    limit = compressed * (1 if info.compress_type == zipfile.ZIP_STORED else 1100)
    if info.file_size > limit:
        raise _data_loss(
            path, f"{key!r} claims {info.file_size:,} bytes from {info.compress_size:,} stored"
        )
    declared = math.prod(shape) * dtype.itemsize
    stored = info.file_size - header_size
    if declared != stored:
        raise _data_loss(
            path,
            f"{key!r} declares shape {list(shape)} of {dtype.name} ({declared:,} bytes) but "
            f"stores {stored:,} bytes",
        )
    return archive[key]


def _read_record(path, archive):
    """The metadata record of an open archive, checked."""
    try:
        raw = _member(path, archive, METADATA_KEY)
    except KeyError:
        raise _data_loss(path, "it has no smallflow metadata record") from None
    except _READ_ERRORS as err:
        raise _data_loss(path, f"metadata record: {err}") from None
    try:
        record = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        raise _data_loss(path, f"metadata record is not JSON: {err}") from None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise _data_loss(path, f"metadata record is not of format {FORMAT!r}")
    version = record.get("format_version")
    if version != FORMAT_VERSION:
        raise _data_loss(
            path, f"format version {version!r} is not {FORMAT_VERSION} (a newer smallflow?)"
        )
    entries = record.get("variables")
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("name"), str) for e in entries
    ):
        raise _data_loss(path, "metadata record has no valid variable list")
    return record


class CheckpointReader:
    """The variables of one checkpoint, either format (``tf.train.NewCheckpointReader``).

    A TensorFlow checkpoint's tensors are read from disk when asked for (its index is read
    at once); a smallflow ``.npz`` checkpoint is read whole.
    """

    def __init__(self, ckpt_dir_or_file):
        kind, found = _resolve(ckpt_dir_or_file)
        self._bundle = None
        self._arrays = {}
        self._record = None
        if kind == "v2":
            from . import tensor_bundle

            self._bundle = tensor_bundle.BundleReader(found)
            self._path = found
            return
        self._path = found
        with _open_archive(self._path) as archive:
            self._record = _read_record(self._path, archive)
            for entry in self._record["variables"]:
                name = entry["name"]
                try:
                    array = _member(self._path, archive, name)
                except KeyError:
                    raise _data_loss(self._path, f"variable {name!r} is missing") from None
                except _READ_ERRORS as err:
                    raise _data_loss(self._path, f"variable {name!r}: {err}") from None
                if list(array.shape) != entry.get("shape"):
                    raise _data_loss(
                        self._path,
                        f"variable {name!r} has shape {list(array.shape)} but "
                        f"the metadata says {entry.get('shape')}",
                    )
                self._arrays[name] = array

    @property
    def path(self):
        """The checkpoint read: a V2 checkpoint's prefix, or the ``.npz`` file."""
        return self._path

    @property
    def format(self):
        """``"v2"`` (TensorFlow's format) or ``"npz"`` (smallflow's earlier one)."""
        return "npz" if self._bundle is None else "v2"

    @property
    def metadata(self):
        """The checkpoint's metadata record (see the module docstring)."""
        if self._record is None:
            self._record = _bundle_record(self._bundle)
        return self._record

    def _names(self):
        return self._bundle.names() if self._bundle is not None else list(self._arrays)

    def has_tensor(self, name):
        if self._bundle is not None:
            return self._bundle.has_tensor(name)
        return name in self._arrays

    def get_tensor(self, name):
        if not self.has_tensor(name):
            raise errors.NotFoundError(
                None, None, f"Key {name} not found in checkpoint {self._path}"
            )
        if self._bundle is not None:
            return self._bundle.get_tensor(name)
        return self._arrays[name]

    def get_variable_to_shape_map(self):
        if self._bundle is not None:
            return {name: self._bundle.shape(name) for name in self._bundle.names()}
        return {name: list(array.shape) for name, array in self._arrays.items()}

    def get_variable_to_dtype_map(self):
        from .. import dtypes

        if self._bundle is not None:
            return {
                name: dtypes.as_dtype(self._bundle.dtype_name(name))
                for name in self._bundle.names()
            }
        return {name: dtypes.as_dtype(array.dtype) for name, array in self._arrays.items()}

    def debug_string(self):
        """``name (DT_FLOAT) [2,3]`` per line, sorted by name, as bytes (as TensorFlow's)."""
        if self._bundle is not None:
            return self._bundle.debug_string()
        from . import tensor_bundle

        lines = []
        for name in sorted(self._arrays):
            array = self._arrays[name]
            dims = ",".join(map(str, array.shape))
            lines.append(f"{name} ({tensor_bundle.enum_name_of(array)}) [{dims}]\n")
        return "".join(lines).encode("utf-8")


def _bundle_record(bundle):
    """What ``read_checkpoint_metadata`` says of a TensorFlow checkpoint (it has no record)."""
    return {
        "format": "tensorflow-checkpoint-v2",
        "global_step": None,
        "variables": [
            {"name": name, "shape": bundle.shape(name), "dtype": bundle.dtype_name(name)}
            for name in bundle.names()
        ],
        "metadata": {},
    }


def load_checkpoint(ckpt_dir_or_file):
    """A ``CheckpointReader`` for a checkpoint prefix or a directory (its latest checkpoint)."""
    return CheckpointReader(ckpt_dir_or_file)


def NewCheckpointReader(filepattern):  # noqa: N802 - TensorFlow's public name
    """``tf.train.NewCheckpointReader(prefix)``: a ``CheckpointReader``."""
    return CheckpointReader(filepattern)


def list_variables(ckpt_dir_or_file):
    """``[(name, shape), ...]`` of the variables in a checkpoint, sorted by name."""
    shapes = load_checkpoint(ckpt_dir_or_file).get_variable_to_shape_map()
    return sorted(shapes.items())


def load_variable(ckpt_dir_or_file, name):
    """The value (ndarray) of one variable in a checkpoint.

    As in TensorFlow, a tensor's name ``"w:0"`` is taken as the variable ``"w"``.
    """
    if name.endswith(":0"):
        name = name[:-2]
    return load_checkpoint(ckpt_dir_or_file).get_tensor(name)


def read_checkpoint_metadata(ckpt_dir_or_file):
    """The metadata record of a checkpoint, read without a session or graph.

    The caller's own ``metadata`` (model name, accuracy, seed, ...) is under ``"metadata"``.
    A TensorFlow-format checkpoint has no record: its variables are listed, the rest is empty.
    """
    kind, found = _resolve(ckpt_dir_or_file)
    if kind == "v2":
        from . import tensor_bundle

        return _bundle_record(tensor_bundle.BundleReader(found))
    with _open_archive(found) as archive:
        return _read_record(found, archive)
