"""Session 12: what TF1-era tf.keras programs (Keras 2.2 examples, the r1 Keras tutorials,
feature programs) needed from smallflow's tf.keras."""

import numpy as np
import pytest

import smallflow as tf
from smallflow.keras import backend as K


def test_random_shape_may_mix_tensors_and_ints():
    # variational_autoencoder.py: K.random_normal(shape=(K.shape(z_mean)[0], dim))
    z = tf.placeholder(tf.float32, [None, 2])
    eps = K.random_normal(shape=(K.shape(z)[0], K.int_shape(z)[1]))
    assert eps.shape.as_list() == [None, 2]
    uniform = tf.random_uniform([tf.shape(z)[0], 3], seed=1)
    assert uniform.shape.as_list() == [None, 3]
    with tf.Session() as sess:
        drawn, box = sess.run([eps, uniform], {z: np.zeros((5, 2))})
    assert drawn.shape == (5, 2)
    assert box.shape == (5, 3)


def test_backend_names_tensorflow():
    # multi-backend Keras examples check K.backend() before using TensorFlow ops
    assert K.backend() == "tensorflow"


@pytest.fixture
def keras_origin(tmp_path, monkeypatch):
    """A local stand-in for TensorFlow's dataset bucket, and a fresh ~/.keras cache."""
    from smallflow.keras.datasets import _download

    source = tmp_path / "bucket"
    source.mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setattr(_download, "ORIGIN", source.as_uri() + "/")
    return source


def test_reuters_shuffles_shifts_and_splits(keras_origin):
    wires = np.empty(5, dtype=object)
    wires[:] = [[1, 2], [3], [4, 5, 6], [7, 8], [9]]
    topics = np.arange(5) * 10
    np.savez(keras_origin / "reuters.npz", x=wires, y=topics)
    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.reuters.load_data(num_words=8)
    # Keras's order: np.random.RandomState(113) shuffles the wires before anything else
    order = np.arange(5)
    np.random.RandomState(113).shuffle(order)  # noqa: NPY002
    assert (y_train.tolist() + y_test.tolist()) == (topics[order]).tolist()
    assert (len(x_train), len(x_test)) == (4, 1)  # test_split=0.2
    first = wires[order[0]]
    expected = [1] + [w + 3 if w + 3 < 8 else 2 for w in first]
    assert list(x_train[0]) == expected
    with open(keras_origin / "reuters_word_index.json", "w") as file:
        file.write('{"said": 1}')
    assert tf.keras.datasets.reuters.get_word_index() == {"said": 1}


def test_reuters_test_split_must_be_a_fraction(keras_origin):
    with pytest.raises(ValueError, match="test_split"):
        tf.keras.datasets.reuters.load_data(test_split=2)


layers = tf.keras.layers


def test_masking_zeroes_masked_steps_and_recurrent_layers_skip_them():
    x = np.array([[[1.0, 2.0], [0.0, 0.0], [3.0, 1.0]]], np.float32)
    masked = tf.keras.Sequential([layers.Masking(0.0, input_shape=(3, 2)),
                                  layers.SimpleRNN(2, kernel_initializer="ones",
                                                   recurrent_initializer="ones")])
    # the same sequence without the masked step gives the same final state
    short = tf.keras.Sequential([layers.SimpleRNN(2, kernel_initializer="ones",
                                                  recurrent_initializer="ones",
                                                  input_shape=(2, 2))])
    np.testing.assert_allclose(masked.predict(x), short.predict(x[:, [0, 2]]), rtol=1e-6)
    mask = masked.layers[0].output._keras_mask
    assert mask.shape.as_list() == [None, 3]


