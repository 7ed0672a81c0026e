"""``tensorflow.python.ops.resource_variables_toggle``: switching ``tf.Variable`` between
resource and reference variables (``tf.compat.v1.enable_resource_variables``, ...)."""

from .._public import listed_getattr

__getattr__ = listed_getattr(__name__, "", ("disable_resource_variables",
                                            "enable_resource_variables",
                                            "resource_variables_enabled"))
