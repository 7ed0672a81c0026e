"""Session 7 sweep A (handson-ml 1st edition, rasbt's 2nd edition, "Learning TensorFlow"):
what the programs needed, as specifications.

- ``tf.contrib.legacy_seq2seq``'s embedding and attention models (handson-ml chapter 14's
  machine-translation cell) and the ``tf.contrib.rnn`` wrappers they build on
  (``EmbeddingWrapper``, ``InputProjectionWrapper``), with TensorFlow's variable names, checked
  against NumPy re-computations with fixed weights (TensorFlow 2 has no ``contrib``, so no
  oracle case can run them);
- ``static_rnn`` over rank-1 steps (symbols for an ``EmbeddingWrapper``), as TF 1.x allows.
"""

import numpy as np
import pytest

import smallflow as tf

seq2seq = tf.contrib.legacy_seq2seq


def _fixed(shape, seed):
    size = int(np.prod(shape)) if shape else 1
    return (0.5 * np.sin(np.arange(size) * 0.37 + seed)).reshape(shape).astype(np.float32)


def _assign_fixed(sess):
    """Give every trainable variable deterministic values; return them by name."""
    values = {}
    for i, var in enumerate(sorted(tf.trainable_variables(), key=lambda v: v.name)):
        values[var.op.name] = _fixed(var.shape.as_list(), 1.0 + i)
        sess.run(tf.assign(var, values[var.op.name]))
    return values


def _rnn_step(w, b, x, h):
    return np.tanh(np.concatenate([x, h], 1) @ w + b)


def _softmax(s):
    e = np.exp(s - s.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


ENC = np.array([[1, 4, 2], [3, 0, 5]])      # [batch, time] symbols
DEC = np.array([[0, 2, 1, 3], [0, 1, 1, 2]])


def _placeholders():
    x = tf.placeholder(tf.int32, [None, 3])
    y = tf.placeholder(tf.int32, [None, 4])
    return x, y, tf.unstack(tf.transpose(x)), tf.unstack(tf.transpose(y))


# --- embedding_rnn_seq2seq: names, values, greedy decoding, feed_previous as a tensor ----------

def _embedding_rnn_reference(v, feed_previous):
    p = "embedding_rnn_seq2seq/"
    enc_cell = p + "rnn/embedding_wrapper/basic_rnn_cell/"
    dec = p + "embedding_rnn_decoder/"
    dec_cell = dec + "rnn_decoder/output_projection_wrapper/"
    h = np.zeros((2, 5), np.float32)
    for t in range(ENC.shape[1]):
        e = v[p + "rnn/embedding_wrapper/embedding"][ENC[:, t]]
        h = _rnn_step(v[enc_cell + "kernel"], v[enc_cell + "bias"], e, h)
    outputs, prev = [], None
    for t in range(DEC.shape[1]):
        symbols = DEC[:, t] if prev is None or not feed_previous else prev.argmax(1)
        e = v[dec + "embedding"][symbols]
        h = _rnn_step(v[dec_cell + "basic_rnn_cell/kernel"], v[dec_cell + "basic_rnn_cell/bias"],
                      e, h)
        prev = h @ v[dec_cell + "kernel"] + v[dec_cell + "bias"]
        outputs.append(prev)
    return np.stack(outputs), h


@pytest.mark.parametrize("feed_previous", [False, True, "tensor False", "tensor True"])
def test_embedding_rnn_seq2seq_matches_numpy(feed_previous):
    x, y, enc, dec = _placeholders()
    flag = feed_previous
    if isinstance(flag, str):
        flag = tf.constant(flag.endswith("True"))
    outputs, state = seq2seq.embedding_rnn_seq2seq(enc, dec, tf.nn.rnn_cell.BasicRNNCell(5),
                                                   num_encoder_symbols=6,
                                                   num_decoder_symbols=7, embedding_size=3,
                                                   feed_previous=flag)
    assert len(outputs) == 4
    assert outputs[0].shape.as_list() == [None, 7]
    names = [v.op.name for v in tf.trainable_variables()]
    assert names == [
        "embedding_rnn_seq2seq/rnn/embedding_wrapper/embedding",
        "embedding_rnn_seq2seq/rnn/embedding_wrapper/basic_rnn_cell/kernel",
        "embedding_rnn_seq2seq/rnn/embedding_wrapper/basic_rnn_cell/bias",
        "embedding_rnn_seq2seq/embedding_rnn_decoder/embedding",
        "embedding_rnn_seq2seq/embedding_rnn_decoder/rnn_decoder/output_projection_wrapper/"
        "basic_rnn_cell/kernel",
        "embedding_rnn_seq2seq/embedding_rnn_decoder/rnn_decoder/output_projection_wrapper/"
        "basic_rnn_cell/bias",
        "embedding_rnn_seq2seq/embedding_rnn_decoder/rnn_decoder/output_projection_wrapper/"
        "kernel",
        "embedding_rnn_seq2seq/embedding_rnn_decoder/rnn_decoder/output_projection_wrapper/bias",
    ]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = _assign_fixed(sess)
        got, got_state = sess.run([outputs, state], {x: ENC, y: DEC})
    want, want_state = _embedding_rnn_reference(values, "True" in str(feed_previous))
    np.testing.assert_allclose(np.stack(got), want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_state, want_state, rtol=1e-5, atol=1e-6)


def test_embedding_rnn_seq2seq_trains_and_keeps_lstm_state_structure():
    x, y, enc, dec = _placeholders()
    cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(8) for _ in range(2)])
    outputs, state = seq2seq.embedding_rnn_seq2seq(enc, dec, cell, 6, 7, 4,
                                                   feed_previous=tf.placeholder_with_default(
                                                       False, []))
    assert isinstance(state, tuple)
    assert isinstance(state[0], tf.nn.rnn_cell.LSTMStateTuple)
    targets = tf.unstack(tf.transpose(y))
    loss = seq2seq.sequence_loss(outputs, targets, [tf.ones([2])] * 4)
    step = tf.train.AdamOptimizer(0.05).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, {x: ENC, y: DEC})
        for _ in range(30):
            sess.run(step, {x: ENC, y: DEC})
        assert sess.run(loss, {x: ENC, y: DEC}) < 0.5 * first


