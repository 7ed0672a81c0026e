"""Oracle cases from session 13's sweep (helper sweep13): tfdbg. A run through
``DumpingDebugWrapperSession`` with ``DebugIdentity``, ``DebugNanCount`` and
``DebugNumericSummary`` watches, then read back with ``DebugDumpDir``: the watch keys dumped
and the debug ops' values must be TensorFlow's.

Same rules as cases.py: NumPy only at module level.
"""

import glob
import importlib
import shutil
import tempfile

from cases import Case

_FEEDS = {
    "mixed": [1.0, -2.0, 0.0, float("inf"), float("-inf"), float("nan"), 3.0],
    "no_finite": [float("nan"), float("inf")],
    "empty": [],
    "one": [5.0],
}


def _dumped(key):
    def build(tf, np):
        debug = importlib.import_module(tf.__name__.split(".")[0] + ".python.debug")
        graph = tf.Graph()
        with graph.as_default():
            x = tf.placeholder(tf.float32, [None], name="x")
            y = tf.identity(x * 2.0, name="y")
            i = tf.cast(x, tf.int32, name="i") if key == "one" else None
            sess = tf.Session(graph=graph)
        root = tempfile.mkdtemp()
        try:
            # Positional: TensorFlow 2 renamed the whitelist arguments (..._allowlist).
            watch = debug.WatchOptions(
                ["DebugIdentity", "DebugNanCount", "DebugNumericSummary"], "(y|mul|i)$",
                None, None, True)
            wrapped = debug.DumpingDebugWrapperSession(sess, root + "/dump",
                                                       watch_fn=lambda f, d: watch)
            fetches = [y] if i is None else [y, i]
            wrapped.run(fetches, {x: np.array(_FEEDS[key], np.float32)})
            (run_dir,) = glob.glob(root + "/dump/run_*")
            dump = debug.DebugDumpDir(run_dir)
            out = {"keys": tf.constant(sorted(d.watch_key for d in dump.dumped_tensor_data))}
            for datum in dump.dumped_tensor_data:
                name = f"{datum.node_name}_{datum.debug_op}"
                out[name] = tf.constant(np.asarray(datum.get_tensor()))
            return out
        finally:
            sess.close()
            shutil.rmtree(root, ignore_errors=True)

    return build


SESSION13_SWEEP13_CASES = [Case(f"session13_sweep13/tfdbg_{key}", _dumped(key)) for key in _FEEDS]
