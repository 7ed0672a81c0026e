"""``tensorflow.contrib.tensor_forest.python.ops.data_ops`` (TensorFlow 1.15): turn a tensor
or a dict of tensors into the forest's 2-D float input and describe its columns.

``ParseDataTensorOrDict(data)`` returns ``(dense, sparse, data_spec)``: a dict's dense entries
are concatenated in sorted key order (a 1-D entry is one column), integer and boolean
columns cast to float32; ``data_spec`` lists each entry's name, original type and width
(TensorFlow's ``TensorForestDataSpec`` and its text form); a dict's 2-D entries keep their
columns. Sparse inputs and string columns are refused: smallflow's forest reads dense
numbers only. Integer columns are recorded as categorical, as TensorFlow records them; the
forest's candidate splits on them test equality (``value == threshold``), as TensorFlow's V4
kernels do.

``ParseLabelTensorOrDict(labels)`` casts labels (a dict's entries concatenated in sorted key
order) to float32.
"""

import smallflow as tf

DATA_FLOAT = 0
DATA_CATEGORICAL = 1

__all__ = ["DATA_CATEGORICAL", "DATA_FLOAT", "DataColumn", "DataColumnCollection",
           "ParseDataTensorOrDict", "ParseLabelTensorOrDict", "TensorForestDataSpec"]


class DataColumn:
    """One input column: ``name``, ``original_type`` (DATA_FLOAT / DATA_CATEGORICAL), ``size``."""

    def __init__(self):
        self.name = ""
        self.original_type = ""
        self.size = 0

    def SerializeToString(self):  # noqa: N802 (TensorFlow's method name)
        return f"name: {self.name} original_type: {self.original_type} size: {self.size}"


class DataColumnCollection:
    """A list of ``DataColumn`` shaped like a repeated proto field (``add()``, ``size()``)."""

    def __init__(self):
        self.cols = []

    def add(self):
        self.cols.append(DataColumn())
        return self.cols[-1]

    def size(self):
        return len(self.cols)

    def SerializeToString(self):  # noqa: N802
        return "".join("{" + column.SerializeToString() + "}" for column in self.cols)


class TensorForestDataSpec:
    """The columns of the forest's input (``dense``, ``sparse``) and the total width
    ``dense_features_size``; ``SerializeToString()`` is TensorFlow's text form."""

    def __init__(self):
        self.sparse = DataColumnCollection()
        self.dense = DataColumnCollection()
        self.dense_features_size = 0

    def _add(self, name, tensor):
        column = self.dense.add()
        column.name = name
        column.original_type = DATA_CATEGORICAL if tensor.dtype.is_integer else DATA_FLOAT
        column.size = 1 if tensor.shape.ndims == 1 else tensor.shape.as_list()[1]
        self.dense_features_size += column.size or 0

    def SerializeToString(self):  # noqa: N802
        return (f"dense_features_size: {self.dense_features_size} "
                f"dense: [{self.dense.SerializeToString()}] "
                f"sparse: [{self.sparse.SerializeToString()}]")


def _dense(name, value):
    if isinstance(value, tf.SparseTensor):
        raise NotImplementedError(f"tensor_forest: feature {name!r} is sparse; sparse "
                                  "features are not provided by smallflow")
    value = tf.convert_to_tensor(value)
    if value.dtype == tf.string:
        raise NotImplementedError(f"tensor_forest: feature {name!r} holds strings; string "
                                  "(categorical) features are not provided by smallflow")
    if value.shape.ndims not in (None, 1, 2):
        raise ValueError(f"tensor_forest: feature {name!r} must be 1-D or 2-D "
                         f"([batch] or [batch, columns]), got shape {value.shape}")
    return value


def ParseDataTensorOrDict(data):  # noqa: N802 (TensorFlow's name)
    """``(dense float32 [batch, columns], None, data_spec)`` for a tensor or a dict of them."""
    spec = TensorForestDataSpec()
    if isinstance(data, dict):
        columns = []
        for key in sorted(data):
            value = _dense(key, data[key])
            spec._add(key, value)
            value = tf.cast(value, tf.float32)
            if value.shape.ndims == 1:
                value = tf.expand_dims(value, 1)
            columns.append(value)
        if not columns:
            raise ValueError("tensor_forest: the input dict has no features")
        return tf.concat(columns, 1), None, spec
    value = _dense("dense_features", data)
    spec._add("dense_features", value)
    return tf.cast(value, tf.float32), None, spec


def ParseLabelTensorOrDict(labels):  # noqa: N802 (TensorFlow's name)
    """The labels as float32 (a dict's entries concatenated in sorted key order)."""
    if isinstance(labels, dict):
        return tf.to_float(tf.concat([labels[key] for key in sorted(labels)], 1))
    if isinstance(labels, tf.SparseTensor):
        return tf.to_float(tf.sparse_tensor_to_dense(labels, default_value=-1))
    return tf.to_float(labels)
