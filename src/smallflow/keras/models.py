"""``tf.keras.models``: Model, Sequential, and loading weights-and-architecture files."""

from .engine.saving import load_model, save_model
from .engine.sequential import Sequential
from .engine.training import Model

__all__ = ["Model", "Sequential", "load_model", "model_from_json", "save_model"]


def model_from_json(json_string, custom_objects=None):
    """A model (new layers, fresh weights) from the JSON of ``model.to_json()``."""
    import json

    from .engine.serialization import model_from_config

    return model_from_config(json.loads(json_string), custom_objects)
