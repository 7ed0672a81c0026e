"""GraphDefs and MetaGraphs: what as_graph_def writes, and smallflow -> file -> smallflow."""

import os

import numpy as np
import pytest

pytest.importorskip("tensorboard", reason="the tensorboard extra is not installed")

import smallflow as tf  # noqa: E402
from smallflow import graph_io  # noqa: E402

X = np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4)
LABELS = np.array([0, 2, 1], dtype=np.int64)


def _model(seed=1):
    """A small trainable model; returns the tensors a program would fetch."""
    tf.set_random_seed(seed)
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    y_ = tf.placeholder(tf.int64, [None], name="labels")
    with tf.name_scope("hidden"):
        w = tf.Variable(tf.truncated_normal([4, 5], stddev=0.5), name="weights")
        b = tf.Variable(tf.zeros([5]), name="biases")
        hidden = tf.nn.relu(tf.matmul(x, w) + b)
    with tf.name_scope("out"):
        w2 = tf.Variable(tf.random_uniform([5, 3], -1, 1), name="weights")
        logits = tf.matmul(hidden, w2)
    loss = tf.identity(tf.losses.sparse_softmax_cross_entropy(labels=y_, logits=logits),
                       name="loss")
    train = tf.train.AdamOptimizer(0.1).minimize(loss, name="train")
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), y_), tf.float32),
                              name="accuracy")
    with tf.control_dependencies([train]):
        tf.no_op(name="after_train")
    return x, y_, loss, train, accuracy


def _train_and_fetch(sess, names, steps=3):
    feed = {"x:0": X, "labels:0": LABELS}
    sess.run("init")
    for _ in range(steps):
        sess.run(names["train"], feed)
    return sess.run([names["loss"], names["accuracy"], "out/MatMul:0"], feed)


NAMES = {"train": "train", "loss": "loss:0",
         "accuracy": "accuracy:0"}


def _built_graph():
    graph = tf.Graph()
    with graph.as_default():
        _model()
        tf.global_variables_initializer()
    return graph


# -- what a GraphDef holds --------------------------------------------------------------------


def test_graph_def_holds_names_types_inputs_controls_and_attrs():
    graph = _built_graph()
    graph_def = graph.as_graph_def(add_shapes=True)
    nodes = {node.name: node for node in graph_def.node}
    ours = [n.name for n in graph_def.node if "_sf_synthetic" not in n.attr]
    assert ours == [op.name for op in graph.get_operations()]
    assert nodes["x"].op == "Placeholder"
    assert nodes["x"].attr["dtype"].type == tf.tb_protos.load().types_pb2.DT_FLOAT
    assert [d.size for d in nodes["x"].attr["shape"].shape.dim] == [-1, 4]
    assert list(nodes["hidden/MatMul"].input) == ["x", "hidden/weights/read"]
    assert nodes["hidden/MatMul"].attr["transpose_a"].b is False
    assert list(nodes["after_train"].input) == ["^train"]
    assert [d.size for d in nodes["hidden/MatMul"].attr["_output_shapes"].list.shape[0].dim] == (
        [-1, 5])
    shape_const = nodes["hidden/truncated_normal/shape"]
    assert shape_const.op == "Const"
    np.testing.assert_array_equal(tf.make_ndarray(shape_const.attr["value"].tensor), [4, 5])
    split = [n for n in graph_def.node if any(":1" in i for i in n.input)]
    assert split, "a second output is written as 'op:1'"


def test_from_version_writes_only_newer_ops_and_node_def_is_per_op():
    graph = tf.Graph()
    with graph.as_default():
        tf.constant(1.0, name="old")
        version = graph.version
        new = tf.constant(2.0, name="new")
    assert [n.name for n in graph.as_graph_def(from_version=version).node] == ["new"]
    assert new.op.node_def.name == "new"
    assert new.op.node_def.op == "Const"
    with tf.Session(graph=graph) as sess:
        assert sess.graph_def == graph.as_graph_def()


# -- round trips --------------------------------------------------------------------------------


@pytest.mark.parametrize("as_text", [True, False])
def test_graph_def_round_trip_through_a_file_gives_the_same_results(tmp_path, as_text):
    graph = _built_graph()
    with tf.Session(graph=graph) as sess:
        expected = _train_and_fetch(sess, NAMES)
    path = tf.train.write_graph(graph, str(tmp_path), "g.pbtxt", as_text=as_text)
    assert os.path.isfile(path)
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".")]
    graph_def = graph_io.read_graph_def(path)
    assert graph_def == graph.as_graph_def()
    fresh = tf.Graph()
    with fresh.as_default():
        tf.import_graph_def(graph_def, name="")
    assert [op.name for op in fresh.get_operations()] == [op.name for op in graph.get_operations()]
    assert fresh.as_graph_def() == graph_def
    with tf.Session(graph=fresh) as sess:
        got = _train_and_fetch(sess, NAMES)
    for a, b in zip(got, expected):
        np.testing.assert_array_equal(a, b)


