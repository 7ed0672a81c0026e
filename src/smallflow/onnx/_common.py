"""Names shared by the graph walk and the op converters: value names and the export error."""


class UnsupportedOpError(ValueError):
    """An op in the exported part of the graph cannot be mapped to ONNX; names the op.

    ``op_name`` and ``op_type`` say which; the message says why (no mapping for the type,
    or an attribute the mapping does not cover).
    """

    def __init__(self, op, reason):
        self.op_name = op.name
        self.op_type = op.type
        super().__init__(f"cannot export op {op.name!r} (type {op.type}) to ONNX: {reason}")


def display_name(tensor):
    """``op`` for an op's first output, ``op:k`` for the others (ONNX value names)."""
    index = tensor.value_index
    return tensor.op.name if index == 0 else f"{tensor.op.name}:{index}"
