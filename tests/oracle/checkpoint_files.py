"""Checkpoints across the two frameworks: one saves, the other restores and lists them.

Run as ``python checkpoint_files.py ACTION BACKEND FOLDER`` under either interpreter (the
program is the same TF1 code for both; ``tf`` is ``smallflow`` or ``tensorflow.compat.v1``):

- ``write``: make one variable per row of ``VALUES`` (every dtype TF1 programs save, scalars,
  empty tensors, strings, names with scopes, a hundred more), plus a small softmax
  regression trained three steps with Adam (its slot variables and ``beta1_power`` are
  saved too); ``Saver.save(sess, FOLDER/model.ckpt, global_step=3)``; then record the
  loss of one more training step. Also ``SaveV2`` of 10,000 small tensors in one op (an
  index of several blocks) under ``FOLDER/wide``.
- ``read``: read the other framework's checkpoint with ``list_variables``,
  ``NewCheckpointReader`` and ``Saver.restore`` into a freshly built graph; then the TF1
  workflow ``import_meta_graph(model.ckpt-3.meta)`` + ``restore`` + one training step; the
  graph's own restore ops (``save/restore_all``); and the wide checkpoint's reader.

tests/oracle/test_checkpoint_files.py runs both directions and compares. Strings are kept
in JSON (base64), everything else in ``.npz`` files.
"""

import base64
import json
import pathlib
import sys

import numpy as np

STEP = 3
WIDE = 10_000


def _values():
    """``{checkpoint key: value}``: the variables saved besides the model's."""
    rng = np.random.RandomState(0)
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-40, 3.4e38, -1.5], np.float32)
    values = {
        "floats/f32": np.concatenate([special, rng.randn(4).astype(np.float32)]).reshape(3, 4),
        "floats/f64": rng.randn(2, 2, 2),
        "floats/f16": np.array([0.5, -2.0, 65504.0], np.float16),
        "ints/i32": np.array([np.iinfo(np.int32).min, -1, 0, 7, np.iinfo(np.int32).max],
                             np.int32),
        "ints/i64": np.array([[np.iinfo(np.int64).min, 1 << 40], [-3, np.iinfo(np.int64).max]],
                             np.int64),
        "ints/u8": np.arange(250, 256, dtype=np.uint8),
        "ints/i8": np.array([-128, 0, 127], np.int8),
        "ints/i16": np.array([-32768, 5, 32767], np.int16),
        "complex/c64": np.array([1 + 2j, -3.5j], np.complex64),
        "flags": np.array([[True, False], [False, True]]),
        "scalar": np.float32(2.5),
        "scalar_int": np.int64(-9),
        "empty": np.zeros((0, 5), np.float32),
        "empty_ints": np.zeros((2, 0), np.int32),
        "deep/scope/name/with_many_parts/kernel": rng.randn(3).astype(np.float32),
        "text/words": np.array([b"hello", b"", "w\u00f6rld".encode(), b"x" * 300], object),
        "text/scalar": np.array(b"a scalar string", object),
        "text/empty": np.zeros((0,), object),
    }
    for index in range(100):
        values[f"many/v{index:03d}"] = np.full((index % 3,), index, np.float32)
    return values


def _wide_values():
    return {f"t{index:05d}": np.float32(index) for index in range(WIDE)}


def _framework(name):
    if name == "smallflow":
        import smallflow as tf

        return tf
    import tensorflow.compat.v1 as tf

    tf.disable_v2_behavior()
    tf.disable_resource_variables()
    return tf


def _batch():
    rng = np.random.RandomState(1)
    return rng.randn(8, 5).astype(np.float32), np.eye(3, dtype=np.float32)[rng.randint(0, 3, 8)]


def _build(tf, values):
    """The variables of ``values`` (named by their keys) and the softmax model."""
    variables = {key: tf.Variable(value, name=key) for key, value in values.items()}
    x = tf.placeholder(tf.float32, [None, 5], name="x")
    y = tf.placeholder(tf.float32, [None, 3], name="y")
    with tf.variable_scope("softmax"):
        w = tf.get_variable("W", initializer=np.linspace(-1, 1, 15, dtype=np.float32)
                            .reshape(5, 3))
        b = tf.get_variable("b", initializer=np.zeros(3, np.float32))
    logits = tf.matmul(x, w) + b
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits),
                          name="loss")
    global_step = tf.train.get_or_create_global_step()
    train = tf.train.AdamOptimizer(0.1).minimize(loss, global_step=global_step, name="train")
    return variables, (x, y), loss, train


def _encode(value):
    if value.dtype == object:
        return {"strings": [base64.b64encode(bytes(v)).decode() for v in value.ravel()],
                "shape": list(value.shape)}
    return None


