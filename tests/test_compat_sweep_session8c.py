"""Session 8 sweep C (Google's Machine Learning Crash Course TF1 exercises, BinRoot's
TensorFlow-Book): what those programs needed, as specifications. TensorFlow's own answers
for the same constructs, where TensorFlow 2 still has them, are in
tests/oracle/cases_sweep_session8c.py."""

import importlib

import numpy as np
import pytest

import smallflow as tf

# -- import paths TF1 programs use ---------------------------------------------------------------


@pytest.mark.parametrize(("module", "name", "public"), [
    ("smallflow.python.data", "Dataset", "data.Dataset"),
    ("smallflow.python.data", "Iterator", "data.Iterator"),
    ("smallflow.python.data", "TextLineDataset", "data.TextLineDataset"),
    ("smallflow.python.data", "TFRecordDataset", "data.TFRecordDataset"),
    ("smallflow.python.data", "make_one_shot_iterator", "data.make_one_shot_iterator"),
    ("smallflow.python.data.ops.dataset_ops", "Dataset", "data.Dataset"),
    ("smallflow.python.data.ops.iterator_ops", "Iterator", "data.Iterator"),
    ("smallflow.python.data.ops.readers", "TFRecordDataset", "data.TFRecordDataset"),
    ("smallflow.train", "match_filenames_once", "io.match_filenames_once"),
])
def test_tf1_import_paths_answer_with_the_public_names(module, name, public):
    # `from tensorflow.python.data import Dataset` (every MLCC exercise)
    expected = tf
    for part in public.split("."):
        expected = getattr(expected, part)
    assert getattr(importlib.import_module(module), name) is expected


def test_python_data_ops_refuse_names_tf_data_lacks():
    from smallflow.python.data.ops import dataset_ops

    with pytest.raises(AttributeError, match="no attribute 'NoSuchDataset'"):
        dataset_ops.NoSuchDataset  # noqa: B018


# -- tf.contrib.estimator ------------------------------------------------------------------------


def _one_step(optimizer, grad_scale):
    """w after one step of ``optimizer`` on ``loss = grad_scale . w`` from w = 0."""
    with tf.Graph().as_default():
        w = tf.Variable(np.zeros(3, np.float32))
        loss = tf.reduce_sum(tf.constant(grad_scale, tf.float32) * w)
        step = optimizer().minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(step)
            return sess.run(w)


@pytest.mark.parametrize(("gradient", "clip_norm"), [
    ([3.0, 4.0, 0.0], 1.0),     # norm 5: scaled down to norm 1
    ([3.0, 4.0, 0.0], 10.0),    # norm 5 < 10: unchanged
    ([-600.0, 20.0, 1e4], 5.0),  # MLCC's clip of 5 on a large squared-error gradient
])
def test_clip_gradients_by_norm_clips_the_global_norm_before_applying(gradient, clip_norm):
    gradient = np.array(gradient, np.float32)
    clipped = _one_step(lambda: tf.contrib.estimator.clip_gradients_by_norm(
        tf.train.GradientDescentOptimizer(0.1), clip_norm), gradient)
    norm = np.linalg.norm(gradient)
    np.testing.assert_allclose(clipped, -0.1 * gradient * clip_norm / max(norm, clip_norm),
                               rtol=1e-5)


def test_clip_gradients_by_norm_keeps_the_wrapped_optimizers_slots_and_name():
    adagrad = tf.train.AdagradOptimizer(0.1)
    clipped = tf.contrib.estimator.clip_gradients_by_norm(adagrad, 5.0)
    assert isinstance(clipped, tf.train.Optimizer)
    assert clipped.get_name() == "ClipByNormAdagrad"
    w = tf.Variable([1.0, 2.0])
    clipped.minimize(tf.reduce_sum(w * w))
    assert clipped.get_slot_names() == ["accumulator"]
    assert clipped.get_slot(w, "accumulator") is adagrad.get_slot(w, "accumulator")
    with pytest.raises(TypeError, match="tf.train.Optimizer"):
        tf.contrib.estimator.clip_gradients_by_norm("Adagrad", 5.0)


