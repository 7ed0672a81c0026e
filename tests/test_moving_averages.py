"""ExponentialMovingAverage: shadow names, the update rule, num_updates, tensors with zero
debiasing, and variables_to_restore."""

import numpy as np
import pytest

import smallflow as tf


def test_shadow_follows_the_update_rule():
    v = tf.Variable(10.0, name="v")
    ema = tf.train.ExponentialMovingAverage(decay=0.9)
    update = ema.apply([v])
    shadow = ema.average(v)
    assert shadow.op.name == "v/ExponentialMovingAverage"
    assert ema.average_name(v) == "v/ExponentialMovingAverage"
    assert not shadow.trainable
    expected = 10.0
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for value in [0.0, 5.0, 2.0]:
            sess.run(tf.assign(v, value))
            sess.run(update)
            expected -= 0.1 * (expected - value)
            assert sess.run(shadow) == pytest.approx(expected)


@pytest.mark.parametrize(("num_updates", "decay"), [(0, 0.1), (10, 11 / 20), (10**6, 0.999)])
def test_num_updates_limits_the_decay(num_updates, decay):
    v = tf.Variable(1.0)
    ema = tf.train.ExponentialMovingAverage(0.999, num_updates=num_updates)
    update = ema.apply([v])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(tf.assign(v, 0.0))
        sess.run(update)
        assert sess.run(ema.average(v)) == pytest.approx(decay, rel=1e-6)


def test_tensor_average_starts_at_zero_without_debiasing_by_default():
    # TF 1.15 (pix2pix's averaged losses): the shadow of a tensor starts at zero and is
    # debiased only with zero_debias=True.
    x = tf.placeholder_with_default(tf.constant([2.0, 4.0]), [2])
    ema = tf.train.ExponentialMovingAverage(0.5)
    update = ema.apply([x])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(update)
        np.testing.assert_allclose(sess.run(ema.average(x)), [1.0, 2.0])


def test_tensor_average_is_zero_debiased_when_asked():
    x = tf.placeholder_with_default(tf.constant([2.0, 4.0]), [2])
    ema = tf.train.ExponentialMovingAverage(0.5, zero_debias=True)
    update = ema.apply([x])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(update)
        # Debiased: after one step the average is the value itself.
        np.testing.assert_allclose(sess.run(ema.average(x)), [2.0, 4.0])
        sess.run(update, {x: [0.0, 0.0]})
        # biased = 0.5*(0.5*v) = [0.5, 1]; / (1 - 0.25)
        np.testing.assert_allclose(sess.run(ema.average(x)), [2 / 3, 4 / 3], rtol=1e-6)


def test_variables_to_restore_maps_average_names_to_variables():
    w = tf.Variable(1.0, name="w")
    step = tf.Variable(0, name="step", trainable=False)
    ema = tf.train.ExponentialMovingAverage(0.9)
    ema.apply([w])
    restore = ema.variables_to_restore()
    assert restore == {"w/ExponentialMovingAverage": w, "step": step}


def test_applying_twice_to_one_variable_is_refused():
    w = tf.Variable(1.0)
    ema = tf.train.ExponentialMovingAverage(0.9)
    ema.apply([w])
    with pytest.raises(ValueError, match="already computed"):
        ema.apply([w])


def test_integer_variables_are_refused():
    with pytest.raises(TypeError, match="half, float, or double"):
        tf.train.ExponentialMovingAverage(0.9).apply([tf.Variable(1)])


def test_evaluate_with_averages_through_a_saver(tmp_path):
    w = tf.Variable(1.0, name="w")
    ema = tf.train.ExponentialMovingAverage(0.5)
    update = ema.apply([w])
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(tf.assign(w, 3.0))
        sess.run(update)  # shadow 2.0
        path = saver.save(sess, str(tmp_path / "model"))
    restorer = tf.train.Saver(ema.variables_to_restore())
    with tf.Session() as sess:
        restorer.restore(sess, path)
        assert sess.run(w) == pytest.approx(2.0)
