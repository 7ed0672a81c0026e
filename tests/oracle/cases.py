"""The oracle's cases: small graphs written once, built by smallflow and by TensorFlow.

Each case is ``Case(name, build)`` where ``build(tf, np)`` returns a dict of named tensors
to fetch, or ``(fetches, feed_dict)``. The tables below generate the cases over grids of
dtypes, shapes (scalars, empty tensors, broadcasting) and special values (0, -0, inf, NaN,
ties). To add coverage, add a row to a table (or a ``Case`` to ``EXTRA``): this module
must import nothing but NumPy, since it runs under both interpreters.
"""

import itertools
import os

FLOATS = ("float32", "float64")
INTS = ("int32", "int64")
SPECIAL_FLOATS = [0.0, -0.0, 1.5, -2.5, 0.5, 2.5, float("inf"), float("-inf"), float("nan")]
FINITE_FLOATS = [0.3, -1.7, 2.5, 0.5, -0.5, 1.0]
INT_VALUES = [0, -3, 7, 2, -8, 1]


class Case:
    """One graph: a name, a builder, and whether variables need initializing."""

    def __init__(self, name, build, init=False, rtol=None, runs=None, atol=None):
        self.name = name
        self.build = build
        self.init = init
        self.rtol = rtol
        # ``atol``: the absolute tolerance of float values (default ``rtol * 1e-3``), for
        # deep float32 graphs whose near-zero elements carry the summation-order error of
        # the large ones.
        self.atol = atol
        # ``runs=N``: fetch N times in one session (iterators, streaming metrics); the
        # runner records each run as ``name@i`` and the error that ended the runs, if any.
        self.runs = runs


def _values(dtype):
    if dtype in FLOATS:
        return SPECIAL_FLOATS
    if dtype == "bool":
        return [True, False, True]
    if dtype == "string":
        return ["a", "bc", ""]
    return INT_VALUES


def _const(tf, np, values, dtype):
    if dtype == "string":
        return tf.constant(values)
    return tf.constant(np.array(values).astype(dtype))


# -- element-wise unary ---------------------------------------------------------------------

UNARY = {
    "abs": lambda tf: tf.abs,
    "negative": lambda tf: tf.negative,
    "square": lambda tf: tf.square,
    "sqrt": lambda tf: tf.sqrt,
    "rsqrt": lambda tf: tf.rsqrt,
    "exp": lambda tf: tf.exp,
    "log": lambda tf: tf.log,
    "log1p": lambda tf: tf.log1p,
    "sign": lambda tf: tf.sign,
    "reciprocal": lambda tf: tf.reciprocal,
    "tanh": lambda tf: tf.tanh,
    "sigmoid": lambda tf: tf.sigmoid,
    "floor": lambda tf: tf.floor,
    "ceil": lambda tf: tf.ceil,
    "round": lambda tf: tf.round,
    "logical_not": lambda tf: tf.logical_not,
    "is_nan": lambda tf: tf.is_nan,
    "is_inf": lambda tf: tf.is_inf,
    "is_finite": lambda tf: tf.is_finite,
    "relu": lambda tf: tf.nn.relu,
    "relu6": lambda tf: tf.nn.relu6,
    "elu": lambda tf: tf.nn.elu,
    "softplus": lambda tf: tf.nn.softplus,
    "leaky_relu": lambda tf: tf.nn.leaky_relu,
    "softmax": lambda tf: tf.nn.softmax,
    "log_softmax": lambda tf: tf.nn.log_softmax,
    "zeros_like": lambda tf: tf.zeros_like,
    "ones_like": lambda tf: tf.ones_like,
    "identity": lambda tf: tf.identity,
    "stop_gradient": lambda tf: tf.stop_gradient,
    "shape": lambda tf: tf.shape,
    "size": lambda tf: tf.size,
    "rank": lambda tf: tf.rank,
    "l2_loss": lambda tf: tf.nn.l2_loss,
    "as_string": lambda tf: tf.as_string,
    "invert": lambda tf: (lambda x: ~x),
    "neg_operator": lambda tf: (lambda x: -x),
    "abs_operator": lambda tf: abs,
    "to_float": lambda tf: tf.to_float,
    "cast_int32": lambda tf: (lambda x: tf.cast(x, tf.int32)),
    "cast_bool": lambda tf: (lambda x: tf.cast(x, tf.bool)),
    "sin": lambda tf: tf.sin,
    "cos": lambda tf: tf.cos,
    "tan": lambda tf: tf.tan,
    "asin": lambda tf: tf.asin,
    "acos": lambda tf: tf.acos,
    "atan": lambda tf: tf.atan,
    "sinh": lambda tf: tf.sinh,
    "cosh": lambda tf: tf.cosh,
    "asinh": lambda tf: tf.asinh,
    "acosh": lambda tf: tf.acosh,
    "atanh": lambda tf: tf.atanh,
    "erf": lambda tf: tf.erf,
    "erfc": lambda tf: tf.erfc,
    "expm1": lambda tf: tf.expm1,
    "lgamma": lambda tf: tf.lgamma,
    "digamma": lambda tf: tf.digamma,
    "rint": lambda tf: tf.rint,
    "softsign": lambda tf: tf.nn.softsign,
}
UNARY_DTYPES = ("float32", "float64", "int32", "int64", "bool")
# Ops whose gradient is checked (float64, values clear of kinks and poles).
UNARY_GRADIENTS = (
    "abs", "negative", "square", "sqrt", "rsqrt", "exp", "log", "log1p", "reciprocal", "tanh",
    "sigmoid", "relu", "relu6", "elu", "softplus", "leaky_relu", "softmax", "log_softmax",
    "l2_loss", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "atanh",
    "erf", "erfc", "expm1", "lgamma", "softsign", "identity",
)


def _unary_case(op, dtype):
    def build(tf, np):
        x = _const(tf, np, [_values(dtype)], dtype)
        return {"y": UNARY[op](tf)(x)}

    return Case(f"unary/{op}/{dtype}", build)


def _unary_grad_case(op):
    def build(tf, np):
        x = tf.constant(np.array([[0.3, 0.6, 0.8], [0.2, 0.45, 0.9]]))
        y = UNARY[op](tf)(x)
        return {"y": y, "dx": tf.gradients(y, x)[0]}

    return Case(f"grad/{op}", build, rtol=1e-5)


# -- element-wise binary ------------------------------------------------------------------

