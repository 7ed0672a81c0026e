"""Session 12's tf.keras programs, run by smallflow and by TensorFlow (graph mode, legacy
tf_keras): masking, stateful recurrent layers, volume/separable/depthwise convolutions and
the shape layers, an encoder's states fed to a decoder (saved and rebuilt from JSON), and
seeded Keras initializers (TensorFlow's numbers, not fixed ones).

``python keras_programs_session12.py smallflow|tensorflow OUT.npz``: as keras_programs.py.
"""

import sys

import numpy as np
from keras_programs import _fixed, _import, _inputs


def masking_layer(tf, record):
    layers = tf.keras.layers
    x = np.array([[[1., 2.], [0., 0.], [3., 1.]], [[0., 0.], [0., 0.], [1., 1.]]], "float32")
    model = tf.keras.Sequential([layers.Masking(0.0, input_shape=(3, 2)),
                                 layers.SimpleRNN(3, return_sequences=True),
                                 layers.LSTM(2)])
    _fixed(model)
    record["predict"] = model.predict(x)


def stateful_lstm(tf, record):
    layers = tf.keras.layers
    model = tf.keras.Sequential([layers.LSTM(3, stateful=True, batch_input_shape=(2, 2, 1)),
                                 layers.Dense(1)])
    _fixed(model)
    model.compile("sgd", "mse")
    x = _inputs((2, 2, 1))
    record["first"] = model.predict(x, batch_size=2)
    record["second"] = model.predict(x, batch_size=2)  # the state carried over
    model.reset_states()
    record["after_reset"] = model.predict(x, batch_size=2)
    record["loss"] = np.array(model.train_on_batch(x, np.ones((2, 1))))
    record["evaluated"] = np.array(model.evaluate(x, np.ones((2, 1)), batch_size=2, verbose=0))
    record["trained"] = model.predict(x, batch_size=2)
    gru = tf.keras.Sequential([layers.GRU(2, stateful=True, return_sequences=True,
                                          batch_input_shape=(2, 3, 2))])
    _fixed(gru, seed=3)
    gru.predict(_inputs((2, 3, 2)), batch_size=2)
    gru.layers[0].reset_states([np.full((2, 2), 0.5, np.float32)])
    record["gru_given_state"] = gru.predict(_inputs((2, 3, 2)), batch_size=2)


def volumes_and_shapes(tf, record):
    layers = tf.keras.layers
    model = tf.keras.Sequential([
        layers.Conv3D(2, 2, padding="same", activation="relu", input_shape=(3, 4, 4, 1)),
        layers.UpSampling3D((1, 2, 1)), layers.MaxPooling3D(2),
        layers.ZeroPadding3D(((0, 1), 1, (2, 0))), layers.Cropping3D(((1, 0), (0, 1), 1)),
        layers.Conv3DTranspose(1, 2, strides=2), layers.GlobalAveragePooling3D()])
    _fixed(model)
    record["volumes"] = model.predict(_inputs((2, 3, 4, 4, 1)))
    record["volume_shapes"] = [list(layer.output_shape[1:]) for layer in model.layers]
    model = tf.keras.Sequential([
        layers.SeparableConv2D(3, 2, depth_multiplier=2, input_shape=(5, 5, 2)),
        layers.DepthwiseConv2D(2, depth_multiplier=2, activation="tanh"),
        layers.Cropping2D(((1, 0), (0, 1))), layers.GlobalMaxPooling2D()])
    _fixed(model)
    record["separable"] = model.predict(_inputs((2, 5, 5, 2)))
    record["separable_names"] = [w.name for w in model.weights]
    model = tf.keras.Sequential([
        layers.ZeroPadding1D((1, 2), input_shape=(4, 2)), layers.UpSampling1D(3),
        layers.SeparableConv1D(2, 3), layers.Cropping1D((2, 1)), layers.Flatten()])
    _fixed(model)
    record["sequences"] = model.predict(_inputs((2, 4, 2)))


def encoder_decoder_states(tf, record):
    layers = tf.keras.layers
    encoder_inputs = tf.keras.Input(shape=(None, 3))
    _, state_h, state_c = layers.LSTM(4, return_state=True)(encoder_inputs)
    decoder_inputs = tf.keras.Input(shape=(None, 2))
    decoded = layers.LSTM(4, return_sequences=True)(decoder_inputs,
                                                    initial_state=[state_h, state_c])
    outputs = layers.Dense(2, activation="softmax")(decoded)
    model = tf.keras.Model([encoder_inputs, decoder_inputs], outputs)
    _fixed(model)
    x = [_inputs((2, 5, 3)), _inputs((2, 4, 2), seed=2)]
    record["predict"] = model.predict(x)
    config = {entry["name"]: entry for entry in model.get_config()["layers"]}
    # the decoder's node takes the states as inputs: [[input_2, lstm 0 1, lstm 0 2]]
    record["decoder_inbound"] = str(config["lstm_1"]["inbound_nodes"])
    rebuilt = tf.keras.models.model_from_json(model.to_json())
    rebuilt.set_weights(model.get_weights())
    record["rebuilt"] = rebuilt.predict(x)


def seeded_initializers(tf, record):
    layers = tf.keras.layers
    init = tf.keras.initializers
    model = tf.keras.Sequential([
        layers.Dense(3, kernel_initializer=init.glorot_uniform(seed=7), input_shape=(4,)),
        layers.Dense(2, kernel_initializer=init.he_normal(seed=2),
                     bias_initializer=init.RandomUniform(-1, 1, seed=5))])
    for index, weight in enumerate(model.get_weights()):
        record[f"dense_{index}"] = weight
    recurrent = tf.keras.Sequential([layers.LSTM(2, kernel_initializer=init.glorot_uniform(1),
                                                 recurrent_initializer=init.orthogonal(seed=2),
                                                 input_shape=(3, 2))])
    record["lstm_kernel"] = recurrent.get_weights()[0]
    record["lstm_recurrent"] = recurrent.get_weights()[1]


PROGRAMS = [masking_layer, stateful_lstm, volumes_and_shapes, encoder_decoder_states,
            seeded_initializers]


def main(backend, out):
    import json

    tf = _import(backend)
    values, texts = {}, {}
    for program in PROGRAMS:
        tf.reset_default_graph()
        tf.keras.backend.clear_session()
        record = {}
        with tf.Graph().as_default():
            program(tf, record)
        for key, value in record.items():
            name = f"{program.__name__}/{key}"
            (values if isinstance(value, np.ndarray) else texts)[name] = value
    np.savez(out, **values)
    with open(out + ".json", "w") as file:
        json.dump(texts, file)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
