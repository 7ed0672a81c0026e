"""Session 14 (lead): what a comparison of smallflow's public signatures with TensorFlow's
``compat.v1`` (the TF 1.x API that TensorFlow 2 keeps) found: argument names and orders
that differed, and TF 1.15 methods that were missing (Variable, Tensor, TensorShape,
Saver, Scaffold). Values are compared with TensorFlow in tests/oracle/cases_session14_lead.py.
"""

import inspect

import numpy as np
import pytest

import smallflow as tf

# TensorFlow 1.x's positional arguments (names in order) of functions whose names or order
# differed: a program calling them positionally or by keyword must mean the same thing.
POSITIONAL = {
    "confusion_matrix": ["labels", "predictions", "num_classes", "dtype", "name", "weights"],
    "math.confusion_matrix": ["labels", "predictions", "num_classes", "dtype", "name",
                              "weights"],
    "parallel_stack": ["values", "name"],
    "nn.max_pool2d": ["input", "ksize", "strides", "padding", "data_format", "name"],
    "nn.conv2d_transpose": ["value", "filter", "output_shape", "strides", "padding",
                            "data_format", "name", "input", "filters", "dilations"],
    "nn.conv3d_transpose": ["value", "filter", "output_shape", "strides", "padding",
                            "data_format", "name", "input", "filters", "dilations"],
    "nn.pool": ["input", "window_shape", "pooling_type", "padding", "dilation_rate",
                "strides", "name", "data_format", "dilations"],
    "strings.to_number": ["string_tensor", "out_type", "name", "input"],
    "string_to_number": ["string_tensor", "out_type", "name", "input"],
    "space_to_batch": ["input", "paddings", "block_size", "name", "block_shape"],
    "batch_to_space": ["input", "crops", "block_size", "name", "block_shape"],
    "sparse_concat": ["axis", "sp_inputs", "name", "expand_nonconcat_dim", "concat_dim",
                      "expand_nonconcat_dims"],
    "verify_tensor_all_finite": ["t", "msg", "name", "x", "message"],
    "metrics.sensitivity_at_specificity": [
        "labels", "predictions", "specificity", "weights", "num_thresholds",
        "metrics_collections", "updates_collections", "name"],
    "metrics.specificity_at_sensitivity": [
        "labels", "predictions", "sensitivity", "weights", "num_thresholds",
        "metrics_collections", "updates_collections", "name"],
    "batch_scatter_update": ["ref", "indices", "updates", "use_locking", "name"],
}


def _lookup(path):
    value = tf
    for part in path.split("."):
        value = getattr(value, part)
    return value


@pytest.mark.parametrize("path", sorted(POSITIONAL))
def test_arguments_are_tensorflow_1s(path):
    parameters = [p.name for p in inspect.signature(_lookup(path)).parameters.values()
                  if p.kind in (p.POSITIONAL_OR_KEYWORD, p.POSITIONAL_ONLY)]
    assert parameters == POSITIONAL[path]


def test_pool_strides_default_to_one():
    x = np.arange(32, dtype=np.float32).reshape(1, 4, 4, 2)
    with tf.Session() as sess:
        pooled = sess.run(tf.nn.pool(x, [2, 2], "MAX", "VALID"))
    assert pooled.shape == (1, 3, 3, 2)
    np.testing.assert_array_equal(pooled[0, :, :, 0], x[0, 1:, 1:, 0])


def test_renamed_arguments_refuse_both_names():
    with pytest.raises(ValueError, match="Cannot specify both 'input' and 'string_tensor'"):
        tf.string_to_number(["1"], input=["2"])
    with pytest.raises(ValueError, match="Cannot specify both"):
        tf.nn.conv2d_transpose(np.ones((1, 2, 2, 1), np.float32), input=np.ones((1, 2, 2, 1)),
                               filter=np.ones((1, 1, 1, 1), np.float32), output_shape=[1, 2, 2, 1],
                               strides=1)


def test_variable_methods_of_tensorflow_1():
    v = tf.Variable(np.zeros((2, 3), np.float32))
    counter = tf.Variable(0)
    bump = counter.count_up_to(2)
    added = v.scatter_nd_add([[0, 1]], [5.0])
    subtracted = v.scatter_nd_sub([[1, 2]], [1.0])
    updated = v.scatter_nd_update([[1, 0]], [7.0])
    gathered = v.gather_nd([[0, 1], [1, 2]])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert [sess.run(bump), sess.run(bump)] == [0, 1]
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(bump)
        sess.run([added])
        sess.run(subtracted)
        sess.run(updated)
        np.testing.assert_array_equal(sess.run(v), [[0, 5, 0], [7, 0, -1]])
        np.testing.assert_array_equal(sess.run(gathered), [5, -1])


