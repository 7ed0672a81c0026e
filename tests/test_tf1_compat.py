"""Idioms of real TF1 programs (books, courses, example collections) that must keep working.

Each case is a small piece of a program users bring, reduced to what it relies on.
"""

import numpy as np
import pytest

import smallflow as tf


@pytest.mark.parametrize(("op_type", "method", "value"), [
    ("Assign", "assign", 3.0),
    ("AssignAdd", "assign_add", 2.0),
    ("AssignSub", "assign_sub", 2.0),
])
def test_an_assignment_takes_the_variable_then_the_value_as_inputs(op_type, method, value):
    v = tf.Variable(1.0, name="v")
    update = getattr(v, method)(value)
    assert update.op.type == op_type
    assert [t.op.name for t in update.op.inputs] == ["v", update.op.inputs[1].op.name]
    assert update.op.inputs[0].op.type == "VariableV2"
    assert update.op.inputs[1].op.type == "Const"


def test_feeding_the_initial_value_found_through_the_assign_op():
    # Hands-On ML ch. 11 (reusing pretrained layers): the Assign op's input 1 is the
    # initializer's value, fed with weights taken from another model.
    x = tf.placeholder(tf.float32, [None, 3])
    hidden = tf.layers.dense(x, 2, name="hidden1")
    graph = tf.get_default_graph()
    init_kernel = graph.get_operation_by_name("hidden1/kernel/Assign").inputs[1]
    init = tf.global_variables_initializer()
    weights = np.arange(6, dtype=np.float32).reshape(3, 2)
    with tf.Session() as sess:
        sess.run(init, feed_dict={init_kernel: weights})
        np.testing.assert_array_equal(sess.run("hidden1/kernel:0"), weights)
        np.testing.assert_array_equal(sess.run(hidden, {x: np.ones((1, 3))}), [[6.0, 9.0]])


def test_an_assignment_to_an_uninitialized_variable_initializes_it_alone():
    v = tf.Variable(tf.zeros([2]), name="v")
    other = tf.Variable(7.0, name="other")
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(v.initializer.outputs[0]), [0.0, 0.0])
        with pytest.raises(tf.errors.FailedPreconditionError, match="other"):
            sess.run(other.assign_add(1.0))
        assert sess.run(tf.assign(other, 2.0)) == 2.0
        assert sess.run(other.assign_sub(0.5)) == 1.5


@pytest.mark.parametrize(("path", "value"), [
    # nlintz/TensorFlow-Tutorials 07_lstm.py; many GPU-minded programs do the same.
    ("gpu_options.allow_growth", True),
    ("gpu_options.per_process_gpu_memory_fraction", 0.4),
    ("graph_options.optimizer_options.global_jit_level", 1),
])
def test_a_config_protos_nested_options_can_be_set_field_by_field(path, value):
    config = tf.ConfigProto()
    *messages, field = path.split(".")

    def message():
        target = config
        for name in messages:
            target = getattr(target, name)
        return target

    setattr(message(), field, value)
    assert getattr(message(), field) == value
    with tf.Session(config=config) as sess:
        assert sess.run(tf.constant(2.0) * 3.0) == 6.0


def test_nested_options_given_to_a_config_proto_are_kept():
    options = tf.GPUOptions(allow_growth=True)
    assert tf.ConfigProto(gpu_options=options).gpu_options is options
    assert tf.ConfigProto().log_device_placement is None


@pytest.mark.parametrize("xent", [tf.nn.softmax_cross_entropy_with_logits,
                                  tf.nn.softmax_cross_entropy_with_logits_v2])
def test_float64_one_hot_labels_from_a_dataset_are_cast_to_the_logits_type(xent):
    # TensorFlow-Examples tensorflow_dataset_api.py: read_data_sets' one-hot labels are
    # float64 and reach the loss through a tf.data iterator.
    labels = tf.constant(np.eye(2), dtype=tf.float64)
    logits = tf.constant([[2.0, 0.0], [0.0, 2.0]])
    loss = xent(labels=labels, logits=logits)
    assert loss.dtype == tf.float32
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(loss), [np.log1p(np.exp(-2.0))] * 2, rtol=1e-6)