def test_import_with_prefix_input_map_and_return_elements():
    source = tf.Graph()
    with source.as_default():
        x = tf.placeholder(tf.float32, [None, 2], name="x")
        v = tf.Variable([[1.0], [2.0]], name="v")
        y = tf.matmul(x, v, name="y")
        tf.identity(y, name="out")
    graph_def = source.as_graph_def()
    with tf.Graph().as_default():
        fed = tf.constant([[1.0, 1.0]])
        first = tf.import_graph_def(graph_def, input_map={"x": fed},
                                    return_elements=["out:0", "v/Assign", "v"])
        second = tf.import_graph_def(graph_def, input_map={"x:0": fed * 10},
                                     return_elements=["out:0", "v/Assign"], name="again")
        assert first[0].name == "import/out:0"
        assert first[1].type == "Assign"
        assert first[2].name == "import/v"
        assert second[0].name == "again/out:0"
        third = tf.import_graph_def(graph_def, return_elements=["out:0"])
        assert third[0].name == "import_1/out:0"
        with tf.Session() as sess:
            sess.run([first[1], second[1]])
            assert sess.run(first[0]).tolist() == [[3.0]]
            assert sess.run(second[0]).tolist() == [[30.0]]


@pytest.mark.parametrize(
    ("mutate", "kwargs", "match"),
    [
        (lambda g: setattr(g.node[0], "op", "NoSuchOp"), {}, "Op type not registered"),
        (lambda g: None, {"input_map": {"missing:0": "keep"}}, "not found in graph_def"),
        (lambda g: None, {"return_elements": ["nothere:0"]}, "nothere"),
        (lambda g: g.node[1].input.append("ghost"), {}, "ghost"),
    ],
)
def test_import_errors_name_the_problem(mutate, kwargs, match):
    source = tf.Graph()
    with source.as_default():
        a = tf.constant(1.0, name="a")
        tf.identity(a, name="b")
    graph_def = source.as_graph_def()
    mutate(graph_def)
    with tf.Graph().as_default():
        keep = tf.constant(2.0, name="keep")
        if "input_map" in kwargs:
            kwargs = {"input_map": {"missing:0": keep}}
        with pytest.raises(ValueError, match=match):
            tf.import_graph_def(graph_def, **kwargs)


def test_import_refuses_what_is_not_a_graph_def():
    with pytest.raises(TypeError, match="GraphDef"):
        tf.import_graph_def({"node": []})


# -- MetaGraphs and the Saver's .meta file --------------------------------------------------


def test_saver_writes_meta_and_import_meta_graph_restores_the_model(tmp_path):
    graph = tf.Graph()
    with graph.as_default():
        x, y_, loss, train, accuracy = _model()
        tf.add_to_collection("train_op", train)
        tf.add_to_collection("numbers", 3)
        tf.global_variables_initializer()
        saver = tf.train.Saver()
        with tf.Session() as sess:
            expected = _train_and_fetch(sess, NAMES)
            prefix = saver.save(sess, str(tmp_path / "model.ckpt"), global_step=3)
    assert os.path.isfile(prefix + ".meta")
    with tf.Graph().as_default() as fresh:
        restorer = tf.train.import_meta_graph(prefix + ".meta")
        assert isinstance(restorer, tf.train.Saver)
        names = [v.op.name for v in tf.trainable_variables()]
        assert names == ["hidden/weights", "hidden/biases", "out/weights"]
        assert tf.get_collection("train_op")[0].name == "train"
        assert tf.get_collection("numbers") == [3]
        with tf.Session() as sess:
            restorer.restore(sess, prefix)
            feed = {"x:0": X, "labels:0": LABELS}
            got = sess.run([NAMES["loss"], NAMES["accuracy"], "out/MatMul:0"], feed)
            np.testing.assert_array_equal(got[2], expected[2])
            # The imported training op still trains the restored variables.
            before = sess.run(NAMES["loss"], feed)
            sess.run(tf.get_collection("train_op")[0], feed)
            assert sess.run(NAMES["loss"], feed) < before
    assert fresh.get_operation_by_name("train").type == "NoOp"


