"""Weights and models on disk: ``save_weights`` / ``load_weights`` in TensorFlow's checkpoint
format (the default, as TF 1.x's Keras for paths not ending in ``.h5``), and the HDF5 format
when the optional ``h5py`` is installed.

Checkpoint keys follow the object paths TensorFlow's Keras writes
(``layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE``), so a checkpoint can be read
with ``tf.train.list_variables`` and matched to layers by position.
"""

import os

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
    session = backend.get_session()
    _saver(model).save(session, filepath, write_meta_graph=False)


def load_weights(model, filepath, by_name=False):
    filepath = os.fspath(filepath)
    if _is_hdf5(filepath, None):
        _load_hdf5_weights(model, filepath)
        return None
    session = backend.get_session()
    _saver(model).restore(session, filepath)
    return None


def _save_hdf5_weights(model, filepath):
    h5py = _h5py()
    values = backend.batch_get_value(model.weights)
    by_variable = dict(zip(model.weights, values))
    temp = f"{filepath}.tmp{os.getpid()}"
    with h5py.File(temp, "w") as file:
        file.attrs["layer_names"] = [layer.name.encode() for layer in model.layers]
        file.attrs["backend"] = b"tensorflow"
        file.attrs["keras_version"] = b"2.2.4-tf"
        for layer in model.layers:
            group = file.create_group(layer.name)
            names = [v.name.encode() for v in layer.weights]
            group.attrs["weight_names"] = names
            for variable in layer.weights:
                group.create_dataset(variable.name, data=by_variable[variable])
    os.replace(temp, filepath)


def _load_hdf5_weights(model, filepath):
    h5py = _h5py()
    with h5py.File(filepath, "r") as file:
        if "model_weights" in file:
            file = file["model_weights"]
        names = [n.decode() if isinstance(n, bytes) else n for n in file.attrs["layer_names"]]
        layers = [layer for layer in model.layers if layer.weights]
        stored = [n for n in names if len(file[n].attrs["weight_names"])]
        if len(stored) != len(layers):
            raise ValueError(f"You are trying to load a weight file containing {len(stored)} "
                             f"layers into a model with {len(layers)} layers.")
        pairs = []
        for layer, name in zip(layers, stored):
            group = file[name]
            for variable, weight in zip(layer.weights, group.attrs["weight_names"]):
                weight = weight.decode() if isinstance(weight, bytes) else weight
                pairs.append((variable, group[weight][()]))
        backend.batch_set_value(pairs)


def save_model(model, filepath, overwrite=True, include_optimizer=True, save_format=None):
    filepath = os.fspath(filepath)
    if not _is_hdf5(filepath, save_format):
        raise NotImplementedError("smallflow saves whole Keras models only as HDF5 (.h5, needs "
                                  "h5py); use model.save_weights(path) for a TensorFlow "
                                  "checkpoint, or tf.saved_model for the SavedModel format")
    h5py = _h5py()
    temp = f"{filepath}.model{os.getpid()}"
    with h5py.File(temp, "w") as file:
        file.attrs["model_config"] = model.to_json().encode()
        file.attrs["backend"] = b"tensorflow"
        file.attrs["keras_version"] = b"2.2.4-tf"
    os.replace(temp, filepath)
    weights_temp = f"{filepath}.weights{os.getpid()}"
    _save_hdf5_weights(model, weights_temp)
    with h5py.File(weights_temp, "r") as source, h5py.File(filepath, "a") as target:
        source.copy(source["/"], target, "model_weights")
        for key, value in source.attrs.items():
            target["model_weights"].attrs[key] = value
    os.remove(weights_temp)
