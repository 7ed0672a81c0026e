"""The ``tf.distributions.Distribution`` base class (TensorFlow 1.x's core distributions).

A subclass converts its parameters once, in a name scope of its own (``Normal/``), and
implements the underscored methods it has (``_log_prob``, ``_sample_n``, ``_mean``...); the
public methods open ``<name>/<method>/`` scopes, convert their argument to the
distribution's dtype and fill in what can be derived (``prob`` from ``log_prob`` and back,
``stddev`` from ``variance``...). What a subclass lacks raises NotImplementedError naming the
method and the class, as in TensorFlow.
"""

import numpy as np

from .. import dtypes
from ..graph import Tensor, convert_to_tensor, get_default_graph
from ..ops import array_ops, math_ops
from ..ops.common import constant_value
from ..tensor_shape import TensorShape

__all__ = ["Distribution", "FULLY_REPARAMETERIZED", "NOT_REPARAMETERIZED",
           "ReparameterizationType"]


class ReparameterizationType:
    """Whether samples are a differentiable function of the parameters."""

    def __init__(self, rep_type):
        self._rep_type = rep_type

    def __repr__(self):
        return f"<Reparameteriation Type: {self._rep_type}>"  # TensorFlow's spelling

    def __eq__(self, other):
        return self is other

    __hash__ = object.__hash__


FULLY_REPARAMETERIZED = ReparameterizationType("FULLY_REPARAMETERIZED")
NOT_REPARAMETERIZED = ReparameterizationType("NOT_REPARAMETERIZED")


def open_scope(name, default):
    """Enter ``name`` (or ``default``) as TensorFlow's distributions do; returns the scope."""
    return get_default_graph().name_scope(name or default)