BINARY = {
    "add": lambda tf: tf.add,
    "subtract": lambda tf: tf.subtract,
    "multiply": lambda tf: tf.multiply,
    "truediv": lambda tf: tf.truediv,
    "div": lambda tf: tf.div,
    "divide": lambda tf: tf.divide,
    "realdiv": lambda tf: tf.realdiv,
    "floordiv": lambda tf: tf.floordiv,
    "floormod": lambda tf: tf.floormod,
    "mod": lambda tf: tf.mod,
    "truncatediv": lambda tf: tf.truncatediv,
    "truncatemod": lambda tf: tf.truncatemod,
    "pow": lambda tf: tf.pow,
    "maximum": lambda tf: tf.maximum,
    "minimum": lambda tf: tf.minimum,
    "squared_difference": lambda tf: tf.squared_difference,
    "div_no_nan": lambda tf: tf.div_no_nan,
    "atan2": lambda tf: tf.atan2,
    "equal": lambda tf: tf.equal,
    "not_equal": lambda tf: tf.not_equal,
    "less": lambda tf: tf.less,
    "less_equal": lambda tf: tf.less_equal,
    "greater": lambda tf: tf.greater,
    "greater_equal": lambda tf: tf.greater_equal,
    "logical_and": lambda tf: tf.logical_and,
    "logical_or": lambda tf: tf.logical_or,
    "logical_xor": lambda tf: tf.logical_xor,
    "op_add": lambda tf: (lambda x, y: x + y),
    "op_sub": lambda tf: (lambda x, y: x - y),
    "op_mul": lambda tf: (lambda x, y: x * y),
    "op_truediv": lambda tf: (lambda x, y: x / y),
    "op_floordiv": lambda tf: (lambda x, y: x // y),
    "op_mod": lambda tf: (lambda x, y: x % y),
    "op_pow": lambda tf: (lambda x, y: x**y),
    "op_and": lambda tf: (lambda x, y: x & y),
    "op_or": lambda tf: (lambda x, y: x | y),
    "op_xor": lambda tf: (lambda x, y: x ^ y),
    "op_lt": lambda tf: (lambda x, y: x < y),
    "op_ge": lambda tf: (lambda x, y: x >= y),
}
BINARY_DTYPES = ("float32", "float64", "int32", "int64", "bool")
# (x shape, y shape): scalars, equal shapes, broadcasting, empty.
SHAPES = {
    "scalar": ((), ()),
    "same": ((2, 3), (2, 3)),
    "broadcast": ((2, 3), (3,)),
    "broadcast_both": ((2, 1), (1, 3)),
    "empty": ((0, 3), (3,)),
}
BINARY_GRADIENTS = ("add", "subtract", "multiply", "truediv", "pow", "maximum", "minimum",
                    "squared_difference", "floormod", "atan2", "div_no_nan")


def _fill(np, shape, values, dtype):
    count = int(np.prod(shape)) if shape else 1
    flat = [values[i % len(values)] for i in range(count)]
    return np.array(flat, dtype=object).reshape(shape).astype(dtype)


def _binary_case(op, dtype, shape_name):
    x_shape, y_shape = SHAPES[shape_name]

    def build(tf, np):
        values = _values(dtype)
        x = tf.constant(_fill(np, x_shape, values, dtype))
        y = tf.constant(_fill(np, y_shape, values[::-1], dtype))
        return {"z": BINARY[op](tf)(x, y)}

    return Case(f"binary/{op}/{dtype}/{shape_name}", build)


def _binary_grad_case(op):
    def build(tf, np):
        x = tf.constant(np.array([[0.3, 1.6, 0.8], [1.2, 0.45, 0.9]]))
        y = tf.constant(np.array([0.7, 1.1, 0.25]))
        z = BINARY[op](tf)(x, y)
        dx, dy = tf.gradients(z, [x, y])
        return {"z": z, "dx": dx, "dy": dy}

    return Case(f"grad/{op}", build, rtol=1e-5)


# -- reductions ------------------------------------------------------------------------------

REDUCTIONS = {
    "reduce_sum": lambda tf: tf.reduce_sum,
    "reduce_mean": lambda tf: tf.reduce_mean,
    "reduce_max": lambda tf: tf.reduce_max,
    "reduce_min": lambda tf: tf.reduce_min,
    "reduce_prod": lambda tf: tf.reduce_prod,
    "reduce_all": lambda tf: tf.reduce_all,
    "reduce_any": lambda tf: tf.reduce_any,
    "reduce_logsumexp": lambda tf: tf.reduce_logsumexp,
    "count_nonzero": lambda tf: tf.count_nonzero,
    "argmax": lambda tf: (lambda x, axis: tf.argmax(x, axis=0 if axis is None else axis)),
    "argmin": lambda tf: (lambda x, axis: tf.argmin(x, axis=0 if axis is None else axis)),
}
AXES = {"all": None, "0": 0, "1": 1, "-1": -1, "both": [0, 1], "dup": [1, 1], "out": 2}
REDUCTION_INPUTS = {
    "float32": [[1.5, float("nan"), -2.0], [float("inf"), 0.0, 3.0]],
    "float64": [[1.0, 4.0, 4.0], [-1.0, -0.0, 2.0]],
    "int32": [[1, 7, 7], [-3, 0, 2]],
    "bool": [[True, False, True], [False, False, True]],
}


def _reduction_case(op, dtype, axis_name):
    def build(tf, np):
        x = tf.constant(np.array(REDUCTION_INPUTS[dtype]).astype(dtype))
        axis = AXES[axis_name]
        if op.startswith("arg"):
            return {"y": REDUCTIONS[op](tf)(x, axis)}
        return {"y": REDUCTIONS[op](tf)(x, axis=axis)}

    return Case(f"reduce/{op}/{dtype}/{axis_name}", build)


def _reduction_extra_cases():
    def keepdims(tf, np):
        x = tf.constant(np.arange(6.0).reshape(2, 3))
        return {"y": tf.reduce_sum(x, axis=1, keepdims=True),
                "m": tf.reduce_mean(x, axis=[0], keepdims=True)}

    def empty(tf, np):
        x = tf.constant(np.zeros((0, 3), np.float32))
        return {"s": tf.reduce_sum(x, 0), "m": tf.reduce_max(x, 1), "p": tf.reduce_prod(x, 0)}

    def unknown_rank(tf, np):
        x = tf.placeholder(tf.float32)
        return {"s": tf.reduce_sum(x)}, {x: np.ones((2, 2), np.float32)}

    def axis_tensor(tf, np):
        x = tf.constant(np.arange(6.0).reshape(2, 3))
        axis = tf.placeholder(tf.int32, [])
        return {"s": tf.reduce_sum(x, axis=axis), "a": tf.argmax(x, axis)}, {axis: 1}

    def grads(tf, np):
        x = tf.constant(np.array([[1.0, 5.0, 3.0], [2.0, 2.0, -1.0]]))
        out = {}
        for name in ("reduce_sum", "reduce_mean", "reduce_max", "reduce_prod",
                     "reduce_logsumexp"):
            out[name] = tf.gradients(REDUCTIONS[name](tf)(x, axis=1), x)[0]
        return out

    return [Case("reduce/keepdims", keepdims), Case("reduce/empty", empty),
            Case("reduce/unknown_rank", unknown_rank), Case("reduce/axis_tensor", axis_tensor),
            Case("grad/reductions", grads, rtol=1e-6)]


# -- array ops -------------------------------------------------------------------------------


def _array_cases():
    def case(name, build, **kwargs):
        return Case(f"array/{name}", build, **kwargs)

    m = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    out = [
        case("constant_int_from_floats",
             lambda tf, np: {"c": tf.constant(np.array([1.5]), dtype=tf.int32)}),
        case("constant_fill", lambda tf, np: {"c": tf.constant(7, shape=[2, 2])}),
        case("reshape", lambda tf, np: {"r": tf.reshape(tf.constant(m), [3, -1])}),
        case("reshape_bad", lambda tf, np: {"r": tf.reshape(tf.constant(m), [4, -1])}),
        case("transpose", lambda tf, np: {"t": tf.transpose(tf.constant(m))}),
        case("transpose_unknown_rank", lambda tf, np: (
            {"t": tf.transpose(p := tf.placeholder(tf.float32))},
            {p: np.ones((2, 3), np.float32)})),
        case("expand_squeeze", lambda tf, np: {
            "e": tf.expand_dims(tf.constant(m), 1), "s": tf.squeeze(tf.constant([[1], [2]]))}),
        case("concat", lambda tf, np: {"c": tf.concat([tf.constant(m), tf.constant(m)], 1)}),
        case("stack_unstack", lambda tf, np: {
            "s": tf.stack([tf.constant(m), tf.constant(m)], axis=1),
            "u": tf.unstack(tf.constant(m), axis=1)[2]}),
        case("split", lambda tf, np: {"a": tf.split(tf.constant(m), [1, 2], axis=1)[1],
                                      "b": tf.split(tf.constant(m), 3, axis=1)[0]}),
        case("slice", lambda tf, np: {"s": tf.slice(tf.constant(m), [0, 1], [-1, 2])}),
        case("getitem", lambda tf, np: {
            "a": tf.constant(m)[1], "b": tf.constant(m)[:, ::-2], "c": tf.constant(m)[..., 0],
            "d": tf.constant(m)[tf.newaxis, 1:]}),
        case("tile_pad_reverse", lambda tf, np: {
            "t": tf.tile(tf.constant(m), [2, 1]),
            "p": tf.pad(tf.constant(m), [[1, 0], [0, 2]]),
            "r": tf.pad(tf.constant(m), [[1, 1], [2, 2]], mode="REFLECT"),
            "v": tf.reverse(tf.constant(m), [1])}),
        case("gather", lambda tf, np: {"g": tf.gather(tf.constant(m), [1, 0, 1]),
                                       "a": tf.gather(tf.constant(m), [2, 0], axis=1)}),
        case("gather_grad_shape", lambda tf, np: {
            "g": tf.convert_to_tensor(tf.gradients(tf.gather(v := tf.constant(m), [1, 1]), v)[0])}),
        case("slice_grad_shape", lambda tf, np: {
            "g": tf.gradients(tf.slice(v := tf.constant(m), [0, 1], [1, 2]), v)[0]}),
        case("where", lambda tf, np: {
            "w": tf.where(tf.constant([True, False]), tf.constant([1, 2]), tf.constant([3, 4])),
            "i": tf.where(tf.constant([[True, False], [False, True]]))}),
        case("one_hot", lambda tf, np: {"o": tf.one_hot([0, 2, -1, 5], 3)}),
        case("one_hot_float_indices", lambda tf, np: {"o": tf.one_hot([0.0, 1.0], 3)}),
        case("fill_zeros_ones", lambda tf, np: {
            "f": tf.fill([2, 2], 3.5), "z": tf.zeros([2], tf.int32), "o": tf.ones([1, 2])}),
        case("cast", lambda tf, np: {
            "i": tf.cast(tf.constant([1.7, -1.7, 2.5]), tf.int32),
            "b": tf.cast(tf.constant([0.0, 2.0]), tf.bool),
            "f": tf.cast(tf.constant([True, False]), tf.float32)}),
        case("boolean_mask", lambda tf, np: {
            "b": tf.boolean_mask(tf.constant(m), tf.constant([False, True]))}),
        case("diag", lambda tf, np: {"d": tf.diag([1, 2]), "p": tf.diag_part(tf.constant(
            [[1, 2], [3, 4]]))}),
        case("broadcast_to", lambda tf, np: {"b": tf.broadcast_to(tf.constant([1, 2]),
                                                                  [3, 2])}),
        case("range_linspace", lambda tf, np: {
            "r": tf.range(5), "f": tf.range(1.0, 2.0, 0.25), "d": tf.range(10, 2, -3),
            "l": tf.linspace(0.0, 1.0, 5)}),
        case("cumsum_cumprod", lambda tf, np: {
            "s": tf.cumsum(tf.constant(m), 1), "e": tf.cumsum(tf.constant(m), 1, exclusive=True),
            "r": tf.cumsum(tf.constant(m), 0, reverse=True), "p": tf.cumprod(tf.constant(m))}),
        case("unsorted_segment_sum", lambda tf, np: {
            "s": tf.unsorted_segment_sum(tf.constant(m), [1, 1], 3)}),
        case("matmul", lambda tf, np: {
            "m": tf.matmul(tf.constant(m), tf.constant(m), transpose_b=True),
            "o": tf.constant(m) @ tf.ones([3, 1])}),
        case("matmul_bool", lambda tf, np: {"m": tf.matmul(tf.constant([[True]]),
                                                           tf.constant([[True]]))}),
        case("add_n", lambda tf, np: {"a": tf.add_n([tf.constant(m)] * 3)}),
        case("clip_by_value", lambda tf, np: {"c": tf.clip_by_value(tf.constant(m), 2, 5)}),
        case("numpy_operand_cast", lambda tf, np: {
            "a": tf.constant([1, 2]) + np.array([2.5, 1.0])}),
        case("python_int_with_float_tensor", lambda tf, np: {
            "a": tf.add(2, tf.constant([1.5]))}),
        case("int_plus_float_tensor", lambda tf, np: {
            "a": tf.constant([1]) + tf.constant([1.5])}),
    ]
    return out


# -- neural-network ops ------------------------------------------------------------------


def _nn_cases():
    logits = [[1.0, 2.0, 0.5], [0.1, -1.0, 3.0]]
    labels = [[0.0, 1.0, 0.0], [0.5, 0.25, 0.25]]

    def case(name, build, **kwargs):
        return Case(f"nn/{name}", build, **kwargs)

    def xent_grads(tf, np):
        lg = tf.constant(np.array(logits))
        loss = tf.nn.softmax_cross_entropy_with_logits_v2(labels=tf.constant(np.array(labels)),
                                                          logits=lg)
        return {"loss": loss, "d": tf.gradients(loss, lg)[0]}

    def conv_case(padding, stride):
        def build(tf, np):
            x = tf.constant(np.arange(1.0, 33.0).reshape(1, 4, 4, 2))
            w = tf.constant(np.linspace(-1, 1, 2 * 2 * 2 * 3).reshape(2, 2, 2, 3))
            y = tf.nn.conv2d(x, w, [1, stride, stride, 1], padding)
            dx, dw = tf.gradients(y, [x, w])
            return {"y": y, "dx": dx, "dw": dw}

        return case(f"conv2d/{padding}/{stride}", build, rtol=1e-6)

    def winograd_case(padding, k):
        # float32 with 8 channels: smallflow takes its Winograd path (forward and input
        # gradient), TensorFlow its own; both are a few float32 roundings from exact, so the
        # tolerance is the element-wise one that the small outputs (|y| <= ~1) need.
        def build(tf, np):
            x = tf.constant(np.sin(np.arange(2 * 9 * 9 * 8)).reshape(2, 9, 9, 8)
                            .astype(np.float32))
            w = tf.constant((0.05 * np.cos(np.arange(k * k * 8 * 8) * 0.7))
                            .reshape(k, k, 8, 8).astype(np.float32))
            y = tf.nn.conv2d(x, w, [1, 1, 1, 1], padding)
            weights = tf.constant(np.cos(np.arange(8.0)).astype(np.float32))
            dx, dw = tf.gradients(y * weights, [x, w])
            return {"y": y, "dx": dx, "dw": dw}

        return case(f"conv2d_winograd/{padding}/{k}x{k}", build, rtol=2e-2)

    def pool_case(kind, padding, values_name, k, stride):
        nan, inf = float("nan"), float("inf")
        pool_values = {
            "plain": np_arange_like(),
            "nan": [nan, 1.0, 2.0, nan] * 4,
            "neg_inf": [-inf] * 16,
            "mixed": [nan, 3.0, -inf, 2.0, 2.0, nan, 5.0, 1.0, 1.0, 1.0, nan, -inf,
                      -inf, nan, -inf, 4.0],
        }[values_name]

        def build(tf, np):
            x = tf.constant(np.array(pool_values, np.float32).reshape(1, 4, 4, 1))
            fn = tf.nn.max_pool if kind == "max" else tf.nn.avg_pool
            y = fn(x, [1, k, k, 1], [1, stride, stride, 1], padding)
            # Distinct upstream gradients show where each one is routed.
            shape = y.shape.as_list()
            g = tf.constant(np.arange(1.0, 1.0 + np.prod(shape), dtype=np.float32).reshape(shape))
            dx = tf.gradients(y, x, grad_ys=g)[0]
            out = {"y": y, "dx": dx}
            if kind == "max":  # MaxPoolGradGrad: the gradient of dx with respect to g
                out["ddx"] = tf.gradients(dx, g, grad_ys=tf.reshape(tf.range(16.0), x.shape))[0]
            return out

        return case(f"{kind}_pool/{padding}/{values_name}/{k}x{stride}", build)

    out = [
        case("softmax_xent_v2", lambda tf, np: {
            "l": tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)}),
        case("softmax_xent_int_labels", lambda tf, np: {
            "l": tf.nn.softmax_cross_entropy_with_logits_v2(
                labels=tf.constant([[0, 1, 0], [1, 0, 0]]), logits=logits)}),
        case("softmax_xent_broadcast_labels", lambda tf, np: {
            "l": tf.nn.softmax_cross_entropy_with_logits_v2(labels=[[0.0, 1.0, 0.0]],
                                                            logits=logits)}),
        case("softmax_xent_grads", xent_grads, rtol=1e-6),
        case("sparse_softmax_xent", lambda tf, np: {
            "l": tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[1, 2], logits=logits)}),
        case("sigmoid_xent", lambda tf, np: {
            "l": tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)}),
        case("bias_add", lambda tf, np: {"b": tf.nn.bias_add(tf.constant(logits),
                                                             [1.0, 2.0, 3.0])}),
        case("in_top_k", lambda tf, np: {"k": tf.nn.in_top_k(logits, [1, 2], 1)}),
        case("moments", lambda tf, np: dict(zip("mv", tf.nn.moments(tf.constant(logits), [0]),
                                                strict=True))),
        case("dropout_keep_1", lambda tf, np: {"d": tf.nn.dropout(tf.constant(logits), 1.0)}),
        conv_case("SAME", 1), conv_case("VALID", 1), conv_case("SAME", 2),
        *(winograd_case(padding, k) for padding in ("SAME", "VALID") for k in (3, 5)),
    ]
    for kind, padding, values, (k, stride) in itertools.product(
            ("max", "avg"), ("SAME", "VALID"), ("plain", "nan", "neg_inf", "mixed"),
            ((2, 2), (3, 1))):
        out.append(pool_case(kind, padding, values, k, stride))
    return out


