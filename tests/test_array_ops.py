"""Array ops against NumPy: constants, reshaping, joining, slicing, padding, gathering, masks."""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smallflow as tf
from smallflow import errors
from smallflow.gradient_checker import compute_gradient_error

RNG = np.random.default_rng(11)
X = np.arange(24, dtype=np.float32).reshape(2, 3, 4)


def run(fetches, feed_dict=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed_dict)


def exactly(message):
    return f"^{re.escape(message)}$"


# -- constants -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (7, {"shape": [2, 2]}, [[7, 7], [7, 7]]),
        ([1, 2], {"shape": [2, 2]}, [[1, 2], [2, 2]]),
        ([1.5, 2.5, 3.5], {"shape": [5]}, [1.5, 2.5, 3.5, 3.5, 3.5]),
        ([[1, 2], [3, 4]], {}, [[1, 2], [3, 4]]),
        (3, {"dtype": tf.float64}, 3.0),
    ],
)
def test_constant_fills_and_pads_with_the_last_element(value, kwargs, expected):
    assert np.asarray(run(tf.constant(value, **kwargs))).tolist() == expected


def test_constant_with_too_many_elements_is_an_error():
    with pytest.raises(ValueError, match=exactly(
            "Too many elements provided. Needed at most 4, but received 6")):
        tf.constant([1, 2, 3, 4, 5, 6], shape=[2, 2])


def test_constant_verify_shape_refuses_a_different_shape():
    with pytest.raises(TypeError, match=re.escape("Expected Tensor's shape: (2, 2), got (4,).")):
        tf.constant([1, 2, 3, 4], shape=[2, 2], verify_shape=True)


@pytest.mark.parametrize(
    ("value", "dtype"),
    [
        (1.0, tf.float32),
        (1, tf.int32),
        (2**40, tf.int64),
        (True, tf.bool),
        (np.zeros(2, np.float64), tf.float64),
        (np.int16(3), tf.int16),
        ([1, 2.5], tf.float32),
    ],
)
def test_constant_dtype_inference(value, dtype):
    assert tf.constant(value).dtype == dtype


def test_lossy_constant_conversion_is_a_type_error():
    with pytest.raises(TypeError, match="Expected int32, got 1.5 of type 'float' instead."):
        tf.constant([1.5, 2.0], dtype=tf.int32)


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda: tf.zeros([2, 3]), np.zeros((2, 3))),
        (lambda: tf.ones([2], tf.int32), np.ones(2)),
        (lambda: tf.fill([2, 2], 9.0), np.full((2, 2), 9.0)),
        (lambda: tf.zeros_like(tf.constant(X)), np.zeros_like(X)),
        (lambda: tf.ones_like(tf.constant(X), dtype=tf.int32), np.ones(X.shape)),
        (lambda: tf.shape(tf.constant(X)), [2, 3, 4]),
        (lambda: tf.size(tf.constant(X)), 24),
        (lambda: tf.rank(tf.constant(X)), 3),
    ],
)
def test_filled_tensors_and_shape_queries(build, expected):
    np.testing.assert_array_equal(run(build()), expected)


# -- lists holding tensors are stacked (autopacking) -------------------------------------------


def test_a_shape_list_may_hold_scalar_tensors():
    x = tf.placeholder(tf.float32, [None, 4])
    batch = tf.shape(x)[0]

    z = tf.zeros([batch, 3])
    r = tf.reshape(x, [batch, 2, -1])

    assert z.shape.as_list() == [None, 3]
    assert r.shape.as_list() == [None, 2, None]
    z_value, r_value = run([z, r], {x: np.ones((5, 4))})
    assert z_value.shape == (5, 3)
    assert r_value.shape == (5, 2, 2)


def test_convert_to_tensor_stacks_a_list_holding_tensors():
    a = tf.constant(1.0)

    packed = tf.convert_to_tensor([[a, 2.0], [3.0, a]])

    assert packed.op.type == "Pack"
    assert run(packed).tolist() == [[1.0, 2.0], [3.0, 1.0]]


def test_a_list_mixing_tensor_dtypes_cannot_be_stacked():
    with pytest.raises(TypeError, match="Cannot convert a list containing a tensor of dtype "
                                        "int64 to int32"):
        tf.convert_to_tensor([tf.constant(1), tf.constant(2, dtype=tf.int64)])


# -- reshape, transpose, expand/squeeze, one_hot -----------------------------------------------


