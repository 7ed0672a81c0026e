"""``tf.contrib.learn.datasets.mnist``: the same reader as the tutorials' ``input_data``."""

from ....datasets.mnist import (
    DataSet,
    dense_to_one_hot,
    extract_images,
    extract_labels,
    read_data_sets,
)

__all__ = ["DataSet", "dense_to_one_hot", "extract_images", "extract_labels", "load_mnist",
           "read_data_sets"]


def load_mnist(train_dir="MNIST-data"):
    return read_data_sets(train_dir)
