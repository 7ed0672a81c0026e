"""``tf.contrib.learn.datasets.text_datasets``: the DBpedia ontology classification set.

``load_dbpedia(test_with_fake_data=True)`` reads three tiny bundled CSV files (the quick check
TensorFlow's text examples run with ``--test_with_fake_data``); otherwise the real archive is
downloaded into ``$TF_EXP_BASE_DIR/dbpedia_data`` and, for ``size='small'``, every 1000th row
is kept. Rows are ``class,title,text``; the target is the class (int32), the data the other
two columns as strings.
"""

import importlib.resources
import os
import tarfile

import numpy as np

from . import base

DBPEDIA_URL = "https://github.com/le-scientifique/torchDatasets/raw/master/dbpedia_csv.tar.gz"

__all__ = ["DBPEDIA_URL", "load_dbpedia", "maybe_download_dbpedia"]


def maybe_download_dbpedia(data_dir):
    """Download and unpack ``dbpedia_csv.tar.gz`` into ``data_dir`` unless already there."""
    train = os.path.join(data_dir, "dbpedia_csv", "train.csv")
    test = os.path.join(data_dir, "dbpedia_csv", "test.csv")
    if os.path.exists(train) and os.path.exists(test):
        return
    archive = base.maybe_download("dbpedia_csv.tar.gz", data_dir, DBPEDIA_URL)
    with tarfile.open(archive, "r:*") as tar:
        tar.extractall(data_dir, filter="data")


def load_dbpedia(size="small", test_with_fake_data=False):
    """``Datasets(train, validation=None, test)`` of DBpedia rows."""
    def load(path):
        return base.load_csv_without_header(path, target_dtype=np.int32,
                                            features_dtype=np.str_, target_column=0)

    if test_with_fake_data:
        data = importlib.resources.files(__package__).joinpath("data")
        with importlib.resources.as_file(data.joinpath("text_train.csv")) as path:
            train = load(path)
        with importlib.resources.as_file(data.joinpath("text_test.csv")) as path:
            test = load(path)
        return base.Datasets(train=train, validation=None, test=test)
    data_dir = os.path.join(os.getenv("TF_EXP_BASE_DIR", ""), "dbpedia_data")
    maybe_download_dbpedia(data_dir)
    train_path = os.path.join(data_dir, "dbpedia_csv", "train.csv")
    test_path = os.path.join(data_dir, "dbpedia_csv", "test.csv")
    if size == "small":
        base.shrink_csv(train_path, 1000)
        base.shrink_csv(test_path, 1000)
        train_path = train_path.replace("train.csv", "train_small.csv")
        test_path = test_path.replace("test.csv", "test_small.csv")
    return base.Datasets(train=load(train_path), validation=None, test=load(test_path))