@pytest.mark.parametrize("rep", [1, 3])
def test_repeat_elements_is_numpy_repeat(rep):
    value = np.arange(12, dtype=np.float32).reshape(2, 3, 2)
    static = K.repeat_elements(tf.constant(value), rep, axis=1)
    placeholder = tf.placeholder(tf.float32, [None, None, 2])
    dynamic = K.repeat_elements(placeholder, rep, axis=1)
    assert static.shape.as_list() == [2, 3 * rep, 2]
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(static), np.repeat(value, rep, axis=1))
        np.testing.assert_array_equal(sess.run(dynamic, {placeholder: value}),
                                      np.repeat(value, rep, axis=1))


@pytest.mark.parametrize(("layer", "shape", "expected"), [
    (lambda: layers.UpSampling1D(2), (3, 2), (6, 2)),
    (lambda: layers.UpSampling3D((1, 2, 3)), (2, 2, 2, 1), (2, 4, 6, 1)),
    (lambda: layers.ZeroPadding1D((1, 2)), (3, 2), (6, 2)),
    (lambda: layers.ZeroPadding3D(1), (2, 2, 2, 1), (4, 4, 4, 1)),
    (lambda: layers.Cropping1D((1, 0)), (3, 2), (2, 2)),
    (lambda: layers.Cropping2D(((1, 1), (0, 2))), (4, 4, 1), (2, 2, 1)),
    (lambda: layers.Cropping3D(1), (3, 3, 4, 1), (1, 1, 2, 1)),
    (lambda: layers.MaxPooling3D(), (4, 4, 4, 2), (2, 2, 2, 2)),
    (lambda: layers.GlobalAveragePooling3D(), (2, 2, 2, 3), (3,)),
])
def test_shape_layers_of_every_rank(layer, shape, expected):
    model = tf.keras.Sequential([layer()])
    model.build((None, *shape))
    out = model.predict(np.ones((2, *shape), np.float32))
    assert out.shape == (2, *expected)
    assert model.layers[0].output_shape == (None, *expected)
    rebuilt = tf.keras.models.model_from_json(model.to_json())
    assert rebuilt.predict(np.ones((2, *shape), np.float32)).shape == (2, *expected)


def test_conv3d_matches_a_numpy_convolution():
    kernel = np.random.default_rng(0).normal(size=(2, 2, 2, 1, 1)).astype(np.float32)
    conv = layers.Conv3D(1, 2, use_bias=False, input_shape=(3, 3, 3, 1),
                         kernel_initializer=tf.constant_initializer(kernel))
    volume = np.random.default_rng(1).normal(size=(1, 3, 3, 3, 1)).astype(np.float32)
    out = tf.keras.Sequential([conv]).predict(volume)
    expected = np.zeros((1, 2, 2, 2, 1), np.float32)
    for d, r, c in np.ndindex(2, 2, 2):
        expected[0, d, r, c, 0] = (volume[0, d:d + 2, r:r + 2, c:c + 2, 0]
                                   * kernel[..., 0, 0]).sum()
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


def _stateful(batch=2):
    model = tf.keras.Sequential([layers.SimpleRNN(1, stateful=True, kernel_initializer="ones",
                                                  recurrent_initializer="ones",
                                                  activation=None, use_bias=False,
                                                  batch_input_shape=(batch, 1, 1))])
    return model


def test_stateful_rnn_carries_its_state_until_reset():
    model = _stateful()
    x = np.ones((2, 1, 1), np.float32)
    # a linear unit with unit weights: h = h_previous + x, carried over from batch to batch
    assert model.predict(x, batch_size=2)[:, 0].tolist() == [1.0, 1.0]
    assert model.predict(x, batch_size=2)[:, 0].tolist() == [2.0, 2.0]
    model.reset_states()
    assert model.predict(x, batch_size=2)[:, 0].tolist() == [1.0, 1.0]
    model.layers[0].reset_states([np.array([[5.0], [-1.0]], np.float32)])
    assert model.predict(x, batch_size=2)[:, 0].tolist() == [6.0, 0.0]
    assert len(model.state_updates) == 1


