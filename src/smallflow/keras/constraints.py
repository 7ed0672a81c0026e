"""``tf.keras.constraints``: projections applied to a weight after each training step."""

from ..ops import math_ops

__all__ = ["Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "get", "max_norm",
           "min_max_norm", "non_neg", "unit_norm"]


class Constraint:
    def __call__(self, w):
        return w

    def get_config(self):
        return {}


def _norms(w, axis):
    return math_ops.sqrt(math_ops.reduce_sum(math_ops.square(w), axis, keepdims=True))


class MaxNorm(Constraint):
    """Rescale the weights whose norm along ``axis`` exceeds ``max_value``."""

    def __init__(self, max_value=2, axis=0):
        self.max_value = max_value
        self.axis = axis

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = math_ops.clip_by_value(norms, 0.0, float(self.max_value))
        return math_ops.multiply(w, math_ops.divide(desired, math_ops.add(norms, 1e-7)))


class NonNeg(Constraint):
    def __call__(self, w):
        return math_ops.multiply(w, math_ops.cast(math_ops.greater_equal(w, 0.0), w.dtype))


class UnitNorm(Constraint):
    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return math_ops.divide(w, math_ops.add(_norms(w, self.axis), 1e-7))


class MinMaxNorm(Constraint):
    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        clipped = math_ops.clip_by_value(norms, float(self.min_value), float(self.max_value))
        desired = math_ops.add(math_ops.multiply(self.rate, clipped),
                               math_ops.multiply(1.0 - self.rate, norms))
        return math_ops.multiply(w, math_ops.divide(desired, math_ops.add(norms, 1e-7)))


max_norm = MaxNorm
non_neg = NonNeg
unit_norm = UnitNorm
min_max_norm = MinMaxNorm

_BY_NAME = {"max_norm": MaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm,
            "min_max_norm": MinMaxNorm}


def get(identifier):
    if identifier is None or callable(identifier):
        return identifier
    if isinstance(identifier, dict):
        classes = {"MaxNorm": MaxNorm, "NonNeg": NonNeg, "UnitNorm": UnitNorm,
                   "MinMaxNorm": MinMaxNorm}
        if identifier.get("class_name") not in classes:
            raise ValueError(f"Unknown constraint: {identifier.get('class_name')}")
        return classes[identifier["class_name"]](**identifier.get("config", {}))
    if isinstance(identifier, str) and identifier in _BY_NAME:
        return _BY_NAME[identifier]()
    raise ValueError(f"Could not interpret constraint identifier: {identifier!r}")
