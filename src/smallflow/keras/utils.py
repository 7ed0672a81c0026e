"""``tf.keras.utils``: ``get_file`` (download into a cache once), ``to_categorical``,
``normalize`` and ``Sequence`` (batches for ``fit_generator``).

TF1-era programs fetch their CSV/archive data with ``get_file`` and then build graphs with
``tf.data`` / ``tf.layers``. As Keras: the file goes to ``~/.keras/<cache_subdir>/<fname>``
(``/tmp/.keras`` when the home folder is not writable), an existing file is reused unless its
hash differs from ``file_hash``, and ``extract=True`` unpacks tar/zip archives beside it.
The download is written to a temporary file and renamed when complete and verified.
"""

import hashlib
import os
import tarfile
import zipfile

import numpy as np

from ..datasets.download import write_verified
from .engine.progbar import Progbar as _Progbar

__all__ = ["CustomObjectScope", "Progbar", "Sequence", "custom_object_scope",
           "get_custom_objects", "get_file", "get_source_inputs", "normalize", "plot_model",
           "to_categorical"]


def get_source_inputs(tensor, layer=None, node_index=None):
    """The input tensors (of ``Input`` layers) that the Keras tensor ``tensor`` comes from;
    ``[tensor]`` for a tensor no Keras layer made."""
    history = getattr(tensor, "_keras_history", None)
    if history is None:
        return [tensor]
    if layer is None:
        layer, node_index, _ = history
    node = layer._inbound_nodes[node_index or 0]
    if not node.input_tensors or any(t is tensor for t in node.input_tensors):
        return [tensor]
    sources = []
    for source in node.input_tensors:
        for found in get_source_inputs(source):
            if not any(found is known for known in sources):
                sources.append(found)
    return sources


def _hash_of(path, algorithm):
    digest = hashlib.md5() if algorithm == "md5" else hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _algorithm(file_hash, hash_algorithm):
    if hash_algorithm in ("md5", "sha256"):
        return hash_algorithm
    if hash_algorithm != "auto":
        raise ValueError(f"get_file: hash_algorithm must be 'md5', 'sha256' or 'auto', "
                         f"got {hash_algorithm!r}")
    return "sha256" if len(file_hash) == 64 else "md5"


def _extract(path, directory, archive_format):
    formats = ["tar", "zip"] if archive_format == "auto" else archive_format or []
    if isinstance(formats, str):
        formats = [formats]
    for kind in formats:
        if kind == "tar" and tarfile.is_tarfile(path):
            with tarfile.open(path) as archive:
                archive.extractall(directory, filter="data")
            return True
        if kind == "zip" and zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                archive.extractall(directory)
            return True
    return False


def get_file(fname, origin, untar=False, md5_hash=None, file_hash=None,
             cache_subdir="datasets", hash_algorithm="auto", extract=False,
             archive_format="auto", cache_dir=None):
    """The local path of ``fname``, downloaded from the URL ``origin`` if not cached."""
    import urllib.error  # the network modules load only for a download
    import urllib.request

    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    base = os.path.expanduser(cache_dir or os.path.join("~", ".keras"))
    directory = os.path.join(base, cache_subdir)
    try:
        os.makedirs(directory, exist_ok=True)
        writable = os.access(directory, os.W_OK)
    except OSError:
        writable = False
    if not writable:  # as Keras: fall back to /tmp/.keras
        directory = os.path.join("/tmp", ".keras", cache_subdir)
        os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, fname + (".tar.gz" if untar else ""))
    algorithm = _algorithm(file_hash, hash_algorithm) if file_hash else None

    def verify(temp):
        if file_hash and _hash_of(temp, algorithm) != file_hash:
            raise ValueError(f"get_file: the file downloaded from {origin} has not the "
                             f"expected {algorithm} hash {file_hash}")

    stale = file_hash is not None and os.path.exists(path) and \
        _hash_of(path, algorithm) != file_hash
    if not os.path.exists(path) or stale:
        print("Downloading data from", origin)

        def write(file):
            try:
                with urllib.request.urlopen(origin) as answer:
                    for chunk in iter(lambda: answer.read(1 << 20), b""):
                        file.write(chunk)
            except urllib.error.HTTPError as error:
                raise Exception(f"URL fetch failure on {origin}: {error.code} -- "
                                f"{error.msg}") from error
            except urllib.error.URLError as error:
                raise Exception(f"URL fetch failure on {origin}: None -- "
                                f"{error.reason}") from error

        write_verified(path, write, verify)
    if untar:
        unpacked = os.path.join(directory, fname)
        if not os.path.exists(unpacked):
            _extract(path, directory, "tar")
        return unpacked
    if extract:
        _extract(path, directory, archive_format)
    return path


