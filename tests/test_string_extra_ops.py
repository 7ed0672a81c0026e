"""String ops, hashing and tf.io encoders: TensorFlow 1.x's documented behaviour (the oracle
compares many more cases with TensorFlow itself: tests/oracle/cases_strings_io.py)."""

import gzip
import os
import zlib

import numpy as np
import pytest

import smallflow as tf

WORDS = ["hello world", "  Padded\t", "", "caf\u00e9"]


def _run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def _b(values):
    return [v.encode() if isinstance(v, str) else v for v in values]


ELEMENTWISE = [
    (lambda x: tf.strings.length(x), [11, 9, 0, 5]),
    (lambda x: tf.strings.length(x, unit="UTF8_CHAR"), [11, 9, 0, 4]),
    (lambda x: tf.strings.upper(x), _b(["HELLO WORLD", "  PADDED\t", "", "CAF\u00e9"])),
    (lambda x: tf.strings.upper(x, encoding="utf-8"),
     _b(["HELLO WORLD", "  PADDED\t", "", "CAF\u00c9"])),
    (lambda x: tf.strings.lower(x), _b(["hello world", "  padded\t", "", "caf\u00e9"])),
    (lambda x: tf.string_strip(x), _b(["hello world", "Padded", "", "caf\u00e9"])),
    (lambda x: tf.strings.substr(x, 0, 3), _b(["hel", "  P", "", "caf"])),
    (lambda x: tf.strings.regex_full_match(x, r"\w+ \w+"), [True, False, False, False]),
    (lambda x: tf.strings.regex_replace(x, r"(l+)", r"[\1]"),
     _b(["he[ll]o wor[l]d", "  Padded\t", "", "caf\u00e9"])),
    (lambda x: tf.regex_replace(x, "o", r"\0\0", replace_global=False),
     _b(["helloo world", "  Padded\t", "", "caf\u00e9"])),
    (lambda x: tf.decode_base64(tf.encode_base64(x)), _b(WORDS)),
    (lambda x: tf.strings.to_hash_bucket_fast(x, 2**62),
     [1769834696496558107, None, 1936946117179621455, None]),
]


@pytest.mark.parametrize(("build", "expected"), ELEMENTWISE)
def test_elementwise_string_ops(build, expected):
    got = _run(build(tf.constant(WORDS))).tolist()
    assert [g for g, e in zip(got, expected, strict=True) if e is not None] == [
        e for e in expected if e is not None]


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        # Values TensorFlow 1.x returns (FarmHash Fingerprint64, SipHash-2-4, legacy Hash64).
        (lambda x: tf.strings.to_hash_bucket_fast(x, 2**62),
         [1936946117179621455, 3694432073954588131, 1769834696496558107, 845564307397267841]),
        (lambda x: tf.strings.to_hash_bucket_strong(x, 2**62, [7, 11]),
         [3361664221164768847, 3442210485099530380, 3696802957593180202, 737558194379393286]),
        (lambda x: tf.string_to_hash_bucket(x, 2**62),
         [105434511174508091, 2996632905371535868, 936430787915428847, 2543557490402571214]),
    ],
)
def test_hash_buckets_are_tensorflows(build, expected):
    x = tf.constant(["", "a", "hello world", "x" * 70])
    assert _run(build(x)).tolist() == expected


def test_hash_bucket_arguments_are_checked():
    with pytest.raises(ValueError, match="num_buckets"):
        tf.string_to_hash_bucket_fast(["a"], 0)
    with pytest.raises(TypeError, match="string"):
        tf.string_to_hash_bucket_fast([1], 3)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Key must have 2 elements"):
        tf.string_to_hash_bucket_strong(["a"], 3, [1])


def test_fingerprint_is_eight_bytes_per_row():
    y = tf.fingerprint(tf.constant(np.arange(6).reshape(3, 2)))
    assert y.shape.as_list() == [3, 8]
    value = _run(y)
    assert value.dtype == np.uint8
    assert len({bytes(row) for row in value}) == 3


