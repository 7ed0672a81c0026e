"""``tensorflow.python.training.momentum``: ``MomentumOptimizer``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("train",))
