"""KL divergences between distributions: ``tf.distributions.kl_divergence`` and the
``RegisterKL`` decorator, looked up along both classes' method resolution orders (the
closest registered pair wins), as in TensorFlow."""

import inspect

from ..graph import control_dependencies, get_default_graph
from ..ops import array_ops, math_ops

__all__ = ["RegisterKL", "kl_divergence"]

_DIVERGENCES = {}


def _lookup(type_a, type_b):
    best, best_distance = None, None
    for i, parent_a in enumerate(inspect.getmro(type_a)):
        for j, parent_b in enumerate(inspect.getmro(type_b)):
            candidate = _DIVERGENCES.get((parent_a, parent_b))
            if candidate is not None and (best_distance is None or i + j < best_distance):
                best, best_distance = candidate, i + j
    return best


def kl_divergence(distribution_a, distribution_b, allow_nan_stats=True, name=None):
    """KL(a || b), batched; NotImplementedError when no formula is registered for the pair.

    With ``allow_nan_stats=False`` a NaN result fails at run time (InvalidArgumentError)."""
    function = _lookup(type(distribution_a), type(distribution_b))
    if function is None:
        raise NotImplementedError(
            f"No KL(distribution_a || distribution_b) registered for distribution_a type "
            f"{type(distribution_a).__name__} and distribution_b type "
            f"{type(distribution_b).__name__}")
    with get_default_graph().name_scope("KullbackLeibler"):
        result = function(distribution_a, distribution_b, name=name)
        if allow_nan_stats:
            return array_ops.identity(result, name="kl")
        from ..ops import debug_ops

        check = debug_ops.Assert(math_ops.logical_not(math_ops.reduce_any(
            math_ops.is_nan(result))), [f"KL calculation between {distribution_a.name} and "
                                        f"{distribution_b.name} returned NaN values "
                                        "(and was called with allow_nan_stats=False). Values:",
                                        result])
        with control_dependencies([check]):
            return array_ops.identity(result, name="checked_kl")


class RegisterKL:
    """``@RegisterKL(TypeA, TypeB)`` registers ``fn(a, b, name=None)``; a pair may be
    registered once."""

    def __init__(self, dist_cls_a, dist_cls_b):
        self._key = (dist_cls_a, dist_cls_b)

    def __call__(self, kl_fn):
        if not callable(kl_fn):
            raise TypeError(f"kl_fn must be callable, received: {kl_fn}")
        if self._key in _DIVERGENCES:
            raise ValueError(f"KL({self._key[0].__name__} || {self._key[1].__name__}) has "
                             f"already been registered to: {_DIVERGENCES[self._key]}")
        _DIVERGENCES[self._key] = kl_fn
        return kl_fn
