"""Session 13 (lead): tf.keras.backend's layer-level functions, dilated tf.nn.convolution
in 1-D/2-D/3-D, and bool/string fills of dynamic shape. (Values against TensorFlow itself:
tests/oracle/cases_session13_lead.py.)"""

import numpy as np
import pytest

import smallflow as tf

K = tf.keras.backend


def _run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


@pytest.fixture(autouse=True)
def _fresh_graph():
    with tf.Graph().as_default():
        yield


def test_causal_conv1d_sees_only_the_past():
    x = np.zeros((1, 6, 1), np.float32)
    x[0, 3, 0] = 1.0
    kernel = np.ones((2, 1, 1), np.float32)
    out = _run(K.conv1d(tf.constant(x), tf.constant(kernel), padding="causal",
                        dilation_rate=2))
    # With taps at t and t-2, the impulse at 3 reaches steps 3 and 5 only.
    assert out[0, :, 0].tolist() == [0, 0, 0, 1, 0, 1]


def test_dilated_convolution_is_the_convolution_with_a_spread_filter():
    rng = np.random.RandomState(0)
    x = rng.standard_normal((1, 10, 2)).astype(np.float32)
    k = rng.standard_normal((3, 2, 1)).astype(np.float32)
    spread = np.zeros((7, 2, 1), np.float32)
    spread[::3] = k
    got, want = _run([tf.nn.convolution(tf.constant(x), tf.constant(k), "VALID",
                                        dilation_rate=[3]),
                      tf.nn.conv1d(tf.constant(x), tf.constant(spread), 1, "VALID")])
    np.testing.assert_allclose(got, want, rtol=1e-6)
    assert got.shape == (1, 4, 1)


def test_dilation_with_strides_is_refused_as_tensorflow_does():
    x = tf.zeros([1, 8, 8, 1])
    with pytest.raises(ValueError, match="strides > 1 not supported in conjunction"):
        tf.nn.convolution(x, tf.zeros([3, 3, 1, 1]), "SAME", strides=[2, 2],
                          dilation_rate=[2, 2])


def test_bool_and_string_fills_of_a_dynamic_shape():
    x = tf.placeholder(tf.float32, [None])
    ones, zeros, empty = _run([tf.ones_like(x, dtype=tf.bool), tf.zeros(tf.shape(x), tf.bool),
                               tf.zeros(tf.shape(x), tf.string)], {x: [1.0, 2.0]})
    assert ones.tolist() == [True, True]
    assert zeros.tolist() == [False, False]
    assert empty.tolist() == [b"", b""]


def test_rnn_masked_steps_keep_the_previous_state_loop_and_unrolled_agree():
    rng = np.random.RandomState(1)
    x = rng.standard_normal((2, 4, 3)).astype(np.float32)
    w = rng.standard_normal((3, 2)).astype(np.float32)
    mask = np.array([[1, 1, 0, 0], [1, 0, 1, 1]], bool)

    def step(inputs, states):
        h = tf.tanh(tf.matmul(inputs, tf.constant(w)) + states[0])
        return h, [h]

    fetched = []
    for unroll in (False, True):
        last, seq, states = K.rnn(step, tf.constant(x), [tf.zeros([2, 2])],
                                  mask=tf.constant(mask), unroll=unroll)
        fetched.append(_run([last, seq, states[0]]))
    # By hand: a masked step repeats the previous output and state.
    h = np.zeros((2, 2), np.float32)
    outputs = []
    for t in range(4):
        new = np.tanh(x[:, t] @ w + h)
        h = np.where(mask[:, t:t + 1], new, h)
        outputs.append(h)
    for last, seq, state in fetched:
        np.testing.assert_allclose(seq, np.stack(outputs, 1), rtol=1e-5)
        np.testing.assert_allclose(last, outputs[-1], rtol=1e-5)
        np.testing.assert_allclose(state, h, rtol=1e-5)


def test_rnn_refuses_inputs_without_a_time_axis():
    with pytest.raises(ValueError, match="at least 3-D"):
        K.rnn(lambda i, s: (i, s), tf.zeros([2, 3]), [tf.zeros([2, 3])])


def test_ctc_label_dense_to_sparse_keeps_each_rows_length():
    sparse = K.ctc_label_dense_to_sparse(tf.constant([[5, 6, 7], [8, 9, 0]]),
                                         tf.constant([2, 3]))
    indices, values, shape = _run([sparse.indices, sparse.values, sparse.dense_shape])
    assert indices.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1], [1, 2]]
    assert values.tolist() == [5, 6, 8, 9, 0]
    assert shape.tolist() == [2, 3]


def test_ctc_batch_cost_is_the_negative_log_likelihood_of_the_only_path():
    # Classes 0, 1 and the blank (2); label [0] over an input length of 1: the only
    # alignment emits class 0 at step 0.
    probs = np.array([[[0.8, 0.1, 0.1], [0.3, 0.3, 0.4]]], np.float32)
    cost = _run(K.ctc_batch_cost(tf.constant([[0]]), tf.constant(probs),
                                 tf.constant([[1]]), tf.constant([[1]])))
    np.testing.assert_allclose(cost, [[-np.log(0.8)]], rtol=1e-5)


