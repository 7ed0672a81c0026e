"""``tensorflow.python.ops.histogram_ops``: ``histogram_fixed_width`` and
``histogram_fixed_width_bins``."""

from .._public import listed_getattr

__getattr__ = listed_getattr(__name__, "", ("histogram_fixed_width",
                                            "histogram_fixed_width_bins"))