def test_stateful_rnn_needs_a_batch_size_and_states_of_its_shape():
    with pytest.raises(ValueError, match="needs to know its batch size"):
        tf.keras.Sequential([layers.LSTM(2, stateful=True, input_shape=(3, 1))])
    model = _stateful()
    model.predict(np.ones((2, 1, 1), np.float32), batch_size=2)
    with pytest.raises(ValueError, match="expected shape"):
        model.layers[0].reset_states([np.zeros((3, 1))])
    with pytest.raises(AttributeError, match="Layer must be stateful"):
        layers.LSTM(2).reset_states()


def test_initial_state_is_an_input_of_the_node():
    encoder_inputs = tf.keras.Input((None, 3))
    _, h, c = layers.LSTM(4, return_state=True)(encoder_inputs)
    decoder_inputs = tf.keras.Input((None, 2))
    decoder = layers.LSTM(4, return_sequences=True)
    decoded = decoder(decoder_inputs, initial_state=[h, c])
    model = tf.keras.Model([encoder_inputs, decoder_inputs], decoded)
    assert [t.name for t in decoder._inbound_nodes[0].input_tensors] == \
        [decoder_inputs.name, h.name, c.name]
    entry = [e for e in model.get_config()["layers"] if e["name"] == decoder.name][0]
    assert [item[:3] for item in entry["inbound_nodes"][0]] == \
        [["input_2", 0, 0], ["lstm", 0, 1], ["lstm", 0, 2]]
    rebuilt = tf.keras.models.model_from_json(model.to_json())
    assert len(rebuilt.weights) == len(model.weights)


def test_a_model_with_add_loss_compiles_and_fits_without_a_loss():
    # variational_autoencoder.py: vae.add_loss(vae_loss); vae.compile(optimizer='adam');
    # vae.fit(x_train, epochs=..., validation_data=(x_test, None))
    x = tf.keras.Input((4,))
    out = layers.Dense(4, kernel_initializer="ones")(layers.Dense(2, kernel_initializer="ones")(x))
    model = tf.keras.Model(x, out)
    model.add_loss(K.mean(K.square(out - x)))
    model.compile(optimizer="sgd")
    data = np.full((8, 4), 0.1, np.float32)
    history = model.fit(data, epochs=2, batch_size=4, verbose=0, validation_data=(data, None))
    # TensorFlow 1.x's numbers for this model (tf_keras in graph mode)
    np.testing.assert_allclose(history.history["loss"], [0.466978, 0.383689], rtol=1e-5)
    np.testing.assert_allclose(history.history["val_loss"], [0.402431, 0.331088], rtol=1e-5)
    assert sorted(history.history) == ["loss", "val_loss"]


def test_a_model_with_no_loss_at_all_cannot_be_compiled():
    model = tf.keras.Sequential([layers.Dense(1, input_shape=(2,))])
    with pytest.raises(ValueError, match="no loss to optimize"):
        model.compile(optimizer="sgd")


def _pipeline_model(**fit):
    x = np.linspace(-1, 1, 24).reshape(12, 2).astype(np.float32)
    y = np.eye(2)[(x.sum(1) > 0).astype(int)].astype(np.float32)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).repeat().batch(4)
    inputs, targets = dataset.make_one_shot_iterator().get_next()
    model_input = layers.Input(tensor=inputs)
    output = layers.Dense(2, activation="softmax", kernel_initializer="ones")(model_input)
    model = tf.keras.Model(model_input, output)
    model.compile(tf.keras.optimizers.SGD(0.5), "categorical_crossentropy", ["accuracy"],
                  target_tensors=[targets])
    return model