def test_learning_phase_scope_restores_what_was_there():
    placeholder = K.learning_phase()
    with K.learning_phase_scope(1):
        assert K.learning_phase() == 1
    assert K.learning_phase() is placeholder
    K.set_learning_phase(0)
    with K.learning_phase_scope(1):
        assert K.learning_phase() == 1
    assert K.learning_phase() == 0
    with pytest.raises(ValueError, match="0 or 1"), K.learning_phase_scope(2):
        pass


@pytest.mark.parametrize(("call", "message"), [
    (lambda: K.conv2d(tf.zeros([1, 4, 4, 1]), tf.zeros([2, 2, 1, 1]), data_format="nchw"),
     "Unknown data_format"),
    (lambda: K.pool2d(tf.zeros([1, 4, 4, 1]), (2, 2), padding="full"), "Invalid padding"),
    (lambda: K.pool2d(tf.zeros([1, 4, 4, 1]), (2, 2), pool_mode="sum"),
     "Invalid pooling mode"),
    (lambda: K.pool2d(tf.zeros([1, 4, 4, 1]), (2, 2, 2)), "pool_size"),
    (lambda: K.resize_images(tf.zeros([1, 2, 2, 1]), 2, 2, "channels_last", "lanczos3"),
     "nearest"),
    (lambda: K.bias_add(tf.zeros([2, 3, 4]), tf.zeros([3, 4, 4, 1])),
     "Unexpected bias dimensions"),
])
def test_bad_arguments_name_the_problem(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_small_helpers():
    x = tf.zeros([3, 4, 5])
    assert K.count_params(x) == 60
    assert K.is_sparse(tf.SparseTensor([[0, 0]], [1.0], [2, 2]))
    assert not K.is_sparse(x)
    eye = K.eye(3)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(eye), np.eye(3, dtype=np.float32))


def test_keras_model_with_the_new_layers_trains():
    layers = tf.keras.layers
    inputs = layers.Input((6, 4))
    x = layers.LocallyConnected1D(5, 2, activation="tanh")(inputs)
    x = layers.LayerNormalization()(x)
    x = layers.Attention(use_scale=True)([x, x])
    x = layers.Flatten()(x)
    outputs = layers.Dense(1)(x)
    model = tf.keras.Model(inputs, outputs)
    model.compile(tf.keras.optimizers.Adam(0.01), "mse")
    rng = np.random.RandomState(0)
    data = rng.standard_normal((64, 6, 4)).astype(np.float32)
    target = data.sum(axis=(1, 2))[:, None]
    first = model.evaluate(data, target, verbose=0)
    model.fit(data, target, epochs=30, batch_size=16, verbose=0)
    assert model.evaluate(data, target, verbose=0) < 0.1 * first
    names = sorted(w.name for w in model.weights)
    assert "locally_connected1d/kernel:0" in names
    assert "layer_normalization/gamma:0" in names


def test_layer_normalization_normalizes_each_sample():
    x = np.random.RandomState(2).standard_normal((3, 4, 5)).astype(np.float32) * 3 + 1
    layer = tf.keras.layers.LayerNormalization(axis=[1, 2], epsilon=1e-6)
    with tf.Session() as sess:
        out = layer(tf.constant(x))
        sess.run(tf.global_variables_initializer())
        got = sess.run(out)
    np.testing.assert_allclose(got.mean(axis=(1, 2)), 0, atol=1e-5)
    np.testing.assert_allclose(got.std(axis=(1, 2)), 1, rtol=1e-4)
    assert [w.shape.as_list() for w in layer.weights] == [[4, 5], [4, 5]]


def test_new_layers_refuse_bad_arguments():
    layers = tf.keras.layers
    with pytest.raises(ValueError, match="only \"valid\""):
        layers.LocallyConnected2D(2, 3, padding="same")
    with pytest.raises(ValueError, match="does not fit"):
        layers.LocallyConnected1D(2, 5)(tf.zeros([1, 3, 2]))
    with pytest.raises(ValueError, match=r"\[query, value\]"):
        layers.Attention()(tf.zeros([1, 2, 3]))
    with pytest.raises(ValueError, match="Invalid axis"):
        layers.LayerNormalization(axis=3)(tf.zeros([1, 2, 3]))


def test_spatial_dropout_3d_drops_whole_channels():
    x = tf.ones([2, 3, 3, 3, 8])
    out = tf.keras.layers.SpatialDropout3D(0.5)(x, training=True)
    got = _run(out)
    per_channel = got.reshape(2, 27, 8)
    assert np.all(per_channel == per_channel[:, :1, :])  # one decision per sample and channel
    assert set(np.unique(got)) <= {0.0, 2.0}


