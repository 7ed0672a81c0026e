"""``tf.contrib.timeseries`` (TensorFlow 1.15's TFTS): readers (``NumpyReader``,
``CSVReader``), input functions (``RandomWindowInputFn``, ``WholeDatasetInputFn``), the
autoregressive ``ARRegressor`` / ``ARModel`` and ``predict_continuation_input_fn``.
State space models, custom-model base classes and saved_model_utils are not provided.
"""

from .._missing import missing_attribute
from . import python
from .python.timeseries.ar_model import ARModel
from .python.timeseries.estimators import (
    ARRegressor,
    TimeSeriesRegressor,
    predict_continuation_input_fn,
)
from .python.timeseries.feature_keys import (
    FilteringResults,
    PredictionFeatures,
    PredictionResults,
    TrainEvalFeatures,
)
from .python.timeseries.input_pipeline import (
    CSVReader,
    NumpyReader,
    RandomWindowInputFn,
    WholeDatasetInputFn,
)

__all__ = ["ARModel", "ARRegressor", "CSVReader", "FilteringResults", "NumpyReader",
           "PredictionFeatures", "PredictionResults", "RandomWindowInputFn",
           "TimeSeriesRegressor", "TrainEvalFeatures", "WholeDatasetInputFn",
           "predict_continuation_input_fn", "python"]

__getattr__ = missing_attribute(__name__, "tf.contrib.timeseries")