@pytest.mark.parametrize(
    ("pattern", "message"),
    [("a(?=b)", "invalid perl operator"), (r"(a)\1", "invalid escape sequence"),
     ("a++", "bad repetition operator"), ("(", "missing")],
)
def test_patterns_re2_refuses_are_refused(pattern, message):
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        tf.strings.regex_full_match(["ab"], pattern)
    dynamic = tf.strings.regex_full_match(["ab"], tf.constant(pattern))
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        _run(dynamic)


def test_rewrite_naming_a_missing_group_is_refused():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid rewrite pattern"):
        tf.strings.regex_replace(["ab"], "(a)", r"\2")


@pytest.mark.parametrize(
    ("pos", "length", "expected"),
    [(1, 2, b"bc"), (-2, 5, b"ef"), (6, 1, b""), (0, -1, b"abcdef"), (-6, 2, b"ab")],
)
def test_substr_positions(pos, length, expected):
    assert _run(tf.substr("abcdef", pos, length)) == expected


def test_substr_out_of_range_names_the_position():
    with pytest.raises(tf.errors.InvalidArgumentError, match="pos 7 out of range"):
        _run(tf.substr(["abcdef"], 7, 1))


@pytest.mark.parametrize(
    ("axis", "keepdims", "expected"),
    [(None, False, b"abcd"), (0, False, [b"ac", b"bd"]), (1, True, [[b"ab"], [b"cd"]]),
     ([0, 1], False, b"acbd"), ([1, 0], False, b"abcd"), ([], False, [[b"a", b"b"],
                                                                     [b"c", b"d"]])],
)
def test_reduce_join_order_follows_the_axes(axis, keepdims, expected):
    y = tf.reduce_join([["a", "b"], ["c", "d"]], axis=axis, keepdims=keepdims)
    value = _run(y)
    assert (value.tolist() if isinstance(value, np.ndarray) else value) == expected
    assert y.shape.as_list() == list(np.shape(expected))


@pytest.mark.parametrize(
    ("build", "indices", "values", "shape"),
    [
        (lambda x: tf.strings.split(x), [[0, 0], [0, 1], [1, 0]], [b"a", b"b", b"c"], [2, 2]),
        (lambda x: tf.strings.split(x, sep=" "), [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1]],
         [b"a", b"", b"b", b"c", b""], [2, 3]),
        (lambda x: tf.string_split(x), [[0, 0], [0, 1], [1, 0]], [b"a", b"b", b"c"], [2, 2]),
        (lambda x: tf.string_split(x, delimiter="b "), [[0, 0], [1, 0]], [b"a", b"c"],
         [2, 1]),
    ],
)
def test_split_returns_a_sparse_tensor(build, indices, values, shape):
    result = _run(build(tf.constant(["a  b", "c "])))
    assert result.indices.tolist() == indices
    assert result.values.tolist() == values
    assert result.dense_shape.tolist() == shape


def test_split_refuses_ragged_results_and_matrices():
    with pytest.raises(ValueError, match="no RaggedTensor"):
        tf.strings.split(["a"], result_type="RaggedTensor")
    with pytest.raises(ValueError, match="rank 1"):
        tf.string_split([["a"]])


@pytest.mark.parametrize(
    ("text", "pad", "encoded"),
    [(b"hi?>", False, b"aGk_Pg"), (b"hi?>", True, b"aGk_Pg=="), (b"", False, b"")],
)
def test_base64_is_web_safe(text, pad, encoded):
    assert _run(tf.encode_base64(text, pad=pad)) == encoded
    assert _run(tf.decode_base64(encoded)) == text


@pytest.mark.parametrize("bad", [b"a+b/", b"a", b"aGk=a", b"a==="])
def test_invalid_base64_is_an_error(bad):
    with pytest.raises(tf.errors.InvalidArgumentError, match="[Bb]ase64"):
        _run(tf.decode_base64(bad))


