"""Graph, names, scopes, reprs, dtype rules and static shapes (tf1-semantics §2)."""

import numpy as np
import pytest

import smallflow as tf


def test_default_graph_exists_and_ops_join_it():
    x = tf.placeholder(tf.float32)
    assert x.graph is tf.get_default_graph()


def test_ops_join_the_graph_that_is_default_when_created():
    g = tf.Graph()
    with g.as_default():
        c = tf.constant(1.0)
    assert c.graph is g
    assert tf.get_default_graph() is not g


def test_reset_default_graph_gives_a_new_graph():
    before = tf.get_default_graph()
    tf.reset_default_graph()
    assert tf.get_default_graph() is not before


def test_reset_default_graph_inside_a_graph_context_is_refused():
    with tf.Graph().as_default(), pytest.raises(AssertionError, match="nested graphs"):
        tf.reset_default_graph()


def test_mixing_graphs_is_a_value_error():
    g = tf.Graph()
    with g.as_default():
        a = tf.constant(1.0)
    b = tf.constant(2.0)
    with pytest.raises(ValueError, match="is not an element of this graph"):
        tf.add(a, b)


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda: [tf.placeholder(tf.float32) for _ in range(3)],
         ["Placeholder:0", "Placeholder_1:0", "Placeholder_2:0"]),
        (lambda: [tf.Variable(0.0), tf.Variable(1.0)], ["Variable:0", "Variable_1:0"]),
        (lambda: [tf.reduce_mean(tf.constant([1.0])), tf.reduce_mean(tf.constant([1.0]))],
         ["Mean:0", "Mean_1:0"]),
        (lambda: [tf.matmul(tf.ones([2, 2]), tf.ones([2, 2]))], ["MatMul:0"]),
        (lambda: [tf.constant(1.0) + tf.constant(2.0)], ["add:0"]),
        (lambda: [tf.nn.softmax(tf.ones([2, 3]))], ["Softmax:0"]),
        (lambda: [tf.placeholder(tf.float32, name="x"), tf.placeholder(tf.float32, name="X")],
         ["x:0", "X_1:0"]),
    ],
)
def test_default_names_are_unique_per_graph(build, expected):
    assert [t.name for t in build()] == expected


def test_name_scope_prefixes_and_reentering_makes_a_new_scope():
    with tf.name_scope("conv1") as scope:
        a = tf.constant(1.0, name="w")
    with tf.name_scope("conv1") as scope_again:
        b = tf.constant(1.0, name="w")
    assert (scope, scope_again) == ("conv1/", "conv1_1/")
    assert (a.name, b.name) == ("conv1/w:0", "conv1_1/w:0")


def test_variable_creates_the_three_tf1_ops():
    v = tf.Variable(tf.zeros([3]))
    names = [op.name for op in tf.get_default_graph().get_operations()]
    assert {"Variable", "Variable/Assign", "Variable/read"} <= set(names)
    assert v.name == "Variable:0"


def test_str_and_repr_of_a_tensor():
    x = tf.placeholder(tf.float32, [None, 784])
    assert str(x) == 'Tensor("Placeholder:0", shape=(?, 784), dtype=float32)'
    assert repr(x) == "<tf.Tensor 'Placeholder:0' shape=(?, 784) dtype=float32>"


def test_tensor_shape_api():
    shape = tf.placeholder(tf.float32, [None, 784]).shape
    assert shape.as_list() == [None, 784]
    assert shape.ndims == 2
    assert str(shape) == "(?, 784)"
    assert shape[1].value == 784
    assert shape.is_compatible_with([5, 784])
    assert not shape.is_compatible_with([5, 783])
    assert tf.placeholder(tf.float32).shape.ndims is None


def test_tensors_compare_by_identity_and_hash():
    a = tf.constant(1.0)
    b = tf.constant(1.0)
    assert a == a
    assert a != b
    assert {a: 1, b: 2}[a] == 1


@pytest.mark.parametrize("use", [bool, iter, len])
def test_tensor_refuses_bool_iteration_and_len(use):
    with pytest.raises(TypeError):
        use(tf.constant([1.0, 2.0]))


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        (lambda a, b: a + b, [4.0, 2.5]),
        (lambda a, b: a - b, [2.0, 1.5]),
        (lambda a, b: a * b, [3.0, 1.0]),
        (lambda a, b: a / b, [3.0, 4.0]),
        (lambda a, b: a // b, [3.0, 4.0]),
        (lambda a, b: a % b, [0.0, 0.0]),
        (lambda a, b: a**b, [3.0, 1.4142135]),
        (lambda a, b: -a, [-3.0, -2.0]),
        (lambda a, b: abs(-a), [3.0, 2.0]),
        (lambda a, b: a < b, [False, False]),
        (lambda a, b: a <= b, [False, False]),
        (lambda a, b: a > b, [True, True]),
        (lambda a, b: a >= b, [True, True]),
        (lambda a, b: 1.0 + a, [4.0, 3.0]),
        (lambda a, b: 1.0 - a, [-2.0, -1.0]),
        (lambda a, b: 6.0 / a, [2.0, 3.0]),
        (lambda a, b: a[0], 3.0),
        (lambda a, b: a[::-1], [2.0, 3.0]),
    ],
)
def test_tensor_operators(expression, expected):
    a = tf.constant([3.0, 2.0])
    b = tf.constant([1.0, 0.5])
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(expression(a, b)), expected, rtol=1e-6)