# --- attention_decoder against NumPy -------------------------------------------------------------

def _attention_reference(v, inputs, states, init_state, init_attention):
    p = "attention_decoder/"
    hidden_features = states @ v[p + "AttnW_0"][0, 0]

    def attention(query):
        y = query @ v[p + "Attention_0/kernel"] + v[p + "Attention_0/bias"]
        s = (v[p + "AttnV_0"] * np.tanh(hidden_features + y[:, None, :])).sum(2)
        return (_softmax(s)[:, :, None] * states).sum(1)

    h = init_state
    attns = attention(h) if init_attention else np.zeros((2, states.shape[2]), np.float32)
    outputs = []
    for inp in inputs:
        x = np.concatenate([inp, attns], 1) @ v[p + "kernel"] + v[p + "bias"]
        h = _rnn_step(v[p + "basic_rnn_cell/kernel"], v[p + "basic_rnn_cell/bias"], x, h)
        attns = attention(h)
        outputs.append(np.concatenate([h, attns], 1) @ v[p + "AttnOutputProjection/kernel"]
                       + v[p + "AttnOutputProjection/bias"])
    return np.stack(outputs), h


@pytest.mark.parametrize("init_attention", [False, True])
def test_attention_decoder_matches_numpy(init_attention):
    inputs_np = [_fixed([2, 3], 10.0 + t) for t in range(3)]
    states_np = _fixed([2, 4, 6], 20.0) * 2
    init_np = _fixed([2, 5], 30.0)
    outputs, state = seq2seq.attention_decoder(
        [tf.constant(i) for i in inputs_np], tf.constant(init_np), tf.constant(states_np),
        tf.nn.rnn_cell.BasicRNNCell(5), output_size=4,
        initial_state_attention=init_attention)
    assert [o.shape.as_list() for o in outputs] == [[2, 4]] * 3
    assert sorted(v.op.name for v in tf.trainable_variables()) == sorted(
        "attention_decoder/" + n for n in
        ["AttnW_0", "AttnV_0", "kernel", "bias", "basic_rnn_cell/kernel",
         "basic_rnn_cell/bias", "Attention_0/kernel", "Attention_0/bias",
         "AttnOutputProjection/kernel", "AttnOutputProjection/bias"])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = _assign_fixed(sess)
        got, got_state = sess.run([outputs, state])
    want, want_state = _attention_reference(values, inputs_np, states_np, init_np,
                                            init_attention)
    np.testing.assert_allclose(np.stack(got), want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_state, want_state, rtol=1e-5, atol=1e-6)


