"""``tf.version``: the version strings TF 1.15 programs print (``tf.version.VERSION``)."""

from ._version import GIT_VERSION, VERSION
from .graph_io import (
    GRAPH_DEF_VERSION,
    GRAPH_DEF_VERSION_MIN_CONSUMER,
    GRAPH_DEF_VERSION_MIN_PRODUCER,
)

# The compiler that built TensorFlow 1.15's Linux wheels (tf.version.COMPILER_VERSION there);
# smallflow compiles nothing, so it reports the release it follows.
COMPILER_VERSION = "7.3.1 20180303"

__all__ = ["COMPILER_VERSION", "GIT_VERSION", "GRAPH_DEF_VERSION",
           "GRAPH_DEF_VERSION_MIN_CONSUMER", "GRAPH_DEF_VERSION_MIN_PRODUCER", "VERSION"]
