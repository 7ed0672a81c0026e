"""Session 15 sweep (helper sweep15): what TF1 book and course programs found missing or
different in smallflow (docs/compatibility.md, "Session 15 sweep (helper sweep15)")."""

import numpy as np
import pytest

import smallflow as tf


@pytest.mark.parametrize(("name", "replacement"), [
    ("mul", "tf.multiply"),
    ("sub", "tf.subtract"),
    ("neg", "tf.negative"),
])
def test_tensorflow_0_arithmetic_names_are_missing_as_in_1x(name, replacement):
    # PacktPublishing/Getting-Started-with-TensorFlow ch1 programming_model.py calls tf.mul:
    # TensorFlow 1.0 renamed it (AttributeError in every 1.x), smallflow answered it.
    with pytest.raises(AttributeError, match=f"removed in TensorFlow 1.0: use {replacement} "):
        getattr(tf, name)
    assert not hasattr(tf.compat.v1, name)


def _node(graph_def, name):
    return next(n for n in graph_def.node if n.name == name)


@pytest.mark.parametrize(("build", "op_type", "inputs"), [
    (lambda: tf.zeros([784, 10]), "Fill", ["zeros/shape_as_tensor", "zeros/Const"]),
    (lambda: tf.ones([10, 100], tf.int64), "Fill", ["ones/shape_as_tensor", "ones/Const"]),
    (lambda: tf.zeros([999]), "Const", []),
    (lambda: tf.ones([]), "Const", []),
])
def test_zeros_and_ones_fill_from_a_thousand_elements(build, op_type, inputs):
    pytest.importorskip("tensorboard")  # GraphDefs need the tensorboard extra
    # TensorFlow 1.x makes a constant of fewer than 1,000 elements, else a Fill, so that
    # GraphDefs stay small (sjchoi86/advanced-tensorflow's show_graph strips constants above
    # 32 bytes by writing a str into tensor_content, which protobuf refuses).
    t = build()
    assert t.op.type == op_type
    assert [x.op.name for x in t.op.inputs] == inputs
    big = [n for n in tf.get_default_graph().as_graph_def().node
           if n.op == "Const" and len(n.attr["value"].tensor.tensor_content) > 32]
    assert big == []
    with tf.Session() as sess:
        value = sess.run(t)
    assert value.shape == tuple(t.shape.as_list())
    np.testing.assert_array_equal(value, np.full(value.shape, 0 if "zeros" in t.name else 1))


def test_zeros_of_a_mixed_shape_packs_it_in_the_scope():
    p = tf.placeholder(tf.int32, [2])
    t = tf.ones([p[0], 3])
    assert [x.op.name for x in t.op.inputs] == ["ones/packed", "ones/Const"]
    with tf.Session() as sess:
        assert sess.run(t, {p: [2, 5]}).shape == (2, 3)


def test_constant_given_fewer_values_stores_them_as_given():
    pytest.importorskip("tensorboard")  # GraphDefs need the tensorboard extra
    tf.constant(7, shape=[3, 4], name="splat")
    tf.constant([1.0, 2.0], shape=[2, 3], name="padded")
    tf.constant([[1, 2], [3, 4]], name="full")
    graph_def = tf.get_default_graph().as_graph_def()
    splat = _node(graph_def, "splat").attr["value"].tensor
    assert (list(splat.int_val), splat.tensor_content) == ([7], b"")
    assert [d.size for d in splat.tensor_shape.dim] == [3, 4]
    padded = _node(graph_def, "padded").attr["value"].tensor
    assert (list(padded.float_val), padded.tensor_content) == ([1.0, 2.0], b"")
    full = _node(graph_def, "full").attr["value"].tensor
    assert (list(full.int_val), len(full.tensor_content)) == ([], 16)
    # Read back, the values fill the shape (the last one repeated).
    tf.reset_default_graph()
    tf.import_graph_def(graph_def, name="")
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run("padded:0"), [[1, 2, 2], [2, 2, 2]])
        np.testing.assert_array_equal(sess.run("splat:0"), np.full((3, 4), 7))


def test_static_value_of_a_large_fill():
    np.testing.assert_array_equal(tf.get_static_value(tf.zeros([10, 100])), np.zeros((10, 100)))


def test_a_constant_given_fewer_values_survives_import_and_export():
    pytest.importorskip("tensorboard")  # GraphDefs need the tensorboard extra
    tf.constant(0.5, shape=[40, 40], name="splat")
    graph_def = tf.get_default_graph().as_graph_def()
    with tf.Graph().as_default() as graph:
        tf.import_graph_def(graph_def, name="")
        again = _node(graph.as_graph_def(), "splat").attr["value"].tensor
    assert (list(again.float_val), again.tensor_content) == ([0.5], b"")


@pytest.mark.parametrize(("build", "axes"), [
    (lambda x: tf.reduce_mean(x, reduction_indices=1), np.int32(1)),
    (lambda x: tf.reduce_sum(x, axis=-1), np.int32(-1)),
    (lambda x: tf.reduce_max(x, [2, 0]), np.array([2, 0], np.int32)),
])
def test_reduction_indices_in_the_graph_def_are_as_given(build, axes):
    pytest.importorskip("tensorboard")  # GraphDefs need the tensorboard extra
    # TensorFlow's GraphDef holds the axes the program gave (a scalar for reduction_indices=1);
    # smallflow wrote them as a sorted list of non-negative axes.
    x = tf.placeholder(tf.float32, [None, 3, 4])
    y = build(x)
    node = _node(tf.get_default_graph().as_graph_def(), y.op.name + "/reduction_indices")
    written = tf.make_ndarray(node.attr["value"].tensor)
    assert written.shape == np.shape(axes)
    np.testing.assert_array_equal(written, axes)


def test_graph_seeded_ops_after_a_large_ones_get_tensorflow_1x_op_seeds():
    # TensorFlow 1.x gives a graph-seeded op the graph's last op id as its seed: the three ops
    # of a large tf.ones (hardmaru/cppn-tensorflow's tf.ones([n_points, 1])) count, so a
    # smallflow graph with a one-op tf.ones drew other numbers than TensorFlow 1.x's.
    tf.set_random_seed(1)
    tf.ones([100, 100])
    drawn = tf.random_normal([3])
    normal = next(op for op in tf.get_default_graph().get_operations()
                  if op.type == "RandomStandardNormal")
    seed2 = normal.get_attr("seed2")
    assert seed2 == 6  # ones/shape_as_tensor, ones/Const, ones, and random_normal's 3 inputs
    explicit = tf.random_normal([3], seed=seed2)
    with tf.Session() as sess:
        first, second = sess.run([drawn, explicit])
    np.testing.assert_array_equal(first, second)
