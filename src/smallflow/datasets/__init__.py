"""Data sets for the tutorials: the IDX reader and MNIST with TensorFlow 1.x's interface."""

from smallflow.datasets.download import ChecksumError, DownloadError
from smallflow.datasets.idx import IDXError, read_idx, write_idx
from smallflow.datasets.mnist import DataSet, Datasets, read_data_sets

__all__ = [
    "ChecksumError",
    "DataSet",
    "Datasets",
    "DownloadError",
    "IDXError",
    "read_data_sets",
    "read_idx",
    "write_idx",
]
