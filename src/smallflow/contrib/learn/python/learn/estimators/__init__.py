"""``tensorflow.contrib.learn.python.learn.estimators``: the Estimator modules under TF1's
long path (``estimator``, ``model_fn``, ``run_config``, ``prediction_key``, ``metric_key``)."""

import sys as _sys

from .... import learn_estimator as estimator
from .... import model_fn
from ....estimators import (  # noqa: F401  (re-exports under TF1's long path)
    DNNClassifier,
    DNNLinearCombinedClassifier,
    DNNLinearCombinedRegressor,
    DNNRegressor,
    LinearClassifier,
    LinearRegressor,
)
from ....learn_estimator import Estimator, RunConfig, SKCompat  # noqa: F401
from ....model_fn import MetricKey, ModeKeys, ModelFnOps, PredictionKey  # noqa: F401

__all__ = ["estimator", "metric_key", "model_fn", "prediction_key", "run_config"]

run_config = prediction_key = metric_key = model_fn
for _name, _module in (("estimator", estimator), ("model_fn", model_fn),
                       ("run_config", estimator), ("prediction_key", model_fn),
                       ("metric_key", model_fn)):
    _sys.modules[f"{__name__}.{_name}"] = _module
