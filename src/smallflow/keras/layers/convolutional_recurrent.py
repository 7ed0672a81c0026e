"""``ConvLSTM2D``: an LSTM whose input and recurrent transformations are 2-D convolutions,
over ``[batch, time, rows, cols, channels]`` (channels last).

As Keras: ``kernel`` is ``[kh, kw, channels, 4 * filters]`` and ``recurrent_kernel``
``[kh, kw, filters, 4 * filters]`` (gates i, f, c, o), the input convolution uses the layer's
``strides`` and ``padding`` (``dilation_rate`` must be 1 here), the recurrent one stride 1
and ``'same'``; the state starts at zeros of the output's spatial shape; dropout masks are
drawn once per batch. The layer's default name is TF 1.x's ``conv_lst_m2d``.
"""

import numpy as np

from ... import dtypes
from ...ops import array_ops, math_ops, nn_ops
from ...ops.conv_ops import conv2d
from ...rnn import dynamic_rnn
from .. import activations, backend
from ..engine.base_layer import Layer
from ._args import attach_constraints, resolve
from .recurrent import _RNN, LSTM, lstm_gates

__all__ = ["ConvLSTM2D"]


def _pair(value, name):
    if isinstance(value, int):
        return (value, value)
    value = tuple(int(v) for v in value)
    if len(value) != 2:
        raise ValueError(f"The `{name}` argument must be a tuple of 2 integers. Received: "
                         f"{value}")
    return value


class _ConvCell:
    def __init__(self, layer):
        self.layer = layer
        self.state_size = (layer.filters, layer.filters)
        self.output_size = layer.filters

    def __call__(self, inputs, state):
        return self.layer._step(inputs, state)


