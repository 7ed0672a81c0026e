"""Write the TensorFlow-written checkpoint fixtures of tests/test_tensor_bundle.py.

Run once with a Python that has TensorFlow (``tensorflow.compat.v1`` in graph mode; the
project's oracle venv is /work/tf-venv):

    /work/tf-venv/bin/python tests/make_tf_checkpoint_fixtures.py

It writes, in tests/fixtures/tf_checkpoints/, what ``tf.train.Saver`` writes for a few
variables of several dtypes (``model.ckpt-7.index``, ``.data-00000-of-00001``, the
``checkpoint`` file, without the large ``.meta``), a checkpoint holding a variable
partitioned in three slices (``partitioned.ckpt``), and ``expected.json`` with the values
saved, so that the tests need no TensorFlow.
"""

import base64
import json
import os
import pathlib

import numpy as np
import tensorflow.compat.v1 as tf

OUT = pathlib.Path(__file__).resolve().parent / "fixtures" / "tf_checkpoints"


def _values():
    return {
        "dense/kernel": np.arange(12, dtype=np.float32).reshape(3, 4) / 8,
        "dense/bias": np.array([0.5, -1.0, 2.0, -0.0], np.float32),
        "counts": np.array([[1, -2], [3, 1 << 40]], np.int64),
        "small_ints": np.array([7, -7], np.int32),
        "mask": np.array([True, False, True]),
        "precise": np.float64(1 / 3),
        "words": np.array([b"alpha", b"", "\u00e9t\u00e9".encode()], object),
        "nothing": np.zeros((0, 2), np.float32),
    }


def _encode(value):
    value = np.asarray(value)
    if value.dtype.kind in "OS":
        items = [base64.b64encode(bytes(v)).decode() for v in value.astype(object).ravel()]
        return {"dtype": "string", "shape": list(value.shape), "base64": items}
    return {"dtype": value.dtype.name, "shape": list(value.shape),
            "values": value.ravel().tolist()}


def main():
    tf.disable_v2_behavior()
    tf.disable_resource_variables()
    OUT.mkdir(parents=True, exist_ok=True)
    expected = {}
    with tf.Graph().as_default():
        for name, value in _values().items():
            tf.Variable(value, name=name)
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            saver.save(sess, str(OUT / "model.ckpt"), global_step=7, write_meta_graph=False)
            expected["model.ckpt-7"] = {v.op.name: _encode(sess.run(v))
                                        for v in tf.global_variables()}
    with tf.Graph().as_default():
        full = np.arange(14, dtype=np.float32).reshape(7, 2)
        parts = list(tf.get_variable("embedding", shape=[7, 2],
                                     partitioner=tf.fixed_size_partitioner(3)))
        rows = np.cumsum([0] + [int(p.shape[0]) for p in parts])
        fill = [p.assign(full[start:stop]) for p, start, stop in zip(parts, rows, rows[1:])]
        # Slices starting past row 63 take two bytes in their keys' encoding.
        tall = np.arange(300, dtype=np.int64).reshape(150, 2) * 3
        tall_parts = list(tf.get_variable("tall", shape=[150, 2], dtype=tf.int64,
                                          partitioner=tf.fixed_size_partitioner(2)))
        fill.append(tall_parts[0].assign(tall[:75]))
        fill.append(tall_parts[1].assign(tall[75:]))
        tf.Variable(np.float32(3.0), name="plain")
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(fill)
            saver.save(sess, str(OUT / "partitioned.ckpt"), write_meta_graph=False,
                       write_state=False)
            expected["partitioned.ckpt"] = {
                "embedding": _encode(full),
                "plain": _encode(np.float32(3.0)),
                "tall": _encode(tall),
            }
    # The state file names the checkpoint relative to its folder, so the fixture can move.
    (OUT / "checkpoint").write_text('model_checkpoint_path: "model.ckpt-7"\n'
                                    'all_model_checkpoint_paths: "model.ckpt-7"\n')
    (OUT / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
    print("wrote", sorted(os.listdir(OUT)))


if __name__ == "__main__":
    main()
