"""Constructs found by compatibility sweep A of session 4 (docs/compatibility.md, "Session 4
sweep A": nfmcclure/tensorflow_cookbook, tensorflow-without-a-phd, FirstContactWithTensorFlow).

Each row is the construct that broke, reduced to a few lines, with what TensorFlow 1.x gives.
"""

import logging

import numpy as np
import pytest

import smallflow as tf

# --- tf.logging, complete, and its tensorflow.python.platform paths -------------------------

def _log_calls(caplog, calls):
    tf.logging.set_verbosity(tf.logging.DEBUG)
    with caplog.at_level(logging.DEBUG, logger="smallflow"):
        calls()
    return [r.getMessage() for r in caplog.records if r.name == "smallflow"]


def _every_n():
    for i in range(7):
        tf.logging.log_every_n(tf.logging.INFO, "every %d", 3, i)


def _first_n():
    for i in range(5):
        tf.logging.log_first_n(tf.logging.WARN, "first %d", 2, i)


LOG_CASES = [
    ("log at a level", lambda: tf.logging.log(tf.logging.INFO, "v=%s", 3), ["v=3"]),
    ("log_every_n counts per call site", _every_n, ["every 0", "every 3", "every 6"]),
    ("log_first_n", _first_n, ["first 0", "first 1"]),
    ("log_if true and false",
     lambda: (tf.logging.log_if(tf.logging.INFO, "yes", True),
              tf.logging.log_if(tf.logging.INFO, "no", False)), ["yes"]),
    ("vlog", lambda: tf.logging.vlog(tf.logging.ERROR, "vlog %d", 1), ["vlog 1"]),
    ("TaskLevelStatusMessage", lambda: tf.logging.TaskLevelStatusMessage("status"), ["status"]),
    ("flush writes nothing", tf.logging.flush, []),
]


@pytest.mark.parametrize(("calls", "expected"), [c[1:] for c in LOG_CASES],
                         ids=[c[0] for c in LOG_CASES])
def test_tf_logging_functions(caplog, calls, expected):
    old = tf.logging.get_verbosity()
    try:
        assert _log_calls(caplog, calls) == expected
    finally:
        tf.logging.set_verbosity(old)


PLATFORM_MODULES = [
    ("tf_logging", "info", tf.logging.info),
    ("flags", "DEFINE_integer", tf.flags.DEFINE_integer),
    ("app", "run", tf.app.run),
    ("gfile", "Exists", tf.gfile.Exists),
]


@pytest.mark.parametrize(("module", "name", "public"), PLATFORM_MODULES,
                         ids=[m[0] for m in PLATFORM_MODULES])
def test_python_platform_modules_are_the_public_ones(module, name, public):
    # without-a-phd's mlengine/trainer: `from tensorflow.python.platform import tf_logging`.
    import importlib

    mod = importlib.import_module(f"smallflow.python.platform.{module}")
    assert getattr(mod, name) is public


# --- variable scopes entered again -----------------------------------------------------------

def _scope_names():
    with tf.Graph().as_default():
        with tf.variable_scope("foo") as scope:
            first = tf.constant(1.0)
            var = tf.get_variable("v", [1])
        with tf.variable_scope(scope):
            again = tf.constant(1.0)
        with tf.variable_scope(tf.get_variable_scope(), reuse=True):
            root = tf.constant(2.0)
            same = tf.get_variable("foo/v", [1])
        with tf.name_scope("outer"), tf.variable_scope(scope, reuse=True):
            nested = tf.constant(1.0)
            inner = tf.get_variable("v", [1])
        return [t.name for t in (first, var, again, root, same, nested, inner)]


def test_reentered_variable_scopes_name_ops_as_tf1():
    # cookbook 09/06 siamese model: `variable_scope(get_variable_scope(), reuse=True)` at the
    # root failed ("'/' is not a valid scope name"); a scope object opens `foo_1` for its ops.
    assert _scope_names() == ["foo/Const:0", "foo/v:0", "foo_1/Const:0", "Const:0", "foo/v:0",
                              "outer/foo/Const:0", "foo/v:0"]


