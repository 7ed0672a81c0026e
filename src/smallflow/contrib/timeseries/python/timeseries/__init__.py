"""``tensorflow.contrib.timeseries.python.timeseries``: the modules at TensorFlow's paths."""

from . import ar_model, estimators, feature_keys, input_pipeline
from .ar_model import ARModel
from .estimators import ARRegressor, TimeSeriesRegressor, predict_continuation_input_fn
from .feature_keys import TrainEvalFeatures
from .input_pipeline import CSVReader, NumpyReader, RandomWindowInputFn, WholeDatasetInputFn

__all__ = ["ARModel", "ARRegressor", "CSVReader", "NumpyReader", "RandomWindowInputFn",
           "TimeSeriesRegressor", "TrainEvalFeatures", "WholeDatasetInputFn", "ar_model",
           "estimators", "feature_keys", "input_pipeline", "predict_continuation_input_fn"]
