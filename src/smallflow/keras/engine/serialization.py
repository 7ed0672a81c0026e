"""Layer and model configurations (``get_config``, ``to_json``) and models rebuilt from them
(``load_model`` of an HDF5 file, ``model_from_json``), in TensorFlow's Keras JSON layout.

A layer's config holds its constructor arguments (Keras's names and spellings:
``padding='same'``, ``data_format='channels_last'``, initializers as ``{"class_name",
"config"}``); a functional model's also lists each layer's inbound nodes
(``[[layer name, node index, tensor index, call kwargs], ...]``), which is how models saved
by TensorFlow's Keras are rebuilt here and ours by TensorFlow's.
"""

import json
import warnings

import numpy as np

from ... import init_ops

__all__ = ["layer_config", "model_config", "model_from_config"]

_COMMON = ("activation", "use_bias", "kernel_initializer", "bias_initializer",
           "kernel_regularizer", "bias_regularizer", "activity_regularizer")
_RNN = ("units", "activation", "recurrent_activation", "use_bias", "kernel_initializer",
        "recurrent_initializer", "bias_initializer", "dropout", "recurrent_dropout",
        "return_sequences", "return_state", "go_backwards", "stateful")
# Constructor arguments read back from each layer class's attributes.
_KEYS = {
    "Dense": ("units", *_COMMON),
    "Conv1D": ("filters", "kernel_size", "strides", "padding", "data_format", *_COMMON),
    "Conv2D": ("filters", "kernel_size", "strides", "padding", "data_format", *_COMMON),
    "Conv2DTranspose": ("filters", "kernel_size", "strides", "padding", "data_format",
                        *_COMMON),
    "MaxPooling1D": ("pool_size", "strides", "padding", "data_format"),
    "MaxPooling2D": ("pool_size", "strides", "padding", "data_format"),
    "AveragePooling1D": ("pool_size", "strides", "padding", "data_format"),
    "AveragePooling2D": ("pool_size", "strides", "padding", "data_format"),
    "GlobalAveragePooling1D": ("data_format",), "GlobalAveragePooling2D": ("data_format",),
    "GlobalMaxPooling1D": ("data_format",), "GlobalMaxPooling2D": ("data_format",),
    "Flatten": ("data_format",),
    "Dropout": ("rate", "noise_shape", "seed"),
    "Activation": ("activation",),
    "Reshape": ("target_shape",),
    "Permute": ("dims",),
    "RepeatVector": ("n",),
    "BatchNormalization": ("axis", "momentum", "epsilon", "center", "scale",
                           "beta_initializer", "gamma_initializer",
                           "moving_mean_initializer", "moving_variance_initializer"),
    "Embedding": ("input_dim", "output_dim", "embeddings_initializer", "mask_zero",
                  "input_length"),
    "SimpleRNN": _RNN, "LSTM": (*_RNN, "unit_forget_bias"), "GRU": (*_RNN, "reset_after"),
    "Concatenate": ("axis",),
    "ZeroPadding2D": ("padding", "data_format"),
    "UpSampling2D": ("size", "data_format", "interpolation"),
    "ActivityRegularization": ("l1", "l2"),
    "Conv3D": ("filters", "kernel_size", "strides", "padding", "data_format", *_COMMON),
    "Conv3DTranspose": ("filters", "kernel_size", "strides", "padding", "data_format",
                        *_COMMON),
    "SeparableConv1D": ("filters", "kernel_size", "strides", "padding", "data_format",
                        "depth_multiplier", "activation", "use_bias", "depthwise_initializer",
                        "pointwise_initializer", "bias_initializer"),
    "SeparableConv2D": ("filters", "kernel_size", "strides", "padding", "data_format",
                        "depth_multiplier", "activation", "use_bias", "depthwise_initializer",
                        "pointwise_initializer", "bias_initializer"),
    "DepthwiseConv2D": ("kernel_size", "strides", "padding", "depth_multiplier",
                        "data_format", "activation", "use_bias", "depthwise_initializer",
                        "bias_initializer"),
    "MaxPooling3D": ("pool_size", "strides", "padding", "data_format"),
    "AveragePooling3D": ("pool_size", "strides", "padding", "data_format"),
    "GlobalAveragePooling3D": ("data_format",), "GlobalMaxPooling3D": ("data_format",),
    "UpSampling1D": ("size",), "UpSampling3D": ("size", "data_format"),
    "ZeroPadding1D": ("padding",), "ZeroPadding3D": ("padding", "data_format"),
    "Cropping1D": ("cropping",), "Cropping2D": ("cropping", "data_format"),
    "Cropping3D": ("cropping", "data_format"),
    "Masking": ("mask_value",),
    "AlphaDropout": ("rate", "noise_shape", "seed"),
}
_FORMATS = {"NHWC": "channels_last", "NCHW": "channels_first"}