ATTENTION_ERRORS = [
    ("no inputs", dict(decoder_inputs=[]), "at least 1 input"),
    ("no heads", dict(num_heads=0), "less than 1 heads"),
    ("unknown size", dict(attention_states="unknown"), "Shape\\[2\\] of attention_states"),
]


@pytest.mark.parametrize(("case", "kwargs", "message"), ATTENTION_ERRORS,
                         ids=[c[0] for c in ATTENTION_ERRORS])
def test_attention_decoder_errors(case, kwargs, message):
    args = dict(decoder_inputs=[tf.ones([2, 3])], initial_state=tf.zeros([2, 5]),
                attention_states=tf.ones([2, 4, 6]), cell=tf.nn.rnn_cell.BasicRNNCell(5))
    args.update(kwargs)
    if args["attention_states"] == "unknown":
        args["attention_states"] = tf.placeholder(tf.float32, [2, 4, None])
    with pytest.raises(ValueError, match=message):
        seq2seq.attention_decoder(**args)


# --- the other models: scopes, shapes, shared variables --------------------------------------

MODELS = [
    ("embedding_attention_seq2seq",
     lambda enc, dec, cell: seq2seq.embedding_attention_seq2seq(enc, dec, cell, 6, 7, 3,
                                                                num_heads=2),
     7, {"embedding_attention_seq2seq/rnn/embedding_wrapper/embedding",
         "embedding_attention_seq2seq/embedding_attention_decoder/embedding",
         "embedding_attention_seq2seq/embedding_attention_decoder/attention_decoder/AttnW_1",
         "embedding_attention_seq2seq/embedding_attention_decoder/attention_decoder/"
         "AttnOutputProjection/kernel"}),
    ("embedding_tied_rnn_seq2seq",
     lambda enc, dec, cell: seq2seq.embedding_tied_rnn_seq2seq(enc, dec, cell, 8, 3,
                                                               num_decoder_symbols=5),
     5, {"embedding_tied_rnn_seq2seq/embedding",
         "embedding_tied_rnn_seq2seq/combined_tied_rnn_seq2seq/tied_rnn_seq2seq/"
         "output_projection_wrapper/gru_cell/gates/kernel"}),
    ("one2many_rnn_seq2seq",
     lambda enc, dec, cell: seq2seq.one2many_rnn_seq2seq(
         enc, {"a": dec, "b": dec[:2]}, cell,
         {"a": tf.nn.rnn_cell.GRUCell(4), "b": tf.nn.rnn_cell.GRUCell(4)}, 6,
         {"a": 7, "b": 3}, 3),
     None, {"one2many_rnn_seq2seq/rnn/embedding_wrapper/embedding",
            "one2many_rnn_seq2seq/one2many_decoder_a/embedding_rnn_decoder/embedding",
            "one2many_rnn_seq2seq/one2many_decoder_b/embedding_rnn_decoder/rnn_decoder/"
            "output_projection_wrapper/kernel"}),
]


@pytest.mark.parametrize(("name", "build", "depth", "some_names"), MODELS,
                         ids=[m[0] for m in MODELS])
def test_seq2seq_models_build_and_run(name, build, depth, some_names):
    x, y, enc, dec = _placeholders()
    outputs, _ = build(enc, dec, tf.nn.rnn_cell.GRUCell(4))
    names = {v.op.name for v in tf.trainable_variables()}
    assert some_names <= names, sorted(names)
    if isinstance(outputs, dict):
        assert [len(outputs["a"]), len(outputs["b"])] == [4, 2]
        assert outputs["b"][0].shape.as_list() == [None, 3]
        outputs = outputs["a"]
    else:
        assert len(outputs) == 4
        assert outputs[0].shape.as_list() == [None, depth]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert np.all(np.isfinite(sess.run(outputs, {x: ENC, y: DEC})))


