"""Session 11's sweep of research repositories (Kyubyong/transformer, pix2pix-tensorflow,
tensorflow-wavenet, ...): what their programs showed smallflow doing differently from
TensorFlow 1.x, as specifications. TensorFlow's own answers for the same graphs are in
tests/oracle/cases_session11_prog.py."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smallflow as tf

# -- what a Python function run by the graph receives (Kyubyong/transformer's data_load) ------


def _run_py_func(values):
    seen = []

    def record(*args):
        seen.extend(args)
        return np.int32(0)

    done = tf.py_func(record, [tf.constant(v) for v in values], tf.int32)
    with tf.Session() as sess:
        sess.run(done)
    return seen


def test_py_func_hands_a_string_scalar_over_as_bytes():
    (path,) = _run_py_func(["data/bpe.vocab"])
    assert type(path) is bytes
    assert path == b"data/bpe.vocab"


@pytest.mark.parametrize(("value", "dtype"), [(3, np.int32), (2.5, np.float32), (True, np.bool_),
                                              (np.int64(7), np.int64)])
def test_py_func_hands_a_numeric_scalar_over_as_a_numpy_scalar(value, dtype):
    (seen,) = _run_py_func([value])
    assert type(seen) is dtype
    assert seen == value


def test_py_func_hands_arrays_over_as_arrays():
    words, numbers = _run_py_func([["a", "b"], [[1, 2]]])
    assert isinstance(words, np.ndarray)
    assert words.dtype == object
    assert words.tolist() == [b"a", b"b"]
    assert isinstance(numbers, np.ndarray)
    assert numbers.shape == (1, 2)


def test_from_generator_args_let_the_generator_open_a_path_it_is_given(tmp_path):
    # data_load.generator_fn(sents1, sents2, vocab_fpath) opens vocab_fpath.
    vocab = tmp_path / "vocab.tsv"
    vocab.write_text("<pad>\n<unk>\nhello\n")

    def generator(sentences, vocab_path):
        with open(vocab_path) as lines:
            index = {w: i for i, w in enumerate(lines.read().split())}
        for sentence in sentences:
            yield [index.get(w, 1) for w in sentence.decode().split()]

    dataset = tf.data.Dataset.from_generator(generator, tf.int32, [None],
                                             args=(["hello there", "hello"], str(vocab)))
    element = dataset.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        assert sess.run(element).tolist() == [2, 1]
        assert sess.run(element).tolist() == [2]


@settings(max_examples=20, deadline=None)
@given(st.integers(-(2**31), 2**31 - 1), st.text(max_size=8))
def test_from_generator_scalar_args_arrive_as_python_scalars(number, text):
    seen = []

    def generator(count, word):
        seen.append((count, word))
        yield 0

    dataset = tf.data.Dataset.from_generator(generator, tf.int32, (), args=(number, text))
    element = dataset.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        sess.run(element)
    ((count, word),) = seen
    assert type(count) is np.int32
    assert count == number
    assert type(word) is bytes
    assert word == text.encode()


# -- tf.layers' training given as a tensor of known value (transformer's tf1.2_legacy) -------


def test_dropout_decides_on_the_truth_of_a_constant_string_training():
    # train.py: tf.layers.dropout(x, rate, training=tf.convert_to_tensor("train"))
    ones = tf.ones([40, 50])
    active = tf.layers.dropout(ones, 0.5, training=tf.convert_to_tensor("train"))
    inactive = tf.layers.dropout(ones, 0.5, training=tf.convert_to_tensor(""))
    assert inactive.op.type == "Identity"
    with tf.Session() as sess:
        dropped, kept = sess.run([active, inactive])
    assert set(np.unique(dropped)) == {0.0, 2.0}
    np.testing.assert_array_equal(kept, np.ones([40, 50], np.float32))


def test_a_constant_bool_training_tensor_is_decided_when_the_graph_is_built():
    inactive = tf.layers.dropout(tf.ones([3]), 0.5, training=tf.constant(False))
    assert inactive.op.type == "Identity"


def test_batch_normalization_with_an_empty_string_training_uses_the_moving_statistics():
    x = tf.constant(np.arange(12, dtype=np.float32).reshape(4, 3))
    frozen = tf.layers.batch_normalization(x, training=tf.convert_to_tensor(""))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(frozen), x.eval() / np.sqrt(1.001), rtol=1e-6)


def test_a_string_training_placeholder_is_still_refused():
    with pytest.raises(TypeError, match="training must be a Python bool or a bool tensor"):
        tf.layers.dropout(tf.ones([3]), 0.5, training=tf.placeholder(tf.string, []))
