"""``tensorflow.python.framework.ops``: graphs, tensors, name scopes, collections, and the
helper libraries call to find the graph of an op's inputs (``_get_graph_from_inputs``)."""

from ...graph import Graph, Operation, Tensor, get_default_graph
from .._public import public_getattr

__getattr__ = public_getattr(__name__)


def _graph_element(value):
    if isinstance(value, (Operation, Tensor)):
        return value
    as_element = getattr(value, "_as_graph_element", None)
    return as_element() if as_element is not None else None


def _get_graph_from_inputs(op_input_list, graph=None):
    """The graph an op on ``op_input_list`` must be built in: ``graph`` if given, else the
    graph of the inputs that have one, else the default graph. Inputs from two graphs, or
    from another graph than ``graph``, raise ValueError."""
    op_input_list = tuple(op_input_list)
    if graph is not None and not isinstance(graph, Graph):
        raise TypeError(f"Input graph needs to be a Graph: {graph}")
    passed = graph
    first = None
    for op_input in op_input_list:
        element = _graph_element(op_input)
        if element is None:
            continue
        if passed is not None and element.graph is not passed:
            raise ValueError(f"{element} is not from the passed-in graph.")
        if first is None:
            first = element
        elif element.graph is not first.graph:
            raise ValueError(f"{element} must be from the same graph as {first}.")
    if passed is not None:
        return passed
    return first.graph if first is not None else get_default_graph()
