"""``tf.contrib.learn.read_batch_features`` and its family: queue-based input functions that
glob files, read ``Example`` records with a reader, batch them (shuffled or not) and parse
them, as TensorFlow 1.x's ``learn_io/graph_io.py`` built them for contrib.learn Estimators.

The graph is the one TensorFlow builds: a ``string_input_producer`` of the file names under
``<name>/file_name_queue`` (with ``num_epochs`` its ``limit_epochs/epochs`` local variable),
``num_threads`` readers, a ``shuffle_batch_join`` or ``batch_join`` (a smaller final batch
allowed when the epochs are limited), ``parse_example``, and for the ``*_features`` functions
a FIFO queue of the parsed features filled by its own queue runner threads.
"""

from ... import dtypes, errors, tb_protos
from ...gfile import Glob
from ...graph import Tensor, name_scope
from ...ops import data_flow_ops, io_ops, math_ops, parsing_ops, summary_ops
from ...ops.sparse_tensor import SparseTensor
from ...train import input as input_ops
from ...train.queue_runner_impl import QueueRunner, add_queue_runner

__all__ = ["queue_parsed_features", "read_batch_examples", "read_batch_features",
           "read_batch_record_features", "read_keyed_batch_examples",
           "read_keyed_batch_features"]

KEY_FEATURE_NAME = "__key__"


def read_batch_examples(file_pattern, batch_size, reader, randomize_input=True,
                        num_epochs=None, queue_capacity=10000, num_threads=1,
                        read_batch_size=1, parse_fn=None, name=None):
    """Batches of serialized ``Example`` records (or ``parse_fn``'s results) read from the
    files ``file_pattern`` names (a glob or a list)."""
    _, examples = read_keyed_batch_examples(
        file_pattern, batch_size, reader, randomize_input=randomize_input,
        num_epochs=num_epochs, queue_capacity=queue_capacity, num_threads=num_threads,
        read_batch_size=read_batch_size, parse_fn=parse_fn, name=name)
    return examples


def _file_names(file_pattern, randomize_input):
    if isinstance(file_pattern, list):
        if not file_pattern:
            raise ValueError("No files given to dequeue_examples.")
        names = list(file_pattern)
    else:
        names = list(Glob(file_pattern))
        if not names:
            raise ValueError(f"No files match {file_pattern}.")
    # Sorted when not shuffled, so the order is reproducible.
    return names if randomize_input else sorted(names)


def _check_arguments(batch_size, queue_capacity, read_batch_size, num_threads, num_epochs):
    if not queue_capacity or queue_capacity <= 0:
        raise ValueError(f"Invalid queue_capacity {queue_capacity}.")
    if batch_size is None or (not isinstance(batch_size, Tensor)
                              and (batch_size <= 0 or batch_size > queue_capacity)):
        raise ValueError(
            f"Invalid batch_size {batch_size}, with queue_capacity {queue_capacity}.")
    if read_batch_size is None or (not isinstance(read_batch_size, Tensor)
                                   and read_batch_size <= 0):
        raise ValueError(f"Invalid read_batch_size {read_batch_size}.")
    if not num_threads or num_threads <= 0:
        raise ValueError(f"Invalid num_threads {num_threads}.")
    if num_epochs is not None and num_epochs <= 0:
        raise ValueError(f"Invalid num_epochs {num_epochs}.")


def _read_examples(file_name_queue, reader, num_threads, read_batch_size, parse_fn):
    with name_scope("read"):
        example_list = []
        for _ in range(num_threads):
            if read_batch_size > 1:
                keys, examples = reader().read_up_to(file_name_queue, read_batch_size)
            else:
                keys, examples = reader().read(file_name_queue)
            if parse_fn is None:
                example_list.append((keys, examples))
                continue
            parsed = parse_fn(examples)
            if isinstance(parsed, dict):
                # batch_join takes a dict or a tuple, not both: the key rides in the dict.
                parsed[KEY_FEATURE_NAME] = keys
                example_list.append(parsed)
            else:
                example_list.append((keys, parsed))
        return example_list


def read_keyed_batch_examples(file_pattern, batch_size, reader, randomize_input=True,
                              num_epochs=None, queue_capacity=10000, num_threads=1,
                              read_batch_size=1, parse_fn=None, name=None):
    """``(keys, examples)``: batches of record keys and serialized ``Example`` records."""
    file_names = _file_names(file_pattern, randomize_input)
    _check_arguments(batch_size, queue_capacity, read_batch_size, num_threads, num_epochs)
    with name_scope(name, "read_batch_examples", [file_pattern]) as scope:
        with name_scope("file_name_queue") as queue_scope:
            file_name_queue = input_ops.string_input_producer(
                file_names, shuffle=randomize_input, num_epochs=num_epochs, name=queue_scope)
        example_list = _read_examples(file_name_queue, reader, num_threads, read_batch_size,
                                      parse_fn)
        enqueue_many = read_batch_size > 1
        # With a limited number of epochs the last batch may be short.
        smaller_final = num_epochs is not None
        if randomize_input:
            if isinstance(batch_size, Tensor):
                min_after_dequeue = int(queue_capacity * 0.4)
            else:
                min_after_dequeue = max(queue_capacity - 3 * batch_size, batch_size)
            batched = input_ops.shuffle_batch_join(
                example_list, batch_size, capacity=queue_capacity,
                min_after_dequeue=min_after_dequeue, enqueue_many=enqueue_many, name=scope,
                allow_smaller_final_batch=smaller_final)
        else:
            batched = input_ops.batch_join(
                example_list, batch_size, capacity=queue_capacity, enqueue_many=enqueue_many,
                name=scope, allow_smaller_final_batch=smaller_final)
        if parse_fn is not None and isinstance(batched, dict):
            keys = batched.pop(KEY_FEATURE_NAME)
            return keys, batched
        return tuple(batched)


