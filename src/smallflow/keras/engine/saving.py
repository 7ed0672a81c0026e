"""Weights and models on disk: ``save_weights`` / ``load_weights`` in TensorFlow's checkpoint
format (the default, as TF 1.x's Keras for paths not ending in ``.h5``), and the HDF5 format
when the optional ``h5py`` is installed.

Checkpoint keys follow the object paths TensorFlow's Keras writes
(``layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE``), so a checkpoint can be read
with ``tf.train.list_variables`` and matched to layers by position.
"""

import os

import numpy as np

from ...graph import executing_eagerly
from .. import backend

__all__ = ["load_weights", "save_model", "save_weights"]


def _is_hdf5(filepath, save_format):
    if save_format is not None:
        if save_format not in ("h5", "tf"):
            raise ValueError(f"Unknown format {save_format!r}: use 'tf' or 'h5'")
        return save_format == "h5"
    return str(filepath).endswith((".h5", ".keras", ".hdf5"))


def _h5py():
    try:
        import h5py
    except ImportError:
        raise ImportError("Saving or loading a Keras model in HDF5 format (.h5) needs h5py, "
                          "which smallflow does not install: `pip install h5py`, or save in "
                          "TensorFlow's checkpoint format (a path without .h5)") from None
    return h5py


def _checkpoint_keys(model):
    keys = {}
    with_weights = [layer for layer in model.layers if layer.weights]
    for index, layer in enumerate(with_weights):
        for variable in layer.weights:
            short = variable.op.name.rpartition("/")[2]
            keys[f"layer_with_weights-{index}/{short}/.ATTRIBUTES/VARIABLE_VALUE"] = variable
    return keys


def _saver(model):
    from ...train.saver import Saver

    graph = model.weights[0].graph
    cached = getattr(model, "_keras_saver", None)
    if cached is None or cached[0] is not graph:
        with graph.as_default():
            cached = (graph, Saver(var_list=_checkpoint_keys(model), max_to_keep=None))
        model._keras_saver = cached
    return cached[1]


def save_weights(model, filepath, overwrite=True, save_format=None):
    filepath = os.fspath(filepath)
    if _is_hdf5(filepath, save_format):
        _save_hdf5_weights(model, filepath)
        return
    if not model.weights:
        raise ValueError(f"Model {model.name} has no weights to save (build it first)")
    parent = os.path.dirname(filepath)
    if parent:  # TensorFlow's Keras makes the folder (the tutorials' "training_1/cp.ckpt")
        os.makedirs(parent, exist_ok=True)
    session = None if executing_eagerly() else backend.get_session()
    _saver(model).save(session, filepath, write_meta_graph=False)


def load_weights(model, filepath, by_name=False):
    filepath = os.fspath(filepath)
    if _is_hdf5(filepath, None):
        _load_hdf5_weights(model, filepath)
        return None
    session = None if executing_eagerly() else backend.get_session()
    _saver(model).restore(session, filepath)
    return None


def _write_weights(model, group):
    """Keras's HDF5 weight layout: a group per layer, ``weight_names``, one dataset each."""
    values = dict(zip(model.weights, backend.batch_get_value(model.weights)))
    group.attrs["layer_names"] = [layer.name.encode() for layer in model.layers]
    group.attrs["backend"] = b"tensorflow"
    group.attrs["keras_version"] = b"2.2.4-tf"
    for layer in model.layers:
        layer_group = group.create_group(layer.name)
        layer_group.attrs["weight_names"] = [v.name.encode() for v in layer.weights]
        for variable in layer.weights:
            layer_group.create_dataset(variable.name, data=values[variable])


def _read_weights(model, group):
    def text(value):
        return value.decode() if isinstance(value, bytes) else str(value)

    names = [text(n) for n in group.attrs["layer_names"]]
    layers = [layer for layer in model.layers if layer.weights]
    stored = [n for n in names if len(group[n].attrs["weight_names"])]
    if len(stored) != len(layers):
        raise ValueError(f"You are trying to load a weight file containing {len(stored)} "
                         f"layers into a model with {len(layers)} layers.")
    pairs = []
    for layer, name in zip(layers, stored):
        layer_group = group[name]
        weight_names = [text(w) for w in layer_group.attrs["weight_names"]]
        if len(weight_names) != len(layer.weights):
            raise ValueError(f"Layer {layer.name} expects {len(layer.weights)} weights, but "
                             f"the saved weights have {len(weight_names)} elements.")
        for variable, weight in zip(layer.weights, weight_names):
            pairs.append((variable, layer_group[weight][()]))
    backend.batch_set_value(pairs)


def _save_hdf5_weights(model, filepath):
    h5py = _h5py()
    temp = f"{filepath}.tmp{os.getpid()}"
    with h5py.File(temp, "w") as file:
        _write_weights(model, file)
    os.replace(temp, filepath)


def _load_hdf5_weights(model, filepath):
    h5py = _h5py()
    with h5py.File(filepath, "r") as file:
        _read_weights(model, file.get("model_weights", file))


