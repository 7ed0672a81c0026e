"""Write GraphDefs with TensorFlow 1.x control flow (Switch/Merge/Enter/Exit) with TensorFlow.

Run with a Python that has TensorFlow (the project's oracle venv is /work/tf-venv):

    TF_USE_LEGACY_KERAS=1 /work/tf-venv/bin/python tests/make_tf_control_flow_fixtures.py [DIR]

TensorFlow 2.21 builds TF1's control flow after ``disable_control_flow_v2()``. Each case is
written to DIR (default tests/fixtures/tf_control_flow/) as ``<name>.pb`` (a frozen GraphDef:
variables turned into constants, as models are shipped) and ``<name>.npz``: for each run
``i``, the feeds ``run<i>/feed/<tensor>`` and the outputs TensorFlow computed
``run<i>/fetch/<tensor>``. The ``training`` case is a ``.meta`` file plus checkpoint instead,
and its npz holds the loss of each of three training steps TensorFlow ran after saving.
tests/test_tf_control_flow_import.py imports them into smallflow and must get the same values.
"""

import os
import pathlib
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")

import tensorflow.compat.v1 as tf  # noqa: E402

tf.disable_v2_behavior()

OUT = pathlib.Path(__file__).resolve().parent / "fixtures" / "tf_control_flow"
RNG = np.random.default_rng(12)


def _f32(*shape):
    return RNG.normal(0, 1, shape).astype(np.float32)


def cond_placeholder():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    flag = tf.placeholder(tf.bool, [], name="flag")
    y = tf.cond(flag, lambda: x * 2.0 + 1.0, lambda: tf.reduce_sum(x) * x, name="pick")
    tf.identity(y, name="y")
    x_value = _f32(2, 3)
    runs = [{"x:0": x_value, "flag:0": True}, {"x:0": x_value, "flag:0": False}]
    return runs, ["y:0"]


def nested_cond():
    x = tf.placeholder(tf.float32, [4], name="x")
    a = tf.placeholder(tf.bool, [], name="a")

    def outer_true():
        return tf.cond(tf.reduce_sum(x) > 0, lambda: x * 3.0, lambda: -x, name="inner")

    y = tf.cond(a, outer_true, lambda: tf.square(x) + 1.0, name="outer")
    z = tf.cond(a, lambda: tf.constant(1, tf.int32), lambda: tf.constant(2, tf.int32))
    tf.identity(y, name="y")
    tf.identity(z, name="z")
    pos = np.abs(_f32(4)) + 0.1
    runs = [{"x:0": pos, "a:0": True}, {"x:0": -pos, "a:0": True},
            {"x:0": pos, "a:0": False}]
    return runs, ["y:0", "z:0"]


def while_counter():
    n = tf.placeholder(tf.int32, [], name="n")
    start = tf.placeholder(tf.float32, [1], name="start")

    def body(i, acc, total):
        acc = tf.concat([acc, acc[-1:] * 2.0], 0)
        return i + 1, acc, total + tf.cast(i, tf.float32)

    i, acc, total = tf.while_loop(
        lambda i, acc, total: i < n, body, [tf.constant(0), start, tf.constant(0.0)],
        shape_invariants=[tf.TensorShape([]), tf.TensorShape([None]), tf.TensorShape([])],
        name="grow")
    tf.identity(i, name="count")
    tf.identity(acc, name="acc")
    tf.identity(total, name="total")

    # A loop in a loop: sum_{a<m} sum_{b<a} (a*b)
    m = tf.placeholder(tf.int32, [], name="m")

    def outer(a, s):
        _, inner_sum = tf.while_loop(lambda b, t: b < a, lambda b, t: (b + 1, t + a * b),
                                     [0, 0], name="inner")
        return a + 1, s + inner_sum

    _, nested = tf.while_loop(lambda a, s: a < m, outer, [0, 0], name="outer")
    tf.identity(nested, name="nested")
    runs = [{"n:0": 4, "start:0": np.array([1.5], np.float32), "m:0": 5},
            {"n:0": 0, "start:0": np.array([2.0], np.float32), "m:0": 0}]
    return runs, ["count:0", "acc:0", "total:0", "nested:0"]