def np_arange_like():
    return [float(v) for v in range(16)]


# -- variables, control dependencies, strings -------------------------------------------------


def _state_cases():
    def control_read(read):
        def build(tf, np):
            v = tf.Variable(0.0)
            inc = v.assign_add(1.0)
            with tf.control_dependencies([inc]):
                r = {"identity": lambda: tf.identity(v), "read_value": v.read_value,
                     "plus": lambda: v + 0}[read]()
            return {"r": r}

        return Case(f"state/control_read/{read}", build, init=True)

    def get_variable_initializer(tf, np):
        w = tf.get_variable("w", initializer=tf.constant([1.0, 2.0]))
        return {"w": w.read_value()}

    def variable_dtype(tf, np):
        v = tf.Variable(np.float64(1.0))
        return {"base": tf.constant(v.dtype.base_dtype.name), "ref": tf.constant(v.dtype.name)}

    return [control_read(r) for r in ("identity", "read_value", "plus")] + [
        Case("state/get_variable_initializer", get_variable_initializer, init=True),
        Case("state/variable_dtype", variable_dtype, init=True),
    ]


def _string_cases():
    def case(name, build):
        return Case(f"string/{name}", build)

    return [
        case("hello", lambda tf, np: {"h": tf.constant("Hello, TensorFlow!")}),
        case("as_string", lambda tf, np: {
            "f": tf.as_string(tf.constant([1.5, -0.25])), "i": tf.as_string([3, -4], width=3),
            "p": tf.as_string(tf.constant([3.14159]), precision=2)}),
        case("join", lambda tf, np: {"j": tf.strings.join(["a", tf.constant(["x", "y"])],
                                                          separator="-")}),
        case("to_number", lambda tf, np: {
            "f": tf.strings.to_number(["1.5", "-2e3"]),
            "i": tf.string_to_number(["12", "-3"], out_type=tf.int32)}),
        case("to_number_bad", lambda tf, np: {"f": tf.string_to_number(["abc"])}),
        case("add", lambda tf, np: {"a": tf.constant("a") + tf.constant("b")}),
    ]


