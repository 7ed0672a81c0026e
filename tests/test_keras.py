"""tf.keras in TF1 graph mode: layers, Sequential / functional models, compile / fit /
evaluate / predict, the TF 1.x beginner program, weights on disk."""

import sys

import numpy as np
import pytest

import smallflow as tf

keras = tf.keras


@pytest.fixture(scope="module")
def mnist_small():
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    return (x_train[:3000] / 255.0, y_train[:3000]), (x_test[:1000] / 255.0, y_test[:1000])


def _beginner_model():
    model = keras.models.Sequential([
        keras.layers.Flatten(input_shape=(28, 28)),
        keras.layers.Dense(512, activation=tf.nn.relu),
        keras.layers.Dropout(0.2),
        keras.layers.Dense(10, activation=tf.nn.softmax)])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def test_the_tf1_beginner_program_learns_mnist(mnist_small, capsys):
    (x_train, y_train), (x_test, y_test) = mnist_small
    # Seeded as Keras's FAQ says (NumPy shuffles, the graph seed draws the weights): one
    # epoch over 3,000 images gives 0.849-0.871 test accuracy, loss 0.43-0.49 over seeds 0-5.
    keras.backend.clear_session()
    np.random.seed(0)  # noqa: NPY002 - fit shuffles with NumPy's global stream
    tf.set_random_seed(0)
    model = _beginner_model()
    history = model.fit(x_train, y_train, epochs=1)
    loss, accuracy = model.evaluate(x_test, y_test)
    assert sorted(history.history) == ["acc", "loss"]  # TF 1.x's key for 'accuracy'
    assert accuracy > 0.83
    assert loss < 0.55
    printed = capsys.readouterr().out
    assert "Train on 3000 samples" in printed
    assert "Epoch 1/1" in printed
    assert "3000/3000 [==============================]" in printed


def test_summary_prints_keras_table(capsys):
    _beginner_model().summary()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == 'Model: "sequential"'
    assert lines[3] == "=" * 65
    assert lines[4].rstrip() == "flatten (Flatten)            (None, 784)               0"
    assert lines[6].rstrip() == "dense (Dense)                (None, 512)               401920"
    assert "Total params: 407,050" in lines
    assert "Non-trainable params: 0" in lines


@pytest.mark.parametrize(("build", "names"), [
    (lambda x: keras.layers.Dense(3)(x), ["dense/kernel:0", "dense/bias:0"]),
    # Named when made (the outer Dense first, as Python evaluates it), not when called.
    (lambda x: keras.layers.Dense(3)(keras.layers.Dense(4, use_bias=False)(x)),
     ["dense/kernel:0", "dense/bias:0", "dense_1/kernel:0"]),
    (lambda x: keras.layers.Conv2D(2, 2)(tf.reshape(x, [-1, 2, 3, 1])),
     ["conv2d/kernel:0", "conv2d/bias:0"]),
    (lambda x: keras.layers.BatchNormalization()(x),
     ["batch_normalization/gamma:0", "batch_normalization/beta:0",
      "batch_normalization/moving_mean:0", "batch_normalization/moving_variance:0"]),
])
def test_layers_called_on_tf1_tensors_make_keras_variable_names(build, names):
    x = tf.placeholder(tf.float32, [None, 6])
    build(x)
    assert sorted(v.name for v in tf.global_variables()) == sorted(names)


def test_a_keras_layer_in_a_plain_tf1_program():
    x = tf.placeholder(tf.float32, [None, 2])
    layer = keras.layers.Dense(1, kernel_initializer="ones", bias_initializer="zeros")
    y = layer(x)
    assert layer.trainable_weights == [layer.kernel, layer.bias]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(y, {x: [[1.0, 2.0]]}), [[3.0]])
        layer.set_weights([np.array([[2.0], [0.0]]), np.array([1.0])])
        np.testing.assert_allclose(sess.run(y, {x: [[1.0, 2.0]]}), [[3.0]])
        kernel, bias = layer.get_weights()
        np.testing.assert_allclose(kernel, [[2.0], [0.0]])