# --- tf.contrib.learn.preprocessing.VocabularyProcessor (cookbook 07/02, 09/02, 10/05, 10/06) ---

DOCS = ["I like cats", "I like dogs and cats", "Dogs RUN"]
VOCAB_CASES = [
    ("ids by first appearance, padded and cut", dict(max_document_length=4),
     [[1, 2, 3, 0], [1, 2, 4, 5], [6, 7, 0, 0]], 8),
    ("min_frequency keeps words seen more often, re-numbered by count then name",
     dict(max_document_length=3, min_frequency=1), [[1, 3, 2], [1, 3, 0], [0, 0, 0]], 4),
]


@pytest.mark.parametrize(("kwargs", "rows", "size"), [c[1:] for c in VOCAB_CASES],
                         ids=[c[0] for c in VOCAB_CASES])
def test_vocabulary_processor_fit_transform(kwargs, rows, size):
    processor = tf.contrib.learn.preprocessing.VocabularyProcessor(**kwargs)
    out = list(processor.fit_transform(DOCS))
    assert [r.tolist() for r in out] == rows
    assert all(r.dtype == np.int64 for r in out)
    assert len(processor.vocabulary_) == size


def test_vocabulary_processor_is_frozen_after_fit_and_reverses(tmp_path):
    preprocessing = tf.contrib.learn.preprocessing
    processor = preprocessing.VocabularyProcessor(5).fit(DOCS)
    assert [r.tolist() for r in processor.transform(["cats like birds"])] == [[3, 2, 0, 0, 0]]
    assert list(processor.reverse([[1, 2, 3, 0]])) == ["I like cats <UNK>"]
    path = str(tmp_path / "vocab.pkl")
    processor.save(path)
    again = preprocessing.VocabularyProcessor.restore(path)
    assert again.vocabulary_._mapping == processor.vocabulary_._mapping
    assert again.max_document_length == 5
    assert list(preprocessing.tokenizer(["HelloWorld, it's U.S.A. re-run"])) == [
        ["Hello", "World", "it's", "U", "S", "A", "re-run"]]


# --- tf.edit_distance (cookbook 05/03 text distances, 05/05 address matching) ---------------

def _sparse_seqs(seqs, width):
    indices = [[i, j] for i, s in enumerate(seqs) for j in range(len(s))]
    return tf.SparseTensor(indices or np.zeros((0, 2), np.int64),
                           [c for s in seqs for c in s] or np.zeros(0, object), [len(seqs), width])


EDIT_CASES = [
    ("one substitution, normalized by the truth length", ["bear"], ["beers"], True, [0.4]),
    ("raw counts", ["bear", "x"], ["beers", "xyz"], False, [2.0, 2.0]),
    ("empty hypothesis", [""], ["ab"], True, [1.0]),
    ("empty truth, normalized, is inf", ["ab"], [""], True, [np.inf]),
    ("empty truth, raw, is the hypothesis length", ["ab"], [""], False, [2.0]),
]


@pytest.mark.parametrize(("hyp", "truth", "normalize", "expected"), [c[1:] for c in EDIT_CASES],
                         ids=[c[0] for c in EDIT_CASES])
def test_edit_distance(hyp, truth, normalize, expected):
    h = _sparse_seqs([list(w) for w in hyp], 5)
    t = _sparse_seqs([list(w) for w in truth], 5)
    d = tf.edit_distance(h, t, normalize=normalize)
    assert d.dtype == tf.float32
    assert d.shape.as_list() == [len(hyp)]
    with tf.Session() as sess:
        assert sess.run(d).tolist() == pytest.approx(expected)


