"""``tf.summary.FileWriter``: events appended to ``events.out.tfevents.*`` files in a logdir.

Events are TensorBoard's ``Event`` messages, framed as TFRecords by TensorBoard's
``RecordWriter`` (with a C CRC32C), buffered, and flushed to the file by a background thread
every ``flush_secs`` and on ``flush``/``close``. Writers still open when Python exits are
flushed and closed.
"""

import atexit
import logging
import os
import socket
import struct
import threading
import time
import weakref

import numpy as np

from .. import tb_protos
from ..ops.summary_ops import _varint
from . import records

_LOG = logging.getLogger("smallflow")
_OPEN_WRITERS = weakref.WeakSet()
_FILE_COUNTER = [0]
_FILE_LOCK = threading.Lock()


def _event_file_path(logdir, suffix):
    """TensorFlow 1.x's name, ``events.out.tfevents.<seconds>.<host>``, made unique."""
    base = f"events.out.tfevents.{int(time.time()):010d}.{socket.gethostname()}"
    with _FILE_LOCK:
        path = os.path.join(logdir, base + suffix)
        while os.path.exists(path):
            _FILE_COUNTER[0] += 1
            path = os.path.join(logdir, f"{base}.{os.getpid()}.{_FILE_COUNTER[0]}{suffix}")
        # Create it now so a second writer in the same second picks another name.
        with open(path, "xb"):
            pass
    return path


class EventFileWriter:
    """One event file: records are framed in the caller's thread into an in-memory buffer
    that is handed to the operating system every ``max_queue`` events (as TensorFlow's
    queue is), every ``flush_secs`` by a background thread, and on ``flush``/``close``.

    Why not a thread that takes every event from a queue (TensorBoard's ``_AsyncWriter``):
    in CPython each hand-over wakes the writer thread, and the GIL ping-pong that follows
    cost milliseconds per event on a busy machine, more than a tutorial training step.
    Framing plus CRC32C is a few microseconds, and appending to a buffer never waits on the
    disk, so the caller keeps the cheap part and the thread keeps the periodic flush.
    """

    BUFFER_BYTES = 1 << 18

    def __init__(self, logdir, max_queue=10, flush_secs=120, filename_suffix=None):
        self._logdir = os.fspath(logdir)
        if os.path.exists(self._logdir) and not os.path.isdir(self._logdir):
            raise ValueError(f"logdir {self._logdir!r} exists and is not a directory")
        os.makedirs(self._logdir, exist_ok=True)
        self._path = _event_file_path(self._logdir, filename_suffix or "")
        self._file = open(self._path, "ab", buffering=self.BUFFER_BYTES)  # noqa: SIM115
        self._records = records.record_writer_class()(self._file)
        self._lock = threading.Lock()
        self._max_queue = max(int(max_queue), 1)
        self._pending = 0
        self._closed = False
        self._wake = threading.Event()
        self._flush_secs = max(float(flush_secs), 0.01)
        self._flusher = threading.Thread(target=self._flush_periodically, daemon=True,
                                         name=f"smallflow event file flusher {self._path}")
        self._flusher.start()
        pb = tb_protos.load()
        self.add_event(pb.event_pb2.Event(wall_time=time.time(), file_version="brain.Event:2"))
        self.flush()

    @property
    def path(self):
        return self._path

    def get_logdir(self):
        return self._logdir

    def add_event(self, event):
        self.add_serialized_event(event.SerializeToString())

    def add_serialized_event(self, data):
        with self._lock:
            if self._closed:
                raise OSError(f"the event file {self._path} is closed")
            self._records.write(data)
            self._pending += 1
            if self._pending >= self._max_queue:
                self._file.flush()
                self._pending = 0

    def _flush_periodically(self):
        while not self._wake.wait(self._flush_secs):
            with self._lock:
                if self._closed:
                    return
                self._file.flush()
                self._pending = 0

    def flush(self):
        with self._lock:
            if not self._closed:
                self._file.flush()
                self._pending = 0

    def close(self):
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._file.flush()
            self._file.close()
        self._wake.set()
        if self._flusher is not threading.current_thread():
            self._flusher.join()