def _serialize(key, value):
    """A JSON-able form of one constructor argument."""
    if value is None or isinstance(value, bool | int | float | str):
        if key == "padding" and isinstance(value, str):
            return value.lower()
        if key == "data_format" and value in _FORMATS:
            return _FORMATS[value]
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, list | tuple):
        return [_serialize("", item) for item in value]
    if key.endswith("activation") or callable(value) and not hasattr(value, "get_config") \
            and not isinstance(value, init_ops.Initializer):
        return getattr(value, "__name__", "linear")
    if isinstance(value, init_ops.Initializer):
        config = {k: v for k, v in vars(value).items()
                  if k != "dtype" and isinstance(v, bool | int | float | str | type(None))}
        return {"class_name": type(value).__name__, "config": config}
    if hasattr(value, "get_config"):
        return {"class_name": type(value).__name__, "config": value.get_config()}
    return str(value)


def layer_config(layer):
    """``{"class_name", "config"}`` of a layer (its constructor arguments)."""
    from .input_layer import InputLayer

    name = type(layer).__name__
    if isinstance(layer, InputLayer):
        config = layer.get_config()
        config["batch_input_shape"] = list(config["batch_input_shape"])
        return {"class_name": "InputLayer", "config": config}
    config = {"name": layer.name, "trainable": layer.trainable, "dtype": layer.dtype}
    if getattr(layer, "_batch_input_shape", None):
        config["batch_input_shape"] = list(layer._batch_input_shape)
    for key in _KEYS.get(name, ()):
        value = getattr(layer, key, None)
        if key == "activation" and value is None:
            value = "linear"
        config[key] = _serialize(key, value)
    if name not in _KEYS:  # a program's own layer class: its get_config says
        config.update(layer.get_config())
    return {"class_name": name, "config": config}


def model_config(model):
    """The model's config as TensorFlow's Keras writes it (Sequential or functional)."""
    from .sequential import Sequential

    if isinstance(model, Sequential):
        return {"class_name": "Sequential",
                "config": {"name": model.name,
                           "layers": [layer_config(layer) for layer in model.layers]}}
    if not model._is_graph_network:
        raise NotImplementedError(f"{type(model).__name__} is a subclassed model: its "
                                  "architecture is Python code and cannot be saved as a config; "
                                  "save its weights instead (save_weights)")
    nodes = set(id(node) for node in model._nodes)
    layers = []
    for layer in model.layers:
        entry = layer_config(layer)
        entry["name"] = layer.name
        inbound = []
        for node in layer._inbound_nodes:
            if id(node) not in nodes or not node.input_tensors:
                continue
            inbound.append([[t._keras_history[0].name, t._keras_history[1],
                             t._keras_history[2], dict(node.arguments)]
                            for t in node.input_tensors])
        entry["inbound_nodes"] = inbound
        layers.append(entry)

    def ends(tensors):
        return [[t._keras_history[0].name, t._keras_history[1], t._keras_history[2]]
                for t in tensors]

    return {"class_name": "Model", "config": {
        "name": model.name, "layers": layers, "input_layers": ends(model.inputs),
        "output_layers": ends(model.outputs)}}


def _layer_classes():
    from .. import layers

    return {name: getattr(layers, name) for name in layers.__all__
            if isinstance(getattr(layers, name), type)}


def layer_from_config(entry, custom_objects=None):
    import inspect

    from ..utils import get_custom_objects

    classes = _layer_classes()
    classes.update(get_custom_objects())
    classes.update(custom_objects or {})
    name = entry["class_name"]
    if name == "Lambda":
        # Its own keys (module, function_type, ...) must reach its from_config unfiltered.
        return classes["Lambda"].from_config(dict(entry["config"]), custom_objects)
    if name not in classes:
        raise ValueError(f"Unknown layer: {name}")
    layer_class = classes[name]
    config = dict(entry["config"])
    if name == "InputLayer":
        config.pop("ragged", None)
        shape = config.pop("batch_input_shape", None) or config.pop("batch_shape", None)
        return layer_class(batch_input_shape=tuple(shape), dtype=config.get("dtype"),
                           name=config.get("name"))
    accepted = set()
    for klass in layer_class.__mro__:
        if "__init__" in vars(klass):
            accepted |= set(inspect.signature(klass.__init__).parameters)
    accepted |= {"name", "trainable", "dtype", "batch_input_shape", "input_shape",
                 "input_dim", "batch_size", "weights", "activity_regularizer"}
    dropped = sorted(set(config) - accepted)
    if dropped:
        warnings.warn(f"Layer {config.get('name')} ({name}): ignoring config entries smallflow "
                      f"does not use: {dropped}", UserWarning, stacklevel=3)
    for key in dropped:
        config.pop(key)
    if isinstance(config.get("dtype"), dict):  # TF 2's dtype policies
        config["dtype"] = config["dtype"].get("config", {}).get("name")
    for key in ("kernel_size", "strides", "pool_size", "dilation_rate", "target_shape",
                "size", "noise_shape", "dims"):
        if isinstance(config.get(key), list):
            config[key] = tuple(config[key])
    if "padding" in config and name == "ZeroPadding2D":
        config["padding"] = tuple(tuple(p) if isinstance(p, list) else p
                                  for p in config["padding"])
    from .base_layer import Layer

    rebuild = getattr(layer_class, "from_config", None)
    if rebuild is not None and getattr(rebuild, "__func__", None) is not \
            Layer.from_config.__func__:
        # As Keras: a class with its own from_config rebuilds itself (nested layers such as
        # an RNN's cell take the custom objects along).
        if "custom_objects" in inspect.signature(rebuild).parameters:
            return rebuild(config, custom_objects=custom_objects)
        return rebuild(config)
    return layer_class(**config)


