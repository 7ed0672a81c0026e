"""Learning-rate schedules against TensorFlow 1.x's documented formulas, step by step."""

import math

import numpy as np
import pytest

import smallflow as tf

STEPS = [0, 1, 5, 10, 15, 25, 40]


def _values(schedule):
    step = tf.placeholder(tf.int64, [])
    rate = schedule(step)
    with tf.Session() as sess:
        return [float(sess.run(rate, {step: s})) for s in STEPS]


def _polynomial(s, cycle=False, lr=0.1, end=0.01, decay=10, power=2.0):
    if cycle:
        decay = decay * max(1, math.ceil(s / decay))
    else:
        s = min(s, decay)
    return (lr - end) * (1 - s / decay) ** power + end


def _cosine(s, lr=0.1, decay=10, alpha=0.1):
    s = min(s, decay)
    return lr * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * s / decay)) + alpha)


def _restarts(s, lr=0.1, first=4, t_mul=2.0, m_mul=0.5, alpha=0.0):
    fraction = s / first
    i = math.floor(math.log(1 - fraction * (1 - t_mul)) / math.log(t_mul))
    done = (1 - t_mul**i) / (1 - t_mul)
    fraction = (fraction - done) / t_mul**i
    return lr * ((1 - alpha) * m_mul**i * 0.5 * (1 + math.cos(math.pi * fraction)) + alpha)


def _linear_cosine(s, lr=0.1, decay=10, periods=0.5, alpha=0.0, beta=0.001):
    s = min(s, decay)
    linear = (decay - s) / decay
    cosine = 0.5 * (1 + math.cos(math.pi * 2 * periods * s / decay))
    return lr * ((alpha + linear) * cosine + beta)


SCHEDULES = [
    ("piecewise_constant",
     lambda step: tf.train.piecewise_constant(step, [5, 15], [1.0, 0.5, 0.1]),
     lambda s: 1.0 if s <= 5 else (0.5 if s <= 15 else 0.1)),
    ("polynomial", lambda step: tf.train.polynomial_decay(0.1, step, 10, 0.01, power=2.0),
     _polynomial),
    ("polynomial_cycle",
     lambda step: tf.train.polynomial_decay(0.1, step, 10, 0.01, power=2.0, cycle=True),
     lambda s: _polynomial(s, cycle=True)),
    ("natural_exp", lambda step: tf.train.natural_exp_decay(0.1, step, 10, 0.5),
     lambda s: 0.1 * math.exp(-0.5 * s / 10)),
    ("natural_exp_staircase",
     lambda step: tf.train.natural_exp_decay(0.1, step, 10, 0.5, staircase=True),
     lambda s: 0.1 * math.exp(-0.5 * (s // 10))),
    ("inverse_time", lambda step: tf.train.inverse_time_decay(0.1, step, 10, 0.5),
     lambda s: 0.1 / (1 + 0.5 * s / 10)),
    ("inverse_time_staircase",
     lambda step: tf.train.inverse_time_decay(0.1, step, 10, 0.5, staircase=True),
     lambda s: 0.1 / (1 + 0.5 * (s // 10))),
    ("exponential", lambda step: tf.train.exponential_decay(0.1, step, 10, 0.5),
     lambda s: 0.1 * 0.5 ** (s / 10)),
    ("cosine", lambda step: tf.train.cosine_decay(0.1, step, 10, alpha=0.1), _cosine),
    ("cosine_restarts",
     lambda step: tf.train.cosine_decay_restarts(0.1, step, 4, t_mul=2.0, m_mul=0.5),
     _restarts),
    ("cosine_restarts_t_mul_1",
     lambda step: tf.train.cosine_decay_restarts(0.1, step, 4, t_mul=1.0),
     lambda s: 0.1 * 0.5 * (1 + math.cos(math.pi * ((s / 4) % 1)))),
    ("linear_cosine", lambda step: tf.train.linear_cosine_decay(0.1, step, 10),
     _linear_cosine),
]


@pytest.mark.parametrize(("label", "schedule", "formula"), SCHEDULES,
                         ids=[s[0] for s in SCHEDULES])
def test_schedule_matches_formula(label, schedule, formula):
    expected = [formula(s) for s in STEPS]
    np.testing.assert_allclose(_values(schedule), expected, rtol=2e-6, atol=1e-7)


def test_noisy_linear_cosine_decay_stays_near_the_noiseless_curve_late():
    step = tf.constant(10**6, tf.int64)
    noisy = tf.train.noisy_linear_cosine_decay(0.1, step, 10**6, initial_variance=1e-6)
    with tf.Session() as sess:
        value = sess.run(noisy)
    assert abs(value - 0.1 * 0.001) < 1e-4


def test_piecewise_constant_needs_one_more_value_than_boundaries():
    with pytest.raises(ValueError, match="1 less than the length of values"):
        tf.train.piecewise_constant(tf.constant(1), [1, 2], [0.1, 0.2])


@pytest.mark.parametrize("schedule", [tf.train.cosine_decay, tf.train.linear_cosine_decay])
def test_schedules_need_a_global_step(schedule):
    with pytest.raises(ValueError, match="global_step is required"):
        schedule(0.1, None, 10)
