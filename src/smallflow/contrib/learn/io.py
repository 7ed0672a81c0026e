"""``tf.contrib.learn.io``: the input helpers of contrib.learn (NumPy / pandas input
functions, the data feeder and pandas extraction, the queue-based readers of graph_io)."""

from ...estimator.inputs import numpy_input_fn, pandas_input_fn
from .graph_io import (
    queue_parsed_features,
    read_batch_examples,
    read_batch_features,
    read_batch_record_features,
    read_keyed_batch_examples,
    read_keyed_batch_features,
)
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
           "queue_parsed_features", "read_batch_examples", "read_batch_features",
           "read_batch_record_features", "read_keyed_batch_examples",
           "read_keyed_batch_features", "setup_predict_data_feeder",
           "setup_train_data_feeder"]
