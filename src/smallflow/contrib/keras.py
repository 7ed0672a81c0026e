"""``tf.contrib.keras``: TF 1.x's early path to Keras (1.1-1.3, before ``tf.keras``); the
same modules as ``tf.keras``, so ``import tensorflow.contrib.keras as keras`` programs build
``keras.models.Sequential()`` of ``keras.layers.Dense`` with ``keras.optimizers.SGD``."""

from ..keras import (
                     activations,
                     applications,
                     backend,
                     callbacks,
                     constraints,
                     datasets,
                     initializers,
                     layers,
                     losses,
                     metrics,
                     models,
                     optimizers,
                     preprocessing,
                     regularizers,
                     utils,
)
from ._missing import missing_attribute

__all__ = ["activations", "applications", "backend", "callbacks", "constraints", "datasets",
           "initializers", "layers", "losses", "metrics", "models", "optimizers",
           "preprocessing", "regularizers", "utils"]

__getattr__ = missing_attribute(__name__, "tf.contrib.keras")
