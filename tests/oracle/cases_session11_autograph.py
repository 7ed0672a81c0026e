"""Oracle cases of session 11 (AutoGraph and tf.function), graph mode.

``SESSION11_AUTOGRAPH_CASES``: ``tf.function`` called while building a graph (call op names,
retracing, variables made on the first call only, gradients through the call, automatic
control dependencies, input signatures, nesting), ``tf.autograph.to_graph`` on Python
control flow over tensors (if/while/for, break/continue/return, logical operators, the
optional list/assert/equality features), TensorFlow's errors for what it refuses, and TF1's
``function.Defun``. The converted functions live at module level: AutoGraph reads their
source. Only NumPy is imported at module level, as in cases.py; the eager programs of this
session are in eager_programs_session11.py.
"""

from cases import Case

# -- functions converted by AutoGraph (module level: their source is read) ---------------------


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


def first_over(x, limit):
    for i in range(10):
        if i * x > limit:
            return i
    return -1


def loop_return(n):
    i = 0
    while i < n:
        i += 1
        if i > 5:
            return i * 10
    return i


def cumsum_until(x, threshold):
    total = 0.0
    index = 0
    for i in tf_range(len(x)):  # noqa: F821 - tf.range, bound for each backend below
        index = i
        if total >= threshold:
            break
        total += x[i]
    return index, total


def python_list_loop(x):
    for scale in [1.0, 2.0, 3.0]:
        x = x * scale
    return x


def static_condition(x, flag):
    if flag:  # noqa: SIM108 - the statement form is what AutoGraph converts
        y = x + 1.0
    else:
        y = x - 1.0
    return y


def logical(a, b):
    both = a > 0 and b > 0
    either = a > 0 or b > 0
    neither = not either
    return both, either, neither


def nested(x):
    if x > 0:
        x = x * x
        if x % 2 == 0:
            x = x + 1
    return x


def while_python_start(n):
    i = 0
    total = 0
    while i < n:
        total += i * i
        i += 1
    return total


def for_over_rows(m):
    total = 0.0
    for row in m:
        total += row
    return total


def ternary(x):
    return x * 2.0 if x > 0 else -x


def arange_list(n):
    z = []
    for i in range(n):
        z.append(i)
    return z


def tensor_array_append(n):
    z = tensor_array()  # noqa: F821 - tf.TensorArray(tf.int32, 0, dynamic_size=True)
    for i in tf_range(n):  # noqa: F821 - tf.range
        z.append(i * i)
    return z.stack()


def asserted(x):
    assert x != 0.0, "Do not pass zero!"
    return 1.0 / x


def undefined_else(x):
    if x > 0:
        y = x
    return y


def dtype_changes(n):
    i = 0
    while i < n:
        i = i * 1.5
    return i


def shape_changes(x, n):
    while n > 0:
        x = x + x[:1]
        x = x[:1] * 0.0 + x[1:] if False else x
        n -= 1
    return x


# -- tf.function cases ---------------------------------------------------------------------------


def _function_names(tf, np):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    traces = []

    @tf.function
    def f(a):
        traces.append(a.name)
        b = a * 2.0
        if tf.reduce_sum(a) > 0:  # noqa: SIM108 - the statement form is converted
            c = b + 1.0
        else:
            c = b - 1.0
        return c, tf.reduce_sum(c)

    y, s = f(x)
    y2, _ = f(x)
    grad = tf.gradients(s, x)[0]
    feed = {x: np.array([[1.0, -2.0, 0.5], [0.25, 1.0, 2.0]], np.float32)}
    return ({"y": y, "s": s, "y2": y2, "grad": grad,
             "names": tf.constant([y.name, s.name, y2.name, grad.name]),
             "op": tf.constant(y.op.type), "traces": tf.constant(traces)}, feed)


def _function_stateful(tf, np):
    v = tf.Variable(1.0, name="v", use_resource=True)

    @tf.function
    def bump(a):
        v.assign_add(a)
        return v.read_value() * 2.0

    out = bump(tf.constant(2.0))
    return {"out": out, "type": tf.constant(out.op.type), "name": tf.constant(out.name)}


