"""``tensorflow.python.framework.tensor_util``: ``constant_value`` (``tf.get_static_value``),
``make_tensor_proto``, ``MakeNdarray``."""

from .._public import public_getattr

_public = public_getattr(__name__)


def constant_value(tensor, partial=False):
    """The value of ``tensor`` if it is known when the graph is built, else None."""
    from ... import get_static_value

    return get_static_value(tensor, partial=partial)


def __getattr__(name):
    return _public(name)