class FileWriter:
    """Writes summaries, the graph, session logs and run metadata for TensorBoard.

    ``FileWriter(logdir, graph)`` creates an event file in ``logdir`` and, given a graph,
    writes its GraphDef and MetaGraphDef first. ``add_summary(summary, global_step)``
    accepts what a summary op returns (bytes) or a ``Summary`` proto.
    """

    def __init__(self, logdir, graph=None, max_queue=10, flush_secs=120, graph_def=None,
                 filename_suffix=None, session=None):
        tb_protos.load()
        self._logdir = os.fspath(logdir)
        self._options = (max_queue, flush_secs, filename_suffix)
        self._writer = EventFileWriter(self._logdir, *self._options)
        self._closed = False
        self._seen_summary_tags = set()
        self._used_run_metadata_tags = set()
        _OPEN_WRITERS.add(self)
        if graph is not None or graph_def is not None:
            self.add_graph(graph, graph_def=graph_def)
            self.add_meta_graph(_meta_graph_of(graph, graph_def))

    # -- writing -----------------------------------------------------------------------------
    def _event(self, global_step=None, **fields):
        pb = tb_protos.load()
        event = pb.event_pb2.Event(wall_time=time.time(), **fields)
        if global_step is not None:
            event.step = int(global_step)
        return event

    def add_event(self, event):
        """Write one ``Event`` proto (a no-op, with a warning, after ``close``)."""
        if self._closed:
            _LOG.warning("Attempting to use a closed FileWriter. The operation will be a noop "
                         "unless the FileWriter is explicitly reopened.")
            return
        self._writer.add_event(event)

    def add_summary(self, summary, global_step=None):
        """Write a summary: the bytes a summary op returned, or a ``Summary`` proto."""
        pb = tb_protos.load()
        if isinstance(summary, np.ndarray) and summary.dtype == object and summary.ndim == 0:
            summary = summary[()]
        serialized = None
        if isinstance(summary, bytes | bytearray):
            serialized = bytes(summary)
            summary = pb.summary_pb2.Summary.FromString(serialized)
        elif not isinstance(summary, pb.summary_pb2.Summary):
            raise TypeError(f"add_summary expects a serialized Summary (bytes) or a Summary "
                            f"proto, got {type(summary).__name__}")
        else:
            summary = pb.summary_pb2.Summary.FromString(summary.SerializeToString())
        # Plugin metadata is needed once per tag; later copies only make the file bigger.
        stripped = False
        # A value's metadata is field 9 (key byte 0x4A): bytes without that byte have none.
        values = summary.value if serialized is None or b"\x4a" in serialized else ()
        for value in values:
            if not value.HasField("metadata"):
                continue
            if value.tag in self._seen_summary_tags:
                value.ClearField("metadata")
                stripped = True
            else:
                self._seen_summary_tags.add(value.tag)
        if serialized is None or stripped:
            self.add_event(self._event(global_step, summary=summary))
        elif self._closed:
            self.add_event(None)  # warns, as every add after close does
        else:
            self._writer.add_serialized_event(_summary_event(serialized, global_step))

    def add_session_log(self, session_log, global_step=None):
        self.add_event(self._event(global_step, session_log=session_log))

    def add_graph(self, graph, global_step=None, graph_def=None):
        """Write a graph (a Graph, or a GraphDef given as ``graph_def`` or ``graph``)."""
        pb = tb_protos.load()
        if graph is not None and graph_def is not None:
            raise ValueError("Please pass only graph, or graph_def (deprecated), but not both.")
        if isinstance(graph, pb.graph_pb2.GraphDef):
            graph, graph_def = None, graph
        if graph is not None:
            if not hasattr(graph, "as_graph_def"):
                raise TypeError(f"add_graph expects a Graph or a GraphDef, got "
                                f"{type(graph).__name__}")
            graph_def = graph.as_graph_def(add_shapes=True)
        elif graph_def is None:
            raise ValueError("add_graph needs a graph or a graph_def")
        elif not isinstance(graph_def, pb.graph_pb2.GraphDef):
            raise TypeError("graph_def must be a GraphDef proto")
        self.add_event(self._event(global_step, graph_def=graph_def.SerializeToString()))

    def add_meta_graph(self, meta_graph_def, global_step=None):
        pb = tb_protos.load()
        if not isinstance(meta_graph_def, pb.meta_graph_pb2.MetaGraphDef):
            raise TypeError(f"meta_graph_def must be type MetaGraphDef, saw type: "
                            f"{type(meta_graph_def)}")
        self.add_event(self._event(global_step,
                                   meta_graph_def=meta_graph_def.SerializeToString()))

    def add_run_metadata(self, run_metadata, tag, global_step=None):
        """Write a step's ``RunMetadata`` (timings) under ``tag`` for TensorBoard's graph view."""
        pb = tb_protos.load()
        if tag in self._used_run_metadata_tags:
            raise ValueError("The provided tag was already used for this event type")
        self._used_run_metadata_tags.add(tag)
        serialized = run_metadata.SerializeToString()
        tagged = pb.event_pb2.TaggedRunMetadata(tag=tag, run_metadata=serialized)
        self.add_event(self._event(global_step, tagged_run_metadata=tagged))

    # -- lifetime ---------------------------------------------------------------------------
    def get_logdir(self):
        return self._logdir

    def flush(self):
        if not self._closed:
            self._writer.flush()

    def close(self):
        """Flush and close the event file; ``reopen`` starts a new one."""
        if not self._closed:
            self._writer.close()
            self._closed = True

    def reopen(self):
        if self._closed:
            self._writer = EventFileWriter(self._logdir, *self._options)
            self._closed = False

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close()


