"""``tensorflow.python.client.session``: ``Session``, ``InteractiveSession``, and
``register_session_run_conversion_functions`` (other types fetched and fed by ``run``)."""

from ...session_conversions import register_session_run_conversion_functions
from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("",))

__all__ = ["register_session_run_conversion_functions"]
