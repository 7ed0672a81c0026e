"""TF1's queue-based input functions: producers of filenames or slices, and batching.

``string_input_producer`` fills a queue with (shuffled) filenames, epoch after epoch;
``batch`` / ``shuffle_batch`` group single examples into batches through a second queue.
Each registers a ``QueueRunner``: programs call ``tf.train.start_queue_runners``. With
``num_epochs`` an epoch counter (a local variable: run ``local_variables_initializer``)
ends the input with ``OutOfRangeError``.
"""

from .. import dtypes, tb_protos
from ..graph import GraphKeys, control_dependencies, convert_to_tensor, name_scope
from ..ops import (
    array_ops,
    data_flow_ops,
    math_ops,
    random_extra_ops,
    scatter_ops,
    summary_ops,
)
from ..ops.common import constant_value
from ..ops.io_ops import matching_files
from ..variables import Variable
from .queue_runner_impl import QueueRunner, add_queue_runner

__all__ = [
    "match_filenames_once",
    "batch",
    "batch_join",
    "input_producer",
    "limit_epochs",
    "maybe_batch",
    "range_input_producer",
    "shuffle_batch",
    "shuffle_batch_join",
    "slice_input_producer",
    "string_input_producer",
]


def match_filenames_once(pattern, name=None):
    """A local variable holding the file names matching ``pattern``, computed once when
    the local variables are initialized (``tf.local_variables_initializer()``)."""
    with name_scope(name, "matching_filenames", [pattern]) as scope:
        return Variable(matching_files(pattern), trainable=False, validate_shape=False,
                        collections=[GraphKeys.LOCAL_VARIABLES], name=scope)


def limit_epochs(tensor, num_epochs=None, name=None):
    """``tensor``, but only ``num_epochs`` times; the next evaluation is ``OutOfRangeError``."""
    if num_epochs is None:
        return tensor
    if num_epochs <= 0:
        raise ValueError(f"num_epochs must be > 0 not {num_epochs}.")
    with name_scope(name, "limit_epochs", [tensor]):
        epochs = Variable(array_ops.zeros([], dtype=dtypes.int64), trainable=False,
                          collections=[GraphKeys.LOCAL_VARIABLES], name="epochs")
        counter = scatter_ops.count_up_to(epochs, num_epochs)
        with control_dependencies([counter]):
            return array_ops.identity(tensor, name="fraction_of_epochs")


def input_producer(input_tensor, element_shape=None, num_epochs=None, shuffle=True, seed=None,
                   capacity=32, shared_name=None, summary_name=None, name=None,
                   cancel_op=None):
    """A queue filled with the rows of ``input_tensor`` (shuffled each epoch if ``shuffle``).

    Named as TensorFlow names it: the queue op takes the scope's own name (``input_producer``)
    and the epoch counter is ``<scope>/limit_epochs/epochs``; with ``summary_name`` a scalar
    summary of the queue's fullness (when the tensorboard extra is there to write it).
    """
    with name_scope(name, "input_producer", [input_tensor]) as scope:
        input_tensor = convert_to_tensor(input_tensor, name="input_tensor")
        shape = input_tensor.shape
        if element_shape is None:
            if not shape.is_fully_defined():
                raise ValueError("Either `input_tensor` must have a fully defined shape or "
                                 "`element_shape` must be specified")
            element_shape = shape.as_list()[1:]
        if shuffle:
            # TensorFlow's RandomShuffle op: each epoch's enqueue runs it once
            input_tensor = random_extra_ops.random_shuffle(input_tensor, seed=seed)
        rows = limit_epochs(input_tensor, num_epochs)
        queue = data_flow_ops.FIFOQueue(capacity, [input_tensor.dtype], [element_shape],
                                        shared_name=shared_name, name=scope)
        enqueue = queue.enqueue_many([rows])
        add_queue_runner(QueueRunner(queue, [enqueue], cancel_op=cancel_op))
        if summary_name is not None and tb_protos.available():
            fullness = math_ops.cast(queue.size(), dtypes.float32) * (1.0 / capacity)
            summary_ops.scalar(summary_name, fullness)
        return queue


