"""``tf.layers.Layer``: the base class of the layer classes (build once, call many times).

A layer opens a variable scope on its first call (``dense``, ``dense_1``, ... or its
``name``), builds its variables there with ``add_weight`` (``get_variable`` underneath, so
regularizers land in ``REGULARIZATION_LOSSES``) and keeps that scope: later calls reuse the
same variables and put their ops in the same name scope, as TensorFlow 1.x does. Updates a
layer declares while called (batch normalization's moving averages) join ``UPDATE_OPS``.
"""

import re

import numpy as np

from .. import dtypes
from ..graph import (
    GraphKeys,
    Tensor,
    convert_to_tensor,
    get_collection,
    get_default_graph,
    name_scope,
)
from ..ops.common import constant_value
from ..tensor_shape import TensorShape
from ..variable_scope import get_variable, reenter_variable_scope, variable_scope

__all__ = ["InputSpec", "Layer"]

_DATA_FORMATS = {"channels_last": "NHWC", "channels_first": "NCHW"}


def _snake_case(name):
    """``BatchNormalization`` -> ``batch_normalization``, ``Conv2D`` -> ``conv2d``."""
    words = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", words).lower()


class InputSpec:
    """What a layer accepts (kept for programs that read or set it; not enforced beyond ndim)."""

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None,
                 axes=None):
        self.dtype = dtype
        self.shape = shape
        self.ndim = len(shape) if shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = axes or {}


