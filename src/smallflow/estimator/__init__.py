"""``tf.estimator``: model_fn-based training with checkpoints, and the canned estimators."""

# TensorFlow exposes the session-run hooks under tf.estimator as well as tf.train.
from ..train import session_run_hook as _hooks
from ..train.session_run_hook import *  # noqa: F403
from . import experimental, export, inputs, tpu
from .boosted_trees import BoostedTreesClassifier, BoostedTreesRegressor
from .canned import (
    DNNClassifier,
    DNNLinearCombinedClassifier,
    DNNLinearCombinedRegressor,
    DNNRegressor,
    LinearClassifier,
    LinearRegressor,
)
from .estimator import Estimator, EstimatorSpec, ModeKeys, RunConfig, WarmStartSettings
from .exporter import BestExporter, Exporter, FinalExporter, LatestExporter
from .extras import (
    BaselineClassifier,
    BaselineRegressor,
    add_metrics,
    classifier_parse_example_spec,
    regressor_parse_example_spec,
)
from .training import EvalSpec, TrainSpec, train_and_evaluate

__all__ = [
    *_hooks.__all__,
    "BaselineClassifier",
    "BoostedTreesClassifier",
    "BoostedTreesRegressor",
    "WarmStartSettings",
    "BestExporter",
    "Exporter",
    "FinalExporter",
    "LatestExporter",
    "experimental",
    "export",
    "BaselineRegressor",
    "add_metrics",
    "classifier_parse_example_spec",
    "regressor_parse_example_spec",
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
    "tpu",
    "train_and_evaluate",
]
