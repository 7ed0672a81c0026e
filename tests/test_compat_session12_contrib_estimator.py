"""Session 12 (helper contrib): the early-stopping hooks of ``tf.estimator.experimental`` (also
under ``tf.contrib.estimator``), as r1.15's tensorflow_estimator defines them: metrics read
from the eval directory's event files, the predicate checked on a timer by the chief."""

import numpy as np
import pytest

import smallflow as tf

pytest.importorskip("tensorboard")


def _estimator(model_dir):
    def model_fn(features, labels, mode):
        w = tf.get_variable("w", [1], initializer=tf.zeros_initializer())
        loss = tf.reduce_mean(tf.square(features["x"] * w - labels))
        step = tf.train.get_or_create_global_step()
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=step)
        return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train)

    return tf.estimator.Estimator(model_fn, model_dir=str(model_dir))


def _input_fn():
    x = np.ones([4, 1], np.float32)
    return tf.data.Dataset.from_tensors(({"x": x}, 2 * x)).repeat()


def _write_eval_events(eval_dir, points):
    writer = tf.summary.FileWriter(eval_dir)
    for step, loss in points:
        writer.add_summary(tf.Summary(value=[tf.Summary.Value(tag="loss", simple_value=loss)]),
                           step)
    writer.close()


def test_read_eval_metrics_orders_by_step(tmp_path):
    _write_eval_events(str(tmp_path), [(20, 0.5), (10, 0.7)])
    metrics = tf.contrib.estimator.read_eval_metrics(str(tmp_path))
    assert list(metrics) == [10, 20]
    assert metrics[20]["loss"] == pytest.approx(0.5)
    assert tf.contrib.estimator.read_eval_metrics(str(tmp_path / "missing")) == {}


@pytest.mark.parametrize(("make_hook", "stops"), [
    (lambda est: tf.estimator.experimental.stop_if_no_decrease_hook(
        est, "loss", 10, run_every_secs=None, run_every_steps=1), True),
    (lambda est: tf.estimator.experimental.stop_if_no_decrease_hook(
        est, "loss", 50, run_every_secs=None, run_every_steps=1), False),
    (lambda est: tf.estimator.experimental.stop_if_lower_hook(
        est, "loss", 0.6, run_every_secs=None, run_every_steps=1), True),
    (lambda est: tf.estimator.experimental.stop_if_lower_hook(
        est, "loss", 0.6, min_steps=31, run_every_secs=None, run_every_steps=1), False),
    (lambda est: tf.estimator.experimental.stop_if_higher_hook(
        est, "loss", 0.9, run_every_secs=None, run_every_steps=1), False),
])
def test_early_stopping_hooks_stop_training(tmp_path, make_hook, stops):
    """Evaluations at steps 10 (0.7), 20 (0.5) and 30 (0.55): 10 steps without a decrease
    by step 30; below 0.6 from step 20; never above 0.9."""
    estimator = _estimator(tmp_path)
    _write_eval_events(estimator.eval_dir(), [(10, 0.7), (20, 0.5), (30, 0.55)])
    estimator.train(_input_fn, hooks=[make_hook(estimator)], steps=5)
    assert estimator.get_variable_value("global_step") == (1 if stops else 5)


def test_early_stopping_hook_arguments_are_checked(tmp_path):
    estimator = _estimator(tmp_path)
    with pytest.raises(ValueError, match="Only one of `run_every_secs` and `run_every_steps`"):
        tf.estimator.experimental.stop_if_lower_hook(estimator, "loss", 1.0, run_every_secs=5,
                                                     run_every_steps=5)
    with pytest.raises(TypeError, match="must have type `tf.estimator.Estimator`"):
        tf.estimator.experimental.make_early_stopping_hook("est", lambda: True)
    assert estimator.eval_dir("valid") == str(tmp_path / "eval_valid")
