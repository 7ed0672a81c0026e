"""Session 13 (keras2): tf.keras pieces TF1-era programs use that were missing or differed:
``preprocessing.image`` (ImageDataGenerator and image helpers), the rest of
``preprocessing.text``/``sequence``, Adamax/Nadam, class weights and batch shuffling in
``fit_generator``."""

import hashlib
import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smallflow as tf
from smallflow.keras.preprocessing import image as kimage
from smallflow.keras.preprocessing import image_transforms
from smallflow.keras.preprocessing import sequence as ksequence
from smallflow.keras.preprocessing import text as ktext

keras = tf.keras


# -- resampling ----------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(st.integers(2, 7), st.integers(2, 7), st.floats(-40, 40), st.floats(-2, 2),
       st.floats(-2, 2), st.floats(0.7, 1.4))
def test_linear_resampling_is_exact_on_affine_images(rows, cols, theta, tx, ty, zoom):
    # Linear interpolation reproduces a linear image wherever the source point is inside.
    a, b, c = 1.5, -0.75, 3.0
    r, k = np.indices((rows, cols))
    image = (a * r + b * k + c)[:, :, None]
    out = kimage.apply_affine_transform(image, theta=theta, tx=tx, ty=ty, zx=zoom, zy=zoom,
                                        row_axis=0, col_axis=1, channel_axis=2,
                                        fill_mode="constant", cval=-99.0)
    m = image_transforms.transform_matrix_offset_center(
        _affine(theta, tx, ty, zoom), rows, cols)
    m = m[[1, 0, 2]][:, [1, 0, 2]]
    src = np.einsum("ij,jrc->irc", m[:2, :2], np.stack([r, k]).astype(float)) + \
        m[:2, 2][:, None, None]
    inside = (src[0] >= 0) & (src[0] <= rows - 1) & (src[1] >= 0) & (src[1] <= cols - 1)
    expected = a * src[0] + b * src[1] + c
    np.testing.assert_allclose(out[:, :, 0][inside], expected[inside], rtol=1e-9, atol=1e-9)
    assert np.all(out[:, :, 0][~inside] == -99.0)


def _affine(theta, tx, ty, zoom):
    t = np.deg2rad(theta)
    rotation = np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0], [0, 0, 1]])
    shift = np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]])
    scale = np.array([[zoom, 0, 0], [0, zoom, 0], [0, 0, 1]])
    return rotation @ shift @ scale


@pytest.mark.parametrize(("mode", "pad"), [("nearest", "edge"), ("reflect", "symmetric")])
def test_integer_shifts_fill_like_numpy_padding(mode, pad):
    image = np.arange(20.0).reshape(4, 5)
    for dr, dc in [(2, 0), (-1, 3), (3, -4)]:
        out = image_transforms._resample(image, np.eye(2), (dr, dc), 1, mode, 0.0)
        padded = np.pad(image, 6, mode=pad)
        expected = padded[6 + dr:6 + dr + 4, 6 + dc:6 + dc + 5]
        np.testing.assert_array_equal(out, expected)


def test_constant_fill_and_rot90():
    image = np.arange(12.0).reshape(3, 4)
    out = image_transforms._resample(image, np.eye(2), (1, 0), 1, "constant", -1.0)
    np.testing.assert_array_equal(out[:2], image[1:])
    assert np.all(out[2] == -1.0)
    square = np.arange(16.0).reshape(4, 4, 1)
    turned = kimage.apply_affine_transform(square, theta=90, row_axis=0, col_axis=1,
                                           channel_axis=2, order=0)
    assert np.array_equal(turned[:, :, 0], np.rot90(square[:, :, 0], -1)) or \
        np.array_equal(turned[:, :, 0], np.rot90(square[:, :, 0], 1))


def test_wrap_has_scipys_period():
    # SciPy's legacy 'wrap' folds coordinates with period n - 1 (scipy.ndimage gives
    # [1, 2, 0, 1] here: coordinates 4, 5, 6, 7 read 1, 2, 0 (= 3 - 3), 1)
    row = np.array([[0.0, 1.0, 2.0, 3.0]])
    out = image_transforms._resample(row, np.eye(2), (0, 4), 1, "wrap", 0.0)
    np.testing.assert_array_equal(out[0], [(c % 3) for c in (4.0, 5.0, 6.0, 7.0)])


