"""Math ops against NumPy: elementwise, broadcasting, reductions, scans, sequences, dtype rules."""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smallflow as tf
from smallflow import errors
from smallflow.gradient_checker import compute_gradient_error

RNG = np.random.default_rng(7)


def run(fetches, feed_dict=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed_dict)


def uniform(shape, low=-2.0, high=2.0, dtype=np.float32):
    return RNG.uniform(low, high, size=shape).astype(dtype)


# -- elementwise unary ---------------------------------------------------------------------------

UNARY = [
    (tf.negative, np.negative, (-2, 2)),
    (tf.abs, np.abs, (-2, 2)),
    (tf.square, np.square, (-2, 2)),
    (tf.sqrt, np.sqrt, (0.1, 4)),
    (tf.rsqrt, lambda x: 1 / np.sqrt(x), (0.1, 4)),
    (tf.exp, np.exp, (-2, 2)),
    (tf.log, np.log, (0.1, 4)),
    (tf.log1p, np.log1p, (-0.5, 4)),
    (tf.sign, np.sign, (-2, 2)),
    (tf.reciprocal, np.reciprocal, (0.5, 2)),
    (tf.tanh, np.tanh, (-3, 3)),
    (tf.sigmoid, lambda x: 1 / (1 + np.exp(-x)), (-5, 5)),
    (tf.floor, np.floor, (-3, 3)),
    (tf.ceil, np.ceil, (-3, 3)),
    (tf.round, np.rint, (-3, 3)),
]


@pytest.mark.parametrize(("tf_fn", "np_fn", "domain"), UNARY,
                         ids=lambda v: getattr(v, "__name__", ""))
def test_unary_op_matches_numpy_and_keeps_float32(tf_fn, np_fn, domain):
    value = uniform((3, 4), *domain)

    result = run(tf_fn(tf.constant(value)))

    assert result.dtype == np.float32
    np.testing.assert_allclose(result, np_fn(value).astype(np.float32), rtol=1e-6, atol=1e-6)


def test_round_is_half_to_even():
    assert run(tf.round([0.5, 1.5, 2.5, -0.5, -1.5])).tolist() == [0, 2, 2, -0.0, -2]


def test_log_of_zero_is_minus_infinity():
    assert run(tf.log(0.0)) == -np.inf


@pytest.mark.parametrize(
    ("tf_fn", "expected"),
    [
        (tf.is_nan, [False, False, True, False]),
        (tf.is_inf, [False, True, False, True]),
        (tf.is_finite, [True, False, False, False]),
    ],
)
def test_float_classification_ops(tf_fn, expected):
    result = run(tf_fn([1.0, np.inf, np.nan, -np.inf]))

    assert result.dtype == np.bool_
    assert result.tolist() == expected


def test_is_nan_refuses_integers():
    with pytest.raises(TypeError, match="DataType int32 not in list of allowed values"):
        tf.is_nan(tf.constant([1, 2]))


# -- elementwise binary with broadcasting --------------------------------------------------------

# (shape of a, shape of b, static shape of the result, fed a shape); None marks a fed dim.
BROADCASTS = [
    ([2, 3], [3], [2, 3], [2, 3]),
    ([2, 1], [1, 3], [2, 3], [2, 1]),
    ([None, 10], [10], [None, 10], [4, 10]),
    ([3], [2, 3], [2, 3], [3]),
]

positive = (0.5, 2.0)
anything = (-2.0, 2.0)
BINARY = [
    # (name, tf function, numpy function, domain of a, domain of b, differentiable)
    ("add", tf.add, np.add, anything, anything, True),
    ("subtract", tf.subtract, np.subtract, anything, anything, True),
    ("multiply", tf.multiply, np.multiply, anything, anything, True),
    ("divide", tf.divide, np.divide, anything, positive, True),
    ("div_no_nan", tf.div_no_nan, np.divide, anything, positive, True),
    ("maximum", tf.maximum, np.maximum, anything, anything, True),
    ("minimum", tf.minimum, np.minimum, anything, anything, True),
    ("pow", tf.pow, np.power, positive, anything, True),
    ("squared_difference", tf.squared_difference, lambda a, b: (a - b) ** 2, anything,
     anything, True),
    ("floordiv", tf.floordiv, np.floor_divide, anything, positive, False),
    ("floormod", tf.floormod, np.mod, anything, positive, False),
    ("equal", tf.equal, np.equal, anything, anything, False),
    ("not_equal", tf.not_equal, np.not_equal, anything, anything, False),
    ("less", tf.less, np.less, anything, anything, False),
    ("less_equal", tf.less_equal, np.less_equal, anything, anything, False),
    ("greater", tf.greater, np.greater, anything, anything, False),
    ("greater_equal", tf.greater_equal, np.greater_equal, anything, anything, False),
]
DIFFERENTIABLE = [row for row in BINARY if row[5]]


