"""``tf.contrib.learn``: ``datasets`` (load_dataset, the CSV loaders, iris/boston/mnist/dbpedia)
and ``preprocessing`` (VocabularyProcessor, ByteProcessor), ``ModeKeys``. The contrib Estimators
are not provided: use ``tf.estimator``."""

from .._missing import missing_attribute
from . import datasets, preprocessing

__all__ = ["ModeKeys", "datasets", "preprocessing"]


class ModeKeys:
    """The modes a TF1 contrib.learn model is built in (NMT tests ``mode == ModeKeys.TRAIN``)."""

    TRAIN = "train"
    EVAL = "eval"
    INFER = "infer"

__getattr__ = missing_attribute(__name__, "tf.contrib.learn")