def all_cases():
    out = []
    for op, dtype in itertools.product(UNARY, UNARY_DTYPES):
        out.append(_unary_case(op, dtype))
    out += [_unary_grad_case(op) for op in UNARY_GRADIENTS]
    for op, dtype, shape in itertools.product(BINARY, BINARY_DTYPES, SHAPES):
        out.append(_binary_case(op, dtype, shape))
    out += [_binary_grad_case(op) for op in BINARY_GRADIENTS]
    for op, dtype, axis in itertools.product(REDUCTIONS, REDUCTION_INPUTS, AXES):
        out.append(_reduction_case(op, dtype, axis))
    out += _reduction_extra_cases()
    out += _array_cases()
    out += _nn_cases()
    out += _state_cases()
    out += _string_cases()
    out += _state_function_cases()
    out += EXTRA
    # SMALLFLOW_ORACLE_CASES="nn/,public/top_k": only the cases named by these prefixes
    # (for a quick run while working on one family).
    wanted = [p for p in os.environ.get("SMALLFLOW_ORACLE_CASES", "").split(",") if p]
    return [c for c in out if c.name.startswith(tuple(wanted))] if wanted else out


# One row per remaining public op: name -> build(tf, np). Floats are float64 unless the op
# is float32-only, so values compare tightly.
M = [[1.0, -2.0, 3.0], [4.0, 5.5, -6.0]]
PUBLIC_OPS = {
    "arg_max": lambda tf, np: {"y": tf.arg_max(tf.constant(M), 1)},
    "arg_min": lambda tf, np: {"y": tf.arg_min(tf.constant(M), 0)},
    "argsort": lambda tf, np: {"y": tf.argsort(tf.constant([3.0, 1.0, 2.0]))},
    "sort": lambda tf, np: {"y": tf.sort(tf.constant([3.0, 1.0, 2.0]), direction="DESCENDING")},
    "top_k": lambda tf, np: dict(zip("vi", tf.nn.top_k(tf.constant(M), 2), strict=True)),
    "batch_to_space_nd": lambda tf, np: {"y": tf.batch_to_space_nd(
        tf.constant(np.arange(8.0).reshape(4, 1, 1, 2)), [2, 2], [[0, 0], [0, 0]])},
    "space_to_batch_nd": lambda tf, np: {"y": tf.space_to_batch_nd(
        tf.constant(np.arange(8.0).reshape(1, 2, 2, 2)), [2, 2], [[0, 0], [0, 0]])},
    "depth_to_space": lambda tf, np: {"y": tf.depth_to_space(
        tf.constant(np.arange(8.0).reshape(1, 1, 2, 4)), 2)},
    "space_to_depth": lambda tf, np: {"y": tf.space_to_depth(
        tf.constant(np.arange(16.0).reshape(1, 2, 2, 4)), 2)},
    "clip_by_norm": lambda tf, np: {"y": tf.clip_by_norm(tf.constant(M), 2.0)},
    "clip_by_global_norm": lambda tf, np: dict(zip(
        "ab", tf.clip_by_global_norm([tf.constant(M), tf.constant([3.0])], 2.0)[0],
        strict=True)),
    "global_norm": lambda tf, np: {"y": tf.global_norm([tf.constant(M), tf.constant([3.0])])},
    "clip_by_average_norm": lambda tf, np: {"y": tf.clip_by_average_norm(tf.constant(M), 1.0)},
    "dynamic_partition": lambda tf, np: dict(zip("ab", tf.dynamic_partition(
        tf.constant([1.0, 2.0, 3.0]), [0, 1, 0], 2), strict=True)),
    "dynamic_stitch": lambda tf, np: {"y": tf.dynamic_stitch(
        [[0, 2], [1]], [tf.constant([1.0, 3.0]), tf.constant([2.0])])},
    "gather_nd": lambda tf, np: {"y": tf.gather_nd(tf.constant(M), [[0, 1], [1, 2]])},
    "scatter_nd": lambda tf, np: {"y": tf.scatter_nd([[1], [3]], tf.constant([9.0, 8.0]),
                                                     [5])},
    "meshgrid": lambda tf, np: dict(zip("xy", tf.meshgrid([1, 2, 3], [4, 5]), strict=True)),
    "reverse_sequence": lambda tf, np: {"y": tf.reverse_sequence(
        tf.constant(M), [2, 3], seq_axis=1, batch_axis=0)},
    "sequence_mask": lambda tf, np: {"y": tf.sequence_mask([1, 3], 4)},
    "unique": lambda tf, np: dict(zip("yi", tf.unique(tf.constant([3, 1, 3, 2])), strict=True)),
    "unique_with_counts": lambda tf, np: dict(zip(
        "yic", tf.unique_with_counts(tf.constant([3, 1, 3, 2])), strict=True)),
    "extract_image_patches": lambda tf, np: {"y": tf.extract_image_patches(
        tf.constant(np.arange(16.0).reshape(1, 4, 4, 1)), [1, 2, 2, 1], [1, 2, 2, 1],
        [1, 1, 1, 1], "VALID")},
    "lin_space": lambda tf, np: {"y": tf.lin_space(0.0, 1.0, 3)},
    "strided_slice": lambda tf, np: {"y": tf.strided_slice(tf.constant(M), [0, 2], [2, 0],
                                                           [1, -1])},
    "reverse_v2": lambda tf, np: {"y": tf.reverse_v2(tf.constant(M), [0])},
    "where_v2": lambda tf, np: {"y": tf.where_v2(tf.constant([True, False]), 1.0, 2.0)},
    "to_double_int32_int64": lambda tf, np: {
        "d": tf.to_double(tf.constant([1])), "i": tf.to_int32(tf.constant([1.9])),
        "l": tf.to_int64(tf.constant([-1.9]))},
    "polygamma": lambda tf, np: {"y": tf.polygamma(tf.constant([1.0, 2.0]),
                                                   tf.constant([0.5, 3.0]))},
    "placeholder_with_default": lambda tf, np: {
        "y": tf.placeholder_with_default(tf.constant([1, 2]), [2])},
    "string_join": lambda tf, np: {"y": tf.string_join(["a", "b"], separator=" ")},
    "random_shapes": lambda tf, np: {
        "n": tf.shape(tf.random_normal([2, 3], seed=1)),
        "u": tf.shape(tf.random_uniform([4], 0, 10, dtype=tf.int32, seed=1)),
        "t": tf.shape(tf.truncated_normal([1, 2], dtype=tf.float64, seed=1))},
    "nn/atrous_conv2d": lambda tf, np: {"y": tf.nn.atrous_conv2d(
        tf.constant(np.arange(16.0).reshape(1, 4, 4, 1)), tf.constant(np.ones((2, 2, 1, 1))),
        2, "VALID")},
    "nn/depthwise_conv2d": lambda tf, np: {"y": tf.nn.depthwise_conv2d(
        tf.constant(np.arange(32.0).reshape(1, 4, 4, 2)),
        tf.constant(np.linspace(-1, 1, 16).reshape(2, 2, 2, 2)), [1, 1, 1, 1], "SAME")},
    "nn/separable_conv2d": lambda tf, np: {"y": tf.nn.separable_conv2d(
        tf.constant(np.arange(32.0).reshape(1, 4, 4, 2)),
        tf.constant(np.linspace(-1, 1, 8).reshape(2, 2, 2, 1)),
        tf.constant(np.linspace(0, 1, 6).reshape(1, 1, 2, 3)), [1, 1, 1, 1], "VALID")},
    "nn/conv1d": lambda tf, np: {"y": tf.nn.conv1d(
        tf.constant(np.arange(10.0).reshape(1, 5, 2)), tf.constant(np.ones((2, 2, 3))), 1,
        "SAME")},
    "nn/conv2d_transpose": lambda tf, np: {"y": tf.nn.conv2d_transpose(
        tf.constant(np.arange(4.0).reshape(1, 2, 2, 1)), tf.constant(np.ones((2, 2, 3, 1))),
        [1, 4, 4, 3], [1, 2, 2, 1], "SAME")},
    "nn/conv2d_backprop": lambda tf, np: {
        "i": tf.nn.conv2d_backprop_input([1, 3, 3, 1], tf.constant(np.ones((2, 2, 1, 1))),
                                         tf.constant(np.ones((1, 2, 2, 1))), [1, 1, 1, 1],
                                         "VALID"),
        "f": tf.nn.conv2d_backprop_filter(tf.constant(np.arange(9.0).reshape(1, 3, 3, 1)),
                                          [2, 2, 1, 1], tf.constant(np.ones((1, 2, 2, 1))),
                                          [1, 1, 1, 1], "VALID")},
    "nn/pool2d": lambda tf, np: {
        "m": tf.nn.max_pool2d(tf.constant(np.arange(16.0).reshape(1, 4, 4, 1)), 2, 2, "VALID"),
        "a": tf.nn.avg_pool2d(tf.constant(np.arange(16.0).reshape(1, 4, 4, 1)), 2, 2,
                              "SAME")},
    "nn/batch_normalization": lambda tf, np: {"y": tf.nn.batch_normalization(
        tf.constant(M), tf.constant([1.0, 0.0, -1.0]), tf.constant([1.0, 4.0, 0.25]),
        tf.constant([0.5, 0.5, 0.5]), tf.constant([2.0, 1.0, 0.0]), 1e-3)},
    "nn/fused_batch_norm": lambda tf, np: dict(zip("ymv", tf.nn.fused_batch_norm(
        tf.constant(np.arange(16.0, dtype=np.float32).reshape(1, 2, 2, 4)),
        tf.ones([4]), tf.zeros([4]))[:3], strict=True)),
    "nn/crelu_selu_swish": lambda tf, np: {
        "c": tf.nn.crelu(tf.constant(M)), "s": tf.nn.selu(tf.constant(M)),
        "w": tf.nn.swish(tf.constant(M))},
    "nn/embedding_lookup": lambda tf, np: {"y": tf.nn.embedding_lookup(tf.constant(M), [1, 0])},
    "nn/l2_normalize": lambda tf, np: {"y": tf.nn.l2_normalize(tf.constant(M), axis=1)},
    "nn/lrn": lambda tf, np: {"y": tf.nn.lrn(
        tf.constant(np.arange(8.0, dtype=np.float32).reshape(1, 1, 2, 4)), 2)},
    "nn/log_poisson_loss": lambda tf, np: {"y": tf.nn.log_poisson_loss(
        tf.constant([1.0, 2.0]), tf.constant([0.5, -0.5]), compute_full_loss=True)},
    "nn/relu_layer_xw_plus_b": lambda tf, np: {
        "r": tf.nn.relu_layer(tf.constant(M), tf.constant(np.ones((3, 2))), [0.5, -9.0]),
        "x": tf.nn.xw_plus_b(tf.constant(M), tf.constant(np.ones((3, 2))), [0.5, -9.0])},
    "nn/softmax_cross_entropy_with_logits": lambda tf, np: {
        "y": tf.nn.softmax_cross_entropy_with_logits(labels=[[0.0, 1.0]], logits=[[1.0, 2.0]])},
    "nn/weighted_cross_entropy_with_logits": lambda tf, np: {
        "y": tf.nn.weighted_cross_entropy_with_logits(tf.constant([1.0, 0.0]),
                                                      tf.constant([0.5, -2.0]), 3.0)},
    "nn/weighted_moments": lambda tf, np: dict(zip("mv", tf.nn.weighted_moments(
        tf.constant(M), [0], tf.constant([[1.0], [3.0]])), strict=True)),
    "nn/zero_fraction": lambda tf, np: {"y": tf.nn.zero_fraction(tf.constant([0.0, 1.0, 0.0]))},
}


