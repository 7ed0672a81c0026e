"""Write the GraphDef fixtures of tests/test_tf_graphs.py with TensorFlow itself.

Run once with a Python that has TensorFlow (``tensorflow.compat.v1`` in graph mode; the
project's oracle venv is /work/tf-venv):

    /work/tf-venv/bin/python tests/make_tf_graph_fixtures.py

It writes, in tests/fixtures/tf_graphs/, each graph as TensorFlow serializes it (binary
``.pb`` and text ``.pbtxt``) and ``<name>.npz`` with the inputs fed and the outputs
TensorFlow computed, which smallflow must reproduce after ``tf.import_graph_def``.
"""

import pathlib

import numpy as np
import tensorflow.compat.v1 as tf

OUT = pathlib.Path(__file__).resolve().parent / "fixtures" / "tf_graphs"
RNG = np.random.default_rng(11)


def _frozen_cnn():
    """A frozen (all-constant) small CNN classifier, the form trained models are shipped in."""
    x = tf.placeholder(tf.float32, [None, 8, 8, 1], name="images")
    w1 = tf.constant(RNG.normal(0, 0.3, (3, 3, 1, 4)).astype(np.float32), name="conv/w")
    b1 = tf.constant(RNG.normal(0, 0.1, 4).astype(np.float32), name="conv/b")
    h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, w1, [1, 1, 1, 1], "SAME"), b1))
    h = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME", name="pool")
    flat = tf.reshape(h, [-1, 4 * 4 * 4], name="flat")
    w2 = tf.constant(RNG.normal(0, 0.2, (64, 3)).astype(np.float32), name="fc/w")
    logits = tf.add(tf.matmul(flat, w2), 0.5, name="logits")
    probs = tf.nn.softmax(logits, name="probs")
    tf.argmax(logits, 1, name="classes")
    tf.reduce_mean(probs, axis=0, keepdims=True, name="mean_probs")
    tf.reduce_sum(tf.square(logits), reduction_indices=[1], name="energy")
    tf.expand_dims(tf.cast(tf.argmax(logits, 1), tf.float32), 1, name="column")
    feed = {"images:0": RNG.random((5, 8, 8, 1)).astype(np.float32)}
    return feed, ["probs:0", "classes:0", "mean_probs:0", "energy:0", "column:0"], None


def _variables_mlp():
    """A two-layer network with variables (VariableV2, Assign, read) and an init op."""
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    with tf.name_scope("hidden"):
        w = tf.Variable(RNG.normal(0, 0.5, (4, 6)).astype(np.float32), name="weights")
        b = tf.Variable(tf.zeros([6]), name="biases")
        h = tf.nn.relu(tf.matmul(x, w) + b)
    with tf.name_scope("out"):
        w2 = tf.Variable(RNG.normal(0, 0.5, (6, 3)).astype(np.float32), name="weights")
        product = tf.matmul(h, w2)
    y = tf.identity(product, name="logits")
    labels = tf.placeholder(tf.int64, [None], name="labels")
    correct = tf.equal(tf.argmax(y, 1), labels)
    tf.reduce_mean(tf.cast(correct, tf.float32), name="accuracy")
    tf.global_variables_initializer()
    feed = {"x:0": RNG.normal(size=(7, 4)).astype(np.float32),
            "labels:0": RNG.integers(0, 3, 7)}
    return feed, ["logits:0", "accuracy:0"], "init"


def _write(name, build):
    graph = tf.Graph()
    with graph.as_default():
        feed, fetches, init = build()
    with tf.Session(graph=graph) as sess:
        if init:
            sess.run(init)
        values = sess.run(fetches, feed)
    graph_def = graph.as_graph_def()
    tf.train.write_graph(graph_def, str(OUT), f"{name}.pb", as_text=False)
    tf.train.write_graph(graph_def, str(OUT), f"{name}.pbtxt", as_text=True)
    arrays = {f"feed/{k}": v for k, v in feed.items()}
    arrays.update({f"fetch/{k}": np.asarray(v) for k, v in zip(fetches, values)})
    if init:
        arrays["init"] = np.array(init)
    np.savez(OUT / f"{name}.npz", **arrays)
    print(f"{name}: {len(graph_def.node)} nodes, ops {sorted({n.op for n in graph_def.node})}")


def main():
    tf.disable_v2_behavior()  # TF1 graphs: VariableV2 ref variables, not resource variables
    OUT.mkdir(parents=True, exist_ok=True)
    _write("frozen_cnn", _frozen_cnn)
    _write("variables_mlp", _variables_mlp)


if __name__ == "__main__":
    main()
