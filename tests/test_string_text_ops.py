"""tf.strings.ngrams, unsorted_segment_join, unicode_encode/transcode and format, as
TensorFlow documents them (tests/oracle/cases_strings_io.py compares many more cases)."""

import numpy as np
import pytest

import smallflow as tf

SEQS = [["a", "b", "c", "d"], ["e", "f", "g", "h"]]


def _run(fetch):
    with tf.Session() as sess:
        return sess.run(fetch)


@pytest.mark.parametrize(
    ("kwargs", "first_row"),
    [
        ({"ngram_width": 2}, [b"a b", b"b c", b"c d"]),
        ({"ngram_width": 3, "pad_values": "P"},
         [b"P P a", b"P a b", b"a b c", b"b c d", b"c d P", b"d P P"]),
        ({"ngram_width": [1, 3], "pad_values": ("L", "R"), "padding_width": 1},
         [b"a", b"b", b"c", b"d", b"L a b", b"a b c", b"b c d", b"c d R"]),
        ({"ngram_width": 5}, []),
        ({"ngram_width": 6, "preserve_short_sequences": True}, [b"a b c d"]),
        ({"ngram_width": 2, "separator": "|"}, [b"a|b", b"b|c", b"c|d"]),
    ],
)
def test_ngrams_of_the_last_axis(kwargs, first_row):
    value = _run(tf.strings.ngrams(SEQS, **kwargs))
    assert value.shape == (2, len(first_row))
    assert value[0].tolist() == first_row


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"padding_width": 0, "pad_values": "P"}, "padding_width must be greater than 0"),
     ({"padding_width": 1}, "pad_values must be provided"),
     ({"pad_values": 3}, "pad_values must be a string")],
)
def test_ngrams_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        tf.strings.ngrams(SEQS, 2, **kwargs)


def test_unsorted_segment_join():
    y = tf.strings.unsorted_segment_join(["a", "b", "c", "d"], [1, 0, 1, 1], 3, separator=",")
    assert y.shape.as_list() == [3]
    assert _run(y).tolist() == [b"b", b"a,c,d", b""]
    rows = tf.strings.unsorted_segment_join([["a", "b"], ["c", "d"]], [1, 0], 2)
    assert _run(rows).tolist() == [[b"c", b"d"], [b"a", b"b"]]
    with pytest.raises(tf.errors.InvalidArgumentError, match="segment_ids are not allowed"):
        _run(tf.strings.unsorted_segment_join(["a"], [3], 2))


@pytest.mark.parametrize(
    ("points", "kwargs", "expected"),
    [
        ([[104, 105, 233]], {"output_encoding": "UTF-8"}, [b"hi\xc3\xa9"]),
        ([104, 105], {"output_encoding": "UTF-16-BE"}, b"\x00h\x00i"),
        ([[104, -5, 55296]], {"output_encoding": "UTF-8"}, [b"h\xef\xbf\xbd\xef\xbf\xbd"]),
        ([[104, -5]], {"output_encoding": "UTF-8", "errors": "ignore"}, [b"h"]),
        ([[104, -5]], {"output_encoding": "UTF-8", "replacement_char": 63}, [b"h?"]),
    ],
)
def test_unicode_encode(points, kwargs, expected):
    value = _run(tf.strings.unicode_encode(points, **kwargs))
    assert (value.tolist() if isinstance(value, np.ndarray) else value) == expected


@pytest.mark.parametrize(
    ("data", "args", "kwargs", "expected"),
    [
        (b"caf\xc3\xa9", ("UTF-8", "UTF-16-BE"), {}, b"\x00c\x00a\x00f\x00\xe9"),
        (b"a\xffb\x01", ("UTF-8", "UTF-8"), {"replacement_char": 63,
                                             "replace_control_characters": True}, b"a?b?"),
        (b"a\xffb", ("UTF-8", "UTF-8"), {"errors": "ignore"}, b"ab"),
        (b"\xe9t\xe9", ("ISO-8859-1", "UTF-8"), {}, b"\xc3\xa9t\xc3\xa9"),
    ],
)
def test_unicode_transcode(data, args, kwargs, expected):
    assert _run(tf.strings.unicode_transcode([data], *args, **kwargs)).tolist() == [expected]


def test_unicode_errors_strict_and_bad_options():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid formatting"):
        _run(tf.strings.unicode_transcode([b"\xff"], "UTF-8", "UTF-8", errors="strict"))
    with pytest.raises(ValueError, match="output_encoding"):
        tf.strings.unicode_encode([[1]], "latin-1")


@pytest.mark.parametrize(
    ("template", "inputs", "kwargs", "expected"),
    [
        ("x={} y={}", [[1, 2, 3], 2.5], {}, b"x=[1 2 3] y=2.5"),
        ("{}", [list(range(10))], {}, b"[0 1 2 ... 7 8 9]"),
        ("{}", [list(range(10))], {"summarize": 2}, b"[0 1 ... 8 9]"),
        ("{}", [[[1.5, 2.0], [3.0, 4.0]]], {}, b"[[1.5 2]\n [3 4]]"),
        ("{}", [["a", 'b"']], {}, b'["a" "b\\""]'),
        ("{}", [[True, False]], {}, b"[1 0]"),
        ("<{}>", [np.float32(1e-7)], {}, b"<1e-07>"),
    ],
)
def test_format_summarizes_tensors_as_tensorflow(template, inputs, kwargs, expected):
    assert _run(tf.strings.format(template, inputs, **kwargs)) == expected


def test_format_needs_one_input_per_placeholder():
    with pytest.raises(ValueError, match=r"placeholder\(s\) in template does not match"):
        tf.strings.format("{} {}", [1])