def _names(value):
    """Losses and metrics as Keras writes them: names, in the structure given (a dict per
    output name, lists, or one entry)."""
    if isinstance(value, dict):
        return {key: _names(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_names(item) for item in value]
    if value is None or isinstance(value, str):
        return value
    return getattr(value, "__name__", None) or getattr(value, "name", None)


def _training_config(model):
    if model.optimizer is None:
        return None
    optimizer = model.optimizer
    config = {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}
    loss, metrics, loss_weights, _ = model._compile_args
    return {"optimizer_config": config, "loss": _names(loss), "metrics": _names(metrics),
            "loss_weights": loss_weights, "sample_weight_mode": None,
            "weighted_metrics": None}


def save_model(model, filepath, overwrite=True, include_optimizer=True, save_format=None):
    """The architecture (``model_config``), training configuration and weights, in HDF5."""
    import json

    filepath = os.fspath(filepath)
    if not _is_hdf5(filepath, save_format):
        raise NotImplementedError("smallflow saves whole Keras models only as HDF5 (.h5, needs "
                                  "h5py); use model.save_weights(path) for a TensorFlow "
                                  "checkpoint, or tf.saved_model for the SavedModel format")
    h5py = _h5py()
    temp = f"{filepath}.tmp{os.getpid()}"
    with h5py.File(temp, "w") as file:
        file.attrs["model_config"] = model.to_json().encode()
        file.attrs["backend"] = b"tensorflow"
        file.attrs["keras_version"] = b"2.2.4-tf"
        training = _training_config(model) if include_optimizer else None
        if training is not None:
            file.attrs["training_config"] = json.dumps(training, default=str).encode()
        _write_weights(model, file.create_group("model_weights"))
        optimizer = getattr(model, "optimizer", None)
        if include_optimizer and optimizer is not None and getattr(optimizer, "weights", None):
            # TF 1.x's layout: the optimizer's weights (iterations, slots) in its own group
            group = file.create_group("optimizer_weights")
            names = optimizer.weight_names()
            group.attrs["weight_names"] = [name.encode() for name in names]
            for name, value in zip(names, optimizer.get_weights()):
                group.create_dataset(name, data=value)
    os.replace(temp, filepath)


def load_model(filepath, custom_objects=None, compile=True):  # noqa: A002 - Keras's name
    """A model rebuilt from an HDF5 file written by ``model.save`` (ours or TensorFlow's
    Keras): its layers, weights and, with ``compile``, its optimizer, loss and metrics, and
    the optimizer's saved state (iterations, Adam's moments, ...) when the file has it."""
    import json

    from .. import optimizers
    from .serialization import model_from_config

    filepath = os.fspath(filepath)
    if not _is_hdf5(filepath, None) and os.path.isdir(filepath):
        raise NotImplementedError("smallflow loads Keras models from HDF5 files only (not "
                                  f"SavedModel folders such as {filepath})")
    h5py = _h5py()

    def text(value):
        return value.decode() if isinstance(value, bytes) else str(value)

    with h5py.File(filepath, "r") as file:
        if "model_config" not in file.attrs:
            raise ValueError(f"No model found in config file {filepath} (it holds weights "
                             "only: build the model and call load_weights)")
        model = model_from_config(json.loads(text(file.attrs["model_config"])), custom_objects)
        _read_weights(model, file["model_weights"])
        training = file.attrs.get("training_config")
        if compile and training is not None:
            training = json.loads(text(training))
            optimizer_config = training["optimizer_config"]
            optimizer_class = getattr(optimizers, optimizer_config["class_name"], None)
            if optimizer_class is None:
                raise ValueError(f"Unknown optimizer: {optimizer_config['class_name']}")
            import inspect

            accepted = set(inspect.signature(optimizer_class.__init__).parameters) | {
                "lr", "decay", "clipnorm", "clipvalue"}
            settings = {k: v for k, v in optimizer_config["config"].items()
                        if k in accepted and k != "name" and v is not None}
            from ..utils import get_custom_objects

            known = {**get_custom_objects(), **(custom_objects or {})}
            loss = training["loss"]
            loss = training["loss"]
            if isinstance(loss, dict):
                loss = {key: known.get(item, item) for key, item in loss.items()}
            elif isinstance(loss, list):
                loss = [known.get(item, item) for item in loss]
            else:
                loss = known.get(loss, loss)
            model.compile(optimizer=optimizer_class(**settings), loss=loss,
                          metrics=_flat_metrics(training.get("metrics")),
                          loss_weights=training.get("loss_weights"))
            if "optimizer_weights" in file:
                _restore_optimizer(model, file["optimizer_weights"], text)
    return model


def _restore_optimizer(model, group, text):
    """The optimizer's saved state (iterations, slots such as Adam's moments), set once the
    training step exists, as TF 1.x's load_model does."""
    import warnings

    names = [text(name) for name in group.attrs["weight_names"]]
    values = [np.asarray(group[name]) for name in names]
    model._function("train")
    try:
        model.optimizer.set_weights(values)
    except ValueError:
        warnings.warn("Error in loading the saved optimizer state. As a result, your model is "
                      "starting with a freshly initialized optimizer.", UserWarning,
                      stacklevel=3)


def _flat_metrics(metrics):
    # TensorFlow 2 writes one list per output: a single output's list is the list itself
    if isinstance(metrics, list) and len(metrics) == 1 and isinstance(metrics[0], list):
        return metrics[0]
    return metrics or []
