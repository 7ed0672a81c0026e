"""``tf.keras.wrappers``: Keras models as scikit-learn estimators (``scikit_learn``)."""

from . import scikit_learn

__all__ = ["scikit_learn"]