def _operands(a_shape, b_shape, fed_a, dtype):
    a = tf.placeholder(dtype, a_shape)
    b = tf.placeholder(dtype, b_shape)
    return a, b, list(fed_a), list(b_shape)


@pytest.mark.parametrize(("a_shape", "b_shape", "static", "fed_a"), BROADCASTS)
@pytest.mark.parametrize("row", BINARY, ids=lambda row: row[0])
def test_binary_op_broadcasts_like_numpy(row, a_shape, b_shape, static, fed_a):
    _, tf_fn, np_fn, domain_a, domain_b, _ = row
    a, b, a_value_shape, b_value_shape = _operands(a_shape, b_shape, fed_a, tf.float32)
    a_value = uniform(a_value_shape, *domain_a)
    b_value = uniform(b_value_shape, *domain_b)

    out = tf_fn(a, b)
    result = run(out, {a: a_value, b: b_value})

    assert out.shape.as_list() == static
    np.testing.assert_allclose(result, np_fn(a_value, b_value), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("a_shape", "b_shape", "static", "fed_a"), BROADCASTS)
@pytest.mark.parametrize("row", DIFFERENTIABLE, ids=lambda row: row[0])
def test_binary_op_gradient_is_reduced_to_each_broadcast_input(row, a_shape, b_shape, static,
                                                               fed_a):
    _, tf_fn, _, domain_a, domain_b, _ = row
    a, b, a_value_shape, b_value_shape = _operands(a_shape, b_shape, fed_a, tf.float64)
    inits = [RNG.uniform(*domain_a, size=a_value_shape),
             RNG.uniform(*domain_b, size=b_value_shape)]
    out = tf_fn(a, b)
    out_shape = list(np.broadcast_shapes(tuple(a_value_shape), tuple(b_value_shape)))

    error = compute_gradient_error([a, b], [a_value_shape, b_value_shape], out, out_shape,
                                   x_init_value=inits, delta=1e-5)

    assert error < 1e-6


@pytest.mark.parametrize(
    ("tf_fn", "np_fn"),
    [(tf.logical_and, np.logical_and), (tf.logical_or, np.logical_or),
     (tf.logical_xor, np.logical_xor)],
)
def test_logical_ops_broadcast(tf_fn, np_fn):
    a = np.array([[True, False], [False, True]])
    b = np.array([True, False])

    np.testing.assert_array_equal(run(tf_fn(a, b)), np_fn(a, b))


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        (lambda x: x + 1, [3, 4]),
        (lambda x: 1 - x, [-1, -2]),
        (lambda x: x * 2, [4, 6]),
        (lambda x: x // 2, [1, 1]),
        (lambda x: x % 2, [0, 1]),
        (lambda x: x**2, [4, 9]),
        (lambda x: -x, [-2, -3]),
        (lambda x: x / 2, [1.0, 1.5]),
    ],
)
def test_tensor_operators_on_int64_keep_int64_except_true_division(expression, expected):
    x = tf.constant([2, 3], dtype=tf.int64)

    out = expression(x)

    assert out.dtype == (tf.float64 if isinstance(expected[1], float) else tf.int64)
    assert run(out).tolist() == expected


def test_integer_true_division_of_small_ints_gives_float32():
    assert (tf.constant([1, 2], dtype=tf.int16) / 2).dtype == tf.float32


