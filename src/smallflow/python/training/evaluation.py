"""``tensorflow.python.training.evaluation``: the evaluation loop's pieces under TensorFlow's
private names (``_evaluate_once``, ``_StopAfterNEvalsHook``, ``_get_or_create_eval_step``),
as ``tf.contrib.training`` and tf_slim use them."""

from ...contrib.training_evaluation import (
    StopAfterNEvalsHook as _StopAfterNEvalsHook,
)
from ...contrib.training_evaluation import (
    evaluate_once as _evaluate_once,
)
from ...contrib.training_evaluation import (
    get_or_create_eval_step as _get_or_create_eval_step,
)

__all__ = ["_StopAfterNEvalsHook", "_evaluate_once", "_get_or_create_eval_step"]