class Layer:
    """A callable block of graph with its own variables (TensorFlow 1.x ``tf.layers.Layer``).

    Subclasses override ``build(input_shape)`` (create variables with ``add_weight``) and
    ``call(inputs, **kwargs)`` (build the ops). ``layer(inputs)`` or ``layer.apply(inputs)``
    runs both, ``build`` only the first time.
    """

    def __init__(self, trainable=True, name=None, dtype=None, activity_regularizer=None,
                 **kwargs):
        self._scope_arg = kwargs.pop("_scope", None)
        self._reuse = kwargs.pop("_reuse", None)
        kwargs.pop("input_shape", None)
        kwargs.pop("batch_input_shape", None)
        if kwargs:
            raise TypeError(f"{type(self).__name__} got arguments smallflow does not support: "
                            f"{sorted(kwargs)}")
        self.trainable = trainable
        self.built = False
        self._base_name = name or _snake_case(type(self).__name__)
        self._name = name
        self._dtype = None if dtype is None else dtypes.as_dtype(dtype)
        self.activity_regularizer = activity_regularizer
        self.input_spec = None
        self._scope = None
        self._trainable_weights = []
        self._non_trainable_weights = []
        self._updates = []
        self._losses = []
        self._inbound = []

    # -- properties TensorFlow programs read ----------------------------------------------------
    @property
    def name(self):
        return self._name if self._name is not None else self._base_name

    @property
    def dtype(self):
        return None if self._dtype is None else self._dtype.name

    @property
    def scope_name(self):
        if self._scope is None:
            raise ValueError("No name available for layer scope because the layer "
                             f'"{self.name}" has not been used yet.')
        return self._scope.name

    @property
    def trainable_weights(self):
        return list(self._trainable_weights) if self.trainable else []

    @property
    def non_trainable_weights(self):
        if self.trainable:
            return list(self._non_trainable_weights)
        return self._trainable_weights + self._non_trainable_weights

    @property
    def weights(self):
        return self.trainable_weights + self.non_trainable_weights

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights
    variables = weights

    @property
    def updates(self):
        return list(self._updates)

    @property
    def losses(self):
        found = [loss() if isinstance(loss, Penalty) else loss for loss in self._losses]
        return found + self.__dict__.get("_eager_activity_losses", [])

    @property
    def input(self):
        return self._inbound[0][0] if self._inbound else None

    @property
    def output(self):
        return self._inbound[0][1] if self._inbound else None

    # -- the protocol subclasses implement ------------------------------------------------------
    def build(self, input_shape):
        self.built = True

    def call(self, inputs, **kwargs):
        return inputs

    def compute_output_shape(self, input_shape):
        raise NotImplementedError(f"{type(self).__name__}.compute_output_shape")

    def add_weight(self, name, shape, dtype=None, initializer=None, regularizer=None,
                   trainable=True, constraint=None, partitioner=None, use_resource=None,
                   **kwargs):
        """Create (or, when the scope reuses, find) a variable of this layer."""
        if constraint is not None:
            raise TypeError(f"{type(self).__name__}: variable constraints are not supported "
                            f"by smallflow (got one for {name!r})")
        dtype = dtypes.as_dtype(dtype or self._dtype or dtypes.float32)
        trainable = trainable and self.trainable
        losses_before = len(get_collection(GraphKeys.REGULARIZATION_LOSSES))
        eager = get_default_graph()._eager
        variable = get_variable(name, shape, dtype, initializer,
                                None if eager else regularizer, trainable)
        if eager and regularizer is not None:
            # Eagerly the penalty is of the weight's current value: a function of it,
            # computed when ``losses`` is read (TF 1.x's eager layers keep it as a callable).
            self._losses.append(Penalty(regularizer, variable, name + "/Regularizer"))
        self._losses.extend(get_collection(GraphKeys.REGULARIZATION_LOSSES)[losses_before:])
        if variable not in self._trainable_weights + self._non_trainable_weights:
            (self._trainable_weights if trainable else self._non_trainable_weights).append(
                variable)
        return variable

    add_variable = add_weight

    def add_update(self, updates, inputs=None):
        """Record update ops; those made while the layer is called also join UPDATE_OPS."""
        items = updates if isinstance(updates, list | tuple) else [updates]
        self._updates.extend(items)

    def add_loss(self, losses, inputs=None):
        items = losses if isinstance(losses, list | tuple) else [losses]
        self._losses.extend(items)
        if get_default_graph()._eager:
            return  # eager values join no collection (it would grow with every call)
        for loss in items:
            get_default_graph().add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)

    def get_updates_for(self, inputs):
        return self.updates

    def get_losses_for(self, inputs):
        return self.losses

    def get_weights(self):
        from ..graph import get_default_session

        session = get_default_session()
        if session is None:
            raise ValueError("get_weights needs a default session (use `with sess.as_default()`)")
        return session.run(self.weights)

    def set_weights(self, weights):
        """Load ``weights`` (arrays in the order of ``weights``) in the default session."""
        from ..graph import get_default_session
        from ..variables import load_layer_weights

        load_layer_weights(self.name, self.weights, weights, get_default_session())

    def count_params(self):
        """How many numbers the layer's weights hold (the layer must be built)."""
        if not self.built:
            raise ValueError(f"You tried to call `count_params` on {self.name}, but the layer "
                             "isn't built. You can build it manually via: "
                             f"`{self.name}.build(batch_input_shape)`.")
        return sum(int(v.shape.num_elements()) for v in self.weights)

    def compute_mask(self, inputs, mask=None):
        """The output mask: none, as for every tf.layers layer (they do not support masks)."""
        if mask is not None and not getattr(self, "supports_masking", False):
            raise TypeError(f"Layer {self.name} does not support masking, but was passed an "
                            "input_mask")
        return mask if getattr(self, "supports_masking", False) else None

    # -- calling -------------------------------------------------------------------------------
    def __call__(self, inputs, *args, **kwargs):
        kwargs.pop("scope", None)
        graph = get_default_graph()
        updates_before = len(self._updates)
        if self._scope is None:
            if self._scope_arg is not None:
                scope_ctx = variable_scope(self._scope_arg, reuse=self._reuse)
            else:
                scope_ctx = variable_scope(None, default_name=self._base_name,
                                           reuse=self._reuse)
        else:
            scope_ctx = reenter_variable_scope(self._scope)
        with scope_ctx as scope:
            if self._scope is None:
                self._scope = scope
                if self._name is None or self._scope_arg is None:
                    self._name = scope.name.rpartition("/")[2]
            inputs = _as_inputs(inputs)
            if self._dtype is None:
                first = inputs[0] if isinstance(inputs, list | tuple) else inputs
                if isinstance(first, Tensor) and first.dtype.is_floating:
                    self._dtype = first.dtype
            if not self.built:
                shapes = ([t.shape for t in inputs] if isinstance(inputs, list | tuple)
                          else inputs.shape)
                self.build(shapes)
                self.built = True
            outputs = self.call(inputs, *args, **kwargs)
            if self.activity_regularizer is not None:
                penalty = self.activity_regularizer(outputs)
                if penalty is not None and graph._eager:
                    self._eager_activity_losses = [penalty]  # this call's only
                elif penalty is not None:
                    self.add_loss(penalty)
        if graph._eager:
            return outputs  # nothing to record: the ops ran (and would pile up per call)
        for update in self._updates[updates_before:]:
            graph.add_to_collection(GraphKeys.UPDATE_OPS, update)
        self._inbound.append((inputs, outputs))
        return outputs

    def apply(self, inputs, *args, **kwargs):
        return self(inputs, *args, **kwargs)


