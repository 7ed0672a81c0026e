"""``tf.contrib.learn``: ``datasets`` (load_dataset, the CSV loaders, iris/boston/mnist/dbpedia)
and ``preprocessing`` (VocabularyProcessor, ByteProcessor). The contrib Estimators are not
provided: use ``tf.estimator``."""

from .._missing import missing_attribute
from . import datasets, preprocessing

__all__ = ["datasets", "preprocessing"]

__getattr__ = missing_attribute(__name__, "tf.contrib.learn")
