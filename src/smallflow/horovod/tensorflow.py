"""``import smallflow.horovod.tensorflow as hvd``: the import line Horovod's TF1 programs use."""

from ..distribute import *  # noqa: F403 - the same API under a familiar name
from ..distribute import __all__  # noqa: F401
