"""Graphs with smallflow's ``tf.cond``/``tf.while_loop`` to export in TensorFlow 1.x's form.

Each builder makes a graph in the default graph and returns ``(runs, fetches)``: a list of
feed dicts (tensor name -> value) and the tensor names to fetch. Used by
tests/test_compat_session12_cflow.py (smallflow reads the files back, also the way TensorFlow
sees them) and tests/oracle/test_tf_control_flow_files.py (TensorFlow runs them).
"""

import numpy as np

RNG = np.random.default_rng(5)


def _f32(*shape):
    return RNG.normal(0, 1, shape).astype(np.float32)


def cond_placeholder(tf):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    flag = tf.placeholder(tf.bool, [], name="flag")
    y = tf.cond(flag, lambda: x * 2.0 + 1.0, lambda: tf.reduce_sum(x) * x, name="pick")
    tf.identity(y, name="y")
    x_value = _f32(2, 3)
    return [{"x:0": x_value, "flag:0": True}, {"x:0": x_value, "flag:0": False}], ["y:0"]


def nested_cond(tf):
    x = tf.placeholder(tf.float32, [4], name="x")
    a = tf.placeholder(tf.bool, [], name="a")
    inner = lambda: tf.cond(tf.reduce_sum(x) > 0, lambda: x * 3.0, lambda: -x)  # noqa: E731
    tf.identity(tf.cond(a, inner, lambda: tf.square(x) + 1.0), name="y")
    tf.identity(tf.cond(a, lambda: tf.constant(1), lambda: tf.constant(2)), name="z")
    pos = np.abs(_f32(4)) + 0.1
    runs = [{"x:0": pos, "a:0": True}, {"x:0": -pos, "a:0": True}, {"x:0": pos, "a:0": False}]
    return runs, ["y:0", "z:0"]


def while_counter(tf):
    n = tf.placeholder(tf.int32, [], name="n")
    start = tf.placeholder(tf.float32, [1], name="start")

    def body(i, acc, total):
        return i + 1, tf.concat([acc, acc[-1:] * 2.0], 0), total + tf.cast(i, tf.float32)

    i, acc, total = tf.while_loop(
        lambda i, acc, total: i < n, body, [tf.constant(0), start, tf.constant(0.0)],
        shape_invariants=[tf.TensorShape([]), tf.TensorShape([None]), tf.TensorShape([])],
        name="grow")
    tf.identity(i, name="count")
    tf.identity(acc, name="acc")
    tf.identity(total, name="total")
    m = tf.placeholder(tf.int32, [], name="m")

    def outer(a, s):
        _, inner = tf.while_loop(lambda b, t: b < a, lambda b, t: (b + 1, t + a * b), [0, 0],
                                 name="inner")
        return a + 1, s + inner

    tf.identity(tf.while_loop(lambda a, s: a < m, outer, [0, 0], name="outer")[1],
                name="nested")
    capped = tf.while_loop(lambda j: j < 100, lambda j: j + 3, [tf.constant(0)],
                           maximum_iterations=n, name="capped")
    tf.identity(capped, name="capped_out")
    runs = [{"n:0": 4, "start:0": np.array([1.5], np.float32), "m:0": 5},
            {"n:0": 0, "start:0": np.array([2.0], np.float32), "m:0": 0}]
    return runs, ["count:0", "acc:0", "total:0", "nested:0", "capped_out:0"]


def cond_in_loop(tf):
    x = tf.placeholder(tf.float32, [3], name="x")
    n = tf.placeholder(tf.int32, [], name="n")

    def body(i, v):
        return i + 1, tf.cond(tf.equal(i % 2, 0), lambda: v * 2.0, lambda: v - x)

    tf.identity(tf.while_loop(lambda i, v: i < n, body, [0, x])[1], name="v")
    flag = tf.placeholder(tf.bool, [], name="flag")
    loop = lambda: tf.while_loop(lambda j, s: j < n, lambda j, s: (j + 1, s * x),  # noqa: E731
                                 [0, tf.ones([3])])[1]
    tf.identity(tf.cond(flag, loop, lambda: x + 100.0), name="w")
    x_value = _f32(3)
    runs = [{"x:0": x_value, "n:0": 5, "flag:0": True},
            {"x:0": x_value, "n:0": 3, "flag:0": False}]
    return runs, ["v:0", "w:0"]


def lstm_dynamic_rnn(tf):
    x = tf.placeholder(tf.float32, [None, 6, 3], name="inputs")
    lengths = tf.placeholder(tf.int32, [None], name="lengths")
    cell = tf.nn.rnn_cell.LSTMCell(5, initializer=tf.random_normal_initializer(seed=1))
    outputs, state = tf.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=tf.float32)
    tf.identity(outputs, name="outputs")
    tf.identity(state.h, name="last_h")
    runs = [{"inputs:0": _f32(3, 6, 3), "lengths:0": np.array([6, 2, 4], np.int32)}]
    return runs, ["outputs:0", "last_h:0"]


def map_fn_rows(tf):
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    tf.identity(tf.map_fn(lambda row: tf.reduce_sum(row * row) + row[0], x), name="y")
    tf.identity(tf.scan(lambda acc, row: acc + row, x), name="cumsum")
    return [{"x:0": _f32(5, 4)}], ["y:0", "cumsum:0"]


def layers_training_flag(tf):
    x = tf.placeholder(tf.float32, [None, 6], name="x")
    training = tf.placeholder_with_default(False, [], name="training")
    h = tf.layers.dense(x, 8, activation=tf.nn.relu, name="dense")
    bn = tf.layers.batch_normalization(h, training=training, name="bn")
    tf.identity(bn, name="bn_out")
    tf.identity(tf.layers.dropout(bn, rate=0.5, training=training, name="drop"),
                name="drop_out")
    x_value = _f32(7, 6)
    # Dropout's mask is random: compared only when training is False.
    return [{"x:0": x_value}, {"x:0": x_value, "training:0": True}], ["bn_out:0", "drop_out:0"]


CASES = [cond_placeholder, nested_cond, while_counter, cond_in_loop, lstm_dynamic_rnn,
         map_fn_rows, layers_training_flag]


def write_frozen(tf, case, folder):
    """Build ``case`` with smallflow, run it, write ``<name>.pb`` (frozen) and ``<name>.npz``
    (``run<i>/feed/<tensor>``, ``run<i>/fetch/<tensor>``: smallflow's values)."""
    with tf.Graph().as_default() as graph:
        tf.set_random_seed(1)
        runs, fetches = case(tf)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            arrays = {}
            for index, feed in enumerate(runs):
                wanted = [f for f in fetches
                          if not (f.startswith("drop") and feed.get("training:0"))]
                for name, value in zip(wanted, sess.run(wanted, feed)):
                    arrays[f"run{index}/fetch/{name}"] = np.asarray(value)
                for name, value in feed.items():
                    arrays[f"run{index}/feed/{name}"] = np.asarray(value)
            outputs = sorted({f.split(":")[0] for f in fetches})
            frozen = tf.graph_util.convert_variables_to_constants(sess, graph.as_graph_def(),
                                                                  outputs)
    (folder / f"{case.__name__}.pb").write_bytes(frozen.SerializeToString())
    np.savez(folder / f"{case.__name__}.npz", **arrays)
    return frozen, arrays
