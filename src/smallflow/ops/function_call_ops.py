"""``PartitionedCall`` / ``StatefulPartitionedCall``: the op that calls a traced function.

``tf.function`` called in a graph adds one of these (TensorFlow's names: stateful when the
body holds a stateful op). Its ``f`` attribute is the traced function (def_function.py's
``ConcreteFunction``, or the backward function of one); the op's inputs are the call's
arguments, then the outside tensors the body captured, then the reads of the variables it
uses. The kernel runs the body through a compiled sub-plan of the running session
(``state.subgraph``, as If/While run their branches), or, eagerly, of a session sharing the
eager context's variables.

Its last output is a bundle (a dict) of the body's inner values that its gradient reads: the
gradient op is another call, of the backward function, fed those values, so nothing of the
forward pass is computed twice (random draws and assignments included).
"""

from ..errors import InvalidArgumentError
from ..registry import RegisterGradient, register_op
from ..tensor_shape import unknown_shape
from .common import make_op
from .indexed_slices import IndexedSlices, densify


def _call_kernel(attrs, state):
    function = attrs.get("f")
    if not hasattr(function, "runner"):
        raise InvalidArgumentError(
            None, None, "This function call op came from a GraphDef or .meta file: smallflow "
            "keeps the bodies of tf.function and Defun only in graphs built in Python, so "
            "rebuild the graph with the code that made it.")
    return function.runner(state)


def _call_shapes(op):
    return [*op.attrs["f"].output_shapes, unknown_shape()]


for _type in ("PartitionedCall", "StatefulPartitionedCall"):
    register_op(_type, _call_kernel, _call_shapes, stateful=True)


@RegisterGradient("PartitionedCall")
@RegisterGradient("StatefulPartitionedCall")
def _call_grad(op, *grads):
    fn = op.attrs["f"]
    out_grads = grads[:-1]
    if all(g is None for g in out_grads):
        return [None] * len(op.inputs)
    backward = fn.backward()
    from .shape_ops import zeros_like  # noqa: PLC0415 - keeps this module's imports light

    seeds = []
    for index in backward.output_indices:
        grad = out_grads[index]
        if isinstance(grad, IndexedSlices):
            grad = densify(grad)
        seeds.append(zeros_like(op.outputs[index]) if grad is None else grad)
    out_dtypes = [*backward.output_dtypes, op.outputs[-1].dtype]
    call = make_op("PartitionedCall", [op.outputs[-1], *seeds], out_dtypes, {"f": backward},
                   name="PartitionedCall")
    in_grads = [None] * len(op.inputs)
    for position, tensor in zip(backward.input_positions, call.outputs[:-1]):
        in_grads[position] = tensor
    return in_grads
