"""``tensorflow.python.layers.utils``: choose a branch now when the predicate is known."""

from ..framework.tensor_util import constant_value as _static_value


def constant_value(pred):
    """True/False for a Python bool, a 0/1 int or a tensor whose value is known; else None."""
    if isinstance(pred, bool):
        return pred
    if isinstance(pred, int) and pred in (0, 1):
        return bool(pred)
    from ... import Variable

    if isinstance(pred, Variable):
        return None
    value = _static_value(pred)
    return None if value is None else bool(value)


def smart_cond(pred, true_fn=None, false_fn=None, name=None):
    """``true_fn()`` or ``false_fn()`` chosen now if ``pred`` is known, else ``tf.cond``."""
    if not callable(true_fn) or not callable(false_fn):
        raise TypeError("true_fn and false_fn must be callable.")
    known = constant_value(pred)
    if known is True:
        return true_fn()
    if known is False:
        return false_fn()
    from ... import cond

    return cond(pred, true_fn, false_fn, name=name)