def test_affine_transform_checks_arguments():
    with pytest.raises(ValueError, match="must be distinct"):
        kimage.apply_affine_transform(np.zeros((3, 3, 1)), theta=3, row_axis=0, col_axis=0)
    with pytest.raises(ValueError, match="multi-channel 2D images"):
        kimage.apply_affine_transform(np.zeros((3, 3)), theta=3)
    with pytest.raises(ValueError, match="fill_mode"):
        kimage.apply_affine_transform(np.zeros((1, 3, 3)), theta=3, fill_mode="mirror")


# -- ImageDataGenerator --------------------------------------------------------------------------
def _images(n=10, rows=6, cols=5, channels=3, seed=0):
    rng = np.random.RandomState(seed)
    return rng.uniform(0, 255, (n, rows, cols, channels)).astype("float32")


def test_flow_batches_labels_and_seeded_augmentation():
    x = _images()
    y = np.arange(10)
    gen = kimage.ImageDataGenerator(rotation_range=30, width_shift_range=0.2,
                                    horizontal_flip=True, zoom_range=0.2)
    first = gen.flow(x, y, batch_size=4, seed=3)
    second = gen.flow(x, y, batch_size=4, seed=3)
    assert len(first) == 3
    (bx1, by1), (bx2, _by2) = next(first), next(second)
    np.testing.assert_array_equal(bx1, bx2)
    assert bx1.shape == (4, 6, 5, 3)
    assert bx1.dtype == np.float32
    assert sorted(by1) == sorted(set(by1))  # distinct samples of a permutation
    last_x, last_y = first[2]
    assert last_x.shape[0] == 2
    assert len(last_y) == 2
    with pytest.raises(ValueError, match="has length 3"):
        first[3]


def test_flip_and_rescale_per_image():
    x = _images(n=8)
    gen = kimage.ImageDataGenerator(horizontal_flip=True, rescale=0.5)
    batch, labels = gen.flow(x, np.arange(8), batch_size=8, shuffle=False, seed=1)[0]
    for image, label in zip(batch, labels):
        original = x[label] * 0.5
        assert np.allclose(image, original) or np.allclose(image, original[:, ::-1])


def test_featurewise_statistics_and_warnings():
    x = _images(n=12)
    gen = kimage.ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True)
    with pytest.warns(UserWarning, match="hasn't been fit"):
        gen.standardize(np.copy(x[0]))
    gen.fit(x)
    np.testing.assert_allclose(gen.mean.ravel(), x.mean(axis=(0, 1, 2)), rtol=1e-5)
    batch = gen.flow(x, batch_size=12, shuffle=False)[0]
    np.testing.assert_allclose(batch.mean(axis=(0, 1, 2)), 0, atol=1e-3)
    np.testing.assert_allclose(batch.std(axis=(0, 1, 2)), 1, atol=1e-3)
    with pytest.raises(ValueError, match="rank 4"):
        gen.fit(x[0])


def test_zca_whitening_decorrelates():
    x = _images(n=40, rows=2, cols=2, channels=1, seed=4)
    with pytest.warns(UserWarning, match="overrides setting of `featurewise_center`"):
        gen = kimage.ImageDataGenerator(zca_whitening=True, zca_epsilon=1e-9)
    gen.fit(x)
    white = gen.flow(x, batch_size=40, shuffle=False)[0].reshape(40, -1)
    np.testing.assert_allclose(white.T @ white / 40, np.eye(4), atol=1e-3)


def test_validation_split_subsets_and_errors():
    x = _images(n=10)
    y = np.arange(10) % 2
    gen = kimage.ImageDataGenerator(validation_split=0.3)
    assert gen.flow(x, y, subset="training").n == 7
    assert gen.flow(x, y, subset="validation").n == 3
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        kimage.ImageDataGenerator(validation_split=1.5)
    with pytest.raises(ValueError, match="same length"):
        gen.flow(x, y[:3])
    with pytest.raises(ValueError, match="zoom_range"):
        kimage.ImageDataGenerator(zoom_range=[0.1, 0.2, 0.3])


