"""``slim.tfexample_decoder``: a ``tf.train.Example`` decoded into named items.

``TFExampleDecoder(keys_to_features, items_to_handlers)`` parses a serialized Example with
``keys_to_features`` (the ``tf.FixedLenFeature`` / ``tf.VarLenFeature`` spec); each item's
handler then turns the parsed tensors of its keys into the item: ``Tensor`` (reshaped,
densified), ``Image`` (PNG/JPEG/GIF/BMP or raw bytes, by the format key), ``BoundingBox``
(``[N, 4]`` boxes from four coordinate lists), ``ItemHandlerCallback`` (any function).
"""

import abc

from ... import dtypes
from ...ops import (
    array_ops,
    control_flow_ops,
    functional_ops,
    image_codec_ops,
    io_ops,
    math_ops,
    parsing_ops,
    sparse_ops,
)
from ...ops.sparse_tensor import SparseTensor as _SparseTensorValue
from . import data_decoder

__all__ = [
    "BackupHandler",
    "BoundingBox",
    "Image",
    "ItemHandler",
    "ItemHandlerCallback",
    "LookupTensor",
    "SparseTensor",
    "TFExampleDecoder",
    "Tensor",
]


class ItemHandler(abc.ABC):
    """Turns the parsed tensors of ``keys`` into one item."""

    def __init__(self, keys):
        if isinstance(keys, str | bytes):
            keys = [keys]
        self._keys = list(keys)

    @property
    def keys(self):
        return self._keys

    @abc.abstractmethod
    def tensors_to_item(self, keys_to_tensors):
        """The item, from a dict of this handler's keys to their parsed tensors."""


class ItemHandlerCallback(ItemHandler):
    """The item is ``func(keys_to_tensors)``."""

    def __init__(self, keys, func):
        super().__init__(keys)
        self._func = func

    def tensors_to_item(self, keys_to_tensors):
        return self._func(keys_to_tensors)


class BoundingBox(ItemHandler):
    """``[num_boxes, 4]`` boxes from the ``<prefix>ymin``, ``xmin``, ``ymax``, ``xmax`` lists
    (or the four ``keys`` given)."""

    def __init__(self, keys=None, prefix=""):
        if keys is None:
            keys = ["ymin", "xmin", "ymax", "xmax"]
        elif len(keys) != 4:
            raise ValueError(f"BoundingBox expects 4 keys but got {len(keys)}")
        self._prefix = prefix
        self._full_keys = [prefix + key for key in keys]
        super().__init__(self._full_keys)

    def tensors_to_item(self, keys_to_tensors):
        sides = []
        for key in self._full_keys:
            side = keys_to_tensors[key]
            if isinstance(side, _SparseTensorValue):
                side = side.values
            sides.append(array_ops.expand_dims(side, 0))
        return array_ops.transpose(array_ops.concat(sides, 0))


class Tensor(ItemHandler):
    """The tensor of ``tensor_key``, reshaped to ``shape`` (or to the values of
    ``shape_keys``) and, if sparse, densified with ``default_value``."""

    def __init__(self, tensor_key, shape_keys=None, shape=None, default_value=0):
        if shape_keys and shape is not None:
            raise ValueError("Cannot specify both shape_keys and shape parameters.")
        if shape_keys and not isinstance(shape_keys, list):
            shape_keys = [shape_keys]
        self._tensor_key = tensor_key
        self._shape_keys = shape_keys
        self._shape = shape
        self._default_value = default_value
        keys = [tensor_key]
        if shape_keys:
            keys.extend(shape_keys)
        super().__init__(keys)

    def tensors_to_item(self, keys_to_tensors):
        tensor = keys_to_tensors[self._tensor_key]
        shape = self._shape
        if self._shape_keys:
            dims = []
            for key in self._shape_keys:
                dim = keys_to_tensors[key]
                if isinstance(dim, _SparseTensorValue):
                    dim = sparse_ops.sparse_tensor_to_dense(dim)
                dims.append(dim)
            shape = array_ops.reshape(array_ops.stack(dims), [-1])
        if isinstance(tensor, _SparseTensorValue):
            if shape is not None:
                tensor = sparse_ops.sparse_reshape(tensor, shape)
            return sparse_ops.sparse_tensor_to_dense(tensor, self._default_value)
        if shape is not None:
            tensor = array_ops.reshape(tensor, shape)
        return tensor


class LookupTensor(Tensor):
    """A ``Tensor`` item mapped through ``table`` (a lookup table of string keys)."""

    def __init__(self, tensor_key, table, shape_keys=None, shape=None, default_value=""):
        self._table = table
        super().__init__(tensor_key, shape_keys, shape, default_value)

    def tensors_to_item(self, keys_to_tensors):
        return self._table.lookup(super().tensors_to_item(keys_to_tensors))


class BackupHandler(ItemHandler):
    """``handler``'s item, or ``backup``'s when ``handler``'s is empty."""

    def __init__(self, handler, backup):
        if not isinstance(handler, ItemHandler):
            raise ValueError(f"Primary handler is of type {type(handler)} instead of "
                             f"ItemHandler")
        if not isinstance(backup, ItemHandler):
            raise ValueError(f"Backup handler is of type {type(backup)} instead of "
                             f"ItemHandler")
        self._handler = handler
        self._backup = backup
        super().__init__(handler.keys + backup.keys)

    def tensors_to_item(self, keys_to_tensors):
        item = self._handler.tensors_to_item(keys_to_tensors)
        return control_flow_ops.cond(
            math_ops.equal(math_ops.reduce_prod(array_ops.shape(item)), 0),
            lambda: self._backup.tensors_to_item(keys_to_tensors),
            lambda: item)


