"""``tf.contrib.boosted_trees`` (TensorFlow 1.15's GTFlow): gradient boosted decision trees on
dense float features.

``estimator_batch.estimator`` has the estimators (``GradientBoostedDecisionTreeClassifier``,
``...Regressor``, ``...Estimator`` on contrib.learn, ``CoreGradientBoostedDecisionTreeEstimator``
on tf.estimator), ``proto.learner_pb2`` the ``LearnerConfig`` message. The learner is
``gbdt_core`` (NumPy), its graph ops ``gbdt_ops``, the model's graph ``gbdt_batch``. Sparse
features, dropout, feature fractions, averaging and the ranker are not provided.
"""

from .._missing import missing_attribute
from . import estimator_batch, gbdt_batch, proto, python

__all__ = ["estimator_batch", "gbdt_batch", "proto", "python"]

__getattr__ = missing_attribute(__name__, "tf.contrib.boosted_trees")
