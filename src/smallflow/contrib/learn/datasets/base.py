"""``tf.contrib.learn.datasets.base``: TF1's small CSV loaders and the bundled iris / boston sets.

The CSV layouts are TensorFlow's: a file *with* header starts with a row
``n_samples,n_features,...`` (further header fields, such as class names, are ignored); a file
*without* header holds only data rows. The target is one column (``target_column``, last by
default), popped from each row; the rest are the features.
"""

import collections
import csv
import importlib.resources
import os

import numpy as np

from ....datasets.download import write_verified

Dataset = collections.namedtuple("Dataset", ["data", "target"])
Datasets = collections.namedtuple("Datasets", ["train", "validation", "test"])

__all__ = ["Dataset", "Datasets", "load_boston", "load_csv_with_header",
           "load_csv_without_header", "load_iris", "maybe_download", "shrink_csv"]


def load_csv_with_header(filename, target_dtype, features_dtype, target_column=-1):
    """A :class:`Dataset` from a CSV file whose first row gives ``n_samples,n_features``."""
    with open(filename, newline="") as file:
        rows = csv.reader(file)
        header = next(rows, None)
        if header is None or len(header) < 2:
            raise ValueError(f"{filename}: the header row must start with "
                             "'n_samples,n_features'")
        n_samples, n_features = int(header[0]), int(header[1])
        data = np.zeros((n_samples, n_features), dtype=features_dtype)
        target = np.zeros((n_samples,), dtype=target_dtype)
        for i, row in enumerate(rows):
            if i >= n_samples:
                raise ValueError(f"{filename}: more data rows than the {n_samples} its header "
                                 "announces")
            target[i] = np.asarray(row.pop(target_column), dtype=target_dtype)
            data[i] = np.asarray(row, dtype=features_dtype)
    return Dataset(data=data, target=target)


def load_csv_without_header(filename, target_dtype, features_dtype, target_column=-1):
    """A :class:`Dataset` from a CSV file of data rows only."""
    features, target = [], []
    with open(filename, newline="") as file:
        for row in csv.reader(file):
            if not row:
                continue
            target.append(row.pop(target_column))
            features.append(np.asarray(row, dtype=features_dtype))
    return Dataset(data=np.array(features), target=np.array(target, dtype=target_dtype))


def shrink_csv(filename, ratio):
    """Write every ``ratio``-th row of ``filename`` to ``<name>_small.<ext>`` beside it."""
    small = filename.replace(".", "_small.")

    def write(file):
        with open(filename, newline="") as source:
            for i, line in enumerate(source):
                if i % ratio == 0:
                    file.write(line.encode())

    write_verified(small, write, lambda path: None)


def _bundled(name):
    return importlib.resources.files(__package__).joinpath("data", name)


def load_iris(data_path=None):
    """The 150 iris flowers: 4 float features, integer class 0/1/2."""
    if data_path is None:
        with importlib.resources.as_file(_bundled("iris.csv")) as path:
            return load_csv_with_header(path, target_dtype=np.int64, features_dtype=np.float64)
    return load_csv_with_header(data_path, target_dtype=np.int64, features_dtype=np.float64)


def load_boston(data_path=None):
    """The 506 Boston house prices: 13 float features, float target (median value, k$)."""
    if data_path is None:
        with importlib.resources.as_file(_bundled("boston_house_prices.csv")) as path:
            return load_csv_with_header(path, target_dtype=np.float64,
                                        features_dtype=np.float64)
    return load_csv_with_header(data_path, target_dtype=np.float64, features_dtype=np.float64)


def maybe_download(filename, work_directory, source_url):
    """``work_directory/filename``, downloaded from ``source_url`` (a full URL) if absent.

    The download goes to a temporary file that is renamed when complete, so an interrupted
    download never leaves a partial file under the final name.
    """
    import urllib.request  # the network modules load only for a download

    os.makedirs(work_directory, exist_ok=True)
    path = os.path.join(work_directory, filename)
    if not os.path.exists(path):
        def write(file):
            with urllib.request.urlopen(source_url) as answer:
                while True:
                    chunk = answer.read(1 << 20)
                    if not chunk:
                        break
                    file.write(chunk)

        write_verified(path, write, lambda temp: None)
    return path
