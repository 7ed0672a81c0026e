"""Session 11: AutoGraph (``tf.autograph``), ``tf.function`` / ``tfe.defun`` and ``Defun``.

Checked against TensorFlow 2.21's compat.v1 in tests/oracle/cases_session11_autograph.py;
these tests state the same behaviours without TensorFlow, plus what the oracle cannot show
(trace counts, graph contents, eager speed paths, errors' wording).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smallflow as tf
from smallflow.eager import context
from smallflow.python.framework import function as tf_function

# -- converted functions (module level: AutoGraph reads their source) -----------------------------


def square_if_positive(x):
    if x > 0:  # noqa: SIM108 - the statement form is what AutoGraph converts
        x = x * x
    else:
        x = 0.0
    return x


def sum_even(items):
    s = 0
    for c in items:
        if c % 2 > 0:
            continue
        s += c
    return s


def first_index_over(items, limit):
    for i in range(len(items)):
        if items[i] > limit:
            return i
    return -1


def count_up(n):
    i = 0
    total = 0
    while i < n:
        total += i
        i += 1
    return total


def cumsum_until(x, threshold):
    total = 0.0
    index = 0
    for i in tf.range(len(x)):
        index = i
        if total >= threshold:
            break
        total += x[i]
    return index, total


def python_list_loop(x):
    for scale in [1.0, 2.0, 3.0]:
        x = x * scale
    return x


def both_positive(a, b):
    return a > 0 and b > 0


def undefined_else(x):
    if x > 0:
        y = x
    return y


def temporary_in_branch(x):
    if x > 0:
        tmp = x * 2.0
        x = tmp + 1.0
    return x


def changes_dtype(n):
    i = 0
    while i < n:
        i = i * 1.5
    return i


def grows(x, n):
    while n > 0:
        x = tf.concat([x, x], 0)
        n -= 1
    return x


def limited_loop(n):
    i = 0
    while i < n:
        tf.autograph.experimental.set_loop_options(maximum_iterations=3)
        i += 1
    return i


def printing(n):
    i = 0
    while i < n:
        print(i)
        i += 1
    return i


def appending(n):
    z = tf.TensorArray(tf.int32, size=0, dynamic_size=True)
    for i in tf.range(n):
        z.append(i * 2)
    return z.stack()


def asserting(x):
    assert x != 0.0, "Do not pass zero!"
    return 1.0 / x


def loop_return(n):
    i = 0
    while i < n:
        i += 1
        if i > 5:
            return i
    return i


def _run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


# -- AutoGraph ------------------------------------------------------------------------------------


def test_to_code_turns_if_into_if_stmt():
    code = tf.autograph.to_code(square_if_positive)
    assert "ag__.if_stmt" in code
    assert "def square_if_positive(x):" in code


def test_tensor_if_builds_a_cond_and_python_values_run_as_python():
    converted = tf.autograph.to_graph(square_if_positive)
    assert converted(3.0) == 9.0
    assert converted(-3.0) == 0.0
    assert not [op for op in tf.get_default_graph().get_operations() if op.type == "If"]
    p = tf.placeholder(tf.float32, [])
    out = converted(p)
    assert [op.type for op in tf.get_default_graph().get_operations()].count("If") == 1
    assert out.name == "cond/Merge:0"
    assert _run(out, {p: 3.0}) == 9.0
    assert _run(out, {p: -3.0}) == 0.0


def test_continue_in_a_loop_over_a_tensor():
    converted = tf.autograph.to_graph(sum_even)
    assert _run(converted(tf.constant([10, 12, 15, 20, 7, 8]))) == 50
    assert converted([10, 12, 15, 20, 7, 8]) == 50


def test_early_return_from_a_python_loop():
    converted = tf.autograph.to_graph(first_index_over)
    assert converted([1, 5, 9], 4) == 1
    assert converted([1, 2], 4) == -1


def test_while_over_a_tensor_with_python_ints_that_become_tensors():
    out = tf.autograph.to_graph(count_up)(tf.constant(6))
    assert out.dtype == tf.int32
    assert _run(out) == 15


def test_break_in_a_tensor_loop():
    index, total = tf.autograph.to_graph(cumsum_until)(tf.ones(10), tf.constant(5.0))
    assert _run([index, total]) == [5, 5.0]


def test_loop_over_a_python_list_is_unrolled():
    out = tf.autograph.to_graph(python_list_loop)(tf.constant(2.0))
    assert not [op for op in tf.get_default_graph().get_operations() if op.type == "While"]
    assert _run(out) == 12.0


def test_and_on_tensors_is_lazy_and_on_python_values_is_python():
    converted = tf.autograph.to_graph(both_positive)
    assert converted(1, 2) is True
    a = tf.placeholder(tf.float32, [])
    b = tf.placeholder(tf.float32, [])
    out = converted(a, b)
    assert out.dtype == tf.bool
    assert not _run(out, {a: 1.0, b: -1.0})
    assert _run(out, {a: 1.0, b: 2.0})


def test_a_name_defined_in_one_branch_is_an_error_where_it_is_used():
    with pytest.raises(ValueError, match="'y' must also be initialized in the else branch"):
        tf.autograph.to_graph(undefined_else)(tf.constant(1.0))


def test_a_temporary_of_one_branch_is_no_error_when_unused():
    out = tf.autograph.to_graph(temporary_in_branch)(tf.constant(2.0))
    assert _run(out) == 5.0


def test_a_loop_variable_changing_dtype_or_shape_is_refused():
    with pytest.raises(TypeError):
        tf.autograph.to_graph(changes_dtype)(tf.constant(3))
    with pytest.raises(ValueError, match=r"'x' has shape \(1,\) before the loop, but shape "
                                         r"\(2,\) after one iteration"):
        tf.autograph.to_graph(grows)(tf.constant([1.0]), tf.constant(2))


def test_return_inside_a_tensor_loop_is_refused_as_tensorflow_does():
    with pytest.raises(NotImplementedError, match="a return statement cannot be placed"):
        tf.autograph.to_graph(loop_return)(tf.constant(3))


def test_set_loop_options_limits_the_iterations():
    assert _run(tf.autograph.to_graph(limited_loop)(tf.constant(10))) == 3


def test_print_becomes_a_print_op_with_builtin_functions_only():
    features = tf.autograph.experimental.Feature.BUILTIN_FUNCTIONS
    tf.autograph.to_graph(printing, experimental_optional_features=features)(tf.constant(2))
    types = {op.type for op in tf.get_default_graph().get_operations()}
    assert "PyFunc" in types
    assert "ag__.print_" not in tf.autograph.to_code(printing)
    assert "converted_call(print)" in tf.autograph.to_code(
        printing, experimental_optional_features=features)


def test_tensor_array_append_with_the_lists_feature():
    fn = tf.function(appending,
                     experimental_autograph_options=tf.autograph.experimental.Feature.LISTS)
    assert _run(fn(tf.constant(4))).tolist() == [0, 2, 4, 6]


def test_assert_statement_with_the_assert_feature():
    fn = tf.function(asserting, experimental_autograph_options=(
        tf.autograph.experimental.Feature.ASSERT_STATEMENTS,
        tf.autograph.experimental.Feature.EQUALITY_OPERATORS))
    good = fn(tf.constant(4.0))
    bad = fn(tf.constant(0.0))
    assert _run(good) == 0.25
    with pytest.raises(tf.errors.InvalidArgumentError, match="Do not pass zero!"):
        _run(bad)


def test_do_not_convert_leaves_a_function_alone():
    @tf.autograph.experimental.do_not_convert
    def plain(x):
        return x

    assert tf.autograph.to_graph(plain) is not None
    from smallflow.autograph import impl

    assert impl.converted_call(plain) is plain


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(-50, 50), min_size=1, max_size=8))
def test_converted_loop_matches_python_on_tensors(items):
    with tf.Graph().as_default():
        out = tf.autograph.to_graph(sum_even)(tf.constant(items))
        assert _run(out) == sum_even(items)


# -- tf.function in graph mode --------------------------------------------------------------------


def test_function_call_op_names_and_one_trace_per_signature():
    traces = []

    @tf.function
    def f(a):
        traces.append(a.name)
        return a * 2.0, tf.reduce_sum(a)

    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y, s = f(x)
    y2, _ = f(x)
    assert (y.name, s.name, y2.name) == ("PartitionedCall:0", "PartitionedCall:1",
                                         "PartitionedCall_1:0")
    assert traces == ["a:0"]
    names = [op.name for op in tf.get_default_graph().get_operations()]
    assert names == ["x", "PartitionedCall", "PartitionedCall_1"]
    f(tf.constant([1, 2]))
    assert len(traces) == 2  # a new dtype and shape: traced again


def test_stateful_function_and_its_control_dependencies():
    v = tf.Variable(0.0, name="v")

    @tf.function
    def seq(x):
        v.assign(x)
        v.assign_add(1.0)
        first = v.read_value()
        v.assign(first * 10.0)
        return first

    first = seq(tf.constant(4.0))
    assert first.op.type == "StatefulPartitionedCall"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(first) == 5.0
        assert sess.run(v) == 50.0


def test_variables_made_on_the_first_call_only():
    made = []

    @tf.function
    def h(a):
        if not made:
            made.append(tf.Variable(3.0, name="made"))
        made[0].assign_add(a)
        return made[0].read_value()

    r = h(tf.constant(2.0))
    assert len(made) == 1
    assert [v.name for v in tf.global_variables()] == ["made:0"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert [sess.run(r), sess.run(r)] == [5.0, 7.0]

    @tf.function
    def k(a):
        return tf.Variable(1.0) + a

    with pytest.raises(ValueError, match="tried to create variables on non-first call"):
        k(tf.constant(1.0))


def test_gradients_through_a_call_reach_inputs_and_variables():
    w = tf.Variable([[0.5], [-0.25]])

    @tf.function
    def loss_fn(x):
        return tf.reduce_sum(tf.square(tf.matmul(x, w)))

    x = tf.constant([[1.0, 2.0], [3.0, -1.0]])
    loss = loss_fn(x)
    gx, gw = tf.gradients(loss, [x, w])
    assert gx.name.startswith("gradients/PartitionedCall_grad/PartitionedCall")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        xw = np.array([[0.0], [1.75]], np.float32)
        np.testing.assert_allclose(sess.run(gw), 2 * np.array([[1, 3], [2, -1]]) @ xw)
        np.testing.assert_allclose(sess.run(gx), 2 * xw @ np.array([[0.5, -0.25]]))


def test_input_signature_traces_once_and_refuses_other_inputs():
    traces = []

    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def total(x):
        traces.append(1)
        return tf.reduce_sum(x)

    total(tf.constant([1.0, 2.0]))
    total(tf.constant([1.0, 2.0, 3.0]))
    assert traces == [1]
    with pytest.raises(ValueError, match="Python inputs incompatible with input_signature"):
        total(tf.constant([[1.0]]))


def test_a_method_gets_one_function_per_instance():
    class Scaler:
        def __init__(self, k):
            self.k = k

        @tf.function
        def __call__(self, x):
            return x * self.k

    a, b = Scaler(2.0), Scaler(3.0)
    assert _run([a(tf.constant(1.0)), b(tf.constant(1.0))]) == [2.0, 3.0]


def test_tensors_used_in_boolean_context_raise_operator_not_allowed():
    fn = tf.function(square_if_positive, autograph=False)
    with pytest.raises(tf.errors.OperatorNotAllowedInGraphError, match="AutoGraph"):
        fn(tf.constant(1.0))
    assert issubclass(tf.errors.OperatorNotAllowedInGraphError, TypeError)


def test_init_scope_leaves_the_trace():
    graphs = []

    @tf.function
    def f(x):
        with tf.init_scope():
            graphs.append(tf.get_default_graph())
        return x

    outer = tf.get_default_graph()
    f(tf.constant(1.0))
    assert graphs == [outer]


# -- tf.function when executing eagerly -----------------------------------------------------------


@pytest.fixture
def eager():
    with context.eager_mode():
        yield


def test_eager_function_is_traced_once_and_trains(eager):
    traces = []
    w = tf.Variable([[1.0], [2.0]])
    opt = tf.train.GradientDescentOptimizer(0.1)

    @tf.function
    def step(x, y):
        traces.append(1)
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - y))
        grads = tape.gradient(loss, [w])
        opt.apply_gradients(zip(grads, [w]))
        return loss

    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    y = tf.constant([[1.0], [2.0]])
    assert step(x, y).numpy() == 48.5
    np.testing.assert_allclose(w.numpy().ravel(), [-2.1, -2.4], rtol=1e-6)
    step(x, y)
    assert traces == [1]


def test_eager_tape_outside_a_function_differentiates_through_it(eager):
    w = tf.Variable(2.0)

    @tf.function
    def f(a):
        return a * a * w

    a = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(a)
        out = f(a)
    ga, gw = tape.gradient(out, [a, w])
    assert (out.numpy(), ga.numpy(), gw.numpy()) == (18.0, 12.0, 9.0)


def test_eager_variable_made_in_a_function_from_a_traced_initial_value(eager):
    class Model:
        v = None

        @tf.function
        def __call__(self, x):
            if self.v is None:
                self.v = tf.Variable(tf.ones([2]))
            return self.v * x

    model = Model()
    assert model(tf.constant(2.0)).numpy().tolist() == [2.0, 2.0]
    assert model(tf.constant(3.0)).numpy().tolist() == [3.0, 3.0]


def test_contrib_eager_defun_compiles(eager):
    calls = []

    @tf.contrib.eager.defun
    def f(x):
        calls.append(1)
        return x + 1

    assert f(tf.constant(1)).numpy() == 2
    assert f(tf.constant(5)).numpy() == 6
    assert calls == [1]


# -- Defun -----------------------------------------------------------------------------------------


def test_defun_op_type_name_and_gradients():
    @tf_function.Defun(tf.float32, tf.float32, func_name="AddMul")
    def add_mul(x, y):
        return x + y, x * y

    x = tf.placeholder(tf.float32)
    a, m = add_mul(x, tf.constant(3.0))
    assert (a.name, a.op.type, a.shape.ndims) == ("AddMul:0", "AddMul", None)
    assert _run([a, m, tf.gradients(m, x)[0]], {x: 2.0}) == [5.0, 6.0, 3.0]

    @tf_function.Defun(tf.float32, python_grad_func=lambda op, grad: grad * 10.0)
    def square(x):
        return x * x

    assert _run(tf.gradients(square(x), x)[0], {x: 2.0}) == 10.0


# -- the r1 guide's notebook (site/en/r1/guide/autograph.ipynb) ------------------------------------


def counting_prints(n):
    i = 0
    while i < n:
        print("step", i)
        i += 1
    return n


def loop_over_dataset(dataset, max_steps):
    i = 0
    total = 0
    for x in dataset:
        total += tf.cast(x, tf.int32)
        i += 1
        if i >= max_steps:
            break
    return i, total


def test_print_of_tensors_goes_to_standard_output_formatted_by_numpy(capfd):
    fn = tf.function(counting_prints, experimental_autograph_options=(
        tf.autograph.experimental.Feature.BUILTIN_FUNCTIONS))
    _run(fn(tf.constant(3)))
    out, err = capfd.readouterr()
    assert out == "step 0\nstep 1\nstep 2\n"
    assert err == ""


def test_for_over_a_dataset_in_a_graph_ends_with_the_data_or_a_break():
    converted = tf.autograph.to_graph(loop_over_dataset)
    short = converted(tf.data.Dataset.range(5), 100)
    cut = converted(tf.data.Dataset.range(100).repeat(), 7)
    assert _run(list(short)) == [5, 10]
    assert _run(list(cut)) == [7, 21]


def test_keras_predict_takes_a_1d_array_as_a_column_of_samples():
    model = tf.keras.Sequential([tf.keras.layers.Lambda(lambda x: x * 2.0, input_shape=(1,))])
    assert model.predict(np.array([3.0, 4.0])).tolist() == [[6.0], [8.0]]


def test_optimizer_slots_and_accumulators_made_inside_an_eager_function(eager):
    w = tf.Variable([1.0, -2.0])
    opt = tf.train.AdamOptimizer(0.1)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(w * w)
        opt.apply_gradients(zip(tape.gradient(loss, [w]), [w]))
        return loss

    step()
    step()
    traced = w.numpy()
    w.assign([1.0, -2.0])
    plain = tf.train.AdamOptimizer(0.1)
    for _ in range(2):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(w * w)
        plain.apply_gradients(zip(tape.gradient(loss, [w]), [w]))
    np.testing.assert_allclose(traced, w.numpy(), rtol=1e-6)
    names = sorted(v.name for v in opt.variables())
    assert names == ["Variable/Adam:0", "Variable/Adam_1:0", "beta1_power:0", "beta2_power:0"]


def test_a_call_op_read_back_from_a_graph_def_says_to_rebuild_it():
    from smallflow.ops.function_call_ops import _call_kernel

    with pytest.raises(tf.errors.InvalidArgumentError, match="rebuild the graph"):
        _call_kernel({"f": {"name": "f"}}, None)


class _Base:
    def call(self, x):
        return x + 1.0


class _Child(_Base):
    def call(self, x):
        if x > 0:  # noqa: SIM108 - the statement form is what AutoGraph converts
            y = super().call(x)
        else:
            y = x
        return y


def test_zero_argument_super_in_a_converted_branch():
    converted = tf.autograph.to_graph(_Child().call)
    assert _run([converted(tf.constant(2.0)), converted(tf.constant(-2.0))]) == [3.0, -2.0]


def test_relax_shapes_traces_again_with_the_differing_dimensions_unknown(eager):
    traces = []

    @tf.function(experimental_relax_shapes=True)
    def total(x):
        traces.append(x.shape.as_list())
        return tf.reduce_sum(x)

    assert [total(tf.ones([n])).numpy() for n in (2, 3, 4, 5)] == [2.0, 3.0, 4.0, 5.0]
    assert traces == [[2], [None]]  # TensorFlow's traces for the same calls


# -- the tf.function reference page's examples (r1.13-1.15) ----------------------------------------


def assign_each(v, x):
    for i in x:
        tf.assign(v, i)
    return v.read_value()


def test_an_assignment_inside_a_tensor_loop_of_a_function_runs(eager):
    v = tf.Variable(0.0)
    fn = tf.function(assign_each)
    assert fn(v, tf.constant([1.0, 5.0, 2.0])).numpy() == 2.0
    assert v.numpy() == 2.0


def test_an_eager_variable_converts_to_python_numbers(eager):
    c = tf.Variable(3)
    assert (int(c), float(c), bool(c)) == (3, 3.0, True)
