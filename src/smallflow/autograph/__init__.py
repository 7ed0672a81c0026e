"""``tf.autograph``: plain Python control flow over tensors, converted to graph ops.

``to_graph(f)`` returns ``f`` rewritten (source to source, see converter.py) so that ``if``,
``while`` and ``for`` over tensors build ``tf.cond`` / ``tf.while_loop``; ``tf.function``
converts the functions it traces this way by default.
"""

import enum
import types

from .impl import ConversionError, convert, converted_call, do_not_convert, to_code, to_graph
from .operators import set_element_type, stack

__all__ = ["ConversionError", "convert", "converted_call", "do_not_convert", "experimental",
           "set_element_type", "set_loop_options", "set_verbosity", "stack", "to_code",
           "to_graph", "trace"]


class Feature(enum.Enum):
    """Optional conversions (``tf.autograph.experimental.Feature``): smallflow always does
    all of them."""

    ALL = "ALL"
    AUTO_CONTROL_DEPS = "AUTO_CONTROL_DEPS"
    ASSERT_STATEMENTS = "ASSERT_STATEMENTS"
    BUILTIN_FUNCTIONS = "BUILTIN_FUNCTIONS"
    EQUALITY_OPERATORS = "EQUALITY_OPERATORS"
    LISTS = "LISTS"
    NAME_SCOPES = "NAME_SCOPES"


def set_loop_options(parallel_iterations=None, swap_memory=None, maximum_iterations=None,
                     shape_invariants=None):
    """Options of the loop it is the first statement of; the converter reads them from the
    call, so calling it does nothing."""


def set_verbosity(level, alsologtostdout=False):
    """AutoGraph's log verbosity: smallflow's converter logs nothing."""


def trace(*args):
    """Print the arguments (``tf.autograph.trace``)."""
    print(*args)


experimental = types.SimpleNamespace(
    Feature=Feature, do_not_convert=do_not_convert, set_loop_options=set_loop_options,
    Verbosity=types.SimpleNamespace(BRIEF=0, VERBOSE=1))