def test_a_model_on_pipeline_tensors_fits_with_nothing_fed(capsys):
    # mnist_dataset_api.py / mnist_tfrecord.py: Input(tensor=...), compile(target_tensors=...)
    model = _pipeline_model()
    history = model.fit(epochs=2, steps_per_epoch=3, verbose=2)
    # TensorFlow 1.x's numbers (tf_keras in graph mode)
    np.testing.assert_allclose(history.history["loss"], [0.65098, 0.38819], atol=1e-5)
    np.testing.assert_allclose(history.history["acc"], [0.75, 0.91667], atol=1e-5)
    np.testing.assert_allclose(model.evaluate(steps=3, verbose=0), [0.30732, 1.0], atol=1e-5)
    np.testing.assert_allclose(model.get_weights()[0], [[0.43250, 1.56750], [0.42927, 1.57073]],
                               atol=1e-5)
    assert "3/3 - " in capsys.readouterr().out


def test_a_model_on_pipeline_tensors_needs_steps():
    model = _pipeline_model()
    with pytest.raises(ValueError, match="specify the `steps_per_epoch` argument"):
        model.fit(epochs=1)
    with pytest.raises(ValueError, match="specify the `steps` argument"):
        model.evaluate()


def _numpy_batch_dot(x, y, x_axis, y_axis):
    """The reference: each sample's tensordot over the two axes."""
    out = np.stack([np.tensordot(a, b, axes=(x_axis - 1, y_axis - 1)) for a, b in zip(x, y)])
    return out[:, None] if out.ndim == 1 else out


@pytest.mark.parametrize(("x_shape", "y_shape", "axes", "pair"), [
    ((2, 3), (2, 3), None, (1, 1)),
    ((2, 3), (2, 3), 1, (1, 1)),
    ((2, 4, 3), (2, 5, 3), (2, 2), (2, 2)),
    ((2, 4, 3), (2, 3, 5), None, (2, 1)),
    ((2, 3, 4), (2, 3, 5), (1, 1), (1, 1)),
    ((2, 4, 3), (2, 3), (2, 1), (2, 1)),
    ((2, 3), (2, 3, 4), (1, 1), (1, 1)),
    ((2, 3, 4, 5), (2, 5, 6), (3, 1), (3, 1)),
    ((2, 3, 4, 5), (2, 4, 6, 2), (-2, 1), (2, 1)),
])
def test_batch_dot_is_a_per_sample_tensordot(x_shape, y_shape, axes, pair):
    # babi_memnn.py: dot([input_encoded_m, question_encoded], axes=(2, 2))
    rng = np.random.default_rng(0)
    x = rng.normal(size=x_shape).astype(np.float32)
    y = rng.normal(size=y_shape).astype(np.float32)
    expected = _numpy_batch_dot(x, y, *pair)
    out = K.batch_dot(tf.constant(x), tf.constant(y), axes)
    assert out.shape.as_list() == list(expected.shape)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(out), expected, rtol=1e-5, atol=1e-5)
    first = tf.keras.Input(x_shape[1:])
    second = tf.keras.Input(y_shape[1:])
    if axes is not None:
        assert layers.dot([first, second], axes=axes).shape.as_list() == \
            [None, *expected.shape[1:]]


def test_batch_dot_refuses_mismatched_or_batch_axes():
    with pytest.raises(ValueError, match="3 != 4"):
        K.batch_dot(tf.zeros([2, 3]), tf.zeros([2, 4]), 1)
    with pytest.raises(ValueError, match="axis 0"):
        K.batch_dot(tf.zeros([2, 3]), tf.zeros([2, 3]), (0, 1))