def _function_variable_first_call(tf, np):
    made = []

    @tf.function
    def h(a):
        if not made:
            made.append(tf.Variable(3.0, name="made"))
        made[0].assign_add(a)
        return made[0].read_value()

    r = h(tf.constant(2.0))
    names = [v.name for v in tf.global_variables()]
    return {"r": r, "names": tf.constant(names), "count": tf.constant(len(made))}


def _function_variable_every_call(tf, np):
    @tf.function
    def k(a):
        w = tf.Variable(1.0)
        return w + a

    return {"out": k(tf.constant(1.0))}


def _function_input_signature(tf, np):
    traces = []

    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def total(x):
        traces.append(1)
        return tf.reduce_sum(x) * 2.0

    a = total(tf.constant([1.0, 2.0]))
    b = total(tf.constant([1.0, 2.0, 3.0, 4.0]))
    return {"a": a, "b": b, "traces": tf.constant(len(traces)),
            "shape": tf.constant(str(a.shape))}


def _function_bad_signature(tf, np):
    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def total(x):
        return tf.reduce_sum(x)

    return {"out": total(tf.constant([[1.0]]))}


def _function_retrace(tf, np):
    traces = []

    @tf.function
    def g(x, scale):
        traces.append(scale)
        return x * scale

    p = tf.placeholder(tf.float32, [2])
    outs = [g(p, 2.0), g(p, 2.0), g(p, 3.0), g(tf.constant([1, 2]), 2)]
    feed = {p: np.array([1.0, 2.0], np.float32)}
    return ({"outs0": outs[0], "outs1": outs[1], "outs2": outs[2], "outs3": outs[3],
             "traces": tf.constant(len(traces))}, feed)


def _function_nested(tf, np):
    @tf.function
    def inner(x):
        return x * x

    @tf.function
    def outer(x):
        return inner(x) + inner(x + 1.0)

    x = tf.constant(3.0)
    y = outer(x)
    return {"y": y, "grad": tf.gradients(y, x)[0], "name": tf.constant(y.name)}


def _function_training(tf, np):
    w = tf.Variable([[0.5], [-0.25]], name="w")
    b = tf.Variable(0.1, name="b")

    @tf.function
    def loss_fn(x, y):
        pred = tf.matmul(x, w) + b
        return tf.reduce_mean(tf.square(pred - y))

    x = tf.constant([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])
    y = tf.constant([[1.0], [0.0], [2.0]])
    loss = loss_fn(x, y)
    grads = tf.gradients(loss, [w, b])
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with tf.control_dependencies([train]):
        trained = tf.identity(loss, name="trained")
    return {"loss": loss, "gw": grads[0], "gb": grads[1], "trained": trained}


def _function_control_deps(tf, np):
    v = tf.Variable(0.0, name="v", use_resource=True)

    @tf.function
    def sequence(x):
        v.assign(x)
        v.assign_add(1.0)
        first = v.read_value()
        v.assign(first * 10.0)
        return first

    first = sequence(tf.constant(4.0))
    with tf.control_dependencies([first]):
        after = v.read_value()
    return {"first": first, "after": after}


def _function_no_outputs(tf, np):
    v = tf.Variable(0.0, name="v", use_resource=True)

    @tf.function
    def setter(x):
        v.assign(x)

    result = setter(tf.constant(5.0))
    return {"none": tf.constant(result is None), "v": tf.identity(v)}


def _function_get_concrete(tf, np):
    @tf.function
    def f(x):
        return x + 1

    concrete = f.get_concrete_function(tf.TensorSpec([2], tf.int32))
    out = concrete(tf.constant([1, 2]))
    return {"out": out, "inputs": tf.constant([t.name for t in concrete.inputs])}


# -- AutoGraph cases ------------------------------------------------------------------------------


def _ag(tf, fn, *args, features=None):
    return tf.autograph.to_graph(fn, experimental_optional_features=features)(*args)