@pytest.mark.parametrize(
    ("shape", "static"),
    [([4, 6], [4, 6]), ([-1, 6], [4, 6]), ([2, -1, 3], [2, 4, 3]), ([24], [24]), ([-1], [24])],
)
def test_reshape_infers_minus_one(shape, static):
    out = tf.reshape(X, shape)

    assert out.shape.as_list() == static
    np.testing.assert_array_equal(run(out), X.reshape(shape))


def test_reshape_size_mismatch_names_both_sizes():
    with pytest.raises(ValueError, match=exactly(
            "Cannot reshape a tensor with 24 elements to shape [5,5] (25 elements) for "
            "'Reshape' (op: 'Reshape') with input shapes: [2,3,4], [2] and with input tensors "
            "computed as partial shapes: input[1] = [5,5].")):
        tf.reshape(X, [5, 5])


def test_reshape_size_mismatch_at_run_time_names_both_sizes():
    x = tf.placeholder(tf.float32, [None, 3])

    with pytest.raises(errors.InvalidArgumentError, match=re.escape(
            "Input to reshape is a tensor with 6 values, but the requested shape has 4")):
        run(tf.reshape(x, [4]), {x: np.ones((2, 3))})


def test_reshape_with_two_unknowns_is_an_error():
    with pytest.raises(ValueError, match="Cannot infer multiple unknown dimensions"):
        tf.reshape(X, [-1, -1])


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda x: tf.transpose(x), X.T),
        (lambda x: tf.transpose(x, [1, 0, 2]), X.transpose(1, 0, 2)),
        (lambda x: tf.expand_dims(x, -1), X[..., None]),
        (lambda x: tf.expand_dims(x, 0), X[None]),
        (lambda x: tf.squeeze(tf.expand_dims(x, 1)), X),
        (lambda x: tf.squeeze(tf.reshape(x, [1, 24, 1]), axis=[2]), X.reshape(1, 24)),
    ],
)
def test_rearrangements(build, expected):
    out = build(tf.constant(X))

    assert out.shape.as_list() == list(expected.shape)
    np.testing.assert_array_equal(run(out), expected)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, [[0, 1, 0], [0, 0, 1], [0, 0, 0]]),
        ({"on_value": 5.0, "off_value": -1.0}, [[-1, 5, -1], [-1, -1, 5], [-1, -1, -1]]),
        ({"axis": 0}, [[0, 0, 0], [1, 0, 0], [0, 1, 0]]),
    ],
)
def test_one_hot(kwargs, expected):
    out = tf.one_hot([1, 2, -1], 3, **kwargs)

    assert out.dtype == tf.float32
    assert run(out).tolist() == expected


# -- joining and splitting -----------------------------------------------------------------------

A = np.arange(6, dtype=np.float32).reshape(2, 3)
B = np.arange(6, 12, dtype=np.float32).reshape(2, 3)


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda: tf.concat([A, B], 0), np.concatenate([A, B], 0)),
        (lambda: tf.concat([A, B, A], 1), np.concatenate([A, B, A], 1)),
        (lambda: tf.concat([A, B], -1), np.concatenate([A, B], -1)),
        (lambda: tf.concat([A], 0), A),
        (lambda: tf.stack([A, B]), np.stack([A, B])),
        (lambda: tf.stack([A, B], axis=1), np.stack([A, B], axis=1)),
        (lambda: tf.stack([A, B], axis=-1), np.stack([A, B], axis=-1)),
        (lambda: tf.stack([tf.constant(1.0), 2.0]), [1.0, 2.0]),
        (lambda: tf.tile(A, [2, 1]), np.tile(A, (2, 1))),
        (lambda: tf.tile(A, [1, 3]), np.tile(A, (1, 3))),
        (lambda: tf.reverse(A, [1]), A[:, ::-1]),
        (lambda: tf.reverse(A, [0, -1]), A[::-1, ::-1]),
        (lambda: tf.broadcast_to([1.0, 2.0, 3.0], [2, 3]), np.broadcast_to([1, 2, 3], (2, 3))),
        (lambda: tf.diag([1.0, 2.0]), np.diag([1.0, 2.0])),
        (lambda: tf.diag_part(np.arange(9.0).reshape(3, 3)), [0.0, 4.0, 8.0]),
    ],
)
def test_joining_and_repeating_match_numpy(build, expected):
    out = build()
    expected = np.asarray(expected)

    assert out.shape.as_list() == list(expected.shape)
    np.testing.assert_array_equal(run(out), expected)


