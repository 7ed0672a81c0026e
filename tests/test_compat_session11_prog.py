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


# -- one element of a string tensor (pix2pix's export: tf.decode_base64(input[0])) -----------

_ENCODED = [b"aGVsbG8", b"aGk"]


@pytest.mark.parametrize("pick", [
    lambda x: x[1],
    lambda x: tf.gather(x, 1),
    lambda x: tf.unstack(x)[1],
    lambda x: tf.gather_nd(x, [1]),
    lambda x: tf.reshape(x, [2, 1])[1, 0],
    lambda x: tf.map_fn(lambda s: s, x)[1],
], ids=["strided_slice", "gather", "unstack", "gather_nd", "index_2d", "map_fn"])
def test_one_picked_string_is_a_string_tensor_value_other_ops_take(pick):
    encoded = tf.placeholder(tf.string, [2])
    picked = pick(encoded)
    decoded = tf.decode_base64(picked)
    with tf.Session() as sess:
        value, text = sess.run([picked, decoded], {encoded: _ENCODED})
    assert type(value) is bytes
    assert value == b"aGk"
    assert text == b"hi"


def test_map_fn_over_strings_gives_an_object_array_of_bytes():
    words = tf.constant(["ab", "cde"])
    same = tf.map_fn(lambda s: s, words)
    with tf.Session() as sess:
        value = sess.run(same)
    assert value.dtype == object
    assert value.tolist() == [b"ab", b"cde"]


# -- images of unknown rank (pix2pix's tools/tfimage.py: placeholders without a shape) --------


def test_tensordot_of_an_operand_of_unknown_rank_contracts_at_run_time():
    a = tf.placeholder(tf.float32)
    b = tf.constant(np.arange(12, dtype=np.float32).reshape(3, 4))
    out = tf.tensordot(a, b, [[-1], [0]])
    value = np.arange(30, dtype=np.float32).reshape(2, 5, 3)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(out, {a: value}),
                                   np.tensordot(value, b.eval(), [[-1], [0]]), rtol=1e-6)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 3), min_size=1, max_size=4), st.integers(0, 2),
       st.data())
def test_tensordot_of_unknown_rank_equals_numpy(free_a, count, data):
    contracted = data.draw(st.lists(st.integers(1, 3), min_size=count, max_size=count))
    free_b = data.draw(st.lists(st.integers(1, 3), min_size=0, max_size=2))
    rng = np.random.default_rng(len(free_a) * 7 + count)
    a_value = rng.standard_normal(free_a + contracted).astype(np.float32)
    b_value = rng.standard_normal(contracted + free_b).astype(np.float32)
    tf.reset_default_graph()
    a = tf.placeholder(tf.float32)
    b = tf.placeholder(tf.float32)
    out = tf.tensordot(a, b, count)
    with tf.Session() as sess:
        got = sess.run(out, {a: a_value, b: b_value})
    np.testing.assert_allclose(got, np.tensordot(a_value, b_value, count), rtol=1e-5,
                               atol=1e-5)


def test_grayscale_conversions_take_images_of_unknown_rank():
    image = tf.placeholder(tf.float32)
    gray = tf.image.rgb_to_grayscale(image)
    rgb = tf.image.grayscale_to_rgb(tf.placeholder_with_default(gray, None))
    value = np.random.default_rng(0).random((4, 5, 3)).astype(np.float32)
    with tf.Session() as sess:
        gray_value, rgb_value = sess.run([gray, rgb], {image: value})
    expected = (value @ np.array([0.2989, 0.5870, 0.1140], np.float32))[..., None]
    np.testing.assert_allclose(gray_value, expected, rtol=1e-6)
    np.testing.assert_array_equal(rgb_value, np.repeat(gray_value, 3, axis=-1))


def test_crop_and_pad_take_an_image_of_unknown_rank_as_one_3d_image():
    image = tf.placeholder(tf.float32)
    cropped = tf.image.crop_to_bounding_box(image, 1, 2, 2, 3)
    padded = tf.image.pad_to_bounding_box(image, 1, 0, 6, 5)
    assert cropped.shape.as_list() == [2, 3, None]
    value = np.arange(60, dtype=np.float32).reshape(4, 5, 3)
    with tf.Session() as sess:
        crop_value, pad_value = sess.run([cropped, padded], {image: value})
    np.testing.assert_array_equal(crop_value, value[1:3, 2:5])
    np.testing.assert_array_equal(pad_value[1:5], value)
    assert pad_value.shape == (6, 5, 3)


@pytest.mark.parametrize("divide", [tf.floormod, tf.floordiv, tf.truncatemod, tf.truncatediv],
                         ids=["floormod", "floordiv", "truncatemod", "truncatediv"])
def test_integer_division_by_zero_is_an_error_only_where_it_is_used(divide):
    empty = divide(tf.zeros([0], tf.int32), tf.constant(0))
    used = divide(tf.constant([4], tf.int32), tf.constant(0))
    with tf.Session() as sess:
        assert sess.run(empty).shape == (0,)
        with pytest.raises(tf.errors.InvalidArgumentError, match="Integer division by zero"):
            sess.run(used)


# -- an enqueue waiting for a dequeue of the same run (wavenet's fast generation) ------------


def _delay_line(capacity):
    sample = tf.placeholder(tf.float32, [])
    queue = tf.FIFOQueue(capacity, tf.float32, shapes=[()])
    init = queue.enqueue_many([[10.0 * (i + 1) for i in range(capacity)]])
    state = queue.dequeue()
    push = queue.enqueue([sample])
    return sample, queue, init, state * 1.0, push


@pytest.mark.parametrize("push_first", [False, True])
def test_a_full_queue_used_as_a_delay_line_gives_back_what_went_in_capacity_runs_ago(push_first):
    # generate.py: sess.run([next_sample] + net.push_ops, {samples: x}) with each layer's
    # FIFOQueue(dilation) filled by enqueue_many: each push waits for the dequeue of its run.
    # TensorFlow 2.21 prints [10.0, 20.0, 1.0, 2.0] for this program.
    sample, _, init, delayed, push = _delay_line(2)
    with tf.Session() as sess:
        sess.run(init)
        got = []
        for value in (1.0, 2.0, 3.0, 4.0):
            fetches = [push, delayed] if push_first else [delayed, push]
            got.append(float(sess.run(fetches, {sample: value})[1 if push_first else 0]))
    assert got == [10.0, 20.0, 1.0, 2.0]


def test_enqueues_kept_until_the_end_of_a_run_keep_their_order_in_the_queue():
    sample = tf.placeholder(tf.float32, [])
    queue = tf.FIFOQueue(2, tf.float32, shapes=[()])
    init = queue.enqueue_many([[1.0, 2.0]])
    taken = queue.dequeue_many(2)
    first = queue.enqueue([sample])
    with tf.control_dependencies([first]):
        second = queue.enqueue([sample + 100.0])
    with tf.Session() as sess:
        sess.run(init)
        assert sess.run([second, taken], {sample: 5.0})[1].tolist() == [1.0, 2.0]
        assert sess.run(queue.dequeue_many(2)).tolist() == [5.0, 105.0]


def test_an_enqueue_another_op_waits_for_has_run_before_that_op():
    queue = tf.FIFOQueue(3, tf.float32, shapes=[()])
    push = queue.enqueue([7.0])
    with tf.control_dependencies([push]):
        size = queue.size()
    with tf.Session() as sess:
        assert sess.run(size) == 1
        assert sess.run(size) == 2

