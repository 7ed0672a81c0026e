"""Optimizers update variables exactly as TensorFlow 1.x defines them."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smallflow as tf
from smallflow import errors

# -- hand-computed single steps ------------------------------------------------------------------
# A scalar w = 1 with loss 3 * w, so the gradient is 3. Each expected value is worked out by
# hand from the optimizer's documented update rule.
HAND_STEPS = [
    # var -= lr * g = 1 - 0.1 * 3
    ("sgd", lambda: tf.train.GradientDescentOptimizer(0.1), 0.7),
    # accum = 0.9 * 0 + 3 = 3; var -= 0.1 * 3
    ("momentum", lambda: tf.train.MomentumOptimizer(0.1, 0.9), 0.7),
    # accum = 3; var -= 0.1 * 3 + 0.1 * 0.9 * 3 = 0.57
    ("nesterov", lambda: tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True), 0.43),
    # accum = 0.1 + 9 = 9.1; var -= 0.1 * 3 / sqrt(9.1)
    ("adagrad", lambda: tf.train.AdagradOptimizer(0.1), 1 - 0.3 / math.sqrt(9.1)),
    # ms = 1 + (9 - 1) * 0.1 = 1.8 (rms starts at one); mom = 0.1 * 3 / sqrt(1.8 + 1e-10)
    ("rmsprop", lambda: tf.train.RMSPropOptimizer(0.1), 1 - 0.3 / math.sqrt(1.8)),
    # ms = 1.8; mg = 0.1 * 3 = 0.3; mom = 0.3 / sqrt(1.8 - 0.09)
    (
        "centered rmsprop",
        lambda: tf.train.RMSPropOptimizer(0.1, centered=True),
        1 - 0.3 / math.sqrt(1.71),
    ),
    # m = 0.3, v = 0.009, lr_t = 0.1 * sqrt(0.001) / 0.1; step = lr_t * 0.3 / sqrt(0.009) = 0.1
    ("adam", lambda: tf.train.AdamOptimizer(0.1), 0.9),
    # Adam's epsilon is added after the square root: step = lr_t * 0.3 / (sqrt(0.009) + 1)
    (
        "adam epsilon",
        lambda: tf.train.AdamOptimizer(0.1, epsilon=1.0),
        1 - 0.1 * math.sqrt(0.001) / 0.1 * 0.3 / (math.sqrt(0.009) + 1),
    ),
    # RMSProp's epsilon is added under the square root: mom = 0.3 / sqrt(1.8 + 1)
    (
        "rmsprop epsilon",
        lambda: tf.train.RMSPropOptimizer(0.1, epsilon=1.0),
        1 - 0.3 / math.sqrt(2.8),
    ),
]


@pytest.mark.parametrize(("label", "make", "expected"), HAND_STEPS, ids=[h[0] for h in HAND_STEPS])
def test_one_step_matches_the_hand_computed_value(label, make, expected):
    w = tf.Variable(1.0)
    train = make().minimize(3.0 * w)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        value = sess.run(w)
    assert value.dtype == np.float32
    assert value == pytest.approx(expected, rel=1e-6)


def test_momentum_second_step_accumulates_velocity():
    # accum = 0.9 * 3 + 3 = 5.7; var = 0.7 - 0.1 * 5.7 = 0.13
    w = tf.Variable(1.0)
    train = tf.train.MomentumOptimizer(0.1, 0.9).minimize(3.0 * w)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        sess.run(train)
        assert sess.run(w) == pytest.approx(0.13, rel=1e-5)


# -- several steps against NumPy references ------------------------------------------------------
# Written from the documented update rules, in float64, in the textbook form.


def _ref_sgd(w, g, s, lr=0.05):
    return w - lr * g


def _ref_momentum(w, g, s, lr=0.05, momentum=0.9, nesterov=False):
    s["momentum"] = momentum * s["momentum"] + g
    if nesterov:
        return w - (lr * g + lr * momentum * s["momentum"])
    return w - lr * s["momentum"]


def _ref_adagrad(w, g, s, lr=0.05):
    s["accumulator"] = s["accumulator"] + g * g
    return w - lr * g / np.sqrt(s["accumulator"])


def _ref_rmsprop(w, g, s, lr=0.05, decay=0.9, momentum=0.5, epsilon=1e-10, centered=False):
    s["rms"] = decay * s["rms"] + (1 - decay) * g * g
    denom = s["rms"] + epsilon
    if centered:
        s["mg"] = decay * s["mg"] + (1 - decay) * g
        denom = denom - s["mg"] ** 2
    s["momentum"] = momentum * s["momentum"] + lr * g / np.sqrt(denom)
    return w - s["momentum"]


def _ref_adam(w, g, s, lr=0.05, beta1=0.9, beta2=0.999, epsilon=1e-8):
    s["t"] = s.get("t", 0) + 1
    s["m"] = beta1 * s["m"] + (1 - beta1) * g
    s["v"] = beta2 * s["v"] + (1 - beta2) * g * g
    lr_t = lr * np.sqrt(1 - beta2 ** s["t"]) / (1 - beta1 ** s["t"])
    return w - lr_t * s["m"] / (np.sqrt(s["v"]) + epsilon)


# label, optimizer factory, reference step, initial slot values
REFERENCES = [
    ("sgd", lambda: tf.train.GradientDescentOptimizer(0.05), _ref_sgd, {}),
    ("momentum", lambda: tf.train.MomentumOptimizer(0.05, 0.9), _ref_momentum, {"momentum": 0.0}),
    (
        "nesterov",
        lambda: tf.train.MomentumOptimizer(0.05, 0.9, use_nesterov=True),
        lambda w, g, s: _ref_momentum(w, g, s, nesterov=True),
        {"momentum": 0.0},
    ),
    ("adagrad", lambda: tf.train.AdagradOptimizer(0.05), _ref_adagrad, {"accumulator": 0.1}),
    (
        "rmsprop",
        lambda: tf.train.RMSPropOptimizer(0.05, momentum=0.5),
        _ref_rmsprop,
        {"rms": 1.0, "momentum": 0.0},
    ),
    (
        "centered rmsprop",
        lambda: tf.train.RMSPropOptimizer(0.05, momentum=0.5, centered=True),
        lambda w, g, s: _ref_rmsprop(w, g, s, centered=True),
        {"rms": 1.0, "mg": 0.0, "momentum": 0.0},
    ),
    ("adam", lambda: tf.train.AdamOptimizer(0.05), _ref_adam, {"m": 0.0, "v": 0.0}),
]
REFERENCE_IDS = [r[0] for r in REFERENCES]


def _run_against_reference(make, reference, slots, start, target, steps):
    """Train loss = sum(w**2 / 2 - target * w) (gradient w - target); compare every step."""
    w = tf.Variable(start)
    loss = tf.reduce_sum(0.5 * w * w - tf.constant(target) * w)
    optimizer = make()
    train = optimizer.minimize(loss)
    state = {name: np.full(start.shape, value, np.float64) for name, value in slots.items()}
    expected = start.astype(np.float64)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(steps):
            sess.run(train)
            expected = reference(expected, expected - target, state)
            got = sess.run(w)
            assert got.dtype == np.float32
            np.testing.assert_allclose(got, expected, rtol=2e-5, atol=2e-6)
        for name in slots:
            slot_value = sess.run(optimizer.get_slot(w, name))
            assert slot_value.dtype == np.float32
            np.testing.assert_allclose(slot_value, state[name], rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize(("label", "make", "reference", "slots"), REFERENCES, ids=REFERENCE_IDS)
def test_several_steps_follow_the_numpy_reference(label, make, reference, slots):
    rng = np.random.default_rng(7)
    start = rng.standard_normal((4, 3)).astype(np.float32)
    target = rng.standard_normal((4, 3)).astype(np.float32)
    _run_against_reference(make, reference, slots, start, target, steps=5)


@pytest.mark.parametrize(("label", "make", "reference", "slots"), REFERENCES, ids=REFERENCE_IDS)
def test_variables_larger_than_one_block_are_updated_everywhere(label, make, reference, slots):
    # 300 x 250 = 75,000 elements: more than one 65,536-element block, the last one partial.
    rng = np.random.default_rng(3)
    start = rng.standard_normal((300, 250)).astype(np.float32)
    target = rng.standard_normal((300, 250)).astype(np.float32)
    _run_against_reference(make, reference, slots, start, target, steps=2)


@settings(max_examples=25, deadline=None)
@given(
    shape=st.lists(st.integers(1, 5), min_size=0, max_size=3),
    seed=st.integers(0, 2**32 - 1),
    which=st.sampled_from(range(len(REFERENCES))),
)
def test_random_shapes_and_values_follow_the_reference(shape, seed, which):
    _, make, reference, slots = REFERENCES[which]
    rng = np.random.default_rng(seed)
    start = rng.uniform(-3, 3, shape).astype(np.float32)
    target = rng.uniform(-3, 3, shape).astype(np.float32)
    with tf.Graph().as_default():
        _run_against_reference(make, reference, slots, start, target, steps=3)


# -- names, slots and the variables minimize creates --------------------------------------------

SLOTS = [
    ("sgd", lambda: tf.train.GradientDescentOptimizer(0.1), {}, []),
    (
        "momentum",
        lambda: tf.train.MomentumOptimizer(0.1, 0.9),
        {"momentum": ("Variable/Momentum:0", 0.0)},
        [],
    ),
    (
        "adagrad",
        lambda: tf.train.AdagradOptimizer(0.1, initial_accumulator_value=0.25),
        {"accumulator": ("Variable/Adagrad:0", 0.25)},
        [],
    ),
    (
        "rmsprop",
        lambda: tf.train.RMSPropOptimizer(0.1),
        {"rms": ("Variable/RMSProp:0", 1.0), "momentum": ("Variable/RMSProp_1:0", 0.0)},
        [],
    ),
    (
        "centered rmsprop",
        lambda: tf.train.RMSPropOptimizer(0.1, centered=True),
        {
            "rms": ("Variable/RMSProp:0", 1.0),
            "mg": ("Variable/RMSProp_1:0", 0.0),
            "momentum": ("Variable/RMSProp_2:0", 0.0),
        },
        [],
    ),
    (
        "adam",
        lambda: tf.train.AdamOptimizer(),
        {"m": ("Variable/Adam:0", 0.0), "v": ("Variable/Adam_1:0", 0.0)},
        [("beta1_power:0", 0.9), ("beta2_power:0", 0.999)],
    ),
]


@pytest.mark.parametrize(("label", "make", "slots", "non_slots"), SLOTS, ids=[s[0] for s in SLOTS])
def test_slots_have_tensorflow_names_and_initial_values(label, make, slots, non_slots):
    w = tf.Variable(tf.zeros([2, 3]))
    optimizer = make()
    optimizer.minimize(tf.reduce_sum(w * w))
    assert optimizer.get_slot_names() == sorted(slots)
    assert optimizer.get_slot(w, "no such slot") is None
    expected_names = ["Variable:0"] + [n for n, _ in non_slots] + [n for n, _ in slots.values()]
    assert sorted(v.name for v in tf.global_variables()) == sorted(expected_names)
    assert [v.name for v in tf.trainable_variables()] == ["Variable:0"]
    assert [v.name for v in optimizer.variables()] == sorted(expected_names[1:])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for slot_name, (var_name, initial) in slots.items():
            slot = optimizer.get_slot(w, slot_name)
            assert slot.name == var_name
            assert slot.shape.as_list() == [2, 3]
            np.testing.assert_array_equal(sess.run(slot), np.full((2, 3), initial, np.float32))
        for var_name, initial in non_slots:
            assert sess.run(var_name) == np.float32(initial)


def test_slot_initializers_do_not_take_top_level_op_names():
    w = tf.Variable(tf.zeros([2]))
    tf.train.AdamOptimizer().minimize(tf.reduce_sum(w * w))
    assert tf.zeros([1]).op.name == "zeros_1"  # only the user's tf.zeros([2]) came before
    graph = tf.get_default_graph()
    assert graph.get_operation_by_name("Variable/Adam/Initializer/zeros").type == "Const"


def test_the_train_op_is_named_after_the_optimizer():
    w = tf.Variable(1.0)
    first = tf.train.AdamOptimizer().minimize(w * w)
    second = tf.train.MomentumOptimizer(0.1, 0.9).minimize(w * w, name="Fast")
    third = tf.train.AdamOptimizer().minimize(w * w)
    assert (first.name, second.name, third.name) == ("Adam", "Fast", "Adam_1")


def test_adam_beta_powers_are_shared_by_one_optimizer_and_not_between_two():
    a = tf.Variable(1.0)
    b = tf.Variable(2.0)
    adam = tf.train.AdamOptimizer()
    adam.minimize(a * a, var_list=[a])
    adam.minimize(b * b, var_list=[b])
    tf.train.AdamOptimizer().minimize(a * b)
    names = {v.name for v in tf.global_variables()}
    assert {"beta1_power:0", "beta1_power_1:0", "beta2_power_1:0"} <= names
    assert "beta1_power_2:0" not in names


def test_adam_beta_powers_are_multiplied_after_each_step():
    w = tf.Variable(1.0)
    train = tf.train.AdamOptimizer(beta1=0.5, beta2=0.25).minimize(w * w)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(train)
        assert sess.run(["beta1_power:0", "beta2_power:0"]) == [0.5**4, 0.25**4]


def test_initializer_built_after_minimize_initializes_the_optimizer_variables():
    w = tf.Variable(1.0)
    early_init = tf.global_variables_initializer()
    train = tf.train.AdamOptimizer().minimize(w * w)
    with tf.Session() as sess:
        sess.run(early_init)
        with pytest.raises(errors.FailedPreconditionError, match="uninitialized value"):
            sess.run(train)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)


# -- global step ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("label", "make", "slots", "non_slots"), SLOTS, ids=[s[0] for s in SLOTS])
def test_global_step_goes_up_by_one_per_run(label, make, slots, non_slots):
    w = tf.Variable(1.0)
    step = tf.train.get_or_create_global_step()
    train = make().minimize(w * w, global_step=step)
    assert train.type == "AssignAdd"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for expected in (1, 2, 3):
            sess.run(train)
            assert tf.train.global_step(sess, step) == expected


def test_a_schedule_reads_the_global_step_before_the_run_increments_it():
    # Decay by 1/2 every step: the updates use rates 1, 0.5, 0.25 on the gradient 1.
    w = tf.Variable(0.0)
    step = tf.train.get_or_create_global_step()
    rate = tf.train.exponential_decay(1.0, step, decay_steps=1, decay_rate=0.5)
    train = tf.train.GradientDescentOptimizer(rate).minimize(w, global_step=step)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = []
        for _ in range(3):
            sess.run(train)
            values.append(float(sess.run(w)))
    assert values == [-1.0, -1.5, -1.75]


# -- learning rates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda lr: tf.train.GradientDescentOptimizer(lr),
        lambda lr: tf.train.MomentumOptimizer(lr, 0.9),
        lambda lr: tf.train.AdamOptimizer(lr),
        lambda lr: tf.train.AdagradOptimizer(lr),
        lambda lr: tf.train.RMSPropOptimizer(lr),
    ],
    ids=["sgd", "momentum", "adam", "adagrad", "rmsprop"],
)
def test_learning_rate_can_be_a_fed_placeholder(make):
    # On the first step every one of these moves w by an amount proportional to lr.
    rate = tf.placeholder(tf.float32, [])
    w = tf.Variable(1.0)
    train = make(rate).minimize(3.0 * w)
    moves = []
    for fed in (0.01, 0.02):
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train, feed_dict={rate: fed})
            moves.append(1.0 - float(sess.run(w)))
    assert moves[1] == pytest.approx(2 * moves[0], rel=1e-5)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(errors.InvalidArgumentError, match="must feed a value"):
            sess.run(train)


def test_hyper_parameters_can_be_callables():
    w = tf.Variable(1.0)
    train = tf.train.MomentumOptimizer(lambda: 0.1, lambda: 0.9).minimize(3.0 * w)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        assert sess.run(w) == pytest.approx(0.7)


def test_a_float64_learning_rate_is_cast_to_the_variable_dtype():
    rate = tf.placeholder(tf.float64, [])
    w = tf.Variable(np.array([1.0, 2.0], np.float32))
    train = tf.train.AdamOptimizer(rate).minimize(tf.reduce_sum(w * w))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, feed_dict={rate: 0.5})
        value = sess.run(w)
    assert value.dtype == np.float32
    np.testing.assert_allclose(value, [0.5, 1.5], rtol=1e-6)


def test_float64_variables_stay_float64():
    w = tf.Variable(np.array([1.0, 2.0]))
    optimizer = tf.train.AdamOptimizer(0.5)
    train = optimizer.minimize(tf.reduce_sum(w * w))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        assert sess.run(w).dtype == np.float64
        assert sess.run(optimizer.get_slot(w, "v")).dtype == np.float64


@pytest.mark.parametrize(
    ("staircase", "expected"),
    [
        (False, [1.0, 0.5**0.5, 0.5, 0.5**1.5, 0.25]),
        (True, [1.0, 1.0, 0.5, 0.5, 0.25]),
    ],
)
def test_exponential_decay(staircase, expected):
    step = tf.placeholder(tf.int64, [])
    rate = tf.train.exponential_decay(1.0, step, 2, 0.5, staircase=staircase)
    assert rate.op.name == "ExponentialDecay"
    with tf.Session() as sess:
        got = [float(sess.run(rate, {step: s})) for s in range(5)]
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_exponential_decay_needs_a_global_step():
    with pytest.raises(ValueError, match="global_step is required"):
        tf.train.exponential_decay(0.1, None, 100, 0.9)


# -- one run: gradients from the old values, then the updates -----------------------------------


@pytest.mark.parametrize(("label", "make", "reference", "slots"), REFERENCES, ids=REFERENCE_IDS)
def test_a_loss_fetched_with_the_train_op_is_the_loss_before_the_update(
    label, make, reference, slots
):
    w = tf.Variable(np.array([1.0, -2.0], np.float32))
    loss = tf.reduce_sum(w * w)
    train = make().minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        _, during = sess.run([train, loss])
        after = sess.run(loss)
    assert during == pytest.approx(5.0)
    assert after < during


def test_every_gradient_is_computed_from_the_values_before_the_run():
    a = tf.Variable(2.0)
    b = tf.Variable(3.0)
    train = tf.train.GradientDescentOptimizer(1.0).minimize(a * b)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        # d/da = b = 3, d/db = a = 2, both from the old values.
        assert sess.run([a, b]) == [-1.0, 1.0]


# -- bad input ------------------------------------------------------------------------------------


def test_no_variables_to_optimize():
    with pytest.raises(ValueError, match=r"^No variables to optimize\.$"):
        tf.train.AdamOptimizer().minimize(tf.constant(1.0) * 2.0)


def test_no_gradients_for_any_variable_names_the_variables():
    tf.Variable(1.0)
    x = tf.placeholder(tf.float32)
    with pytest.raises(ValueError, match=r"No gradients provided for any variable.*Variable:0"):
        tf.train.MomentumOptimizer(0.1, 0.9).minimize(x * 2.0)


def test_an_integer_loss_cannot_be_minimized():
    counter = tf.Variable(1, name="counter")
    with pytest.raises(ValueError, match=r"Invalid type tf.int32 for twice:0, expected: \[tf"):
        tf.train.AdamOptimizer().minimize(tf.multiply(counter, 2, name="twice"))


def test_a_gradient_of_the_wrong_static_shape_is_a_build_error():
    w = tf.Variable(tf.zeros([2, 3]))
    with pytest.raises(
        ValueError,
        match=r"Shapes must be equal, but are \[2,3\] and \[3\].*"
        r"ApplyAdam",
    ):
        tf.train.AdamOptimizer().apply_gradients([(tf.zeros([3]), w)])


def test_a_fed_gradient_of_the_wrong_shape_is_a_run_error_naming_the_op():
    w = tf.Variable(tf.zeros([2, 3]))
    grad = tf.placeholder(tf.float32)
    train = tf.train.RMSPropOptimizer(0.1).apply_gradients([(grad, w)])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(
            errors.InvalidArgumentError, match=r"same shape\[2,3\] \[6\](.|\n)*ApplyRMSProp"
        ):
            sess.run(train, {grad: np.zeros(6, np.float32)})
        np.testing.assert_array_equal(sess.run(w), np.zeros((2, 3)))


def test_adagrad_refuses_a_non_positive_initial_accumulator():
    with pytest.raises(ValueError, match="initial_accumulator_value must be positive: 0.0"):
        tf.train.AdagradOptimizer(0.1, initial_accumulator_value=0.0)
