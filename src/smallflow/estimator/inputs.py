"""``tf.estimator.inputs``: input functions over NumPy arrays and pandas DataFrames.

They build a ``tf.data`` pipeline (slices, optional shuffle, ``num_epochs`` repeats,
batches) and return its next ``(features, labels)``, which is what TensorFlow's
queue-based versions deliver; the last batch of an epoch may be smaller.
"""

import numpy as np

from ..data import Dataset

__all__ = ["numpy_input_fn", "pandas_input_fn"]


def _check_common(shuffle, batch_size, num_epochs):
    if not isinstance(shuffle, bool):
        raise ValueError(f"shuffle must be provided and explicitly set as boolean (got "
                         f"{shuffle})")
    if batch_size <= 0:
        raise ValueError(f"batch_size must be positive, got {batch_size}")
    if num_epochs is not None and num_epochs <= 0:
        raise ValueError(f"num_epochs must be None or positive, got {num_epochs}")


def _pipeline(features, labels, batch_size, num_epochs, shuffle, queue_capacity, seed=None):
    data = features if labels is None else (features, labels)
    dataset = Dataset.from_tensor_slices(data)
    if shuffle:
        dataset = dataset.shuffle(queue_capacity, seed=seed)
    dataset = dataset.repeat(num_epochs).batch(batch_size)
    return dataset.make_one_shot_iterator().get_next()


def numpy_input_fn(x, y=None, batch_size=128, num_epochs=1, shuffle=None, queue_capacity=1000,
                   num_threads=1):
    """An input_fn giving batches of the dict (or array) ``x`` and the array ``y``."""
    _check_common(shuffle, batch_size, num_epochs)
    arrays = dict(x) if isinstance(x, dict) else {"__x__": x}
    arrays = {key: np.asarray(value) for key, value in arrays.items()}
    if not arrays:
        raise ValueError("x cannot be an empty dict")
    sizes = {value.shape[0] for value in arrays.values()}
    if y is not None:
        if isinstance(y, dict):
            overlap = set(y) & set(arrays)
            if overlap:
                raise ValueError(f"{sorted(overlap)} duplicate keys are found in both x and y")
            y = {key: np.asarray(value) for key, value in y.items()}
            sizes |= {value.shape[0] for value in y.values()}
        else:
            y = np.asarray(y)
            sizes.add(y.shape[0])
    if len(sizes) != 1:
        raise ValueError(f"Length of tensors in x and y is mismatched: {sorted(sizes)}")

    def input_fn():
        batch = _pipeline(arrays, y, batch_size, num_epochs, shuffle, queue_capacity)
        features, labels = (batch, None) if y is None else batch
        if not isinstance(x, dict):
            features = features["__x__"]
        return features if y is None else (features, labels)

    return input_fn


def pandas_input_fn(x, y=None, batch_size=128, num_epochs=1, shuffle=None, queue_capacity=1000,
                    num_threads=1, target_column="target"):
    """An input_fn over the columns of a pandas DataFrame ``x`` (and Series ``y``)."""
    try:
        import pandas  # noqa: F401 - only to give the clear error below
    except ImportError:
        raise ImportError("pandas_input_fn needs pandas (pip install pandas)") from None
    _check_common(shuffle, batch_size, num_epochs)
    columns = {name: x[name].to_numpy() for name in x.columns}
    labels = None if y is None else np.asarray(y)
    if labels is not None and len(labels) != len(x):
        raise ValueError(f"Index for x and y are mismatched: {len(x)} rows vs {len(labels)}")

    def input_fn():
        return numpy_input_fn(columns, labels, batch_size, num_epochs, shuffle,
                              queue_capacity)()

    return input_fn