def test_set_weights_names_the_layer_and_counts():
    layer = keras.layers.Dense(2)
    layer(tf.placeholder(tf.float32, [None, 3]))
    with pytest.raises(ValueError, match='layer "dense" with a weight list of length 1, but '
                                         "the layer was expecting 2 weights"):
        layer.set_weights([np.zeros((3, 2))])


def test_functional_model_with_two_inputs_trains_and_predicts():
    tf.set_random_seed(1)
    left = keras.Input(shape=(3,))
    right = keras.Input(shape=(2,))
    merged = keras.layers.concatenate([left, right])
    hidden = keras.layers.Dense(8, activation="relu")(merged)
    output = keras.layers.Dense(1)(hidden)
    model = keras.Model(inputs=[left, right], outputs=output)
    assert [layer.name for layer in model.layers][-3:] == ["concatenate", "dense", "dense_1"]
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(256, 3)), rng.normal(size=(256, 2))
    target = a.sum(1) - b[:, 0]
    before = model.evaluate([a, b], target, verbose=0)
    history = model.fit([a, b], target, epochs=5, verbose=0, validation_split=0.25)
    after = model.evaluate([a, b], target, verbose=0)
    assert sorted(history.history) == ["loss", "mean_absolute_error", "val_loss",
                                       "val_mean_absolute_error"]
    assert after[0] < before[0] / 2
    assert model.predict([a, b]).shape == (256, 1)


def test_dropout_follows_the_learning_phase():
    model = keras.Sequential([keras.layers.Dropout(0.5, input_shape=(100,))])
    model.compile("sgd", "mse")
    x = np.ones((4, 100), np.float32)
    np.testing.assert_array_equal(model.predict(x), x)
    session = keras.backend.get_session()
    trained = session.run(model.outputs[0], {model.inputs[0]: x,
                                             keras.backend.learning_phase(): True})
    assert set(np.unique(trained)) <= {0.0, 2.0}
    assert 0 < (trained == 0).mean() < 1


def test_batch_normalization_updates_moving_statistics_in_fit_only():
    model = keras.Sequential([keras.layers.BatchNormalization(input_shape=(2,))])
    model.compile("sgd", "mse")
    x = np.array([[10.0, -4.0]] * 8, np.float32)
    model.evaluate(x, x, verbose=0)
    assert np.allclose(model.layers[0].get_weights()[2], 0.0)
    model.fit(x, x, epochs=1, verbose=0)
    np.testing.assert_allclose(model.layers[0].get_weights()[2], [0.1, -0.04], rtol=1e-5)


def test_results_repeat_with_the_graph_and_numpy_seeds():
    def run():
        tf.reset_default_graph()
        keras.backend.clear_session()
        tf.set_random_seed(3)
        np.random.seed(3)  # noqa: NPY002 - Keras shuffles with NumPy's global state
        model = keras.Sequential([keras.layers.Dense(4, activation="tanh", input_shape=(3,)),
                                  keras.layers.Dense(1)])
        model.compile("adam", "mse")
        x = np.linspace(-1, 1, 60).reshape(20, 3)
        return model.fit(x, x.sum(1), epochs=2, batch_size=8, verbose=0).history["loss"]

    assert run() == run()


def test_save_and_load_weights_in_tf_checkpoint_format(tmp_path):
    model = _beginner_model()
    path = str(tmp_path / "weights")
    before = model.get_weights()
    model.save_weights(path)
    assert (tmp_path / "weights.index").exists()
    model.set_weights([np.zeros_like(w) for w in before])
    model.load_weights(path)
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, new)
    names = [name for name, _ in tf.train.list_variables(path)]
    assert "layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE" in names