def test_comparison_operators_give_bool():
    x = tf.constant([1.0, 2.0, 3.0])

    results = run([x < 2, x <= 2, x > 2, x >= 2])

    assert all(r.dtype == np.bool_ for r in results)
    assert [r.tolist() for r in results] == [
        [True, False, False], [True, True, False], [False, False, True], [False, True, True]
    ]


# -- dtype rules -----------------------------------------------------------------------------


def test_no_implicit_promotion_between_tensors():
    x = tf.constant([1, 2], dtype=tf.int64)
    y = tf.constant([1.0, 2.0])

    with pytest.raises(TypeError) as info:
        tf.multiply(x, y)

    assert str(info.value) == ("Input 'y' of 'Mul' Op has type float32 that does not match "
                               "type int64 of argument 'x'.")


@pytest.mark.parametrize(
    ("dtype", "scalar"),
    [(tf.int64, 2), (tf.float16, 2.5), (tf.float64, 0.1), (tf.int32, 7), (tf.float32, 3)],
)
def test_python_scalar_takes_the_tensor_dtype_on_either_side(dtype, scalar):
    x = tf.placeholder(dtype, [2])

    assert (x + scalar).dtype == dtype
    assert (scalar * x).dtype == dtype


def test_python_float_into_an_int_tensor_is_a_type_error():
    with pytest.raises(TypeError, match="Expected int32, got 1.5 of type 'float' instead."):
        tf.constant([1, 2]) + 1.5


def test_equal_needs_equal_dtypes():
    with pytest.raises(TypeError, match="Input 'y' of 'Equal' Op has type int64"):
        tf.equal(tf.constant([1.0]), tf.constant([1], dtype=tf.int64))


@pytest.mark.parametrize("build", [
    lambda: tf.placeholder("float", [None, 784]),
    lambda: tf.cast(tf.constant([1, 2]), "float"),
    lambda: tf.zeros([3], "float"),
])
def test_the_string_float_means_float32(build):
    assert build().dtype == tf.float32


# -- static shape errors -----------------------------------------------------------------------


def test_matmul_inner_mismatch_names_the_op_and_shapes():
    x = tf.placeholder(tf.float32, [None, 784])
    tf.matmul(x, tf.zeros([784, 100]))

    expected = ("Dimensions must be equal, but are 784 and 100 for 'MatMul_1' (op: 'MatMul') "
                "with input shapes: [?,784], [100,10].")
    with pytest.raises(ValueError, match=f"^{re.escape(expected)}$"):
        tf.matmul(x, tf.zeros([100, 10]))


def test_broadcast_mismatch_is_a_build_time_error():
    with pytest.raises(ValueError, match=re.escape(
            "Dimensions must be equal, but are 3 and 4 for 'Add' (op: 'Add') with input "
            "shapes: [2,3], [4].")):
        tf.add(tf.zeros([2, 3]), tf.zeros([4]))


def test_matmul_of_a_vector_says_rank_2_is_needed():
    with pytest.raises(ValueError, match=re.escape(
            "Shape must be rank 2 but is rank 1 for 'MatMul' (op: 'MatMul') with input "
            "shapes: [3], [3,2].")):
        tf.matmul(tf.zeros([3]), tf.zeros([3, 2]))


def test_add_n_of_mismatched_shapes_names_the_op():
    with pytest.raises(ValueError, match=r"Dimension 1 in both shapes must be equal, but are 3 "
                                         r"and 4.*for 'AddN' \(op: 'AddN'\)"):
        tf.add_n([tf.zeros([2, 3]), tf.zeros([2, 4])])


# -- matmul and add_n ----------------------------------------------------------------------------


@pytest.mark.parametrize(("transpose_a", "transpose_b"),
                         [(False, False), (True, False), (False, True), (True, True)])
def test_matmul_transposes(transpose_a, transpose_b):
    a = uniform((3, 4))
    b = uniform((4, 5))
    a_in = a.T if transpose_a else a
    b_in = b.T if transpose_b else b

    out = tf.matmul(a_in, b_in, transpose_a=transpose_a, transpose_b=transpose_b)

    assert out.shape.as_list() == [3, 5]
    np.testing.assert_allclose(run(out), a @ b, rtol=1e-5)


