"""``tensorflow.contrib.learn.python``: the module path some TF1 programs import from."""

from . import learn

__all__ = ["learn"]
