"""``tf.summary.FileWriter``: events appended to ``events.out.tfevents.*`` files in a logdir.

Events are TensorBoard's ``Event`` messages. ``add_*`` puts an event on a queue of
``max_queue`` events; the caller that fills it frames the batch as TFRecords (with a C
CRC32C), and a background thread per event file writes the framed bytes, handing them to
the operating system every ``flush_secs`` (or sooner when many have piled up).
``flush``/``close`` write everything added; writers still open when Python exits are
flushed and closed.
"""

import atexit
import collections
import logging
import os
import socket
import threading
import time
import weakref
from time import time as _now

import numpy as np

from .. import tb_protos
from ..ops.summary_ops import _PLAIN_SUMMARIES, is_plain_summary
from . import records

_LOG = logging.getLogger("smallflow")
_OPEN_WRITERS = weakref.WeakSet()
# Every event file still open (a FileWriter dropped without close included): closed at exit.
_LIVE_EVENT_WRITERS = set()
_FILE_COUNTER = [0]
_FILE_LOCK = threading.Lock()
# Longer events (images, histograms, graphs) are framed every max_queue events as they come:
# the NumPy framing of big batches is for short ones, and a thousand images held unframed
# would be a lot of memory.
_LONG_EVENT = 512


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
    """One event file: events framed by their callers in batches, written by a thread.

    ``add_*`` appends the event to a queue of at most ``max(max_queue, FRAME_EVENTS)``
    events; the caller that fills it frames the whole batch as TFRecords (length, data,
    masked CRC32C) and appends the bytes to a backlog. A background thread writes the
    backlog to the file every ``flush_secs`` and whenever it reaches ``BUFFER_BYTES``, so
    between those times no other thread is woken. (Waking the thread every ``max_queue``
    events, as before, made the two threads trade the GIL each time: ~120 us of CPU per
    wake-up on a busy machine, more than the framing of a hundred events.) TensorFlow 1.x's
    writer holds written events in its file buffer in the same way until the next flush;
    TensorBoard sees them after ``flush_secs``, ``flush`` or ``close``, or sooner when the
    backlog fills. A caller that finds the backlog at ``MAX_BACKLOG_BYTES`` (the thread is
    stuck on a slow disk) waits for the thread. ``flush`` and ``close`` write everything
    added before returning; an error met by the thread (a full disk, a removed directory) is
    raised by the caller's next ``add``, ``flush`` or ``close``. ``close`` stops and joins
    the thread; writers still open when Python exits are closed by an ``atexit`` hook.
    """

    BUFFER_BYTES = 1 << 18
    MAX_BACKLOG_BYTES = 1 << 22
    # Events are framed in batches of at least this many (records.frame_events frames a
    # big batch of summaries with NumPy at a fraction of a loop's cost per event). Queued
    # events wait for flush_secs in the backlog anyway, as framed ones do, so the size of
    # the batch changes nothing TensorBoard sees.
    FRAME_EVENTS = 1024

    def __init__(self, logdir, max_queue=10, flush_secs=120, filename_suffix=None):
        self._logdir = os.fspath(logdir)
        if os.path.exists(self._logdir) and not os.path.isdir(self._logdir):
            raise ValueError(f"logdir {self._logdir!r} exists and is not a directory")
        os.makedirs(self._logdir, exist_ok=True)
        self._path = _event_file_path(self._logdir, filename_suffix or "")
        self._file = open(self._path, "ab")  # noqa: SIM115 - closed by close()
        self._queue = collections.deque()
        self._max_queue = max(int(max_queue), 1)
        self._batch = max(self._max_queue, self.FRAME_EVENTS)
        self._backlog = []  # framed records, oldest first, not yet written to the file
        self._backlog_bytes = 0
        self._flush_secs = max(float(flush_secs), 0.01)
        # ``_lock`` guards the queue's framing and the backlog; ``_io_lock`` the file, so
        # that the thread's writes and a caller's flush never interleave records. (Framing
        # does not wait for a write in progress.) The condition tells waiting callers of
        # room in the backlog.
        self._lock = threading.Lock()
        self._room = threading.Condition(self._lock)
        self._io_lock = threading.Lock()
        self._wake = threading.Event()
        self._error = None
        self._closed = False
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name=f"smallflow event writer {self._path}")
        self._thread.start()
        _LIVE_EVENT_WRITERS.add(self)
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
        """Queue one serialized ``Event``."""
        self._put(data)

    def add_summary_event(self, serialized_summary, global_step):
        """Queue ``Event{wall_time: now, step, summary}``; it is encoded with its batch."""
        if self._error is not None or self._closed:
            self._raise_if_failed()
        # Runs with every training step that writes a summary: _put inlined.
        queue = self._queue
        queue.append((serialized_summary,
                      None if global_step is None else int(global_step),  # a bad one fails
                      _now()))
        if len(queue) >= self._batch or (len(serialized_summary) > _LONG_EVENT
                                         and len(queue) >= self._max_queue):
            self._frame_queued()

    def _put(self, item):
        if self._error is not None or self._closed:
            self._raise_if_failed()
        queue = self._queue
        queue.append(item)
        if len(queue) >= self._batch or (len(item) > _LONG_EVENT
                                         and len(queue) >= self._max_queue):
            self._frame_queued()

    def _frame_queued(self):
        """Frame the queued events into the backlog; wake the thread when it is big."""
        with self._room:
            self._frame_into_backlog()
            if self._backlog_bytes < self.BUFFER_BYTES:
                return
            self._wake.set()
            while (self._backlog_bytes >= self.MAX_BACKLOG_BYTES and self._error is None
                   and self._thread.is_alive()):
                self._room.wait(0.5)
        self._raise_if_failed()

    def _frame_into_backlog(self):
        # Under ``_lock``. Popped one by one: another thread may be appending meanwhile.
        queue = self._queue
        if queue:
            popleft = queue.popleft
            data = records.frame_events([popleft() for _ in range(len(queue))])
            self._backlog.append(data)
            self._backlog_bytes += len(data)

    def _raise_if_failed(self):
        if self._closed:
            raise OSError(f"the event file {self._path} is closed")
        error = self._error
        if error is not None:
            raise OSError(f"writing the event file {self._path} failed: {error}") from error

    def _write_backlog(self, to_disk):
        """Frame what is queued and write the backlog (under the I/O lock); hand the bytes
        to the operating system when ``to_disk``."""
        with self._room:
            self._frame_into_backlog()
            chunks = self._backlog
            self._backlog = []
            self._backlog_bytes = 0
            self._room.notify_all()
        if chunks:
            self._file.write(chunks[0] if len(chunks) == 1 else b"".join(chunks))
        if to_disk:
            self._file.flush()

    def _fail(self, err):
        with self._room:
            self._error = err
            self._room.notify_all()

    def _run(self):
        deadline = time.monotonic() + self._flush_secs
        while not self._closed:
            self._wake.wait(max(deadline - time.monotonic(), 0.0))
            self._wake.clear()
            now = time.monotonic()
            if now >= deadline:
                deadline = now + self._flush_secs
            with self._io_lock:
                if self._closed or self._error is not None:
                    return
                try:
                    # Everything added so far reaches the operating system: every
                    # flush_secs (TensorFlow's meaning of flush_secs), and when woken
                    # because the backlog is big.
                    self._write_backlog(to_disk=True)
                except Exception as err:  # noqa: BLE001 - kept for the caller's next call
                    self._fail(err)
                    return

    def flush(self):
        """Write every queued event to the file and hand it to the operating system."""
        self._raise_if_failed()
        with self._io_lock:
            try:
                self._write_backlog(to_disk=True)
            except Exception as err:
                self._fail(err)
                raise OSError(f"writing the event file {self._path} failed: {err}") from err

    def close(self):
        """Write what is queued, close the file and stop the thread (idempotent)."""
        with self._io_lock:
            if self._closed:
                return
            self._closed = True
            failure = self._error
            try:
                if failure is None:
                    self._write_backlog(to_disk=True)
            except Exception as err:  # noqa: BLE001 - raised below, after the cleanup
                failure = err
            finally:
                self._file.close()
                _LIVE_EVENT_WRITERS.discard(self)
        with self._room:
            self._room.notify_all()  # a caller waiting for room sees the writer closed
        self._wake.set()
        if self._thread is not threading.current_thread():
            self._thread.join()
        if failure is not None:
            raise OSError(f"writing the event file {self._path} failed: {failure}") from failure


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
        self._open_event_file()
        self._closed = False
        self._seen_summary_tags = set()
        self._used_run_metadata_tags = set()
        _OPEN_WRITERS.add(self)
        if graph is not None or graph_def is not None:
            self.add_graph(graph, graph_def=graph_def)
            self.add_meta_graph(_meta_graph_of(graph, graph_def))

    def _open_event_file(self):
        self._writer = EventFileWriter(self._logdir, *self._options)
        # add_summary's quick path appends to the event file's queue itself.
        self._queue = self._writer._queue
        self._batch, self._max_queue = self._writer._batch, self._writer._max_queue

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
        if (type(summary) is bytes and _PLAIN_SUMMARIES.get(id(summary)) is summary
                and not self._closed and self._writer._error is None):
            # A summary op's output without plugin metadata (see is_plain_summary): queued
            # as EventFileWriter.add_summary_event does, inlined (this runs every step).
            queue = self._queue
            queue.append((summary, global_step if type(global_step) is int
                          else None if global_step is None else int(global_step), _now()))
            if len(queue) >= self._batch or (len(summary) > _LONG_EVENT
                                             and len(queue) >= self._max_queue):
                self._writer._frame_queued()
            return
        if type(summary) is np.ndarray and summary.dtype == object and summary.ndim == 0:
            summary = summary[()]
        if type(summary) is bytes and not self._closed and (is_plain_summary(summary)
                                                            or _fast_summary(summary)):
            # The common case, a summary op's output without plugin metadata: queued as it
            # is; the writer thread wraps it in an Event. Parsing it here (to refuse bad
            # bytes) cost more than a small training step once the step's data had pushed
            # the parser out of the CPU caches; the framing walk refuses what is not a
            # Summary's list of values.
            self._writer.add_summary_event(summary, global_step)
            return
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
        values = summary.value
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
            self._writer.add_summary_event(serialized, global_step)

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
            self._open_event_file()
            self._closed = False

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close()