def test_contrib_estimator_names_what_it_lacks():
    # multi_head arrived in session 13; RNNClassifier is still absent.
    with pytest.raises(AttributeError, match="tf.contrib.estimator.RNNClassifier is not"):
        tf.contrib.estimator.RNNClassifier  # noqa: B018


def _housing_input(num_epochs=None, batch_size=10):
    rows = np.random.RandomState(0).uniform(0, 1, (40, 2)).astype(np.float32)
    features = {"rooms": rows[:, 0], "income": rows[:, 1]}
    targets = 3 * rows[:, 0] - rows[:, 1] + 0.5

    def input_fn():
        ds = tf.data.Dataset.from_tensor_slices((features, targets))
        ds = ds.batch(batch_size).repeat(num_epochs)
        return ds.make_one_shot_iterator().get_next()

    return input_fn


def test_canned_regressor_trains_with_a_clipped_optimizer(tmp_path):
    # The MLCC pattern: GradientDescent wrapped by clip_gradients_by_norm, given to a
    # canned LinearRegressor; the variables it reads back after training.
    optimizer = tf.contrib.estimator.clip_gradients_by_norm(
        tf.train.GradientDescentOptimizer(0.1), 5.0)
    regressor = tf.estimator.LinearRegressor(
        [tf.feature_column.numeric_column("rooms"),
         tf.feature_column.numeric_column("income")],
        model_dir=str(tmp_path), optimizer=optimizer)
    regressor.train(_housing_input(), steps=60)
    weight = regressor.get_variable_value("linear/linear_model/rooms/weights")
    assert weight.shape == (1, 1)
    assert weight[0, 0] > 1.0
    predictions = list(regressor.predict(_housing_input(num_epochs=1)))
    assert len(predictions) == 40
    assert predictions[0]["predictions"].shape == (1,)


def test_add_metrics_replaces_a_metric_of_the_same_name_and_takes_any_allowed_args(tmp_path):
    regressor = tf.estimator.LinearRegressor([tf.feature_column.numeric_column("rooms")],
                                             model_dir=str(tmp_path))
    regressor.train(_housing_input(), steps=5)

    def metric_fn(labels, features):   # no `predictions`: allowed, as in TensorFlow
        return {"label/mean": tf.metrics.mean(tf.zeros_like(labels)),
                "rooms_max": (tf.reduce_max(features["rooms"]), tf.no_op())}

    for add_metrics in (tf.estimator.add_metrics, tf.contrib.estimator.add_metrics):
        metrics = add_metrics(regressor, metric_fn).evaluate(_housing_input(1), steps=2)
        assert metrics["label/mean"] == 0.0     # the estimator's own label/mean is replaced
        assert "rooms_max" in metrics
        assert "average_loss" in metrics


@pytest.mark.parametrize(("keys", "expected"), [
    ("rooms", {"rooms"}),
    (["rooms", "income"], {"rooms", "income"}),
    (None, {"rooms", "income"}),
])
def test_forward_features_adds_the_named_features_to_the_predictions(tmp_path, keys, expected):
    regressor = tf.estimator.LinearRegressor([tf.feature_column.numeric_column("rooms")],
                                             model_dir=str(tmp_path))
    regressor.train(_housing_input(), steps=2)
    forwarding = tf.contrib.estimator.forward_features(regressor, keys)
    first = next(iter(forwarding.predict(_housing_input(num_epochs=1))))
    assert set(first) == {"predictions"} | expected
    assert first["rooms"] == pytest.approx(
        np.random.RandomState(0).uniform(0, 1, (40, 2))[0, 0], rel=1e-6)


