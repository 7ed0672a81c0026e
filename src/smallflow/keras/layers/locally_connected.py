"""Keras's LocallyConnected1D/2D: convolutions whose filters are not shared, one filter per
output position (``kernel`` [positions, patch size, filters], ``bias`` per position).
Only ``padding='valid'`` exists, as in TensorFlow 1.x's Keras."""

from ...graph import name_scope
from .. import activations, backend
from ..engine.base_layer import Layer
from ._args import attach_constraints, resolve

__all__ = ["LocallyConnected1D", "LocallyConnected2D"]


def _tuple(value, count, what):
    values = tuple(value) if isinstance(value, (list, tuple)) else (value,) * count
    if len(values) != count or any(int(v) < 1 for v in values):
        raise ValueError(f"The `{what}` argument must be a tuple of {count} positive integers. "
                         f"Received: {value}")
    return tuple(int(v) for v in values)


class _LocallyConnected(Layer):
    _rank = None

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 implementation=1, **kwargs):
        args = {"activation": activation, "kernel_initializer": kernel_initializer,
                "bias_initializer": bias_initializer, "kernel_regularizer": kernel_regularizer,
                "bias_regularizer": bias_regularizer, "kernel_constraint": kernel_constraint,
                "bias_constraint": bias_constraint}
        self._constraints = resolve(args)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if str(padding).lower() != "valid":
            raise ValueError("Invalid border mode for LocallyConnected: only \"valid\" is "
                             f"supported, got {padding!r}")
        if implementation not in (1, 2, 3):
            raise ValueError(f"Unrecognized implementation mode: {implementation}.")
        self.filters = int(filters)
        self.kernel_size = _tuple(kernel_size, self._rank, "kernel_size")
        self.strides = _tuple(strides, self._rank, "strides")
        self.padding = "valid"
        self.data_format = data_format or backend.image_data_format()
        self.activation = args["activation"]
        self.use_bias = use_bias
        self.implementation = implementation
        self._args = args

    def build(self, input_shape):
        dims = [d.value if hasattr(d, "value") else d for d in list(input_shape)]
        if self.data_format == "channels_first":
            channels, spatial = dims[1], dims[2:]
        else:
            channels, spatial = dims[-1], dims[1:-1]
        if channels is None or None in spatial:
            raise ValueError(f"{type(self).__name__} needs fully known input dimensions (but "
                             f"the batch); got {list(input_shape)}")
        self.output_dims = tuple((n - k) // s + 1 for n, k, s in
                                 zip(spatial, self.kernel_size, self.strides))
        if min(self.output_dims) < 1:
            raise ValueError(f"{type(self).__name__}: the kernel {self.kernel_size} does not fit "
                             f"the input's spatial size {tuple(spatial)}")
        positions = 1
        for d in self.output_dims:
            positions *= d
        patch = channels
        for k in self.kernel_size:
            patch *= k
        self.kernel = self.add_weight("kernel", [positions, patch, self.filters],
                                      initializer=self._args["kernel_initializer"],
                                      regularizer=self._args["kernel_regularizer"])
        if self.use_bias:
            shape = ([self.filters, *self.output_dims] if self.data_format == "channels_first"
                     else [*self.output_dims, self.filters])
            self.bias = self.add_weight("bias", shape,
                                        initializer=self._args["bias_initializer"],
                                        regularizer=self._args["bias_regularizer"])
        else:
            self.bias = None
        attach_constraints(self, self._constraints)
        self.built = True

    def call(self, inputs):
        from .. import backend_nn

        if self._rank == 1:
            out = backend_nn.local_conv1d(inputs, self.kernel, self.kernel_size, self.strides,
                                          self.data_format)
        else:
            out = backend_nn.local_conv2d(inputs, self.kernel, self.kernel_size, self.strides,
                                          self.output_dims, self.data_format)
        if self.use_bias:
            with name_scope("BiasAdd"):
                out = backend_nn.bias_add(out, self.bias, data_format=self.data_format)
        return self.activation(out) if self.activation is not None else out

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "kernel_size": self.kernel_size, "strides": self.strides,
                "padding": self.padding, "data_format": self.data_format,
                "activation": activations.serialize(self.activation or activations.linear),
                "use_bias": self.use_bias, "implementation": self.implementation}


class LocallyConnected1D(_LocallyConnected):
    """``[batch, steps, channels]`` -> ``[batch, new_steps, filters]``, unshared filters."""

    _rank = 1


class LocallyConnected2D(_LocallyConnected):
    """``[batch, rows, cols, channels]`` -> ``[batch, new_rows, new_cols, filters]``."""

    _rank = 2