def _state_function_cases():
    def assign_family(name):
        def build(tf, np):
            v = tf.Variable([1.0, 2.0, 3.0])
            ops = {
                "assign": lambda: tf.assign(v, [4.0, 5.0, 6.0]),
                "assign_sub": lambda: tf.assign_sub(v, [1.0, 1.0, 1.0]),
                "scatter_update": lambda: tf.scatter_update(v, [0, 2], [9.0, 8.0]),
                "scatter_add": lambda: tf.scatter_add(v, [1, 1], [1.0, 2.0]),
                "scatter_sub": lambda: tf.scatter_sub(v, [0], [1.0]),
                "scatter_mul": lambda: tf.scatter_mul(v, [2], [2.0]),
                "scatter_div": lambda: tf.scatter_div(v, [2], [2.0]),
                "scatter_max": lambda: tf.scatter_max(v, [0, 1], [5.0, 0.0]),
                "scatter_min": lambda: tf.scatter_min(v, [0, 1], [5.0, 0.0]),
                "scatter_nd_update": lambda: tf.scatter_nd_update(v, [[1]], [7.0]),
                "scatter_nd_add": lambda: tf.scatter_nd_add(v, [[1]], [7.0]),
                "scatter_nd_sub": lambda: tf.scatter_nd_sub(v, [[1]], [7.0]),
            }
            return {"y": ops[name]()}

        return Case(f"state/{name}", build, init=True)

    def count_up_to(tf, np):
        v = tf.Variable(0)
        return {"y": tf.count_up_to(v, 3)}

    names = ("assign", "assign_sub", "scatter_update", "scatter_add", "scatter_sub",
             "scatter_mul", "scatter_div", "scatter_max", "scatter_min", "scatter_nd_update",
             "scatter_nd_add", "scatter_nd_sub")
    return [assign_family(n) for n in names] + [Case("state/count_up_to", count_up_to,
                                                     init=True)]


