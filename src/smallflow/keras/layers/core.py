"""Keras's core layers: Dense, Flatten, Dropout, Activation, Reshape, Permute, RepeatVector,
Lambda, ActivityRegularization.

Dense, Flatten and Dropout compute as ``tf.layers`` does (same ops, same variable shapes);
the Keras classes add Keras's names and defaults: string activations and initializers, the
``data_format`` of ``backend.image_data_format()``, and Dropout following the learning phase
(active in ``fit``, the identity in ``evaluate``/``predict``) when ``training`` is not given.
"""

import numpy as np

from ...graph import convert_to_tensor
from ...layers import core as _core
from ...ops import array_ops
from ...tensor_shape import TensorShape
from .. import activations, backend
from ..engine.base_layer import Layer
from ._args import attach_constraints, resolve

__all__ = ["Activation", "ActivityRegularization", "Dense", "Dropout", "Flatten", "Lambda",
           "Masking", "Permute", "RepeatVector", "Reshape"]


class Dense(_core.Dense, Layer):
    """``activation(inputs @ kernel + bias)``: Keras's fully connected layer."""

    _propagates_mask = True

    def __init__(self, units, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        args = {"activation": activation, "kernel_initializer": kernel_initializer,
                "bias_initializer": bias_initializer, "kernel_regularizer": kernel_regularizer,
                "bias_regularizer": bias_regularizer, "kernel_constraint": kernel_constraint,
                "bias_constraint": bias_constraint}
        self._constraints = resolve(args)
        super().__init__(units, use_bias=use_bias, activity_regularizer=activity_regularizer,
                         **args, **kwargs)

    def build(self, input_shape):
        super().build(input_shape)
        attach_constraints(self, self._constraints)

    def get_config(self):
        return {**Layer.get_config(self), "units": self.units,
                "activation": activations.serialize(self.activation or activations.linear),
                "use_bias": self.use_bias}


class Flatten(_core.Flatten, Layer):
    """``[batch, ...]`` -> ``[batch, product of the rest]``."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(data_format=data_format or backend.image_data_format(), **kwargs)


class Dropout(_core.Dropout, Layer):
    """Zero a fraction ``rate`` of the inputs (scaling the rest) while training."""

    _propagates_mask = True

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(rate, noise_shape=noise_shape, seed=seed, **kwargs)

    def call(self, inputs, training=None):
        return super().call(inputs, training=backend.phase_of(training))

    def get_config(self):
        return {**Layer.get_config(self), "rate": self.rate}


class Activation(Layer):
    """Apply an activation function (a name such as ``'relu'`` or a function)."""

    _propagates_mask = True

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)


class Reshape(Layer):
    """Reshape to ``(batch,) + target_shape``; one entry may be -1."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(int(d) for d in target_shape)

    def call(self, inputs):
        dims = inputs.shape.as_tuple()
        if dims is not None and dims[0] is not None:
            return array_ops.reshape(inputs, (dims[0], *self.target_shape))
        batch = array_ops.shape(inputs)[0]
        outputs = array_ops.reshape(inputs, array_ops.stack([batch, *self.target_shape]))
        known = list(self.target_shape)
        if -1 in known and dims is not None and all(d is not None for d in dims[1:]):
            size = int(np.prod(dims[1:]))
            rest = int(np.prod([d for d in known if d != -1]))
            known[known.index(-1)] = size // rest
        outputs.set_shape(TensorShape([None, *[None if d == -1 else d for d in known]]))
        return outputs


class Permute(Layer):
    """Permute the non-batch axes (``dims`` counts them from 1)."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)

    def call(self, inputs):
        return array_ops.transpose(inputs, (0, *self.dims))


class RepeatVector(Layer):
    """``[batch, features]`` -> ``[batch, n, features]``."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = int(n)

    def call(self, inputs):
        return array_ops.tile(array_ops.expand_dims(inputs, 1), [1, self.n, 1])


class Lambda(Layer):
    """Wrap an expression of tensors as a layer: ``Lambda(lambda x: x ** 2)``."""

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        self.function = function
        self.arguments = arguments or {}
        self._output_shape = output_shape

    def call(self, inputs, mask=None, training=None):
        import inspect

        arguments = dict(self.arguments)
        parameters = inspect.signature(self.function).parameters
        if "mask" in parameters:
            arguments["mask"] = mask
        if "training" in parameters:
            arguments["training"] = training
        outputs = self.function(inputs, **arguments)
        return convert_to_tensor(outputs) if not isinstance(outputs, list | tuple) else outputs

    def get_config(self):
        """Keras's config: the function as marshalled byte code (``func_dump``) with the
        module whose globals it reads, the output shape likewise, and the arguments."""
        import types

        config = super().get_config()
        if isinstance(self.function, types.FunctionType):
            function, function_type = func_dump(self.function), "lambda"
        else:
            function, function_type = self.function.__name__, "function"
        shape_module = None
        if isinstance(self._output_shape, types.FunctionType):
            output_shape, shape_type = func_dump(self._output_shape), "lambda"
            shape_module = self._output_shape.__module__
        elif callable(self._output_shape):
            output_shape, shape_type = self._output_shape.__name__, "function"
            shape_module = self._output_shape.__module__
        else:
            output_shape, shape_type = self._output_shape, "raw"
        config.update({"function": function, "module": getattr(self.function, "__module__", None),
                       "function_type": function_type, "output_shape": output_shape,
                       "output_shape_type": shape_type, "output_shape_module": shape_module,
                       "arguments": self.arguments})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuild the function from its byte code in the globals of its module (when that
        module is loaded) and of ``custom_objects``, as Keras does."""
        config = dict(config)
        function = _function_from_config(config, custom_objects, "function", "module",
                                         "function_type")
        output_shape = _function_from_config(config, custom_objects, "output_shape",
                                             "output_shape_module", "output_shape_type")
        if isinstance(output_shape, list):
            output_shape = tuple(output_shape)
        config.pop("batch_input_shape", None)
        return cls(function, output_shape=output_shape, arguments=config.get("arguments"),
                   name=config.get("name"), trainable=config.get("trainable", True))


def func_dump(function):
    """``(code, defaults, closure)`` of a Python function: its byte code marshalled and
    base64-encoded (readable only by the same Python version, as Keras's files)."""
    import codecs
    import marshal

    code = codecs.encode(marshal.dumps(function.__code__), "base64").decode("ascii")
    closure = (tuple(cell.cell_contents for cell in function.__closure__)
               if function.__closure__ else None)
    return code, function.__defaults__, closure


def func_load(code, defaults=None, closure=None, globs=None):
    """The function ``func_dump`` described, with ``globs`` as its globals."""
    import codecs
    import marshal
    import types

    if isinstance(code, list | tuple):
        code, defaults, closure = code
    if isinstance(defaults, list):
        defaults = tuple(defaults)
    cells = None
    if closure is not None:
        cells = tuple(types.CellType(value) for value in closure)
    try:
        raw = codecs.decode(code.encode("ascii"), "base64")
    except (UnicodeEncodeError, ValueError):
        raw = code.encode("raw_unicode_escape")
    try:
        loaded = marshal.loads(raw)
    except (ValueError, EOFError, TypeError) as error:
        raise ValueError("the Lambda layer's function was saved by another Python version "
                         f"(its byte code cannot be read: {error}); rebuild the model in code "
                         "and load its weights") from None
    return types.FunctionType(loaded, globs if globs is not None else globals(),
                              name=loaded.co_name, argdefs=defaults, closure=cells)


def _function_from_config(config, custom_objects, name_key, module_key, type_key):
    import sys
    import warnings

    globs = dict(globals())
    module = config.pop(module_key, None)
    if module in sys.modules:
        globs.update(sys.modules[module].__dict__)
    elif module is not None:
        warnings.warn(f"{module} is not loaded, but a Lambda layer uses it. It may cause "
                      "errors.", UserWarning, stacklevel=4)
    if custom_objects:
        globs.update(custom_objects)
    kind = config.pop(type_key, "raw")
    value = config.get(name_key)
    if kind == "lambda":
        return func_load(value, globs=globs)
    if kind == "function":
        if custom_objects and value in custom_objects:
            return custom_objects[value]
        if value in globs:
            return globs[value]
        raise ValueError(f"Unknown function in Lambda layer: {value} (pass it in "
                         "custom_objects)")
    return value


class ActivityRegularization(Layer):
    """The identity, adding ``l1 * sum|x| + l2 * sum x**2`` of its output to the loss."""

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        from ..regularizers import L1L2

        super().__init__(activity_regularizer=L1L2(l1, l2), **kwargs)
        self.l1, self.l2 = l1, l2


class Masking(Layer):
    """Skip the timesteps whose features all equal ``mask_value``: they are zeroed and the
    output carries a mask (``[batch, steps]``) that recurrent layers downstream follow."""

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value

    def compute_mask(self, inputs, mask=None):
        """The steps where some feature differs from ``mask_value``."""
        from ...ops import math_ops

        return math_ops.reduce_any(math_ops.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        from ...ops import math_ops

        keep = math_ops.reduce_any(math_ops.not_equal(inputs, self.mask_value), axis=-1,
                                   keepdims=True)
        outputs = math_ops.multiply(inputs, math_ops.cast(keep, inputs.dtype))
        outputs._keras_mask = array_ops.squeeze(keep, [-1])
        return outputs
