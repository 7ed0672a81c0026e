"""TensorFlow 1.x's import path for the MNIST reader: ``from ... import input_data``."""

from smallflow.datasets.download import DEFAULT_SOURCE_URL
from smallflow.datasets.mnist import (
    DataSet,
    Datasets,
    dense_to_one_hot,
    extract_images,
    extract_labels,
    read_data_sets,
)

__all__ = [
    "DEFAULT_SOURCE_URL",
    "DataSet",
    "Datasets",
    "dense_to_one_hot",
    "extract_images",
    "extract_labels",
    "read_data_sets",
]