def _split(values):
    """``(numbers, strings)``: arrays for ``np.savez`` and a JSON-able dict of the strings."""
    numbers, strings = {}, {}
    for key, value in values.items():
        value = np.asarray(value)
        if value.dtype.kind in "OS":  # a string scalar may come back as bytes
            strings[key] = _encode(value.astype(object))
        else:
            numbers[key] = value
    return numbers, strings


def _save_results(folder, stem, values, extra):
    numbers, strings = _split(values)
    np.savez(folder / f"{stem}.npz", **numbers)
    (folder / f"{stem}.json").write_text(json.dumps({"strings": strings, **extra}))


def write(tf, folder):
    values = _values()
    with tf.Graph().as_default():
        _, (x, y), loss, train = _build(tf, values)
        saver = tf.train.Saver()
        feed = dict(zip((x, y), _batch()))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(STEP):
                sess.run(train, feed)
            prefix = saver.save(sess, str(folder / "model.ckpt"), global_step=STEP)
            saved = {v.op.name: sess.run(v) for v in tf.global_variables()}
            sess.run(train, feed)
            next_loss = float(sess.run(loss, feed))
    wide = _wide_values()
    if tf.__name__ == "smallflow":
        # smallflow's Saver writes through this function; 10,000 variables would only slow
        # the graph building down.
        from smallflow.train import checkpoint_utils

        checkpoint_utils.write_bundle_checkpoint(str(folder / "wide"), wide)
    else:
        with tf.Graph().as_default():
            names = sorted(wide)
            save = tf.raw_ops.SaveV2(
                prefix=str(folder / "wide"), tensor_names=names,
                shape_and_slices=[""] * len(names), tensors=[tf.constant(wide[n]) for n in names])
            with tf.Session() as sess:
                sess.run(save)
    _save_results(folder, "written", saved, {"prefix": pathlib.Path(prefix).name,
                                             "next_loss": next_loss})


def read(tf, folder):
    prefix = str(folder / f"model.ckpt-{STEP}")
    assert tf.train.latest_checkpoint(str(folder)) == prefix, tf.train.latest_checkpoint(
        str(folder))
    assert tf.train.checkpoint_exists(prefix)
    reader = tf.train.NewCheckpointReader(prefix)
    shapes = reader.get_variable_to_shape_map()
    dtypes = {k: v.name for k, v in reader.get_variable_to_dtype_map().items()}
    listed = [[name, list(shape)] for name, shape in tf.train.list_variables(prefix)]
    read_values = {name: reader.get_tensor(name) for name in shapes}
    # Saver.restore into a fresh graph whose variables start at zero.
    zeros = {k: np.zeros_like(v) if v.dtype != object else np.full(v.shape, b"", object)
             for k, v in _values().items()}
    with tf.Graph().as_default():
        _build(tf, zeros)
        saver = tf.train.Saver()
        with tf.Session() as sess:
            saver.restore(sess, prefix)
            restored = {v.op.name: sess.run(v) for v in tf.global_variables()}
    # The TF1 workflow: the graph from the .meta file, the values from the checkpoint.
    with tf.Graph().as_default() as graph:
        saver = tf.train.import_meta_graph(prefix + ".meta")
        x, y = graph.get_tensor_by_name("x:0"), graph.get_tensor_by_name("y:0")
        loss = graph.get_tensor_by_name("loss:0")
        train = graph.get_operation_by_name("train")
        with tf.Session() as sess:
            saver.restore(sess, prefix)
            feed = dict(zip((x, y), _batch()))
            sess.run(train, feed)
            next_loss = float(sess.run(loss, feed))
        # The restore ops of TensorFlow's Saver graph (RestoreV2 + Assign), as low-level TF1
        # code runs them: fetch "save/restore_all" feeding the file name. In a graph smallflow
        # wrote, they are those of the Saver TensorFlow's import_meta_graph added.
        restore_op, filename = "save/restore_all", "save/Const:0"
        if tf.__name__ != "smallflow":
            restore_op = saver.saver_def.restore_op_name
            filename = saver.saver_def.filename_tensor_name
        with tf.Session() as sess:
            sess.run(restore_op, {filename: prefix})
            by_graph_ops = {v.op.name: sess.run(v) for v in tf.global_variables()}
    wide = tf.train.NewCheckpointReader(str(folder / "wide"))
    wide_ok = sorted(wide.get_variable_to_shape_map()) == sorted(_wide_values()) and all(
        float(wide.get_tensor(n)) == float(v) for n, v in _wide_values().items())
    _save_results(folder, "read-restored", restored, {})
    _save_results(folder, "read-by-graph-ops", by_graph_ops, {})
    _save_results(folder, "read-reader", read_values, {
        "listed": listed, "dtypes": dtypes,
        "debug_string": reader.debug_string().decode("utf-8"),
        "next_loss": next_loss, "wide_ok": bool(wide_ok)})


def main():
    action, backend, folder = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
    tf = _framework(backend)
    {"write": write, "read": read}[action](tf, folder)


if __name__ == "__main__":
    main()
