"""``tf.keras.models``: Model, Sequential, and loading weights-and-architecture files."""

from .engine.saving import load_model, save_model
from .engine.sequential import Sequential
from .engine.training import Model

__all__ = ["Model", "Sequential", "clone_model", "load_model", "model_from_config",
           "model_from_json", "save_model"]


def model_from_json(json_string, custom_objects=None):
    """A model (new layers, fresh weights) from the JSON of ``model.to_json()``."""
    import json

    from .engine.serialization import model_from_config

    return model_from_config(json.loads(json_string), custom_objects)


def model_from_config(config, custom_objects=None):
    """A model (new layers, fresh weights) from ``{"class_name": ..., "config": ...}``."""
    from .engine.serialization import model_from_config as from_config

    if isinstance(config, list):
        raise TypeError("`model_from_config` expects a dictionary, not a list. Maybe you "
                        "meant to use `Sequential.from_config(config)`?")
    return from_config(config, custom_objects)


def _clone_layer(layer):
    return layer.__class__.from_config(layer.get_config())


def clone_model(model, input_tensors=None, clone_function=None):
    """A new model of the same architecture with new layers and freshly initialized weights
    (``clone.set_weights(model.get_weights())`` copies the values). ``clone_function(layer)``
    makes each layer's copy (by default from its config); ``input_tensors`` are the clone's
    inputs instead of new placeholders."""
    from .engine.serialization import model_from_config as from_config

    if input_tensors is not None and not isinstance(input_tensors, list | tuple):
        input_tensors = [input_tensors]
    clone_function = clone_function or _clone_layer
    kind = "Sequential" if isinstance(model, Sequential) else "Model"
    if kind == "Sequential" and input_tensors is not None and len(input_tensors) != 1:
        raise ValueError("To clone a `Sequential` model, we expect at most one tensor as part "
                         f"of `input_tensors`. Received: {input_tensors}")

    def make_layer(entry):
        return clone_function(model.get_layer(entry["config"]["name"]
                                              if kind == "Sequential" else entry["name"]))

    return from_config({"class_name": kind, "config": model.get_config()},
                       make_layer=make_layer, input_tensors=input_tensors)