def to_categorical(y, num_classes=None, dtype="float32"):
    """One-hot rows for the integer class vector ``y`` (an extra last axis of ``num_classes``)."""
    y = np.asarray(y, dtype="int64")
    shape = y.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    y = y.ravel()
    if num_classes is None:
        num_classes = int(y.max()) + 1
    out = np.zeros((y.shape[0], num_classes), dtype=dtype)
    out[np.arange(y.shape[0]), y] = 1
    return out.reshape(shape + (num_classes,))


def normalize(x, axis=-1, order=2):
    """``x`` divided by its ``order``-norm along ``axis`` (zero norms left as they are)."""
    norms = np.atleast_1d(np.linalg.norm(x, order, axis))
    norms[norms == 0] = 1
    return x / np.expand_dims(norms, axis)


class Sequence:
    """A dataset of batches: ``__len__`` (batches per epoch) and ``__getitem__(i)`` -> ``(x, y)``.

    ``fit_generator`` reads batch 0 to ``len - 1`` each epoch and calls ``on_epoch_end``."""

    def __getitem__(self, index):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def on_epoch_end(self):
        pass

    def __iter__(self):
        for index in range(len(self)):
            yield self[index]


_CUSTOM_OBJECTS = {}


def get_custom_objects():
    """The global ``{name: class or function}`` that ``load_model`` also looks names up in."""
    return _CUSTOM_OBJECTS


class CustomObjectScope:
    """``with CustomObjectScope({'MyLayer': MyLayer}):`` makes names known to ``load_model``."""

    def __init__(self, *scopes):
        self.scopes = scopes
        self._saved = None

    def __enter__(self):
        self._saved = dict(_CUSTOM_OBJECTS)
        for scope in self.scopes:
            _CUSTOM_OBJECTS.update(scope)
        return self

    def __exit__(self, *exc):
        _CUSTOM_OBJECTS.clear()
        _CUSTOM_OBJECTS.update(self._saved)
        return False


custom_object_scope = CustomObjectScope


def plot_model(model, to_file="model.png", show_shapes=False, show_layer_names=True,
               rankdir="TB", **kwargs):
    """Not available: Keras draws models with pydot and Graphviz, which smallflow does not use;
    ``model.summary()`` prints the same structure as a table."""
    raise ImportError("Failed to import pydot. plot_model needs pydot and graphviz, which "
                      "smallflow does not support; use model.summary() instead")


class Progbar(_Progbar):
    """``tf.keras.utils.Progbar``: a progress bar a program drives itself (a GAN's batches).

    ``update(current, values)`` shows ``values`` averaged over the samples seen so far, as
    Keras does (each weighted by how far ``current`` moved), except the names in
    ``stateful_metrics``, shown as given; ``add(n, values)`` moves ``n`` further.
    """

    def __init__(self, target, width=30, verbose=1, interval=0.05, stateful_metrics=None,
                 unit_name="step"):
        super().__init__(target, width=width, verbose=verbose, interval=interval,
                         unit_name=unit_name)
        self.stateful_metrics = set(stateful_metrics or ())
        self._sums = {}
        self._seen = 0

    def update(self, current, values=None, finalize=False):
        step = max(current - self._seen, 1)
        shown = []
        for name, value in values or []:
            if name in self.stateful_metrics:
                self._sums[name] = [float(value), 1]
            else:
                total, count = self._sums.get(name, [0.0, 0])
                self._sums[name] = [total + float(value) * step, count + step]
        for name, (total, count) in self._sums.items():
            shown.append((name, total / max(count, 1)))
        self._seen = current
        super().update(current, shown, finalize)

    def add(self, n, values=None):
        self.update(self._seen + n, values)