def test_flow_from_directory(tmp_path, capsys):
    pytest.importorskip("PIL")
    rng = np.random.RandomState(1)
    for name, count in [("dogs", 3), ("cats", 2)]:
        (tmp_path / name).mkdir()
        for i in range(count):
            picture = np.zeros((9, 7, 3))
            picture[:, :, 0] = 255 * (name == "dogs")
            picture[0, 0] = rng.uniform(0, 255, 3)
            kimage.save_img(str(tmp_path / name / f"{i}.png"), picture, scale=False)
    (tmp_path / "cats" / "readme.txt").write_text("not an image")
    gen = kimage.ImageDataGenerator(rescale=1.0 / 255)
    flow = gen.flow_from_directory(str(tmp_path), target_size=(4, 3), batch_size=5,
                                   shuffle=False)
    assert "Found 5 images belonging to 2 classes." in capsys.readouterr().out
    assert flow.class_indices == {"cats": 0, "dogs": 1}
    assert flow.classes.tolist() == [0, 0, 1, 1, 1]
    assert flow.filenames[0] == "cats/0.png"
    images, labels = flow[0]
    assert images.shape == (5, 4, 3, 3)
    np.testing.assert_array_equal(labels, np.eye(2)[[0, 0, 1, 1, 1]])
    np.testing.assert_allclose(images[:, 1:, 1:, 0], [[[0] * 2] * 3] * 2 + [[[1] * 2] * 3] * 3)
    gray = gen.flow_from_directory(str(tmp_path), target_size=(4, 3), color_mode="grayscale",
                                   class_mode="binary", batch_size=2)
    images, labels = next(gray)
    assert images.shape == (2, 4, 3, 1)
    assert labels.shape == (2,)
    with pytest.raises(ValueError, match="Invalid class_mode"):
        gen.flow_from_directory(str(tmp_path), class_mode="ordinal")
    with pytest.raises(FileNotFoundError, match="no such directory"):
        gen.flow_from_directory(str(tmp_path / "missing"))


def test_image_round_trip(tmp_path):
    pytest.importorskip("PIL")
    picture = np.random.RandomState(2).randint(0, 256, (5, 6, 3)).astype("float32")
    path = tmp_path / "p.png"
    kimage.save_img(str(path), picture, scale=False)
    loaded = kimage.img_to_array(kimage.load_img(str(path)))
    np.testing.assert_array_equal(loaded, picture)
    assert kimage.img_to_array(kimage.load_img(str(path), color_mode="grayscale")).shape == \
        (5, 6, 1)
    assert kimage.load_img(str(path), target_size=(3, 2)).size == (2, 3)
    first = kimage.img_to_array(kimage.array_to_img(picture), data_format="channels_first")
    assert first.shape == (3, 5, 6)
    with pytest.raises(ValueError, match="rank 3"):
        kimage.array_to_img(np.zeros((2, 2)))


# -- fit_generator -------------------------------------------------------------------------------
class _Batches(keras.utils.Sequence):
    def __init__(self, x, y, size):
        self.x, self.y, self.size = x, y, size
        self.read = []

    def __len__(self):
        return len(self.x) // self.size

    def __getitem__(self, index):
        self.read.append(index)
        part = slice(index * self.size, (index + 1) * self.size)
        return self.x[part], self.y[part]


def _model():
    model = keras.Sequential([keras.layers.Dense(
        1, activation="sigmoid", input_shape=(3,), kernel_initializer="ones")])
    model.compile(keras.optimizers.SGD(0.1), "binary_crossentropy")
    return model


def test_fit_generator_weighs_classes():
    rng = np.random.RandomState(0)
    x = rng.normal(size=(8, 3)).astype("float32")
    y = (np.arange(8) % 2).astype("float32")
    weights = {0: 0.0, 1: 2.0}
    with tf.Graph().as_default():
        by_arrays = _model().fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0,
                                 class_weight=weights).history["loss"]
    with tf.Graph().as_default():
        by_sequence = _model().fit_generator(_Batches(x, y, 4), epochs=1, shuffle=False,
                                             verbose=0, class_weight=weights).history["loss"]
    np.testing.assert_allclose(by_sequence, by_arrays, rtol=1e-6)