class Distribution:
    """A batch of distributions of one family; see the module's docstring."""

    def __init__(self, dtype, reparameterization_type, validate_args, allow_nan_stats,
                 parameters=None, graph_parents=None, name=None):
        self._dtype = dtype
        self._reparameterization_type = reparameterization_type
        self._validate_args = validate_args
        self._allow_nan_stats = allow_nan_stats
        self._parameters = dict(parameters or {})
        self._parameters.pop("self", None)
        self._graph_parents = [t for t in (graph_parents or []) if t is not None]
        self._name = name or type(self).__name__

    # -- properties ----------------------------------------------------------------------------
    dtype = property(lambda self: self._dtype)
    name = property(lambda self: self._name)
    parameters = property(lambda self: dict(self._parameters))
    reparameterization_type = property(lambda self: self._reparameterization_type)
    allow_nan_stats = property(lambda self: self._allow_nan_stats)
    validate_args = property(lambda self: self._validate_args)

    def copy(self, **override_parameters_kwargs):
        """The same distribution with some constructor arguments replaced."""
        parameters = dict(self.parameters, **override_parameters_kwargs)
        return type(self)(**parameters)

    def _scope(self, name):
        graph = get_default_graph()
        outer = graph.name_scope(self._name if self._name.endswith("/") else
                                 self._name + "/")
        return _Nested(outer, graph, name)

    # -- shapes --------------------------------------------------------------------------------
    @property
    def batch_shape(self):
        return TensorShape(self._batch_shape())

    def batch_shape_tensor(self, name="batch_shape_tensor"):
        with self._scope(name):
            static = self.batch_shape
            if static.is_fully_defined():
                return convert_to_tensor(static.as_list(), dtype=dtypes.int32,
                                         name="batch_shape")
            return self._batch_shape_tensor()

    @property
    def event_shape(self):
        return TensorShape(self._event_shape())

    def event_shape_tensor(self, name="event_shape_tensor"):
        with self._scope(name):
            static = self.event_shape
            if static.is_fully_defined():
                return convert_to_tensor(static.as_list(), dtype=dtypes.int32,
                                         name="event_shape")
            return self._event_shape_tensor()

    def is_scalar_batch(self, name="is_scalar_batch"):
        with self._scope(name):
            return convert_to_tensor(self.batch_shape.ndims == 0)

    def is_scalar_event(self, name="is_scalar_event"):
        with self._scope(name):
            return convert_to_tensor(self.event_shape.ndims == 0)

    def _event_shape(self):
        return TensorShape([])

    def _event_shape_tensor(self):
        return array_ops.constant([], dtype=dtypes.int32)

    # -- sampling ------------------------------------------------------------------------------
    def sample(self, sample_shape=(), seed=None, name="sample"):
        """Samples of shape ``sample_shape + batch_shape + event_shape``."""
        with self._scope(name):
            shape = convert_to_tensor(sample_shape, dtype=dtypes.int32, name="sample_shape")
            static = constant_value(shape)
            if shape.shape.ndims not in (None, 0, 1):
                raise ValueError("Input is neither scalar nor vector.")
            if static is not None:
                static = np.reshape(static, [-1]).astype(np.int32)
                count = int(np.prod(static))
                if shape.shape.ndims == 0:
                    shape = convert_to_tensor(static, dtype=dtypes.int32, name="sample_shape")
            else:
                count = math_ops.reduce_prod(shape)
                if shape.shape.ndims == 0:
                    shape = array_ops.reshape(shape, [1])
            samples = self._sample_n(count, seed)
            full = array_ops.concat([shape, array_ops.shape(samples)[1:]], 0)
            result = array_ops.reshape(samples, full)
            if static is not None and samples.shape.ndims is not None:
                result.set_shape([int(d) for d in static] + samples.shape.as_list()[1:])
            if static is not None:
                # what the batch and event shapes know (a sampler's reshapes may hide it)
                known = self.batch_shape.concatenate(self.event_shape)
                if known.ndims is not None:
                    result.set_shape(TensorShape([int(d) for d in static]).concatenate(known))
            return result

    def _sample_n(self, n, seed=None):
        raise NotImplementedError(f"sample_n is not implemented: {type(self).__name__}")

    # -- probabilities -------------------------------------------------------------------------
    def _value(self, value):
        return convert_to_tensor(value, name="value", dtype=self._dtype
                                 if isinstance(self._dtype, dtypes.DType)
                                 and self._dtype.is_floating else None)

    def _call(self, name, method, fallback, value):
        with self._scope(name):
            value = self._value(value)
            own = getattr(type(self), method, None)
            if own is not None and own is not getattr(Distribution, method, None):
                return getattr(self, method)(value)
            derived = getattr(type(self), fallback[0], None)
            if derived is not None and derived is not getattr(Distribution, fallback[0], None):
                return fallback[1](getattr(self, fallback[0])(value))
            raise NotImplementedError(f"{name} is not implemented: {type(self).__name__}")

    def log_prob(self, value, name="log_prob"):
        return self._call(name, "_log_prob", ("_prob", math_ops.log), value)

    def prob(self, value, name="prob"):
        return self._call(name, "_prob", ("_log_prob", math_ops.exp), value)

    def log_cdf(self, value, name="log_cdf"):
        return self._call(name, "_log_cdf", ("_cdf", math_ops.log), value)

    def cdf(self, value, name="cdf"):
        return self._call(name, "_cdf", ("_log_cdf", math_ops.exp), value)

    def log_survival_function(self, value, name="log_survival_function"):
        return self._call(name, "_log_survival_function",
                          ("_cdf", lambda c: math_ops.log1p(-c)), value)

    def survival_function(self, value, name="survival_function"):
        return self._call(name, "_survival_function", ("_cdf", lambda c: 1.0 - c), value)

    def quantile(self, value, name="quantile"):
        return self._call(name, "_quantile", ("_quantile", None), value)

    # -- statistics ----------------------------------------------------------------------------
    def _statistic(self, name, method):
        with self._scope(name):
            own = getattr(self, method, None)
            if own is None:
                raise NotImplementedError(f"{name} is not implemented: {type(self).__name__}")
            return own()

    def entropy(self, name="entropy"):
        return self._statistic(name, "_entropy")

    def mean(self, name="mean"):
        return self._statistic(name, "_mean")

    def mode(self, name="mode"):
        return self._statistic(name, "_mode")

    def variance(self, name="variance"):
        with self._scope(name):
            if getattr(self, "_variance", None) is not None:
                return self._variance()
            if getattr(self, "_stddev", None) is not None:
                return math_ops.square(self._stddev())
            raise NotImplementedError(f"variance is not implemented: {type(self).__name__}")

    def stddev(self, name="stddev"):
        with self._scope(name):
            if getattr(self, "_stddev", None) is not None:
                return self._stddev()
            if getattr(self, "_variance", None) is not None:
                return math_ops.sqrt(self._variance())
            raise NotImplementedError(f"stddev is not implemented: {type(self).__name__}")

    def covariance(self, name="covariance"):
        return self._statistic(name, "_covariance")

    def kl_divergence(self, other, name="kl_divergence"):
        from .kullback_leibler import kl_divergence

        with self._scope(name):
            return kl_divergence(self, other)

    def cross_entropy(self, other, name="cross_entropy"):
        with self._scope(name):
            return self._cross_entropy(other) if hasattr(self, "_cross_entropy") else \
                self.entropy() + self.kl_divergence(other)

    def __str__(self):
        return (f'tf.distributions.{type(self).__name__}("{self.name}", batch_shape='
                f'{_shape_text(self.batch_shape, "{}")}, event_shape='
                f'{_shape_text(self.event_shape, "{}")}, dtype={self.dtype.name})')

    def __repr__(self):
        return (f"<tf.distributions.{type(self).__name__} '{self.name}' batch_shape="
                f"{_shape_text(self.batch_shape, '?')} event_shape="
                f"{_shape_text(self.event_shape, '?')} dtype={self.dtype.name}>")


