"""``tensorflow.python.training.gradient_descent``: ``GradientDescentOptimizer``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("train",))