def test_collapse_repeated_and_ctc_unique_labels_by_hand():
    labels = tf.constant([[1, 1, 2, 2, 2, 3], [4, 4, 4, 5, 1, 1]])
    collapsed, lengths = tf.nn.collapse_repeated(labels, tf.constant([5, 6]))
    unique, ids = tf.nn.ctc_unique_labels(labels)
    got = _run([collapsed, lengths, unique, ids])
    assert got[0].tolist() == [[1, 2, 0], [4, 5, 1]]
    assert got[1].tolist() == [2, 3]
    assert got[2].tolist() == [[1, 2, 3, 0, 0, 0], [4, 5, 1, 0, 0, 0]]
    assert got[2].dtype == np.int64
    assert got[3].tolist() == [[0, 0, 1, 1, 1, 2], [0, 0, 0, 1, 2, 2]]


def test_conv_backprop_functions_check_their_arguments():
    x = tf.zeros([1, 4, 4, 4, 1])
    with pytest.raises(ValueError, match="filter_sizes must be known"):
        tf.nn.conv3d_backprop_filter_v2(x, tf.placeholder(tf.int32, [5]), tf.zeros([1, 4, 4, 4, 1]),
                                        [1, 1, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match="does not match"):
        tf.nn.conv3d_backprop_filter_v2(x, [2, 2, 2, 1, 1], tf.zeros([1, 3, 3, 3, 1]),
                                        [1, 1, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match="length 3, 4 or 5"):
        tf.nn.conv_transpose(tf.zeros([1, 2]), tf.zeros([1, 1]), [1, 2], 1)
    assert tf.nn.depthwise_conv2d_backprop_input is tf.nn.depthwise_conv2d_native_backprop_input


def _sequence_features():
    ids = tf.SparseTensor(indices=[[0, 0], [0, 1], [0, 2], [2, 0]],
                          values=np.array([1, 3, 2, 0], np.int64), dense_shape=[3, 3])
    values = tf.SparseTensor(indices=[[0, 0], [0, 1], [0, 2], [0, 3], [0, 4], [0, 5],
                                      [2, 0], [2, 1]],
                             values=np.arange(8, dtype=np.float32), dense_shape=[3, 6])
    return {"ids": ids, "values": values}


def test_sequence_input_layer_steps_and_lengths():
    fc = tf.feature_column
    columns = [fc.indicator_column(fc.sequence_categorical_column_with_identity("ids", 4)),
               fc.sequence_numeric_column("values", shape=(2,))]
    dense, length = tf.contrib.feature_column.sequence_input_layer(_sequence_features(),
                                                                   columns)
    dense, length = _run([dense, length])
    assert length.tolist() == [3, 0, 1]
    assert length.dtype == np.int64
    assert dense.shape == (3, 3, 6)
    np.testing.assert_array_equal(dense[0, :, :4], np.eye(4)[[1, 3, 2]])
    np.testing.assert_array_equal(dense[0, :, 4:], [[0, 1], [2, 3], [4, 5]])
    np.testing.assert_array_equal(dense[1], np.zeros((3, 6)))   # an empty sequence
    np.testing.assert_array_equal(dense[2, 0], [1, 0, 0, 0, 6, 7])


def test_sequence_embedding_trains_and_lengths_must_agree():
    fc = tf.feature_column
    features = _sequence_features()
    embedded = fc.embedding_column(fc.sequence_categorical_column_with_identity("ids", 4), 2)
    dense, length = tf.contrib.feature_column.sequence_input_layer(features, [embedded])
    names = [v.name for v in tf.global_variables()]
    assert names == ["sequence_input_layer/ids_embedding/embedding_weights:0"]
    loss = tf.reduce_sum((dense - 1.0) ** 2)
    step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss)
        for _ in range(20):
            sess.run(step)
        # The 5 missing steps (2 values each) stay zero whatever the training does: their
        # (0 - 1)^2 terms are a floor of 10 the present steps' terms converge onto.
        last = sess.run(loss)
        assert first > 11.0
        assert abs(last - 10.0) < 0.01
        got = sess.run(dense)
    np.testing.assert_array_equal(got[1], np.zeros((3, 2)))     # missing steps stay zero
    short = tf.SparseTensor([[0, 0], [2, 0]], np.array([1.0, 2.0], np.float32), [3, 6])
    both = [fc.sequence_numeric_column("values"), fc.sequence_numeric_column("short")]
    layer, length = tf.contrib.feature_column.sequence_input_layer(
        {"values": features["values"], "short": short}, both)
    with pytest.raises(tf.errors.InvalidArgumentError, match="different sequence lengths"):
        _run(length)


def test_sequence_columns_are_refused_where_they_do_not_belong():
    fc = tf.feature_column
    sequence = fc.sequence_categorical_column_with_identity("ids", 4)
    with pytest.raises(ValueError, match="sequence_input_layer instead of input_layer"):
        fc.input_layer(_sequence_features(), [fc.indicator_column(sequence)])
    with pytest.raises(ValueError, match="must be sequence columns"):
        tf.contrib.feature_column.sequence_input_layer(
            _sequence_features(), [fc.numeric_column("values")])
    with pytest.raises(ValueError, match="must be a SparseTensor"):
        tf.contrib.feature_column.sequence_input_layer(
            {"values": tf.zeros([3, 6])}, [fc.sequence_numeric_column("values")])
