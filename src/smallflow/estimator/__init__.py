"""``tf.estimator``: model_fn-based training with checkpoints, and the canned estimators."""

from . import inputs
from .canned import (
    DNNClassifier,
    DNNLinearCombinedClassifier,
    DNNLinearCombinedRegressor,
    DNNRegressor,
    LinearClassifier,
    LinearRegressor,
)
from .estimator import Estimator, EstimatorSpec, ModeKeys, RunConfig
from .training import EvalSpec, TrainSpec, train_and_evaluate

__all__ = [
    "DNNClassifier",
    "DNNLinearCombinedClassifier",
    "DNNLinearCombinedRegressor",
    "DNNRegressor",
    "Estimator",
    "EstimatorSpec",
    "EvalSpec",
    "LinearClassifier",
    "LinearRegressor",
    "ModeKeys",
    "RunConfig",
    "TrainSpec",
    "inputs",
    "train_and_evaluate",
]
