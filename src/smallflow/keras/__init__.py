"""``tf.keras`` as TensorFlow 1.x has it in graph mode: layers, Sequential and functional
models, compile / fit / evaluate / predict, optimizers, losses, metrics, callbacks, backend,
and ``tf.keras.datasets.mnist`` (served from the bundled MNIST, offline).

Models are built in the default graph and run in ``backend.get_session()`` (the default
session, or one Keras keeps), so Keras layers also work inside plain TF1 programs.
"""

from . import (
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
    wrappers,
)
from .engine.input_layer import Input
from .engine.sequential import Sequential
from .engine.training import Model

__version__ = "2.2.4-tf"

__all__ = ["Input", "Model", "Sequential", "activations", "applications", "backend", "callbacks",
           "constraints", "datasets", "initializers", "layers", "losses", "metrics", "models",
           "optimizers", "preprocessing", "regularizers", "utils", "wrappers"]


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(
        f"smallflow does not provide tf.keras.{name} (tf.keras here has: {', '.join(__all__)})"
    )