class SparseTensor(ItemHandler):
    """A SparseTensor from parsed indices/values (and an optional shape), or densified."""

    def __init__(self, indices_key=None, values_key=None, shape_key=None, shape=None,
                 densify=False, default_value=0):
        indices_key = indices_key or "indices"
        values_key = values_key or "values"
        self._indices_key = indices_key
        self._values_key = values_key
        self._shape_key = shape_key
        self._shape = shape
        self._densify = densify
        self._default_value = default_value
        keys = [indices_key, values_key]
        if shape_key:
            keys.append(shape_key)
        super().__init__(keys)

    def tensors_to_item(self, keys_to_tensors):
        indices = keys_to_tensors[self._indices_key]
        values = keys_to_tensors[self._values_key]
        if self._shape_key:
            shape = keys_to_tensors[self._shape_key]
            if isinstance(shape, _SparseTensorValue):
                shape = sparse_ops.sparse_tensor_to_dense(shape)
        elif self._shape:
            shape = self._shape
        else:
            shape = indices.dense_shape
        indices_shape = array_ops.shape(indices.indices)
        rank = indices_shape[1]
        ids = math_ops.cast(indices.values, dtypes.int64)
        indices_columns = array_ops.concat(
            [array_ops.slice(indices.indices, [0, 0], array_ops.stack([-1, rank - 1])),
             array_ops.expand_dims(ids, -1)], 1)
        tensor = _SparseTensorValue(indices_columns, values.values, shape)
        if self._densify:
            tensor = sparse_ops.sparse_tensor_to_dense(tensor, self._default_value)
        return tensor


class Image(ItemHandler):
    """An image decoded from ``image_key``'s bytes by ``format_key``'s format: ``raw`` /
    ``RAW`` bytes as ``dtype``, otherwise JPEG (with ``dct_method``) or any format
    ``decode_image`` reads; ``[height, width, channels]``, reshaped to ``shape`` if given.
    ``repeated`` decodes a list of images."""

    def __init__(self, image_key=None, format_key=None, shape=None, channels=3,
                 dtype=dtypes.uint8, repeated=False, dct_method=""):
        image_key = image_key or "image/encoded"
        format_key = format_key or "image/format"
        super().__init__([image_key, format_key])
        self._image_key = image_key
        self._format_key = format_key
        self._shape = shape
        self._channels = channels
        self._dtype = dtype
        self._repeated = repeated
        self._dct_method = dct_method

    def tensors_to_item(self, keys_to_tensors):
        image_buffer = keys_to_tensors[self._image_key]
        image_format = keys_to_tensors[self._format_key]
        if self._repeated:
            return functional_ops.map_fn(lambda buffer: self._decode(buffer, image_format),
                                         image_buffer, dtype=self._dtype)
        return self._decode(image_buffer, image_format)

    def _decode(self, image_buffer, image_format):
        def decode_image():
            return math_ops.cast(image_codec_ops.decode_image(image_buffer,
                                                              channels=self._channels),
                                 self._dtype)

        def decode_jpeg():
            return math_ops.cast(image_codec_ops.decode_jpeg(image_buffer,
                                                             channels=self._channels,
                                                             dct_method=self._dct_method),
                                 self._dtype)

        def check_jpeg():
            # JPEG goes through decode_jpeg, the only decoder that takes dct_method.
            return control_flow_ops.cond(image_codec_ops.is_jpeg(image_buffer), decode_jpeg,
                                         decode_image, name="cond_jpeg")

        def decode_raw():
            return io_ops.decode_raw(image_buffer, out_type=self._dtype)

        is_raw = math_ops.logical_or(math_ops.equal(image_format, "raw"),
                                     math_ops.equal(image_format, "RAW"))
        image = control_flow_ops.case({is_raw: decode_raw}, default=check_jpeg, exclusive=True)
        image.set_shape([None, None, self._channels])
        if self._shape is not None:
            image = array_ops.reshape(image, self._shape)
        return image


class TFExampleDecoder(data_decoder.DataDecoder):
    """Decodes a serialized ``tf.train.Example`` into the items of ``items_to_handlers``."""

    def __init__(self, keys_to_features, items_to_handlers):
        self._keys_to_features = keys_to_features
        self._items_to_handlers = items_to_handlers

    def list_items(self):
        return list(self._items_to_handlers.keys())

    def decode(self, serialized_example, items=None):
        """The tensors of ``items`` (default: every item) of one serialized Example."""
        example = parsing_ops.parse_single_example(serialized_example, self._keys_to_features)
        # Fixed-length features get their declared shape once, here, so that every handler
        # sees static shapes.
        for key, feature in self._keys_to_features.items():
            if isinstance(feature, parsing_ops.FixedLenFeature):
                example[key] = array_ops.reshape(example[key], feature.shape)
        if not items:
            items = self._items_to_handlers.keys()
        outputs = []
        for item in items:
            handler = self._items_to_handlers[item]
            keys_to_tensors = {key: example[key] for key in handler.keys}
            outputs.append(handler.tensors_to_item(keys_to_tensors))
        return outputs