def _ag_if(tf, np):
    p = tf.placeholder(tf.float32, [])
    out = _ag(tf, square_if_positive, p)
    return {"pos": out, "name": tf.constant(out.name)}, {p: 3.0}


def _ag_if_negative(tf, np):
    return {"neg": _ag(tf, square_if_positive, tf.constant(-9.0))}


def _ag_continue(tf, np):
    return {"sum": _ag(tf, sum_even, tf.constant([10, 12, 15, 20, 7, 8])),
            "python": tf.constant(_ag(tf, sum_even, [10, 12, 15, 20, 7, 8]))}


def _ag_return_in_loop(tf, np):
    p = tf.placeholder(tf.float32, [])
    return ({"hit": _ag(tf, first_over, p, 7.0), "python": tf.constant(
        _ag(tf, first_over, 3, 7))}, {p: 3.0})


def _ag_return_in_tensor_loop(tf, np):
    p = tf.placeholder(tf.int32, [])
    q = tf.placeholder(tf.int32, [])
    return {"short": _ag(tf, loop_return, p), "long": _ag(tf, loop_return, q)}, {p: 3, q: 9}


def _ag_break(tf, np):
    cumsum_until.__globals__["tf_range"] = tf.range
    index, total = _ag(tf, cumsum_until, tf.ones(10), tf.constant(5.0))
    return {"index": index, "total": total}


def _ag_break_static_range(tf, np):
    # A Python loop whose break depends on a tensor: TensorFlow's NotImplementedError.
    cumsum_until.__globals__["tf_range"] = range
    index, total = _ag(tf, cumsum_until, tf.ones(10), tf.constant(5.0))
    return {"index": index, "total": total}


def _ag_python_list(tf, np):
    return {"x": _ag(tf, python_list_loop, tf.constant(2.0))}


def _ag_static_condition(tf, np):
    x = tf.constant(1.0)
    return {"true": _ag(tf, static_condition, x, True),
            "false": _ag(tf, static_condition, x, False)}


def _ag_logical(tf, np):
    a = tf.placeholder(tf.float32, [])
    b = tf.placeholder(tf.float32, [])
    both, either, neither = _ag(tf, logical, a, b)
    return {"both": both, "either": either, "neither": neither}, {a: 1.0, b: -1.0}


def _ag_nested(tf, np):
    return {"four": _ag(tf, nested, tf.constant(4)), "five": _ag(tf, nested, tf.constant(5)),
            "neg": _ag(tf, nested, tf.constant(-3))}


def _ag_while_python_start(tf, np):
    out = _ag(tf, while_python_start, tf.constant(6))
    return {"total": out, "dtype": tf.constant(out.dtype.name)}


def _ag_for_over_rows(tf, np):
    return {"rows": _ag(tf, for_over_rows, tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))}


def _ag_for_range_tensor(tf, np):
    return {"last": _ag(tf, while_python_start, tf.constant(4))}


def _ag_ternary(tf, np):
    return {"pos": _ag(tf, ternary, tf.constant(3.0)), "neg": _ag(tf, ternary, tf.constant(-2.0))}


def _ag_python_range_list(tf, np):
    return {"list": tf.constant(_ag(tf, arange_list, 4))}


def _ag_lists_feature(tf, np):
    tensor_array_append.__globals__["tf_range"] = tf.range
    tensor_array_append.__globals__["tensor_array"] = lambda: tf.TensorArray(
        tf.int32, size=0, dynamic_size=True)
    fn = tf.function(tensor_array_append,
                     experimental_autograph_options=tf.autograph.experimental.Feature.LISTS)
    return {"squares": fn(tf.constant(5))}


def _ag_assert_passes(tf, np):
    fn = tf.function(asserted, experimental_autograph_options=(
        tf.autograph.experimental.Feature.ASSERT_STATEMENTS,
        tf.autograph.experimental.Feature.EQUALITY_OPERATORS))
    return {"inverse": fn(tf.constant(4.0))}