@pytest.mark.parametrize(("keys", "error", "message"), [
    (3, TypeError, "keys should be either a string or a list"),
    (["rooms", 3], TypeError, "should be a string"),
    ("size", ValueError, 'Key "size" is not in features'),
    ("predictions", None, None),
])
def test_forward_features_refuses_bad_keys(tmp_path, keys, error, message):
    regressor = tf.estimator.LinearRegressor([tf.feature_column.numeric_column("rooms")],
                                             model_dir=str(tmp_path))
    if error is TypeError:
        with pytest.raises(TypeError, match=message):
            tf.contrib.estimator.forward_features(regressor, keys)
        return
    regressor.train(_housing_input(), steps=1)
    forwarding = tf.contrib.estimator.forward_features(regressor, keys)
    if error is None:   # a feature named like a prediction key cannot be forwarded
        def input_fn():
            features, labels = _housing_input(num_epochs=1)()
            return dict(features, predictions=features["rooms"]), labels
        with pytest.raises(ValueError, match="Cannot forward feature key"):
            next(iter(forwarding.predict(input_fn)))
        return
    with pytest.raises(error, match=message):
        next(iter(forwarding.predict(_housing_input(num_epochs=1))))


# -- tf.contrib.seq2seq's dynamic decoders (BinRoot ch. 11, Concept03_seq2seq) ------------------

VOCAB, EMBED, UNITS, BATCH = 7, 4, 5, 3


def _decoder_parts(seed=1):
    tf.set_random_seed(seed)
    embedding = tf.Variable(tf.random_uniform([VOCAB, EMBED], seed=seed), name="embedding")
    cell = tf.contrib.rnn.MultiRNNCell([tf.contrib.rnn.LSTMCell(UNITS) for _ in range(2)])
    from smallflow.python.layers.core import Dense

    return embedding, cell, Dense(VOCAB), cell.zero_state(BATCH, tf.float32)


