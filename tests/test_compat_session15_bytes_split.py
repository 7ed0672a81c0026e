"""tf.strings.bytes_split (session 15): TensorFlow 1.15's bytes of each string, as a ragged
tensor (kernel tests listed it missing)."""

import pytest

import smallflow as tf


def test_bytes_split_of_scalars_vectors_matrices_and_ragged():
    with tf.Session() as sess:
        assert sess.run(tf.strings.bytes_split("hello")).tolist() == [b"h", b"e", b"l", b"l",
                                                                      b"o"]
        vector = sess.run(tf.strings.bytes_split(["hello", "", "h\u00e9"]))
        assert vector.to_list() == [[b"h", b"e", b"l", b"l", b"o"], [],
                                    [b"h", b"\xc3", b"\xa9"]]
        matrix = sess.run(tf.strings.bytes_split([["ab", "c"], ["", "d"]]))
        assert matrix.to_list() == [[[b"a", b"b"], [b"c"]], [[], [b"d"]]]
        ragged = sess.run(tf.strings.bytes_split(tf.ragged.constant([["ab"], ["c", ""]])))
        assert ragged.to_list() == [[[b"a", b"b"]], [[b"c"], []]]
    with pytest.raises(ValueError, match="requested dtype string"):  # as TensorFlow
        tf.strings.bytes_split(tf.constant([1, 2]))