def _ag_assert_fails(tf, np):
    fn = tf.function(asserted, experimental_autograph_options=(
        tf.autograph.experimental.Feature.ASSERT_STATEMENTS,
        tf.autograph.experimental.Feature.EQUALITY_OPERATORS))
    return {"inverse": fn(tf.constant(0.0))}


def _ag_undefined_else(tf, np):
    return {"y": _ag(tf, undefined_else, tf.constant(1.0))}


def _ag_dtype_changes(tf, np):
    return {"i": _ag(tf, dtype_changes, tf.constant(3))}


def _ag_function_default(tf, np):
    # tf.function converts by default: a tensor `if` works without to_graph.
    fn = tf.function(square_if_positive)
    return {"pos": fn(tf.constant(2.5)), "neg": fn(tf.constant(-2.5))}


def _ag_function_off(tf, np):
    fn = tf.function(square_if_positive, autograph=False)
    return {"pos": fn(tf.constant(2.5))}


# -- Defun -----------------------------------------------------------------------------------------


def _defun_case(tf, np):
    function = _framework_function(tf)

    @function.Defun(tf.float32, tf.float32, func_name="AddMul")
    def add_mul(x, y):
        return x + y, x * y

    x = tf.placeholder(tf.float32, name="x")
    a, m = add_mul(x, tf.constant(3.0))
    grads = tf.gradients(m, x)
    return ({"a": a, "m": m, "grad": grads[0],
             "names": tf.constant([a.name, m.name, a.op.type]),
             "shape": tf.constant(str(a.shape))}, {x: 2.0})


def _framework_function(tf):
    if tf.__name__.startswith("smallflow"):
        from smallflow.python.framework import function
    else:
        from tensorflow.python.framework import function
    return function


SESSION11_AUTOGRAPH_CASES = [
    Case("session11/function_names", _function_names),
    Case("session11/function_stateful", _function_stateful, init=True, runs=2),
    Case("session11/function_variable_first_call", _function_variable_first_call, init=True,
         runs=2),
    Case("session11/function_variable_every_call", _function_variable_every_call),
    Case("session11/function_input_signature", _function_input_signature),
    Case("session11/function_bad_signature", _function_bad_signature),
    Case("session11/function_retrace", _function_retrace),
    Case("session11/function_nested", _function_nested),
    Case("session11/function_training", _function_training, init=True, runs=3),
    Case("session11/function_control_deps", _function_control_deps, init=True),
    Case("session11/function_no_outputs", _function_no_outputs, init=True),
    Case("session11/function_get_concrete", _function_get_concrete),
    Case("session11/autograph_if", _ag_if),
    Case("session11/autograph_if_negative", _ag_if_negative),
    Case("session11/autograph_continue", _ag_continue),
    Case("session11/autograph_return_in_loop", _ag_return_in_loop),
    Case("session11/autograph_return_in_tensor_loop", _ag_return_in_tensor_loop),
    Case("session11/autograph_break", _ag_break),
    Case("session11/autograph_break_static_range", _ag_break_static_range),
    Case("session11/autograph_python_list", _ag_python_list),
    Case("session11/autograph_static_condition", _ag_static_condition),
    Case("session11/autograph_logical", _ag_logical),
    Case("session11/autograph_nested", _ag_nested),
    Case("session11/autograph_while_python_start", _ag_while_python_start),
    Case("session11/autograph_for_over_rows", _ag_for_over_rows),
    Case("session11/autograph_for_range_tensor", _ag_for_range_tensor),
    Case("session11/autograph_ternary", _ag_ternary),
    Case("session11/autograph_python_range_list", _ag_python_range_list),
    Case("session11/autograph_lists_feature", _ag_lists_feature),
    Case("session11/autograph_assert_passes", _ag_assert_passes),
    Case("session11/autograph_assert_fails", _ag_assert_fails),
    Case("session11/autograph_undefined_else", _ag_undefined_else),
    Case("session11/autograph_dtype_changes", _ag_dtype_changes),
    Case("session11/autograph_function_default", _ag_function_default),
    Case("session11/autograph_function_off", _ag_function_off),
    Case("session11/defun", _defun_case),
]
