"""``tf.contrib.util``: tensor protos and static values (``make_tensor_proto``,
``make_ndarray``, ``constant_value``), as TF Serving clients and graph tools call them."""

from .. import get_static_value as constant_value
from .. import make_ndarray, make_tensor_proto
from ._missing import missing_attribute

__all__ = ["constant_value", "make_ndarray", "make_tensor_proto"]

__getattr__ = missing_attribute(__name__, "tf.contrib.util")
