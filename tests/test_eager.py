"""Eager execution (TF 1.x's ``tf.enable_eager_execution``): tensors, variables, the switch.

Each test switches eager execution on itself, as a TF1 program's first line does; the
conftest switches it off again afterwards.
"""

import numpy as np
import pytest

import smallflow as tf
from smallflow.eager import context


@pytest.fixture
def eager():
    tf.enable_eager_execution()
    assert tf.executing_eagerly()


# -- the switch ------------------------------------------------------------------------------


def test_graph_mode_is_the_default():
    assert tf.executing_eagerly() is False
    assert isinstance(tf.constant(1.0), tf.Tensor)
    with pytest.raises(AttributeError):
        tf.constant(1.0).numpy()


def test_enabling_after_a_graph_op_exists_is_tensorflows_error():
    tf.constant(1.0)
    with pytest.raises(ValueError, match="must be called at program startup"):
        tf.enable_eager_execution()
    assert tf.executing_eagerly() is False


def test_enabling_twice_is_harmless_and_disable_returns_to_graphs(eager):
    tf.enable_eager_execution()
    assert tf.executing_eagerly()
    tf.disable_eager_execution()
    assert not tf.executing_eagerly()
    assert not hasattr(tf.constant(1.0), "numpy") or not tf.executing_eagerly()


def test_a_graph_entered_inside_eager_mode_builds_a_graph(eager):
    graph = tf.Graph()
    with graph.as_default():
        assert not tf.executing_eagerly()
        x = tf.placeholder(tf.float32, [2])
        y = x * 2
        assert y.name == "mul:0"
        with tf.Session() as sess:
            assert sess.run(y, {x: [1, 2]}).tolist() == [2.0, 4.0]
    assert tf.executing_eagerly()


def test_enable_accepts_tensorflows_arguments():
    tf.enable_eager_execution(config=tf.ConfigProto(), device_policy=None, execution_mode=None)
    assert tf.executing_eagerly()


def test_placeholder_is_refused_while_eager(eager):
    with pytest.raises(RuntimeError, match="placeholder.. is not compatible with eager"):
        tf.placeholder(tf.float32)


def test_eager_mode_context_restores_graph_mode():
    with context.eager_mode():
        assert tf.executing_eagerly()
        assert tf.constant(2.0).numpy() == 2.0
    assert not tf.executing_eagerly()


# -- EagerTensor -------------------------------------------------------------------------------


def test_str_and_repr_as_tensorflow_1x_prints_them(eager):
    a = tf.constant([1.0, 2.0])
    assert str(a) == "tf.Tensor([1. 2.], shape=(2,), dtype=float32)"
    assert repr(a).startswith("<tf.Tensor: id=")
    assert repr(a).endswith("shape=(2,), dtype=float32, numpy=array([1., 2.], dtype=float32)>")
    assert str(tf.constant([[1, 2], [3, 4]])) == (
        "tf.Tensor(\n[[1 2]\n [3 4]], shape=(2, 2), dtype=int32)")
    assert repr(tf.constant(3.5)).endswith("numpy=3.5>")
    assert str(tf.constant("ab")) == "tf.Tensor(b'ab', shape=(), dtype=string)"


def test_python_protocols_read_the_value(eager):
    a = tf.constant([[2.0, 1.0], [1.0, 0.0]])
    assert a.numpy().tolist() == [[2.0, 1.0], [1.0, 0.0]]
    assert isinstance(tf.constant(3.0).numpy(), np.float32)
    assert np.asarray(a).shape == (2, 2)
    assert int(tf.constant(7)) == 7
    assert float(tf.constant(2.5)) == 2.5
    assert bool(tf.constant(True))
    assert len(a) == 2
    assert [row.numpy().tolist() for row in a] == [[2.0, 1.0], [1.0, 0.0]]
    assert "{:.3f}".format(tf.constant(0.5)) == "0.500"  # noqa: UP032 - as programs write it
    assert "%i" % tf.constant(5) == "5"  # noqa: UP031 - as programs write it
    assert [10, 20, 30][tf.constant(1)] == 20
    assert a[0][1].numpy() == 1.0
    assert a[:, 0].numpy().tolist() == [2.0, 1.0]
    assert a.shape == tf.TensorShape([2, 2])
    assert a.dtype == tf.float32
    assert a.device == "/job:localhost/replica:0/task:0/device:CPU:0"
    assert a.cpu().numpy().tolist() == a.numpy().tolist()


def test_scalar_tensors_refuse_len_and_iteration(eager):
    with pytest.raises(TypeError, match="Scalar tensor has no `len"):
        len(tf.constant(1))
    with pytest.raises(TypeError, match="Cannot iterate over a scalar tensor"):
        iter(tf.constant(1)).__next__()


def test_name_is_meaningless_and_eval_refused(eager):
    a = tf.constant(1.0)
    with pytest.raises(AttributeError, match="meaningless when eager execution is enabled"):
        _ = a.name
    with pytest.raises(NotImplementedError, match="numpy"):
        a.eval()


