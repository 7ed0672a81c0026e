"""``tensorflow.python.training``: the module paths TF1 programs import from it.

Where smallflow's ``train`` package has a module of TensorFlow's name (``optimizer``,
``moving_averages``, ``session_run_hook``, ...), the TensorFlow path is that very module, so
a library's ``from tensorflow.python.training import optimizer`` gets ``optimizer.Optimizer``
and the module's helpers (``moving_averages.assign_moving_average``) as TF has them. The
other paths (``adam``, ``saver``, ``basic_session_run_hooks``, ...) are files here answering
with ``tf.train``'s public names.
"""

import sys as _sys

from ...train import (
    checkpoint_management,
    checkpoint_utils,
    coordinator,
    device_setter,
    input,  # noqa: A004 - TensorFlow's module name
    learning_rate_decay,
    monitored_session,
    moving_averages,
    optimizer,
    queue_runner_impl,
    server_lib,
    session_manager,
    session_run_hook,
    supervisor,
    sync_replicas_optimizer,
    training_util,
)

# TensorFlow's hooks module; smallflow keeps the hooks beside SessionRunHook itself.
_sys.modules[f"{__name__}.basic_session_run_hooks"] = session_run_hook
_sys.modules[f"{__name__}.checkpoint_management"] = checkpoint_management
_sys.modules[f"{__name__}.checkpoint_utils"] = checkpoint_utils
_sys.modules[f"{__name__}.coordinator"] = coordinator
_sys.modules[f"{__name__}.device_setter"] = device_setter
_sys.modules[f"{__name__}.input"] = input
_sys.modules[f"{__name__}.learning_rate_decay"] = learning_rate_decay
_sys.modules[f"{__name__}.monitored_session"] = monitored_session
_sys.modules[f"{__name__}.moving_averages"] = moving_averages
_sys.modules[f"{__name__}.optimizer"] = optimizer
_sys.modules[f"{__name__}.queue_runner_impl"] = queue_runner_impl
_sys.modules[f"{__name__}.server_lib"] = server_lib
_sys.modules[f"{__name__}.session_manager"] = session_manager
_sys.modules[f"{__name__}.session_run_hook"] = session_run_hook
_sys.modules[f"{__name__}.supervisor"] = supervisor
_sys.modules[f"{__name__}.sync_replicas_optimizer"] = sync_replicas_optimizer
_sys.modules[f"{__name__}.training_util"] = training_util