def test_export_and_import_meta_graph_under_a_scope(tmp_path):
    graph = _built_graph()
    path = str(tmp_path / "g.meta")
    with graph.as_default():
        meta = tf.train.export_meta_graph(path)
    assert meta.graph_def == graph.as_graph_def(add_shapes=True)
    assert set(meta.collection_def) >= {"variables", "trainable_variables"}
    with tf.Graph().as_default():
        saver = tf.train.import_meta_graph(path, import_scope="copy")
        assert [v.op.name for v in tf.global_variables()][:2] == ["copy/hidden/weights",
                                                                  "copy/hidden/biases"]
        assert isinstance(saver, tf.train.Saver)


def test_old_checkpoints_take_their_meta_files_with_them(tmp_path):
    v = tf.Variable(1.0, name="v")
    saver = tf.train.Saver(max_to_keep=1)
    with tf.Session() as sess:
        sess.run(v.initializer)
        first = saver.save(sess, str(tmp_path / "m"), global_step=1)
        second = saver.save(sess, str(tmp_path / "m"), global_step=2)
        assert not os.path.exists(first + ".meta")
        assert os.path.exists(second + ".meta")
        without = saver.save(sess, str(tmp_path / "n"), write_meta_graph=False)
    assert not os.path.exists(without + ".meta")


def test_import_meta_graph_of_a_missing_file_names_it(tmp_path):
    with pytest.raises(OSError, match="does not exist"):
        tf.train.import_meta_graph(str(tmp_path / "none.meta"))


# -- every kind of attribute survives the trip ------------------------------------------------

ROUND_TRIP = {
    "strided slice": lambda x: x[:1, ::-1],
    "ellipsis and new axis": lambda x: x[1, ..., None],
    "reduction keepdims": lambda x: tf.reduce_max(x, axis=1, keepdims=True),
    "concat": lambda x: tf.concat([x, x * 2], 0),
    "split": lambda x: tf.split(x, 3, axis=1)[2],
    "stack and unstack": lambda x: tf.unstack(tf.stack([x, -x]))[1],
    "transpose": lambda x: tf.transpose(x),
    "tile": lambda x: tf.tile(x, [2, 1]),
    "pad": lambda x: tf.pad(x, [[1, 0], [0, 1]]),
    "gather": lambda x: tf.gather(x, [1, 0]),
    "one hot": lambda x: tf.one_hot(tf.argmax(x, 1), 3, dtype=tf.float64),
    "where": lambda x: tf.where(x > 0, x, -x),
    "cast and compare": lambda x: tf.cast(x > 0, tf.int32),
    "argmin int32": lambda x: tf.argmin(x, 1, output_type=tf.int32),
    "cumsum": lambda x: tf.cumsum(x, 1, reverse=True),
    "conv2d and pool": lambda x: tf.nn.max_pool(
        tf.nn.conv2d(tf.reshape(x, [1, 2, 3, 1]), tf.ones([2, 2, 1, 2]), [1, 1, 1, 1], "SAME"),
        [1, 2, 2, 1], [1, 1, 1, 1], "VALID"),
    "seeded random": lambda x: tf.random_normal([2], seed=3) + tf.reduce_sum(x),
    "string": lambda x: tf.as_string(tf.reduce_sum(x)),
    "gradient": lambda x: tf.gradients(tf.reduce_sum(tf.nn.softmax(x) * x), x)[0],
}


@pytest.mark.parametrize("name", sorted(ROUND_TRIP))
def test_ops_round_trip_through_a_graph_def(name):
    value = np.array([[1.0, -2.0, 3.0], [-4.0, 5.0, 0.5]], np.float32)
    source = tf.Graph()
    with source.as_default():
        x = tf.placeholder(tf.float32, [2, 3], name="x")
        out = tf.identity(ROUND_TRIP[name](x), name="out")
        with tf.Session() as sess:
            expected = sess.run(out, {x: value})
    for prefix in ("", "copy"):
        with tf.Graph().as_default():
            [got_tensor] = tf.import_graph_def(source.as_graph_def(), name=prefix,
                                               return_elements=["out:0"])
            assert got_tensor.dtype == out.dtype
            assert got_tensor.shape.as_list() == out.shape.as_list()
            with tf.Session() as sess:
                got = sess.run(got_tensor, {got_tensor.graph.get_tensor_by_name(
                    f"{prefix + '/' if prefix else ''}x:0"): value})
        np.testing.assert_array_equal(got, expected)
