"""``tf.contrib.learn``: ``datasets`` (load_dataset, the CSV loaders, iris/boston/mnist/dbpedia)
and ``preprocessing`` (VocabularyProcessor, ByteProcessor), ``ModeKeys``, and TF 1.0's canned
Estimators (``DNNClassifier``... with ``fit``/``evaluate``/``predict``) over ``tf.estimator``'s
(see estimators.py). ``Experiment``, ``learn_runner`` and ``SKCompat`` are not provided."""

from .._missing import missing_attribute
from . import datasets, preprocessing
from .estimators import (
    DNNClassifier,
    DNNLinearCombinedClassifier,
    DNNLinearCombinedRegressor,
    DNNRegressor,
    LinearClassifier,
    LinearRegressor,
    infer_real_valued_columns_from_input,
)

__all__ = ["DNNClassifier", "DNNLinearCombinedClassifier", "DNNLinearCombinedRegressor",
           "DNNRegressor", "LinearClassifier", "LinearRegressor", "ModeKeys", "datasets",
           "infer_real_valued_columns_from_input", "preprocessing"]


class ModeKeys:
    """The modes a TF1 contrib.learn model is built in (NMT tests ``mode == ModeKeys.TRAIN``)."""

    TRAIN = "train"
    EVAL = "eval"
    INFER = "infer"

__getattr__ = missing_attribute(__name__, "tf.contrib.learn")