def test_model_with_buckets_shares_variables_between_buckets():
    x, y, enc, dec = _placeholders()
    targets = tf.unstack(tf.transpose(y))
    weights = [tf.ones([2])] * 4

    def model(e, d):
        return seq2seq.embedding_rnn_seq2seq(e, d, tf.nn.rnn_cell.GRUCell(4), 6, 7, 3)

    outputs, losses = seq2seq.model_with_buckets(enc, dec, targets, weights, [(2, 2), (3, 4)],
                                                 model)
    assert [len(o) for o in outputs] == [2, 4]
    assert len(losses) == 2
    names = [v.op.name for v in tf.trainable_variables()]
    assert len(names) == 12
    assert all(n.startswith("embedding_rnn_seq2seq/") for n in names)
    with tf.variable_scope(tf.get_variable_scope(), reuse=True):
        _, per_example = seq2seq.model_with_buckets(enc, dec, targets, weights, [(3, 4)],
                                                    model, per_example_loss=True)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        scalar, vector = sess.run([losses[1], per_example[0]], {x: ENC, y: DEC})
    assert np.shape(scalar) == ()
    assert vector.shape == (2,)
    np.testing.assert_allclose(scalar, vector.mean(), rtol=1e-5)
    with pytest.raises(ValueError, match="Length of encoder_inputs \\(3\\) must be at least"):
        seq2seq.model_with_buckets(enc, dec, targets, weights, [(5, 4)], model)


# --- the contrib.rnn wrappers and static_rnn over symbols ------------------------------------

def test_embedding_wrapper_embeds_symbols_with_unit_variance_default():
    cell = tf.contrib.rnn.EmbeddingWrapper(tf.nn.rnn_cell.BasicRNNCell(3), 50, 400)
    steps = [tf.constant([1, 2]), tf.constant([[3], [4]])]      # [batch] or [batch, 1]
    outputs, _ = tf.nn.static_rnn(cell, steps, dtype=tf.float32)
    embedding = [v for v in tf.global_variables() if v.op.name.endswith("embedding")]
    assert [v.op.name for v in embedding] == ["rnn/embedding_wrapper/embedding"]
    assert cell.output_size == 3
    assert cell.state_size == 3
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = sess.run(embedding[0])
        assert [o.shape for o in sess.run(outputs)] == [(2, 3), (2, 3)]
    assert np.abs(values).max() <= np.sqrt(3)
    assert abs(values.var() - 1.0) < 0.05


WRAPPER_ERRORS = [
    ("embedding classes", lambda: tf.contrib.rnn.EmbeddingWrapper(
        tf.nn.rnn_cell.GRUCell(2), 0, 3), ValueError, "must be > 0"),
    ("not a cell", lambda: tf.contrib.rnn.EmbeddingWrapper("cell", 4, 3), TypeError,
     "not RNNCell"),
    ("projection not a cell", lambda: tf.contrib.rnn.InputProjectionWrapper(3, 2), TypeError,
     "not RNNCell"),
]


@pytest.mark.parametrize(("case", "make", "error", "message"), WRAPPER_ERRORS,
                         ids=[c[0] for c in WRAPPER_ERRORS])