def test_fit_generator_shuffles_sequence_batches():
    x = np.zeros((40, 3), np.float32)
    y = np.zeros(40, np.float32)
    with tf.Graph().as_default():
        model = _model()
        ordered = _Batches(x, y, 4)
        model.fit_generator(ordered, epochs=1, shuffle=False, verbose=0)
        assert ordered.read == list(range(10))
        shuffled = _Batches(x, y, 4)
        random.seed(0)
        model.fit_generator(shuffled, epochs=1, verbose=0)
        expected = list(range(10))
        random.seed(0)
        random.shuffle(expected)
        assert shuffled.read == expected != list(range(10))


# -- text and sequence ---------------------------------------------------------------------------
def test_tokenizer_tfidf_oov_and_json():
    texts = ["a b b c", "b d", "a a e"]
    tok = ktext.Tokenizer(num_words=4, oov_token="?")
    tok.fit_on_texts(texts)
    matrix = tok.texts_to_matrix(texts, mode="tfidf")
    docs = {word: sum(word in text.split() for text in texts) for word in "abcde"}
    for row, text in enumerate(texts):
        for word, index in tok.word_index.items():
            if word == "?" or index >= 4:
                continue
            count = text.split().count(word)
            expected = (1 + math.log(count)) * math.log(1 + 3 / (1 + docs[word])) \
                if count else 0.0
            assert matrix[row, index] == pytest.approx(expected)
    # a and b both occur 3 times: the first seen (a) gets the lower index
    assert tok.sequences_to_texts([[1, 3, 2, 9]]) == ["? b a ?"]
    again = ktext.tokenizer_from_json(tok.to_json())
    assert again.texts_to_sequences(texts) == tok.texts_to_sequences(texts)
    assert again.index_docs == dict(tok.index_docs)
    with pytest.raises(ValueError, match="Specify a dimension"):
        ktext.Tokenizer().texts_to_matrix(["a"])
    with pytest.raises(ValueError, match="Unknown vectorization mode"):
        tok.texts_to_matrix(texts, mode="bm25")


def test_hashing_trick_and_one_hot():
    words = ["the", "cat", "sat"]
    expected = [int(hashlib.md5(w.encode()).hexdigest(), 16) % 9 + 1 for w in words]
    assert ktext.hashing_trick("The cat, sat", 10, hash_function="md5") == expected
    assert all(1 <= i < 5 for i in ktext.one_hot("x y z w v", 5))


def test_skipgrams_pairs_and_negatives():
    seq = [3, 0, 1, 2, 4]
    couples, labels = ksequence.skipgrams(seq, 5, window_size=2, negative_samples=0.5,
                                          shuffle=False)
    positives = [c for c, label in zip(couples, labels) if label == 1]
    expected = [[seq[i], seq[j]] for i in range(5) for j in range(max(0, i - 2), min(5, i + 3))
                if i != j and seq[i] and seq[j]]
    assert positives == expected
    negatives = [c for c, label in zip(couples, labels) if label == 0]
    assert len(negatives) == int(len(expected) * 0.5)
    assert all(1 <= c[1] < 5 for c in negatives)
    shuffled, shuffled_labels = ksequence.skipgrams(seq, 5, window_size=2, seed=7)
    assert sorted(zip(map(tuple, shuffled), shuffled_labels))[:1]  # pairs stay with labels
    table = ksequence.make_sampling_table(6)
    assert table.shape == (6,)
    assert np.all((table > 0) & (table <= 1))


def test_timeseries_generator_windows():
    data = np.arange(30).reshape(15, 2)
    gen = ksequence.TimeseriesGenerator(data, np.arange(15), length=4, sampling_rate=2,
                                        stride=3, batch_size=2)
    rows = list(range(4, 15, 3))
    assert len(gen) == math.ceil(len(rows) / 2)
    for index in range(len(gen)):
        samples, targets = gen[index]
        for sample, target, row in zip(samples, targets, rows[2 * index:]):
            np.testing.assert_array_equal(sample, data[row - 4:row:2])
            assert target == row
    with pytest.raises(ValueError, match="disallowed"):
        ksequence.TimeseriesGenerator(data, np.arange(15), length=20)