# Cases added by hand (other helpers: append here or add table rows above).
EXTRA = [Case(f"public/{name}", build) for name, build in PUBLIC_OPS.items()]

# The rest of the TF1 API (issue 9) has its own module of cases.
from cases_api import API_CASES  # noqa: E402 - Case must be defined first

EXTRA += API_CASES

from cases_rnn import RNN_CASES  # noqa: E402 - as above

EXTRA += RNN_CASES

from cases_layers import LAYER_CASES  # noqa: E402 - as above (tf.layers, issue 12)

EXTRA += LAYER_CASES

from cases_data import DATA_CASES  # noqa: E402 - as above (tf.data, tf.metrics, issue 12)

EXTRA += DATA_CASES

from cases_image import IMAGE_CASES  # noqa: E402 - as above

EXTRA += IMAGE_CASES

from cases_math import MATH_CASES  # noqa: E402 - as above

EXTRA += MATH_CASES

from cases_families import FAMILY_CASES  # noqa: E402 - as above (issue 8's op families)

EXTRA += FAMILY_CASES

# -- control flow (issue 10): cond, case, while_loop, TensorArray, map_fn/scan/fold -----------
# Values and gradients, including loops whose trip count depends on the data, nested loops
# and conds inside loops. (TensorFlow 2's compat.v1 cannot build the v1 RNN cells without
# tf_keras, so the cells are checked against NumPy in tests/test_rnn.py instead.)


def _cf_x(tf, np):
    return tf.constant(np.array([0.3, -1.2, 0.8]), dtype=tf.float64)


def _cf_cond(tf, np, pred):
    x = _cf_x(tf, np)
    y = tf.cond(tf.constant(pred), lambda: tf.reduce_sum(tf.tanh(x) * x),
                lambda: tf.reduce_sum(tf.exp(x)))
    return {"y": y, "dx": tf.gradients(y, x)[0]}


def _cf_cond_nested(tf, np):
    x = _cf_x(tf, np)
    h = x * 2.0
    out = tf.cond(tf.reduce_sum(x) < 0.0,
                  lambda: (x + h, {"s": tf.reduce_sum(h)}),
                  lambda: (x * h, {"s": tf.reduce_max(h)}))
    return {"a": out[0], "s": out[1]["s"], "dx": tf.gradients(out[0], x)[0]}


def _cf_while_power(tf, np):
    x = tf.constant(1.3, dtype=tf.float64)
    _, y = tf.while_loop(lambda i, v: v < 50.0, lambda i, v: (i + 1, v * v + 0.5 * v), [0, x])
    return {"y": y, "dx": tf.gradients(y, x)[0]}


def _cf_while_nested(tf, np):
    x = _cf_x(tf, np)

    def outer(j, a):
        def inner(k, b):
            return k + 1, tf.cond(tf.reduce_sum(b) > 1.0, lambda: b * 0.5,
                                  lambda: tf.tanh(b + x))

        _, b = tf.while_loop(lambda k, b: k < j + 1, inner, [0, a])
        return j + 1, b * x

    _, y = tf.while_loop(lambda j, a: j < 3, outer, [0, tf.ones([3], tf.float64)])
    return {"y": y, "dx": tf.gradients(tf.reduce_sum(y * y), x)[0]}


def _cf_while_maximum(tf, np):
    i, s = tf.while_loop(lambda i, s: i < 100, lambda i, s: (i + 1, s + i), (0, 0),
                         maximum_iterations=7)
    return {"i": i, "s": s}


def _cf_tensor_array(tf, np):
    x = tf.constant(np.arange(12.0).reshape(4, 3) / 10.0, dtype=tf.float64)
    steps = tf.TensorArray(tf.float64, size=4).unstack(x)
    out = tf.TensorArray(tf.float64, size=0, dynamic_size=True)

    def body(t, h, out):
        h = tf.tanh(h * 0.5 + steps.read(t))
        return t + 1, h, out.write(t, h)

    _, _, out = tf.while_loop(lambda t, h, o: t < 4, body,
                              [0, tf.zeros([3], tf.float64), out])
    stacked = out.stack()
    return {"stack": stacked, "size": out.size(),
            "dx": tf.gradients(tf.reduce_sum(stacked * stacked), x)[0]}


def _cf_tensor_array_gather_scatter(tf, np, clear_after_read):
    x = tf.constant(np.arange(6.0).reshape(3, 2), dtype=tf.float64)
    ta = tf.TensorArray(tf.float64, size=3, clear_after_read=clear_after_read)
    g = ta.scatter([2, 0, 1], x).gather([1, 2, 1])  # index 1 twice: an error unless kept
    return {"g": g, "dx": tf.gradients(tf.reduce_sum(g * g), x)[0]}


def _cf_case(tf, np, value, exclusive):
    v = tf.constant(value)
    pairs = [(tf.less(v, 3), lambda: tf.constant(10.0)), (tf.less(v, 7), lambda: tf.constant(20.0))]
    return {"r": tf.case(pairs, default=lambda: tf.constant(30.0), exclusive=exclusive)}


