"""``tensorflow.python.ops.variable_scope``: the public TF1 functions of the same names, and
the module's ``variable`` (the function behind ``tf.Variable``, which tf_slim's
``variables.variable`` calls)."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("", "math", "nn"))


def variable(initial_value=None, trainable=None, collections=None, validate_shape=True,
             caching_device=None, name=None, dtype=None, constraint=None, use_resource=None,
             synchronization=None, aggregation=None):
    """A ``tf.Variable`` (trainable unless ``trainable=False``)."""
    from ...variables import Variable

    return Variable(initial_value, trainable=True if trainable is None else trainable,
                    collections=collections, validate_shape=validate_shape,
                    caching_device=caching_device, name=name, dtype=dtype,
                    constraint=constraint, use_resource=use_resource,
                    synchronization=synchronization, aggregation=aggregation)