DTYPES = [tf.float16, tf.float32, tf.float64, tf.int8, tf.int16, tf.int32, tf.int64, tf.uint8,
          tf.uint16, tf.uint32, tf.uint64, tf.bool, tf.complex64, tf.complex128, tf.string]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.name)
def test_serialize_and_parse_tensor_round_trip(dtype):
    values = np.arange(6).reshape(2, 3)
    if dtype == tf.string:
        values = np.vectorize(lambda v: str(v).encode(), otypes=[object])(values)
    x = tf.constant(values, dtype=dtype)
    back = _run(tf.parse_tensor(tf.serialize_tensor(x), dtype))
    np.testing.assert_array_equal(back, _run(x))


def test_serialized_tensor_is_tensorflows_bytes():
    assert _run(tf.io.serialize_tensor([1.5, 2.0])) == (
        b'\x08\x01\x12\x04\x12\x02\x08\x02"\x08\x00\x00\xc0?\x00\x00\x00@')


def test_parse_tensor_checks_the_type():
    serialized = tf.io.serialize_tensor([1.0])
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"Type mismatch between parsed tensor \(float\) and dtype"):
        _run(tf.io.parse_tensor(serialized, tf.int32))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Could not parse"):
        _run(tf.io.parse_tensor(b"\xff\xff", tf.int32))


@pytest.mark.parametrize(
    ("data", "compression"),
    [(zlib.compress(b"payload"), "ZLIB"), (gzip.compress(b"payload"), "GZIP"),
     (b"payload", "")],
)
def test_decode_compressed(data, compression):
    assert _run(tf.decode_compressed([data], compression)).tolist() == [b"payload"]


def test_decode_compressed_refuses_bad_data():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Could not decompress"):
        _run(tf.decode_compressed([b"nope"], "GZIP"))


def test_write_file_then_read_file(tmp_path):
    path = str(tmp_path / "sub" / "out.bin")
    write = tf.write_file(path, tf.constant(b"\x00data"))
    with tf.Session() as sess:
        assert sess.run(write) is None
        assert sess.run(tf.read_file(path)) == b"\x00data"
    assert os.listdir(tmp_path / "sub") == ["out.bin"]  # no temporary file left


def test_match_filenames_once_is_a_local_variable(tmp_path):
    for name in ("a.txt", "b.txt", "c.csv"):
        (tmp_path / name).write_text("x")
    files = tf.io.match_filenames_once(str(tmp_path / "*.txt"))
    assert files in tf.local_variables()
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        assert [os.path.basename(f) for f in sess.run(files).tolist()] == [b"a.txt", b"b.txt"]


def test_decode_json_example_parses_as_an_example():
    pytest.importorskip("google.protobuf", reason="tf.train.Example needs the tensorboard extra")
    json_text = '{"features": {"feature": {"x": {"int64List": {"value": ["5", 6]}}}}}'
    binary = _run(tf.io.decode_json_example([json_text]))[0]
    example = tf.train.Example.FromString(binary)
    assert list(example.features.feature["x"].int64_list.value) == [5, 6]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Error while parsing JSON"):
        _run(tf.io.decode_json_example(['{"nope": 1}']))


def test_io_aliases_are_the_tf1_objects():
    assert tf.io.TFRecordWriter is tf.python_io.TFRecordWriter
    assert tf.io.tf_record_iterator is tf.python_io.tf_record_iterator
    assert tf.io.TFRecordOptions is tf.python_io.TFRecordOptions
    assert tf.io.parse_example is tf.parse_example
    assert tf.io.FixedLenFeature is tf.FixedLenFeature


def test_priority_queue_dequeues_the_smallest_priority_first():
    queue = tf.io.PriorityQueue(10, [tf.string], shapes=[[]])
    assert queue.dtypes == [tf.int64, tf.string]
    enqueue = queue.enqueue_many([[5, 1, 3, 1], ["e", "a", "c", "b"]])
    priorities, values = queue.dequeue_many(4)
    with tf.Session() as sess:
        sess.run(enqueue)
        got_priorities, got_values = sess.run([priorities, values])
    assert got_priorities.tolist() == [1, 1, 3, 5]
    assert got_values.tolist() == [b"a", b"b", b"c", b"e"]