def _cf_higher_order(tf, np, which):
    x = tf.constant(np.arange(1.0, 7.0).reshape(3, 2), dtype=tf.float64)
    if which == "map_fn":
        y = tf.map_fn(lambda r: r * r + 1.0, x)
    elif which == "scan":
        y = tf.scan(lambda a, r: a * 0.5 + r, x)
    elif which == "scan_reverse":
        y = tf.scan(lambda a, r: a + r, x, initializer=tf.zeros([2], tf.float64), reverse=True)
    elif which == "foldl":
        y = tf.foldl(lambda a, r: a * r, x)
    else:
        y = tf.foldr(lambda a, r: a * 2.0 - r, x, initializer=tf.zeros([2], tf.float64))
    return {"y": y, "dx": tf.gradients(tf.reduce_sum(tf.tanh(y)), x)[0]}


def _cf_side_effects(tf, np):
    v = tf.Variable(0, name="counter")
    r = tf.reshape(tf.cond(tf.constant(False), lambda: v.assign_add(1),
                           lambda: v.assign_add(10)), [])
    with tf.control_dependencies([r]):
        after = tf.identity(v.read_value())
    return {"r": r, "after": after}


def _cf_loop_reads_assigned(tf, np):
    v = tf.Variable(0)

    def body(i, acc):
        with tf.control_dependencies([tf.assign_add(v, 1)]):
            return i + 1, acc + tf.identity(v)

    # One iteration at a time: with more, TensorFlow's reads race the later assignments.
    return {"acc": tf.while_loop(lambda i, a: i < 3, body, [0, 0], parallel_iterations=1)[1]}


def _cf_errors(tf, np, which):
    if which == "python_bool":
        return {"y": tf.cond(True, lambda: tf.constant(1.0), lambda: tf.constant(2.0))}
    if which == "shape_invariant":
        return {"y": tf.while_loop(lambda i: tf.size(i) < 3, lambda i: tf.concat([i, i], 0),
                                   [tf.constant([1])])}
    return {"y": tf.TensorArray(tf.float32, size=2).write(2, 1.0).stack()}


EXTRA += [
    Case("control_flow/cond_true", lambda tf, np: _cf_cond(tf, np, True)),
    Case("control_flow/cond_false", lambda tf, np: _cf_cond(tf, np, False)),
    Case("control_flow/cond_nested_structure", _cf_cond_nested),
    Case("control_flow/while_data_dependent_trips", _cf_while_power),
    Case("control_flow/while_nested_with_cond", _cf_while_nested),
    Case("control_flow/while_maximum_iterations", _cf_while_maximum),
    Case("control_flow/tensor_array_loop", _cf_tensor_array),
    Case("control_flow/tensor_array_gather_scatter",
         lambda tf, np: _cf_tensor_array_gather_scatter(tf, np, False)),
    Case("control_flow/tensor_array_read_twice_cleared",
         lambda tf, np: _cf_tensor_array_gather_scatter(tf, np, None)),
    Case("control_flow/case_first_true", lambda tf, np: _cf_case(tf, np, 1, False)),
    Case("control_flow/case_default", lambda tf, np: _cf_case(tf, np, 9, False)),
    Case("control_flow/case_not_exclusive", lambda tf, np: _cf_case(tf, np, 1, True)),
    *[Case(f"control_flow/{which}", lambda tf, np, w=which: _cf_higher_order(tf, np, w))
      for which in ("map_fn", "scan", "scan_reverse", "foldl", "foldr")],
    Case("control_flow/only_taken_branch_assigns", _cf_side_effects, init=True),
    Case("control_flow/loop_reads_what_it_assigned", _cf_loop_reads_assigned, init=True),
    *[Case(f"control_flow/error_{which}", lambda tf, np, w=which: _cf_errors(tf, np, w))
      for which in ("python_bool", "shape_invariant", "tensor_array_not_resizeable")],
]

# Strings, hashing, tf.io encoders, complex numbers and FFTs (issue 9, helper h9a).
from cases_strings_io import STRINGS_IO_CASES  # noqa: E402 - as above

EXTRA += STRINGS_IO_CASES

# Sparse (IndexedSlices) gradients and the optimizers' sparse updates (issue 8, helper h8s).
from cases_sparse import SPARSE_CASES  # noqa: E402 - as above

EXTRA += SPARSE_CASES

from cases_sweep_a import SWEEP_A_CASES  # noqa: E402 - as above (session 4 sweep A)

EXTRA += SWEEP_A_CASES

# swb's compatibility sweep (TensorFlow's own examples, EffectiveTensorflow).
from cases_sweep_b import SWEEP_B_CASES  # noqa: E402 - as above

EXTRA += SWEEP_B_CASES

# session 6's sweep (aymericdamien/TensorFlow-Examples): k-means and its kernels.
from cases_sweep_session6 import SWEEP_SESSION6_CASES  # noqa: E402 - as above

EXTRA += SWEEP_SESSION6_CASES

# session 7's sweep B (nlintz, cnn-text-classification, char-rnn, GANs): operand names,
# graph_util freezing.
from cases_sweep_session7b import SWEEP_SESSION7B_CASES  # noqa: E402 - as above

EXTRA += SWEEP_SESSION7B_CASES

# session 8's sweep D (gcn, sequence_tagging, ...): contrib's block RNN cells against
# TensorFlow's kernels, SparseTensor-by-dense arithmetic, sparse placeholders.
from cases_sweep_session8d import SWEEP_SESSION8D_CASES  # noqa: E402 - as above

EXTRA += SWEEP_SESSION8D_CASES

# session 8's sweep C (Machine Learning Crash Course): multivalent feature columns.
from cases_sweep_session8c import SWEEP_SESSION8C_CASES  # noqa: E402 - as above

EXTRA += SWEEP_SESSION8C_CASES

# session 9's sweep G (tensorflow/nmt, generative-models): lookup tables from vocabulary
# files, Dataset.shard, GFile bytes, variables kept by a server between sessions.
from cases_sweep_session9g import SWEEP_SESSION9G_CASES  # noqa: E402 - as above

EXTRA += SWEEP_SESSION9G_CASES

# session 9's sweep F (deeplearning.ai, CS231n, CS224n): seeded random values (Philox).
from cases_sweep_session9f import SWEEP_SESSION9F_CASES  # noqa: E402 - as above

EXTRA += SWEEP_SESSION9F_CASES

# helper hcov: the op types no other case built (tests/oracle/test_op_coverage.py).
from cases_coverage import COVERAGE_CASES  # noqa: E402 - as above

EXTRA += COVERAGE_CASES

# session 9's sweep E (udacity/deep-learning): rank assertions checked when they run.
from cases_sweep_session9e import SWEEP_SESSION9E_CASES  # noqa: E402 - as above

EXTRA += SWEEP_SESSION9E_CASES

# session 9's lead: names programs use that were missing (max_pool_with_argmax...).
from cases_session9 import SESSION9_CASES  # noqa: E402 - as above

EXTRA += SESSION9_CASES

# session 10 (eager execution): a GradientTape used while building a graph. The eager
# programs of the same file run under test_eager_programs.py.
from cases_session10_eager import SESSION10_EAGER_CASES  # noqa: E402 - as above

EXTRA += SESSION10_EAGER_CASES

# session 10 (helper rng): the other random ops on TensorFlow's Philox stream.
from cases_session10_rng import SESSION10_RNG_CASES  # noqa: E402 - as above

EXTRA += SESSION10_RNG_CASES