class ConvLSTM2D(_RNN):
    _bias_initializer = LSTM._bias_initializer

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), activation="tanh", recurrent_activation="hard_sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, dropout=0.0,
                 recurrent_dropout=0.0, **kwargs):
        data_format = data_format or backend.image_data_format()
        if data_format != "channels_last":
            raise NotImplementedError("ConvLSTM2D: smallflow runs channels_last data only")
        if padding not in ("valid", "same"):
            raise ValueError(f"The `padding` argument must be one of 'valid', 'same'. "
                             f"Received: {padding}")
        args = {"kernel_initializer": kernel_initializer,
                "recurrent_initializer": recurrent_initializer,
                "bias_initializer": bias_initializer, "kernel_regularizer": kernel_regularizer,
                "recurrent_regularizer": recurrent_regularizer,
                "bias_regularizer": bias_regularizer, "kernel_constraint": kernel_constraint,
                "recurrent_constraint": recurrent_constraint, "bias_constraint": bias_constraint}
        self._constraints = resolve(args)
        Layer.__init__(self, activity_regularizer=activity_regularizer, **kwargs)
        self.filters = int(filters)
        self.units = self.filters
        self.kernel_size = _pair(kernel_size, "kernel_size")
        self.strides = _pair(strides, "strides")
        self.dilation_rate = _pair(dilation_rate, "dilation_rate")
        if self.dilation_rate != (1, 1):
            # as smallflow's convolution layers (its Conv2D kernel has no dilations)
            raise ValueError(f"dilation_rate other than 1 is not supported, got "
                             f"{dilation_rate!r}")
        self.padding = padding
        self.data_format = data_format
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.unit_forget_bias = unit_forget_bias
        for key in ("kernel_initializer", "recurrent_initializer", "bias_initializer",
                    "kernel_regularizer", "recurrent_regularizer", "bias_regularizer"):
            setattr(self, key, args[key])
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = bool(stateful)
        self.states = None
        self._masks = (None, None)

    _gates = 4
    _state_count = 2

    def build(self, input_shape):
        if isinstance(input_shape, list) and input_shape and \
                not isinstance(input_shape[0], int | type(None)):
            input_shape = input_shape[0]
        dims = [getattr(d, "value", d) for d in input_shape]
        if len(dims) != 5:
            raise ValueError(f"Input 0 of layer {self.name} is incompatible with the layer: "
                             f"expected ndim=5, found ndim={len(dims)}. Full shape received: "
                             f"{dims}")
        if dims[-1] is None:
            raise ValueError("The channel dimension of the inputs should be defined. Found "
                             "`None`.")
        kh, kw = self.kernel_size
        width = 4 * self.filters
        self.kernel = self.add_weight("kernel", (kh, kw, dims[-1], width),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer)
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (kh, kw, self.filters, width),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", (width,), initializer=self._bias_initializer(),
                                        regularizer=self.bias_regularizer)
        attach_constraints(self, self._constraints)
        self.built = True

    def _conv(self, x, kernel, recurrent=False):
        if recurrent:
            return conv2d(x, kernel, strides=[1, 1, 1, 1], padding="SAME")
        return conv2d(x, kernel, strides=[1, *self.strides, 1], padding=self.padding.upper())

    def _step(self, inputs, state):
        h_previous, c_previous = state
        input_mask, recurrent_mask = self._masks
        if input_mask is not None:
            inputs = math_ops.multiply(inputs, input_mask)
        h_masked = h_previous if recurrent_mask is None else \
            math_ops.multiply(h_previous, recurrent_mask)
        z = math_ops.add(self._conv(inputs, self.kernel),
                         self._conv(h_masked, self.recurrent_kernel, recurrent=True))
        if self.bias is not None:
            z = nn_ops.bias_add(z, self.bias)
        return lstm_gates(self, z, c_previous, axis=3)

    def _zero_state(self, inputs):
        """Zeros of the output's spatial shape, as Keras makes them: the input summed over
        time, times zero, convolved with a zero kernel (so the shape follows the padding)."""
        summed = math_ops.multiply(math_ops.reduce_sum(inputs, axis=1), 0.0)
        kernel = array_ops.zeros([*self.kernel_size, inputs.shape.as_list()[-1], self.filters],
                                 inputs.dtype)
        zeros = self._conv(summed, kernel)
        return zeros, zeros

    def call(self, inputs, training=None, initial_state=None, mask=None):
        if isinstance(inputs, list | tuple):
            inputs, initial_state = inputs[0], list(inputs[1:])
        if inputs.dtype != dtypes.float32 and inputs.dtype.is_integer:
            inputs = math_ops.cast(inputs, backend.floatx())
        if self.go_backwards:
            inputs = array_ops.reverse(inputs, [1])
        zero_h, zero_c = self._zero_state(inputs)
        self._masks = (self._dropout_mask(inputs[:, 0], self.dropout, training),
                       self._dropout_mask(zero_h, self.recurrent_dropout, training))
        if self.stateful and not initial_state:
            initial_state = [variable.value() for variable in self._state_variables(inputs)]
        state = tuple(initial_state) if initial_state else (zero_h, zero_c)
        outputs, final = dynamic_rnn(_ConvCell(self), inputs, initial_state=state,
                                     dtype=inputs.dtype)
        result = outputs if self.return_sequences else outputs[:, -1]
        if self.stateful:
            self.add_update([variable.assign(value)
                             for variable, value in zip(self.states, final)], inputs)
        if self.return_state:
            return [result, *final]
        return result

    def _state_variables(self, inputs):
        if self.states is not None:
            return self.states
        dims = inputs.shape.as_list()
        if dims[0] is None:
            raise ValueError("If a RNN is stateful, it needs to know its batch size. Specify "
                             "the batch size of your input tensors: \n- If using a Sequential "
                             "model, specify the batch size by passing a `batch_input_shape` "
                             "argument to your first layer.\n- If using the functional API, "
                             "specify the batch size by passing a `batch_shape` argument to "
                             "your Input layer.")
        spatial = self._zero_state(inputs)[0].shape.as_list()[1:]
        self.states = [backend.variable(np.zeros((dims[0], *spatial), np.float32))
                       for _ in range(2)]
        return self.states

    def get_config(self):
        from ..engine.serialization import _serialize

        config = Layer.get_config(self)
        for key in ("filters", "kernel_size", "strides", "padding", "data_format",
                    "dilation_rate", "activation", "recurrent_activation", "use_bias",
                    "kernel_initializer", "recurrent_initializer", "bias_initializer",
                    "unit_forget_bias", "return_sequences", "return_state", "go_backwards",
                    "stateful", "dropout", "recurrent_dropout"):
            config[key] = _serialize(key, getattr(self, key))
        return config