def test_sparse_tensors_round_trip_through_serialized_strings():
    sparse = tf.SparseTensor(tf.constant([[0, 1, 1], [1, 0, 2]], tf.int64),
                             tf.constant([1.5, 2.5]), tf.constant([3, 2, 3], tf.int64))
    one = tf.io.serialize_sparse(sparse)
    many = tf.serialize_many_sparse(sparse)
    back = tf.deserialize_many_sparse(many, tf.float32)
    with tf.Session() as sess:
        one_value, many_value, result = sess.run([one, many, back])
    assert one_value.shape == (3,)
    assert many_value.shape == (3, 3)
    assert result.indices.tolist() == [[0, 1, 1], [1, 0, 2]]
    assert result.values.tolist() == [1.5, 2.5]
    assert result.dense_shape.tolist() == [3, 2, 3]
    sess = tf.Session()
    values = tf.deserialize_many_sparse(many, tf.int32).values
    with pytest.raises(tf.errors.InvalidArgumentError, match="Requested SparseTensor of type"):
        sess.run(values)


def test_serialize_many_sparse_needs_sorted_indices():
    sparse = tf.SparseTensor(tf.constant([[1, 0], [0, 1]], tf.int64), tf.constant([1, 2]),
                             tf.constant([2, 2], tf.int64))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[1\] = \[0,1\] is out"):
        _run(tf.serialize_many_sparse(sparse))


def _sequence_example():
    pytest.importorskip("google.protobuf", reason="tf.train.SequenceExample needs protobuf")
    feature_lists = tf.train.FeatureLists(feature_list={
        "tokens": tf.train.FeatureList(feature=[
            tf.train.Feature(int64_list=tf.train.Int64List(value=[s, s + 1])) for s in (1, 2)]),
        "words": tf.train.FeatureList(feature=[
            tf.train.Feature(bytes_list=tf.train.BytesList(value=w)) for w in ([b"a"], [])])})
    context = tf.train.Features(feature={
        "id": tf.train.Feature(int64_list=tf.train.Int64List(value=[7]))})
    return tf.train.SequenceExample(context=context,
                                    feature_lists=feature_lists).SerializeToString()


def test_parse_single_sequence_example():
    context, sequences = tf.parse_single_sequence_example(
        _sequence_example(), {"id": tf.FixedLenFeature([], tf.int64)},
        {"tokens": tf.io.FixedLenSequenceFeature([2], tf.int64),
         "words": tf.io.VarLenFeature(tf.string)})
    assert sequences["tokens"].shape.as_list() == [None, 2]
    with tf.Session() as sess:
        ctx, seq = sess.run([context, sequences])
    assert ctx["id"] == 7
    assert seq["tokens"].tolist() == [[1, 2], [2, 3]]
    assert seq["words"].indices.tolist() == [[0, 0]]
    assert seq["words"].dense_shape.tolist() == [2, 1]


def test_parse_sequence_example_pads_and_reports_lengths():
    record = _sequence_example()
    _, sequences, lengths = tf.io.parse_sequence_example(
        [record, record], sequence_features={"tokens": tf.FixedLenSequenceFeature(
            [2], tf.int64)})
    value, length = _run([sequences["tokens"], lengths["tokens"]])
    assert value.shape == (2, 2, 2)
    assert length.tolist() == [2, 2]


def test_missing_sequence_feature_is_an_error_unless_allowed():
    record = _sequence_example()
    _, allowed = tf.parse_single_sequence_example(
        record, sequence_features={"nope": tf.FixedLenSequenceFeature([], tf.float32,
                                                                      allow_missing=True)})
    assert _run(allowed["nope"]).shape == (0,)
    _, required = tf.parse_single_sequence_example(
        record, sequence_features={"nope": tf.FixedLenSequenceFeature([], tf.float32)})
    with pytest.raises(tf.errors.InvalidArgumentError, match="Feature list 'nope' is required"):
        _run(required["nope"])