# session 10's sweep H (TensorFlow's r1 guide and tutorials): graph-mode ragged tensors,
# reshape errors, printed names, placement of a local session, tf.data strings and CSVs.
from cases_session10_swH import SESSION10_SWH_CASES  # noqa: E402 - as above

EXTRA += SESSION10_SWH_CASES

# session 10's lead: conditional accumulators; fetched variables at the end of the run.
from cases_session10_lead import SESSION10_LEAD_CASES  # noqa: E402 - as above

EXTRA += SESSION10_LEAD_CASES

# session 11 (helper prog, research repositories): what py_func and from_generator hand the
# Python function; tf.layers' training given as a constant tensor of any dtype.
from cases_session11_prog import SESSION11_PROG_CASES  # noqa: E402 - as above

EXTRA += SESSION11_PROG_CASES

# session 11's BERT sweep (google-research/bert): a BERT-shaped encoder and its gradients,
# tf.expand_dims with a one-element list axis.
from cases_session11_bert import SESSION11_BERT_CASES  # noqa: E402 - as above

EXTRA += SESSION11_BERT_CASES

# session 11 (helper gaps): the Unicode ops and tf.ragged.placeholder, SparseTensor elements
# in tf.data, the stateless random ops.
from cases_session11_gaps import SESSION11_GAPS_CASES  # noqa: E402 - as above

EXTRA += SESSION11_GAPS_CASES

# session 11 (helper dist): tf.distributions' RegisterKL and multinomials, and
# tf.contrib.distributions with its bijectors against TensorFlow Probability.
from cases_session11_dist import SESSION11_DIST_CASES  # noqa: E402 - as above

EXTRA += SESSION11_DIST_CASES

# session 11 (AutoGraph and tf.function): tf.function in graph mode, tf.autograph.to_graph,
# function.Defun. The eager programs are in eager_programs_session11.py.
from cases_session11_autograph import SESSION11_AUTOGRAPH_CASES  # noqa: E402 - as above

EXTRA += SESSION11_AUTOGRAPH_CASES

# session 11 (helper slim): what TF-Slim's data pipeline asks of core TensorFlow: tensor
# defaults of FixedLenFeature, parsed scalar strings, the image decoder's tf.case by format.
from cases_session11_slim import SESSION11_SLIM_CASES  # noqa: E402 - as above

EXTRA += SESSION11_SLIM_CASES

# session 11's lead: tf.sets, tf.switch_case, tf.manip / tf.dtypes names.
from cases_session11_lead import SESSION11_LEAD_CASES  # noqa: E402 - as above

EXTRA += SESSION11_LEAD_CASES

# session 12's lead: the audio ops (decode_wav, encode_wav, AudioSpectrogram, Mfcc).
from cases_session12_lead import SESSION12_LEAD_CASES  # noqa: E402 - as above

EXTRA += SESSION12_LEAD_CASES

# Session 12 (helper names): tf.quantization, morphology, combined NMS, SparseFeature.
from cases_session12_names import SESSION12_NAMES_CASES  # noqa: E402 - as above

EXTRA += SESSION12_NAMES_CASES

# session 12's sweep (CS20SI 2017, MIT 6.S191, dennybritz/reinforcement-learning): the
# TensorProto written for a value, ones_like of strings, the global step found by name.
from cases_session12_sweep import SESSION12_SWEEP_CASES  # noqa: E402 - as above

EXTRA += SESSION12_SWEEP_CASES

# session 12 (helper contrib): tf.contrib.opt's optimizers against the training kernels
# TensorFlow 2.21 still has as raw ops.
from cases_session12_contrib import SESSION12_CONTRIB_CASES  # noqa: E402 - as above

EXTRA += SESSION12_CONTRIB_CASES

# session 12 (helper kernels): what TensorFlow's own op tests showed (folded shapes, conjugate
# transposes and adjoint products, cross-entropy second derivatives, run-time errors).
from cases_session12_kernels import SESSION12_KERNELS_CASES  # noqa: E402 - as above

EXTRA += SESSION12_KERNELS_CASES

# session 12 (helper keras): random ops on a packed shape (a tensor and ints).
from cases_session12_keras import SESSION12_KERAS_CASES  # noqa: E402 - as above

EXTRA += SESSION12_KERAS_CASES

# Session 13 (helper grads): every registered gradient against tf.gradients, op by op.
from cases_session13_grads import session13_grads_cases  # noqa: E402 - as above

EXTRA += session13_grads_cases()

# session 13 (lead): tf.keras.backend's layer-level functions (K.conv2d, K.pool2d, K.rnn,
# K.ctc_batch_cost, ...).
from cases_session13_lead import SESSION13_LEAD_CASES  # noqa: E402 - as above

EXTRA += SESSION13_LEAD_CASES

# session 13 (helper contrib2): tf.contrib.gan's losses and scores against the tf.losses /
# tf.linalg formulas TFGAN wrote them with.
from cases_session13_contrib2 import SESSION13_CONTRIB2_CASES  # noqa: E402 - as above

EXTRA += SESSION13_CONTRIB2_CASES

# session 13 (helper kernels2): what TensorFlow's op tests of norm, matrix_solve_ls, eye and
# unicode_encode showed (complex norms, matrix 2-norms, underdetermined and robust least
# squares, eye of run-time sizes, a run-time attr error).
from cases_session13_kernels2 import SESSION13_KERNELS2_CASES  # noqa: E402 - as above

EXTRA += SESSION13_KERNELS2_CASES

# session 13 (helper research): tensorflow/models research programs (im2txt's dimensions).
from cases_session13_research import SESSION13_RESEARCH_CASES  # noqa: E402 - as above

EXTRA += SESSION13_RESEARCH_CASES

# session 13 (helper sweep13): tfdbg's dumps (watch keys, DebugNanCount, DebugNumericSummary).
from cases_session13_sweep13 import SESSION13_SWEEP13_CASES  # noqa: E402 - as above

EXTRA += SESSION13_SWEEP13_CASES

# session 14 (lead): TensorFlow 1.x argument names and orders (confusion_matrix's positional
# dtype, parallel_stack's name, max_pool2d(input=), conv2d_transpose(input=, filters=,
# dilations=), ...) and batch_scatter_update.
from cases_session14_lead import SESSION14_LEAD_CASES  # noqa: E402 - as above

EXTRA += SESSION14_LEAD_CASES

# session 15 (helper cops): fractional max/avg pooling (TensorFlow's seeded regions, values,
# gradients) and tf.nn.with_space_to_batch.
from cases_session15_cops import SESSION15_COPS_CASES  # noqa: E402 - as above

EXTRA += SESSION15_COPS_CASES

# session 15 (helper linop): tf.linalg's structured LinearOperators (Kronecker, BlockDiag,
# Circulant, LowRankUpdate, Householder, ...): dense matrices, products, solves, determinants.
from cases_session15_linop import SESSION15_LINOP_CASES  # noqa: E402 - as above

EXTRA += SESSION15_LINOP_CASES

# session 15 (helper dcb): tf.train.experimental's loss scaling (DynamicLossScale around an
# infinite gradient, FixedLossScale, enable_mixed_precision_graph_rewrite on a CPU).
from cases_session15_dcb import SESSION15_DCB_CASES  # noqa: E402 - as above

EXTRA += SESSION15_DCB_CASES

# session 15 (helper sweep15): GraphDefs of tf.zeros / tf.ones (a Fill from 1,000 elements)
# and of constants given fewer values than their shape (stored as given).
from cases_session15_sweep15 import SESSION15_SWEEP15_CASES  # noqa: E402 - as above

EXTRA += SESSION15_SWEEP15_CASES