@pytest.mark.parametrize(("axis", "count"), [(0, 2), (1, 3), (-1, 3)])
def test_unstack_is_the_inverse_of_stack(axis, count):
    parts = tf.unstack(A, axis=axis)

    assert len(parts) == count
    np.testing.assert_array_equal(run(tf.stack(parts, axis=axis)), A)
    np.testing.assert_array_equal(run(parts[0]), np.take(A, 0, axis=axis))


@pytest.mark.parametrize(
    ("split", "axis", "expected_shapes"),
    [
        (3, 1, [[2, 1]] * 3),
        (2, 0, [[1, 3]] * 2),
        ([1, 2], 1, [[2, 1], [2, 2]]),
        ([2, -1], -1, [[2, 2], [2, 1]]),
        (1, 0, [[2, 3]]),
    ],
)
def test_split(split, axis, expected_shapes):
    parts = tf.split(A, split, axis=axis)

    assert [p.shape.as_list() for p in parts] == expected_shapes
    sections = split if isinstance(split, int) else np.cumsum(
        [s if s != -1 else A.shape[axis] - sum(split) - 1 for s in split])[:-1]
    for got, want in zip(run(parts), np.split(A, sections, axis=axis), strict=True):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: tf.concat([A, np.zeros((2, 3, 1), np.float32)], 0),
         "Shape must be rank 3 but is rank 2"),
        (lambda: tf.concat([A, np.zeros((3, 3), np.float32)], 1),
         "Dimension 0 in both shapes must be equal, but are 2 and 3"),
        (lambda: tf.concat([1.0, 2.0], 0), "Can't concatenate scalars (use tf.stack instead)"),
        (lambda: tf.stack([A, np.zeros(3, np.float32)]), "Shapes must be equal rank, but are 2 "
                                                         "and 1"),
        (lambda: tf.split(A, 2, axis=1), "Dimension size must be evenly divisible by 2 but is 3"),
        (lambda: tf.split(A, [1, 1], axis=1), "Determined shape must either match input shape"),
        (lambda: tf.tile(A, [2]), "Shape must be rank 2 but is rank 1"),
        (lambda: tf.reverse(A, [1, -1]), "axis 1 specified more than once."),
        (lambda: tf.reverse(A, [2]), "'axis'[0] = 2 is out of valid range [0, 1"),
        (lambda: tf.broadcast_to(A, [3, 3]), "Dimensions must be equal, but are 2 and 3"),
        (lambda: tf.unstack(tf.placeholder(tf.float32, [None, 2])), "Cannot infer num from "
                                                                     "shape (?, 2)"),
    ],
)
def test_joining_errors_are_build_time_value_errors(build, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        build()


def test_concat_names_the_op_and_input_shapes():
    with pytest.raises(ValueError, match=re.escape(
            "for 'concat' (op: 'ConcatV2') with input shapes: [2,3], [3,3], [].")):
        tf.concat([A, np.zeros((3, 3), np.float32)], 1)


def test_stack_of_mixed_dtypes_is_a_type_error():
    with pytest.raises(TypeError, match="have types \\[float32, int32\\] that don't all match"):
        tf.stack([tf.constant(1.0), tf.constant(1)])


def test_fed_sizes_are_checked_when_running():
    x = tf.placeholder(tf.float32, [None, 3])

    with pytest.raises(errors.InvalidArgumentError, match="Number of ways to split should "
                                                          "evenly divide the split dimension"):
        run(tf.split(x, 2), {x: np.ones((3, 3))})
    with pytest.raises(errors.InvalidArgumentError, match=r"Incompatible shapes: \[3, 3\]"):
        run(tf.broadcast_to(x, [2, 3]), {x: np.ones((3, 3))})


# -- slice and strided slice -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("begin", "size"),
    [([0, 0, 0], [2, 3, 4]), ([1, 1, 0], [1, 2, -1]), ([0, 2, 1], [-1, -1, 2]),
     ([0, 0, 0], [0, 3, 4])],
)
def test_slice(begin, size):
    out = tf.slice(X, begin, size)
    stops = [X.shape[i] if s == -1 else b + s for i, (b, s) in enumerate(zip(begin, size,
                                                                          strict=True))]
    expected = X[tuple(slice(b, e) for b, e in zip(begin, stops, strict=True))]

    assert out.shape.as_list() == list(expected.shape)
    np.testing.assert_array_equal(run(out), expected)


