"""Specification of TFRecord files, tf.train.Example parsing and the file-reading datasets."""

import gzip
import re
import struct

import numpy as np
import pytest

import smallflow as tf
from smallflow import python_io

pytest.importorskip("google.protobuf", reason="tf.train.Example needs protobuf")


def _example(label, values, tags=()):
    return tf.train.Example(features=tf.train.Features(feature={
        "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[label])),
        "values": tf.train.Feature(float_list=tf.train.FloatList(value=values)),
        "tags": tf.train.Feature(bytes_list=tf.train.BytesList(value=list(tags))),
    }))


def test_crc32c_and_record_framing_match_tensorflows_format(tmp_path):
    assert python_io._crc32c_python(b"123456789") == 0xE3069283  # the CRC-32C check value
    path = tmp_path / "one.tfrecord"
    with tf.python_io.TFRecordWriter(str(path)) as writer:
        writer.write(b"hello")
    data = path.read_bytes()
    assert struct.unpack("<Q", data[:8]) == (5,)
    assert data[12:17] == b"hello"
    assert len(data) == 8 + 4 + 5 + 4
    assert list(tf.python_io.tf_record_iterator(str(path))) == [b"hello"]


def test_corrupted_and_compressed_record_files(tmp_path):
    path = tmp_path / "bad.tfrecord"
    with tf.python_io.TFRecordWriter(str(path)) as writer:
        writer.write(b"payload")
    data = bytearray(path.read_bytes())
    data[14] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(tf.errors.DataLossError, match="corrupted record"):
        list(tf.python_io.tf_record_iterator(str(path)))
    packed = tmp_path / "packed.tfrecord.gz"
    options = tf.python_io.TFRecordOptions(tf.python_io.TFRecordCompressionType.GZIP)
    with tf.python_io.TFRecordWriter(str(packed), options) as writer:
        writer.write(b"a")
        writer.write(b"bc")
    assert gzip.decompress(packed.read_bytes())[12:13] == b"a"
    assert list(tf.python_io.tf_record_iterator(str(packed), options)) == [b"a", b"bc"]


FEATURES = {
    "label": tf.FixedLenFeature([], tf.int64),
    "values": tf.FixedLenFeature([2], tf.float32),
    "missing": tf.FixedLenFeature([], tf.int64, default_value=-1),
    "tags": tf.VarLenFeature(tf.string),
}


def test_parse_single_example_and_parse_example():
    first = _example(3, [1.0, 2.0], [b"x"]).SerializeToString()
    second = _example(4, [5.0, 6.0], [b"y", b"z"]).SerializeToString()
    single = tf.parse_single_example(first, FEATURES)
    batch = tf.parse_example([first, second], FEATURES)
    with tf.Session() as sess:
        one, many = sess.run([single, batch])
    assert one["label"] == 3
    assert one["missing"] == -1
    assert one["values"].tolist() == [1.0, 2.0]
    assert one["tags"].values.tolist() == [b"x"]
    assert many["label"].tolist() == [3, 4]
    assert many["values"].shape == (2, 2)
    assert many["tags"].indices.tolist() == [[0, 0], [1, 0], [1, 1]]
    assert many["tags"].dense_shape.tolist() == [2, 2]


PARSE_ERRORS = [
    ({"label": tf.FixedLenFeature([], tf.int64), "absent": tf.FixedLenFeature([], tf.int64)},
     "Feature: absent (data type: int64) is required but could not be found"),
    ({"values": tf.FixedLenFeature([3], tf.float32)}, "values size: 2 but output shape: [3]"),
    ({"label": tf.FixedLenFeature([], tf.float32)}, "Data types don't match"),
]


@pytest.mark.parametrize(("features", "message"), PARSE_ERRORS)
def test_parse_errors_name_the_feature(features, message):
    parsed = tf.parse_single_example(_example(1, [1.0, 2.0]).SerializeToString(), features)
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match=re.escape(message)):
        sess.run(parsed)


def test_tfrecord_dataset_of_examples_and_tfrecord_reader(tmp_path):
    path = str(tmp_path / "data.tfrecord")
    with tf.python_io.TFRecordWriter(path) as writer:
        for label in range(5):
            writer.write(_example(label, [label, label * 2.0]).SerializeToString())
    dataset = tf.data.TFRecordDataset([path]).map(
        lambda record: tf.parse_single_example(record, {
            "label": FEATURES["label"], "values": FEATURES["values"]})).batch(2)
    element = dataset.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        first = sess.run(element)
    assert first["label"].tolist() == [0, 1]
    assert first["values"][1].tolist() == [1.0, 2.0]
    tf.reset_default_graph()
    queue = tf.train.string_input_producer([path], num_epochs=1, shuffle=False)
    _, record = tf.TFRecordReader().read(queue)
    label = tf.parse_single_example(record, {"label": FEATURES["label"]})["label"]
    labels = []
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        with pytest.raises(tf.errors.OutOfRangeError):  # noqa: PT012 - reads until the end; which read ends is the point
            while True:
                labels.append(int(sess.run(label)))
        coord.request_stop()
        coord.join(threads)
    assert labels == [0, 1, 2, 3, 4]


def test_text_line_and_fixed_length_datasets_and_list_files(tmp_path):
    (tmp_path / "a.txt").write_text("one\ntwo\n")
    (tmp_path / "b.txt").write_text("three\n")
    (tmp_path / "c.bin").write_bytes(np.arange(4, dtype=np.uint8).tobytes())
    lines = tf.data.TextLineDataset([str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    files = tf.data.Dataset.list_files(str(tmp_path / "*.txt"), shuffle=False)
    records = tf.data.FixedLengthRecordDataset([str(tmp_path / "c.bin")], 2).map(
        lambda r: tf.decode_raw(r, tf.uint8))
    csv = lines.map(lambda line: tf.decode_csv(line, [[""]]))
    assert lines.output_types == tf.string
    with tf.Session() as sess:
        got_lines = _all(sess, lines)
        got_files = _all(sess, files)
        got_records = _all(sess, records)
        got_csv = _all(sess, csv)
    assert got_lines == [b"one", b"two", b"three"]
    assert [f.rsplit(b"/", 1)[1] for f in got_files] == [b"a.txt", b"b.txt"]
    assert [r.tolist() for r in got_records] == [[0, 1], [2, 3]]
    assert [c[0] for c in got_csv] == [b"one", b"two", b"three"]


def _all(sess, dataset):
    element = dataset.make_one_shot_iterator().get_next()
    out = []
    with pytest.raises(tf.errors.OutOfRangeError):  # noqa: PT012 - reads until the end; which read ends is the point
        while True:
            out.append(sess.run(element))
    return out