def test_h5_without_h5py_names_the_missing_package(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "h5py", None)  # as if h5py were not installed
    with pytest.raises(ImportError, match=r"needs h5py.*pip install h5py"):
        _beginner_model().save(str(tmp_path / "model.h5"))


def test_a_model_saved_as_h5_loads_with_weights_and_compile_settings(tmp_path):
    pytest.importorskip("h5py", reason="the h5 extra (pip install 'smallflow[h5]')")
    inputs = keras.Input(shape=(4,))
    hidden = keras.layers.Dense(5, activation="relu",
                                kernel_regularizer=keras.regularizers.l2(0.01))(inputs)
    joined = keras.layers.concatenate([hidden, inputs])
    outputs = keras.layers.Dense(2, activation="softmax")(keras.layers.Dropout(0.1)(joined))
    model = keras.Model(inputs, outputs)
    model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    x = np.random.default_rng(0).random((10, 4))
    model.fit(x, np.arange(10) % 2, epochs=1, verbose=0)
    expected = model.predict(x)
    model.save(str(tmp_path / "model.h5"))
    tf.reset_default_graph()
    loaded = keras.models.load_model(str(tmp_path / "model.h5"))
    np.testing.assert_allclose(loaded.predict(x), expected, rtol=1e-6)
    assert loaded.optimizer.get_config()["learning_rate"] == 0.01
    assert loaded.metrics_names == ["loss", "acc"]
    assert [layer.name for layer in loaded.layers] == [
        "input_1", "dense", "concatenate", "dropout", "dense_1"]


@pytest.mark.parametrize(("metrics", "expected"), [
    ([], float),
    (["accuracy"], list),
])
def test_evaluate_returns_the_loss_alone_or_a_list(metrics, expected):
    model = keras.Sequential([keras.layers.Dense(2, activation="softmax", input_dim=3)])
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=metrics)
    result = model.evaluate(np.zeros((5, 3)), np.zeros(5), verbose=0)
    assert isinstance(result, expected)


@pytest.mark.parametrize(("loss", "x", "y", "message"), [
    ("sparse_categorical_crossentropy", (2, 784), None,
     r"checking input: expected flatten_input to have 3 dimensions, but got array with shape "
     r"\(2, 784\)"),
    ("sparse_categorical_crossentropy", (2, 28, 27), None,
     r"checking input: expected flatten_input to have shape \(28, 28\) but got array with "
     r"shape \(28, 27\)"),
    # The classic: integer labels with categorical_crossentropy.
    ("categorical_crossentropy", (2, 28, 28), (2,),
     r"checking target: expected dense_1 to have shape \(10,\) but got array with shape "
     r"\(1,\)"),
    ("sparse_categorical_crossentropy", (2, 28, 28), (2, 10),
     r"checking target: expected dense_1 to have shape \(1,\) but got array with shape "
     r"\(10,\)"),
])
def test_wrong_data_shapes_are_named_before_training(loss, x, y, message):
    model = _beginner_model()
    model.compile("adam", loss)

    def run():
        if y is None:
            return model.predict(np.zeros(x))
        return model.fit(np.zeros(x), np.zeros(y), verbose=0)

    with pytest.raises(ValueError, match=message):
        run()


@pytest.mark.slow
def test_the_beginner_program_reaches_97_percent_after_five_epochs():
    """examples/keras_mnist.py is the TF 1.x program unchanged; its last line is evaluate's."""
    import os
    import pathlib
    import re
    import subprocess

    root = pathlib.Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, str(root / "examples" / "keras_mnist.py")],
                            capture_output=True, text=True, timeout=3000,
                            env=dict(os.environ, PYTHONPATH=str(root / "src")))
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "Train on 60000 samples"
    assert lines[-1].startswith("10000/10000 [==============================]")
    accuracy = float(re.search(r"acc: ([0-9.]+)", lines[-1]).group(1))
    assert accuracy >= 0.97