def test_matmul_operator():
    a = tf.constant([[1.0, 2.0]])
    b = tf.constant([[3.0], [4.0]])
    with tf.Session() as sess:
        assert sess.run(a @ b).tolist() == [[11.0]]


@pytest.mark.parametrize(
    ("value", "dtype"),
    [(1.0, tf.float32), (1, tf.int32), (True, tf.bool), ([1.0, 2], tf.float32),
     (np.float64(1.0), tf.float64), (np.arange(3, dtype=np.int64), tf.int64),
     (2**40, tf.int64)],
)
def test_python_and_numpy_values_become_tensors_of_tf1_dtypes(value, dtype):
    assert tf.convert_to_tensor(value).dtype == dtype


def test_float_string_means_float32():
    assert tf.placeholder("float", [None, 10]).dtype == tf.float32


def test_no_implicit_promotion_between_tensors():
    x = tf.constant([1.0])
    y = tf.constant([1], dtype=tf.int64)
    with pytest.raises(TypeError, match="Input 'y' of 'Mul' Op has type int64 that does not "
                                        "match type float32 of argument 'x'"):
        tf.multiply(x, y)


def test_python_scalar_takes_the_tensor_dtype():
    x = tf.constant([1], dtype=tf.int64)
    assert (x * 2).dtype == tf.int64
    assert (2 * x).dtype == tf.int64


def test_python_float_cannot_become_an_int_tensor():
    with pytest.raises(TypeError, match="Expected int64"):
        tf.constant([1], dtype=tf.int64) * 2.5


def test_static_shape_mismatch_names_the_op_and_shapes():
    x = tf.placeholder(tf.float32, [None, 784])
    tf.matmul(x, tf.zeros([784, 100]))
    with pytest.raises(ValueError, match="Dimensions must be equal") as info:
        tf.matmul(x, tf.zeros([100, 10]))
    assert str(info.value) == (
        "Dimensions must be equal, but are 784 and 100 for 'MatMul_1' (op: 'MatMul') with "
        "input shapes: [?,784], [100,10]."
    )


def test_broadcast_shape_mismatch_is_a_build_time_error():
    with pytest.raises(ValueError, match=r"Dimensions must be equal, but are 3 and 4 for 'add'"):
        tf.ones([2, 3]) + tf.ones([2, 4])


@pytest.mark.parametrize(
    ("shape_a", "shape_b", "expected"),
    [([2, 3], [3], [2, 3]), ([2, 1], [1, 3], [2, 3]), ([None, 10], [10], [None, 10]),
     ([None, 1], [None, 5], [None, 5]), ([], [4], [4]), (None, [3], None)],
)
def test_static_broadcast_shapes(shape_a, shape_b, expected):
    a = tf.placeholder(tf.float32, shape_a)
    b = tf.placeholder(tf.float32, shape_b)
    result = (a + b).shape
    assert (result.as_list() if result.ndims is not None else None) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [((7.0, None, [2, 2]), [[7.0, 7.0], [7.0, 7.0]]),
     (([1, 2], None, [4]), [1, 2, 2, 2]),
     (([1, 2, 3, 4], None, [2, 2]), [[1, 2], [3, 4]])],
)
def test_constant_fills_and_pads(args, expected):
    with tf.Session() as sess:
        assert sess.run(tf.constant(*args)).tolist() == expected


def test_constant_with_too_many_elements_is_a_value_error():
    with pytest.raises(ValueError, match="Too many elements provided"):
        tf.constant([1, 2, 3], shape=[2])


def test_get_tensor_and_operation_by_name():
    x = tf.placeholder(tf.float32, name="x")
    g = tf.get_default_graph()
    assert g.get_tensor_by_name("x:0") is x
    assert g.get_operation_by_name("x") is x.op
    with pytest.raises(KeyError):
        g.get_tensor_by_name("nope:0")


def test_collections_hold_variables_in_creation_order():
    a = tf.Variable(1.0)
    b = tf.Variable(2.0, trainable=False)
    assert tf.global_variables() == [a, b]
    assert tf.trainable_variables() == [a]


def test_control_dependencies_are_recorded():
    a = tf.constant(1.0)
    with tf.control_dependencies([a]):
        b = tf.constant(2.0)
    assert b.op.control_inputs == [a.op]
