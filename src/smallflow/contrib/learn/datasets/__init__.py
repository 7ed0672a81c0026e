"""``tf.contrib.learn.datasets``: ``load_dataset`` / ``DATASETS`` (iris, boston, mnist, dbpedia),
the CSV loaders of ``base`` and the MNIST reader."""

from ..._missing import missing_attribute
from . import base, mnist, text_datasets
from .base import load_boston, load_iris

DATASETS = {
    # base.Dataset(data, target)
    "iris": load_iris,
    "boston": load_boston,
    # base.Datasets(train, validation, test)
    "mnist": mnist.load_mnist,
    "dbpedia": text_datasets.load_dbpedia,
}

__all__ = ["DATASETS", "base", "load_boston", "load_dataset", "load_iris", "mnist",
           "text_datasets"]


def load_dataset(name, size="small", test_with_fake_data=False):
    """The dataset called ``name`` (a key of :data:`DATASETS`)."""
    if name not in DATASETS:
        raise ValueError(f"Name of dataset is not found: {name} (known: "
                         f"{', '.join(sorted(DATASETS))})")
    if name == "dbpedia":
        return DATASETS[name](size, test_with_fake_data)
    return DATASETS[name]()


__getattr__ = missing_attribute(__name__, "tf.contrib.learn.datasets")