@pytest.mark.parametrize(
    ("begin", "size", "message"),
    [([0, 4, 0], [1, 1, 1], "Expected begin[1] in [0, 3], but got 4"),
     ([0, 1, 0], [1, 3, 1], "Expected size[1] in [0, 2], but got 3")],
)
def test_slice_out_of_range_at_build_time_and_run_time(begin, size, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        tf.slice(X, begin, size)
    b = tf.placeholder(tf.int32, [3])

    with pytest.raises(errors.InvalidArgumentError, match=re.escape(message)):
        run(tf.slice(X, b, size), {b: begin})


INDEXES = [
    (1,),
    (-1,),
    (slice(None),),
    (slice(1, None), 2),
    (Ellipsis, 0),
    (0, Ellipsis, slice(None, None, -1)),
    (None, 1),
    (slice(None), None, slice(0, 2)),
    (slice(None, None, 2), slice(3, 0, -1), slice(-2, None)),
    (slice(5, 10),),
    (1, 2, 3),
]


@pytest.mark.parametrize("index", INDEXES, ids=str)
def test_getitem_matches_numpy_basic_indexing(index):
    out = tf.constant(X)[index]

    assert out.shape.as_list() == list(X[index].shape)
    np.testing.assert_array_equal(run(out), X[index])


def test_getitem_accepts_scalar_int_tensors():
    x = tf.placeholder(tf.float32, [None, 3, 4])
    i = tf.placeholder(tf.int32, [])
    j = tf.placeholder(tf.int64, [])

    row = x[i]
    window = x[:, i:, j]

    assert row.shape.as_list() == [3, 4]
    assert window.shape.as_list() == [None, None]
    row_value, window_value = run([row, window], {x: X, i: 1, j: 2})
    np.testing.assert_array_equal(row_value, X[1])
    np.testing.assert_array_equal(window_value, X[:, 1:, 2])


def test_shape_vector_indexing_gives_scalars():
    x = tf.placeholder(tf.float32, [None, 784])

    assert run(tf.shape(x)[0], {x: np.zeros((7, 784))}) == 7


@pytest.mark.parametrize("bad", [1.5, [0, 1], "a"])
def test_getitem_refuses_other_index_types(bad):
    with pytest.raises(TypeError, match="Only integers, slices"):
        tf.constant(X)[bad]


def test_getitem_out_of_bounds_names_the_dimension():
    with pytest.raises(ValueError, match=re.escape("slice index 5 of dimension 1 out of "
                                                   "bounds.")):
        tf.constant(X)[0, 5]
    i = tf.placeholder(tf.int32, [])

    with pytest.raises(errors.InvalidArgumentError, match=re.escape(
            "slice index 5 of dimension 1 out of bounds.")):
        run(tf.constant(X)[0, i], {i: 5})


def test_strided_slice_with_masks():
    out = tf.strided_slice(X, [0, 1], [0, 3], [1, 1], begin_mask=1, end_mask=1,
                           shrink_axis_mask=0)

    np.testing.assert_array_equal(run(out), X[:, 1:3])


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_random_basic_slices_match_numpy(data):
    shape = data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    value = np.arange(int(np.prod(shape))).reshape(shape)
    bound = st.none() | st.integers(-5, 5)
    parts = []
    for _ in range(data.draw(st.integers(1, len(shape)))):
        if data.draw(st.booleans()):
            step = data.draw(st.none() | st.sampled_from([-2, -1, 1, 2]))
            parts.append(slice(data.draw(bound), data.draw(bound), step))
        else:
            parts.append(data.draw(st.integers(-shape[len(parts)], shape[len(parts)] - 1)))
    index = tuple(parts)
    with tf.Graph().as_default():
        out = tf.constant(value)[index]
        assert out.shape.as_list() == list(value[index].shape)
        np.testing.assert_array_equal(run(out), value[index])


# -- pad -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "paddings", "kwargs"),
    [
        ("CONSTANT", [[1, 0], [2, 3]], {}),
        ("constant", [[0, 2], [1, 1]], {"constant_values": 7.0}),
        ("REFLECT", [[1, 1], [2, 2]], {}),
        ("SYMMETRIC", [[2, 1], [3, 0]], {}),
        ("reflect", [[0, 0], [0, 2]], {}),
    ],
)
def test_pad_matches_numpy(mode, paddings, kwargs):
    out = tf.pad(A, paddings, mode=mode, **kwargs)
    np_kwargs = {"constant_values": kwargs["constant_values"]} if kwargs else {}

    expected = np.pad(A, paddings, mode=mode.lower(), **np_kwargs)

    assert out.shape.as_list() == list(expected.shape)
    np.testing.assert_array_equal(run(out), expected)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: tf.pad(A, [[1, 1]]), "Shape must be rank 2 but is rank 1"),
        (lambda: tf.pad(A, [[-1, 0], [0, 0]]), "Paddings must be non-negative"),
        (lambda: tf.pad(A, [[2, 0], [0, 0]], "REFLECT"), "paddings must be less than the "
                                                         "dimension size: 2, 0 not less than 2"),
        (lambda: tf.pad(A, [[0, 3], [0, 0]], "SYMMETRIC"), "paddings must be no greater than "
                                                           "the dimension size"),
        (lambda: tf.pad(A, [[0, 0], [0, 0]], "WRAP"), "Unknown padding mode: WRAP"),
    ],
)
def test_pad_errors(build, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        build()


# -- gather, where, boolean_mask -----------------------------------------------------------------

P = np.arange(12, dtype=np.float32).reshape(4, 3)


@pytest.mark.parametrize(
    ("indices", "axis"),
    [([2, 0, 2], 0), ([[1, 3], [0, 0]], 0), ([2, 1], 1), (1, 0), ([[0], [2]], -1)],
)
def test_gather_matches_numpy_take(indices, axis):
    out = tf.gather(P, indices, axis=axis)
    expected = np.take(P, indices, axis=axis)

    assert out.shape.as_list() == list(expected.shape)
    np.testing.assert_array_equal(run(out), expected)


def test_gather_out_of_range_names_the_index():
    with pytest.raises(errors.InvalidArgumentError, match=re.escape(
            "indices[1] = 4 is not in [0, 4)")):
        run(tf.gather(P, [1, 4]))
    with pytest.raises(errors.InvalidArgumentError, match=re.escape(
            "indices[0,1] = -1 is not in [0, 3)")):
        run(tf.gather(P, [[0, -1]], axis=1))


def test_gather_needs_integer_indices():
    with pytest.raises(TypeError, match="'indices' has DataType float32"):
        tf.gather(P, [1.0])


@pytest.mark.parametrize(
    ("condition", "x", "y"),
    [
        ([[True, False, True], [False, True, False]], A, B),
        ([True, False], A, B),
    ],
)
def test_where_with_values_selects_like_tf1(condition, x, y):
    out = tf.where(condition, x, y)
    np_condition = np.asarray(condition)
    if np_condition.ndim == 1:
        np_condition = np_condition[:, None]

    np.testing.assert_array_equal(run(out), np.where(np_condition, x, y))


def test_where_v2_broadcasts_all_three():
    out = tf.where_v2([True, False, True], [[1.0], [2.0]], 0.0)

    assert out.shape.as_list() == [2, 3]
    assert run(out).tolist() == [[1.0, 0.0, 1.0], [2.0, 0.0, 2.0]]


def test_where_alone_gives_int64_coordinates_of_true_entries():
    out = tf.where([[True, False], [False, True], [True, True]])

    assert out.dtype == tf.int64
    assert out.shape.as_list() == [None, 2]
    assert run(out).tolist() == [[0, 0], [1, 1], [2, 0], [2, 1]]


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: tf.where([1, 0], A[0, :2], B[0, :2]), TypeError,
         "Expected bool passed to parameter 'condition' of op 'Select'"),
        (lambda: tf.where(tf.constant([1, 0]), A[0, :2], B[0, :2]), TypeError,
         "Input 'condition' of 'Select' Op has type int32"),
        (lambda: tf.where([True, False], tf.constant(A), tf.constant([[1, 2, 3], [4, 5, 6]])),
         TypeError,
         "Input 'y' of 'Select' Op has type int32 that does not match type float32"),
        (lambda: tf.where([True, False, True], A, B), ValueError,
         "Dimension 0 in both shapes must be equal, but are 3 and 2"),
        (lambda: tf.where([True], A), ValueError, "x and y must both be non-None"),
    ],
)
def test_where_errors(build, error, message):
    with pytest.raises(error, match=re.escape(message)):
        build()