def cond_in_loop():
    x = tf.placeholder(tf.float32, [3], name="x")
    n = tf.placeholder(tf.int32, [], name="n")

    def body(i, v):
        v = tf.cond(tf.equal(i % 2, 0), lambda: v * 2.0, lambda: v - 1.0)
        return i + 1, v

    _, v = tf.while_loop(lambda i, v: i < n, body, [0, x])
    tf.identity(v, name="v")
    # A loop inside a branch: when the branch does not run its results are dead.
    flag = tf.placeholder(tf.bool, [], name="flag")
    w = tf.cond(flag, lambda: tf.while_loop(lambda j, s: j < n, lambda j, s: (j + 1, s * x),
                                            [0, tf.ones([3])])[1],
                lambda: x + 100.0)
    tf.identity(w, name="w")
    x_value = _f32(3)
    runs = [{"x:0": x_value, "n:0": 5, "flag:0": True},
            {"x:0": x_value, "n:0": 3, "flag:0": False}]
    return runs, ["v:0", "w:0"]


def lstm_dynamic_rnn():
    x = tf.placeholder(tf.float32, [None, 6, 3], name="inputs")
    lengths = tf.placeholder(tf.int32, [None], name="lengths")
    cell = tf.nn.rnn_cell.LSTMCell(5, initializer=tf.random_normal_initializer(seed=1))
    outputs, state = tf.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=tf.float32)
    tf.identity(outputs, name="outputs")
    tf.identity(state.h, name="last_h")
    tf.identity(state.c, name="last_c")
    logits = tf.layers.dense(state.h, 2, name="head")
    tf.nn.softmax(logits, name="probs")
    runs = [{"inputs:0": _f32(3, 6, 3), "lengths:0": np.array([6, 2, 4], np.int32)}]
    return runs, ["outputs:0", "last_h:0", "last_c:0", "probs:0"]


def map_fn_rows():
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    y = tf.map_fn(lambda row: tf.reduce_sum(row * row) + row[0], x)
    tf.identity(y, name="y")
    z = tf.map_fn(lambda pair: pair[0] * pair[1], (x, x * 2.0), dtype=tf.float32)
    tf.identity(z, name="z")
    s = tf.scan(lambda acc, row: acc + row, x)
    tf.identity(s, name="cumsum")
    runs = [{"x:0": _f32(5, 4)}]
    return runs, ["y:0", "z:0", "cumsum:0"]


def layers_training_flag():
    x = tf.placeholder(tf.float32, [None, 6], name="x")
    training = tf.placeholder_with_default(False, [], name="training")
    h = tf.layers.dense(x, 8, activation=tf.nn.relu, name="dense")
    bn = tf.layers.batch_normalization(h, training=training, name="bn")
    tf.identity(bn, name="bn_out")
    tf.layers.dropout(bn, rate=0.5, training=training, name="drop")
    x_value = _f32(7, 6)
    runs = [{"x:0": x_value}, {"x:0": x_value, "training:0": False},
            {"x:0": x_value, "training:0": True}]
    # Dropout's mask is random: its output is compared only when training is False.
    return runs, ["bn_out:0", "drop/cond/Merge:0"]


CASES = [cond_placeholder, nested_cond, while_counter, cond_in_loop, lstm_dynamic_rnn,
         map_fn_rows, layers_training_flag]


def _write_frozen(case, out):
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(3)
        runs, fetches = case()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            outputs = [names for names in _output_names(fetches)]
            frozen = tf.graph_util.convert_variables_to_constants(
                sess, graph.as_graph_def(), outputs)
            arrays = {}
            for index, feed in enumerate(runs):
                wanted = [f for f in fetches if not _is_random_for(f, feed)]
                values = sess.run(wanted, feed)
                for name, value in feed.items():
                    arrays[f"run{index}/feed/{name}"] = np.asarray(value)
                for name, value in zip(wanted, values):
                    arrays[f"run{index}/fetch/{name}"] = np.asarray(value)
    (out / f"{case.__name__}.pb").write_bytes(frozen.SerializeToString())
    np.savez(out / f"{case.__name__}.npz", **arrays)


def _output_names(fetches):
    return sorted({name.split(":")[0] for name in fetches})


def _is_random_for(fetch, feed):
    return fetch.startswith("drop/") and bool(feed.get("training:0", False))