def test_batched_matmul_broadcasts_the_batch():
    a = uniform((2, 3, 4))
    b = uniform((4, 5))

    out = tf.matmul(a, b)

    assert out.op.type == "BatchMatMulV2"
    assert out.shape.as_list() == [2, 3, 5]
    np.testing.assert_allclose(run(out), a @ b, rtol=1e-5)


def test_add_n_sums_its_inputs():
    values = [uniform((2, 2)) for _ in range(3)]

    np.testing.assert_allclose(run(tf.add_n(values)), sum(values), rtol=1e-6)


# -- reductions ------------------------------------------------------------------------------

REDUCTIONS = [
    (tf.reduce_sum, np.sum),
    (tf.reduce_mean, np.mean),
    (tf.reduce_max, np.max),
    (tf.reduce_min, np.min),
    (tf.reduce_prod, np.prod),
]
AXES = [None, 0, 1, -1, [0, 1], [-1, 0], [], (2,)]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize(("tf_fn", "np_fn"), REDUCTIONS, ids=lambda f: f.__name__)
def test_reduction_matches_numpy(tf_fn, np_fn, axis, keepdims):
    value = uniform((2, 3, 4), 0.5, 1.5)
    np_axis = None if axis is None else tuple(np.atleast_1d(axis).tolist())

    out = tf_fn(value, axis=axis, keepdims=keepdims)
    expected = np_fn(value, axis=np_axis, keepdims=keepdims)

    assert out.shape.as_list() == list(expected.shape)
    np.testing.assert_allclose(run(out), expected, rtol=1e-5)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"reduction_indices": [1]},
        {"axis": 1},
        {"reduction_indices": 1, "keep_dims": True},
        {"axis": [1], "keepdims": True},
    ],
)
def test_old_argument_names_are_aliases(kwargs):
    value = uniform((2, 3))
    keep = kwargs.get("keepdims", kwargs.get("keep_dims", False))

    np.testing.assert_allclose(run(tf.reduce_sum(value, **kwargs)),
                               value.sum(axis=1, keepdims=keep), rtol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"axis": 0, "reduction_indices": 0}, "Cannot specify both 'reduction_indices' and 'axis'"),
        ({"keepdims": True, "keep_dims": True}, "Cannot specify both 'keep_dims' and 'keepdims'"),
    ],
)
def test_giving_both_old_and_new_names_is_an_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        tf.reduce_mean(tf.zeros([2, 2]), **kwargs)


def test_an_out_of_range_axis_names_the_op():
    tf.reduce_sum(tf.zeros([2, 3]))

    expected = ("Invalid reduction dimension 2 for input with 2 dimensions. for 'Sum_1' "
                "(op: 'Sum') with input shapes: [2,3].")
    with pytest.raises(ValueError, match=f"^{re.escape(expected)}$"):
        tf.reduce_sum(tf.zeros([2, 3]), axis=2)


@pytest.mark.parametrize(
    ("values", "dtype", "expected"),
    [
        ([1, 2], tf.int32, 1),
        ([-1, -2], tf.int32, -1),
        ([7, 8, 8], tf.int64, 7),
        ([1.0, 2.0], tf.float32, 1.5),
    ],
)
def test_integer_mean_truncates_toward_zero(values, dtype, expected):
    out = tf.reduce_mean(tf.constant(values, dtype=dtype))

    assert out.dtype == dtype
    assert run(out) == expected


def test_mean_of_an_empty_float_tensor_is_nan_without_warnings():
    x = tf.placeholder(tf.float32, [None])

    assert np.isnan(run(tf.reduce_mean(x), {x: np.zeros(0, np.float32)}))


_SPECIAL_FLOATS = [0.0, -0.0, 1.0, -1.5, 1e-45, 3.4e38, np.inf, -np.inf, np.nan]


@settings(max_examples=40, deadline=None)
@given(dtype=st.sampled_from([np.float32, np.float64]),
       values=st.lists(st.floats(width=32) | st.sampled_from(_SPECIAL_FLOATS), min_size=1,
                       max_size=300),
       scale=st.sampled_from([1.0, 1e30, 1e-30]))
