"""The ``Bijector`` base class of ``tf.contrib.distributions.bijectors`` (TensorFlow 1.15).

A bijector maps ``x`` to ``y = forward(x)`` and back; its log-det-Jacobians are asked for
with the number of event dimensions they cover (``event_ndims``). A subclass implements
``_forward``, ``_inverse`` and one of ``_forward_log_det_jacobian`` /
``_inverse_log_det_jacobian`` over its ``forward_min_event_ndims`` rightmost dimensions;
the base sums the result over any further event dimensions the caller names, derives the
missing direction (``fldj(x) = -ildj(forward(x))``) and remembers the pairs it computed,
so the inverse of a sample it produced is the sample's source (no inversion at all,
which is what makes an inverse autoregressive flow's ``log_prob`` of its own samples
cheap), as TensorFlow does.
"""

import re

from .. import dtypes
from ..graph import Tensor, convert_to_tensor, get_default_graph
from ..ops import array_ops, math_ops
from ..ops.common import constant_value
from ..tensor_shape import TensorShape

__all__ = ["Bijector"]


def _camel_to_snake(name):
    first = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", first).lower()


class Bijector:
    """An invertible, differentiable map; see the module's docstring."""

    _is_injective = True  # AbsoluteValue is the one that is not

    def __init__(self, graph_parents=None, is_constant_jacobian=False, validate_args=False,
                 dtype=None, forward_min_event_ndims=None, inverse_min_event_ndims=None,
                 name=None):
        self._graph_parents = list(graph_parents or [])
        if forward_min_event_ndims is None and inverse_min_event_ndims is None:
            raise ValueError("Must specify at least one of `forward_min_event_ndims` and "
                             "`inverse_min_event_ndims`.")
        if forward_min_event_ndims is None:
            forward_min_event_ndims = inverse_min_event_ndims
        if inverse_min_event_ndims is None:
            inverse_min_event_ndims = forward_min_event_ndims
        for label, value in (("forward_min_event_ndims", forward_min_event_ndims),
                             ("inverse_min_event_ndims", inverse_min_event_ndims)):
            if not isinstance(value, int) or value < 0:
                raise ValueError(f"Expected {label} to be a non-negative integer, got "
                                 f"{value!r}")
        self._forward_min_event_ndims = forward_min_event_ndims
        self._inverse_min_event_ndims = inverse_min_event_ndims
        self._is_constant_jacobian = is_constant_jacobian
        self._validate_args = validate_args
        self._dtype = dtypes.as_dtype(dtype) if dtype is not None else None
        self._name = name or _camel_to_snake(type(self).__name__.lstrip("_"))
        # Both directions of every pair computed: x -> y (forward's, or the y an x was
        # inverted from) and y -> x.
        self._y_of = {}
        self._x_of = {}

    graph_parents = property(lambda self: self._graph_parents)
    forward_min_event_ndims = property(lambda self: self._forward_min_event_ndims)
    inverse_min_event_ndims = property(lambda self: self._inverse_min_event_ndims)
    is_constant_jacobian = property(lambda self: self._is_constant_jacobian)
    validate_args = property(lambda self: self._validate_args)
    dtype = property(lambda self: self._dtype)
    name = property(lambda self: self._name)

    def _scope(self, name):
        return _TwoScopes(self._name, name)

    def _convert(self, value, name):
        if isinstance(value, Tensor):
            tensor = value
        else:
            tensor = convert_to_tensor(value, name=name, dtype=self._dtype)
        if self._dtype is not None and tensor.dtype.base_dtype != self._dtype.base_dtype:
            raise TypeError(f"Input had dtype {tensor.dtype.name} but expected "
                            f"{self._dtype.name}.")
        return tensor

    # -- shapes ----------------------------------------------------------------------------
    def forward_event_shape(self, input_shape):
        return self._forward_event_shape(TensorShape(input_shape))

    def _forward_event_shape(self, input_shape):
        return input_shape

    def forward_event_shape_tensor(self, input_shape, name="forward_event_shape_tensor"):
        with self._scope(name):
            shape = convert_to_tensor(input_shape, dtype=dtypes.int32, name="input_shape")
            return self._forward_event_shape_tensor(shape)

    def _forward_event_shape_tensor(self, input_shape):
        return input_shape

    def inverse_event_shape(self, output_shape):
        return self._inverse_event_shape(TensorShape(output_shape))

    def _inverse_event_shape(self, output_shape):
        return output_shape

    def inverse_event_shape_tensor(self, output_shape, name="inverse_event_shape_tensor"):
        with self._scope(name):
            shape = convert_to_tensor(output_shape, dtype=dtypes.int32, name="output_shape")
            return self._inverse_event_shape_tensor(shape)

    def _inverse_event_shape_tensor(self, output_shape):
        return output_shape

    # -- maps --------------------------------------------------------------------------------
    def forward(self, x, name="forward"):
        """``y = f(x)``."""
        with self._scope(name):
            x = self._convert(x, "x")
            cached = self._y_of.get(x)
            if cached is not None:
                return cached
            y = self._forward(x)
            self._remember(x, y)
            return y

    def inverse(self, y, name="inverse"):
        """``x = f^-1(y)``; the ``x`` a ``y`` came from when this bijector produced it."""
        with self._scope(name):
            y = self._convert(y, "y")
            cached = self._x_of.get(y)
            if cached is not None:
                return cached
            x = self._inverse(y)
            self._remember(x, y)
            return x

    def _remember(self, x, y):
        self._y_of[x] = y
        self._x_of[y] = x

    def _forward(self, x):
        raise NotImplementedError(f"forward not implemented: {type(self).__name__}")

    def _inverse(self, y):
        raise NotImplementedError(f"inverse not implemented: {type(self).__name__}")

    # -- log-det-Jacobians ------------------------------------------------------------------
    def _event_ndims(self, event_ndims, minimum):
        if isinstance(event_ndims, Tensor):
            static = constant_value(event_ndims)
            if static is None:
                raise ValueError("smallflow needs event_ndims known when the graph is built "
                                 f"(got the tensor {event_ndims.name})")
            event_ndims = static
        if event_ndims is None:
            raise TypeError("event_ndims is required (TensorFlow 1.15's log-det-Jacobians "
                            "take it: the number of rightmost dimensions of one event)")
        event_ndims = int(event_ndims)
        if event_ndims < minimum:
            raise ValueError(f"event_ndims ({event_ndims}) must be larger than or equal to "
                             f"min_event_ndims ({minimum})")
        return event_ndims

    def _sum_over_event(self, value, ldj, minimum, event_ndims):
        """``ldj`` (over ``minimum`` event dims) summed over ``event_ndims - minimum`` more
        rightmost dimensions of ``value``, a constant ldj counted once per element."""
        extra = event_ndims - minimum
        if extra == 0:
            return ldj
        static = value.shape
        if static.ndims is not None and static[static.ndims - event_ndims:
                                               static.ndims - minimum].is_fully_defined():
            sizes = static[static.ndims - event_ndims:static.ndims - minimum].as_list()
        else:
            rank = array_ops.rank(value)
            sizes = array_ops.shape(value)[rank - event_ndims:rank - minimum]
        spread = array_ops.ones(sizes, dtype=ldj.dtype) * ldj
        return math_ops.reduce_sum(spread, axis=list(range(-extra, 0)))

    def inverse_log_det_jacobian(self, y, event_ndims, name="inverse_log_det_jacobian"):
        """``log |det d f^-1(y) / dy|`` summed over ``event_ndims`` rightmost dims."""
        event_ndims = self._event_ndims(event_ndims, self._inverse_min_event_ndims)
        with self._scope(name):
            y = self._convert(y, "y")
            ildj = self._raw_ildj(y)
            return self._sum_over_event(y, ildj, self._inverse_min_event_ndims, event_ndims)

    def forward_log_det_jacobian(self, x, event_ndims, name="forward_log_det_jacobian"):
        """``log |det d f(x) / dx|`` summed over ``event_ndims`` rightmost dims."""
        event_ndims = self._event_ndims(event_ndims, self._forward_min_event_ndims)
        with self._scope(name):
            x = self._convert(x, "x")
            fldj = self._raw_fldj(x)
            return self._sum_over_event(x, fldj, self._forward_min_event_ndims, event_ndims)

    def _own(self, method):
        return getattr(type(self), method, None) is not getattr(Bijector, method, None)

    def _raw_ildj(self, y):
        if self._own("_inverse_log_det_jacobian"):
            return self._inverse_log_det_jacobian(y)
        if self._own("_forward_log_det_jacobian"):
            x = self._x_of.get(y)
            if x is None:
                x = self._inverse(y)
                self._remember(x, y)
            return -self._forward_log_det_jacobian(x)
        raise NotImplementedError(f"inverse_log_det_jacobian not implemented: "
                                  f"{type(self).__name__}")

    def _raw_fldj(self, x):
        if self._own("_forward_log_det_jacobian"):
            return self._forward_log_det_jacobian(x)
        if self._own("_inverse_log_det_jacobian"):
            y = self._y_of.get(x)
            if y is None:
                y = self._forward(x)
                self._remember(x, y)
            return -self._inverse_log_det_jacobian(y)
        raise NotImplementedError(f"forward_log_det_jacobian not implemented: "
                                  f"{type(self).__name__}")

    def _inverse_log_det_jacobian(self, y):
        raise NotImplementedError

    def _forward_log_det_jacobian(self, x):
        raise NotImplementedError


class _TwoScopes:
    """``<bijector name>/<method>/``, both entered and left together."""

    def __init__(self, outer, inner):
        self._names = (outer, inner)
        self._scopes = []

    def __enter__(self):
        graph = get_default_graph()
        result = None
        for name in self._names:
            scope = graph.name_scope(name)
            result = scope.__enter__()
            self._scopes.append(scope)
        return result

    def __exit__(self, *exc):
        while self._scopes:
            self._scopes.pop().__exit__(*exc)
        return False