def string_input_producer(string_tensor, num_epochs=None, shuffle=True, seed=None, capacity=32,
                          shared_name=None, name=None, cancel_op=None):
    """A queue of filenames for a reader: each epoch all of them (shuffled by default)."""
    with name_scope(name, "input_producer", [string_tensor]) as scope:
        string_tensor = convert_to_tensor(string_tensor, dtype=dtypes.string)
        if string_tensor.shape.ndims == 1 and string_tensor.shape[0].value == 0:
            raise ValueError("string_input_producer requires a non-empty tensor of strings")
        return input_producer(string_tensor, [], num_epochs, shuffle, seed, capacity,
                              shared_name, summary_name=f"fraction_of_{capacity}_full",
                              name=scope, cancel_op=cancel_op)


def range_input_producer(limit, num_epochs=None, shuffle=True, seed=None, capacity=32,
                         shared_name=None, name=None):
    """A queue of the integers ``0 .. limit - 1``, epoch after epoch."""
    with name_scope(name, "input_producer", [limit]) as scope:
        indices = math_ops.range(limit)
        return input_producer(indices, [], num_epochs, shuffle, seed, capacity, shared_name,
                              summary_name=f"fraction_of_{capacity}_full", name=scope)


def slice_input_producer(tensor_list, num_epochs=None, shuffle=True, seed=None, capacity=32,
                         shared_name=None, name=None):
    """One row of every tensor in ``tensor_list`` per dequeue (the same row of each)."""
    with name_scope(name, "input_producer", tensor_list):
        tensors = [convert_to_tensor(t) for t in tensor_list]
        if not tensors:
            raise ValueError("Expected at least one tensor in slice_input_producer().")
        size = array_ops.shape(tensors[0], out_type=dtypes.int32)[0]
        queue = range_input_producer(size, num_epochs, shuffle, seed, capacity, shared_name)
        index = queue.dequeue()
        return [array_ops.gather(t, index) for t in tensors]


def _structure(tensors):
    if isinstance(tensors, dict):
        keys = sorted(tensors)
        return keys, [convert_to_tensor(tensors[k]) for k in keys]
    if isinstance(tensors, list | tuple):
        return None, [convert_to_tensor(t) for t in tensors]
    return "single", [convert_to_tensor(tensors)]


def _restore(keys, outputs):
    outputs = outputs if isinstance(outputs, list) else [outputs]
    if keys == "single":
        return outputs[0]
    if keys is None:
        # As TensorFlow: a list of one tensor comes back as that tensor (its queue's
        # dequeue gives a single tensor for a single component).
        return outputs[0] if len(outputs) == 1 else outputs
    return dict(zip(keys, outputs))


def _shapes(tensors_lists, shapes, enqueue_many, dynamic_pad=False):
    """The queue's component shapes: ``shapes`` if given, else each component's shape merged
    over the enqueuing lists (``batch_join``'s threads), without the batch axis for
    ``enqueue_many``. A plain FIFO queue needs them fully defined; a padding one
    (``dynamic_pad``) takes unknown sizes and pads them per batch."""
    if shapes is not None:
        return list(shapes)
    out = []
    for components in zip(*tensors_lists, strict=True):
        shape = components[0].shape
        for other in components[1:]:
            shape = shape.merge_with(other.shape)
        if enqueue_many and shape.ndims is not None:
            shape = shape[1:]
        if not dynamic_pad and not shape.is_fully_defined():
            raise ValueError(f"All shapes must be fully defined: {components[0].name} has "
                             f"shape {components[0].shape}")
        out.append(shape)
    return out


def _fifo_queue(tensors_lists, capacity, shapes, enqueue_many, dynamic_pad, shared_name):
    """``batch``'s and ``batch_join``'s queue: a PaddingFIFOQueue for ``dynamic_pad``
    (im2txt pads its captions so), else a FIFOQueue."""
    types = [t.dtype for t in tensors_lists[0]]
    queue_shapes = _shapes(tensors_lists, shapes, enqueue_many, dynamic_pad)
    make = data_flow_ops.PaddingFIFOQueue if dynamic_pad else data_flow_ops.FIFOQueue
    return make(capacity, types, queue_shapes, shared_name=shared_name)


