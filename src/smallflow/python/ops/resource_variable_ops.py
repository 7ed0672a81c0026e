"""``tensorflow.python.ops.resource_variable_ops``: ``ResourceVariable`` (a ``tf.Variable``
made with ``use_resource=True``; smallflow has one kind of variable) and the public names."""

from .._public import public_getattr

_public = public_getattr(__name__, ("",))


def __getattr__(name):
    if name == "ResourceVariable":
        return _resource_variable
    return _public(name)


def _resource_variable(*args, **kwargs):
    kwargs["use_resource"] = True
    return _public("Variable")(*args, **kwargs)