def model_from_config(config, custom_objects=None, make_layer=None, input_tensors=None):
    """A new model from a model's config. ``make_layer(entry)`` (``clone_model``'s clone
    function) makes each layer but the inputs instead of ``layer_from_config``;
    ``input_tensors`` (a list) stand for the model's inputs, in order."""
    from .sequential import Sequential
    from .training import Model

    class_name = config["class_name"]
    body = config["config"]

    def make(entry):
        if make_layer is not None and entry["class_name"] != "InputLayer":
            return make_layer(entry)
        return layer_from_config(entry, custom_objects)

    if class_name == "Sequential":
        entries = body["layers"] if isinstance(body, dict) else body
        model = Sequential(name=body.get("name") if isinstance(body, dict) else None)
        if input_tensors is not None:
            from .input_layer import InputLayer

            model.add(InputLayer(input_tensor=input_tensors[0]))
        for entry in entries:
            model.add(make(entry))
        return model
    if class_name not in ("Model", "Functional"):
        raise ValueError(f"Unknown model class: {class_name}")
    created = {}
    outputs = {}  # (layer name, node index) -> output tensors
    pending = list(body["layers"])
    while pending:
        progress = False
        for entry in list(pending):
            layer = created.get(entry["name"])
            if layer is None:
                inputs_at = [item[0] for item in body["input_layers"]]
                if input_tensors is not None and entry["name"] in inputs_at:
                    tensor = input_tensors[inputs_at.index(entry["name"])]
                    if getattr(tensor, "_keras_history", None) is None:
                        from .input_layer import InputLayer

                        InputLayer(input_tensor=tensor, name=f"input_wrapper_for_"
                                   f"{entry['name']}")
                    created[entry["name"]] = tensor._keras_history[0]
                    outputs[(entry["name"], 0)] = [tensor]
                    pending.remove(entry)
                    progress = True
                    continue
                layer = make(entry)
                created[entry["name"]] = layer
                if entry["class_name"] == "InputLayer":
                    outputs[(layer.name, 0)] = layer._inbound_nodes[0].output_tensors
                    pending.remove(entry)
                    progress = True
                    continue
            done = len([k for k in outputs if k[0] == layer.name])
            nodes = entry["inbound_nodes"]
            while done < len(nodes):
                node = nodes[done]
                if isinstance(node, dict):  # TF 2.13+: {"args": ..., "kwargs": ...}
                    raise NotImplementedError("models saved by Keras 3 are not supported")
                sources = [(item[0], item[1], item[2], item[3] if len(item) > 3 else {})
                           for item in node]
                if not all((s[0], s[1]) in outputs for s in sources):
                    break
                tensors = [outputs[(s[0], s[1])][s[2]] for s in sources]
                kwargs = sources[0][3] or {}
                result = layer(tensors if len(tensors) > 1 else tensors[0], **kwargs)
                outputs[(layer.name, done)] = result if isinstance(result, list) else [result]
                done += 1
                progress = True
            if done == len(nodes):
                pending.remove(entry)
        if not progress:
            raise ValueError(f"The model config cannot be rebuilt: layers "
                             f"{[e['name'] for e in pending]} wait for inputs never made")

    def ends(items):
        return [outputs[(item[0], item[1])][item[2]] for item in items]

    return Model(inputs=ends(body["input_layers"]), outputs=ends(body["output_layers"]),
                 name=body.get("name"))


def to_json(model, **kwargs):
    return json.dumps({**model_config(model), "keras_version": "2.2.4-tf",
                       "backend": "tensorflow"}, **kwargs)

