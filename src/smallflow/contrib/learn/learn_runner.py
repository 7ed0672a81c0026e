"""``tf.contrib.learn.learn_runner``: ``run`` an Experiment's schedule (see experiment.py)."""

from .experiment import run, tune

__all__ = ["run", "tune"]
