"""``tensorflow.python.data``: the ``tf.data`` names TF1 programs import from this path
(``from tensorflow.python.data import Dataset``, as Google's Machine Learning Crash Course
does), and the ``ops`` modules (``dataset_ops``, ``iterator_ops``, ``readers``)."""

from ...data import (
    Dataset,
    FixedLengthRecordDataset,
    Iterator,
    TextLineDataset,
    TFRecordDataset,
    experimental,
    make_initializable_iterator,
    make_one_shot_iterator,
)

__all__ = ["Dataset", "FixedLengthRecordDataset", "Iterator", "TFRecordDataset",
           "TextLineDataset", "experimental", "make_initializable_iterator",
           "make_one_shot_iterator"]
