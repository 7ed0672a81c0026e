"""Graph files across the two frameworks: one writes GraphDefs and MetaGraphs, the other runs them.

Run as ``python graph_files.py ACTION FOLDER`` under either interpreter (the model code is the
same TF1 program for both; ``tf`` is ``smallflow`` or ``tensorflow.compat.v1``):

- ``write``: build the tutorial's softmax regression, a two-layer MLP and a small CNN with
  their training steps; write each as a binary GraphDef (``tf.train.write_graph``) and a
  MetaGraph (the ``.meta`` that ``Saver.save`` writes); record the initial variable values,
  the batch fed, and the loss, accuracy and probabilities after two training steps.
- ``run``: import the other framework's files (``tf.import_graph_def`` and
  ``tf.train.import_meta_graph``), give the variables the recorded initial values, run the
  same two training steps on the same batch, and record the same values.

tests/oracle/test_graph_files.py runs both directions and compares.
"""

import json
import pathlib
import sys

import numpy as np

MODELS = ("softmax", "mlp", "cnn")
STEPS = 2
FETCHES = ("loss:0", "accuracy:0", "probabilities:0")


def _framework(name):
    if name == "smallflow":
        import smallflow as tf

        return tf
    import tensorflow.compat.v1 as tf

    tf.disable_v2_behavior()
    tf.disable_resource_variables()
    return tf


def _dense(tf, inputs, units, name, relu=True):
    rows = int(inputs.shape[1])
    with tf.name_scope(name):
        weights = tf.Variable(tf.truncated_normal([rows, units], stddev=0.1), name="weights")
        biases = tf.Variable(tf.constant(0.1, shape=[units]), name="biases")
        out = tf.matmul(inputs, weights) + biases
        return tf.nn.relu(out) if relu else out


def _conv(tf, inputs, channels, name):
    depth = int(inputs.shape[3])
    with tf.name_scope(name):
        kernel = tf.Variable(tf.truncated_normal([5, 5, depth, channels], stddev=0.1),
                             name="weights")
        biases = tf.Variable(tf.constant(0.1, shape=[channels]), name="biases")
        conv = tf.nn.conv2d(inputs, kernel, strides=[1, 1, 1, 1], padding="SAME")
        relu = tf.nn.relu(conv + biases)
        return tf.nn.max_pool(relu, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")


def build(tf, model):
    """The model and its training step, written in TF1's API (both frameworks run it)."""
    tf.set_random_seed(5)
    images = tf.placeholder(tf.float32, [None, 784], name="images")
    labels = tf.placeholder(tf.float32, [None, 10], name="labels")
    keep_prob = tf.placeholder_with_default(1.0, [], name="keep_prob")
    if model == "softmax":
        weights = tf.Variable(tf.zeros([784, 10]), name="W")
        biases = tf.Variable(tf.zeros([10]), name="b")
        logits = tf.matmul(images, weights) + biases
        probabilities = tf.nn.softmax(logits, name="probabilities")
        # The tutorial's own cross entropy, written out.
        loss = tf.reduce_mean(-tf.reduce_sum(labels * tf.log(probabilities),
                                             reduction_indices=[1]), name="loss")
        optimizer = tf.train.GradientDescentOptimizer(0.5)
    else:
        if model == "mlp":
            hidden = _dense(tf, _dense(tf, images, 64, "hidden1"), 32, "hidden2")
        else:
            grid = tf.reshape(images, [-1, 28, 28, 1])
            features = _conv(tf, _conv(tf, grid, 4, "conv1"), 8, "conv2")
            flat = tf.reshape(features, [-1, 7 * 7 * 8])
            hidden = tf.nn.dropout(_dense(tf, flat, 32, "fc1"), keep_prob)
        logits = _dense(tf, hidden, 10, "softmax_linear", relu=False)
        probabilities = tf.nn.softmax(logits, name="probabilities")
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=labels,
                                                                      logits=logits),
                              name="loss")
        optimizer = tf.train.AdamOptimizer(0.01)
    correct = tf.equal(tf.argmax(logits, 1), tf.argmax(labels, 1))
    tf.reduce_mean(tf.cast(correct, tf.float32), name="accuracy")
    global_step = tf.train.get_or_create_global_step()
    if model == "softmax":
        optimizer.minimize(loss, global_step=global_step, name="train")
    else:
        # TensorFlow 1.x reads variables in place: without this, an update may overwrite a
        # weight that another layer's gradient has yet to read, and TensorFlow's own results
        # vary from run to run. Every gradient is computed first, then every update.
        grads = optimizer.compute_gradients(loss)
        with tf.control_dependencies([grad for grad, _ in grads]):
            optimizer.apply_gradients(grads, global_step=global_step, name="train")
    tf.global_variables_initializer()


def _batch():
    rng = np.random.default_rng(3)
    images = rng.random((20, 784), dtype=np.float32)
    labels = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 20)]
    return images, labels


def _train_and_fetch(sess, graph):
    images, labels = _batch()
    feed = {graph.get_tensor_by_name("images:0"): images,
            graph.get_tensor_by_name("labels:0"): labels}
    train = graph.get_operation_by_name("train")
    for _ in range(STEPS):
        sess.run(train, feed)
    return dict(zip(FETCHES, sess.run([graph.get_tensor_by_name(n) for n in FETCHES], feed)))


def write(tf, folder):
    for model in MODELS:
        graph = tf.Graph()
        with graph.as_default():
            build(tf, model)
            saver = tf.train.Saver()
            with tf.Session() as sess:
                sess.run("init")
                start = {v.op.name: sess.run(v) for v in tf.global_variables()}
                tf.train.write_graph(graph, str(folder), f"{model}.pb", as_text=False)
                saver.save(sess, str(folder / model))  # writes <model>.meta beside
                results = _train_and_fetch(sess, graph)
        np.savez(folder / f"{model}-start.npz", **start)
        np.savez(folder / f"{model}-results.npz", **results)


def _give_start_values(tf, sess, graph, start, variables=None):
    if variables is None:
        refs = [graph.get_tensor_by_name(name + ":0") for name in start]
    else:
        refs = {v.op.name: v for v in variables}
        missing = sorted(set(start) - set(refs))
        if missing:
            raise AssertionError(f"variables not in the MetaGraph's collections: {missing}")
        refs = [refs[name] for name in start]
    sess.run([tf.assign(ref, value) for ref, value in zip(refs, start.values())])


def run(tf, folder, ours):
    results = {}
    for model in MODELS:
        with np.load(folder / f"{model}-start.npz") as arrays:
            start = {name: arrays[name] for name in arrays.files}
        for form in ("graph_def", "meta_graph"):
            graph = tf.Graph()
            with graph.as_default():
                if form == "graph_def":
                    graph_def = tf.GraphDef()
                    graph_def.ParseFromString((folder / f"{model}.pb").read_bytes())
                    tf.import_graph_def(graph_def, name="")
                    variables = None
                else:
                    tf.train.import_meta_graph(str(folder / f"{model}.meta"))
                    variables = tf.global_variables()
                with tf.Session() as sess:
                    _give_start_values(tf, sess, graph, start, variables)
                    fetched = _train_and_fetch(sess, graph)
            for name, value in fetched.items():
                results[f"{model}/{form}/{name}"] = value
    np.savez(ours, **results)


def main():
    action, backend, folder = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
    tf = _framework(backend)
    if action == "write":
        write(tf, folder)
    else:
        run(tf, folder, folder / f"run-by-{backend}.npz")
    print(json.dumps({"done": action, "by": backend}))


if __name__ == "__main__":
    main()
