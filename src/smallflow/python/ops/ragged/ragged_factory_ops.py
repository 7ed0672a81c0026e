"""``tensorflow.python.ops.ragged.ragged_factory_ops``: ``constant``, ``constant_value``,
``placeholder`` of ``tf.ragged``."""

from ..._public import listed_getattr

__getattr__ = listed_getattr(__name__, "ragged", ("constant", "constant_value", "placeholder"))
