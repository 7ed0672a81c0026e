"""tf.string tensors: constants, placeholders, feeds and fetches of bytes, and the string ops."""

import subprocess
import sys

import numpy as np
import pytest

import smallflow as tf


def _run(fetch, feed_dict=None):
    with tf.Session() as sess:
        return sess.run(fetch, feed_dict)


def test_hello_tensorflow_prints_bytes():
    program = (
        "import smallflow as tf\n"
        "hello = tf.constant('Hello, TensorFlow!')\n"
        "sess = tf.Session()\n"
        "print(sess.run(hello))\n"
    )
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                         check=True).stdout
    assert out == "b'Hello, TensorFlow!'\n"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("abc", b"abc"),
        (b"abc", b"abc"),
        ("h\u00e9", "h\u00e9".encode()),
        (["a", b"bc"], np.array([b"a", b"bc"], dtype=object)),
        (np.array(["x", "yz"]), np.array([b"x", b"yz"], dtype=object)),
        (np.array([b"x"]), np.array([b"x"], dtype=object)),
        ([["a"], ["b"]], np.array([[b"a"], [b"b"]], dtype=object)),
    ],
)
def test_string_constant_holds_bytes(value, expected):
    tensor = tf.constant(value)
    assert tensor.dtype == tf.string
    got = _run(tensor)
    if isinstance(expected, bytes):
        assert type(got) is bytes
        assert got == expected
    else:
        assert got.dtype == object
        assert got.tolist() == expected.tolist()
        assert all(type(item) is bytes for item in got.flat)


def test_string_constant_fills_a_shape():
    assert _run(tf.constant("x", shape=[2, 2])).tolist() == [[b"x", b"x"], [b"x", b"x"]]


@pytest.mark.parametrize(
    ("value", "dtype", "message"),
    [
        ("a", tf.float32, "Expected float32"),
        (1, tf.string, "Expected string"),
        ([b"a", 1], tf.string, "Expected string"),
    ],
)
def test_constant_refuses_mixing_strings_and_numbers(value, dtype, message):
    with pytest.raises(TypeError, match=message):
        tf.constant(value, dtype=dtype)


@pytest.mark.parametrize(
    ("fed", "expected"),
    [
        (["a", "b"], [b"a", b"b"]),
        ([b"a", b"cc"], [b"a", b"cc"]),
        (np.array(["a", "b"]), [b"a", b"b"]),
        (np.array([b"a", b"b"], dtype=object), [b"a", b"b"]),
    ],
)
def test_string_placeholder_is_fed_bytes_or_text(fed, expected):
    names = tf.placeholder(tf.string, [None], name="names")
    got = _run(tf.identity(names), {names: fed})
    assert got.tolist() == expected


def test_string_placeholder_refuses_numbers():
    names = tf.placeholder(tf.string, [None], name="names")
    with pytest.raises(TypeError, match="names:0"):
        _run(tf.identity(names), {names: [1, 2]})


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (np.array([1.5, np.nan, -np.inf], np.float32), {}, [b"1.500000", b"nan", b"-inf"]),
        (np.array([2.0], np.float64), {"precision": 2}, [b"2.00"]),
        (np.array([1234.5]), {"scientific": True}, [b"1.234500e+03"]),
        (np.array([0.5]), {"shortest": True}, [b"0.5"]),
        (np.array([7, -3], np.int32), {}, [b"7", b"-3"]),
        (np.array([7], np.int64), {"width": 4, "fill": "0"}, [b"0007"]),
        (np.array([7], np.int32), {"width": 3}, [b"  7"]),
        (np.array([True, False]), {}, [b"true", b"false"]),
        (np.array([1 + 2j], np.complex64), {}, [b"(1.000000,2.000000)"]),
    ],
)
def test_as_string_formats_like_printf(value, kwargs, expected):
    assert _run(tf.as_string(tf.constant(value), **kwargs)).tolist() == expected


@pytest.mark.parametrize(
    ("value", "kwargs", "error", "message"),
    [
        (np.array([b"a"], object), {}, TypeError, "not in list of allowed values"),
        (np.array([1], np.uint8), {}, TypeError, "not in list of allowed values"),
    ],
)
def test_as_string_refuses_bad_arguments_when_built(value, kwargs, error, message):
    with pytest.raises(error, match=message):
        tf.as_string(tf.constant(value), **kwargs)


@pytest.mark.parametrize(
    ("value", "kwargs", "message"),
    [
        (np.array([1], np.int32), {"precision": 2}, "precision not supported"),
        (np.array([1], np.int8), {"scientific": True}, "scientific and shortest format"),
        (np.array([1.0]), {"scientific": True, "shortest": True}, "Cannot select both"),
        (np.array([1.0]), {"fill": "ab"}, "one or fewer"),
    ],
)
def test_as_string_refuses_bad_attributes_when_run(value, kwargs, message):
    # TensorFlow's kernel checks its attributes: the op builds, the run fails.
    out = tf.as_string(tf.constant(value), **kwargs)
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        _run(out)


@pytest.mark.parametrize(
    ("inputs", "separator", "expected"),
    [
        (["a", "b"], "", b"ab"),
        (["a", ["x", "y"]], "-", [b"a-x", b"a-y"]),
        ([["p", "q"], ["x", "y"], "!"], " ", [b"p x !", b"q y !"]),
    ],
)
def test_strings_join_joins_elementwise(inputs, separator, expected):
    got = _run(tf.strings.join([tf.constant(v) for v in inputs], separator=separator))
    assert (got if isinstance(got, bytes) else got.tolist()) == expected


def test_string_join_is_the_tf1_name():
    assert _run(tf.string_join(["a", "b"], separator=",")) == b"a,b"


def test_strings_join_refuses_mismatched_shapes():
    with pytest.raises(ValueError, match="must be equal"):
        tf.strings.join([tf.constant(["a", "b"]), tf.constant(["a", "b", "c"])])


@pytest.mark.parametrize(
    ("text", "out_type", "expected"),
    [
        (["1.5", " 2e3", "-inf", ".5"], tf.float32, [1.5, 2000.0, -np.inf, 0.5]),
        (["1.5"], tf.float64, [1.5]),
        (["12", "-3", "+4"], tf.int32, [12, -3, 4]),
        (["9000000000"], tf.int64, [9000000000]),
    ],
)
def test_string_to_number_parses(text, out_type, expected):
    for fn in (tf.string_to_number, tf.strings.to_number):
        got = _run(fn(tf.constant(text), out_type=out_type))
        assert got.dtype == out_type.as_numpy_dtype
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize(
    ("text", "out_type"),
    [("abc", tf.float32), ("1.5", tf.int32), ("9000000000", tf.int32), ("1_0", tf.int64)],
)
def test_string_to_number_refuses_text_that_is_not_a_number_at_run_time(text, out_type):
    number = tf.string_to_number(tf.constant([text]), out_type=out_type)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=f"could not correctly convert string: {text}"):
        _run(number)


def test_string_to_number_refuses_numbers_and_other_out_types():
    with pytest.raises(TypeError, match="expected type of string"):
        tf.string_to_number(tf.constant([1.0]))
    with pytest.raises(TypeError, match="out_type"):
        tf.string_to_number(tf.constant(["1"]), out_type=tf.int8)


def test_strings_add_and_compare():
    assert _run(tf.constant("a") + tf.constant("b")) == b"ab"
    assert _run(tf.equal(tf.constant(["a", "b"]), "a")).tolist() == [True, False]