def test_fit_evaluate_predict_on_a_tf_data_dataset():
    tf.set_random_seed(0)
    x = np.linspace(-1, 1, 64, dtype=np.float32).reshape(32, 2)
    y = (x[:, :1] * 3.0 - x[:, 1:]).astype(np.float32)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(8).repeat()
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    model.compile(keras.optimizers.SGD(0.2), "mse")
    history = model.fit(dataset, epochs=3, steps_per_epoch=4, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    finite = tf.data.Dataset.from_tensor_slices((x, y)).batch(10)
    loss = model.evaluate(finite, verbose=0)
    np.testing.assert_allclose(loss, model.evaluate(x, y, verbose=0), rtol=1e-5)
    inputs_only = tf.data.Dataset.from_tensor_slices(x).batch(5)
    np.testing.assert_allclose(model.predict(inputs_only), model.predict(x), rtol=1e-6)


@pytest.mark.parametrize("layer", [
    lambda: keras.layers.LSTM(8),
    lambda: keras.layers.GRU(8, dropout=0.1),
    lambda: keras.layers.SimpleRNN(8, recurrent_dropout=0.1),
])
def test_recurrent_layers_learn_which_token_came_first(layer):
    # fit's shuffling seeded too. Over 6 epochs GRU with dropout ended at 0.90-1.0 across
    # shuffling seeds; over 10 every layer ends at 0.99-1.0 for NumPy seeds 0-5.
    np.random.seed(0)  # noqa: NPY002 - fit shuffles with NumPy's global stream
    tf.set_random_seed(0)
    rng = np.random.default_rng(0)
    tokens = rng.integers(1, 5, size=(256, 6))
    labels = (tokens[:, 0] > 2).astype(np.float32)
    model = keras.Sequential([keras.layers.Embedding(5, 8, input_length=6), layer(),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(keras.optimizers.Adam(0.02), "binary_crossentropy", metrics=["accuracy"])
    history = model.fit(tokens, labels, epochs=10, batch_size=32, verbose=0)
    assert history.history["acc"][-1] > 0.9


def test_a_subclassed_model_builds_on_its_first_data():
    class TwoLayers(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = keras.layers.Dense(8, activation="relu")
            self.out = keras.layers.Dense(3, activation="softmax")

        def call(self, inputs):
            return self.out(self.hidden(inputs))

    model = TwoLayers()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x = np.random.default_rng(0).normal(size=(64, 4)).astype(np.float32)
    model.fit(x, x.argmax(1) % 3, epochs=2, verbose=0)
    assert model.name == "two_layers"
    assert [v.name for v in model.trainable_weights] == [
        "two_layers/dense/kernel:0", "two_layers/dense/bias:0",
        "two_layers/dense_1/kernel:0", "two_layers/dense_1/bias:0"]
    assert model.predict(x).shape == (64, 3)


def test_the_save_and_restore_tutorial_checkpoints_weights(tmp_path, capsys):
    (x_train, y_train), _ = keras.datasets.mnist.load_data()
    x_train = x_train[:200].reshape(-1, 784) / 255.0
    path = str(tmp_path / "training_1" / "cp.ckpt")

    def create_model():
        model = keras.models.Sequential([
            keras.layers.Dense(64, activation=tf.nn.relu, input_shape=(784,)),
            keras.layers.Dropout(0.2),
            keras.layers.Dense(10, activation=tf.nn.softmax)])
        model.compile(optimizer=keras.optimizers.Adam(), metrics=["accuracy"],
                      loss=keras.losses.sparse_categorical_crossentropy)
        return model

    model = create_model()
    callback = keras.callbacks.ModelCheckpoint(path, save_weights_only=True, verbose=1)
    model.fit(x_train, y_train[:200], epochs=2, validation_data=(x_train, y_train[:200]),
              callbacks=[callback], verbose=0)
    assert "saving model to" in capsys.readouterr().out
    trained = model.evaluate(x_train, y_train[:200], verbose=0)
    fresh = create_model()
    fresh.load_weights(tf.train.latest_checkpoint(str(tmp_path / "training_1")))
    np.testing.assert_allclose(fresh.evaluate(x_train, y_train[:200], verbose=0), trained,
                               rtol=1e-5)


@pytest.mark.parametrize(("callback", "epochs_run"), [
    (lambda: keras.callbacks.EarlyStopping(monitor="loss", patience=0, min_delta=10.0), 2),
    (lambda: keras.callbacks.LambdaCallback(), 4),
    (lambda: keras.callbacks.LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1)), 4),
])
def test_callbacks_shape_the_training(callback, epochs_run):
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(1,))])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    x = np.linspace(0, 1, 16).reshape(16, 1)
    history = model.fit(x, 2 * x, epochs=4, verbose=0, callbacks=[callback()])
    assert len(history.history["loss"]) == epochs_run


