"""``tensorflow.python.ops.gen_array_ops``: raw array ops, as the public functions, and the raw
names whose public form has another name (``concat_v2``: ``tf.concat`` with the axis last;
``scatter_nd_non_aliasing_add``: ``tf.tensor_scatter_add``)."""

from .._public import public_getattr

_public = public_getattr(__name__, ("",))


def concat_v2(values, axis, name=None):
    return _public("concat")(values, axis, name=name or "ConcatV2")


def scatter_nd_non_aliasing_add(input, indices, updates, name=None):  # noqa: A002
    return _public("tensor_scatter_add")(input, indices, updates, name=name)


def __getattr__(name):
    return _public(name)