# -- Adamax and Nadam ----------------------------------------------------------------------------
def _numpy_steps(kind, w, grads_of, lr, steps):
    b1, b2, eps = 0.9, 0.999, 1e-7
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    cache = 1.0
    for t in range(1, steps + 1):
        g = grads_of(w)
        m = b1 * m + (1 - b1) * g
        if kind == "adamax":
            v = np.maximum(b2 * v, np.abs(g))
            w = w - lr / (1 - b1 ** t) * m / (v + eps)
        else:
            mu_t = b1 * (1 - 0.5 * 0.96 ** (0.004 * t))
            mu_next = b1 * (1 - 0.5 * 0.96 ** (0.004 * (t + 1)))
            cache = cache * mu_t
            v = b2 * v + (1 - b2) * g * g
            m_bar = (1 - mu_t) * g / (1 - cache) + mu_next * m / (1 - cache * mu_next)
            w = w - lr * m_bar / (np.sqrt(v / (1 - b2 ** t)) + eps)
    return w


@pytest.mark.parametrize("name", ["adamax", "nadam"])
def test_adamax_nadam_steps(name):
    x = np.array([[1.0, -2.0], [0.5, 3.0], [-1.0, 1.0]], np.float32)
    y = np.array([[1.0], [-2.0], [0.5]], np.float32)
    start = np.array([[0.3], [-0.2]], np.float32)
    with tf.Graph().as_default():
        model = keras.Sequential([keras.layers.Dense(1, use_bias=False, input_shape=(2,))])
        optimizer = keras.optimizers.get(name)
        assert type(optimizer).__name__ == {"adamax": "Adamax", "nadam": "Nadam"}[name]
        model.compile(optimizer, "mse")
        model.set_weights([start])
        model.fit(x, y, batch_size=3, epochs=3, verbose=0, shuffle=False)
        got = model.get_weights()[0]

    def grads_of(w):
        return 2 * x.T @ (x @ w - y) / len(x)

    np.testing.assert_allclose(got, _numpy_steps(name, start.astype(np.float64), grads_of,
                                                 0.001, 3), rtol=1e-5)


# -- RNN(cell), cells, ConvLSTM2D ----------------------------------------------------------------
def _seeded(seed):
    init = keras.initializers
    return {"kernel_initializer": init.glorot_uniform(seed=seed),
            "recurrent_initializer": init.orthogonal(seed=seed + 1),
            "bias_initializer": init.RandomUniform(seed=seed + 2)}


def _predict(make_layer, x, masked=False):
    with tf.Graph().as_default():
        inputs = keras.Input(x.shape[1:])
        flow = keras.layers.Masking()(inputs) if masked else inputs
        layer = make_layer()
        out = layer(flow)
        model = keras.Model(inputs, out)
        result = model.predict(x)
        return (result if isinstance(result, list) else [result]), layer


def test_rnn_of_builtin_cells_equals_the_layers():
    x = np.random.RandomState(0).normal(size=(3, 5, 4)).astype("float32")
    layers = keras.layers
    pairs = [(lambda: layers.RNN(layers.LSTMCell(3, **_seeded(1))),
              lambda: layers.LSTM(3, **_seeded(1))),
             (lambda: layers.RNN(layers.GRUCell(2, reset_after=True, **_seeded(2)),
                                 go_backwards=True, return_sequences=True),
              lambda: layers.GRU(2, reset_after=True, go_backwards=True, return_sequences=True,
                                 **_seeded(2))),
             (lambda: layers.RNN(layers.SimpleRNNCell(2, **_seeded(3))),
              lambda: layers.SimpleRNN(2, **_seeded(3)))]
    for by_cell, by_layer in pairs:
        (ours,), cell_layer = _predict(by_cell, x)
        (theirs,), _ = _predict(by_layer, x)
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    assert [w.name for w in cell_layer.weights] == [
        "rnn/simple_rnn_cell/kernel:0", "rnn/simple_rnn_cell/recurrent_kernel:0",
        "rnn/simple_rnn_cell/bias:0"]


