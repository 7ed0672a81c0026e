"""Feature and result key names of ``tf.contrib.timeseries`` (TensorFlow 1.15's strings)."""


class State:
    """Key of a model's state in features."""

    STATE_TUPLE = "start_tuple"


class Times:
    """Key of the times feature."""

    TIMES = "times"


class Values:
    """Key of the values feature."""

    VALUES = "values"


class TrainEvalFeatures(Times, Values):
    """Features for training and evaluation: ``times`` [batch, window] and ``values``
    [batch, window, num_features]."""


class PredictionFeatures(Times, State):
    """Features for prediction: the times to predict and the state to start from."""


class FilteringFeatures(Times, Values, State):
    """Features for filtering."""


class PredictionResults:
    """Keys of prediction outputs."""

    TIMES = "times"


class FilteringResults:
    """Keys of evaluation (filtering) outputs."""

    TIMES = "times"
    STATE_TUPLE = "start_tuple"


class SavedModelLabels:
    """Signature names of exported time series models."""

    PREDICT = "predict"
    FILTER = "filter"
    COLD_START_FILTER = "cold_start_filter"