@pytest.mark.parametrize("time_major", [False, True])
def test_training_decoder_is_the_rnn_over_the_true_inputs(time_major):
    embedding, cell, dense, initial = _decoder_parts()
    ids = np.random.RandomState(0).randint(0, VOCAB, (BATCH, 6))
    lengths = np.array([6, 2, 4], np.int32)
    inputs = tf.nn.embedding_lookup(embedding, ids)
    helper = tf.contrib.seq2seq.TrainingHelper(
        tf.transpose(inputs, [1, 0, 2]) if time_major else inputs, lengths,
        time_major=time_major)
    decoder = tf.contrib.seq2seq.BasicDecoder(cell, helper, initial, dense)
    outputs, state, final_lengths = tf.contrib.seq2seq.dynamic_decode(
        decoder, output_time_major=time_major, impute_finished=True)
    assert isinstance(outputs, tf.contrib.seq2seq.BasicDecoderOutput)
    assert sorted(v.op.name for v in tf.trainable_variables()) == [
        "decoder/dense/bias", "decoder/dense/kernel",
        "decoder/multi_rnn_cell/cell_0/lstm_cell/bias",
        "decoder/multi_rnn_cell/cell_0/lstm_cell/kernel",
        "decoder/multi_rnn_cell/cell_1/lstm_cell/bias",
        "decoder/multi_rnn_cell/cell_1/lstm_cell/kernel", "embedding"]
    # The same cell and layer (reused) run by dynamic_rnn give the reference.
    with tf.variable_scope("decoder", reuse=True):
        reference, reference_state = tf.nn.dynamic_rnn(cell, inputs, lengths,
                                                       initial_state=initial)
        reference = dense(reference)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, got_state, got_lengths, want, want_state = sess.run(
            [outputs, state, final_lengths, reference, reference_state])
    logits = got.rnn_output.transpose(1, 0, 2) if time_major else got.rnn_output
    sample_id = got.sample_id.T if time_major else got.sample_id
    mask = np.arange(6)[None, :] < lengths[:, None]
    np.testing.assert_allclose(logits[mask], want[mask], rtol=1e-5, atol=1e-6)
    assert not logits[~mask].any()              # impute_finished: zeros past the end
    np.testing.assert_array_equal(sample_id[mask], want.argmax(-1)[mask])
    np.testing.assert_array_equal(got_lengths, lengths)
    for got_layer, want_layer in zip(got_state, want_state):
        np.testing.assert_allclose(got_layer.h, want_layer.h, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(got_layer.c, want_layer.c, rtol=1e-5, atol=1e-6)


def test_greedy_decoder_feeds_back_the_embedded_argmax_until_the_end_token():
    embedding, cell, dense, initial = _decoder_parts(seed=3)
    end_token, steps = 2, 6
    helper = tf.contrib.seq2seq.GreedyEmbeddingHelper(embedding, tf.fill([BATCH], 1),
                                                      end_token)
    decoder = tf.contrib.seq2seq.BasicDecoder(cell, helper, initial, dense)
    outputs, _, lengths = tf.contrib.seq2seq.dynamic_decode(decoder,
                                                            maximum_iterations=steps)
    # Reference: the same cell stepped by hand, one session call a step.
    step_input = tf.placeholder(tf.int32, [BATCH])
    flat_state = [tf.placeholder(tf.float32, [BATCH, UNITS]) for _ in range(4)]
    state = tuple(tf.contrib.rnn.LSTMStateTuple(flat_state[2 * i], flat_state[2 * i + 1])
                  for i in range(2))
    with tf.variable_scope("decoder", reuse=True):
        step_out, step_state = cell(tf.nn.embedding_lookup(embedding, step_input), state)
        step_logits = dense(step_out)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, got_lengths = sess.run([outputs, lengths])
        ids = np.ones(BATCH, np.int32)
        values = [np.zeros((BATCH, UNITS), np.float32)] * 4
        want_ids, want_logits = [], []
        for _ in range(steps):
            feed = {step_input: ids, **dict(zip(flat_state, values))}
            logits, new_state = sess.run([step_logits, step_state], feed)
            values = [part for layer in new_state for part in layer]
            ids = logits.argmax(-1).astype(np.int32)
            want_ids.append(ids)
            want_logits.append(logits)
    want_ids = np.stack(want_ids, 1)
    ended = want_ids == end_token
    want_lengths = np.where(ended.any(1), ended.argmax(1) + 1, steps)
    np.testing.assert_array_equal(got_lengths, want_lengths)
    width = got.sample_id.shape[1]
    assert width == want_lengths.max()
    np.testing.assert_array_equal(got.sample_id, want_ids[:, :width])
    np.testing.assert_allclose(got.rnn_output, np.stack(want_logits, 1)[:, :width],
                               rtol=1e-5, atol=1e-6)


def test_decoders_train_through_the_loop():
    embedding, cell, dense, initial = _decoder_parts()
    ids = np.random.RandomState(0).randint(0, VOCAB, (BATCH, 4))
    helper = tf.contrib.seq2seq.TrainingHelper(tf.nn.embedding_lookup(embedding, ids),
                                               [4, 4, 4])
    outputs, _, _ = tf.contrib.seq2seq.dynamic_decode(
        tf.contrib.seq2seq.BasicDecoder(cell, helper, initial, dense))
    loss = tf.contrib.seq2seq.sequence_loss(outputs.rnn_output, ids, tf.ones([BATCH, 4]))
    step = tf.train.AdamOptimizer(0.05).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss)
        for _ in range(30):
            sess.run(step)
        assert sess.run(loss) < 0.5 * first


def test_inference_and_custom_helpers_follow_their_functions():
    cell = tf.contrib.rnn.BasicRNNCell(2)
    start = tf.zeros([BATCH, 2])
    helper = tf.contrib.seq2seq.InferenceHelper(
        sample_fn=lambda outputs: outputs + 1.0, sample_shape=[2], sample_dtype=tf.float32,
        start_inputs=start, end_fn=lambda sample: tf.reduce_all(sample > 10.0, axis=1))
    outputs, _, lengths = tf.contrib.seq2seq.dynamic_decode(
        tf.contrib.seq2seq.BasicDecoder(cell, helper, cell.zero_state(BATCH, tf.float32)),
        maximum_iterations=3)
    assert helper.sample_ids_shape == tf.TensorShape([2])
    custom = tf.contrib.seq2seq.CustomHelper(
        lambda: (tf.constant([False, True]), tf.zeros([2, 1])),
        lambda time, outputs, state: tf.zeros([2], tf.int32),
        lambda time, outputs, state, sample_ids: (time >= 1, outputs, state))
    with pytest.raises(ValueError, match="before initialize"):
        custom.batch_size  # noqa: B018
    cell1 = tf.contrib.rnn.BasicRNNCell(1)
    _, _, custom_lengths = tf.contrib.seq2seq.dynamic_decode(tf.contrib.seq2seq.BasicDecoder(
        cell1, custom, cell1.zero_state(2, tf.float32)), scope="custom")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, got_lengths, got_custom = sess.run([outputs, lengths, custom_lengths])
    np.testing.assert_allclose(got.sample_id, got.rnn_output + 1.0)
    np.testing.assert_array_equal(got_lengths, [3, 3, 3])
    np.testing.assert_array_equal(got_custom, [2, 0])   # the second starts finished


