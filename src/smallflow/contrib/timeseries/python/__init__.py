"""``tensorflow.contrib.timeseries.python``."""

from . import timeseries

__all__ = ["timeseries"]