def test_stacked_cells_chain_and_return_nested_states():
    x = np.random.RandomState(1).normal(size=(2, 4, 3)).astype("float32")
    layers = keras.layers
    results, layer = _predict(lambda: layers.RNN(
        [layers.LSTMCell(4, **_seeded(4)), layers.SimpleRNNCell(2, **_seeded(5))],
        return_state=True), x)
    output, h, c, last = results
    assert layer.cell.state_size == ([4, 4], 2)
    np.testing.assert_allclose(output, last)
    # the stack equals an LSTM layer feeding a SimpleRNN layer
    (first, first_h, first_c), _ = _predict(lambda: layers.LSTM(
        4, return_sequences=True, return_state=True, **_seeded(4)), x)
    with tf.Graph().as_default():
        inputs = keras.Input((4, 4))
        second = keras.Model(inputs, layers.SimpleRNN(2, **_seeded(5))(inputs))
        expected = second.predict(first)
    np.testing.assert_allclose(output, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h, first_h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(c, first_c, rtol=1e-5, atol=1e-6)


class _MinimalCell(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        self.units = units
        self.state_size = units
        super().__init__(**kwargs)

    def build(self, input_shape):
        self.kernel = self.add_weight("kernel", (input_shape[-1], self.units),
                                      initializer="ones")
        self.built = True

    def call(self, inputs, states):
        output = keras.backend.dot(inputs, self.kernel) + states[0]
        return output, [output]

    def get_config(self):
        config = super().get_config()
        config["units"] = self.units
        return config


def test_custom_cell_masking_and_json():
    x = np.ones((2, 5, 3), np.float32)
    x[1, 2:] = 0.0  # masked steps keep the running sum
    (out,), layer = _predict(lambda: keras.layers.RNN(_MinimalCell(2)), x, masked=True)
    np.testing.assert_allclose(out, [[15.0, 15.0], [6.0, 6.0]])
    with tf.Graph().as_default():
        model = keras.Sequential([keras.layers.RNN([_MinimalCell(2), keras.layers.GRUCell(1)],
                                                   input_shape=(5, 3))])
        again = keras.models.model_from_json(model.to_json(),
                                             custom_objects={"_MinimalCell": _MinimalCell})
        assert [type(c).__name__ for c in again.layers[0].cell.cells] == \
            ["_MinimalCell", "GRUCell"]
        with keras.utils.custom_object_scope({"_MinimalCell": _MinimalCell}):
            rebuilt = keras.Sequential.from_config(model.get_config())
        assert len(rebuilt.weights) == len(model.weights)
    with pytest.raises(ValueError, match="`call` method"):
        keras.layers.RNN(object())


def test_conv_lstm2d_step_by_numpy():
    rng = np.random.RandomState(2)
    x = rng.normal(size=(2, 3, 5, 4, 2)).astype("float32")
    with tf.Graph().as_default():
        layer = keras.layers.ConvLSTM2D(3, (3, 2), padding="same", return_sequences=True,
                                        recurrent_activation="sigmoid", **_seeded(6))
        inputs = keras.Input((None, 5, 4, 2))
        model = keras.Model(inputs, layer(inputs))
        got = model.predict(x)
        kernel, recurrent, bias = layer.get_weights()
    assert layer.name.startswith("conv_lst_m2d")

    def conv_same(a, k):
        kh, kw = k.shape[:2]
        top, left = (kh - 1) // 2, (kw - 1) // 2
        padded = np.pad(a, ((0, 0), (top, kh - 1 - top), (left, kw - 1 - left), (0, 0)))
        out = np.zeros((*a.shape[:3], k.shape[3]))
        for i in range(a.shape[1]):
            for j in range(a.shape[2]):
                out[:, i, j] = np.einsum("bhwc,hwco->bo", padded[:, i:i + kh, j:j + kw], k)
        return out

    def sigmoid(v):
        return 1 / (1 + np.exp(-v))

    h = np.zeros((2, 5, 4, 3))
    c = np.zeros_like(h)
    for t in range(3):
        z = conv_same(x[:, t], kernel) + conv_same(h, recurrent) + bias
        zi, zf, zc, zo = np.split(z, 4, axis=-1)
        c = sigmoid(zf) * c + sigmoid(zi) * np.tanh(zc)
        h = sigmoid(zo) * np.tanh(c)
        np.testing.assert_allclose(got[:, t], h, rtol=1e-4, atol=1e-5)


def test_conv_lstm2d_valid_strides_and_errors():
    with tf.Graph().as_default():
        layer = keras.layers.ConvLSTM2D(2, 2, strides=2, return_state=True)
        out, h, c = layer(keras.Input((4, 7, 6, 1)))
        assert out.shape.as_list() == [None, 3, 3, 2]
        assert h.shape.as_list() == c.shape.as_list() == [None, 3, 3, 2]
        assert [w.shape.as_list() for w in layer.weights] == [[2, 2, 1, 8], [2, 2, 2, 8], [8]]
        with pytest.raises(ValueError, match="expected ndim=5"):
            keras.layers.ConvLSTM2D(2, 2)(keras.Input((4, 7, 6)))
    with pytest.raises(ValueError, match="padding"):
        keras.layers.ConvLSTM2D(2, 2, padding="full")


def test_custom_from_config_is_used():
    class Scaled(keras.layers.Layer):
        def __init__(self, factor, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, inputs):
            return inputs * self.factor

        def get_config(self):
            config = super().get_config()
            config["factor"] = {"value": self.factor}
            return config

        @classmethod
        def from_config(cls, config):
            config = dict(config)
            return cls(config.pop("factor")["value"], **config)

    with tf.Graph().as_default():
        model = keras.Sequential([Scaled(3.0, input_shape=(2,))])
        again = keras.models.model_from_json(model.to_json(), custom_objects={"Scaled": Scaled})
        np.testing.assert_allclose(again.predict(np.ones((1, 2))), [[3.0, 3.0]])


def test_empty_training_data_is_refused():
    # Deep Learning with Python 3.5 on a cut dataset: x_train[10000:] was empty
    with tf.Graph().as_default():
        model = _model()
        with pytest.raises(ValueError, match="Empty training data"):
            model.fit(np.zeros((0, 3), np.float32), np.zeros((0,), np.float32), verbose=0)
        with pytest.raises(ValueError, match="Empty training data"):
            model.evaluate(np.zeros((0, 3), np.float32), np.zeros((0,), np.float32), verbose=0)


# -- HDF5: optimizer state and per-output metrics ------------------------------------------------
@pytest.mark.parametrize("optimizer", ["adam", "rmsprop", "nadam", "adadelta"])
def test_h5_keeps_optimizer_state(tmp_path, optimizer):
    pytest.importorskip("h5py")
    rng = np.random.RandomState(0)
    x = rng.normal(size=(32, 4)).astype("float32")
    y = x[:, :1] * 2.0
    path = str(tmp_path / "m.h5")
    with tf.Graph().as_default():
        model = keras.Sequential([keras.layers.Dense(3, input_shape=(4,)), keras.layers.Dense(1)])
        model.compile(optimizer, "mse")
        model.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
        model.save(path)
        names = model.optimizer.weight_names()
        assert names[0].endswith("/iter:0")
        assert len(names) == len(model.optimizer.get_weights())
        going_on = model.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)
    with tf.Graph().as_default():
        again = keras.models.load_model(path)
        assert int(again.optimizer.get_weights()[0]) == 8
        resumed = again.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)
    np.testing.assert_allclose(resumed.history["loss"], going_on.history["loss"], rtol=1e-5)


def test_h5_multi_output_metrics_dict(tmp_path):
    pytest.importorskip("h5py")
    with tf.Graph().as_default():
        inputs = keras.Input((3,))
        a = keras.layers.Dense(1, activation="sigmoid", name="a")(inputs)
        b = keras.layers.Dense(2, activation="softmax", name="b")(inputs)
        model = keras.Model(inputs, [a, b])
        model.compile("sgd", {"a": "binary_crossentropy", "b": "categorical_crossentropy"},
                      metrics={"a": "accuracy", "b": ["acc", "mae"]})
        model.save(str(tmp_path / "m.h5"))
        names = model.metrics_names
    with tf.Graph().as_default():
        again = keras.models.load_model(str(tmp_path / "m.h5"))
        assert again.metrics_names == names == [
            "loss", "a_loss", "b_loss", "a_acc", "b_acc", "b_mean_absolute_error"]


def test_optimizer_set_weights_checks():
    with tf.Graph().as_default():
        model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
        model.compile("adam", "mse")
        assert model.optimizer.get_weights() == []
        model.fit(np.zeros((4, 2)), np.zeros((4, 1)), verbose=0)
        with pytest.raises(ValueError, match="does not match the number of weights"):
            model.optimizer.set_weights([0])
