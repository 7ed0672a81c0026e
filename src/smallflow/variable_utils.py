"""Variable helpers around initialization: ``report_uninitialized_variables``,
``assert_variables_initialized``, ``tables_initializer`` and ``moving_average_variables``."""

import numpy as np

from . import dtypes
from .graph import GraphKeys, get_collection, name_scope
from .op_signature import signature
from .ops import array_ops, control_flow_ops, debug_ops, math_ops
from .ops.common import make_op
from .registry import NotDifferentiable, register_op
from .tensor_shape import TensorShape
from .variables import global_variables, local_variables


def _names_kernel(attrs, state):
    names = attrs["var_names"]
    labels = attrs["labels"]

    def uninitialized():
        missing = [label.encode() for name, label in zip(names, labels)
                   if name not in state.variables]
        return np.array(missing, dtype=object)

    return uninitialized


register_op("ReportUninitializedVariables", _names_kernel, lambda op: [TensorShape([None])],
            stateful=True,
            signature=signature("-> names: string"))
NotDifferentiable("ReportUninitializedVariables")


def report_uninitialized_variables(var_list=None, name="report_uninitialized_variables"):
    """A 1-D string tensor of the names of the variables not yet initialized in the session
    (by default the global and local variables)."""
    if var_list is None:
        var_list = global_variables() + local_variables()
    var_list = list(var_list)
    attrs = {"var_names": [v.op.name for v in var_list],
             "labels": [v.op.name for v in var_list]}
    with name_scope(name):
        return make_op("ReportUninitializedVariables", [], [dtypes.string], attrs,
                       "report").outputs[0]


def assert_variables_initialized(var_list=None):
    """An Assert op that fails (InvalidArgumentError naming them) when run while any of
    ``var_list`` (default: the global and local variables) is uninitialized."""
    if var_list is None:
        var_list = global_variables() + local_variables()
    var_list = list(var_list)
    if not var_list:
        return None
    checks = [make_op("IsVariableInitialized", [], [dtypes.bool],
                      {"var_name": v.op.name}).outputs[0] for v in var_list]
    with name_scope("assert_variables_initialized"):
        every = array_ops.stack(checks)
        return debug_ops.Assert(math_ops.reduce_all(every),
                                ["Uninitialized variables:", report_uninitialized_variables(
                                    var_list)])


def tables_initializer(name="init_all_tables"):
    """The initializers of the lookup tables in the graph: a no-op group when there are none
    (smallflow has no lookup tables yet)."""
    initializers = get_collection(GraphKeys.TABLE_INITIALIZERS)
    return control_flow_ops.group(*initializers, name=name)


initialize_all_tables = tables_initializer


def moving_average_variables(scope=None):
    """The variables given to an ExponentialMovingAverage's ``apply``."""
    return get_collection("moving_average_variables", scope)
