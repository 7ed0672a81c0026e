"""``tf.contrib.learn.io``: the input helpers of contrib.learn (NumPy / pandas input
functions, the data feeder and pandas extraction)."""

from ...estimator.inputs import numpy_input_fn, pandas_input_fn
from .learn_io import (
    DataFeeder,
    extract_pandas_data,
    extract_pandas_labels,
    extract_pandas_matrix,
    setup_predict_data_feeder,
    setup_train_data_feeder,
)

__all__ = ["DataFeeder", "extract_pandas_data", "extract_pandas_labels",
           "extract_pandas_matrix", "numpy_input_fn", "pandas_input_fn",
           "setup_predict_data_feeder", "setup_train_data_feeder"]
