"""``tensorflow.python.framework.dtypes``: smallflow's dtypes module."""

from ...dtypes import *  # noqa: F401,F403  (the same names as TF1's module)
from ...dtypes import as_dtype  # noqa: F401
