"""``tf.spectral``: TF1's namespace of Fourier transforms (``tf.signal`` in later versions).

The same functions as ``tf.signal``; the list lives there.
"""

from .signal import *  # noqa: F403
from .signal import __all__  # noqa: F401
