"""Ops found in graphs TensorFlow wrote that smallflow's own builders never make.

``ShapeN`` (the shapes of several tensors; TensorFlow's convolution gradients use it), and
the checkpoint ops: a graph or ``.meta`` file written by TensorFlow carries its ``Saver``'s
ops (``SaveV2``, ``RestoreV2``...). ``RestoreV2`` runs: it reads tensors from a V2
checkpoint (``train.tensor_bundle``), so an imported ``save/restore_all`` restores, and
``tf.train.init_from_checkpoint`` builds its initializers from it, as TensorFlow does.
smallflow's ``Saver`` writes from Python, not through ops, so the writing ops exist only to
let such graphs import: running one raises ``UnimplementedError`` saying so
(``tf.train.import_meta_graph`` returns a smallflow Saver over the imported variables).
"""

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError, NotFoundError, UnimplementedError
from ..op_signature import ALL, INDEX, signature
from ..registry import NotDifferentiable, register_op

_WHY = ("smallflow's Saver writes checkpoints from Python, not through graph ops: save with "
        "tf.train.Saver (import_meta_graph returns one for the imported variables)")


def _unimplemented(op_type):
    def factory(attrs):
        def refuse(*inputs):
            raise UnimplementedError(None, None, f"{op_type}: {_WHY}")

        return refuse

    return factory


def _text(value):
    value = value.item() if isinstance(value, np.ndarray) else value
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _restore_v2(attrs, state=None):
    wanted = [dtypes.as_dtype(d).base_dtype for d in attrs["dtypes"]]

    def restore(prefix, names, shape_and_slices):
        from ..train import tensor_bundle

        prefix = _text(prefix)
        names = [_text(n) for n in np.ravel(names)]
        specs = [_text(s) for s in np.ravel(shape_and_slices)]
        if not len(names) == len(specs) == len(wanted):
            raise InvalidArgumentError(
                None, None, f"RestoreV2: {len(names)} tensor names, {len(specs)} slice specs "
                f"and {len(wanted)} dtypes; they must agree")
        reader = tensor_bundle.BundleReader(prefix)
        values = []
        for name, spec, dtype in zip(names, specs, wanted):
            if spec:
                raise UnimplementedError(
                    None, None, f"RestoreV2: restoring a slice ({spec!r}) of {name} is not "
                    "supported; smallflow restores whole tensors")
            if not reader.has_tensor(name):
                raise NotFoundError(None, None, f"Key {name} not found in checkpoint {prefix}")
            stored = reader.dtype_name(name)
            if stored != dtype.name:
                raise InvalidArgumentError(
                    None, None, f"tensor_name = {name}; expected dtype "
                    f"{dtypes.type_string(dtype)} does not equal original dtype "
                    f"{dtypes.type_string(stored)}")
            values.append(reader.get_tensor(name))
        return values[0] if len(values) == 1 else tuple(values)

    return restore


def _restored_shapes(op):
    from ..tensor_shape import TensorShape

    return [TensorShape(None) for _ in op.outputs]


register_op("SaveV2", _unimplemented("SaveV2"), lambda op: [])
register_op("RestoreV2", _restore_v2, _restored_shapes, stateful=True)
register_op("MergeV2Checkpoints", _unimplemented("MergeV2Checkpoints"), lambda op: [])
register_op("ShardedFilename", _unimplemented("ShardedFilename"), _restored_shapes)

for _op_type in ("SaveV2", "RestoreV2", "MergeV2Checkpoints", "ShardedFilename"):
    NotDifferentiable(_op_type)



def _shape_n_kernel(attrs):
    out_type = attrs["out_type"].as_numpy_dtype

    def shapes(*tensors):
        return tuple(np.array(np.shape(t), dtype=out_type) for t in tensors)

    return shapes


def _shape_n_static(op):
    from ..tensor_shape import TensorShape

    return [TensorShape([t.shape.ndims]) for t in op.inputs]


register_op("ShapeN", _shape_n_kernel, _shape_n_static,
            signature=signature("input: N * T -> output: N * out_type", T=ALL,
                                out_type=INDEX))


def shape_n(inputs, out_type=dtypes.int32, name=None):
    """The shapes of several tensors at once (TensorFlow's ``tf.shape_n``)."""
    from ..graph import convert_to_tensor
    from .common import make_op

    tensors = [convert_to_tensor(t) for t in inputs]
    out_type = dtypes.as_dtype(out_type)
    return make_op("ShapeN", tensors, [out_type] * len(tensors),
                   {"N": len(tensors), "out_type": out_type}, name, "ShapeN").outputs
NotDifferentiable("ShapeN")

# The output dtypes the importer gives these ops (TensorFlow's op registry has them).
OUTPUT_DTYPES = {
    "ShapeN": lambda attrs: [attrs.get("out_type", dtypes.int32)] * attrs["N"],
    "RestoreV2": lambda attrs: list(attrs["dtypes"]),
    "ShardedFilename": lambda attrs: [dtypes.string],
    "MergeV2Checkpoints": lambda attrs: [],
}