def test_a_mean_down_to_one_number_is_numpys_float_division(dtype, values, scale):
    # The kernel divides one number in Python (a loss, every step): it must be the very
    # quotient NumPy's division of the float sum gives.
    with np.errstate(all="ignore"):
        x = (np.asarray(values, np.float64) * scale).astype(dtype)
        expected = np.true_divide(np.add.reduce(x), x.size, dtype=dtype)
    feed = tf.placeholder(tf.as_dtype(dtype), [None])
    result = run(tf.reduce_mean(feed), {feed: x})
    assert type(result) is dtype
    assert result.tobytes() == expected.tobytes() or (np.isnan(result) and np.isnan(expected))


def test_reductions_over_unknown_rank_use_the_fed_rank():
    x = tf.placeholder(tf.float32)

    result = run(tf.reduce_sum(x, axis=-1), {x: np.ones((2, 3), np.float32)})

    assert result.tolist() == [3.0, 3.0]


@pytest.mark.parametrize(("tf_fn", "np_fn"), [(tf.reduce_all, np.all), (tf.reduce_any, np.any)])
def test_boolean_reductions(tf_fn, np_fn):
    value = np.array([[True, False], [True, True]])

    np.testing.assert_array_equal(run(tf_fn(value, axis=1)), np_fn(value, axis=1))


@pytest.mark.parametrize(
    ("build", "shape", "init"),
    [
        (lambda x: tf.reduce_sum(x, axis=[0, 2]), [2, 3, 4], None),
        (lambda x: tf.reduce_mean(x, axis=-1, keepdims=True), [2, 3, 4], None),
        (lambda x: tf.reduce_mean(x), [2, 3], None),
        (lambda x: tf.reduce_max(x, axis=0), [2, 3], [[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]]),
        (lambda x: tf.reduce_min(x, axis=[0, 1]), [2, 2], [[1.0, 5.0], [4.0, 2.0]]),
        (lambda x: tf.reduce_prod(x, axis=1), [2, 3], [[1.0, 0.0, 3.0], [0.0, 0.0, 2.0]]),
        (lambda x: tf.reduce_prod(x), [2, 2], [[1.5, 0.0], [3.0, 2.0]]),
        (lambda x: tf.reduce_prod(x, axis=[0, 2], keepdims=True), [2, 3, 2], None),
        (lambda x: tf.reduce_logsumexp(x, axis=1), [2, 3], None),
        (lambda x: tf.reduce_logsumexp(x, keepdims=True), [2, 3], None),
    ],
)
def test_reduction_gradients(build, shape, init):
    x = tf.placeholder(tf.float64, shape)
    out = build(x)
    init = None if init is None else np.array(init)

    error = compute_gradient_error(x, shape, out, out.shape.as_list(), x_init_value=init,
                                   delta=1e-5)

    assert error < 1e-6


def test_max_gradient_is_shared_among_ties():
    x = tf.constant([[1.0, 3.0, 3.0]])

    (grad,) = tf.gradients(tf.reduce_max(x), x)

    assert run(grad).tolist() == [[0.0, 0.5, 0.5]]


def test_prod_gradient_with_one_zero_is_the_product_of_the_others():
    x = tf.constant([2.0, 0.0, 3.0])

    (grad,) = tf.gradients(tf.reduce_prod(x), x)

    assert run(grad).tolist() == [0.0, 6.0, 0.0]


# -- argmax, cast --------------------------------------------------------------------------------


def test_argmax_ties_go_to_the_first_index_and_give_int64():
    out = tf.argmax([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]], axis=1)

    assert out.dtype == tf.int64
    assert run(out).tolist() == [1, 0]


@pytest.mark.parametrize(
    ("build", "expected", "dtype"),
    [
        (lambda x: tf.argmax(x), [1, 0], tf.int64),
        (lambda x: tf.argmax(x, dimension=1), [1, 0], tf.int64),
        (lambda x: tf.argmax(x, 1, output_type=tf.int32), [1, 0], tf.int32),
        (lambda x: tf.argmin(x, axis=-1), [0, 1], tf.int64),
    ],
)
def test_argmax_variants(build, expected, dtype):
    out = build(tf.constant([[1.0, 5.0], [4.0, 2.0]]))

    assert out.dtype == dtype
    assert run(out).tolist() == expected


