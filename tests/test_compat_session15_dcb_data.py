"""Session 15 (helper dcb): tf.data.experimental.rejection_resample and SqlDataset, and
sample_from_datasets/choose_from_datasets ending when every input is spent."""

import sqlite3

import numpy as np
import pytest

import smallflow as tf

experimental = tf.data.experimental


def _collect(dataset, limit=100000):
    next_element = tf.data.make_one_shot_iterator(dataset).get_next()
    out = []
    with tf.Session() as sess:
        try:
            while len(out) < limit:
                out.append(sess.run(next_element))
        except tf.errors.OutOfRangeError:
            pass
    return out


def _labels():
    return np.repeat(np.array([0, 1, 2], dtype="int64"), [60, 30, 10])


@pytest.mark.parametrize("initial", [None, [0.6, 0.3, 0.1]])
def test_rejection_resample_reaches_the_target_distribution(initial):
    mixed = np.random.RandomState(4).permutation(_labels())
    labels = tf.data.Dataset.from_tensor_slices(mixed).repeat()
    resampled = labels.apply(experimental.rejection_resample(
        lambda x: x, [1 / 3, 1 / 3, 1 / 3], initial, seed=7))
    assert resampled.output_types == (tf.int64, tf.int64)
    pairs = _collect(resampled.take(3000))
    classes = np.array([c for c, _ in pairs])
    assert all(c == e for c, e in pairs)  # (class, element) pairs
    np.testing.assert_allclose(np.bincount(classes, minlength=3) / 3000, [1 / 3] * 3,
                               atol=0.04)


def test_rejection_resample_of_the_initial_distribution_is_the_input():
    labels = tf.data.Dataset.from_tensor_slices(_labels())
    resampled = labels.apply(experimental.rejection_resample(
        lambda x: x * 1, [0.6, 0.3, 0.1], [0.6, 0.3, 0.1], seed=1))
    assert [c for c, _ in _collect(resampled)] == _labels().tolist()


def test_rejection_resample_without_mixing_drops_unwanted_classes():
    labels = tf.data.Dataset.from_tensor_slices(_labels()).repeat(20)
    resampled = labels.apply(experimental.rejection_resample(
        lambda x: x, [0.0, 0.5, 0.5], [0.6, 0.3, 0.1], seed=2))
    classes = np.array([c for c, _ in _collect(resampled)])
    # Class 2 is always kept (200 of them), class 1 with probability 1/3 (about 200).
    assert np.count_nonzero(classes == 0) == 0
    assert np.count_nonzero(classes == 2) == 200
    assert abs(np.count_nonzero(classes == 1) - 200) < 60


def test_choose_from_datasets_ends_when_every_input_is_spent():
    first = tf.data.Dataset.range(2)
    second = tf.data.Dataset.range(10, 12)
    choices = tf.data.Dataset.from_tensor_slices(np.array([0, 1], dtype="int64")).repeat()
    chosen = experimental.choose_from_datasets([first, second], choices)
    assert _collect(chosen) == [0, 10, 1, 11]


@pytest.fixture
def database(tmp_path):
    path = str(tmp_path / "people.db")
    connection = sqlite3.connect(path)
    connection.execute("create table people (name text, age integer, height real, ok integer)")
    connection.executemany("insert into people values (?, ?, ?, ?)",
                           [("ann", 31, 1.75, 1), ("bob", -4, 2.25, 0),
                            (None, None, None, None), ("12x", 70000, -1.5, 5)])
    connection.commit()
    connection.close()
    return path


def test_sql_dataset_rows_as_tuples_of_scalars(database):
    rows = experimental.SqlDataset("sqlite", database,
                                   "select name, age, height, ok from people",
                                   (tf.string, tf.int32, tf.float64, tf.bool))
    assert rows.output_shapes == (tf.TensorShape([]),) * 4
    got = _collect(rows)
    assert [tuple(r) for r in got] == [(b"ann", 31, 1.75, True), (b"bob", -4, 2.25, False),
                                       (b"", 0, 0.0, False), (b"12x", 70000, -1.5, True)]
    assert got[0][1].dtype == np.int32


def test_sql_dataset_converts_as_sqlite_does(database):
    rows = experimental.SqlDataset(
        "sqlite", database, "select age, height, name, age, age from people",
        (tf.string, tf.int64, tf.int16, tf.uint8, tf.uint16))
    got = [tuple(r) for r in _collect(rows)]
    # Reals truncate, text gives its leading number, narrow types wrap around.
    assert got == [(b"31", 1, 0, 31, 31), (b"-4", 2, 0, 252, 65532), (b"", 0, 0, 0, 0),
                   (b"70000", -1, 12, 112, 4464)]
    single = experimental.SqlDataset("sqlite", database, "select age from people", tf.int64)
    assert _collect(single) == [31, -4, 0, 70000]


@pytest.mark.parametrize(("driver", "query", "types", "error", "message"), [
    ("mysql", "select name from people", (tf.string,), tf.errors.InvalidArgumentError,
     "The database type, mysql, is not supported by SqlDataset"),
    ("sqlite", "select name, age from people", (tf.string,), tf.errors.InvalidArgumentError,
     r"number of columns in query \(2\) must match the number of elements in output_types "
     r"\(1\)"),
    ("sqlite", "select nme from people", (tf.string,), tf.errors.UnknownError,
     "Prepare\\(\\) failed: .*no such column: nme"),
    ("sqlite", "select height from people", (tf.float32,), tf.errors.InvalidArgumentError,
     "Each element of `output_types_` must be one of"),
])
def test_sql_dataset_errors(database, driver, query, types, error, message):
    rows = experimental.SqlDataset(driver, database, query, types)
    next_element = tf.data.make_one_shot_iterator(rows).get_next()
    with tf.Session() as sess, pytest.raises(error, match=message):
        sess.run(next_element)


def test_sql_dataset_missing_database(tmp_path):
    rows = experimental.SqlDataset("sqlite", str(tmp_path / "none" / "x.db"), "select 1",
                                   (tf.int64,))
    next_element = tf.data.make_one_shot_iterator(rows).get_next()
    with tf.Session() as sess, pytest.raises(tf.errors.UnknownError, match="x.db"):
        sess.run(next_element)
