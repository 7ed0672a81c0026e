"""``tf.ragged``: ragged tensors in graph mode (``constant``, ``map_flat_values``, ...)."""

from .ragged_ops import (
    constant,
    constant_value,
    map_flat_values,
    range,  # noqa: A004 - TensorFlow's name
    row_splits_to_segment_ids,
    segment_ids_to_row_splits,
)
from .ragged_string_ops import placeholder
from .ragged_tensor import RaggedTensor, RaggedTensorValue, is_ragged

__all__ = ["RaggedTensor", "RaggedTensorValue", "constant", "constant_value", "is_ragged",
           "map_flat_values", "placeholder", "range", "row_splits_to_segment_ids",
           "segment_ids_to_row_splits"]
