"""``tf.contrib.training``'s train-op helpers: ``create_train_op`` (update ops first, then the
gradients, an optional transform, summaries and the optimizer step; the op returns the loss),
the gradient transforms TF-Slim uses (``clip_gradient_norms``, ``multiply_gradients``),
``add_gradients_summaries`` and ``train`` (a MonitoredTrainingSession loop).
"""

from .. import logging, summary
from ..graph import GraphKeys, control_dependencies, get_collection, get_default_graph, name_scope
from ..ops import clip_ops, constant_op, control_flow_ops, debug_ops
from ..ops.indexed_slices import IndexedSlices
from ..train import monitored_session, training_util
from ..train.optimizer import Optimizer
from ..variables import trainable_variables

__all__ = [
    "add_gradients_summaries",
    "clip_gradient_norms",
    "clip_gradient_norms_fn",
    "create_train_op",
    "multiply_gradients",
    "train",
]

# ``global_step`` left at this marker means "the graph's global step, created if missing";
# None means "no global step": the optimizer step then increments nothing.
_USE_GLOBAL_STEP = 0


def _values(grad):
    return grad.values if isinstance(grad, IndexedSlices) else grad


def add_gradients_summaries(grads_and_vars):
    """A histogram of each gradient (``<var>_gradient``) and a scalar of its norm
    (``<var>_gradient_norm``); returns the summary ops. Variables without a gradient are
    logged."""
    summaries = []
    for grad, var in grads_and_vars:
        if grad is None:
            logging.info("Var %s has no gradient", var.op.name)
            continue
        values = _values(grad)
        summaries.append(summary.histogram(var.op.name + "_gradient", values))
        summaries.append(summary.scalar(var.op.name + "_gradient_norm",
                                        clip_ops.global_norm([values])))
    return summaries


def clip_gradient_norms(gradients_to_variables, max_norm):
    """Each gradient clipped to norm ``max_norm`` on its own (``clip_by_norm``; a sparse
    gradient's values)."""
    clipped = []
    for grad, var in gradients_to_variables:
        if isinstance(grad, IndexedSlices):
            grad = IndexedSlices(clip_ops.clip_by_norm(grad.values, max_norm), grad.indices,
                                 grad.dense_shape)
        elif grad is not None:
            grad = clip_ops.clip_by_norm(grad, max_norm)
        clipped.append((grad, var))
    return clipped


def clip_gradient_norms_fn(max_norm):
    """``clip_gradient_norms`` with ``max_norm`` bound: a ``transform_grads_fn``."""
    def clip_norms(gradients_to_variables):
        return clip_gradient_norms(gradients_to_variables, max_norm)

    return clip_norms


def multiply_gradients(grads_and_vars, gradient_multipliers):
    """Gradients scaled by ``gradient_multipliers``, a dict keyed by variable or by variable
    op name; other gradients pass unchanged."""
    if not isinstance(grads_and_vars, list):
        raise ValueError("`grads_and_vars` must be a list.")
    if not gradient_multipliers:
        raise ValueError("`gradient_multipliers` is empty.")
    if not isinstance(gradient_multipliers, dict):
        raise ValueError("`gradient_multipliers` must be a dict.")
    by_name = {key: value for key, value in gradient_multipliers.items()
               if isinstance(key, str)}
    by_var = {id(key): value for key, value in gradient_multipliers.items()
              if not isinstance(key, str)}
    multiplied = []
    for grad, var in grads_and_vars:
        factor = by_var.get(id(var), by_name.get(var.op.name))
        if factor is not None:
            if grad is None:
                raise ValueError("Requested multiple of `None` gradient.")
            scale = constant_op.constant(factor, dtype=grad.dtype)
            if isinstance(grad, IndexedSlices):
                grad = IndexedSlices(grad.values * scale, grad.indices, grad.dense_shape)
            else:
                grad = grad * scale
        multiplied.append((grad, var))
    return multiplied


