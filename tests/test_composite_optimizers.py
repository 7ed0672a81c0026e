"""Adadelta, FTRL, proximal GD/Adagrad and AdagradDA against NumPy versions of TensorFlow's
update formulas, three steps on a fixed quadratic."""

import numpy as np
import pytest

import smallflow as tf

W0 = np.array([1.0, -2.0, 0.5])
TARGET = np.array([0.3, 0.1, -0.4])


def _grad(w):
    # loss = sum((w - target)^2) / 2 * [1, 2, 3]
    return (w - TARGET) * np.array([1.0, 2.0, 3.0])


def _adadelta(steps, lr=0.5, rho=0.9, eps=1e-6):
    w = W0.copy()
    accum = np.zeros(3)
    accum_update = np.zeros(3)
    for _ in range(steps):
        g = _grad(w)
        accum = rho * accum + (1 - rho) * g * g
        update = np.sqrt(accum_update + eps) / np.sqrt(accum + eps) * g
        accum_update = rho * accum_update + (1 - rho) * update * update
        w = w - lr * update
    return w


def _ftrl(steps, lr=0.2, power=-0.5, init=0.1, l1=0.01, l2=0.02, shrink=0.0):
    w = W0.copy()
    accum = np.full(3, init)
    linear = np.zeros(3)
    for _ in range(steps):
        g = _grad(w)
        g_shrunk = g + 2 * shrink * w
        new_accum = accum + g * g
        sigma = (new_accum ** -power - accum ** -power) / lr
        linear = linear + g_shrunk - sigma * w
        quadratic = new_accum ** -power / lr + 2 * l2
        w = np.where(np.abs(linear) > l1, (np.sign(linear) * l1 - linear) / quadratic, 0.0)
        accum = new_accum
    return w


def _prox(v, rate, l1, l2):
    return np.sign(v) * np.maximum(np.abs(v) - rate * l1, 0) / (1 + rate * l2)


def _proximal_gd(steps, lr=0.1, l1=0.05, l2=0.1):
    w = W0.copy()
    for _ in range(steps):
        w = _prox(w - lr * _grad(w), lr, l1, l2)
    return w


def _proximal_adagrad(steps, lr=0.3, init=0.1, l1=0.05, l2=0.1):
    w = W0.copy()
    accum = np.full(3, init)
    for _ in range(steps):
        g = _grad(w)
        accum = accum + g * g
        rate = lr / np.sqrt(accum)
        w = _prox(w - rate * g, rate, l1, l2)
    return w


def _adagrad_da(steps, lr=0.5, init=0.1, l1=0.01, l2=0.02):
    w = W0.copy()
    sums = np.zeros(3)
    squares = np.full(3, init)
    for step in range(steps):
        g = _grad(w)
        sums += g
        squares += g * g
        t = step + 1
        w = -np.sign(sums) * np.maximum(np.abs(sums) - l1 * t, 0) / (l2 * t + np.sqrt(squares) / lr)
    return w


def _global_step_da():
    step = tf.train.get_or_create_global_step()
    return tf.train.AdagradDAOptimizer(0.5, step, l1_regularization_strength=0.01,
                                       l2_regularization_strength=0.02)


CASES = [
    ("adadelta", lambda: tf.train.AdadeltaOptimizer(0.5, rho=0.9, epsilon=1e-6), _adadelta),
    ("ftrl", lambda: tf.train.FtrlOptimizer(0.2, l1_regularization_strength=0.01,
                                            l2_regularization_strength=0.02), _ftrl),
    ("proximal_gd", lambda: tf.train.ProximalGradientDescentOptimizer(
        0.1, l1_regularization_strength=0.05, l2_regularization_strength=0.1), _proximal_gd),
    ("proximal_adagrad", lambda: tf.train.ProximalAdagradOptimizer(
        0.3, l1_regularization_strength=0.05, l2_regularization_strength=0.1),
     _proximal_adagrad),
    ("adagrad_da", _global_step_da, _adagrad_da),
]


# Hyper-parameters pass through float32 tensors (as in TensorFlow), hence rtol 1e-6.
@pytest.mark.parametrize(("label", "make", "reference"), CASES, ids=[c[0] for c in CASES])
def test_three_steps_match_the_numpy_formula(label, make, reference):
    w = tf.Variable(W0)
    loss = tf.reduce_sum(tf.square(w - TARGET) * np.array([1.0, 2.0, 3.0])) / 2
    optimizer = make()
    step = tf.train.get_global_step()
    train = optimizer.minimize(loss, global_step=step)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(train)
        np.testing.assert_allclose(sess.run(w), reference(3), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize(("make", "slots"), [
    (lambda: tf.train.AdadeltaOptimizer(), ["accum", "accum_update"]),
    (lambda: tf.train.FtrlOptimizer(0.1), ["accum", "linear"]),
    (lambda: tf.train.ProximalAdagradOptimizer(0.1), ["accumulator"]),
])
def test_slot_names(make, slots):
    w = tf.Variable([1.0])
    optimizer = make()
    optimizer.minimize(tf.reduce_sum(w * w))
    assert optimizer.get_slot_names() == slots


@pytest.mark.parametrize(("make", "message"), [
    (lambda: tf.train.FtrlOptimizer(0.1, learning_rate_power=0.5), "learning_rate_power"),
    (lambda: tf.train.FtrlOptimizer(0.1, l1_regularization_strength=-1.0), "l1_regularization"),
    (lambda: tf.train.ProximalAdagradOptimizer(0.1, initial_accumulator_value=0.0),
     "initial_accumulator_value must be positive"),
])
def test_bad_hyper_parameters_are_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make()