def test_operators_and_ops_take_python_and_numpy_values(eager):
    a = tf.constant([[2.0, 1.0], [1.0, 0.0]])
    b = np.array([[3.0, 0.0], [5.0, 1.0]], dtype=np.float32)
    assert (a + b).numpy().tolist() == [[5.0, 1.0], [6.0, 1.0]]
    assert (b + a).numpy().tolist() == [[5.0, 1.0], [6.0, 1.0]]
    assert tf.matmul(a, b).numpy().tolist() == [[11.0, 1.0], [3.0, 0.0]]
    assert (tf.constant(2) * 3).numpy() == 6
    assert tf.reduce_sum([1.0, 2.0, 3.0]).numpy() == 6.0
    assert (a == a) is True  # TF 1.x: == is identity, also in eager mode


def test_bad_shapes_are_invalid_argument_errors_when_the_op_runs(eager):
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Incompatible shapes: \[2\] vs. "
                                                             r"\[3\] \[Op:Add"):
        tf.add(tf.constant([1.0, 2.0]), tf.constant([1.0, 2.0, 3.0]))
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"Matrix size-incompatible: In\[0\]: \[1,2\], In\[1\]: \[1,2\]"):
        tf.matmul([[1.0, 2.0]], [[1.0, 2.0]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="2 values, but the requested "
                                                             "shape has 3"):
        tf.reshape(tf.constant([1.0, 2.0]), [3])


def test_mixed_dtypes_are_refused_as_tensorflow_refuses_them(eager):
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="cannot compute Add as input #1.zero-based. was expected to be a "
                             "int32 tensor but is a float tensor"):
        tf.add(tf.constant(1), tf.constant(1.0))


# -- variables ------------------------------------------------------------------------------------


def test_variables_are_named_but_not_made_unique_nor_collected(eager):
    v = tf.Variable([1.0, 2.0])
    w = tf.Variable([1.0, 2.0])
    assert v.name == w.name == "Variable:0"
    assert v.dtype == tf.float32
    assert tf.trainable_variables() == []
    assert tf.global_variables() == []
    assert repr(v) == ("<tf.Variable 'Variable:0' shape=(2,) dtype=float32, "
                       "numpy=array([1., 2.], dtype=float32)>")
    with tf.variable_scope("foo"):
        assert tf.Variable(1.0, name="w").name == "foo/w:0"
    with tf.name_scope("ns"):
        assert tf.Variable(1.0).name == "ns/Variable:0"


def test_assignments_run_at_once_and_reads_are_snapshots(eager):
    v = tf.Variable([1.0, 2.0])
    before = v.read_value()
    assert v.assign_add([1.0, 1.0]).numpy().tolist() == [2.0, 3.0]
    assert before.numpy().tolist() == [1.0, 2.0]
    assert v.numpy().tolist() == [2.0, 3.0]
    v.assign([5.0, 6.0])
    assert (v * 2).numpy().tolist() == [10.0, 12.0]
    v.assign_sub([1.0, 1.0])
    assert tf.reduce_sum(v).numpy() == 9.0
    assert v.assign([0.0, 0.0], read_value=False) is None
    assert isinstance(v, tf.Variable)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Assign requires shapes"):
        v.assign([1.0, 2.0, 3.0])


def test_get_variable_makes_a_new_variable_each_call_in_eager_mode(eager):
    first = tf.get_variable("w", [2], initializer=tf.zeros_initializer())
    second = tf.get_variable("w", [2], initializer=tf.ones_initializer())
    assert first is not second
    assert first.name == second.name == "w:0"
    assert second.numpy().tolist() == [1.0, 1.0]
    with tf.variable_scope("s", reuse=True):
        assert tf.get_variable("fresh", [1]).name == "s/fresh:0"


def test_eager_variable_store_reuses_by_name(eager):
    store = tf.contrib.eager.EagerVariableStore()
    with store.as_default():
        first = tf.get_variable("w", [2])
        with tf.variable_scope("", reuse=True):
            second = tf.get_variable("w", [2])
    assert first is second
    assert store.trainable_variables() == [first]


def test_global_step_is_found_again(eager):
    step = tf.train.get_or_create_global_step()
    assert step is tf.train.get_or_create_global_step()
    assert step.name == "global_step:0"
    assert step.dtype == tf.int64


def test_seeded_random_ops_repeat_tensorflows_eager_numbers(eager):
    # TensorFlow's values (TF 2.21 eager, compat.v1) for these seeds.
    tf.set_random_seed(1)
    np.testing.assert_allclose(tf.random_normal([3]).numpy(),
                               [-1.1012203, 1.5457517, 0.383644], rtol=1e-6)
    np.testing.assert_allclose(tf.random_normal([2]).numpy(), [0.40308788, -1.0880208],
                               rtol=1e-6)
    first = tf.random_uniform([2], seed=5).numpy()
    second = tf.random_uniform([2], seed=5).numpy()
    np.testing.assert_allclose(first, [0.195606, 0.02986085], rtol=1e-6)
    np.testing.assert_allclose(second, [0.28997242, 0.18651283], rtol=1e-6)


def test_control_flow_runs_as_python(eager):
    x = tf.constant(2.0)
    assert tf.cond(x > 1, lambda: x * x, lambda: x).numpy() == 4.0
    assert tf.while_loop(lambda i: i < 10, lambda i: i + 3, [tf.constant(0)]).numpy() == 12
    assert tf.group(x) is None
