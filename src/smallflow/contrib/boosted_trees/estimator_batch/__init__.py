"""``tf.contrib.boosted_trees.estimator_batch``: the GBDT estimators, their model function and
hooks."""

from . import estimator, model, trainer_hooks

__all__ = ["estimator", "model", "trainer_hooks"]
