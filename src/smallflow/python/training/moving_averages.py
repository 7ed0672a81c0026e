"""``tensorflow.python.training.moving_averages``: ``assign_moving_average`` (research/resnet's
batch norm keeps its statistics with it) and ``ExponentialMovingAverage``."""

from ...train.moving_averages import ExponentialMovingAverage, assign_moving_average

__all__ = ["ExponentialMovingAverage", "assign_moving_average"]