def _keep_input(keep_input, enqueue_many):
    from ..ops import constant_op

    keep = convert_to_tensor(keep_input, name="keep_input")
    if keep.dtype.base_dtype != dtypes.bool:
        keep = constant_op.cast(keep, dtypes.bool)
    if keep.shape.ndims == 1 and not enqueue_many:
        raise ValueError("`keep_input` cannot be a vector when `enqueue_many=False`.")
    if keep.shape.ndims is not None and keep.shape.ndims > 1:
        raise ValueError("`keep_input` must be 0 or 1 dimensions.")
    return keep


def _enqueue(queue, tensors, enqueue_many, keep_input):
    """One enqueue op; with ``keep_input`` only what it keeps (a scalar: the whole example
    or batch; a vector with ``enqueue_many``: the examples it marks), as TF1's maybe_*."""
    enqueue = queue.enqueue_many if enqueue_many else queue.enqueue
    if keep_input is None:
        return enqueue(tensors)
    from ..ops import array_extra_ops, constant_op, control_flow_ops

    if keep_input.shape.ndims == 1:
        which = constant_op.cast(keep_input, dtypes.int32)
        kept = [array_extra_ops.dynamic_partition(t, which, 2)[1] for t in tensors]
        return enqueue(kept)
    known = constant_value(keep_input)
    if known is not None:
        return enqueue(tensors) if bool(known) else control_flow_ops.no_op()
    return control_flow_ops.cond(keep_input, lambda: enqueue(tensors), control_flow_ops.no_op)


def _batch(queue, tensors_lists, batch_size, enqueue_many, allow_smaller_final_batch, scope,
           keep_input=None):
    enqueues = [_enqueue(queue, t, enqueue_many, keep_input) for t in tensors_lists]
    add_queue_runner(QueueRunner(queue, enqueues))
    # The dequeue op takes the scope's own name, as in TensorFlow ("batch:0").
    if allow_smaller_final_batch:
        return queue.dequeue_up_to(batch_size, name=scope)
    return queue.dequeue_many(batch_size, name=scope)


def batch(tensors, batch_size, num_threads=1, capacity=32, enqueue_many=False, shapes=None,
          dynamic_pad=False, allow_smaller_final_batch=False, shared_name=None, name=None):
    """Batches of ``batch_size`` examples, in order, through a FIFO queue."""
    return _batch_fifo(tensors, batch_size, num_threads, capacity, enqueue_many, shapes,
                       dynamic_pad, allow_smaller_final_batch, shared_name, name, None)


def maybe_batch(tensors, keep_input, batch_size, num_threads=1, capacity=32,
                enqueue_many=False, shapes=None, dynamic_pad=False,
                allow_smaller_final_batch=False, shared_name=None, name=None):
    """``batch`` of the examples ``keep_input`` keeps (a bool scalar, or with
    ``enqueue_many`` a vector marking each example)."""
    with name_scope(name or "batch"):
        keep = _keep_input(keep_input, enqueue_many)
    return _batch_fifo(tensors, batch_size, num_threads, capacity, enqueue_many, shapes,
                       dynamic_pad, allow_smaller_final_batch, shared_name, name, keep)


def _batch_fifo(tensors, batch_size, num_threads, capacity, enqueue_many, shapes,
                dynamic_pad, allow_smaller_final_batch, shared_name, name, keep_input):
    keys, flat = _structure(tensors)
    with name_scope(name or "batch") as scope:
        queue = _fifo_queue([flat], capacity, shapes, enqueue_many, dynamic_pad,
                            shared_name)
        out = _batch(queue, [flat] * num_threads, batch_size, enqueue_many,
                     allow_smaller_final_batch, scope, keep_input)
    return _restore(keys, out)


def batch_join(tensors_list, batch_size, capacity=32, enqueue_many=False, shapes=None,
               dynamic_pad=False, allow_smaller_final_batch=False, shared_name=None,
               name=None):
    """Like ``batch``, from several lists of tensors (one enqueuing thread each)."""
    return _batch_join(tensors_list, batch_size, capacity, enqueue_many, shapes, dynamic_pad,
                       allow_smaller_final_batch, shared_name, name, None)


def maybe_batch_join(tensors_list, keep_input, batch_size, capacity=32, enqueue_many=False,
                     shapes=None, dynamic_pad=False, allow_smaller_final_batch=False,
                     shared_name=None, name=None):
    """``batch_join`` of the examples ``keep_input`` keeps."""
    with name_scope(name or "batch_join"):
        keep = _keep_input(keep_input, enqueue_many)
    return _batch_join(tensors_list, batch_size, capacity, enqueue_many, shapes, dynamic_pad,
                       allow_smaller_final_batch, shared_name, name, keep)