class Penalty:
    """A weight regularizer's penalty, computed from the weight when it is asked for (eager
    layers: a value computed once would not follow the weight)."""

    def __init__(self, regularizer, variable, scope):
        self._regularizer = regularizer
        self._variable = variable
        self._scope = scope

    def __call__(self):
        with name_scope(self._scope):
            return self._regularizer(self._variable.value())


def _as_inputs(inputs):
    if isinstance(inputs, list | tuple):
        return [convert_to_tensor(t) for t in inputs]
    return convert_to_tensor(inputs)


# -- argument checks shared by the layer classes -------------------------------------------------


def float_inputs(inputs, layer):
    inputs = convert_to_tensor(inputs)
    if not inputs.dtype.is_floating:
        raise TypeError(f"The inputs of {layer} must be floating point, got "
                        f"{inputs.dtype.name} ({inputs.name})")
    return inputs


def known_training(training):
    """``training`` as the layers use it: a Python bool when it is one, or a tensor whose value
    is known now (TensorFlow's smart_cond decides on the constant's truth, whatever its dtype:
    a program may pass ``tf.convert_to_tensor("train")``); else the bool tensor itself."""
    if not isinstance(training, Tensor):
        return training
    value = constant_value(training)
    if value is not None and np.ndim(value) == 0:
        return bool(np.asarray(value)[()])
    if training.dtype != dtypes.bool:
        raise TypeError(f"training must be a Python bool or a bool tensor, got "
                        f"{training.dtype.name} ({training.name})")
    return training


def int_tuple(value, n, what):
    """An int or ``n`` ints as a list of ``n`` positive ints (Keras' normalize_tuple)."""
    items = [value] * n if isinstance(value, int | np.integer) else list(value)
    if len(items) != n or not all(isinstance(v, int | np.integer) and v > 0 for v in items):
        raise ValueError(f"The `{what}` argument must be a tuple of {n} positive integers. "
                         f"Received: {value!r}")
    return [int(v) for v in items]


def padding_of(padding):
    normalized = padding.upper() if isinstance(padding, str) else None
    if normalized not in ("SAME", "VALID"):
        raise ValueError('The `padding` argument must be one of "valid", "same". Received: '
                         f"{padding!r}")
    return normalized


def data_format_of(data_format):
    if data_format not in _DATA_FORMATS:
        raise ValueError('The `data_format` argument must be one of "channels_last", '
                         f'"channels_first". Received: {data_format!r}')
    return _DATA_FORMATS[data_format]


def refuse(unsupported, layer):
    """Arguments we do not implement: ``None`` is harmless, anything else is refused."""
    given = sorted(key for key, value in unsupported.items() if value is not None)
    if given:
        raise TypeError(f"tf.layers.{layer} got arguments smallflow does not support: {given}")


def static_dims(tensor):
    dims = tensor.shape.as_tuple()
    return None if dims is None else list(dims)


def as_shape_list(shape):
    return TensorShape(shape).as_list() if shape is not None else None
