"""``tf.contrib.boosted_trees.estimator_batch.trainer_hooks``: stopping after n trees."""

from .... import logging, train

__all__ = ["StopAfterNTrees"]


class StopAfterNTrees(train.SessionRunHook):
    """Requests a stop once ``n`` trees are finalized, or after more than ``2 n`` attempts to
    build one (TensorFlow's rule)."""

    def __init__(self, n, num_attempted_trees_tensor, num_finalized_trees_tensor,
                 override_global_step_value=None):
        self._num_trees = n
        self._num_attempted_trees_tensor = num_attempted_trees_tensor
        self._num_finalized_trees_tensor = num_finalized_trees_tensor
        self._override_global_step_value = override_global_step_value

    def before_run(self, run_context):
        return train.SessionRunArgs({"num_attempted_trees": self._num_attempted_trees_tensor,
                                     "num_finalized_trees": self._num_finalized_trees_tensor})

    def after_run(self, run_context, run_values):
        attempted = run_values.results["num_attempted_trees"]
        finalized = run_values.results["num_finalized_trees"]
        if finalized >= self._num_trees or attempted > 2 * self._num_trees:
            logging.info("Requesting stop since we have reached %d trees.", finalized)
            run_context.request_stop()
