"""``tf.keras.regularizers``: L1/L2 weight penalties, added to the model's loss by ``fit``."""

from ..ops import math_ops

__all__ = ["L1L2", "Regularizer", "get", "l1", "l1_l2", "l2"]


class Regularizer:
    def __call__(self, x):
        return 0.0


class L1L2(Regularizer):
    """``l1 * sum(|x|) + l2 * sum(x**2)``."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = float(l1)
        self.l2 = float(l2)

    def __call__(self, x):
        terms = []
        if self.l1:
            terms.append(math_ops.multiply(self.l1, math_ops.reduce_sum(math_ops.abs(x))))
        if self.l2:
            terms.append(math_ops.multiply(self.l2, math_ops.reduce_sum(math_ops.square(x))))
        if not terms:
            return math_ops.cast(0.0, x.dtype)
        return terms[0] if len(terms) == 1 else math_ops.add(terms[0], terms[1])

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


def l1(l=0.01):  # noqa: E741 - Keras's argument name
    return L1L2(l1=l)


def l2(l=0.01):  # noqa: E741 - Keras's argument name
    return L1L2(l2=l)


def l1_l2(l1=0.01, l2=0.01):  # noqa: A002 - shadows the functions, as in Keras
    return L1L2(l1=l1, l2=l2)


def get(identifier):
    if identifier is None or callable(identifier):
        return identifier
    if isinstance(identifier, dict):  # {"class_name": "L1L2", "config": {"l1": .., "l2": ..}}
        if identifier.get("class_name") not in ("L1L2", "L1", "L2"):
            raise ValueError(f"Unknown regularizer: {identifier.get('class_name')}")
        return L1L2(**identifier.get("config", {}))
    if isinstance(identifier, str) and identifier in ("l1", "l2", "l1_l2"):
        return {"l1": l1, "l2": l2, "l1_l2": l1_l2}[identifier]()
    raise ValueError(f"Could not interpret regularizer identifier: {identifier!r}")
