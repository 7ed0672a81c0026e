"""``import smallflow.horovod as hvd``: Horovod's names for ``smallflow.distribute``."""

from ..distribute import *  # noqa: F403 - the same API under a familiar name
from ..distribute import __all__  # noqa: F401
