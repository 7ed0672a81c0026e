"""``tf.data.experimental``: the helpers TF1 programs use with datasets."""

from .iterator_ops import make_initializable_iterator, make_one_shot_iterator

__all__ = [
    "AUTOTUNE",
    "make_initializable_iterator",
    "make_one_shot_iterator",
    "map_and_batch",
    "shuffle_and_repeat",
    "unbatch",
]

# TensorFlow's sentinel for "pick the parallelism yourself": map uses one thread per core,
# prefetch a small buffer.
AUTOTUNE = -1


def shuffle_and_repeat(buffer_size, count=None, seed=None):
    """``dataset.shuffle(buffer_size, seed).repeat(count)`` as a transformation."""
    return lambda dataset: dataset.shuffle(buffer_size, seed).repeat(count)


def map_and_batch(map_func, batch_size, num_parallel_batches=None, drop_remainder=False,
                  num_parallel_calls=None):
    """``dataset.map(map_func).batch(batch_size, drop_remainder)`` as a transformation;
    ``num_parallel_calls`` (or ``num_parallel_batches``) maps in that many threads."""
    parallel = num_parallel_calls if num_parallel_calls is not None else num_parallel_batches
    return lambda dataset: dataset.map(map_func, parallel).batch(batch_size, drop_remainder)


def unbatch():
    """Split each element's first dimension into separate elements."""
    return lambda dataset: dataset.unbatch()
