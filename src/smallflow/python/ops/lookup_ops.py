"""``tensorflow.python.ops.lookup_ops``: TF1's lookup tables and vocabulary helpers."""

from ...lookup_tables import *  # noqa: F403 - the module's names are TensorFlow's
from ...lookup_tables import __all__  # noqa: F401
from ...variable_utils import tables_initializer  # noqa: F401
