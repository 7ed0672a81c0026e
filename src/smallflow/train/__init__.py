"""``tf.train``: optimizers, learning-rate schedules, the global step and checkpoints."""

from ..graph_io import write_graph
from ..meta_graph import export_meta_graph, import_meta_graph
from ..summary.records import summary_iterator
from .adagrad import AdagradOptimizer
from .adam import AdamOptimizer
from .checkpoint_init import init_from_checkpoint
from .checkpoint_management import (
    CheckpointState,
    checkpoint_exists,
    generate_checkpoint_state_proto,
    get_checkpoint_mtimes,
    get_checkpoint_state,
    latest_checkpoint,
    remove_checkpoint,
    update_checkpoint_state,
)
from .checkpoint_manager import CheckpointManager
from .checkpoint_utils import (
    CheckpointReader,
    NewCheckpointReader,
    list_variables,
    load_checkpoint,
    load_variable,
    read_checkpoint_metadata,
)
from .checkpoint_wait import checkpoints_iterator
from .composite_optimizers import (
    AdadeltaOptimizer,
    AdagradDAOptimizer,
    FtrlOptimizer,
    ProximalAdagradOptimizer,
    ProximalGradientDescentOptimizer,
)
from .gradient_descent import GradientDescentOptimizer
from .learning_rate_decay import (
    cosine_decay,
    cosine_decay_restarts,
    exponential_decay,
    inverse_time_decay,
    linear_cosine_decay,
    natural_exp_decay,
    noisy_linear_cosine_decay,
    piecewise_constant,
    piecewise_constant_decay,
    polynomial_decay,
)
from .momentum import MomentumOptimizer
from .moving_averages import ExponentialMovingAverage
from .optimizer import Optimizer
from .rmsprop import RMSPropOptimizer
from .saver import Saver
from .session_manager import SessionManager
from .training_util import (
    assert_global_step,
    create_global_step,
    get_global_step,
    get_or_create_global_step,
    global_step,
)
from .warm_starting import VocabInfo, warm_start

__all__ = [
    "AdadeltaOptimizer",
    "AdagradDAOptimizer",
    "AdagradOptimizer",
    "AdamOptimizer",
    "Checkpoint",  # noqa: F405 - loaded on first use (__getattr__)
    "CheckpointManager",
    "CheckpointReader",
    "CheckpointState",
    "FtrlOptimizer",
    "ExponentialMovingAverage",
    "GradientDescentOptimizer",
    "MomentumOptimizer",
    "NewCheckpointReader",
    "Optimizer",
    "ProximalAdagradOptimizer",
    "ProximalGradientDescentOptimizer",
    "RMSPropOptimizer",
    "Saver",
    "SessionManager",
    "checkpoints_iterator",
    "checkpoint_exists",
    "get_checkpoint_mtimes",
    "init_from_checkpoint",
    "VocabInfo",
    "assert_global_step",
    "warm_start",
    "cosine_decay",
    "cosine_decay_restarts",
    "create_global_step",
    "exponential_decay",
    "export_meta_graph",
    "get_checkpoint_state",
    "get_global_step",
    "get_or_create_global_step",
    "global_step",
    "import_meta_graph",
    "inverse_time_decay",
    "latest_checkpoint",
    "linear_cosine_decay",
    "list_variables",
    "load_checkpoint",
    "load_variable",
    "natural_exp_decay",
    "noisy_linear_cosine_decay",
    "piecewise_constant",
    "piecewise_constant_decay",
    "polynomial_decay",
    "read_checkpoint_metadata",
    "summary_iterator",
    "remove_checkpoint",
    "update_checkpoint_state",
    "write_graph",
]

# -- input pipelines, coordination and monitored sessions (queues, hooks) --------------------------
from . import (  # noqa: E402
    cluster_runtime,  # installs the cluster hooks of sessions
    experimental,  # tf.train.experimental (loss scaling)
    session_run_hook,
)
from . import queue_runner_impl as queue_runner  # noqa: E402 - tf.train.queue_runner.QueueRunner
from .coordinator import Coordinator, LooperThread  # noqa: E402
from .device_setter import replica_device_setter  # noqa: E402
from .input import (  # noqa: E402
    batch,
    batch_join,
    input_producer,
    limit_epochs,
    match_filenames_once,
    maybe_batch,
    maybe_batch_join,
    maybe_shuffle_batch,
    maybe_shuffle_batch_join,
    range_input_producer,
    shuffle_batch,
    shuffle_batch_join,
    slice_input_producer,
    string_input_producer,
)
from .monitored_session import (  # noqa: E402
    ChiefSessionCreator,
    MonitoredSession,
    MonitoredTrainingSession,
    Scaffold,
    SessionCreator,
    SingularMonitoredSession,
    WorkerSessionCreator,
)
from .queue_runner_impl import QueueRunner, add_queue_runner, start_queue_runners  # noqa: E402
from .server_lib import ClusterSpec, Server, ServerDef  # noqa: E402
from .session_run_hook import *  # noqa: E402, F403
from .supervisor import Supervisor, basic_train_loop  # noqa: E402
from .sync_replicas_optimizer import SyncReplicasOptimizer  # noqa: E402

__all__ += session_run_hook.__all__
__all__ += ["generate_checkpoint_state_proto"]
__all__ += [
    "match_filenames_once",
    "ChiefSessionCreator", "ClusterSpec", "Coordinator", "LooperThread", "MonitoredSession",
    "MonitoredTrainingSession", "QueueRunner", "Scaffold", "SessionCreator",
    "Server", "ServerDef", "SingularMonitoredSession", "Supervisor", "WorkerSessionCreator",
    "add_queue_runner", "basic_train_loop", "batch", "batch_join", "input_producer",
    "limit_epochs", "maybe_batch", "maybe_batch_join", "maybe_shuffle_batch",
    "maybe_shuffle_batch_join",
    "experimental", "queue_runner", "range_input_producer", "replica_device_setter",
    "shuffle_batch",
    "shuffle_batch_join", "slice_input_producer",
    "start_queue_runners", "string_input_producer",
]


def __getattr__(name):
    if name == "Checkpoint":  # eager mode's object-based checkpoints, loaded on use
        from ..eager.checkpoint import Checkpoint

        globals()["Checkpoint"] = Checkpoint
        return Checkpoint
    # tf.train.Example and its parts are protobuf classes built on first use (protobuf is
    # an optional dependency), so they are looked up here rather than imported above.
    from .. import example_proto

    if name in example_proto.PUBLIC:
        return getattr(example_proto.messages(), name)
    if name in ("ClusterDef", "JobDef"):  # TensorFlow's cluster messages, from TensorBoard's
        from .. import tb_protos

        return getattr(tb_protos.load().cluster_pb2, name)
    from ..removed_names import missing

    raise missing("train", name)
