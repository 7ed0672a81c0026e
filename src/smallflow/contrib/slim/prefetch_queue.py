"""``slim.prefetch_queue.prefetch_queue``: a FIFO queue kept full of the given tensors (a
batch) by queue-runner threads, so the model dequeues while the next batch is prepared."""

from ... import dtypes, summary
from ...graph import name_scope
from ...ops import data_flow_ops, math_ops
from ...train.queue_runner_impl import QueueRunner, add_queue_runner

__all__ = ["prefetch_queue"]


def prefetch_queue(tensors, capacity=8, num_threads=1, dynamic_pad=False, shared_name=None,
                   name=None):
    """A queue of ``capacity`` elements of ``tensors`` (a list, or a dict whose keys become
    the queue's names, sorted), enqueued by ``num_threads`` threads; ``dynamic_pad`` pads
    unknown dimensions (PaddingFIFOQueue)."""
    if isinstance(tensors, dict):
        names = sorted(tensors)
        tensor_list = [tensors[key] for key in names]
    else:
        names = None
        tensor_list = list(tensors)
    with name_scope(name or "prefetch_queue"):
        queue_dtypes = [t.dtype for t in tensor_list]
        shapes = [t.shape for t in tensor_list]
        queue_class = data_flow_ops.PaddingFIFOQueue if dynamic_pad else data_flow_ops.FIFOQueue
        queue = queue_class(capacity=capacity, dtypes=queue_dtypes, shapes=shapes, names=names,
                            shared_name=shared_name)
        enqueue_op = queue.enqueue(tensors)
        add_queue_runner(QueueRunner(queue, [enqueue_op] * num_threads))
        summary.scalar(f"fraction_of_{capacity}_full",
                       math_ops.cast(queue.size(), dtypes.float32) * (1.0 / capacity))
        return queue
