"""Specification of read_data_sets and DataSet: TensorFlow 1.x's MNIST pipeline, verified."""

import gzip
import hashlib
import inspect
import logging
import os
import shutil
import sys

import numpy as np
import pytest
from conftest import SHARED_MNIST
from hypothesis import given, settings
from hypothesis import strategies as st

from smallflow import dtypes
from smallflow.datasets import download, idx, mnist
from smallflow.datasets.download import DEFAULT_SOURCE_URL, ChecksumError
from smallflow.datasets.idx import IDXError, write_idx
from smallflow.datasets.mnist import (
    DataSet,
    Datasets,
    dense_to_one_hot,
    extract_images,
    extract_labels,
    read_data_sets,
)

FILES = [mnist.TRAIN_IMAGES, mnist.TRAIN_LABELS, mnist.TEST_IMAGES, mnist.TEST_LABELS]
MAXINT32 = 2**31 - 1


@pytest.fixture(autouse=True)
def _no_download_source(monkeypatch):
    """No test here reaches the network: the source-URL variable is never inherited."""
    monkeypatch.delenv(download.SOURCE_URL_ENV, raising=False)


def tf_scale(images):
    """TensorFlow's conversion, written as it is there: astype, then multiply by 1/255."""
    return np.multiply(images.astype(np.float32), 1.0 / 255.0)


def tf_permutation(seed, n):
    order = np.arange(n)
    np.random.RandomState(seed).shuffle(order)
    return order


