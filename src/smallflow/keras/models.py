"""``tf.keras.models``: Model, Sequential, and loading weights-and-architecture files."""

from .engine.sequential import Sequential
from .engine.training import Model

__all__ = ["Model", "Sequential", "load_model", "model_from_json"]


def load_model(filepath, custom_objects=None, compile=True):  # noqa: A002 - Keras's name
    """Not provided: smallflow saves and loads weights (``save_weights``/``load_weights``)."""
    raise NotImplementedError(
        "smallflow cannot rebuild a Keras model from a file (load_model): rebuild the model "
        "in code and call model.load_weights(path) (TensorFlow checkpoint, or .h5 with h5py)")


def model_from_json(json_string, custom_objects=None):
    raise NotImplementedError("smallflow cannot rebuild a Keras model from JSON: rebuild the "
                              "model in code")