def _shape_text(shape, unknown):
    """``(3, 4)`` with unknown sizes as ``unknown`` (``None`` in str, ``?`` in repr)."""
    if shape.ndims is None:
        return "<unknown>"
    dims = ["None" if d.value is None and unknown == "{}" else
            unknown if d.value is None else str(d.value) for d in shape.dims]
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


class _Nested:
    """``<distribution scope>/<method>/``: both scopes entered and left together."""

    def __init__(self, outer, graph, name):
        self._outer = outer
        self._graph = graph
        self._name = name
        self._inner = None

    def __enter__(self):
        self._outer.__enter__()
        self._inner = self._graph.name_scope(self._name)
        return self._inner.__enter__()

    def __exit__(self, *exc):
        self._inner.__exit__(*exc)
        return self._outer.__exit__(*exc)


def parameters_in_scope(scope_name, names, values):
    """Convert a distribution's parameters inside its own name scope, as ``identity`` ops
    named after them; a Python number takes the dtype of a Tensor among the parameters.
    Returns ``(scope, tensors, dtype)``, ``scope`` ending in "/" (the distribution's name);
    ValueError when the parameters' float dtypes differ."""
    graph = get_default_graph()
    with graph.name_scope(scope_name) as scope:
        converted = []
        for name, value in zip(names, values):
            dtype = None
            if not isinstance(value, Tensor):
                tensors = [v for v in list(values) + converted if isinstance(v, Tensor)]
                if tensors and tensors[0].dtype.is_floating:
                    dtype = tensors[0].dtype.base_dtype
            tensor = convert_to_tensor(value, name=name, dtype=dtype)
            converted.append(array_ops.identity(tensor, name=name))
        kind = same_float_dtype(converted)
    return (scope if scope.endswith("/") else scope + "/"), converted, kind


def same_float_dtype(tensors):
    """The one float dtype of ``tensors``; ValueError when they differ or are not floats."""
    kinds = {t.dtype.base_dtype for t in tensors}
    if len(kinds) > 1:
        raise ValueError(f"Tensors must have the same float dtype, got "
                         f"{sorted(k.name for k in kinds)}")
    kind = kinds.pop()
    if not kind.is_floating:
        raise ValueError(f"Expected floating point type, got {kind.name}")
    return kind