def test_fit_generator_reads_a_keras_sequence_each_epoch():
    class Batches(keras.utils.Sequence):
        def __init__(self):
            self.epochs_ended = 0

        def __len__(self):
            return 3

        def __getitem__(self, index):
            x = np.full((4, 1), index, np.float32)
            return x, 2 * x[:, 0]

        def on_epoch_end(self):
            self.epochs_ended += 1

    batches = Batches()
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(1,))])
    model.compile(keras.optimizers.SGD(0.05), "mse")
    history = model.fit_generator(batches, epochs=3, verbose=0)
    assert batches.epochs_ended == 3
    assert history.history["loss"][-1] < history.history["loss"][0]

    def endless():
        while True:
            yield batches[1]

    assert np.isfinite(model.evaluate_generator(endless(), steps=2))


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({}, [[0, 1, 2], [3, 4, 5], [0, 0, 6]]),
    ({"maxlen": 2}, [[1, 2], [4, 5], [0, 6]]),  # 'pre': cut and pad at the start
    ({"maxlen": 2, "truncating": "post", "padding": "post"}, [[1, 2], [3, 4], [6, 0]]),
])
def test_pad_sequences(kwargs, expected):
    padded = keras.preprocessing.sequence.pad_sequences([[1, 2], [3, 4, 5], [6]], **kwargs)
    np.testing.assert_array_equal(padded, expected)


def test_tokenizer_indexes_words_by_frequency():
    tokenizer = keras.preprocessing.text.Tokenizer()
    tokenizer.fit_on_texts(["the cat sat", "The dog sat!", "the end"])
    assert tokenizer.word_index["the"] == 1
    assert tokenizer.word_index["sat"] == 2
    assert tokenizer.texts_to_sequences(["the sat cat"]) == [[1, 2, 3]]


def test_a_custom_layer_with_add_weight_trains_in_a_model():
    class Scale(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)

        def build(self, input_shape):
            self.factor = self.add_weight(name="factor", shape=(int(input_shape[-1]),),
                                          initializer="ones", trainable=True)
            super().build(input_shape)

        def call(self, inputs):
            return inputs * self.factor

    model = keras.Sequential([Scale(input_shape=(2,))])
    model.compile(keras.optimizers.SGD(0.2), "mse")
    x = np.ones((16, 2), np.float32)
    model.fit(x, x * [3.0, -1.0], epochs=30, verbose=0)
    assert model.weights[0].name == "scale/factor:0"
    np.testing.assert_allclose(model.get_weights()[0], [3.0, -1.0], atol=0.05)


def test_bidirectional_and_time_distributed_wrap_their_layers():
    model = keras.Sequential([
        keras.layers.Bidirectional(keras.layers.LSTM(4, return_sequences=True),
                                   input_shape=(5, 3)),
        keras.layers.TimeDistributed(keras.layers.Dense(2)),
        keras.layers.LeakyReLU()])
    assert model.output_shape == (None, 5, 2)
    assert [w.name for w in model.layers[1].weights] == ["time_distributed/kernel:0",
                                                        "time_distributed/bias:0"]
    assert len(model.trainable_weights) == 8