def _batch_join(tensors_list, batch_size, capacity, enqueue_many, shapes, dynamic_pad,
                allow_smaller_final_batch, shared_name, name, keep_input):
    structures = [_structure(t) for t in tensors_list]
    keys = structures[0][0]
    with name_scope(name or "batch_join") as scope:
        queue = _fifo_queue([s[1] for s in structures], capacity, shapes, enqueue_many,
                            dynamic_pad, shared_name)
        out = _batch(queue, [s[1] for s in structures], batch_size, enqueue_many,
                     allow_smaller_final_batch, scope, keep_input)
    return _restore(keys, out)


def shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, num_threads=1, seed=None,
                  enqueue_many=False, shapes=None, allow_smaller_final_batch=False,
                  shared_name=None, name=None):
    """Random batches drawn from a queue holding at least ``min_after_dequeue`` examples."""
    return _shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, num_threads, seed,
                          enqueue_many, shapes, allow_smaller_final_batch, shared_name, name,
                          None)


def maybe_shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, keep_input,
                        num_threads=1, seed=None, enqueue_many=False, shapes=None,
                        allow_smaller_final_batch=False, shared_name=None, name=None):
    """``shuffle_batch`` of the examples ``keep_input`` keeps."""
    with name_scope(name or "shuffle_batch"):
        keep = _keep_input(keep_input, enqueue_many)
    return _shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, num_threads, seed,
                          enqueue_many, shapes, allow_smaller_final_batch, shared_name, name,
                          keep)


def _shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, num_threads, seed,
                   enqueue_many, shapes, allow_smaller_final_batch, shared_name, name,
                   keep_input):
    keys, flat = _structure(tensors)
    with name_scope(name or "shuffle_batch") as scope:
        queue = data_flow_ops.RandomShuffleQueue(
            capacity, min_after_dequeue, [t.dtype for t in flat],
            _shapes([flat], shapes, enqueue_many), seed=seed, shared_name=shared_name)
        out = _batch(queue, [flat] * num_threads, batch_size, enqueue_many,
                     allow_smaller_final_batch, scope, keep_input)
    return _restore(keys, out)


def shuffle_batch_join(tensors_list, batch_size, capacity, min_after_dequeue, seed=None,
                       enqueue_many=False, shapes=None, allow_smaller_final_batch=False,
                       shared_name=None, name=None):
    """Like ``shuffle_batch``, from several lists of tensors."""
    return _shuffle_batch_join(tensors_list, batch_size, capacity, min_after_dequeue, seed,
                               enqueue_many, shapes, allow_smaller_final_batch, shared_name,
                               name, None)


def maybe_shuffle_batch_join(tensors_list, batch_size, capacity, min_after_dequeue,
                             keep_input, seed=None, enqueue_many=False, shapes=None,
                             allow_smaller_final_batch=False, shared_name=None, name=None):
    """``shuffle_batch_join`` of the examples ``keep_input`` keeps."""
    with name_scope(name or "shuffle_batch_join"):
        keep = _keep_input(keep_input, enqueue_many)
    return _shuffle_batch_join(tensors_list, batch_size, capacity, min_after_dequeue, seed,
                               enqueue_many, shapes, allow_smaller_final_batch, shared_name,
                               name, keep)


def _shuffle_batch_join(tensors_list, batch_size, capacity, min_after_dequeue, seed,
                        enqueue_many, shapes, allow_smaller_final_batch, shared_name, name,
                        keep_input):
    structures = [_structure(t) for t in tensors_list]
    keys = structures[0][0]
    with name_scope(name or "shuffle_batch_join") as scope:
        lists = [s[1] for s in structures]
        queue = data_flow_ops.RandomShuffleQueue(
            capacity, min_after_dequeue, [t.dtype for t in lists[0]],
            _shapes(lists, shapes, enqueue_many), seed=seed, shared_name=shared_name)
        out = _batch(queue, [s[1] for s in structures], batch_size, enqueue_many,
                     allow_smaller_final_batch, scope, keep_input)
    return _restore(keys, out)