def read_keyed_batch_features(file_pattern, batch_size, features, reader, randomize_input=True,
                              num_epochs=None, queue_capacity=10000, reader_num_threads=1,
                              feature_queue_capacity=100, num_enqueue_threads=2,
                              parse_fn=None, name=None):
    """``(keys, features)``: batches read as ``read_keyed_batch_examples`` reads them
    (``batch_size`` records at a time), parsed with ``features`` (a dict of
    ``FixedLenFeature``/``VarLenFeature``) and passed through a queue of parsed features."""
    with name_scope(name, "read_batch_features", [file_pattern]) as scope:
        keys, examples = read_keyed_batch_examples(
            file_pattern, batch_size, reader, randomize_input=randomize_input,
            num_epochs=num_epochs, queue_capacity=queue_capacity,
            num_threads=reader_num_threads, read_batch_size=batch_size, parse_fn=parse_fn,
            name=scope)
        parsed = parsing_ops.parse_example(examples, features)
        return queue_parsed_features(parsed, keys=keys,
                                     feature_queue_capacity=feature_queue_capacity,
                                     num_enqueue_threads=num_enqueue_threads, name=scope)


def queue_parsed_features(parsed_features, keys=None, feature_queue_capacity=100,
                          num_enqueue_threads=2, name=None):
    """``(keys, features)`` taken from a FIFO queue that ``num_enqueue_threads`` queue
    runner threads keep filled with ``parsed_features`` (sparse tensors travel as their
    indices, values and dense shape)."""
    args = list(parsed_features.values()) + ([keys] if keys is not None else [])
    with name_scope(name, "queue_parsed_features", args):
        to_enqueue = []
        layout = []  # (feature key, is sparse), in sorted key order
        for key in sorted(parsed_features):
            tensor = parsed_features[key]
            if isinstance(tensor, SparseTensor):
                layout.append((key, True))
                to_enqueue.extend([tensor.indices, tensor.values, tensor.dense_shape])
            else:
                layout.append((key, False))
                to_enqueue.append(tensor)
        if keys is not None:
            to_enqueue.append(keys)
        queue = data_flow_ops.FIFOQueue(feature_queue_capacity, [t.dtype for t in to_enqueue])
        if tb_protos.available():  # the summary needs the tensorboard extra's protos
            fullness = math_ops.cast(queue.size(), dtypes.float32) * (
                1.0 / feature_queue_capacity)
            summary_ops.scalar(
                f"queue/parsed_features/{queue.name}/fraction_of_{feature_queue_capacity}_full",
                fullness)
        enqueue_ops = [queue.enqueue(to_enqueue) for _ in range(num_enqueue_threads)]
        add_queue_runner(QueueRunner(
            queue, enqueue_ops,
            queue_closed_exception_types=(errors.OutOfRangeError, errors.CancelledError)))
        dequeued = queue.dequeue()
        if not isinstance(dequeued, list | tuple):
            dequeued = [dequeued]
        for tensor, source in zip(dequeued, to_enqueue, strict=True):
            tensor.set_shape(source.shape)
        features = {}
        index = 0
        for key, is_sparse in layout:
            if is_sparse:
                features[key] = SparseTensor(dequeued[index], dequeued[index + 1],
                                             dequeued[index + 2])
                index += 3
            else:
                features[key] = dequeued[index]
                index += 1
        return (dequeued[-1] if keys is not None else None), features


def read_batch_features(file_pattern, batch_size, features, reader, randomize_input=True,
                        num_epochs=None, queue_capacity=10000, feature_queue_capacity=100,
                        reader_num_threads=1, parse_fn=None, name=None):
    """The parsed features of ``read_keyed_batch_features``, without the keys."""
    _, parsed = read_keyed_batch_features(
        file_pattern, batch_size, features, reader, randomize_input=randomize_input,
        num_epochs=num_epochs, queue_capacity=queue_capacity,
        feature_queue_capacity=feature_queue_capacity, reader_num_threads=reader_num_threads,
        parse_fn=parse_fn, name=name)
    return parsed


def read_batch_record_features(file_pattern, batch_size, features, randomize_input=True,
                               num_epochs=None, queue_capacity=10000, reader_num_threads=1,
                               name="dequeue_record_examples"):
    """``read_batch_features`` of TFRecord files."""
    return read_batch_features(
        file_pattern=file_pattern, batch_size=batch_size, features=features,
        reader=io_ops.TFRecordReader, randomize_input=randomize_input, num_epochs=num_epochs,
        queue_capacity=queue_capacity, reader_num_threads=reader_num_threads, name=name)