@pytest.mark.parametrize(
    ("value", "dtype", "expected"),
    [
        ([1.7, -1.7, 2.5, -0.5], tf.int32, [1, -1, 2, 0]),
        ([True, False], tf.float32, [1.0, 0.0]),
        ([0.0, 0.3, -2.0], tf.bool, [False, True, True]),
        ([3, -4], tf.float64, [3.0, -4.0]),
    ],
)
def test_cast(value, dtype, expected):
    out = tf.cast(tf.constant(value), dtype)

    assert out.dtype == dtype
    assert run(out).tolist() == expected


def test_cast_to_the_same_dtype_adds_no_op():
    x = tf.constant([1.0])

    assert tf.cast(x, tf.float32) is x


# -- scans, sequences, segment sums --------------------------------------------------------------


def _numpy_scan(value, axis, exclusive, reverse, ufunc, identity):
    if reverse:
        value = np.flip(value, axis)
    out = ufunc.accumulate(value, axis=axis)
    if exclusive:
        out = np.concatenate([np.full_like(np.take(out, [0], axis), identity),
                              np.delete(out, -1, axis)], axis)
    return np.flip(out, axis) if reverse else out


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize(("tf_fn", "ufunc", "identity"),
                         [(tf.cumsum, np.add, 0), (tf.cumprod, np.multiply, 1)])
def test_scans_match_numpy(tf_fn, ufunc, identity, axis, exclusive, reverse):
    value = uniform((3, 4), 0.5, 1.5)

    result = run(tf_fn(value, axis=axis, exclusive=exclusive, reverse=reverse))

    expected = _numpy_scan(value, axis, exclusive, reverse, ufunc, identity)
    np.testing.assert_allclose(result, expected, rtol=1e-6)


def test_cumsum_keeps_int32():
    out = tf.cumsum(tf.constant([1, 2, 3]))

    assert run(out).dtype == np.int32


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("tf_fn", [tf.cumsum, tf.cumprod])
def test_scan_gradients(tf_fn, exclusive, reverse):
    x = tf.placeholder(tf.float64, [2, 4])
    out = tf_fn(x, axis=1, exclusive=exclusive, reverse=reverse)
    init = RNG.uniform(0.5, 1.5, size=(2, 4))

    assert compute_gradient_error(x, [2, 4], out, [2, 4], x_init_value=init,
                                  delta=1e-5) < 1e-6


@pytest.mark.parametrize(
    ("args", "expected", "dtype"),
    [
        ((5,), [0, 1, 2, 3, 4], tf.int32),
        ((2, 8, 3), [2, 5], tf.int32),
        ((5, 1, -2), [5, 3], tf.int32),
        ((0, 1, 0.25), [0.0, 0.25, 0.5, 0.75], tf.float32),
        ((3, 3), [], tf.int32),
    ],
)
def test_range(args, expected, dtype):
    out = tf.range(*args)

    assert out.dtype == dtype
    assert out.shape.as_list() == [len(expected)]
    assert run(out).tolist() == expected


def test_range_names_its_op_range():
    assert tf.range(3).name == "range:0"


def test_float_range_adds_delta_step_by_step_in_float32():
    out = run(tf.range(0.0, 1.0, 0.1))

    expected = np.add.accumulate(np.array([0.0] + [0.1] * 9, dtype=np.float32))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, expected)


def test_range_with_int64_limit_promotes():
    assert tf.range(tf.constant(4, dtype=tf.int64)).dtype == tf.int64


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((1, 5, 0), "Requires delta != 0"),
        ((5, 1, 1), "Requires start <= limit when delta > 0: 5/1"),
        ((1, 5, -1), "Requires start >= limit when delta < 0: 1/5"),
    ],
)
def test_range_errors(args, message):
    with pytest.raises(ValueError, match=message):
        tf.range(*args)
    limit = tf.placeholder(tf.int32, [])
    with pytest.raises(errors.InvalidArgumentError, match=message):
        run(tf.range(args[0], limit, args[2]), {limit: args[1]})