def create_train_op(total_loss, optimizer, global_step=_USE_GLOBAL_STEP, update_ops=None,
                    variables_to_train=None, transform_grads_fn=None,
                    summarize_gradients=False, gate_gradients=Optimizer.GATE_OP,
                    aggregation_method=None, colocate_gradients_with_ops=False,
                    check_numerics=True):
    """A tensor that, when run, runs the update ops, computes and applies the gradients of
    ``total_loss`` and returns the loss (checked for inf/NaN with ``check_numerics``).

    ``update_ops`` defaults to the UPDATE_OPS collection (a warning names the case where the
    list given leaves some of them out); ``variables_to_train`` to the trainable variables.
    The train op joins the TRAIN_OP collection.
    """
    if global_step is _USE_GLOBAL_STEP:
        global_step = training_util.get_or_create_global_step()
    collected = list(get_collection(GraphKeys.UPDATE_OPS))
    if update_ops is None:
        update_ops = collected
    else:
        update_ops = list(update_ops)
        if any(all(op is not chosen for chosen in update_ops) for op in collected):
            logging.warning("update_ops in create_train_op does not contain all the "
                            "update_ops in GraphKeys.UPDATE_OPS")
    if update_ops:
        with control_dependencies(update_ops):
            barrier = control_flow_ops.no_op(name="update_barrier")
        total_loss = control_flow_ops.with_dependencies([barrier], total_loss)
    trainable = trainable_variables()
    if variables_to_train is None:
        variables_to_train = trainable
    else:
        for var in variables_to_train:
            if not (getattr(var, "trainable", False) or any(var is t for t in trainable)):
                raise ValueError(f"variables_to_train holds {var.op.name}, which is not a "
                                 f"trainable variable")
    if not variables_to_train:
        raise ValueError("create_train_op needs variables to train: the graph has no "
                         "trainable variables and variables_to_train is empty")
    grads = optimizer.compute_gradients(
        total_loss, variables_to_train, gate_gradients=gate_gradients,
        aggregation_method=aggregation_method,
        colocate_gradients_with_ops=colocate_gradients_with_ops)
    if transform_grads_fn:
        grads = transform_grads_fn(grads)
    if summarize_gradients:
        with name_scope("summarize_grads"):
            add_gradients_summaries(grads)
    grad_updates = optimizer.apply_gradients(grads, global_step=global_step)
    with name_scope("train_op"):
        if check_numerics:
            total_loss = debug_ops.check_numerics(total_loss, "LossTensor is inf or nan")
        train_op = control_flow_ops.with_dependencies([grad_updates], total_loss)
    train_ops = get_default_graph().get_collection_ref(GraphKeys.TRAIN_OP)
    if all(op is not train_op for op in train_ops):
        train_ops.append(train_op)
    return train_op


def train(train_op, logdir, master="", is_chief=True, scaffold=None, hooks=None,
          chief_only_hooks=None, save_checkpoint_secs=600, save_summaries_steps=100,
          config=None, max_wait_secs=7200, run_metadata=None):
    """Run ``train_op`` in a MonitoredTrainingSession until a hook asks to stop; return the
    last loss. ``logdir`` holds the checkpoints and summaries (None: neither)."""
    if logdir is None and is_chief:
        if save_summaries_steps:
            raise ValueError("logdir cannot be None when save_summaries_steps is not None")
        if save_checkpoint_secs:
            raise ValueError("logdir cannot be None when save_checkpoint_secs is not None")
    with monitored_session.MonitoredTrainingSession(
            master=master, is_chief=is_chief, checkpoint_dir=logdir, scaffold=scaffold,
            hooks=hooks, chief_only_hooks=chief_only_hooks,
            save_checkpoint_secs=save_checkpoint_secs,
            save_summaries_steps=save_summaries_steps, config=config,
            max_wait_secs=max_wait_secs) as session:
        loss = None
        while not session.should_stop():
            loss = session.run(train_op, run_metadata=run_metadata)
    return loss