def test_composed_transforms_apply_the_transforms_in_turn():
    # cifar10_cnn_tfaugment2d.py: tf.contrib.image.compose_transforms(*transforms)
    image = np.arange(2 * 5 * 6, dtype=np.float32).reshape(2, 5, 6, 1)
    first = tf.contrib.image.translations_to_projective_transforms([[1.0, -2.0], [0.0, 1.0]])
    second = tf.contrib.image.translations_to_projective_transforms([[2.0, 1.0], [-1.0, 0.0]])
    composed = tf.contrib.image.compose_transforms(first, second)
    in_turn = tf.contrib.image.transform(tf.contrib.image.transform(image, first), second)
    at_once = tf.contrib.image.transform(image, composed)
    turn = tf.contrib.image.angles_to_projective_transforms([0.3, -0.5], 5.0, 6.0)
    matrices = tf.contrib.image.flat_transforms_to_matrices(
        tf.contrib.image.compose_transforms(turn, first))
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(composed), [[1, 0, -3, 0, 1, 1, 0, 0],
                                                        [1, 0, 1, 0, 1, -1, 0, 0]])
        once, turned = sess.run([at_once, in_turn])
        # the pixels both keep (a shift in turn loses pixels at the edges a single one keeps)
        kept = turned != 0
        np.testing.assert_array_equal(once[kept], turned[kept])
        rows, product = sess.run([turn, matrices])
    as_matrix = np.concatenate([rows, np.ones((2, 1))], 1).reshape(2, 3, 3)
    shift = np.array([[[1, 0, -1], [0, 1, 2], [0, 0, 1]], [[1, 0, 0], [0, 1, -1], [0, 0, 1]]])
    np.testing.assert_allclose(product, as_matrix @ shift, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="at least one"):
        tf.contrib.image.compose_transforms()


def test_alpha_dropout_keeps_or_saturates_then_rescales():
    x = np.linspace(-1, 1, 40).reshape(4, 10).astype(np.float32)
    layer = layers.AlphaDropout(0.3, seed=3)
    inputs = tf.keras.Input((10,))
    dropped = layer(inputs, training=True)
    assert layer(inputs, training=False) is not None
    with tf.Session() as sess:
        out = sess.run(dropped, {inputs: x})
    saturation = -1.6732632423543772 * 1.0507009873554805
    scale = ((1 - 0.3) * (1 + 0.3 * saturation ** 2)) ** -0.5
    shift = -scale * saturation * 0.3
    kept = np.isclose(out, scale * x + shift, atol=1e-6)
    dropped_units = np.isclose(out, scale * saturation + shift, atol=1e-6)
    assert (kept | dropped_units).all()
    assert 0 < dropped_units.sum() < x.size
    model = tf.keras.Sequential([layers.AlphaDropout(0.3, input_shape=(10,))])
    np.testing.assert_array_equal(model.predict(x), x)  # the identity outside training


class _Model:
    """What the wrappers need of a model, recorded (scikit-learn is not needed)."""

    def __init__(self, units, loss):
        self.units, self.loss, self.calls = units, loss, []
        self.metrics_names = ["loss", "acc"]

    def fit(self, x, y, epochs=1, batch_size=32, verbose=1):
        self.calls.append(("fit", y.shape, epochs, batch_size))

    def predict_classes(self, x, batch_size=32, verbose=0):
        return np.arange(len(x)) % 2

    def predict_proba(self, x, batch_size=32, verbose=0):
        return np.full((len(x), 1), 0.25)

    def evaluate(self, x, y, batch_size=32, verbose=1):
        self.calls.append(("evaluate", y.shape))
        return [0.5, 0.75]


def test_keras_classifier_routes_parameters_and_maps_labels():
    # mnist_sklearn_wrapper.py: KerasClassifier(make_model, batch_size=32) in a GridSearchCV
    from smallflow.keras.wrappers.scikit_learn import KerasClassifier, KerasRegressor

    def build(units=3, loss="categorical_crossentropy"):
        return _Model(units, loss)

    classifier = KerasClassifier(build, units=5, epochs=2, batch_size=8)
    assert classifier.get_params() == {"build_fn": build, "units": 5, "epochs": 2,
                                       "batch_size": 8}
    classifier.set_params(epochs=3)
    classifier.fit(np.zeros((4, 2)), np.array(["b", "a", "b", "c"]))
    assert classifier.model.units == 5
    # labels become class indices, one-hot for categorical_crossentropy
    assert classifier.model.calls == [("fit", (4, 3), 3, 8)]
    assert classifier.predict(np.zeros((3, 2))).tolist() == ["a", "b", "a"]
    np.testing.assert_allclose(classifier.predict_proba(np.zeros((2, 2))),
                               [[0.75, 0.25], [0.75, 0.25]])
    assert classifier.score(np.zeros((4, 2)), np.array(["a", "b", "c", "a"])) == 0.75
    with pytest.raises(ValueError, match="not a legal parameter"):
        KerasClassifier(build, colour="red")
    regressor = KerasRegressor(build, loss="mse")
    regressor.fit(np.zeros((2, 2)), np.array([0.5, 1.5]))
    assert regressor.score(np.zeros((2, 2)), np.array([0.5, 1.5])) == -0.5


