"""``model.summary()``: Keras's table of layers, output shapes and parameter counts."""

import numpy as np

from .input_layer import InputLayer

__all__ = ["print_summary"]


def _shape_text(layer):
    try:
        shape = layer.output_shape
    except AttributeError:
        return "multiple"
    if isinstance(layer, InputLayer):
        return str([shape])
    return str(shape)


def _count(variables):
    return int(sum(np.prod(v.shape.as_list()) for v in variables))


def _row(fields, positions, print_fn):
    line = ""
    for field, position in zip(fields, positions):
        line += str(field)
        line = line[: position - 1] + " " if len(line) >= position else line
        line += " " * (position - len(line))
    print_fn(line)


def _sequential_like(model):
    if not getattr(model, "_is_graph_network", False):
        return True
    for layer in model.layers:
        if len(layer._inbound_nodes) > 1 and not isinstance(layer, InputLayer):
            return False
        node = layer._inbound_nodes[0] if layer._inbound_nodes else None
        if node is not None and len(node.input_tensors) > 1:
            return False
    return True


def print_summary(model, line_length=None, positions=None, print_fn=None):
    """Print the table as TensorFlow 1.x's Keras does (65 columns, or 98 with connections)."""
    print_fn = print_fn or print
    sequential = _sequential_like(model)
    line_length = line_length or (65 if sequential else 98)
    fractions = positions or ([0.45, 0.85, 1.0] if sequential else [0.33, 0.55, 0.67, 1.0])
    relative = fractions[-1] <= 1
    positions = [int(line_length * p) for p in fractions] if relative else list(fractions)
    header = ["Layer (type)", "Output Shape", "Param #"]
    if not sequential:
        header.append("Connected to")
    layers = model.layers
    if type(model).__name__ == "Sequential" or getattr(model, "_is_sequential", False):
        layers = [layer for layer in layers if not isinstance(layer, InputLayer)]
    print_fn(f'Model: "{model.name}"')
    print_fn("_" * line_length)
    _row(header, positions, print_fn)
    print_fn("=" * line_length)
    for index, layer in enumerate(layers):
        fields = [f"{layer.name} ({type(layer).__name__})", _shape_text(layer),
                  layer.count_params() if layer.built else 0]
        if not sequential:
            sources = []
            for node in layer._inbound_nodes[:1]:
                for tensor in node.input_tensors:
                    history = getattr(tensor, "_keras_history", None)
                    if history is not None:
                        sources.append(f"{history[0].name}[{history[1]}][{history[2]}]")
            fields.append(sources[0] if sources else "")
            _row(fields, positions, print_fn)
            for source in sources[1:]:
                _row(["", "", "", source], positions, print_fn)
        else:
            _row(fields, positions, print_fn)
        print_fn("=" * line_length if index == len(layers) - 1 else "_" * line_length)
    trainable = _count(model.trainable_weights)
    total = _count(model.weights)
    print_fn(f"Total params: {total:,}")
    print_fn(f"Trainable params: {trainable:,}")
    print_fn(f"Non-trainable params: {total - trainable:,}")
    print_fn("_" * line_length)