def test_wrapper_errors(case, make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_input_projection_wrapper_projects_before_the_cell():
    cell = tf.contrib.rnn.InputProjectionWrapper(tf.nn.rnn_cell.BasicRNNCell(3), 2,
                                                 activation=tf.nn.relu)
    inputs = tf.constant(_fixed([4, 5], 3.0))
    output, _ = cell(inputs, cell.zero_state(4, tf.float32))
    assert sorted(v.op.name for v in tf.trainable_variables()) == [
        "input_projection_wrapper/basic_rnn_cell/bias",
        "input_projection_wrapper/basic_rnn_cell/kernel",
        "input_projection_wrapper/bias", "input_projection_wrapper/kernel"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        v = _assign_fixed(sess)
        got = sess.run(output)
    p = "input_projection_wrapper/"
    x = np.maximum(_fixed([4, 5], 3.0) @ v[p + "kernel"] + v[p + "bias"], 0)
    want = _rnn_step(v[p + "basic_rnn_cell/kernel"], v[p + "basic_rnn_cell/bias"], x,
                     np.zeros((4, 3), np.float32))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


STATIC_RNN_SHAPES = [
    ("scalar steps", [], ValueError, "must have rank at least 1"),
    ("unknown depth", [2, None], ValueError, "Input size \\(dimension 0 of inputs\\)"),
]


@pytest.mark.parametrize(("case", "shape", "error", "message"), STATIC_RNN_SHAPES,
                         ids=[c[0] for c in STATIC_RNN_SHAPES])
def test_static_rnn_input_shape_errors(case, shape, error, message):
    step = tf.placeholder(tf.float32, shape)
    with pytest.raises(error, match=message):
        tf.nn.static_rnn(tf.nn.rnn_cell.GRUCell(2), [step], dtype=tf.float32)


# --- tf.contrib.keras (rasbt chapter 13: `import tensorflow.contrib.keras as keras`) ------------

CONTRIB_KERAS_MODULES = ["activations", "backend", "callbacks", "constraints", "datasets",
                         "initializers", "layers", "losses", "metrics", "models", "optimizers",
                         "preprocessing", "regularizers", "utils"]


@pytest.mark.parametrize("module", CONTRIB_KERAS_MODULES)
def test_contrib_keras_has_the_keras_modules(module):
    assert getattr(tf.contrib.keras, module) is getattr(tf.keras, module)


def test_contrib_keras_sequential_program():
    import smallflow.contrib.keras as keras

    rng = np.random.RandomState(0)
    x = rng.randn(120, 4).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(int)
    model = keras.models.Sequential()
    model.add(keras.layers.Dense(units=8, input_dim=4, kernel_initializer="glorot_uniform",
                                 bias_initializer="zeros", activation="tanh"))
    model.add(keras.layers.Dense(units=2, input_dim=8, activation="softmax"))
    model.compile(optimizer=keras.optimizers.SGD(lr=0.1, decay=1e-7, momentum=.9),
                  loss="categorical_crossentropy")
    history = model.fit(x, keras.utils.to_categorical(y), batch_size=16, epochs=5, verbose=0,
                        validation_split=0.1)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert np.mean(model.predict_classes(x, verbose=0) == y) > 0.8
    assert keras.applications.VGG16 is tf.keras.applications.VGG16  # session 15
    with pytest.raises(AttributeError, match="tf.contrib.keras.estimator"):
        _ = keras.estimator


# --- how a tensor prints (rasbt chapter 14 prints its tensors; compared with TensorFlow) -------

def _on(device, make):
    with tf.device(device):
        return make()


TENSOR_TEXTS = [
    ("unknown rank", lambda: tf.placeholder(tf.float32, name="x"),
     'Tensor("x:0", dtype=float32)', "<tf.Tensor 'x:0' shape=<unknown> dtype=float32>"),
    ("partly known", lambda: tf.placeholder(tf.int32, [None, 3], name="y"),
     'Tensor("y:0", shape=(?, 3), dtype=int32)', "<tf.Tensor 'y:0' shape=(?, 3) dtype=int32>"),
    ("on a device", lambda: _on("/cpu:0", lambda: tf.constant(1.0, name="c")),
     'Tensor("c:0", shape=(), dtype=float32, device=/device:CPU:0)',
     "<tf.Tensor 'c:0' shape=() dtype=float32>"),
    ("on a task", lambda: _on("/job:worker/task:1", lambda: tf.constant(1.0, name="d")),
     'Tensor("d:0", shape=(), dtype=float32, device=/job:worker/task:1)',
     "<tf.Tensor 'd:0' shape=() dtype=float32>"),
]


@pytest.mark.parametrize(("case", "make", "text", "representation"), TENSOR_TEXTS,
                         ids=[t[0] for t in TENSOR_TEXTS])
def test_tensor_str_and_repr_as_tensorflow_prints_them(case, make, text, representation):
    tensor = make()
    assert str(tensor) == text
    assert repr(tensor) == representation


# --- Coordinator.join over threads not started yet ("Learning TensorFlow" ch. 8) ---------------

def test_coordinator_join_passes_over_threads_never_started():
    import threading

    coord = tf.train.Coordinator()
    ran = []
    threads = [threading.Thread(target=lambda i=i: ran.append(i)) for i in range(3)]
    coord.join(threads)        # nothing alive: returns at once, as TensorFlow's does
    assert coord.joined
    assert ran == []
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(ran) == [0, 1, 2]