@pytest.mark.parametrize(("start", "stop", "num"), [(0.0, 1.0, 5), (-3.0, 7.0, 11), (2.0, 3.0, 1)])
def test_linspace(start, stop, num):
    out = tf.linspace(start, stop, num)

    result = run(out)

    assert out.shape.as_list() == [num]
    assert result[0] == start
    if num > 1:
        assert result[-1] == stop
    np.testing.assert_allclose(result, np.linspace(start, stop, num), rtol=1e-6)


def test_linspace_needs_a_positive_num():
    with pytest.raises(ValueError, match="Requires num > 0: 0"):
        tf.linspace(0.0, 1.0, 0)


def test_unsorted_segment_sum_drops_negative_ids():
    data = np.arange(10, dtype=np.float32).reshape(5, 2)

    out = tf.unsorted_segment_sum(data, [0, 2, -1, 0, 1], 3)

    assert out.shape.as_list() == [3, 2]
    assert run(out).tolist() == [[6.0, 8.0], [8.0, 9.0], [2.0, 3.0]]


def test_unsorted_segment_sum_rejects_ids_past_the_end():
    with pytest.raises(errors.InvalidArgumentError, match=r"segment_ids\[1\] = 3 is out of "
                                                          r"range \[0, 3\)"):
        run(tf.unsorted_segment_sum([1.0, 2.0], [0, 3], 3))


# -- composites ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high"),
    [(-0.5, 0.5), (np.array([-1.0, 0.0, -2.0], np.float32), 1.0)],
)
def test_clip_by_value(low, high):
    value = uniform((2, 3))

    result = run(tf.clip_by_value(value, low, high))

    np.testing.assert_allclose(result, np.clip(value, low, high))


def test_clip_by_value_bounds_may_not_grow_the_tensor():
    with pytest.raises(ValueError, match="not compatible"):
        tf.clip_by_value(tf.zeros([3]), tf.zeros([2, 3]), 1.0)


def test_clip_by_value_gradient_passes_only_inside_the_range():
    x = tf.constant([-2.0, 0.5, 3.0])

    (grad,) = tf.gradients(tf.clip_by_value(x, -1.0, 1.0), x)

    assert run(grad).tolist() == [0.0, 1.0, 0.0]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, 3),
        ({"axis": 1}, [1, 2]),
        ({"axis": 0, "keepdims": True}, [[1, 1, 1]]),
        ({"reduction_indices": [1], "dtype": tf.int32}, [1, 2]),
    ],
)
def test_count_nonzero(kwargs, expected):
    out = tf.count_nonzero([[0.0, 1.5, 0.0], [2.0, 0.0, -1.0]], **kwargs)

    assert out.dtype == kwargs.get("dtype", tf.int64)
    assert np.asarray(run(out)).tolist() == expected


def test_count_nonzero_of_booleans():
    assert run(tf.count_nonzero([True, False, True])) == 2


@pytest.mark.parametrize(
    ("value", "axis"),
    [
        ([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]], 1),
        ([[-np.inf, -np.inf], [0.0, 1.0]], 1),
        ([[1.0, 2.0], [3.0, 4.0]], None),
    ],
)
def test_reduce_logsumexp_is_stable(value, axis):
    value = np.array(value, dtype=np.float64)

    result = run(tf.reduce_logsumexp(value, axis=axis))

    peak = np.max(value, axis=axis, keepdims=True)
    peak = np.where(np.isfinite(peak), peak, 0.0)
    with np.errstate(divide="ignore"):
        expected = np.log(np.sum(np.exp(value - peak), axis=axis)) + np.squeeze(peak, axis)
    np.testing.assert_allclose(result, expected)


# -- properties ---------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    shape=st.lists(st.integers(1, 3), min_size=1, max_size=3),
    data=st.data(),
)
def test_sum_over_any_axis_set_matches_numpy(shape, data):
    rank = len(shape)
    axes = data.draw(st.lists(st.integers(-rank, rank - 1), max_size=3,
                              unique_by=lambda a: a % rank))
    keep = data.draw(st.booleans())
    value = np.arange(np.prod(shape), dtype=np.float64).reshape(shape)
    with tf.Graph().as_default():
        out = tf.reduce_sum(value, axis=axes or None, keepdims=keep)
        result = run(out)
    expected = value.sum(axis=tuple(a % rank for a in axes) or None, keepdims=keep)
    np.testing.assert_array_equal(result, expected)