def _summary_event(serialized_summary, global_step):
    """The bytes of ``Event{wall_time, step, summary}`` around an already serialized summary
    (fields 1: double, 2: varint, 5: message), so the summary is not encoded twice."""
    parts = [b"\x09", struct.pack("<d", time.time())]
    if global_step is not None and int(global_step) != 0:
        parts += [b"\x10", _varint(int(global_step) & 0xFFFFFFFFFFFFFFFF)]
    parts += [b"\x2a", _varint(len(serialized_summary)), serialized_summary]
    return b"".join(parts)


def _meta_graph_of(graph, graph_def):
    from .. import meta_graph

    pb = tb_protos.load()
    if isinstance(graph, pb.graph_pb2.GraphDef):
        graph, graph_def = None, graph
    if graph is not None:
        return meta_graph.create_meta_graph_def(graph=graph)
    return meta_graph.create_meta_graph_def(graph_def=graph_def)


class FileWriterCache:
    """One FileWriter per logdir, shared by everything that writes there."""

    _cache = {}
    _lock = threading.RLock()

    @staticmethod
    def get(logdir):
        with FileWriterCache._lock:
            key = os.fspath(logdir)
            writer = FileWriterCache._cache.get(key)
            if writer is None:
                from ..graph import get_default_graph

                writer = FileWriter(key, graph=get_default_graph())
                FileWriterCache._cache[key] = writer
            return writer

    @staticmethod
    def clear():
        with FileWriterCache._lock:
            for writer in FileWriterCache._cache.values():
                writer.close()
            FileWriterCache._cache = {}


@atexit.register
def _close_open_writers():
    for writer in list(_OPEN_WRITERS):
        try:
            writer.close()
        except Exception as err:  # noqa: BLE001 - at exit, report and go on with the others
            _LOG.warning("could not close the event file in %s: %s", writer.get_logdir(), err)
