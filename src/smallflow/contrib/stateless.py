"""``tf.contrib.stateless``: TensorFlow 1.x's stateless random ops under their contrib names
(``stateless_random_uniform``, ``stateless_random_normal``, ``stateless_truncated_normal``,
``stateless_multinomial``), the same ops as ``tf.random.stateless_*``."""

from ..ops.stateless_random_ops import (
    stateless_multinomial,
    stateless_random_normal,
    stateless_random_uniform,
    stateless_truncated_normal,
)
from ._missing import missing_attribute

__all__ = ["stateless_multinomial", "stateless_random_normal", "stateless_random_uniform",
           "stateless_truncated_normal"]

__getattr__ = missing_attribute(__name__, "tf.contrib.stateless")