def training():
    """An LSTM classifier with its training step, saved as ``.meta`` + checkpoint; the npz
    has the loss before each of three steps TensorFlow took from the saved values."""
    x = tf.placeholder(tf.float32, [None, 5, 3], name="x")
    labels = tf.placeholder(tf.int32, [None], name="labels")
    lengths = tf.placeholder(tf.int32, [None], name="lengths")
    cell = tf.nn.rnn_cell.LSTMCell(4, initializer=tf.random_normal_initializer(seed=2))
    _, state = tf.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=tf.float32)
    logits = tf.layers.dense(state.h, 3, name="head")
    loss = tf.reduce_mean(
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits),
        name="loss")
    tf.train.GradientDescentOptimizer(0.5).minimize(loss, name="train_op")
    feed = {"x:0": _f32(4, 5, 3), "labels:0": np.array([0, 2, 1, 2], np.int32),
            "lengths:0": np.array([5, 3, 1, 4], np.int32)}
    return feed


def _write_training(out):
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(4)
        feed = training()
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            saver.save(sess, str(out / "training" / "model"))
            losses = []
            for _ in range(3):
                loss, _ = sess.run(["loss:0", "train_op"], feed)
                losses.append(loss)
    arrays = {f"feed/{name}": value for name, value in feed.items()}
    arrays["losses"] = np.array(losses)
    np.savez(out / "training.npz", **arrays)


def _write_saved_model(out):
    """A SavedModel (TF1's builder) whose signature runs a cond and a while loop over a
    variable; the npz has a feed and TensorFlow's outputs."""
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, 2], name="x")
        flag = tf.placeholder_with_default(True, [], name="flag")
        w = tf.Variable(_f32(2, 2), name="w")
        h = tf.cond(flag, lambda: tf.matmul(x, w), lambda: x)
        _, y = tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, tf.tanh(y) + h), [0, h])
        y = tf.identity(y, name="y")
        feed = {"x:0": _f32(3, 2)}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            builder = tf.saved_model.builder.SavedModelBuilder(str(out / "saved_model"))
            signature = tf.saved_model.signature_def_utils.predict_signature_def(
                {"x": x}, {"y": y})
            builder.add_meta_graph_and_variables(sess, ["serve"],
                                                 signature_def_map={"serving_default": signature})
            builder.save()
            value = sess.run(y, feed)
    np.savez(out / "saved_model.npz", x=feed["x:0"], y=value)


def _write_variable_loop(out):
    """A loop assigning a variable each iteration (its reference enters the loop's frame:
    RefEnter) and a cond assigning it in one branch (RefSwitch); ``.meta`` + checkpoint. The
    npz has TensorFlow's values of three runs made in order in one session."""
    graph = tf.Graph()
    with graph.as_default():
        v = tf.Variable(1.0, name="v")
        n = tf.placeholder(tf.int32, [], name="n")

        def body(i):
            with tf.control_dependencies([tf.assign_add(v, 2.0)]):
                return i + 1

        done = tf.while_loop(lambda i: i < n, body, [0], name="loop")
        with tf.control_dependencies([done]):
            tf.identity(v.read_value(), name="after")
        flag = tf.placeholder(tf.bool, [], name="flag")
        tf.identity(tf.cond(flag, lambda: tf.assign(v, 10.0), lambda: tf.identity(v)),
                    name="picked")
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            saver.save(sess, str(out / "variable_loop" / "model"))
            values = [sess.run("after:0", {"n:0": 3}), sess.run("picked:0", {"flag:0": False}),
                      sess.run("picked:0", {"flag:0": True})]
    np.savez(out / "variable_loop.npz", values=np.array(values))


def _write_functional(out):
    """The cond and loop of TensorFlow 2 (StatelessIf/StatelessWhile calling functions of the
    GraphDef's library), which smallflow refuses with a clear error."""
    tf.enable_control_flow_v2()
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [3], name="x")
        flag = tf.placeholder(tf.bool, [], name="flag")
        tf.identity(tf.cond(flag, lambda: x * 2.0, lambda: x - 1.0), name="y")
        _, v = tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * 2.0), [0, x])
        tf.identity(v, name="v")
    (out / "v2_functional.pb").write_bytes(graph.as_graph_def().SerializeToString())
    tf.disable_control_flow_v2()


def main(argv):
    out = pathlib.Path(argv[1]) if len(argv) > 1 else OUT
    (out / "training").mkdir(parents=True, exist_ok=True)
    tf.disable_control_flow_v2()
    for case in CASES:
        _write_frozen(case, out)
    _write_training(out)
    if not (out / "saved_model").exists():
        _write_saved_model(out)
    (out / "variable_loop").mkdir(exist_ok=True)
    _write_variable_loop(out)
    _write_functional(out)


if __name__ == "__main__":
    main(sys.argv)