def test_edit_distance_errors():
    a = tf.SparseTensor([[0, 0]], [1], [1, 1])
    with pytest.raises(TypeError, match="SparseTensor"):
        tf.edit_distance(tf.constant([[1]]), a)
    with pytest.raises(TypeError, match="same dtype"):
        tf.edit_distance(a, tf.SparseTensor([[0, 0]], [1.0], [1, 1]))
    b = tf.SparseTensor([[0, 0, 0]], [1], [1, 1, 1])
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError, match="same rank"):
        sess.run(tf.edit_distance(a, b))
    assert tf.gradients(tf.edit_distance(a, a), a.values) == [None]


# --- tf.contrib.legacy_seq2seq (cookbook 09/03 and 09/04: the Shakespeare LSTM) --------------

def _lstm_decoder_loss(loop):
    seq2seq = tf.contrib.legacy_seq2seq
    batch, steps, vocab = 2, 3, 5
    cell = tf.contrib.rnn.BasicLSTMCell(4)
    inputs = [tf.constant(np.full((batch, vocab), 0.1 * (i + 1), np.float32))
              for i in range(steps)]
    w = tf.get_variable("w", [4, vocab], initializer=tf.constant_initializer(0.3))

    def loop_function(prev, _):
        return tf.nn.softmax(tf.matmul(prev, w))

    outputs, state = seq2seq.rnn_decoder(inputs, cell.zero_state(batch, tf.float32), cell,
                                         loop_function=loop_function if loop else None)
    logits = [tf.matmul(o, w) for o in outputs]
    targets = [tf.constant([1, 2]) for _ in range(steps)]
    weights = [tf.ones([batch]) for _ in range(steps)]
    by_example = seq2seq.sequence_loss_by_example(logits, targets, weights)
    total = seq2seq.sequence_loss(logits, targets, weights)
    names = sorted(v.name for v in tf.trainable_variables())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        per, tot, logit_values = sess.run([by_example, total, logits])
    manual = []
    for lv in logit_values:
        lse = np.log(np.exp(lv).sum(1))
        manual.append(lse - lv[np.arange(batch), [1, 2]])
    expected = np.sum(manual, 0) / (steps + 1e-12)
    return names, per.shape, np.allclose(per, expected, rtol=1e-5), np.isclose(tot, per.mean())


@pytest.mark.parametrize("loop", [False, True], ids=["teacher forcing", "loop_function"])
def test_legacy_seq2seq_rnn_decoder_and_losses(loop):
    names, shape, per_ok, total_ok = _lstm_decoder_loss(loop)
    assert names == ["rnn_decoder/basic_lstm_cell/bias:0", "rnn_decoder/basic_lstm_cell/kernel:0",
                     "w:0"]
    assert shape == (2,)
    assert per_ok
    assert total_ok


def test_legacy_seq2seq_seq2seq_models_and_errors():
    seq2seq = tf.contrib.legacy_seq2seq
    enc = [tf.ones([2, 3]) for _ in range(2)]
    dec = [tf.ones([2, 3]) for _ in range(2)]
    outputs, _ = seq2seq.basic_rnn_seq2seq(enc, dec, tf.nn.rnn_cell.GRUCell(4))
    tied, _ = seq2seq.tied_rnn_seq2seq(enc, dec, tf.nn.rnn_cell.GRUCell(4))
    assert [o.shape.as_list() for o in outputs + tied] == [[2, 4]] * 4
    scopes = {v.name.split("/")[0] + "/" + v.name.split("/")[1] for v in tf.trainable_variables()}
    assert scopes == {"basic_rnn_seq2seq/rnn", "basic_rnn_seq2seq/rnn_decoder",
                      "combined_tied_rnn_seq2seq/tied_rnn_seq2seq"}
    with pytest.raises(ValueError, match="Lengths of logits, weights, and targets"):
        seq2seq.sequence_loss_by_example(outputs, [tf.constant([0, 1])], [tf.ones([2])] * 2)
    with pytest.raises(AttributeError, match="legacy_seq2seq.attention_rnn_seq2seq"):
        _ = seq2seq.attention_rnn_seq2seq
