"""Session 11's API gaps: the Unicode string ops with RaggedTensor results,
``tf.ragged.placeholder``, SparseTensor elements in ``tf.data``, the stateless random ops.
The oracle cases ``session11_gaps/*`` compare the same behaviours with TensorFlow."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smallflow as tf
from smallflow.errors import InvalidArgumentError


def _run(fetches, feed_dict=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed_dict)


def _lists(value):
    return value.to_list() if hasattr(value, "to_list") else value.tolist()


# -- tf.strings.unicode_decode and friends --------------------------------------------------

BROKEN = [b"a\xffb", b"\xe2\x82a", b"\xed\xa0\x80", b"\x00\x01x", b"\xf0\x9f\x98\x8a"]
DECODE_TABLE = [
    # errors, replace_control_characters, code points, offsets
    ("replace", False, [[97, 0xFFFD, 98], [0xFFFD, 97], [0xFFFD] * 3, [0, 1, 120], [0x1F60A]],
     [[0, 1, 2], [0, 2], [0, 1, 2], [0, 1, 2], [0]]),
    ("ignore", False, [[97, 98], [97], [], [0, 1, 120], [0x1F60A]],
     [[0, 2], [2], [], [0, 1, 2], [0]]),
    ("replace", True, [[97, 0xFFFD, 98], [0xFFFD, 97], [0xFFFD] * 3, [0xFFFD, 0xFFFD, 120],
                       [0x1F60A]],
     [[0, 1, 2], [0, 2], [0, 1, 2], [0, 1, 2], [0]]),
    ("ignore", True, [[97, 98], [97], [], [120], [0x1F60A]], [[0, 2], [2], [], [2], [0]]),
]


@pytest.mark.parametrize(("errors", "controls", "points", "offsets"), DECODE_TABLE)
def test_unicode_decode_replaces_or_skips_each_maximal_bad_sequence(errors, controls, points,
                                                                    offsets):
    x = tf.constant(BROKEN)
    decoded = tf.strings.unicode_decode(x, "UTF-8", errors=errors,
                                        replace_control_characters=controls)
    with_offsets = tf.strings.unicode_decode_with_offsets(
        x, "UTF-8", errors=errors, replace_control_characters=controls)
    got, (got_points, got_offsets) = _run([decoded, with_offsets])
    assert isinstance(decoded, tf.RaggedTensor)
    assert got.to_list() == points
    assert got_points.to_list() == points
    assert got_offsets.to_list() == offsets
    assert got_offsets.flat_values.dtype == np.int64
    assert got_points.flat_values.dtype == np.int32


def test_unicode_decode_strict_fails_on_malformed_input_only():
    strict = tf.strings.unicode_decode(tf.constant([b"ok", b"\xc3"]), "UTF-8", errors="strict")
    with pytest.raises(InvalidArgumentError, match="Invalid formatting on input string"):
        _run(strict)
    controls = tf.strings.unicode_decode(tf.constant([b"a\x01"]), "UTF-8", errors="strict",
                                         replace_control_characters=True)
    assert _run(controls).to_list() == [[97, 0xFFFD]]


@pytest.mark.parametrize(("encoding", "data", "points", "offsets"), [
    ("UTF-16-BE", b"\xd8\x3d\xd8\x3d\xde\x0a\x00", [0xFFFD, 0x1F60A, 0xFFFD], [0, 2, 6]),
    ("UTF-32-BE", b"\x00\x11\x00\x00\x00\x00\x00a\x00", [0xFFFD, 97, 0xFFFD], [0, 4, 8]),
    ("ISO-8859-1", b"caf\xe9", [99, 97, 102, 0xE9], [0, 1, 2, 3]),
])
def test_unicode_decode_other_encodings(encoding, data, points, offsets):
    got_points, got_offsets = _run(tf.strings.unicode_decode_with_offsets([data], encoding))
    assert got_points.to_list() == [points]
    assert got_offsets.to_list() == [offsets]


def test_unicode_decode_unknown_encoding_fails_when_run():
    decoded = tf.strings.unicode_decode(["a"], "NO-SUCH-ENCODING")
    with pytest.raises(InvalidArgumentError, match="Could not create converter"):
        _run(decoded)


def test_unicode_decode_keeps_the_input_dimensions():
    scalar = tf.strings.unicode_decode("h\u00e9", "UTF-8")
    matrix = tf.strings.unicode_decode([["ab", "\u00e7"], ["", "xyz"]], "UTF-8")
    ragged = tf.strings.unicode_decode(tf.ragged.constant([["ab"], [], ["c", ""]]), "UTF-8")
    assert isinstance(scalar, tf.Tensor)
    assert scalar.shape.as_list() == [None]
    assert (matrix.ragged_rank, matrix.shape.as_list()) == (2, [2, None, None])
    assert ragged.ragged_rank == 2
    got = _run([scalar, matrix, ragged])
    assert got[0].tolist() == [104, 0xE9]
    assert got[1].to_list() == [[[97, 98], [0xE7]], [[], [120, 121, 122]]]
    assert got[2].to_list() == [[[97, 98]], [], [[99], []]]


def test_unicode_split_gives_each_character_in_the_input_encoding():
    chars, starts = tf.strings.unicode_split_with_offsets(
        tf.constant([b"\x00a\xd8\x3d\xde\x0a", b"\xdc\x00"]), "UTF-16-BE")
    split = tf.strings.unicode_split("\u00e9t\u00e9", "UTF-8")
    got_chars, got_starts, got_split = _run([chars, starts, split])
    assert got_chars.to_list() == [[b"\x00a", b"\xd8\x3d\xde\x0a"], [b"\xff\xfd"]]
    assert got_starts.to_list() == [[0, 2], [0]]
    assert got_split.tolist() == [b"\xc3\xa9", b"t", b"\xc3\xa9"]


ENCODE_TABLE = [
    # encoding, errors, replacement_char, expected (rows: a pair, a lone surrogate, -1, past
    # the last code point, U+10FFFF)
    ("UTF-8", "replace", 0xFFFD, [b"\xf0\x9f\x98\x8a", b"\xef\xbf\xbdA", b"\xef\xbf\xbd",
                                  b"\xef\xbf\xbd", b"\xf4\x8f\xbf\xbf"]),
    ("UTF-8", "replace", 0x2A, [b"\xf0\x9f\x98\x8a", b"*A", b"*", b"*", b"\xf4\x8f\xbf\xbf"]),
    ("UTF-8", "ignore", 0x2A, [b"\xf0\x9f\x98\x8a", b"A", b"", b"", b"\xf4\x8f\xbf\xbf"]),
    ("UTF-16-BE", "replace", 0xD800, [b"\xd8\x3d\xde\x0a", b"\xd8\x00\x00A", b"\xd8\x00",
                                      b"\xd8\x00", b"\xdb\xff\xdf\xff"]),
    ("UTF-32-BE", "replace", 0x2A, [b"\x00\x01\xf6\x0a", b"\x00\x00\x00*\x00\x00\x00A",
                                    b"\x00\x00\x00*", b"\x00\x00\x00*", b"\x00\x10\xff\xff"]),
]


@pytest.mark.parametrize(("encoding", "errors", "replacement", "expected"), ENCODE_TABLE)
def test_unicode_encode_treats_surrogates_and_out_of_range_values_as_invalid(
        encoding, errors, replacement, expected):
    points = tf.ragged.constant([[0x1F60A], [0xDC00, 65], [-1], [0x110000], [0x10FFFF]],
                                dtype=tf.int32)
    encoded = tf.strings.unicode_encode(points, encoding, errors=errors,
                                        replacement_char=replacement)
    assert _run(encoded).tolist() == expected


def test_unicode_encode_strict_names_the_rule():
    encoded = tf.strings.unicode_encode(tf.ragged.constant([[65, 0xD800]]), "UTF-8",
                                        errors="strict")
    with pytest.raises(InvalidArgumentError, match="out of range for Unicode, or is a surr"):
        _run(encoded)


def test_unicode_encode_dense_shapes():
    vector = tf.strings.unicode_encode([72, 105], "UTF-8")
    cube = tf.strings.unicode_encode([[[72, 105]], [[0x263A, 33]]], "UTF-8")
    assert vector.shape.ndims == 0
    got = _run([vector, cube])
    assert got[0] == b"Hi"
    assert got[1].tolist() == [[b"Hi"], [b"\xe2\x98\xba!"]]
    with pytest.raises(ValueError, match="rank must be at least 1"):
        tf.strings.unicode_encode(65, "UTF-8")
    with pytest.raises(ValueError, match="output_encoding"):
        tf.strings.unicode_encode([65], "latin-1")


def test_unicode_transcode_strict_counts_replaced_control_characters():
    out = tf.strings.unicode_transcode([b"a\x01"], "UTF-8", "UTF-8", errors="strict",
                                       replace_control_characters=True)
    with pytest.raises(InvalidArgumentError, match="Invalid formatting"):
        _run(out)


def test_unicode_script_gives_icu_codes():
    scripts = tf.strings.unicode_script([0x41, 0x4E00, 0x416, 0x20, 0x300, -1, 0x110000])
    assert _run(scripts).tolist() == [25, 17, 8, 0, 1, -1, -1]


text_strategy = st.lists(st.text(max_size=6), min_size=1, max_size=5)


@settings(max_examples=40, deadline=None)
@given(text_strategy, st.sampled_from(["UTF-8", "UTF-16-BE", "UTF-32-BE"]))
def test_unicode_round_trip_and_offsets(texts, encoding):
    """Well-formed text decodes to its code points, each offset is where its character's
    bytes start, and encoding the code points gives the bytes back."""
    texts = [t.encode("utf-16", "surrogatepass").decode("utf-16", "replace") for t in texts]
    codec = encoding.lower()
    data = [t.encode(codec) for t in texts]
    points, offsets = tf.strings.unicode_decode_with_offsets(data, encoding)
    again = tf.strings.unicode_encode(points, encoding)
    got_points, got_offsets, got_again = _run([points, offsets, again])
    assert got_points.to_list() == [[ord(c) for c in t] for t in texts]
    expected_offsets = [[len(t[:i].encode(codec)) for i in range(len(t))] for t in texts]
    assert got_offsets.to_list() == expected_offsets
    assert got_again.tolist() == data


# -- strings.length / substr in UTF-8 characters, string scalars from slices ----------------


def test_substr_utf8_chars_keep_stray_continuation_bytes_with_their_character():
    x = tf.constant([b"\x80\x80a", b"a\xc3\xa9\x80b"])
    got = _run([tf.strings.substr(x, 0, 1, unit="UTF8_CHAR"),
                tf.strings.substr(x, 1, -1, unit="UTF8_CHAR"),
                tf.strings.substr(x, -1, 1, unit="UTF8_CHAR"),
                tf.strings.length(x, unit="UTF8_CHAR")])
    assert got[0].tolist() == [b"\x80\x80", b"a"]
    assert got[1].tolist() == [b"", b""]
    assert got[2].tolist() == [b"a", b"b"]
    assert got[3].tolist() == [1, 3]
    with pytest.raises(InvalidArgumentError, match="out of range"):
        _run(tf.strings.substr(x[:1], 3, 1, unit="UTF8_CHAR"))


def test_an_element_of_a_string_vector_is_a_scalar_tensor_for_the_next_op():
    x = tf.constant([b"ab", b"cde"])
    assert _run(tf.strings.length(x[1])) == 3


# -- tf.ragged.placeholder ------------------------------------------------------------------


def test_ragged_placeholder_is_fed_a_ragged_tensor_value():
    ph = tf.ragged.placeholder(tf.int32, 1, [])
    nested = tf.ragged.placeholder(tf.float32, 2, [2], name="nested")
    assert ph.flat_values.name == "RaggedPlaceholder/flat_values:0"
    assert [s.name for s in nested.nested_row_splits] == ["nested/row_splits_0:0",
                                                          "nested/row_splits_1:0"]
    assert tf.ragged.placeholder(tf.int32, 1).flat_values.shape.ndims is None
    assert isinstance(tf.ragged.placeholder(tf.int32, 0, [3]), tf.Tensor)
    value = tf.ragged.constant_value([[104, 105], [], [0x1F60A]], dtype="int32")
    nested_value = tf.ragged.constant_value([[[[1.0, 2.0]], []], [[[3.0, 4.0]]]],
                                            ragged_rank=2, dtype="float32")
    encoded, doubled = _run([tf.strings.unicode_encode(ph, "UTF-8"), nested * 2.0],
                            {ph: value, nested: nested_value})
    assert encoded.tolist() == [b"hi", b"", b"\xf0\x9f\x98\x8a"]
    assert doubled.to_list() == [[[[2.0, 4.0]], []], [[[6.0, 8.0]]]]


def test_ragged_placeholder_refuses_other_feeds():
    ph = tf.ragged.placeholder(tf.int32, 1, [])
    with pytest.raises(TypeError, match="RaggedTensorValue"):
        _run(ph.flat_values, {ph: [[1], [2]]})
    deeper = tf.ragged.constant_value([[[1]]], ragged_rank=2, dtype="int32")
    with pytest.raises(ValueError, match="ragged_rank 2 to a RaggedTensor of ragged_rank 1"):
        _run(ph.flat_values, {ph: deeper})


def test_from_tensor_with_ragged_rank_two():
    rt = tf.RaggedTensor.from_tensor([[[1, 0], [2, 3]], [[0, 0], [4, 0]]], padding=0,
                                     ragged_rank=2)
    assert rt.shape.as_list() == [2, None, None]
    assert _run(rt).to_list() == [[[1], [2, 3]], [[], [4]]]
    with pytest.raises(ValueError, match="must be less than the rank"):
        tf.RaggedTensor.from_tensor([[1]], ragged_rank=2)


# -- SparseTensor elements in tf.data -------------------------------------------------------


def _sparse():
    return tf.SparseTensor(indices=[[0, 0], [1, 1], [1, 2], [3, 0]], values=[1.0, 2.0, 3.0, 4.0],
                           dense_shape=[4, 5])


def _elements(dataset, count=None):
    element = tf.data.make_one_shot_iterator(dataset).get_next()
    out = []
    with tf.Session() as sess:
        while count is None or len(out) < count:
            try:
                out.append(sess.run(element))
            except tf.errors.OutOfRangeError:
                break
    return out


def _triple(value):
    return (value.indices.tolist(), value.values.tolist(), value.dense_shape.tolist())


def test_sparse_slices_and_their_structure():
    dataset = tf.data.Dataset.from_tensor_slices(_sparse())
    assert tf.data.get_output_classes(dataset) is tf.SparseTensor
    assert dataset.output_classes is tf.SparseTensor
    assert tf.compat.v1.data.get_output_shapes(dataset).as_list() == [5]
    assert tf.data.get_output_types(dataset) == tf.float32
    rows = [_triple(v) for v in _elements(dataset)]
    assert rows == [([[0]], [1.0], [5]), ([[1], [2]], [2.0, 3.0], [5]),
                    ([], [], [5]), ([[0]], [4.0], [5])]
    whole = tf.data.Dataset.from_tensors(_sparse())
    assert tf.data.get_output_shapes(whole).as_list() == [4, 5]


def test_sparse_batch_unbatch_and_get_next_shape():
    batched = tf.data.Dataset.from_tensor_slices(_sparse()).batch(3)
    assert tf.data.get_output_shapes(batched).as_list() == [None, 5]
    element = tf.data.make_one_shot_iterator(batched).get_next()
    assert isinstance(element, tf.SparseTensor)
    assert element.shape.as_list() == [None, 5]
    assert [_triple(v) for v in _elements(batched)] == [
        ([[0, 0], [1, 1], [1, 2]], [1.0, 2.0, 3.0], [3, 5]), ([[0, 0]], [4.0], [1, 5])]
    again = batched.apply(tf.data.experimental.unbatch())
    assert [_triple(v) for v in _elements(again)][1] == ([[1], [2]], [2.0, 3.0], [5])


def test_batching_sparse_elements_of_different_sizes_takes_the_largest():
    dataset = tf.data.Dataset.range(3).map(lambda i: tf.SparseTensor(
        indices=tf.reshape(tf.range(i), [-1, 1]), values=tf.range(i),
        dense_shape=tf.reshape(i + 1, [1])))
    assert tf.data.get_output_classes(dataset) is tf.SparseTensor
    (batch,) = _elements(dataset.batch(3))
    assert _triple(batch) == ([[1, 0], [2, 0], [2, 1]], [0, 0, 1], [3, 3])


def test_sparse_elements_refuse_padded_batch_and_unsorted_slices():
    dataset = tf.data.Dataset.from_tensor_slices(_sparse())
    with pytest.raises(TypeError, match="padded sparse tensors"):
        dataset.padded_batch(2, padded_shapes=[5])
    unsorted = tf.SparseTensor(indices=[[1, 0], [0, 0]], values=[1, 2], dense_shape=[2, 2])
    element = tf.data.make_one_shot_iterator(
        tf.data.Dataset.from_tensor_slices(unsorted)).get_next()
    with pytest.raises(InvalidArgumentError, match=r"indices\[1\] = \[0,0\] is out of order"):
        _run(element)


def _example(tokens, label):
    feature = {"tokens": tf.train.Feature(int64_list=tf.train.Int64List(value=tokens)),
               "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[label]))}
    return tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString()


FEATURES = {"tokens": tf.io.VarLenFeature(tf.int64),
            "label": tf.io.FixedLenFeature([], tf.int64)}


def test_parse_example_with_var_len_features_in_a_pipeline():
    records = [_example([1, 2, 3], 0), _example([4], 1), _example([], 0)]
    dataset = tf.data.Dataset.from_tensor_slices(records)
    single = dataset.map(lambda r: tf.io.parse_single_example(r, FEATURES))
    assert tf.data.get_output_classes(single) == {"tokens": tf.SparseTensor,
                                                  "label": tf.Tensor}
    shuffled = single.shuffle(3, seed=1).repeat(2).batch(2).prefetch(1)
    batches = _elements(shuffled)
    assert sum(len(b["tokens"].values) for b in batches) == 8
    assert [len(b["label"]) for b in batches] == [2, 2, 2]
    parsed = dataset.batch(3).map(lambda r: tf.io.parse_example(r, FEATURES))
    (batch,) = _elements(parsed)
    assert list(batch) == ["tokens", "label"]  # TensorFlow's order: sparse features first
    assert _triple(batch["tokens"]) == ([[0, 0], [0, 1], [0, 2], [1, 0]], [1, 2, 3, 4], [3, 3])
    dense = single.map(lambda d: tf.sparse.to_dense(d["tokens"]), num_parallel_calls=2)
    assert [v.tolist() for v in _elements(dense)] == [[1, 2, 3], [4], []]


def test_string_split_in_map_and_an_iterator_from_structure():
    lines = tf.data.Dataset.from_tensor_slices(["a b c", "d e"]).map(
        lambda line: tf.string_split([line]))
    iterator = tf.data.Iterator.from_structure(
        tf.data.get_output_types(lines), tf.data.get_output_shapes(lines),
        output_classes=tf.data.get_output_classes(lines))
    assert tf.data.get_output_classes(iterator) is tf.SparseTensor
    element = iterator.get_next()
    with tf.Session() as sess:
        sess.run(iterator.make_initializer(lines))
        first = sess.run(element)
    assert _triple(first) == ([[0, 0], [0, 1], [0, 2]], [b"a", b"b", b"c"], [1, 3])
    dense = tf.data.Dataset.from_tensor_slices(["a"])
    with pytest.raises(TypeError, match="output classes"):
        iterator.make_initializer(dense)


def test_zip_filter_and_flat_map_carry_sparse_components():
    sparse = tf.data.Dataset.from_tensor_slices(_sparse())
    zipped = tf.data.Dataset.zip((sparse, tf.data.Dataset.range(4))).filter(
        lambda st, i: i > 1)
    assert tf.data.get_output_classes(zipped) == (tf.SparseTensor, tf.Tensor)
    assert [(_triple(st), i) for st, i in _elements(zipped)] == [
        (([], [], [5]), 2), (([[0]], [4.0], [5]), 3)]
    flat = sparse.flat_map(lambda st: tf.data.Dataset.from_tensors(st.values))
    assert [v.tolist() for v in _elements(flat)] == [[1.0], [2.0, 3.0], [], [4.0]]


# -- the r1 unicode tutorial's ragged calls; tf.contrib.stateless ---------------------------


def test_unicode_script_length_and_transcode_take_ragged_tensors():
    words = tf.ragged.constant([["a\u0416", "\u4e00"], [], ["b"]])
    points = tf.strings.unicode_decode(tf.constant(["a\u0416", "\u4e00!"]), "UTF-8")
    scripts = tf.strings.unicode_script(points)
    lengths = tf.strings.length(words, unit="UTF8_CHAR")
    wide = tf.strings.unicode_transcode(words, "UTF-8", "UTF-16-BE")
    assert isinstance(scripts, tf.RaggedTensor)
    got = _run([scripts, lengths, wide])
    assert got[0].to_list() == [[25, 8], [17, 0]]
    assert got[1].to_list() == [[2, 1], [], [1]]
    assert got[2].to_list() == [[b"\x00a\x04\x16", b"\x4e\x00"], [], [b"\x00b"]]


def test_contrib_stateless_is_the_stateless_ops():
    uniform = tf.contrib.stateless.stateless_random_uniform([5], seed=[1, 2])
    same = tf.random.stateless_uniform([5], seed=[1, 2])
    normal = tf.contrib.stateless.stateless_random_normal([3], seed=[1, 2])
    first, second, third = _run([uniform, same, normal])
    np.testing.assert_array_equal(first, second)
    assert third.shape == (3,)
    with pytest.raises(AttributeError, match="tf.contrib.stateless"):
        tf.contrib.stateless.stateless_random_poisson  # noqa: B018 - the lookup is the test


# -- tf.random.experimental.Generator, float64 normals -------------------------------------


def test_generator_state_moves_256_blocks_per_value_with_a_128_bit_carry():
    g = tf.random.experimental.Generator.from_key_counter(key=5, counter=[2**64 - 300, 1],
                                                          alg=1)
    draw = g.uniform([5])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(g.state)
        values = sess.run(draw)
        after = sess.run(g.state)
        again = sess.run(draw)
    assert before.tolist() == [-300, 1, 5]
    assert after.tolist() == [-300 + 5 * 256, 2, 5]
    assert values.dtype == np.float32
    assert not np.array_equal(values, again)  # the next run starts where this one ended


def test_generator_draws_are_the_philox_stream_at_its_state():
    g = tf.random.experimental.Generator.from_seed(1234)
    normal = g.normal([5])
    full = g.uniform_full_int([2], dtype=tf.int64)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got_normal = sess.run(normal)
        got_full = sess.run(full)
        state = sess.run(g.state)
    from smallflow.ops import philox

    stream = philox.PhiloxStream(0, 0)
    stream.counter = 1234
    first = philox.normal(stream, 5, np.float32)
    words = philox.philox_blocks(0, 1234 + 5 * 256, 1).reshape(-1).astype(np.uint64)
    second = ((words[1::2] << np.uint64(32)) | words[0::2]).view(np.int64)[:2]
    np.testing.assert_array_equal(got_normal, first)
    np.testing.assert_array_equal(got_full, second)
    assert state.tolist() == [1234 + 7 * 256, 0, 0]


def test_create_rng_state_and_bad_algorithms():
    words = _run(tf.random.experimental.create_rng_state(2**70 + 3, 1))
    assert words.tolist() == [3, 64, 0]
    assert _run(tf.random.experimental.create_rng_state([7, 8], "philox")).tolist() == [0, 7, 8]
    with pytest.raises(ValueError, match="Unsupported algorithm"):
        tf.random.experimental.Generator.from_seed(1, alg=2)
    g = tf.random.experimental.Generator.from_seed(1)
    with pytest.raises(ValueError, match="maxval"):
        g.uniform([2], dtype=tf.int32)
    tf.random.experimental.set_global_generator(g)
    assert tf.random.experimental.get_global_generator() is g


def test_float64_normals_use_the_c_library_functions():
    import math

    from smallflow.ops import philox

    words = philox.philox_blocks(3, 4 << 64, 8).reshape(-1, 4)
    sine, cosine = philox._box_muller_double(*(words[:, i] for i in range(4)))
    uniform = np.maximum(philox._unit_float64(words[:, 0], words[:, 1]), 1e-7)
    angle = 2.0 * np.pi * philox._unit_float64(words[:, 2], words[:, 3])
    radius = np.sqrt(-2.0 * np.array([math.log(u) for u in uniform]))
    np.testing.assert_array_equal(sine, np.array([math.sin(a) for a in angle]) * radius)
    np.testing.assert_array_equal(cosine, np.array([math.cos(a) for a in angle]) * radius)
