"""``import smallflow.horovod.tensorflow as hvd``: the import line Horovod's TF1 programs use."""

from . import *  # noqa: F403 - the same API under a familiar name
from . import __all__  # noqa: F401
