"""tfdbg's ``DumpingDebugWrapperSession``: every run's watched tensors dumped to disk."""

import os
import threading
import time

from .... import tb_protos
from ..lib import debug_data
from . import framework


def _write_log_message(path, message):
    pb = tb_protos.load()
    event = pb.event_pb2.Event()
    event.log_message.message = message
    with open(path, "wb") as f:
        f.write(event.SerializeToString())


class DumpingDebugWrapperSession(framework.NonInteractiveDebugWrapperSession):
    """Runs ``sess`` with its tensors watched; each run dumps into a new folder
    ``run_<µs since the epoch>_<run index>`` under ``session_root``."""

    def __init__(self, sess, session_root, watch_fn=None, thread_name_filter=None,
                 pass_through_operrors=None, log_usage=True):
        del log_usage  # TensorFlow logs nothing in its open-source build either
        framework.NonInteractiveDebugWrapperSession.__init__(
            self, sess, watch_fn=watch_fn, thread_name_filter=thread_name_filter,
            pass_through_operrors=pass_through_operrors)
        session_root = os.path.expanduser(session_root)
        if os.path.exists(session_root):
            if not os.path.isdir(session_root):
                raise ValueError(f"session_root path points to a file: {session_root}")
            if os.listdir(session_root):
                raise ValueError(
                    f"session_root path points to a non-empty directory: {session_root}")
        else:
            os.makedirs(session_root)
        self._session_root = session_root
        self._run_counter = 0
        self._run_counter_lock = threading.Lock()

    def prepare_run_debug_urls(self, fetches, feed_dict):
        """A new run folder holding the run's fetches and feed keys; its file:// URL."""
        with self._run_counter_lock:
            run_dir = os.path.join(self._session_root,
                                   f"run_{time.time_ns() // 1000}_{self._run_counter}")
            self._run_counter += 1
        os.mkdir(run_dir)
        prefix = debug_data.METADATA_FILE_PREFIX
        _write_log_message(os.path.join(run_dir, prefix + debug_data.FETCHES_INFO_FILE_TAG),
                           repr(fetches))
        feed_keys = repr(feed_dict.keys()) if feed_dict else repr(feed_dict)
        _write_log_message(os.path.join(run_dir, prefix + debug_data.FEED_KEYS_INFO_FILE_TAG),
                           feed_keys)
        return ["file://" + run_dir]