def test_backend_functions_write_custom_losses_and_read_intermediate_outputs():
    K = keras.backend

    def scaled_mse(y_true, y_pred):
        return K.mean(K.square(y_pred - y_true), axis=-1) * 2.0

    inputs = keras.Input(shape=(3,))
    hidden = keras.layers.Dense(4, activation="relu")(inputs)
    outputs = keras.layers.Dense(1)(keras.layers.Dropout(0.5)(hidden))
    model = keras.Model(inputs, outputs)
    model.compile("sgd", loss=scaled_mse)
    x = np.ones((5, 3), np.float32)
    y = np.zeros((5, 1), np.float32)
    mse = np.mean((model.predict(x) - y) ** 2)
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), 2 * mse, rtol=1e-5)
    read_hidden = K.function([model.input, K.learning_phase()], [hidden])
    np.testing.assert_array_equal(read_hidden([x, 0])[0].shape, (5, 4))
    assert K.int_shape(hidden) == (None, 4)
    assert K.eval(K.switch(K.constant(True, dtype="bool"), K.constant(1.0),
                           K.constant(2.0))) == 1.0


@pytest.mark.parametrize("make", [
    lambda: keras.layers.Dropout(0.5),
    lambda: keras.layers.GaussianNoise(1.0),
    lambda: keras.layers.GaussianDropout(0.5),
    lambda: keras.layers.SpatialDropout1D(0.5),
])
def test_noise_layers_act_only_in_the_training_phase(make):
    model = keras.Sequential([make()])
    model.build((None, 6, 4))
    model.compile("sgd", "mse")
    x = np.ones((3, 6, 4), np.float32)
    np.testing.assert_array_equal(model.predict(x), x)
    session = keras.backend.get_session()
    trained = session.run(model.outputs[0], {model.inputs[0]: x,
                                             keras.backend.learning_phase(): True})
    assert not np.array_equal(trained, x)


def test_precision_recall_and_auc_are_epoch_counts_not_batch_means():
    model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid", input_shape=(2,))])
    model.compile("sgd", "binary_crossentropy",
                  metrics=[keras.metrics.Precision(), keras.metrics.Recall(),
                           keras.metrics.AUC()])
    model.set_weights([np.array([[4.0], [0.0]]), np.array([0.0])])
    x = np.array([[1, 0], [2, 0], [-1, 0], [0.5, 0], [-2, 0], [1, 0], [-0.5, 0]], np.float32)
    y = np.array([1, 1, 1, 0, 0, 0, 0], np.float32)
    # predicted positive (x > 0): rows 0, 1, 3, 5 -> tp 2, fp 2; fn 1 (row 2)
    _, precision, recall, auc = model.evaluate(x, y, batch_size=2, verbose=0)
    assert precision == pytest.approx(0.5)
    assert recall == pytest.approx(2 / 3)
    assert auc == pytest.approx(8.5 / 12, abs=0.01)  # ordered (pos, neg) pairs, ties half


def test_tensorboard_callback_writes_each_epochs_logs(tmp_path):
    pytest.importorskip("tensorboard", reason="the tensorboard extra is not installed")
    from tensorboard.backend.event_processing import event_accumulator

    model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    model.compile("sgd", "mse", metrics=["mae"])
    model.fit(np.ones((4, 2)), np.ones(4), epochs=3, verbose=0, validation_split=0.5,
              callbacks=[keras.callbacks.TensorBoard(log_dir=str(tmp_path))])
    events = event_accumulator.EventAccumulator(str(tmp_path))
    events.Reload()
    assert sorted(events.Tags()["scalars"]) == ["loss", "mean_absolute_error", "val_loss",
                                                "val_mean_absolute_error"]
    assert [event.step for event in events.Scalars("loss")] == [0, 1, 2]
    assert events.Tags()["graph"]
