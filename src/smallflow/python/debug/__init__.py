"""``tensorflow.python.debug`` (tfdbg, ``from tensorflow.python import debug as tf_debug``).

The dumping core is ``smallflow.debug_dump`` (a watched ``Session.run``); here are the
reader (``DebugDumpDir``), the watch helpers, the session wrappers and their hooks.
"""

from .lib.debug_data import (
    DebugDumpDir,
    DebugTensorDatum,
    has_inf_or_nan,
    load_tensor_from_event,
    load_tensor_from_event_file,
)
from .lib.debug_utils import (
    add_debug_tensor_watch,
    watch_graph,
    watch_graph_with_blacklists,
    watch_graph_with_denylists,
)
from .wrappers.dumping_wrapper import DumpingDebugWrapperSession
from .wrappers.framework import WatchOptions
from .wrappers.hooks import DumpingDebugHook, LocalCLIDebugHook
from .wrappers.local_cli_wrapper import LocalCLIDebugWrapperSession

__all__ = [
    "DebugDumpDir",
    "DebugTensorDatum",
    "DumpingDebugHook",
    "DumpingDebugWrapperSession",
    "LocalCLIDebugHook",
    "LocalCLIDebugWrapperSession",
    "WatchOptions",
    "add_debug_tensor_watch",
    "has_inf_or_nan",
    "load_tensor_from_event",
    "load_tensor_from_event_file",
    "watch_graph",
    "watch_graph_with_blacklists",
    "watch_graph_with_denylists",
]
