"""``tf.contrib.learn``: TensorFlow 1.0-1.x's high-level training API.

``Estimator`` (a ``model_fn`` returning ``ModelFnOps`` or a tuple), ``SKCompat``,
``RunConfig``, ``MetricSpec``, ``monitors`` (``ValidationMonitor`` with early stopping...),
``Experiment`` and ``learn_runner`` (learn_estimator.py, model_fn.py, monitors.py,
experiment.py); the canned Estimators (``DNNClassifier``... with ``fit``/``evaluate``/
``predict``) over ``tf.estimator``'s (estimators.py); NumPy ``x``/``y`` fed as TensorFlow's
data feeder fed them (learn_io.py); ``datasets`` and ``preprocessing``."""

from ...train.session_run_hook import NanLossDuringTrainingError
from .._missing import missing_attribute
from ..factorization.kmeans_estimator import LearnKMeansClustering as KMeansClustering
from . import datasets, io, learn_runner, monitors, preprocessing, utils
from .estimators import (
    DNNClassifier,
    DNNLinearCombinedClassifier,
    DNNLinearCombinedRegressor,
    DNNRegressor,
    LinearClassifier,
    LinearRegressor,
    infer_real_valued_columns_from_input,
)
from .experiment import Experiment, ExportStrategy
from .export_utils import InputFnOps, build_parsing_serving_input_fn, make_export_strategy
from .graph_io import (
    read_batch_examples,
    read_batch_features,
    read_batch_record_features,
    read_keyed_batch_examples,
    read_keyed_batch_features,
)
from .learn_estimator import (
    Estimator,
    NotFittedError,
    RunConfig,
    SKCompat,
    infer_real_valued_columns_from_input_fn,
)
from .learn_io import extract_pandas_data, extract_pandas_labels, extract_pandas_matrix
from .model_fn import MetricKey, MetricSpec, ModeKeys, ModelFnOps, PredictionKey

__all__ = ["DNNClassifier", "DNNLinearCombinedClassifier", "DNNLinearCombinedRegressor",
           "DNNRegressor", "Estimator", "Experiment", "ExportStrategy", "InputFnOps",
           "KMeansClustering", "LinearClassifier", "LinearRegressor", "MetricKey", "MetricSpec",
           "ModeKeys", "ModelFnOps", "NanLossDuringTrainingError", "NotFittedError",
           "PredictionKey", "RunConfig", "SKCompat", "build_parsing_serving_input_fn", "datasets",
           "extract_pandas_data", "extract_pandas_labels", "extract_pandas_matrix",
           "infer_real_valued_columns_from_input", "infer_real_valued_columns_from_input_fn",
           "io", "learn_runner", "make_export_strategy", "monitors", "preprocessing",
           "read_batch_examples", "read_batch_features", "read_batch_record_features",
           "read_keyed_batch_examples", "read_keyed_batch_features", "utils"]

__getattr__ = missing_attribute(__name__, "tf.contrib.learn")
