"""GraphDefs in TensorFlow's form: what TensorFlow requires of each node, checked without it.

(tests/oracle/test_graph_files.py has TensorFlow itself import and run these files.)
"""

import numpy as np
import pytest

pytest.importorskip("tensorboard", reason="the tensorboard extra is not installed")

import smallflow as tf  # noqa: E402
from smallflow import errors, models  # noqa: E402
from smallflow.ops import broadcast_ops  # noqa: E402
from smallflow.tf_op_attrs import ATTRS  # noqa: E402


def _graph_def(model, optimizer):
    return models.build_graph(model, optimizer=optimizer, learning_rate=0.1).graph.as_graph_def()


@pytest.mark.parametrize(("model", "optimizer"),
                         [("softmax", "sgd"), ("mlp", "adam"), ("cnn", "adam"),
                          ("mlp", "momentum"), ("mlp", "rmsprop")])
def test_every_node_has_tensorflows_op_and_attributes(model, optimizer):
    graph_def = _graph_def(model, optimizer)
    names = {node.name for node in graph_def.node}
    for node in graph_def.node:
        assert node.op in ATTRS, f"{node.name}: {node.op} is not a TensorFlow 1.15 op"
        declared, required = ATTRS[node.op]
        ours = {key for key in node.attr if not key.startswith("_")}
        assert ours <= set(declared), f"{node.name} ({node.op}): {sorted(ours - set(declared))}"
        assert set(required) <= ours, f"{node.name} ({node.op}) lacks {set(required) - ours}"
        unset = [key for key in ours if node.attr[key].WhichOneof("value") is None]
        assert unset == [], f"{node.name} ({node.op}): attributes without a value"
        for name in node.input:
            assert name.lstrip("^").split(":")[0] in names, f"{node.name} reads {name}"


def test_variables_are_variable_v2_with_assign_and_read_identity():
    nodes = {n.name: n for n in _graph_def("softmax", "sgd").node}
    assert nodes["softmax/W"].op == "VariableV2"
    assert "_sf_var_name" in nodes["softmax/W"].attr
    assert nodes["softmax/W/Assign"].op == "Assign"
    assert list(nodes["softmax/W/Assign"].input)[0] == "softmax/W"
    assert nodes["softmax/W/read"].op == "Identity"
    loss = nodes["loss"]
    assert loss.op == "Mean"
    assert len(loss.input) == 2
    assert nodes[loss.input[1]].op == "Const"


def test_fused_ops_become_tensorflows_standard_ops_and_round_trip():
    graph = models.build_graph("cnn", optimizer="adam", learning_rate=0.1).graph
    graph_def = graph.as_graph_def()
    types = {n.op for n in graph_def.node}
    assert not types & {"ReduceToShapeOf", "BroadcastToShapeOf", "Dropout"}
    assert {"BroadcastGradientArgs", "BroadcastTo", "Floor"} <= types
    fresh = tf.Graph()
    with fresh.as_default():
        tf.import_graph_def(graph_def, name="")
    assert [(op.name, op.type) for op in fresh.get_operations()] == [
        (op.name, op.type) for op in graph.get_operations()]
    assert fresh.as_graph_def() == graph_def


@pytest.mark.parametrize(("s0", "s1", "r0", "r1"), [
    ([2, 3], [2, 3], [], []),
    ([2, 3], [3], [], [0]),
    ([2, 1], [1, 3], [1], [0]),
    ([1, 1], [1], [0, 1], [0, 1]),
    ([4, 1, 5], [1, 1, 5], [1], [0, 1]),
])
def test_broadcast_gradient_args_lists_the_broadcast_axes(s0, s1, r0, r1):
    a, b = broadcast_ops.broadcast_gradient_args(tf.constant(s0), tf.constant(s1))
    with tf.Session() as sess:
        got = sess.run([a, b])
    assert [v.tolist() for v in got] == [r0, r1]


def test_broadcast_gradient_args_refuses_incompatible_shapes():
    a, _ = broadcast_ops.broadcast_gradient_args(tf.constant([2, 3]), tf.constant([4]))
    with tf.Session() as sess, pytest.raises(errors.InvalidArgumentError,
                                             match=r"Incompatible shapes: \[2,3\] vs. \[4\]"):
        sess.run(a)


def test_prevent_gradient_passes_values_and_refuses_gradients():
    x = tf.constant([1.0, 2.0])
    y = broadcast_ops.prevent_gradient(x, message="no way")
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y), [1.0, 2.0])
    with pytest.raises(LookupError, match="no way"):
        tf.gradients(y, x)


def test_a_scoped_export_of_rewritten_ops_imports_under_another_scope():
    with tf.Graph().as_default() as graph:
        with tf.name_scope("model"):
            x = tf.placeholder(tf.float32, [None, 3], name="x")
            tf.reduce_mean(tf.argmax(x, 1) + tf.cast(tf.reduce_sum(x, 1), tf.int64), name="y")
        meta = tf.train.export_meta_graph(graph=graph, export_scope="model")
    assert {n.name for n in meta.graph_def.node} >= {"x", "y", "y/reduction_indices"}
    with tf.Graph().as_default():
        tf.train.import_meta_graph(meta, import_scope="copy")
        with tf.Session() as sess:
            value = sess.run("copy/y:0", {"copy/x:0": [[1.0, 5.0, 2.0], [9.0, 0.0, 1.0]]})
    assert value == (1 + 8 + 0 + 10) // 2
