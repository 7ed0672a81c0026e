"""tensorflow.python.ops.gen_nn_ops: the raw backward ops that guided-backpropagation and
unpooling programs call, in both spellings TF 1.x had (``relu_grad``, ``_relu_grad``)."""

import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import smallflow as tf
from smallflow.python.framework import ops
from smallflow.python.ops import gen_nn_ops


def test_guided_relu_as_saliency_programs_write_it():
    name = "GuidedReluForTest"

    @ops.RegisterGradient(name)
    def _guided_relu_grad(op, grad):
        return tf.where(grad > 0.0, gen_nn_ops._relu_grad(grad, op.outputs[0]),
                        tf.zeros_like(grad))

    x_value = np.array([[-1.0, 2.0, 3.0, -4.0]], np.float32)
    upstream = np.array([[1.0, -1.0, 2.0, 5.0]], np.float32)
    graph = tf.Graph()
    with graph.as_default():
        x = tf.constant(x_value)
        with graph.gradient_override_map({"Relu": name}):
            y = tf.nn.relu(x)
        guided = tf.gradients(y, x, grad_ys=upstream)[0]
        plain = tf.gradients(tf.nn.relu(x), x, grad_ys=upstream)[0]
        with tf.Session() as sess:
            guided_value, plain_value = sess.run([guided, plain])
    # Only where the input was positive AND the incoming gradient is positive.
    np.testing.assert_array_equal(guided_value, [[0.0, 0.0, 2.0, 0.0]])
    np.testing.assert_array_equal(plain_value, [[0.0, -1.0, 2.0, 0.0]])
    assert gen_nn_ops.relu_grad is gen_nn_ops._relu_grad


def test_unpooling_with_max_pool_grad():
    x_value = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1) % 5
    with tf.Graph().as_default():
        x = tf.constant(x_value)
        pooled = tf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
        unpooled = gen_nn_ops.max_pool_grad(x, pooled, pooled, [1, 2, 2, 1], [1, 2, 2, 1],
                                            "VALID")
        with tf.Session() as sess:
            result, pooled_value = sess.run([unpooled, pooled])
    blocks = result.reshape(2, 2, 2, 2).transpose(0, 2, 1, 3).reshape(4, 4)
    # Each window keeps only its first maximum, holding the pooled value.
    assert (np.count_nonzero(blocks, axis=1) <= 1).all()
    np.testing.assert_array_equal(blocks.max(axis=1), pooled_value.ravel())


_UNPOOL_PROGRAM = """
import numpy as np
import pytest
import smallflow as tf
from smallflow.python.framework import ops
from smallflow.python.ops import gen_nn_ops


@ops.RegisterGradient("MaxPoolGradWithArgmax")
def _max_pool_grad_grad_with_argmax(op, grad):
    return (tf.zeros_like(op.inputs[0]), tf.zeros_like(op.inputs[1]),
            gen_nn_ops._max_pool_grad_grad_with_argmax(
                op.inputs[0], grad, op.inputs[2], op.get_attr("ksize"),
                op.get_attr("strides"), padding=op.get_attr("padding")))


x = tf.constant(np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1))
pooled, argmax = tf.nn.max_pool_with_argmax(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
routed = gen_nn_ops.max_pool_grad_with_argmax(x, pooled, argmax, [1, 2, 2, 1], [1, 2, 2, 1],
                                              "SAME")
(grad,) = tf.gradients(tf.reduce_sum(routed), [pooled])
# The function above is used: its second value (zeros) is the gradient with respect to the
# routed gradient; its third, the grad-grad op, goes to argmax.
grad_grad = [op for op in tf.get_default_graph().get_operations()
             if op.type == "MaxPoolGradGradWithArgmax"]
assert len(grad_grad) == 1
with tf.Session() as sess:
    assert sess.run(routed).ravel()[[5, 7, 13, 15]].tolist() == [5, 7, 13, 15]
    assert not sess.run(grad).any()
    # As in TensorFlow, the grad-grad op has a GPU kernel only.
    with pytest.raises(tf.errors.InvalidArgumentError, match="No OpKernel"):
        sess.run(grad_grad[0].outputs[0])
print("ok")
"""


def test_user_gradient_for_max_pool_grad_with_argmax(tmp_path):
    # The unpooling snippet of 2018 registers this gradient itself (TF 1.x has none, so a
    # registration of ours would make it fail). Run as a program: registrations are global.
    program = tmp_path / "unpool.py"
    program.write_text(_UNPOOL_PROGRAM)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(pathlib.Path(tf.__file__).parents[1]), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, str(program)], capture_output=True, text=True,
                          env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_other_names_and_errors():
    assert gen_nn_ops.conv2d is tf.nn.conv2d
    with pytest.raises(AttributeError, match="no_such_op"):
        gen_nn_ops.no_such_op  # noqa: B018
    with tf.Graph().as_default(), pytest.raises(TypeError, match="argmax"):
        gen_nn_ops.max_pool_grad_with_argmax(tf.zeros([1, 2, 2, 1]), tf.zeros([1, 1, 1, 1]),
                                             tf.zeros([1, 1, 1, 1]), [1, 2, 2, 1],
                                             [1, 2, 2, 1], "VALID")