def _read_varint(data, position, end):
    """``(value, next position)``, or ``(None, end)`` when the varint runs past ``end``."""
    value = shift = 0
    while position < end and shift <= 63:
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, position
    return None, end


def _fast_summary(data):
    """Whether ``data`` is a well-framed ``Summary`` (only ``value`` fields, each a sequence
    of well-framed fields) none of whose values carries plugin ``metadata`` (field 9): such
    bytes are queued as they are. Anything else takes the parsing path."""
    end = len(data)
    position = 0
    while position < end:
        if data[position] != 0x0A:  # Summary.value: field 1, length-delimited
            return False
        length, position = _read_varint(data, position + 1, end)
        if length is None or position + length > end:
            return False
        value_end = position + length
        while position < value_end:
            key, position = _read_varint(data, position, value_end)
            if key is None or key >> 3 == 9:
                return False
            kind = key & 7
            if kind == 0:
                skipped, position = _read_varint(data, position, value_end)
                if skipped is None:
                    return False
            elif kind == 1:
                position += 8
            elif kind == 5:
                position += 4
            elif kind == 2:
                length, position = _read_varint(data, position, value_end)
                if length is None:
                    return False
                position += length
            else:
                return False
        if position != value_end:
            return False
    return True


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
    for writer in [*_OPEN_WRITERS, *_LIVE_EVENT_WRITERS]:
        try:
            writer.close()
        except Exception as err:  # noqa: BLE001 - at exit, report and go on with the others
            _LOG.warning("could not close the event file in %s: %s", writer.get_logdir(), err)