def make_set(directory, n_train=30, n_test=12, rows=28, cols=28, seed=0, names=None):
    """Write a small MNIST-shaped set (like Fashion-MNIST) and return its arrays."""
    rng = np.random.default_rng(seed)
    arrays = {
        mnist.TRAIN_IMAGES: rng.integers(0, 256, (n_train, rows, cols), dtype=np.uint8),
        mnist.TRAIN_LABELS: rng.integers(0, 10, n_train, dtype=np.uint8),
        mnist.TEST_IMAGES: rng.integers(0, 256, (n_test, rows, cols), dtype=np.uint8),
        mnist.TEST_LABELS: rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    os.makedirs(directory, exist_ok=True)
    for name, array in arrays.items():
        write_idx(os.path.join(directory, (names or {}).get(name, name)), array)
    return arrays


def listing(directory):
    """The files read_data_sets left in ``directory``, besides its cache folder."""
    return sorted(name for name in os.listdir(directory) if name != mnist.CACHE_DIR)


def part_files(directory):
    """Temporary files left anywhere under ``directory`` (there must never be any)."""
    return [name for _, _, names in os.walk(directory) for name in names if ".part" in name]


# --- the interface ------------------------------------------------------------------------


def parameters(function):
    return [(p.name, p.default) for p in inspect.signature(function).parameters.values()]


EMPTY = inspect.Parameter.empty


@pytest.mark.parametrize(
    ("function", "expected"),
    [
        (
            read_data_sets,
            [
                ("train_dir", EMPTY),
                ("fake_data", False),
                ("one_hot", False),
                ("dtype", dtypes.float32),
                ("reshape", True),
                ("validation_size", 5000),
                ("seed", None),
                ("source_url", "https://storage.googleapis.com/cvdf-datasets/mnist/"),
                ("shard", None),  # ours, keyword-only: data-parallel training's share
            ],
        ),
        (
            DataSet.__init__,
            [
                ("self", EMPTY),
                ("images", EMPTY),
                ("labels", EMPTY),
                ("fake_data", False),
                ("one_hot", False),
                ("dtype", dtypes.float32),
                ("reshape", True),
                ("seed", None),
            ],
        ),
        (
            DataSet.next_batch,
            [("self", EMPTY), ("batch_size", EMPTY), ("fake_data", False), ("shuffle", True)],
        ),
        (extract_images, [("f", EMPTY)]),
        (extract_labels, [("f", EMPTY), ("one_hot", False), ("num_classes", 10)]),
        (dense_to_one_hot, [("labels_dense", EMPTY), ("num_classes", EMPTY)]),
    ],
)
def test_signatures_match_tensorflow(function, expected):
    assert parameters(function) == expected


def test_the_tf1_import_path_exports_the_same_objects():
    from smallflow.examples.tutorials.mnist import input_data

    for name in ["read_data_sets", "DataSet", "Datasets", "dense_to_one_hot",
                 "extract_images", "extract_labels"]:  # fmt: skip
        assert getattr(input_data, name) is getattr(mnist, name)
    assert input_data.DEFAULT_SOURCE_URL == DEFAULT_SOURCE_URL


def test_datasets_is_a_namedtuple_of_train_validation_test():
    assert Datasets._fields == ("train", "validation", "test")


# --- the real files -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_raw(shared_mnist_dir):
    """The four real files as uint8 arrays, read with the public extractors."""
    return {
        "train_images": extract_images(str(shared_mnist_dir / mnist.TRAIN_IMAGES)),
        "train_labels": extract_labels(str(shared_mnist_dir / mnist.TRAIN_LABELS)),
        "test_images": extract_images(str(shared_mnist_dir / mnist.TEST_IMAGES)),
        "test_labels": extract_labels(str(shared_mnist_dir / mnist.TEST_LABELS)),
    }


@pytest.fixture(scope="module")
def installed_dir(tmp_path_factory):
    """A train_dir filled from the bundled copy by read_data_sets itself."""
    directory = tmp_path_factory.mktemp("installed") / "MNIST_data"
    sets = read_data_sets(str(directory), dtype=dtypes.uint8, reshape=False)
    return directory, sets


def test_the_real_files_match_the_readme_facts(shared_mnist_dir, real_raw):
    train_labels = real_raw["train_labels"]
    assert real_raw["train_images"].shape == (60000, 28, 28, 1)
    assert real_raw["test_images"].shape == (10000, 28, 28, 1)
    assert train_labels[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert real_raw["test_labels"][:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    counts = np.bincount(train_labels, minlength=10).tolist()
    assert counts == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    pixels = real_raw["train_images"].reshape(60, -1)
    histogram = sum(np.bincount(chunk, minlength=256) for chunk in pixels)
    values = np.arange(256) / 255
    mean = (histogram * values).sum() / histogram.sum()
    std = np.sqrt((histogram * (values - mean) ** 2).sum() / histogram.sum())
    assert (round(float(mean), 4), round(float(std), 4)) == (0.1307, 0.3081)


@pytest.mark.parametrize("name", FILES)
def test_the_files_have_the_known_checksums(shared_mnist_dir, name):
    data = gzip.decompress((shared_mnist_dir / name).read_bytes())
    size, sha = mnist.MNIST_CHECKSUMS[name]
    assert (len(data), hashlib.sha256(data).hexdigest()) == (size, sha)


@pytest.mark.parametrize("name", FILES)
def test_the_known_checksums_are_those_of_the_shared_readme(name):
    readme_path = SHARED_MNIST / "README.md"
    if not readme_path.is_file():
        pytest.skip(f"no shared MNIST README at {readme_path} to compare the checksums with")
    readme = readme_path.read_text()
    size, sha = mnist.MNIST_CHECKSUMS[name]
    assert sha in readme
    assert f"{size:,}" in readme


def test_read_data_sets_splits_55000_5000_10000_in_file_order(shared_mnist_dir, real_raw):
    sets = read_data_sets(str(shared_mnist_dir))
    raw_images = real_raw["train_images"].reshape(60000, 784)
    assert (sets.train.num_examples, sets.validation.num_examples) == (55000, 5000)
    assert sets.test.num_examples == 10000
    for part, rows in [(sets.validation, slice(0, 5000)), (sets.train, slice(5000, None))]:
        assert part.images.dtype == np.float32
        assert part.images.shape == (part.num_examples, 784)
        assert np.array_equal(part.images, tf_scale(raw_images[rows]))
        np.testing.assert_array_equal(part.labels, real_raw["train_labels"][rows])
    np.testing.assert_array_equal(sets.test.labels, real_raw["test_labels"])
    assert sets.train.labels.dtype == np.uint8


def test_read_data_sets_seed_gives_tensorflows_first_permutation(shared_mnist_dir, real_raw):
    seed = 1234
    sets = read_data_sets(str(shared_mnist_dir), seed=seed)
    images, labels = sets.train.next_batch(55000)
    order = tf_permutation(seed, 55000)
    expected = real_raw["train_images"].reshape(60000, 784)[5000:][order]
    np.testing.assert_array_equal(labels, real_raw["train_labels"][5000:][order])
    assert np.array_equal(images, tf_scale(expected))
    assert sets.train.epochs_completed == 0


def test_one_hot_labels_are_float64_rows(shared_mnist_dir, real_raw):
    sets = read_data_sets(str(shared_mnist_dir), one_hot=True, dtype=dtypes.uint8)
    assert sets.train.labels.dtype == np.float64
    assert sets.train.labels.shape == (55000, 10)
    assert sets.test.labels.sum(axis=1).tolist() == [1.0] * 10000
    np.testing.assert_array_equal(sets.test.labels.argmax(axis=1), real_raw["test_labels"])
    assert sets.train.images.dtype == np.uint8


def test_extracting_is_logged_once_per_file_and_nothing_is_printed(
    shared_mnist_dir, caplog, capsys
):
    with caplog.at_level(logging.INFO, logger="smallflow.datasets"):
        read_data_sets(str(shared_mnist_dir), dtype=dtypes.uint8)
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("smallflow")]
    assert messages == [f"Extracting {shared_mnist_dir / name}" for name in FILES]
    assert capsys.readouterr() == ("", "")


# --- the bundled copy ---------------------------------------------------------------------


def test_a_missing_train_dir_is_created_and_filled_from_the_bundle(installed_dir, real_raw):
    directory, sets = installed_dir
    assert listing(directory) == sorted(FILES)
    for name in FILES:
        with mnist._bundled_copy(name) as bundled:
            assert (directory / name).read_bytes() == bundled.read_bytes()
    assert sets.train.images.dtype == np.uint8
    assert sets.train.images.shape == (55000, 28, 28, 1)
    np.testing.assert_array_equal(sets.validation.images, real_raw["train_images"][:5000])
    np.testing.assert_array_equal(sets.test.labels, real_raw["test_labels"])


def test_installed_files_get_ordinary_permissions(installed_dir):
    directory, _ = installed_dir
    umask = os.umask(0)
    os.umask(umask)
    mode = os.stat(directory / mnist.TRAIN_LABELS).st_mode & 0o777
    assert mode == 0o666 & ~umask


def test_only_the_missing_file_is_copied(tmp_path):
    arrays = make_set(tmp_path)
    os.remove(tmp_path / mnist.TEST_LABELS)
    original = (tmp_path / mnist.TRAIN_IMAGES).read_bytes()
    with pytest.raises(ValueError, match="holds 12 images but .* holds 10000 labels"):
        read_data_sets(str(tmp_path), validation_size=5)
    assert (tmp_path / mnist.TRAIN_IMAGES).read_bytes() == original
    assert listing(tmp_path) == sorted(FILES)
    assert arrays  # the three present files were used as they are


def test_the_default_reads_no_network(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("download attempted")

    monkeypatch.setattr(download, "download", refuse)
    make_set(tmp_path)
    os.remove(tmp_path / mnist.TRAIN_LABELS)
    with pytest.raises(ValueError, match="holds 30 images but .* holds 60000 labels"):
        read_data_sets(str(tmp_path), validation_size=5, source_url=DEFAULT_SOURCE_URL)


def test_an_explicit_source_url_downloads_instead_of_copying(tmp_path, monkeypatch):
    calls = []

    def fake_download(name, directory, sources, verify):
        calls.append((name, directory, sources))
        with mnist._bundled_copy(name) as bundled:
            return download.copy_verified(bundled, os.path.join(directory, name),
                                          lambda temp: verify(temp, "fake"))  # fmt: skip

    monkeypatch.setattr(download, "download", fake_download)
    make_set(tmp_path)
    os.remove(tmp_path / mnist.TEST_LABELS)
    with pytest.raises(ValueError, match="holds 12 images"):
        read_data_sets(str(tmp_path), validation_size=5, source_url="https://mirror.example/mnist/")
    assert calls == [(mnist.TEST_LABELS, str(tmp_path), ["https://mirror.example/mnist/"])]


# --- the cache of decoded arrays -----------------------------------------------------------


def test_repeated_loads_come_from_the_cache(tmp_path, monkeypatch):
    arrays = make_set(tmp_path)
    read_data_sets(str(tmp_path), validation_size=3, dtype=dtypes.uint8)
    assert len(os.listdir(tmp_path / mnist.CACHE_DIR)) == 4

    def refuse(*args, **kwargs):
        raise AssertionError("decoded a file instead of using the cache")

    monkeypatch.setattr(idx, "_read", refuse)
    sets = read_data_sets(str(tmp_path), validation_size=3, dtype=dtypes.uint8)
    np.testing.assert_array_equal(sets.train.images.reshape(27, 28, 28), arrays[FILES[0]][3:])
    np.testing.assert_array_equal(sets.test.labels, arrays[FILES[3]])


def test_installed_files_are_cached_as_they_are_verified(installed_dir):
    directory, _ = installed_dir
    cached = os.listdir(directory / mnist.CACHE_DIR)
    assert sorted(name.split(".gz.")[0] + ".gz" for name in cached) == sorted(FILES)


def test_the_cache_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv(mnist.CACHE_ENV, "0")
    make_set(tmp_path)
    read_data_sets(str(tmp_path), validation_size=3)
    assert not (tmp_path / mnist.CACHE_DIR).exists()


# --- files already present: structure checked, never silently used when damaged ---------


@pytest.mark.parametrize(
    "names",
    [
        {},
        {n: n.removesuffix(".gz") for n in FILES},
        {n: n.replace("-idx", ".idx") for n in FILES},
        {n: n.replace("-idx", ".idx").removesuffix(".gz") for n in FILES},
    ],
    ids=["gzip", "raw", "dot-named gzip", "dot-named raw"],
)
def test_present_mnist_shaped_files_are_used_under_any_accepted_name(tmp_path, names):
    arrays = make_set(tmp_path, names=names)
    sets = read_data_sets(str(tmp_path), validation_size=10, dtype=dtypes.uint8, reshape=False)
    np.testing.assert_array_equal(sets.validation.images[..., 0], arrays[FILES[0]][:10])
    np.testing.assert_array_equal(sets.train.labels, arrays[FILES[1]][10:])
    np.testing.assert_array_equal(sets.test.images[..., 0], arrays[FILES[2]])
    assert listing(tmp_path) == sorted(names.get(n, n) for n in FILES)


def test_other_image_sizes_flatten_to_rows_times_cols(tmp_path):
    make_set(tmp_path, rows=5, cols=7)
    sets = read_data_sets(str(tmp_path), validation_size=0)
    assert sets.train.images.shape == (30, 35)
    assert sets.validation.images.shape == (0, 35)


def test_validation_size_may_take_everything(tmp_path):
    make_set(tmp_path)
    sets = read_data_sets(str(tmp_path), validation_size=30)
    assert (sets.train.num_examples, sets.validation.num_examples) == (0, 30)


def cut_gzip_images():
    noise = np.random.default_rng(0).integers(0, 256, 784, dtype=np.uint8).tobytes()
    packed = gzip.compress(b"\0\0\x08\x03\0\0\0\x01\0\0\0\x1c\0\0\0\x1c" + noise)
    return packed[: len(packed) // 2]


def write_bad(directory, name, data):
    make_set(directory)
    (directory / name).write_bytes(data)
    return directory / name


BAD_PRESENT_FILES = [
    (
        "labels where images belong",
        mnist.TRAIN_IMAGES,
        gzip.compress(b"\0\0\x08\x01\0\0\0\x02\x01\x02"),
        "^Invalid magic number 2049 in MNIST image file: {path}",
    ),
    (
        "images where labels belong",
        mnist.TEST_LABELS,
        gzip.compress(b"\0\0\x08\x03\0\0\0\x01\0\0\0\x01\0\0\0\x01\x07"),
        "^Invalid magic number 2051 in MNIST label file: {path}",
    ),
    ("truncated", mnist.TRAIN_LABELS, b"\0\0\x08\x01\0\0\0\x1e" + bytes(29), "is truncated"),
    ("not gzip", mnist.TRAIN_IMAGES, b"<html><body>403 Forbidden", "neither an IDX file"),
    ("cut gzip", mnist.TEST_IMAGES, cut_gzip_images(), "gzip data stops"),
]


@pytest.mark.parametrize(
    ("case", "name", "data", "pattern"), BAD_PRESENT_FILES, ids=[c[0] for c in BAD_PRESENT_FILES]
)
def test_a_damaged_present_file_is_reported_with_its_path_and_remedy(
    tmp_path, case, name, data, pattern
):
    path = write_bad(tmp_path, name, data)
    with pytest.raises(IDXError, match=pattern.format(path=path)) as caught:
        read_data_sets(str(tmp_path), validation_size=0)
    assert str(path) in str(caught.value)
    assert "delete it and run again" in str(caught.value)
    assert path.read_bytes() == data  # reported, not replaced behind the user's back


def test_image_and_label_counts_must_agree(tmp_path):
    make_set(tmp_path)
    write_idx(tmp_path / mnist.TRAIN_LABELS, np.zeros(29, np.uint8))
    message = f"{tmp_path / mnist.TRAIN_IMAGES} holds 30 images but .* holds 29 labels"
    with pytest.raises(ValueError, match=message):
        read_data_sets(str(tmp_path), validation_size=0)


def test_a_label_beyond_ten_classes_is_named_when_one_hot(tmp_path):
    make_set(tmp_path)
    labels = np.zeros(30, np.uint8)
    labels[7] = 12
    write_idx(tmp_path / mnist.TRAIN_LABELS, labels)
    with pytest.raises(ValueError, match="train-labels.* label 12 at index 7 is not a class"):
        read_data_sets(str(tmp_path), one_hot=True, validation_size=0)


@pytest.mark.parametrize(
    ("size", "message"),
    [
        (31, "^Validation size should be between 0 and 30. Received: 31.$"),
        (-1, "^Validation size should be between 0 and 30. Received: -1.$"),
    ],
)
def test_validation_size_out_of_range_uses_tensorflows_message(tmp_path, size, message):
    make_set(tmp_path)
    with pytest.raises(ValueError, match=message):
        read_data_sets(str(tmp_path), validation_size=size)


def test_validation_size_60001_on_mnist_is_tensorflows_error(shared_mnist_dir):
    message = "^Validation size should be between 0 and 60000. Received: 60001.$"
    with pytest.raises(ValueError, match=message):
        read_data_sets(str(shared_mnist_dir), validation_size=60001)


def test_validation_size_must_be_an_integer(tmp_path):
    with pytest.raises(TypeError, match="validation_size must be an integer, got 5000.0"):
        read_data_sets(str(tmp_path), validation_size=5000.0)


@pytest.mark.parametrize("dtype", [dtypes.float64, np.float64, "float64"])
def test_an_invalid_dtype_fails_before_touching_train_dir(tmp_path, dtype):
    target = tmp_path / "never-created"
    message = "^Invalid image dtype tf.float64, expected uint8 or float32$"
    with pytest.raises(TypeError, match=message):
        read_data_sets(str(target), dtype=dtype)
    with pytest.raises(TypeError, match=message):
        DataSet(np.zeros((1, 28, 28, 1), np.uint8), np.zeros(1, np.uint8), dtype=dtype)
    assert not target.exists()


def test_train_dir_that_is_a_file_is_named(tmp_path):
    target = tmp_path / "a-file"
    target.write_text("not a folder")
    with pytest.raises(NotADirectoryError, match=f"train_dir '{target}' exists but is not a"):
        read_data_sets(str(target))


def test_train_dir_that_cannot_be_created_is_named(tmp_path):
    (tmp_path / "a-file").write_text("")
    target = tmp_path / "a-file" / "sub"
    with pytest.raises(OSError, match=f"Cannot create train_dir '{target}'"):
        read_data_sets(str(target))


def test_train_dir_must_be_a_path():
    with pytest.raises(TypeError, match="train_dir must be a path, got None"):
        read_data_sets(None)


def test_an_unreadable_data_file_is_named(tmp_path):
    make_set(tmp_path)
    os.remove(tmp_path / mnist.TEST_IMAGES)
    (tmp_path / mnist.TEST_IMAGES).mkdir()
    with pytest.raises(OSError, match=f"Cannot read {tmp_path / mnist.TEST_IMAGES}: Is a dir"):
        read_data_sets(str(tmp_path), validation_size=0)


def test_a_read_only_train_dir_is_read_but_never_written(tmp_path):
    make_set(tmp_path)
    os.remove(tmp_path / mnist.TEST_LABELS)
    tmp_path.chmod(0o555)  # honoured even when the tests run as root
    try:
        with pytest.raises(PermissionError, match="Cannot write t10k-labels-idx1-ubyte.gz"):
            read_data_sets(str(tmp_path), validation_size=3)
    finally:
        tmp_path.chmod(0o755)
    assert listing(tmp_path) == sorted(FILES[:3])
    assert not (tmp_path / mnist.CACHE_DIR).exists()


def test_an_unwritable_train_dir_is_named_with_a_remedy(tmp_path, monkeypatch):
    def refuse(path):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(download, "open_temp_beside", refuse)
    with pytest.raises(PermissionError, match="Cannot write train-images-idx3-ubyte.gz into"):
        read_data_sets(str(tmp_path))
    assert listing(tmp_path) == []


# --- copies are verified and atomic -------------------------------------------------------


def test_a_bundle_that_fails_its_checksum_leaves_nothing(tmp_path, monkeypatch):
    size, _ = mnist.MNIST_CHECKSUMS[mnist.TRAIN_IMAGES]
    monkeypatch.setitem(mnist.MNIST_CHECKSUMS, mnist.TRAIN_IMAGES, (size, "0" * 64))
    with pytest.raises(ChecksumError, match="is not MNIST's train-images-idx3-ubyte.gz") as caught:
        read_data_sets(str(tmp_path))
    assert "bundled with smallflow" in str(caught.value)
    assert "reinstall" in str(caught.value)
    assert listing(tmp_path) == []
    assert part_files(tmp_path) == []


def test_a_truncated_bundle_leaves_nothing(tmp_path, monkeypatch):
    with mnist._bundled_copy(mnist.TEST_LABELS) as bundled:
        data = gzip.decompress(bundled.read_bytes())
    damaged = tmp_path / "damaged.gz"
    damaged.write_bytes(gzip.compress(data[:-100]))
    monkeypatch.setattr(mnist, "_bundled_copy", lambda name: _Given(damaged))
    target = tmp_path / "train"
    make_set(target)
    os.remove(target / mnist.TEST_LABELS)
    with pytest.raises(IDXError, match="is truncated"):
        read_data_sets(str(target), validation_size=5)
    assert listing(target) == sorted(FILES[:3])
    assert part_files(target) == []


class _Given:
    """A stand-in for the bundled-copy context manager."""

    def __init__(self, path):
        self._path = path

    def __enter__(self):
        return self._path

    def __exit__(self, *exc):
        return False


def test_an_interrupted_copy_leaves_no_partial_file(tmp_path, monkeypatch):
    def copy_half_then_interrupt(source, target, length=0):
        target.write(source.read(1000))
        raise KeyboardInterrupt

    monkeypatch.setattr(shutil, "copyfileobj", copy_half_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        read_data_sets(str(tmp_path))
    assert os.listdir(tmp_path) == []


# --- DataSet --------------------------------------------------------------------------------


def ids_set(n, seed=None, dtype=dtypes.uint8, **options):
    """A DataSet whose image i is 1x1 with pixel i % 256 and whose label is i."""
    images = (np.arange(n) % 256).astype(np.uint8).reshape(n, 1, 1, 1)
    return DataSet(images, np.arange(n), dtype=dtype, seed=seed, **options)


def test_float32_scaling_is_tensorflows_not_division():
    values = np.arange(256, dtype=np.uint8).reshape(256, 1, 1, 1)
    images = DataSet(values, np.zeros(256), seed=0).images.ravel()
    expected = np.float32(np.arange(256, dtype=np.float32)) * np.float32(1 / 255)
    assert images.tobytes() == expected.tobytes()
    divided = (np.arange(256) / 255).astype(np.float32)
    differ = images != divided
    assert 0 < differ.sum() < 256  # the two roundings really differ for some values
    np.testing.assert_array_max_ulp(images, divided, maxulp=1)


def test_shuffled_float_conversion_equals_converting_then_permuting():
    rng = np.random.default_rng(1)
    raw = rng.integers(0, 256, (300, 4, 4, 1), dtype=np.uint8)
    data = DataSet(raw, np.arange(300), seed=7)
    images, labels = data.next_batch(300)
    order = tf_permutation(7, 300)
    np.testing.assert_array_equal(labels, order)
    assert images.tobytes() == tf_scale(raw.reshape(300, 16)[order]).tobytes()
    assert data.images.dtype == np.float32


def test_uint8_keeps_values_and_reshape_false_keeps_shape():
    raw = np.arange(8, dtype=np.uint8).reshape(2, 2, 2, 1)
    data = DataSet(raw, np.zeros(2), dtype=dtypes.uint8, reshape=False)
    assert data.images.dtype == np.uint8
    np.testing.assert_array_equal(data.images, raw)


@pytest.mark.parametrize(
    ("images", "labels", "error", "message"),
    [
        (np.zeros((3, 2, 2, 1)), np.zeros(2), ValueError, r"images.shape: \(3, 2, 2, 1\) labels"),
        (np.zeros((3, 4)), np.zeros(3), ValueError, r"expects images of shape \[N, rows, cols, 1"),
        (np.zeros((3, 2, 2, 3)), np.zeros(3), ValueError, "expects images of shape"),
    ],
)
def test_dataset_rejects_inconsistent_inputs(images, labels, error, message):
    with pytest.raises(error, match=message):
        DataSet(images, labels)


def test_dataset_properties():
    data = ids_set(7)
    assert (data.num_examples, data.epochs_completed) == (7, 0)
    np.testing.assert_array_equal(data.labels, np.arange(7))


def test_first_call_permutes_the_whole_set_and_images_follow():
    data = ids_set(10, seed=5)
    images, labels = data.next_batch(3)
    order = tf_permutation(5, 10)
    np.testing.assert_array_equal(labels, order[:3])
    np.testing.assert_array_equal(data.labels, order)
    np.testing.assert_array_equal(data.images.ravel(), order)
    np.testing.assert_array_equal(images.ravel(), order[:3])


def test_the_boundary_batch_is_old_rest_then_new_epoch_start():
    data = ids_set(10, seed=3)
    rng = np.random.RandomState(3)
    first = np.arange(10)
    rng.shuffle(first)
    second = np.arange(10)
    rng.shuffle(second)
    for call in range(3):
        _, labels = data.next_batch(3)
        np.testing.assert_array_equal(labels, first[3 * call : 3 * call + 3])
        assert data.epochs_completed == 0
    _, labels = data.next_batch(3)
    np.testing.assert_array_equal(labels, np.concatenate([first[9:], first[second][:2]]))
    assert data.epochs_completed == 1
    _, labels = data.next_batch(3)
    np.testing.assert_array_equal(labels, first[second][2:5])


def test_tutorial_call_551_crosses_into_epoch_one_with_a_full_new_batch():
    data = ids_set(55000, seed=0)
    for _ in range(550):
        data.next_batch(100)
    assert data.epochs_completed == 0
    before = data.labels.copy()
    _, labels = data.next_batch(100)
    assert data.epochs_completed == 1
    second = np.arange(55000)
    rng = np.random.RandomState(0)
    rng.shuffle(np.arange(55000))
    rng.shuffle(second)
    np.testing.assert_array_equal(labels, before[second][:100])


def test_shuffle_false_wraps_around_in_storage_order():
    data = ids_set(5)
    batches = [data.next_batch(2, shuffle=False)[1].tolist() for _ in range(4)]
    assert batches == [[0, 1], [2, 3], [4, 0], [1, 2]]
    assert data.epochs_completed == 1


@pytest.mark.parametrize("one_hot", [False, True])
def test_fake_data_is_constant_lists(one_hot):
    sets = read_data_sets("never-read", fake_data=True, one_hot=one_hot)
    assert not os.path.exists("never-read")
    images, labels = sets.train.next_batch(3)
    assert sets.train.num_examples == 10000
    assert images == [[1] * 784] * 3
    assert labels == ([[1] + [0] * 9] * 3 if one_hot else [0, 0, 0])
    assert sets.validation.images == []


def test_fake_batches_on_request_from_a_real_dataset():
    images, labels = ids_set(4).next_batch(2, fake_data=True)
    assert (len(images), len(images[0]), labels) == (2, 784, [0, 0])


@pytest.mark.parametrize(
    ("batch_size", "error", "message"),
    [
        (-1, ValueError, r"batch_size must not be negative. Received: -1."),
        (2.0, TypeError, "batch_size must be an integer, got 2.0"),
    ],
)
def test_bad_batch_sizes_are_named(batch_size, error, message):
    with pytest.raises(error, match=message):
        ids_set(5).next_batch(batch_size)


def test_batch_of_zero_is_empty_and_a_batch_larger_than_the_set_crosses_the_epoch():
    dataset = ids_set(5)
    images, labels = dataset.next_batch(0)
    assert (len(images), len(labels), dataset.epochs_completed) == (0, 0, 0)
    images, labels = dataset.next_batch(6)
    assert len(labels) == 6
    assert sorted(labels[:5].tolist()) == list(range(5))
    assert dataset.epochs_completed == 1


# --- seeding --------------------------------------------------------------------------------


def first_order(**options):
    return ids_set(50, **options).next_batch(50)[1]


@pytest.mark.parametrize("seed", [0, 1, 42, MAXINT32 - 1, MAXINT32, 2**31 + 5, 2**40, -3])
def test_seed_s_gives_randomstate_of_s_mod_maxint32(seed):
    np.testing.assert_array_equal(first_order(seed=seed), tf_permutation(seed % MAXINT32, 50))


def test_no_seed_draws_from_the_os_and_touches_no_global_state():
    state = np.random.get_state()  # noqa: NPY002 - the global state must stay untouched
    orders = {tuple(first_order()) for _ in range(3)}
    assert len(orders) == 3
    after = np.random.get_state()  # noqa: NPY002
    assert state[0] == after[0]
    np.testing.assert_array_equal(state[1], after[1])
    assert state[2:] == after[2:]


def test_seed_must_be_an_integer():
    with pytest.raises(TypeError, match="seed must be an integer or None, got 1.5"):
        ids_set(3, seed=1.5)


@pytest.fixture
def graph_module():
    graph = sys.modules.get("smallflow.graph") or pytest.importorskip("smallflow.graph")
    if not (hasattr(graph, "set_random_seed") and hasattr(graph, "get_default_graph")):
        pytest.skip("smallflow.graph has no set_random_seed/get_default_graph yet")
    default = graph.get_default_graph()
    saved = default.seed
    yield graph
    default.seed = saved


@pytest.mark.parametrize(
    ("graph_seed", "seed", "numpy_seed"),
    [
        (17, None, 17),
        (2**31 + 2, None, 3),
        (17, 5, 5),  # an explicit seed wins over the graph's
        (0, 0, MAXINT32),  # TensorFlow's get_seed turns (0, 0) into (0, 2**31 - 1)
        (MAXINT32, MAXINT32, MAXINT32),
        (0, None, 0),
        (None, 0, 0),
    ],
)
def test_the_graph_seed_is_used_as_tensorflow_does(graph_module, graph_seed, seed, numpy_seed):
    graph_module.set_random_seed(graph_seed)
    np.testing.assert_array_equal(first_order(seed=seed), tf_permutation(numpy_seed, 50))


def test_without_a_graph_module_the_graph_seed_is_none(monkeypatch):
    monkeypatch.setitem(sys.modules, "smallflow.graph", None)
    np.testing.assert_array_equal(first_order(seed=9), tf_permutation(9, 50))
    assert mnist._numpy_seed(None) is None


# --- properties of next_batch ----------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(1, 40),
    data=st.data(),
    shuffle=st.booleans(),
    seed=st.integers(0, 2**32),
)
def test_next_batch_streams_whole_epochs_back_to_back(n, data, shuffle, seed):
    batch_size = data.draw(st.integers(1, n), label="batch_size")
    calls = data.draw(st.integers(1, 4 * n // batch_size + 3), label="calls")
    dataset = DataSet(
        np.arange(n, dtype=np.uint8).reshape(n, 1, 1, 1),
        np.arange(n),
        dtype=dtypes.uint8,
        seed=seed,
    )
    stream = []
    for call in range(1, calls + 1):
        images, labels = dataset.next_batch(batch_size, shuffle=shuffle)
        assert images.shape == (batch_size, 1)
        assert labels.shape == (batch_size,)
        np.testing.assert_array_equal(images.ravel(), labels)  # rows stay paired
        stream.extend(labels.tolist())
        consumed = call * batch_size
        assert dataset.epochs_completed == (consumed - 1) // n
    # The ids, read batch after batch, are epoch after epoch, each a permutation of the
    # set: a boundary batch is the old epoch's rest followed by the new epoch's start.
    rng = np.random.RandomState(seed % MAXINT32)
    current = np.arange(n)
    for epoch_start in range(0, len(stream), n):
        if shuffle:
            order = np.arange(n)
            rng.shuffle(order)
            current = current[order]
        epoch = stream[epoch_start : epoch_start + n]
        assert epoch == current[: len(epoch)].tolist()
        if len(epoch) == n:
            assert sorted(epoch) == list(range(n))


@settings(max_examples=50, deadline=None)
@given(labels=st.lists(st.integers(0, 9), max_size=30))
def test_dense_to_one_hot_marks_exactly_the_label(labels):
    one_hot = dense_to_one_hot(np.array(labels, dtype=np.uint8), 10)
    assert one_hot.dtype == np.float64
    assert one_hot.shape == (len(labels), 10)
    np.testing.assert_array_equal(one_hot.argmax(axis=1) if labels else [], labels)
    assert one_hot.sum() == len(labels)


@pytest.mark.parametrize(
    ("labels", "error", "message"),
    [
        (np.array([1, 10]), ValueError, "label 10 at index 1 is not a class index in 0..9"),
        (np.array([-1]), ValueError, "label -1 at index 0"),
        (np.array([0.5]), TypeError, "labels must be integer class indices"),
        (np.zeros((2, 10), np.int64), ValueError, "not one class index per example"),
    ],
)
def test_dense_to_one_hot_rejects_non_labels(labels, error, message):
    with pytest.raises(error, match=message):
        dense_to_one_hot(labels, 10)


@pytest.mark.parametrize("dtype", [dtypes.float32, dtypes.uint8])
def test_next_batch_allocates_batches_not_copies_of_the_set(dtype):
    """The epoch's order is kept as indices: crossing epochs copies no whole array."""
    import tracemalloc

    rng = np.random.default_rng(2)
    data = DataSet(rng.integers(0, 256, (4000, 16, 16, 1), dtype=np.uint8),
                   np.arange(4000), dtype=dtype, seed=4)
    whole = 4000 * 256 * np.dtype(dtype.as_numpy_dtype).itemsize
    tracemalloc.start()
    try:
        for _ in range(130):  # three epoch starts
            data.next_batch(100)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert data.epochs_completed == 3
    assert peak < whole / 4