def test_batch_scatter_update_of_a_variable_and_its_errors():
    v = tf.Variable(np.zeros((2, 3), np.float32))
    update = v.batch_scatter_update(tf.IndexedSlices(tf.constant([[1.0], [2.0]]),
                                                     tf.constant([[2], [0]])))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(update), [[0, 0, 1], [2, 0, 0]])
    with pytest.raises(TypeError, match="sparse_delta is not IndexedSlices"):
        v.batch_scatter_update(np.ones(2))
    with pytest.raises(ValueError, match="at least 1-D"):
        tf.batch_scatter_update(v, 0, 1.0)


def test_references_are_hashable_by_identity():
    a = tf.constant([1.0, 2.0])
    b = tf.constant([1.0, 2.0])
    v = tf.Variable(1.0)
    seen = {a.experimental_ref(): "a", b.ref(): "b", v.ref(): "v"}
    assert seen[a.ref()] == "a"
    assert seen[b.experimental_ref()] == "b"
    assert seen[v.experimental_ref()] == "v"
    assert a.ref().deref() is a
    assert a.ref() != b.ref()
    assert "Reference wrapping" in repr(v.ref())


def test_tensor_shape_assertions():
    shape = tf.TensorShape([None, 3])
    shape.assert_same_rank(tf.TensorShape([4, None]))
    shape.assert_same_rank(tf.TensorShape(None))
    with pytest.raises(ValueError, match="must have the same rank"):
        shape.assert_same_rank([1])
    with pytest.raises(ValueError, match="is not fully defined"):
        shape.assert_is_fully_defined()
    tf.TensorShape([2, 3]).assert_is_fully_defined()
    with pytest.raises(ValueError, match="not compatible"):
        tf.Dimension(3).assert_is_compatible_with(4)
    tf.Dimension(None).assert_is_compatible_with(4)
    assert tf.TensorShape([1, 3]).most_specific_compatible_shape([2, 3]).as_list() == [None, 3]
    assert tf.TensorShape([1]).most_specific_compatible_shape([1, 2]).ndims is None


def test_saver_defer_build_collects_variables_at_build(tmp_path):
    saver = tf.train.Saver(defer_build=True)  # no variables yet: built later
    v = tf.Variable(3.0, name="v")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(RuntimeError, match="build\\(\\)` should be called before save"):
            saver.save(sess, str(tmp_path / "model"))
        saver.build()
        saver.build()  # a second build does nothing
        path = saver.save(sess, str(tmp_path / "model"))
        sess.run(v.assign(5.0))
        saver.restore(sess, path)
        assert sess.run(v) == 3.0
    saver.set_last_checkpoints([path])
    assert saver.last_checkpoints == [path]
    with pytest.raises(TypeError, match="must be a list"):
        saver.set_last_checkpoints(path)


def test_scaffold_uses_the_graph_collections():
    tf.Variable(1.0)
    custom_init = tf.group(tf.global_variables_initializer(), name="custom_init")
    tf.add_to_collection(tf.GraphKeys.INIT_OP, custom_init)
    scaffold = tf.train.Scaffold()
    scaffold.finalize()
    graph = tf.get_default_graph()
    assert scaffold.init_op is custom_init
    # The defaults made are added to their collections, as TensorFlow's Scaffold does.
    assert graph.get_collection(tf.GraphKeys.LOCAL_INIT_OP) == [scaffold.local_init_op]
    assert graph.get_collection(tf.GraphKeys.READY_OP) == [scaffold.ready_op]
    assert graph.get_collection(tf.GraphKeys.SAVERS) == [scaffold.saver]
    copied = tf.train.Scaffold(copy_from_scaffold=scaffold, init_fn=print)
    assert copied.init_op is custom_init
    assert copied.saver is scaffold.saver
    assert copied.init_fn is print
    with pytest.raises(TypeError, match="not a Scaffold instance"):
        tf.train.Scaffold(copy_from_scaffold=object())


def test_scaffold_get_or_default_refuses_two_items():
    tf.add_to_collection("my_ops", tf.no_op())
    tf.add_to_collection("my_ops", tf.no_op())
    with pytest.raises(RuntimeError, match='More than one item in the collection "my_ops"'):
        tf.train.Scaffold.get_or_default("my_op", "my_ops", tf.no_op)
    made = tf.train.Scaffold.get_or_default("other", "other_ops", lambda: "made")
    assert made == "made"
    assert tf.get_collection("other_ops") == ["made"]


def test_linear_operator_add_to_tensor_takes_mat():
    operator = tf.linalg.LinearOperatorIdentity(2)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(operator.add_to_tensor(mat=np.ones((2, 2)))),
                                      [[2, 1], [1, 2]])
