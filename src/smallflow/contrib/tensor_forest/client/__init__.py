"""``tensorflow.contrib.tensor_forest.client``: forests as Estimators (``random_forest``) and
their evaluation metrics by name (``eval_metrics``)."""

from . import eval_metrics, random_forest

__all__ = ["eval_metrics", "random_forest"]
