"""``slim.parallel_reader``: several readers of one filename queue feeding a common queue.

``parallel_read`` is the input of ``DatasetDataProvider``: a filename queue over the data
files, ``num_readers`` readers each enqueuing ``(key, value)`` records into a common queue
(a RandomShuffleQueue when shuffling), which is dequeued one record at a time.
"""

from ... import dtypes, gfile, summary
from ...graph import name_scope
from ...ops import data_flow_ops, math_ops
from ...ops.io_ops import ReaderBase
from ...train.input import string_input_producer
from ...train.queue_runner_impl import QueueRunner, add_queue_runner

__all__ = ["ParallelReader", "get_data_files", "parallel_read", "single_pass_read"]


class ParallelReader(ReaderBase):
    """A reader that runs ``num_readers`` readers of ``reader_class`` in queue-runner threads,
    each reading the filename queue into ``common_queue`` (of dtypes [string, string])."""

    def __init__(self, reader_class, common_queue, num_readers=4, reader_kwargs=None):
        queue_dtypes = list(common_queue.dtypes)
        if len(queue_dtypes) != 2:
            raise TypeError("common_queue.dtypes must be [tf.string, tf.string]")
        for dtype in queue_dtypes:
            if dtype != dtypes.string:
                raise TypeError("common_queue.dtypes must be [tf.string, tf.string]")
        reader_kwargs = reader_kwargs or {}
        self._readers = [reader_class(**reader_kwargs) for _ in range(num_readers)]
        self._common_queue = common_queue

    @property
    def num_readers(self):
        return len(self._readers)

    @property
    def common_queue(self):
        return self._common_queue

    @property
    def reader_ref(self):
        raise NotImplementedError("A ParallelReader has no reader_ref of its own: its "
                                  "readers each have one")

    def read(self, queue, name=None):
        """The next ``(key, value)`` record from the common queue."""
        self._configure_readers_by(queue)
        return self._common_queue.dequeue(name=name)

    def read_up_to(self, queue, num_records, name=None):
        """Up to ``num_records`` records from the common queue."""
        self._configure_readers_by(queue)
        return self._common_queue.dequeue_up_to(num_records, name)

    def _configure_readers_by(self, queue):
        enqueue_ops = [self._common_queue.enqueue(reader.read(queue))
                       for reader in self._readers]
        add_queue_runner(QueueRunner(self._common_queue, enqueue_ops))

    def num_records_produced(self, name=None):
        counts = [reader.num_records_produced() for reader in self._readers]
        return math_ops.add_n(counts, name=name)

    def num_work_units_completed(self, name=None):
        counts = [reader.num_work_units_completed() for reader in self._readers]
        return math_ops.add_n(counts, name=name)

    def reset(self, name=None):
        raise NotImplementedError("reset each reader of a ParallelReader on its own")


def get_data_files(data_sources):
    """The files of ``data_sources`` (a path, a glob pattern or a list of them); ValueError
    when none exists."""
    if isinstance(data_sources, list | tuple):
        data_files = []
        for source in data_sources:
            data_files += get_data_files(source)
    elif any(char in data_sources for char in "*?["):
        data_files = gfile.Glob(data_sources)
    else:
        data_files = [data_sources]
    if not data_files:
        raise ValueError(f"No data files found in {data_sources}")
    return data_files


def parallel_read(data_sources, reader_class, num_epochs=None, num_readers=4,
                  reader_kwargs=None, shuffle=True, dtypes=None, capacity=256,
                  min_after_dequeue=128, seed=None, scope=None):
    """``(key, value)`` of the next record of ``data_sources``, read by ``num_readers``
    readers through a common queue of ``capacity`` records."""
    data_files = get_data_files(data_sources)
    with name_scope(scope or "parallel_read"):
        filename_queue = string_input_producer(data_files, num_epochs=num_epochs,
                                               shuffle=shuffle, seed=seed, name="filenames")
        queue_dtypes = dtypes or [_string(), _string()]
        if shuffle:
            common_queue = data_flow_ops.RandomShuffleQueue(
                capacity=capacity, min_after_dequeue=min_after_dequeue, dtypes=queue_dtypes,
                seed=seed, name="common_queue")
        else:
            common_queue = data_flow_ops.FIFOQueue(capacity=capacity, dtypes=queue_dtypes,
                                                   name="common_queue")
        summary.scalar(f"fraction_of_{capacity}_full",
                       math_ops.cast(common_queue.size(), _float32()) * (1.0 / capacity))
        reader = ParallelReader(reader_class, common_queue, num_readers=num_readers,
                                reader_kwargs=reader_kwargs)
        return reader.read(filename_queue)


def single_pass_read(data_sources, reader_class, reader_kwargs=None, scope=None):
    """``(key, value)`` of the next record of ``data_sources``, each file read once in
    order by one reader."""
    data_files = get_data_files(data_sources)
    with name_scope(scope or "single_pass_read"):
        filename_queue = string_input_producer(data_files, num_epochs=1, shuffle=False,
                                               capacity=1, name="filenames")
        return reader_class(**(reader_kwargs or {})).read(filename_queue)


def _string():
    return dtypes.string


def _float32():
    return dtypes.float32
