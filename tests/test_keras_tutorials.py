"""The model code of TensorFlow 1.x's official tf.keras tutorials, run unchanged on small
synthetic stand-ins for their downloaded data (Fashion-MNIST, IMDB, Auto MPG), offline."""

import numpy as np
import pytest

import smallflow as tf
from smallflow import keras
from smallflow.keras import layers

RNG = np.random.default_rng(0)


def test_basic_classification_with_a_tf_train_optimizer(capsys):
    train_images = RNG.random((600, 28, 28))
    train_labels = (train_images[:, :14].mean((1, 2)) * 10).astype(int) % 10
    model = keras.Sequential([
        keras.layers.Flatten(input_shape=(28, 28)),
        keras.layers.Dense(128, activation=tf.nn.relu),
        keras.layers.Dense(10, activation=tf.nn.softmax)
    ])
    model.compile(optimizer=tf.train.AdamOptimizer(),
                  loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(train_images, train_labels, epochs=2)
    test_loss, test_acc = model.evaluate(train_images[:100], train_labels[:100])
    predictions = model.predict(train_images[:100])
    assert predictions.shape == (100, 10)
    assert 0 <= np.argmax(predictions[0]) < 10
    img = np.expand_dims(train_images[0], 0)
    assert model.predict(img).shape == (1, 10)
    assert "Epoch 2/2" in capsys.readouterr().out


def test_text_classification_embedding_bag_of_words(capsys):
    vocab_size = 10000
    sequences = [list(RNG.integers(4, vocab_size, size=RNG.integers(5, 40))) for _ in range(400)]
    labels = np.array([int(np.mean(s) > vocab_size / 2) for s in sequences])
    train_data = keras.preprocessing.sequence.pad_sequences(sequences, value=0,
                                                            padding="post", maxlen=256)
    model = keras.Sequential()
    model.add(keras.layers.Embedding(vocab_size, 16))
    model.add(keras.layers.GlobalAveragePooling1D())
    model.add(keras.layers.Dense(16, activation=tf.nn.relu))
    model.add(keras.layers.Dense(1, activation=tf.nn.sigmoid))
    model.summary()
    assert "embedding (Embedding)        (None, None, 16)          160000" in \
        capsys.readouterr().out
    model.compile(optimizer=tf.train.AdamOptimizer(), loss="binary_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(train_data[100:], labels[100:], epochs=3, batch_size=64,
                        validation_data=(train_data[:100], labels[:100]), verbose=1)
    assert list(history.history.keys()) == ["loss", "acc", "val_loss", "val_acc"]
    results = model.evaluate(train_data[:100], labels[:100])
    assert len(results) == 2


def test_regression_with_rmsprop_early_stopping_and_a_custom_callback():
    class PrintDot(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs):
            self.seen = getattr(self, "seen", 0) + 1

    features = RNG.normal(size=(300, 9))
    labels = features @ RNG.normal(size=9) + 20.0

    def build_model():
        model = keras.Sequential([
            layers.Dense(64, activation=tf.nn.relu, input_shape=[9]),
            layers.Dense(64, activation=tf.nn.relu),
            layers.Dense(1)
        ])
        optimizer = tf.keras.optimizers.RMSprop(0.001)
        model.compile(loss="mean_squared_error", optimizer=optimizer,
                      metrics=["mean_absolute_error", "mean_squared_error"])
        return model

    model = build_model()
    dots = PrintDot()
    early_stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=10)
    history = model.fit(features, labels, epochs=40, validation_split=0.2, verbose=0,
                        callbacks=[early_stop, dots])
    assert sorted(history.history) == ["loss", "mean_absolute_error", "mean_squared_error",
                                       "val_loss", "val_mean_absolute_error",
                                       "val_mean_squared_error"]
    assert history.epoch == list(range(dots.seen))
    loss, mae, mse = model.evaluate(features, labels, verbose=0)
    assert mae < 5.0
    assert model.predict(features).flatten().shape == (300,)


@pytest.mark.parametrize("regularized", [False, True])
def test_overfitting_models_with_l2_and_dropout(regularized):
    data = (RNG.random((200, 100)) > 0.9).astype(np.float32)
    labels = data[:, :50].sum(1) > data[:, 50:].sum(1)
    extra = [] if not regularized else [keras.layers.Dropout(0.5)]
    regularizer = keras.regularizers.l2(0.001) if regularized else None
    model = keras.Sequential([
        keras.layers.Dense(16, kernel_regularizer=regularizer, activation=tf.nn.relu,
                           input_shape=(100,)),
        *extra,
        keras.layers.Dense(1, activation=tf.nn.sigmoid)])
    model.compile(optimizer="adam", loss="binary_crossentropy",
                  metrics=["accuracy", "binary_crossentropy"])
    history = model.fit(data, labels, epochs=2, batch_size=64, verbose=0,
                        validation_data=(data, labels))
    assert "val_binary_crossentropy" in history.history
    assert len(model.losses) == (1 if regularized else 0)