@pytest.mark.parametrize(("build", "error", "message"), [
    (lambda e, c, d, s: tf.contrib.seq2seq.dynamic_decode("decoder"), TypeError,
     "Expected decoder to be type Decoder"),
    (lambda e, c, d, s: tf.contrib.seq2seq.GreedyEmbeddingHelper(e, [[1]], 2), ValueError,
     "start_tokens must be a vector"),
    (lambda e, c, d, s: tf.contrib.seq2seq.GreedyEmbeddingHelper(e, [1], [2]), ValueError,
     "end_token must be a scalar"),
    (lambda e, c, d, s: tf.contrib.seq2seq.TrainingHelper(tf.zeros([3, 4, 2]), 4),
     ValueError, "Expected sequence_length to be a vector"),
    (lambda e, c, d, s: tf.contrib.seq2seq.BasicDecoder(
        c, "helper", s, d), TypeError, "helper must be a Helper"),
    (lambda e, c, d, s: tf.contrib.seq2seq.BasicDecoder(
        c, tf.contrib.seq2seq.GreedyEmbeddingHelper(e, [1, 1, 1], 2), s, tf.tanh), TypeError,
     "output_layer must be a Layer"),
    (lambda e, c, d, s: tf.contrib.seq2seq.dynamic_decode(tf.contrib.seq2seq.BasicDecoder(
        c, tf.contrib.seq2seq.GreedyEmbeddingHelper(e, [1, 1, 1], 2), s, d),
        maximum_iterations=[3]), ValueError, "maximum_iterations must be a scalar"),
])
def test_decoders_refuse_bad_arguments(build, error, message):
    with pytest.raises(error, match=message):
        build(*_decoder_parts())


# -- writing onto a device file -------------------------------------------------------------------


def test_an_atomic_write_onto_a_device_writes_into_it_instead_of_replacing_it(tmp_path):
    # `smallflow show samples -o /dev/null` renamed a new regular file over /dev/null (as
    # root: the machine lost its null device). A FIFO stands in for the device here.
    import os
    import stat
    import threading

    from smallflow.train import checkpoint_management

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    checkpoint_management.write_atomically(str(fifo), lambda stream: stream.write(b"picture"))
    reader.join(timeout=10)
    assert received == [b"picture"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


# -- feature columns over several values per example (MLCC's sparse-data exercise) -------------

_TERMS = [[b"the", b"bad", b""], [b"x", b"", b""], [b"bad", b"bad", b"great"]]
_TABLE = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 7.0], [-1.0, 0.5]], np.float32)


def _terms_input(kind):
    if kind == "dense":
        return tf.constant(_TERMS)
    indices = [[r, c] for r, row in enumerate(_TERMS) for c, v in enumerate(row) if v]
    return tf.SparseTensor(indices, [_TERMS[r][c] for r, c in indices], [3, 3])


def _expected(combiner):
    ids = [[2, 0], [], [0, 0, 1]]            # "x" is out of the vocabulary, "" is padding
    rows = []
    for row in ids:
        total = _TABLE[row].sum(0) if row else np.zeros(2, np.float32)
        scale = {"sum": 1, "mean": max(len(row), 1), "sqrtn": max(np.sqrt(len(row)), 1)}
        rows.append(total / scale[combiner])
    return np.array(rows)


