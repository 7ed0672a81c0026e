"""``tf.train``: optimizers, learning-rate schedules, the global step and checkpoints."""

from ..graph_io import write_graph
from ..meta_graph import export_meta_graph, import_meta_graph
from ..summary.records import summary_iterator
from .adagrad import AdagradOptimizer
from .adam import AdamOptimizer
from .checkpoint_management import (
    CheckpointState,
    checkpoint_exists,
    get_checkpoint_state,
    latest_checkpoint,
    remove_checkpoint,
    update_checkpoint_state,
)
from .checkpoint_utils import (
    CheckpointReader,
    NewCheckpointReader,
    list_variables,
    load_checkpoint,
    load_variable,
    read_checkpoint_metadata,
)
from .gradient_descent import GradientDescentOptimizer
from .learning_rate_decay import exponential_decay
from .momentum import MomentumOptimizer
from .optimizer import Optimizer
from .rmsprop import RMSPropOptimizer
from .saver import Saver
from .training_util import (
    create_global_step,
    get_global_step,
    get_or_create_global_step,
    global_step,
)

__all__ = [
    "AdagradOptimizer",
    "AdamOptimizer",
    "CheckpointReader",
    "CheckpointState",
    "GradientDescentOptimizer",
    "MomentumOptimizer",
    "NewCheckpointReader",
    "Optimizer",
    "RMSPropOptimizer",
    "Saver",
    "checkpoint_exists",
    "create_global_step",
    "exponential_decay",
    "export_meta_graph",
    "get_checkpoint_state",
    "get_global_step",
    "get_or_create_global_step",
    "global_step",
    "import_meta_graph",
    "latest_checkpoint",
    "list_variables",
    "load_checkpoint",
    "load_variable",
    "read_checkpoint_metadata",
    "summary_iterator",
    "remove_checkpoint",
    "update_checkpoint_state",
    "write_graph",
]