@pytest.mark.parametrize(
    ("mask", "axis"),
    [
        ([True, False], None),
        ([[True, False, True], [False, False, True]], None),
        ([False, True, True], 1),
        ([[False, False, False], [False, False, False]], 0),
    ],
)
def test_boolean_mask_matches_numpy(mask, axis):
    mask = np.array(mask)
    out = tf.boolean_mask(A, mask, axis=axis)

    expected = A[mask] if not axis else A[:, mask]
    np.testing.assert_array_equal(run(out), expected)


@pytest.mark.parametrize(
    ("mask", "message"),
    [
        (True, "mask cannot be scalar."),
        ([True, False, True], "Shapes (2,) and (3,) are incompatible"),
    ],
)
def test_boolean_mask_errors(mask, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        tf.boolean_mask(A, mask)


def test_boolean_mask_needs_a_known_mask_rank():
    with pytest.raises(ValueError, match="Number of mask dimensions must be specified"):
        tf.boolean_mask(A, tf.placeholder(tf.bool))


# -- gradients of the variants ----------------------------------------------------------------

GRADIENT_VARIANTS = [
    ("concat_axis0_three", lambda x: tf.concat([x, x * 2.0, x], 0), [2, 3]),
    ("concat_fed_rows", lambda x: tf.concat([x, tf.ones([2, 3], tf.float64)], 0), [2, 3]),
    ("stack_axis_last", lambda x: tf.stack([x, -x], axis=-1), [2, 3]),
    ("unstack_axis1", lambda x: tf.unstack(x, axis=1)[2] * 5.0, [2, 3]),
    ("split_one_part_unused", lambda x: tf.split(x, [1, 2], axis=1)[1], [2, 3]),
    ("slice_tensor_begin", lambda x: tf.slice(x, tf.constant([1, 0]), [1, -1]), [2, 3]),
    ("getitem_newaxis_step", lambda x: x[None, :, ::2], [2, 3]),
    ("getitem_ellipsis", lambda x: x[..., 1], [2, 3, 2]),
    ("tile_3d", lambda x: tf.tile(x, [1, 2, 2]), [2, 1, 2]),
    ("pad_symmetric", lambda x: tf.pad(x, [[2, 2], [1, 3]], "SYMMETRIC"), [2, 3]),
    ("pad_reflect_3d", lambda x: tf.pad(x, [[0, 1], [1, 1], [0, 0]], "REFLECT"), [2, 3, 2]),
    ("gather_axis1_repeats", lambda x: tf.gather(x, [[2, 2], [0, 2]], axis=1), [2, 3]),
    ("gather_axis_last_3d", lambda x: tf.gather(x, [1, 1, 0], axis=2), [2, 2, 2]),
    ("where_vector_condition", lambda x: tf.where([False, True], x, x * x), [2, 3]),
    ("boolean_mask_2d", lambda x: tf.boolean_mask(x, [[True, False, True], [True, True, False]]),
     [2, 3]),
    ("reverse_two_axes", lambda x: tf.reverse(x, [0, 1]), [2, 3]),
    ("broadcast_to_3d", lambda x: tf.broadcast_to(x, [2, 2, 3]), [1, 3]),
    ("diag_2d", lambda x: tf.diag(x), [2, 2]),
    ("transpose_default", lambda x: tf.transpose(x), [2, 3, 4]),
]


@pytest.mark.parametrize(("name", "build", "shape"), GRADIENT_VARIANTS,
                         ids=[row[0] for row in GRADIENT_VARIANTS])
def test_gradient_variants_match_numeric_jacobians(name, build, shape):
    x = tf.placeholder(tf.float64, shape)
    out = build(x)
    out_shape = list(run(out, {x: np.zeros(shape)}).shape)  # some sizes are known only here

    error = compute_gradient_error(x, shape, out, out_shape, delta=1e-5)

    assert error < 1e-6


def test_gather_gradient_adds_repeated_rows():
    params = tf.constant(P)

    (grad,) = tf.gradients(tf.gather(params, [0, 0, 2]), params)

    assert isinstance(grad, tf.IndexedSlices)
    dense = tf.convert_to_tensor(grad)
    assert run(dense).tolist() == [[2.0] * 3, [0.0] * 3, [1.0] * 3, [0.0] * 3]


def test_getitem_with_tensor_index_gradient_scatters_back():
    x = tf.constant(A)
    i = tf.placeholder(tf.int32, [])

    (grad,) = tf.gradients(x[i] * 3.0, x)

    assert run(grad, {i: 1}).tolist() == [[0.0] * 3, [3.0] * 3]