@pytest.mark.parametrize("kind", ["dense", "sparse"])
@pytest.mark.parametrize("combiner", ["sum", "mean", "sqrtn"])
def test_categorical_columns_take_several_values_per_example(kind, combiner):
    fc = tf.feature_column
    words = fc.categorical_column_with_vocabulary_list("terms", ["bad", "great", "the", "fun"])
    features = {"terms": _terms_input(kind)}
    hot = fc.input_layer(features, [fc.indicator_column(words)])
    embedded = fc.input_layer(features, [fc.embedding_column(
        words, 2, combiner=combiner, initializer=tf.constant_initializer(_TABLE))])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got_hot, got_embedded = sess.run([hot, embedded])
    np.testing.assert_array_equal(got_hot, [[1, 0, 1, 0], [0, 0, 0, 0], [2, 1, 0, 0]])
    np.testing.assert_allclose(got_embedded, _expected(combiner), rtol=1e-6)


@pytest.mark.parametrize("combiner", ["sum", "mean", "sqrtn"])
def test_linear_model_combines_each_examples_ids_with_sparse_combiner(combiner):
    fc = tf.feature_column
    words = fc.categorical_column_with_vocabulary_list("terms", ["bad", "great", "the", "fun"])
    logits = fc.linear_model({"terms": tf.constant(_TERMS)}, [words], units=2,
                             sparse_combiner=combiner)
    weights = tf.get_default_graph().get_tensor_by_name("linear_model/terms/weights:0")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(tf.assign(weights, _TABLE))
        np.testing.assert_allclose(sess.run(logits), _expected(combiner), rtol=1e-6)


def test_multivalent_hash_columns_skip_padding_and_crosses_keep_raw_values():
    fc = tf.feature_column
    hashed = fc.categorical_column_with_hash_bucket("terms", 5)
    crossed = fc.crossed_column(["terms", "n"], 7)
    features = {"terms": tf.constant(_TERMS), "n": tf.constant([[1, 2], [3, -1], [-1, -1]])}
    with tf.Session() as sess:
        hashed_ids, crossed_ids = sess.run([hashed.ids(features), crossed.ids(features)])
    assert (hashed_ids >= 0).tolist() == [[True, True, False], [True, False, False],
                                          [True, True, True]]
    # TensorFlow crosses raw dense features as they are, padding values included (session
    # 10: its input_layer over this cross counts 6 ids per row): 3 x 2 crosses in each row
    assert (crossed_ids >= 0).sum(1).tolist() == [6, 6, 6]


def test_dnn_estimators_build_the_input_layer_in_tensorflows_scope(tmp_path):
    # MLCC reads dnn/input_from_feature_columns/input_layer/terms_embedding/embedding_weights
    fc = tf.feature_column
    words = fc.categorical_column_with_vocabulary_list("terms", ["bad", "great", "the"])
    classifier = tf.estimator.DNNClassifier([4], [fc.embedding_column(words, 2)],
                                            model_dir=str(tmp_path))

    def input_fn():
        return {"terms": tf.constant(_TERMS)}, tf.constant([[1], [0], [0]])

    classifier.train(input_fn, steps=1)
    assert classifier.get_variable_value(
        "dnn/input_from_feature_columns/input_layer/terms_embedding/embedding_weights"
    ).shape == (3, 2)
    with pytest.raises(ValueError, match="combiner must be one of"):
        fc.embedding_column(words, 2, combiner="max")


@pytest.mark.parametrize(("build", "text"), [
    (lambda: tf.data.Dataset.from_tensor_slices(({"a": [1, 2]}, [[1.0], [2.0]])),
     "<TensorSliceDataset shapes: ({a: ()}, (1,)), types: ({a: tf.int32}, tf.float32)>"),
    (lambda: tf.data.Dataset.from_tensor_slices(({"a": [1, 2]}, [[1.0], [2.0]])).batch(2),
     "<BatchDataset shapes: ({a: (?,)}, (?, 1)), types: ({a: tf.int32}, tf.float32)>"),
    (lambda: tf.data.Dataset.range(3), "<RangeDataset shapes: (), types: tf.int64>"),
])
def test_datasets_print_as_in_tensorflow_1(build, text):
    # MLCC's sparse-data exercise shows `ds` after `ds.map(_parse_function)`
    assert repr(build()) == text
