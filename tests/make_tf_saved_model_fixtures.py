"""Write the SavedModel fixtures of tests/test_saved_model.py with TensorFlow itself.

Run once with a Python that has TensorFlow (``tensorflow.compat.v1`` in graph mode; the
project's oracle venv is /work/tf-venv):

    /work/tf-venv/bin/python tests/make_tf_saved_model_fixtures.py

It writes, in tests/fixtures/tf_saved_models/:

- ``simple/``: a small MLP classifier exported with ``tf.saved_model.simple_save`` (the TF1
  serving tutorials' one-liner): one MetaGraph tagged ``serve`` with the ``serving_default``
  predict signature ``x -> probabilities, classes``;
- ``builder/``: the same kind of model exported with ``SavedModelBuilder``: a ``train``
  MetaGraph (variables, a train op in a collection) and a ``serve`` MetaGraph with two
  signatures, an asset file (``vocab.txt``) whose path a local variable receives from the
  main op, written as text (``saved_model.pbtxt``) to cover both file forms;
- ``<name>.npz``: the inputs fed through each signature and the outputs TensorFlow computed,
  which smallflow must reproduce after ``tf.saved_model.loader.load``.
"""

import pathlib
import shutil
import tempfile

import numpy as np
import tensorflow.compat.v1 as tf

OUT = pathlib.Path(__file__).resolve().parent / "fixtures" / "tf_saved_models"
RNG = np.random.default_rng(17)


def _mlp(x):
    """Two dense layers with ref variables (VariableV2), the TF1 graph form."""
    with tf.name_scope("hidden"):
        w1 = tf.Variable(RNG.normal(0, 0.5, (4, 8)).astype(np.float32), name="weights")
        b1 = tf.Variable(RNG.normal(0, 0.1, 8).astype(np.float32), name="biases")
        hidden = tf.nn.relu(tf.matmul(x, w1) + b1)
    with tf.name_scope("out"):
        w2 = tf.Variable(RNG.normal(0, 0.5, (8, 3)).astype(np.float32), name="weights")
        b2 = tf.Variable(np.zeros(3, np.float32), name="biases")
        logits = tf.add(tf.matmul(hidden, w2), b2, name="logits")
    probabilities = tf.nn.softmax(logits, name="probabilities")
    classes = tf.argmax(logits, 1, name="classes")
    return logits, probabilities, classes


def _simple(export_dir):
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    _, probabilities, classes = _mlp(x)
    feed = RNG.normal(size=(6, 4)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = sess.run([probabilities, classes], {x: feed})
        tf.saved_model.simple_save(sess, export_dir, inputs={"x": x},
                                   outputs={"probabilities": probabilities,
                                            "classes": classes})
    return {"serving_default/x": feed, "serving_default/probabilities": values[0],
            "serving_default/classes": values[1]}


def _builder(export_dir, vocab):
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    labels = tf.placeholder(tf.int64, [None], name="labels")
    logits, probabilities, classes = _mlp(x)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=labels, logits=logits), name="loss")
    global_step = tf.train.get_or_create_global_step()
    train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step, name="train")
    asset_path = tf.constant(vocab, name="vocab_path")
    tf.add_to_collection(tf.GraphKeys.ASSET_FILEPATHS, asset_path)
    vocab_variable = tf.Variable("", name="vocab_file", trainable=False,
                                 collections=[tf.GraphKeys.LOCAL_VARIABLES])
    main_op = tf.group(tf.assign(vocab_variable, asset_path), name="main_op")
    feed = RNG.normal(size=(5, 4)).astype(np.float32)
    feed_labels = RNG.integers(0, 3, 5)
    utils = tf.saved_model.utils
    predict = tf.saved_model.signature_def_utils.predict_signature_def(
        inputs={"x": x}, outputs={"probabilities": probabilities})
    classify = tf.saved_model.signature_def_utils.build_signature_def(
        inputs={tf.saved_model.signature_constants.CLASSIFY_INPUTS: utils.build_tensor_info(x)},
        outputs={
            tf.saved_model.signature_constants.CLASSIFY_OUTPUT_CLASSES:
                utils.build_tensor_info(classes),
            tf.saved_model.signature_constants.CLASSIFY_OUTPUT_SCORES:
                utils.build_tensor_info(probabilities),
        },
        method_name=tf.saved_model.signature_constants.CLASSIFY_METHOD_NAME)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train_op, {x: feed, labels: feed_labels})  # one step: not the initial values
        values = sess.run([probabilities, classes], {x: feed})
        builder = tf.saved_model.builder.SavedModelBuilder(export_dir)
        builder.add_meta_graph_and_variables(
            sess, [tf.saved_model.tag_constants.TRAINING],
            assets_collection=tf.get_collection(tf.GraphKeys.ASSET_FILEPATHS),
            main_op=main_op)
        builder.add_meta_graph(
            [tf.saved_model.tag_constants.SERVING],
            signature_def_map={"serving_default": predict, "classify": classify})
        builder.save(as_text=True)
    return {"serving_default/x": feed, "serving_default/probabilities": values[0],
            "classify/inputs": feed, "classify/classes": values[1],
            "classify/scores": values[0], "step": np.array(1)}


def _write(name, build, *args):
    target = OUT / name
    if target.exists():
        shutil.rmtree(target)
    graph = tf.Graph()
    with graph.as_default():
        arrays = build(str(target), *args)
    np.savez(OUT / f"{name}.npz", **arrays)
    print(f"{name}: {sorted(p.name for p in target.iterdir())}")


def main():
    tf.disable_v2_behavior()  # TF1 graphs: VariableV2 ref variables, not resource variables
    tf.disable_resource_variables()
    OUT.mkdir(parents=True, exist_ok=True)
    _write("simple", _simple)
    with tempfile.TemporaryDirectory() as scratch:
        vocab = pathlib.Path(scratch) / "vocab.txt"
        vocab.write_text("alpha\nbeta\ngamma\n")
        _write("builder", _builder, str(vocab))


if __name__ == "__main__":
    main()