def test_keras_optimizers_has_only_the_classes():
    # cifar10_cnn.py (Keras 2.2): keras.optimizers.rmsprop(lr=...) is no tf.keras name; the
    # train modules smallflow builds on must not show through (they made it "not callable")
    with pytest.raises(AttributeError, match="rmsprop"):
        tf.keras.optimizers.rmsprop  # noqa: B018
    assert isinstance(tf.keras.optimizers.get("rmsprop"), tf.keras.optimizers.RMSprop)


def test_a_frozen_model_inside_another_counts_its_weights_as_fixed(capsys):
    # mnist_acgan.py: discriminator.trainable = False; combined = Model(...); summary()
    inner = tf.keras.Sequential([layers.Dense(2, input_shape=(3,))])
    inner.trainable = False
    x = tf.keras.Input((3,))
    combined = tf.keras.Model(x, layers.Dense(1)(inner(x)))
    combined.summary()
    assert "Non-trainable params: 8" in capsys.readouterr().out
    assert len(combined.trainable_weights) == 2
    assert len(combined.non_trainable_weights) == 2
    assert len(inner.weights) == 2


def test_progbar_averages_values_over_samples(capsys):
    bar = tf.keras.utils.Progbar(4, verbose=2, stateful_metrics=["lr"])
    bar.update(1, [("loss", 1.0), ("lr", 0.5)])
    bar.add(3, [("loss", 3.0), ("lr", 0.25)])
    out = capsys.readouterr().out
    # (1 * 1 + 3 * 3) / 4 = 2.5; the stateful value as last given
    assert "loss: 2.5000" in out
    assert "lr: 0.2500" in out


def test_trainable_weights_are_the_ones_at_compile_time():
    # mnist_acgan.py: the discriminator is compiled, then frozen for the combined model; it
    # still trains on its own, and the combined model leaves it alone (Keras's GAN recipe)
    discriminator = tf.keras.Sequential([layers.Dense(1, input_shape=(2,),
                                                      kernel_initializer="ones")])
    discriminator.compile("sgd", "mse")
    discriminator.trainable = False
    z = tf.keras.Input((3,))
    generator = layers.Dense(2, kernel_initializer="ones")
    combined = tf.keras.Model(z, discriminator(generator(z)))
    combined.compile("sgd", "mse")
    before = discriminator.get_weights()[0].copy()
    combined.train_on_batch(np.ones((2, 3)), np.zeros((2, 1)))
    np.testing.assert_array_equal(discriminator.get_weights()[0], before)
    discriminator.train_on_batch(np.ones((2, 2)), np.zeros((2, 1)))
    assert not np.array_equal(discriminator.get_weights()[0], before)


def test_a_packed_shape_knows_the_dimensions_of_partly_known_shapes():
    # TensorFlow infers [?, 3, 3] here (the oracle case session12/packed_random_shape)
    z = tf.placeholder(tf.float32, [None, 3])
    drawn = tf.random_uniform([tf.shape(z)[0], 3, tf.shape(z)[1]], seed=5)
    assert drawn.shape.as_list() == [None, 3, 3]
    assert tf.zeros(tf.stack([tf.shape(z)[-1], tf.shape(z)[0]])).shape.as_list() == [3, None]
