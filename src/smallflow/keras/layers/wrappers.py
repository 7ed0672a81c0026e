"""Keras's layer wrappers: ``TimeDistributed`` (a layer applied to every time step) and
``Bidirectional`` (a recurrent layer run forwards and backwards)."""

import copy

from ...ops import array_ops
from ..engine.base_layer import Layer
from .merge import _fold

__all__ = ["Bidirectional", "TimeDistributed"]


class TimeDistributed(Layer):
    """Apply ``layer`` to each step of ``[batch, time, ...]`` (one set of weights)."""

    def __init__(self, layer, **kwargs):
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape):
        # As TensorFlow: the inner layer's weights live under the wrapper's name
        # (time_distributed/kernel:0).
        from ...tensor_shape import TensorShape

        dims = TensorShape(input_shape).as_list()
        self.layer._build_for_shape(TensorShape([dims[0], *dims[2:]]))
        self.built = True

    def compute_mask(self, inputs, mask=None):
        """The input mask: each step's output keeps its step's mask (as Keras's wrapper
        does for inner layers without a mask of their own)."""
        return mask

    def call(self, inputs, training=None):
        dims = inputs.shape.as_list()
        steps = dims[1] if dims[1] is not None else array_ops.shape(inputs)[1]
        flat = array_ops.reshape(inputs, [-1, *dims[2:]])
        kwargs = {"training": training} if self.layer._expects_training_arg else {}
        outputs = self.layer(flat, **kwargs)
        out_dims = outputs.shape.as_list()[1:]
        result = array_ops.reshape(outputs, array_ops.stack([-1, steps, *out_dims])
                                   if not isinstance(steps, int) else [-1, steps, *out_dims])
        result.set_shape([dims[0], dims[1], *out_dims])
        return result

    @property
    def trainable_weights(self):
        return self.layer.trainable_weights if self.trainable else []

    @property
    def non_trainable_weights(self):
        return self.layer.non_trainable_weights

    @property
    def weights(self):
        return self.layer.weights

    @property
    def updates(self):
        return self.layer.updates

    @property
    def losses(self):
        return self.layer.losses


class Bidirectional(Layer):
    """Run a recurrent ``layer`` over the sequence and a copy of it over the reversed
    sequence; ``merge_mode`` joins their outputs (``'concat'``, ``'sum'``, ``'mul'``,
    ``'ave'``, or None for a list)."""

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None,
                 **kwargs):
        if merge_mode not in ("sum", "mul", "ave", "concat", None):
            raise ValueError(f"Invalid merge mode. Merge mode should be one of "
                             f'{{"sum", "mul", "ave", "concat", None}}, got {merge_mode!r}')
        super().__init__(**kwargs)
        self.forward_layer = layer
        if backward_layer is None:
            backward_layer = copy.copy(layer)
            backward_layer.__dict__ = dict(layer.__dict__)
            backward_layer.go_backwards = not layer.go_backwards
            backward_layer._trainable_weights = []
            backward_layer._non_trainable_weights = []
            backward_layer._losses = []
            backward_layer._updates = []
            backward_layer._inbound_nodes = []
            backward_layer._outbound_nodes = []
            backward_layer._inbound = []
            backward_layer.built = False
            backward_layer._name = "backward_" + layer.name
        self.backward_layer = backward_layer
        layer._name = "forward_" + layer.name
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences

    def build(self, input_shape):
        self.built = True

    def call(self, inputs, training=None):
        kwargs = {"training": training} if training is not None else {}
        forward = self.forward_layer(inputs, **kwargs)
        backward = self.backward_layer(inputs, **kwargs)
        if self.return_sequences:
            backward = array_ops.reverse(backward, [1])
        if self.merge_mode == "concat":
            return array_ops.concat([forward, backward], -1)
        if self.merge_mode is None:
            return [forward, backward]
        from ...ops import math_ops

        if self.merge_mode == "ave":
            return math_ops.multiply(math_ops.add(forward, backward), 0.5)
        function = math_ops.add if self.merge_mode == "sum" else math_ops.multiply
        return _fold(function)(None, [forward, backward])

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        return self.forward_layer.trainable_weights + self.backward_layer.trainable_weights

    @property
    def non_trainable_weights(self):
        return (self.forward_layer.non_trainable_weights
                + self.backward_layer.non_trainable_weights)

    @property
    def weights(self):
        return self.forward_layer.weights + self.backward_layer.weights

    @property
    def losses(self):
        return self.forward_layer.losses + self.backward_layer.losses
