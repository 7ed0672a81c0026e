"""``tf.saved_model.main_op``: the usual op a loader runs after restoring variables."""

from ..ops import control_flow_ops
from ..variable_utils import tables_initializer
from ..variables import global_variables_initializer, local_variables_initializer


def main_op():
    """Initialize global and local variables and tables (one grouped op)."""
    return control_flow_ops.group(global_variables_initializer(),
                                  local_variables_initializer(), tables_initializer())


def main_op_with_restore(restore_op_name):
    """``main_op()`` followed by the op named ``restore_op_name``."""
    from ..graph import control_dependencies, get_default_graph

    restore = restore_op_name
    if isinstance(restore, str):
        restore = get_default_graph().as_graph_element(restore)
    with control_dependencies([main_op()]):
        return control_flow_ops.group(restore)
