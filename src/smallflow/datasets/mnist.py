"""MNIST as TensorFlow 1.x's tutorials read it: read_data_sets, DataSet and the extractors."""

import collections
import hashlib
import importlib
import importlib.resources
import logging
import operator
import os

import numpy as np

from smallflow import dtypes
from smallflow.datasets import download, idx
from smallflow.datasets.download import DEFAULT_SOURCE_URL, ChecksumError, DownloadError
from smallflow.datasets.idx import IDXError

__all__ = [
    "DEFAULT_SOURCE_URL",
    "ChecksumError",
    "DataSet",
    "Datasets",
    "DownloadError",
    "IDXError",
    "dense_to_one_hot",
    "extract_images",
    "extract_labels",
    "read_data_sets",
]

TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"
IMAGE_MAGIC = 2051
LABEL_MAGIC = 2049
NUM_CLASSES = 10

# Size and SHA-256 of the decompressed bytes of the genuine files.  Every file smallflow
# writes into train_dir (copied from the bundle or downloaded) must match before use.
MNIST_CHECKSUMS = {
    TRAIN_IMAGES: (47_040_016, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
    TRAIN_LABELS: (60_008, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
    TEST_IMAGES: (7_840_016, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
    TEST_LABELS: (10_008, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
}

# Decoded arrays are cached in this hidden folder of train_dir (validated against the
# source file's SHA-256 and their own CRC-32); set SMALLFLOW_MNIST_CACHE=0 to turn it off.
CACHE_DIR = ".smallflow-cache"
CACHE_ENV = "SMALLFLOW_MNIST_CACHE"

_MAXINT32 = 2**31 - 1  # TensorFlow truncates seeds modulo this
_UNIT_SCALE = np.float32(1.0 / 255.0)  # TensorFlow multiplies by this float32 constant
_ROWS_PER_STEP = 4096  # rows gathered at a time when converting in shuffled order

_log = logging.getLogger(__name__)

Datasets = collections.namedtuple("Datasets", ["train", "validation", "test"])


def dense_to_one_hot(labels_dense, num_classes):
    """Class indices ``[N]`` -> one-hot rows ``[N, num_classes]`` of float64."""
    labels = np.asarray(labels_dense)
    if labels.ndim == 0:
        raise ValueError(f"labels must be a 1-D array of class indices, got a scalar {labels}")
    if labels.dtype.kind not in "iu":
        raise TypeError(f"labels must be integer class indices, got dtype {labels.dtype}")
    num_labels = labels.shape[0]
    flat = labels.reshape(-1)
    if flat.size != num_labels:
        raise ValueError(
            f"labels of shape {labels.shape} are not one class index per example; "
            "dense_to_one_hot expects shape [N]"
        )
    outside = (flat < 0) | (flat >= num_classes)
    if outside.any():
        where = int(np.argmax(outside))
        raise ValueError(
            f"label {flat[where]} at index {where} is not a class index in "
            f"0..{num_classes - 1} (num_classes={num_classes})"
        )
    one_hot = np.zeros((num_labels, num_classes))
    one_hot[np.arange(num_labels), flat] = 1
    return one_hot


def extract_images(f):
    """Read an MNIST image file (path or binary file object) -> uint8 ``[N, rows, cols, 1]``.

    Raises ``ValueError`` (an :class:`IDXError`) if the magic number is not 2051 or the
    file is damaged, truncated or not IDX.
    """
    _log.info("Extracting %s", _name_of(f))
    images = idx.read_idx(f, magic=IMAGE_MAGIC, kind="MNIST image")
    return images.reshape(images.shape + (1,))


def extract_labels(f, one_hot=False, num_classes=10):
    """Read an MNIST label file -> uint8 ``[N]``, or float64 ``[N, num_classes]`` one-hot."""
    _log.info("Extracting %s", _name_of(f))
    labels = idx.read_idx(f, magic=LABEL_MAGIC, kind="MNIST label")
    if one_hot:
        return dense_to_one_hot(labels, num_classes)
    return labels


class DataSet:
    """Images and labels with TensorFlow 1.x's ``next_batch`` epoch and shuffle logic.

    ``images`` are ``[N, rows, cols, 1]``; ``reshape=True`` flattens them to
    ``[N, rows*cols]``; ``dtype=float32`` scales 0..255 to 0..1 as TensorFlow does.  The
    shuffles come from this DataSet's own ``numpy.random.RandomState``, seeded as
    TensorFlow seeds NumPy's global one, so the permutations equal TensorFlow's.
    """

    def __init__(
        self,
        images,
        labels,
        fake_data=False,
        one_hot=False,
        dtype=dtypes.float32,
        reshape=True,
        seed=None,
    ):
        self._seed_value = _numpy_seed(seed)
        self._rng = np.random.RandomState(self._seed_value)
        dtype = _image_dtype(dtype)
        self.one_hot = one_hot
        self._fake_data = fake_data
        if fake_data:
            self._num_examples = 10000
        else:
            images = np.asarray(images)
            labels = np.asarray(labels)
            if images.ndim == 0 or labels.ndim == 0 or images.shape[0] != labels.shape[0]:
                raise ValueError(
                    "images and labels must hold the same number of examples; "
                    f"images.shape: {images.shape} labels.shape: {labels.shape}"
                )
            self._num_examples = images.shape[0]
            if reshape:
                if images.ndim != 4 or images.shape[3] != 1:
                    raise ValueError(
                        "reshape=True expects images of shape [N, rows, cols, 1], got "
                        f"{images.shape}; pass reshape=False to keep them as they are"
                    )
                images = images.reshape(images.shape[0], images.shape[1] * images.shape[2])
        # The examples stay in file order; the epoch's arrangement is the index array
        # ``_order`` (None: file order), and next_batch gathers each batch through it.
        # TensorFlow permutes the whole arrays at every epoch start instead: a 172 MB copy of
        # the training images (0.05 s right after other work, 0.3-0.5 s into fresh pages).
        # The batches are the same, bit for bit: a gather of the composed permutations.
        self._images = images
        self._labels = labels
        self._order = None
        self._arranged = None  # (images, labels) in the epoch's order, made when asked for
        # float32 images are made from the raw bytes as late as possible (batch by batch, or
        # all at once when ``images`` is read): the values TensorFlow computes up front.
        self._convert_pending = dtype == dtypes.float32 and not fake_data
        self._epochs_completed = 0
        self._index_in_epoch = 0

    @property
    def images(self):
        """All images, in the current epoch's shuffled order (as TensorFlow keeps them)."""
        if self._order is None:
            if self._convert_pending:
                self._images = _unit_float(self._images)
                self._convert_pending = False
            return self._images
        return self._arrange()[0]

    @property
    def labels(self):
        """All labels, in the order of ``images``."""
        if self._order is None:
            return self._labels
        return self._arrange()[1]

    def _arrange(self):
        if self._arranged is None:
            self._arranged = (self._gather(self._order), self._labels[self._order])
        return self._arranged

    def _gather(self, rows):
        """The images at ``rows`` (an index array or a slice of file positions)."""
        if self._convert_pending:
            if isinstance(rows, slice):
                return _unit_float(self._images[rows])
            return _unit_float(self._images, rows)
        return self._images[rows]

    def _positions(self, start, stop, as_array=False):
        """File positions of the examples ``start:stop`` of the current epoch (a slice while
        the examples are in file order, unless ``as_array``)."""
        if self._order is not None:
            return self._order[start:stop]
        return np.arange(start, stop) if as_array else slice(start, stop)

    def _batch(self, positions):
        return self._gather(positions), self._labels[positions]

    @property
    def num_examples(self):
        return self._num_examples

    @property
    def epochs_completed(self):
        return self._epochs_completed

    def next_batch(self, batch_size, fake_data=False, shuffle=True):
        """Return the next ``batch_size`` examples as ``(images, labels)``.

        The first call of a shuffled DataSet permutes it.  A batch that runs past the end
        of the epoch is the rest of the epoch followed by the start of a freshly permuted
        one, and ``epochs_completed`` goes up by one on that call.
        """
        if fake_data or self._fake_data:
            return self._fake_batch(batch_size)
        batch_size = _batch_size(batch_size, self._num_examples)
        start = self._index_in_epoch
        if self._epochs_completed == 0 and start == 0 and shuffle:
            self._permute()
        total = self._num_examples
        if start + batch_size > total:
            self._epochs_completed += 1
            rest = self._positions(start, total, as_array=True)
            if shuffle:
                self._permute()
            end = batch_size - (total - start)
            self._index_in_epoch = end
            head = self._positions(0, end, as_array=True)
            return self._batch(np.concatenate((rest, head)))
        end = start + batch_size
        self._index_in_epoch = end
        return self._batch(self._positions(start, end))

    def shard(self, num_shards, index):
        """The examples ``index``, ``index + num_shards``, ... as a DataSet of their own.

        For data-parallel training: shards with the same ``num_shards`` and different
        ``index`` are disjoint and together hold every example. The shard shuffles as any
        DataSet does (TensorFlow's permutation order, over the shard's own examples), from
        a RandomState seeded as this one was.
        """
        num_shards = _count(num_shards, "num_shards")
        index = _count(index, "index")
        if num_shards < 1 or not 0 <= index < num_shards:
            raise ValueError(
                f"shard index must be in [0, num_shards): got index {index} for "
                f"num_shards {num_shards}"
            )
        if self._fake_data:
            return self
        rows = self._positions(0, self._num_examples, as_array=True)
        images = self._images[rows[index::num_shards]]
        labels = self._labels[rows[index::num_shards]]
        # Raw bytes still to be scaled stay so; already converted images are kept as they are.
        dtype = dtypes.float32 if self._convert_pending else dtypes.uint8
        part = DataSet(images, labels, one_hot=self.one_hot, dtype=dtype, reshape=False)
        part._seed_value = self._seed_value
        part._rng = np.random.RandomState(self._seed_value)
        return part

    def _permute(self):
        """A fresh permutation of the current arrangement (TensorFlow's draw and order)."""
        order = np.arange(self._num_examples)
        self._rng.shuffle(order)
        self._order = order if self._order is None else self._order[order]
        self._arranged = None

    def _fake_batch(self, batch_size):
        fake_image = [1] * 784
        fake_label = [1] + [0] * 9 if self.one_hot else 0
        return [fake_image for _ in range(batch_size)], [fake_label for _ in range(batch_size)]


def read_data_sets(
    train_dir,
    fake_data=False,
    one_hot=False,
    dtype=dtypes.float32,
    reshape=True,
    validation_size=5000,
    seed=None,
    source_url=DEFAULT_SOURCE_URL,
    *,
    shard=None,
):
    """Read MNIST from ``train_dir`` into ``Datasets(train, validation, test)``.

    A missing file is copied into ``train_dir`` from the copy bundled with smallflow (no
    network), or downloaded if ``source_url`` is not TensorFlow's default or the
    environment variable ``SMALLFLOW_MNIST_SOURCE_URL`` names mirrors; either way it is
    verified (size and SHA-256 of its content) before it is renamed into place.  Files
    already present are used after a check of their structure, so MNIST-shaped sets
    such as Fashion-MNIST can be read from their own folder.  Validation is the first
    ``validation_size`` training examples.  ``shard=(rank, size)`` keeps every
    ``size``-th training example from ``rank`` on (``DataSet.shard``), so the processes of
    a data-parallel job draw disjoint batches; validation and test are not sharded.
    """
    if fake_data:

        def fake():
            return DataSet([], [], fake_data=True, one_hot=one_hot, dtype=dtype, seed=seed)

        return Datasets(train=fake(), validation=fake(), test=fake())

    _image_dtype(dtype)  # fail before any file work, with DataSet's message
    validation_size = _count(validation_size, "validation_size")
    sources = download.source_urls(source_url)
    directory = _prepare_directory(train_dir)

    train_images, train_images_path = _load(directory, TRAIN_IMAGES, sources)
    if not 0 <= validation_size <= len(train_images):
        raise ValueError(
            f"Validation size should be between 0 and {len(train_images)}. "
            f"Received: {validation_size}."
        )
    train_labels, train_labels_path = _load(directory, TRAIN_LABELS, sources)
    test_images, test_images_path = _load(directory, TEST_IMAGES, sources)
    test_labels, test_labels_path = _load(directory, TEST_LABELS, sources)
    _check_pair(train_images, train_images_path, train_labels, train_labels_path)
    _check_pair(test_images, test_images_path, test_labels, test_labels_path)
    if one_hot:
        train_labels = _one_hot_of_file(train_labels, train_labels_path)
        test_labels = _one_hot_of_file(test_labels, test_labels_path)

    options = {"dtype": dtype, "reshape": reshape, "seed": seed}
    train = DataSet(train_images[validation_size:], train_labels[validation_size:], **options)
    validation = DataSet(train_images[:validation_size], train_labels[:validation_size], **options)
    test = DataSet(test_images, test_labels, **options)
    if shard is not None:
        train = train.shard(*_shard_spec(shard)[::-1])
    return Datasets(train=train, validation=validation, test=test)


def _shard_spec(shard):
    """``(rank, size)`` from the ``shard`` argument, or ValueError saying what is expected."""
    try:
        rank, size = shard
        rank, size = operator.index(rank), operator.index(size)
    except (TypeError, ValueError):
        raise ValueError(f"shard must be a pair (rank, size) of integers, got {shard!r}") from None
    if size < 1 or not 0 <= rank < size:
        raise ValueError(f"shard (rank, size) needs 0 <= rank < size, got {shard!r}")
    return rank, size


def _unit_float(images, order=None):
    """float32(images[order]) * float32(1/255), TensorFlow's scaling, in one pass."""
    if order is None:
        return np.multiply(images, _UNIT_SCALE, dtype=np.float32)
    out = np.empty((len(order),) + images.shape[1:], np.float32)
    for start in range(0, len(order), _ROWS_PER_STEP):
        rows = order[start : start + _ROWS_PER_STEP]
        np.multiply(images[rows], _UNIT_SCALE, out=out[start : start + len(rows)], dtype=np.float32)
    return out


def _numpy_seed(seed):
    """The NumPy seed TensorFlow's DataSet derives from ``seed`` and the graph seed."""
    graph_seed = _graph_seed()
    if seed is None:
        return None if graph_seed is None else graph_seed % _MAXINT32
    try:
        op_seed = operator.index(seed) % _MAXINT32
    except TypeError:
        raise TypeError(f"seed must be an integer or None, got {seed!r}") from None
    if graph_seed is not None and graph_seed % _MAXINT32 == 0 and op_seed == 0:
        return _MAXINT32  # TensorFlow's get_seed never returns the pair (0, 0)
    return op_seed


def _graph_seed():
    """The default graph's seed (``set_random_seed``), or None if no graph module exists."""
    try:
        graph = importlib.import_module("smallflow.graph")
    except ModuleNotFoundError as error:
        if error.name != "smallflow.graph":
            raise
        return None
    return graph.get_default_graph().seed


def _image_dtype(dtype):
    dtype = dtypes.as_dtype(dtype).base_dtype
    if dtype not in (dtypes.uint8, dtypes.float32):
        raise TypeError(f"Invalid image dtype {dtype!r}, expected uint8 or float32")
    return dtype


def _count(value, what):
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{what} must be an integer, got {value!r}") from None


def _batch_size(batch_size, num_examples):
    # TensorFlow accepts any size here: 0 gives an empty batch, and a batch larger than
    # the set is the rest of this epoch followed by the start of the next, as at any boundary.
    batch_size = _count(batch_size, "batch_size")
    if batch_size < 0:
        raise ValueError(f"batch_size must not be negative. Received: {batch_size}.")
    return batch_size


def _name_of(f):
    if isinstance(f, (str, os.PathLike)):
        return os.fspath(f)
    return str(getattr(f, "name", repr(f)))


def _prepare_directory(train_dir):
    try:
        directory = os.fspath(train_dir)
    except TypeError:
        raise TypeError(f"train_dir must be a path, got {train_dir!r}") from None
    try:
        os.makedirs(directory, exist_ok=True)
    except FileExistsError:
        raise NotADirectoryError(
            f"train_dir {directory!r} exists but is not a directory; "
            "pass the folder that holds (or should hold) the MNIST files"
        ) from None
    except OSError as error:
        raise type(error)(
            f"Cannot create train_dir {directory!r}: {error.strerror or error}; "
            "pass a folder that exists or can be created"
        ) from None
    return directory


def _variants(name):
    """File names accepted for ``name``: gzip'd or raw, dashed or dot-named."""
    stem = name.removesuffix(".gz")
    dotted = stem.replace("-idx", ".idx")
    return (name, stem, dotted + ".gz", dotted)


def _writable(directory):
    """Whether we may write in ``directory``: the permission bits are honoured even for
    root, so a folder marked read-only (such as a shared copy of the data) stays as it is."""
    try:
        mode = os.stat(directory).st_mode
    except OSError:
        return False
    return bool(mode & 0o222) and os.access(directory, os.W_OK)


def _cache_dir(directory):
    """Where decoded arrays are kept for fast reloads, or None (turned off, read-only)."""
    if os.environ.get(CACHE_ENV, "1").strip().lower() in ("0", "false", "no", "off"):
        return None
    if not _writable(directory):
        return None
    return os.path.join(directory, CACHE_DIR)


def _load(directory, name, sources):
    """The array of ``name`` from ``directory``, fetching a missing file first."""
    magic, kind = (LABEL_MAGIC, "MNIST label") if "labels" in name else (IMAGE_MAGIC, "MNIST image")
    cache_dir = _cache_dir(directory)
    for candidate in _variants(name):
        path = os.path.join(directory, candidate)
        if os.path.lexists(path):
            return _read_present(path, name, magic, kind, cache_dir), path
    path = os.path.join(directory, name)
    array = _install(directory, name, sources)
    _log.info("Extracting %s", path)
    if cache_dir is not None:
        idx.cache_array(path, array, cache_dir)
    if magic == IMAGE_MAGIC:
        array = array.reshape(array.shape + (1,))
    return array, path


def _read_present(path, name, magic, kind, cache_dir):
    _log.info("Extracting %s", path)
    try:
        array = idx.read_idx(path, magic=magic, kind=kind, cache_dir=cache_dir)
    except IDXError as error:
        raise IDXError(
            f"{error}\nIf this is not the file you meant to use, delete it and run again: "
            f"smallflow then puts a verified copy of MNIST's {name} in its place."
        ) from None
    except OSError as error:
        raise type(error)(f"Cannot read {path}: {error.strerror or error}") from None
    if magic == IMAGE_MAGIC:
        array = array.reshape(array.shape + (1,))
    return array


def _install(directory, name, sources):
    """Write a verified copy of ``name`` into ``directory``; return its array."""
    path = os.path.join(directory, name)
    try:
        if not _writable(directory):
            raise PermissionError("the folder is read-only")
        if sources is not None:
            return download.download(
                name, directory, sources, lambda temp, origin: _verify(temp, name, origin)
            )
        with _bundled_copy(name) as source:
            if not os.path.isfile(source):
                raise FileNotFoundError(
                    f"smallflow's bundled copy of {name} is missing ({source}); reinstall "
                    "smallflow, or set source_url to download the file"
                )
            origin = f"the copy of {name} bundled with smallflow ({source})"
            try:
                return download.copy_verified(
                    source, path, lambda temp: _verify(temp, name, origin)
                )
            except ValueError as error:
                raise type(error)(
                    f"{error}\nsmallflow's installation is damaged: reinstall it, or set "
                    "source_url to download MNIST instead."
                ) from None
    except PermissionError as error:
        raise PermissionError(
            f"Cannot write {name} into train_dir {directory!r}: {error.strerror or error}; "
            "pass a folder you can write to, or put the MNIST files there yourself"
        ) from None


def _bundled_copy(name):
    """A context manager that gives the path of smallflow's own copy of ``name``."""
    resource = importlib.resources.files("smallflow.datasets").joinpath("data", name)
    return importlib.resources.as_file(resource)


def _verify(path, name, origin):
    """Read the IDX file at ``path``; raise ChecksumError unless it is MNIST's ``name``."""
    expected_size, expected_sha = MNIST_CHECKSUMS[name]
    digest = hashlib.sha256()
    array = idx.read_idx(path, hasher=digest, name=origin)
    size = 4 + 4 * array.ndim + array.nbytes
    found_sha = digest.hexdigest()
    if size != expected_size or found_sha != expected_sha:
        raise ChecksumError(
            f"{origin} is not MNIST's {name}: its content is {size} bytes with SHA-256 "
            f"{found_sha}, expected {expected_size} bytes with SHA-256 {expected_sha}"
        )
    return array


def _check_pair(images, images_path, labels, labels_path):
    if images.shape[0] != labels.shape[0]:
        raise ValueError(
            f"{images_path} holds {images.shape[0]} images but {labels_path} holds "
            f"{labels.shape[0]} labels; the two files must come from the same set"
        )


def _one_hot_of_file(labels, path):
    try:
        return dense_to_one_hot(labels, NUM_CLASSES)
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None
