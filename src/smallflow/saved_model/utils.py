"""``tf.saved_model.utils``: ``TensorInfo`` protos for tensors, and tensors for them."""

from .. import tensor_util
from ..graph import Tensor, get_default_graph
from ..ops.sparse_tensor import SparseTensor
from . import _proto


def build_tensor_info(tensor):
    """A ``TensorInfo`` naming ``tensor`` (a Tensor or SparseTensor), its dtype and shape."""
    if not isinstance(tensor, Tensor | SparseTensor):
        raise TypeError(f"build_tensor_info expects a Tensor or SparseTensor, got "
                        f"{type(tensor).__name__}: {tensor!r}")
    info = _proto.meta_graph_pb2().TensorInfo(
        dtype=tensor_util.as_datatype_enum(tensor.dtype.base_dtype),
        tensor_shape=tensor_util.as_shape_proto(tensor.get_shape()))
    if isinstance(tensor, SparseTensor):
        info.coo_sparse.values_tensor_name = tensor.values.name
        info.coo_sparse.indices_tensor_name = tensor.indices.name
        info.coo_sparse.dense_shape_tensor_name = tensor.dense_shape.name
    else:
        info.name = tensor.name
    return info


def build_tensor_info_from_op(op):
    """A ``TensorInfo`` naming an operation (TensorFlow uses it for init and train ops)."""
    return _proto.meta_graph_pb2().TensorInfo(
        dtype=_proto.types_pb2().DT_INVALID,
        tensor_shape=tensor_util.as_shape_proto(None), name=op.name)


def _scoped(name, import_scope):
    return f"{import_scope}/{name}" if import_scope else name


def get_tensor_from_tensor_info(tensor_info, graph=None, import_scope=None):
    """The Tensor (or SparseTensor) of ``graph`` that ``tensor_info`` describes."""
    graph = graph if graph is not None else get_default_graph()

    def tensor(name):
        return graph.get_tensor_by_name(_scoped(name, import_scope))

    encoding = tensor_info.WhichOneof("encoding")
    if encoding == "name":
        return tensor(tensor_info.name)
    if encoding == "coo_sparse":
        sparse = tensor_info.coo_sparse
        return SparseTensor(tensor(sparse.indices_tensor_name),
                            tensor(sparse.values_tensor_name),
                            tensor(sparse.dense_shape_tensor_name))
    raise ValueError(f"Invalid TensorInfo.encoding: {encoding}. Expected `coo_sparse` or "
                     "`name` for a dense tensor (smallflow has no composite tensors).")


def get_element_from_tensor_info(tensor_info, graph=None, import_scope=None):
    """The Operation or Tensor of ``graph`` that ``tensor_info`` names."""
    graph = graph if graph is not None else get_default_graph()
    return graph.as_graph_element(_scoped(tensor_info.name, import_scope))
