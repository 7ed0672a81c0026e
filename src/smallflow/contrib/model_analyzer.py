"""``tf.contrib.slim.model_analyzer``: the op and variable size listings slim prints.

Programs call ``slim.model_analyzer.analyze_vars(tf.trainable_variables(), print_info=True)``
to print one line per variable (name, dtype, shape, element count and bytes) and the totals;
``analyze_ops(graph, print_info=True)`` does the same for every op's outputs. The printed
layout follows TF1's (``name (float32_ref 5x5x1x64) [1600, bytes: 6400]``), so logs compare.
"""

__all__ = ["analyze_ops", "analyze_vars", "tensor_description"]


def tensor_description(var):
    """``(dtype d0xd1x...)``, with ``?`` for unknown dimensions, as slim writes it."""
    shape = var.get_shape()
    dims = [] if shape.ndims is None else [str(d) for d in shape.as_list()]
    dims = [d if d != "None" else "?" for d in dims]
    return "(" + var.dtype.name + " " + "x".join(dims) + ")"


def _elements(tensor):
    # An unknown or partly unknown shape counts as size 0, as slim counts it.
    return tensor.get_shape().num_elements() or 0


def analyze_ops(graph, print_info=False):
    """Total number of output elements of every op in ``graph`` (and one line per op)."""
    if print_info:
        print("---------")
        print("Operations: name -> (type shapes) [size]")
        print("---------")
    total = 0
    for op in graph.get_operations():
        size = 0
        shapes = []
        for output in op.outputs:
            size += _elements(output)
            if output.get_shape():
                shapes.append(tensor_description(output))
        if print_info:
            print(op.name, "\t->", ", ".join(shapes), "[" + str(size) + "]")
        total += size
    return total


def analyze_vars(variables, print_info=False):
    """``(total elements, total bytes)`` of ``variables`` (and one line per variable)."""
    if print_info:
        print("---------")
        print("Variables: name (type shape) [size]")
        print("---------")
    total_size = 0
    total_bytes = 0
    for var in variables:
        size = _elements(var)
        nbytes = size * var.dtype.size
        total_size += size
        total_bytes += nbytes
        if print_info:
            print(var.name, tensor_description(var), f"[{size:d}, bytes: {nbytes:d}]")
    if print_info:
        print(f"Total size of variables: {total_size:d}")
        print(f"Total bytes of variables: {total_bytes:d}")
    return total_size, total_bytes
