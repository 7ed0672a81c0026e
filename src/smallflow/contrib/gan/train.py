"""TFGAN's four steps: build a model tuple, add its losses, make the train ops, run them.

Each network is built once per input inside its own variable scope (the discriminator a
second time with ``reuse=True`` on the real data), so the variables of each network are the
trainable variables under its scope. The generator and discriminator are trained by two
train ops made with ``tf.contrib.training.create_train_op`` on disjoint variable lists; each
takes only the UPDATE_OPS of its own network's scope. Neither advances the global step: a
third op does, once per GAN step, which the hooks below run around the two train ops.
"""

from ... import dtypes, losses, summary
from ...graph import (
    GraphKeys,
    Tensor,
    control_dependencies,
    convert_to_tensor,
    get_collection,
    name_scope,
)
from ...init_ops import zeros_initializer
from ...ops import array_ops, debug_ops, math_ops, random_ops
from ...train import training_util
from ...train.session_run_hook import SessionRunHook
from ...train.sync_replicas_optimizer import SyncReplicasOptimizer
from ...variable_scope import get_variable, variable_scope
from .. import framework as contrib_framework
from .. import training_loop
from . import losses as tfgan_losses
from . import losses_impl
from .namedtuples import (
    ACGANModel,
    CycleGANLoss,
    CycleGANModel,
    GANLoss,
    GANModel,
    GANTrainOps,
    GANTrainSteps,
    InfoGANModel,
    StarGANModel,
)

__all__ = ["RunTrainOpsHook", "acgan_model", "cyclegan_loss", "cyclegan_model", "gan_loss",
           "gan_model", "gan_train", "gan_train_ops", "get_joint_train_hooks",
           "get_sequential_train_hooks", "get_sequential_train_steps", "infogan_model",
           "stargan_loss", "stargan_model"]


def _to_tensors(value):
    if isinstance(value, list | tuple):
        return [convert_to_tensor(x) for x in value]
    if isinstance(value, dict):
        return {key: convert_to_tensor(x) for key, x in value.items()}
    return convert_to_tensor(value)


def _check_generated_shape(generated_data, real_data):
    if not generated_data.shape.is_compatible_with(real_data.shape):
        raise ValueError(f"Generator output shape ({generated_data.shape}) must be the same "
                         f"shape as real data ({real_data.shape}).")


def _both_networks(generator_fn, discriminator_fn, real_data, generator_inputs,
                   generator_scope, discriminator_scope):
    """Generator on its inputs, discriminator on generated then (reusing) real data."""
    with variable_scope(generator_scope) as gen_scope:
        generator_inputs = _to_tensors(generator_inputs)
        generated_data = generator_fn(generator_inputs)
    with variable_scope(discriminator_scope) as dis_scope:
        on_generated = discriminator_fn(generated_data, generator_inputs)
    with variable_scope(dis_scope, reuse=True):
        real_data = convert_to_tensor(real_data)
        on_real = discriminator_fn(real_data, generator_inputs)
    return generator_inputs, generated_data, gen_scope, real_data, on_real, on_generated, \
        dis_scope


def gan_model(generator_fn, discriminator_fn, real_data, generator_inputs,
              generator_scope="Generator", discriminator_scope="Discriminator",
              check_shapes=True):
    """Build the generator and the discriminator and return a GANModel.

    ``generator_fn(generator_inputs)`` gives the generated data;
    ``discriminator_fn(data, generator_inputs)`` gives logits. With ``check_shapes`` the
    generated data must have the real data's shape."""
    (inputs, generated, gen_scope, real, on_real, on_generated,
     dis_scope) = _both_networks(generator_fn, discriminator_fn, real_data, generator_inputs,
                                 generator_scope, discriminator_scope)
    if check_shapes:
        _check_generated_shape(generated, real)
    return GANModel(inputs, generated, contrib_framework.get_trainable_variables(gen_scope),
                    gen_scope, generator_fn, real, on_real, on_generated,
                    contrib_framework.get_trainable_variables(dis_scope), dis_scope,
                    discriminator_fn)


def _validate_distributions(distributions, noise):
    if not isinstance(distributions, list | tuple):
        raise ValueError(f"`predicted_distributions` must be a list. Instead, found "
                         f"{type(distributions)}.")
    if len(distributions) != len(noise):
        raise ValueError(f"Length of `predicted_distributions` {len(distributions)} must be "
                         f"the same as the length of structured noise {len(noise)}.")


def infogan_model(generator_fn, discriminator_fn, real_data, unstructured_generator_inputs,
                  structured_generator_inputs, generator_scope="Generator",
                  discriminator_scope="Discriminator"):
    """An InfoGANModel: the generator takes the unstructured then the structured inputs (one
    list), the discriminator returns ``(logits, [distribution per structured input])``."""
    with variable_scope(generator_scope) as gen_scope:
        unstructured = _to_tensors(unstructured_generator_inputs)
        structured = _to_tensors(structured_generator_inputs)
        generator_inputs = list(unstructured) + list(structured)
        generated = generator_fn(generator_inputs)
    with variable_scope(discriminator_scope) as dis_scope:
        on_generated, predicted = discriminator_fn(generated, generator_inputs)
    _validate_distributions(predicted, structured)
    with variable_scope(dis_scope, reuse=True):
        real = convert_to_tensor(real_data)
        on_real, _ = discriminator_fn(real, generator_inputs)
    _check_generated_shape(generated, real)
    return InfoGANModel(
        generator_inputs, generated, contrib_framework.get_trainable_variables(gen_scope),
        gen_scope, generator_fn, real, on_real, on_generated,
        contrib_framework.get_trainable_variables(dis_scope), dis_scope,
        lambda data, inputs: discriminator_fn(data, inputs)[0], list(structured), predicted,
        discriminator_fn)


def _acgan_outputs(outputs):
    try:
        logits, classification = outputs
    except (TypeError, ValueError):
        raise TypeError("A discriminator function for ACGAN must output a tuple consisting "
                        "of (discrimination logits, classification logits).") from None
    return logits, classification


def acgan_model(generator_fn, discriminator_fn, real_data, generator_inputs, one_hot_labels,
                generator_scope="Generator", discriminator_scope="Discriminator",
                check_shapes=True):
    """An ACGANModel: the discriminator returns ``(logits, classification logits)``."""
    (inputs, generated, gen_scope, real, on_real, on_generated,
     dis_scope) = _both_networks(generator_fn, discriminator_fn, real_data, generator_inputs,
                                 generator_scope, discriminator_scope)
    gen_logits, gen_classes = _acgan_outputs(on_generated)
    real_logits, real_classes = _acgan_outputs(on_real)
    if check_shapes:
        _check_generated_shape(generated, real)
    return ACGANModel(inputs, generated, contrib_framework.get_trainable_variables(gen_scope),
                      gen_scope, generator_fn, real, real_logits, gen_logits,
                      contrib_framework.get_trainable_variables(dis_scope), dis_scope,
                      discriminator_fn, one_hot_labels, real_classes, gen_classes)


def cyclegan_model(generator_fn, discriminator_fn, data_x, data_y, generator_scope="Generator",
                   discriminator_scope="Discriminator", model_x2y_scope="ModelX2Y",
                   model_y2x_scope="ModelY2X", check_shapes=True):
    """A CycleGANModel: a GANModel from X to Y under ``model_x2y_scope``, one from Y to X
    under ``model_y2x_scope``, and each data set mapped there and back."""
    def partial_model(inputs, outputs):
        return gan_model(generator_fn, discriminator_fn, real_data=outputs,
                         generator_inputs=inputs, generator_scope=generator_scope,
                         discriminator_scope=discriminator_scope, check_shapes=check_shapes)

    with variable_scope(model_x2y_scope):
        model_x2y = partial_model(data_x, data_y)
    with variable_scope(model_y2x_scope):
        model_y2x = partial_model(data_y, data_x)
    with variable_scope(model_y2x.generator_scope, reuse=True):
        reconstructed_x = model_y2x.generator_fn(model_x2y.generated_data)
    with variable_scope(model_x2y.generator_scope, reuse=True):
        reconstructed_y = model_x2y.generator_fn(model_y2x.generated_data)
    return CycleGANModel(model_x2y, model_y2x, reconstructed_x, reconstructed_y)


def stargan_model(generator_fn, discriminator_fn, input_data, input_data_domain_label,
                  generator_scope="Generator", discriminator_scope="Discriminator"):
    """A StarGANModel: ``generator_fn(images, target_domains)`` translates each image to a
    random target domain and back; ``discriminator_fn(images, num_domains)`` returns
    ``(source logits, domain logits)``."""
    input_data = _to_tensors(input_data)
    labels = _to_tensors(input_data_domain_label)
    if isinstance(input_data, list):
        input_data = array_ops.concat(input_data, 0)
    if isinstance(labels, list):
        labels = array_ops.concat(labels, 0)
    if labels.shape.ndims != 2 or not labels.shape.is_fully_defined():
        raise ValueError(f"input_data_domain_label must have a fully defined rank-2 shape "
                         f"[batch_size, num_domains]; got {labels.shape}")
    batch_size, num_domains = labels.shape.as_list()
    with variable_scope(generator_scope) as gen_scope:
        target_index = random_ops.random_uniform([batch_size], minval=0, maxval=num_domains,
                                                 dtype=dtypes.int32)
        target = array_ops.one_hot(target_index, num_domains)
        generated = generator_fn(input_data, target)
    with variable_scope(gen_scope, reuse=True):
        reconstructed = generator_fn(generated, labels)
    with variable_scope(discriminator_scope) as dis_scope:
        gen_source, gen_domain = discriminator_fn(generated, num_domains)
    with variable_scope(dis_scope, reuse=True):
        input_source, input_domain = discriminator_fn(input_data, num_domains)
    return StarGANModel(
        input_data=input_data, input_data_domain_label=labels, generated_data=generated,
        generated_data_domain_target=target, reconstructed_data=reconstructed,
        discriminator_input_data_source_predication=input_source,
        discriminator_generated_data_source_predication=gen_source,
        discriminator_input_data_domain_predication=input_domain,
        discriminator_generated_data_domain_predication=gen_domain,
        generator_variables=contrib_framework.get_trainable_variables(gen_scope),
        generator_scope=gen_scope, generator_fn=generator_fn,
        discriminator_variables=contrib_framework.get_trainable_variables(dis_scope),
        discriminator_scope=dis_scope, discriminator_fn=discriminator_fn)


def _validate_weight(weight, name):
    """A non-negative Python number, or a scalar tensor checked non-negative when run."""
    if isinstance(weight, Tensor):
        if not weight.shape.is_compatible_with([]):
            raise ValueError(f"`{name}` must be a scalar; got shape {weight.shape}")
        with control_dependencies([debug_ops.assert_greater_equal(weight, 0.0)]):
            return array_ops.identity(weight)
    if weight is not None and weight < 0:
        raise ValueError(f"`{name}` must be greater than 0. Instead, was {weight}")
    return weight


def _used(weight):
    if weight is None:
        return False
    return True if isinstance(weight, Tensor) else weight > 0


def _pooled_model(model, tensor_pool_fn):
    """``model`` with its discriminator re-applied to generated data drawn from the pool."""
    if isinstance(model, InfoGANModel):
        inputs, generated, structured = tensor_pool_fn(
            (model.generator_inputs, model.generated_data, model.structured_generator_inputs))
        with variable_scope(model.discriminator_scope, reuse=True):
            outputs, distributions = model.discriminator_and_aux_fn(generated, inputs)
        return model._replace(generator_inputs=inputs, generated_data=generated,
                              structured_generator_inputs=structured,
                              discriminator_gen_outputs=outputs,
                              predicted_distributions=distributions)
    if isinstance(model, ACGANModel):
        inputs, generated = tensor_pool_fn((model.generator_inputs, model.generated_data))
        with variable_scope(model.discriminator_scope, reuse=True):
            outputs, classes = model.discriminator_fn(generated, inputs)
        return model._replace(generator_inputs=inputs, generated_data=generated,
                              discriminator_gen_outputs=outputs,
                              discriminator_gen_classification_logits=classes)
    if isinstance(model, GANModel):
        inputs, generated = tensor_pool_fn((model.generator_inputs, model.generated_data))
        with variable_scope(model.discriminator_scope, reuse=True):
            outputs = model.discriminator_fn(generated, inputs)
        return model._replace(generator_inputs=inputs, generated_data=generated,
                              discriminator_gen_outputs=outputs)
    raise ValueError(f"Tensor pool does not support `model`: {type(model)}.")


def gan_loss(model, generator_loss_fn=tfgan_losses.wasserstein_generator_loss,
             discriminator_loss_fn=tfgan_losses.wasserstein_discriminator_loss,
             gradient_penalty_weight=None, gradient_penalty_epsilon=1e-10,
             gradient_penalty_target=1.0, gradient_penalty_one_sided=False,
             mutual_information_penalty_weight=None, aux_cond_generator_weight=None,
             aux_cond_discriminator_weight=None, tensor_pool_fn=None, add_summaries=True):
    """A GANLoss: the two adversarial losses (Wasserstein by default) plus the optional
    gradient penalty (discriminator), mutual information penalty (both, InfoGAN), auxiliary
    classification losses (ACGAN) and each network's regularization losses.

    With ``tensor_pool_fn`` the discriminator's losses see generated data from the pool."""
    gradient_penalty_weight = _validate_weight(gradient_penalty_weight,
                                               "gradient_penalty_weight")
    mutual_information_penalty_weight = _validate_weight(mutual_information_penalty_weight,
                                                         "infogan_weight")
    aux_cond_generator_weight = _validate_weight(aux_cond_generator_weight,
                                                 "aux_cond_generator_weight")
    aux_cond_discriminator_weight = _validate_weight(aux_cond_discriminator_weight,
                                                     "aux_cond_discriminator_weight")
    if _used(mutual_information_penalty_weight) and not isinstance(model, InfoGANModel):
        raise ValueError(f"When `mutual_information_penalty_weight` is provided, `model` must "
                         f"be an `InfoGANModel`. Instead, was {type(model)}.")
    if ((_used(aux_cond_generator_weight) or _used(aux_cond_discriminator_weight))
            and not isinstance(model, ACGANModel)):
        raise ValueError(f"When `aux_cond_generator_weight` or "
                         f"`aux_cond_discriminator_weight` is provided, `model` must be an "
                         f"`ACGANModel`. Instead, was {type(model)}.")
    pooled = _pooled_model(model, tensor_pool_fn) if tensor_pool_fn else model
    gen_loss = generator_loss_fn(model, add_summaries=add_summaries)
    dis_loss = discriminator_loss_fn(pooled, add_summaries=add_summaries)
    if _used(gradient_penalty_weight):
        penalty = tfgan_losses.wasserstein_gradient_penalty(
            pooled, epsilon=gradient_penalty_epsilon, target=gradient_penalty_target,
            one_sided=gradient_penalty_one_sided, add_summaries=add_summaries)
        dis_loss += gradient_penalty_weight * penalty
    if _used(mutual_information_penalty_weight):
        gen_info = tfgan_losses.mutual_information_penalty(model, add_summaries=add_summaries)
        dis_info = gen_info if tensor_pool_fn is None else \
            tfgan_losses.mutual_information_penalty(pooled, add_summaries=add_summaries)
        gen_loss += mutual_information_penalty_weight * gen_info
        dis_loss += mutual_information_penalty_weight * dis_info
    if _used(aux_cond_generator_weight):
        gen_loss += aux_cond_generator_weight * tfgan_losses.acgan_generator_loss(
            model, add_summaries=add_summaries)
    if _used(aux_cond_discriminator_weight):
        dis_loss += aux_cond_discriminator_weight * tfgan_losses.acgan_discriminator_loss(
            pooled, add_summaries=add_summaries)
    gen_reg = (losses.get_regularization_loss(model.generator_scope.name)
               if model.generator_scope else 0)
    dis_reg = (losses.get_regularization_loss(model.discriminator_scope.name)
               if model.discriminator_scope else 0)
    return GANLoss(gen_loss + gen_reg, dis_loss + dis_reg)


def cyclegan_loss(model, generator_loss_fn=tfgan_losses.least_squares_generator_loss,
                  discriminator_loss_fn=tfgan_losses.least_squares_discriminator_loss,
                  cycle_consistency_loss_fn=tfgan_losses.cycle_consistency_loss,
                  cycle_consistency_loss_weight=10.0, **kwargs):
    """A CycleGANLoss: ``gan_loss`` of each direction (least squares by default), each
    generator loss plus the weighted cycle-consistency loss."""
    if not isinstance(model, CycleGANModel):
        raise ValueError(f"`model` must be a `CycleGANModel`. Instead, was {type(model)}.")
    cycle = cycle_consistency_loss_fn(model, add_summaries=kwargs.get("add_summaries", True))
    weight = _validate_weight(cycle_consistency_loss_weight, "cycle_consistency_loss_weight")
    aux_loss = weight * cycle

    def partial_loss(partial_model):
        loss = gan_loss(partial_model, generator_loss_fn=generator_loss_fn,
                        discriminator_loss_fn=discriminator_loss_fn, **kwargs)
        return loss._replace(generator_loss=loss.generator_loss + aux_loss)

    with name_scope("cyclegan_loss_x2y"):
        loss_x2y = partial_loss(model.model_x2y)
    with name_scope("cyclegan_loss_y2x"):
        loss_y2y = partial_loss(model.model_y2x)
    return CycleGANLoss(loss_x2y, loss_y2y)


_STARGAN_GENERATOR_LOSS = tfgan_losses.stargan_generator_loss_wrapper(
    losses_impl.wasserstein_generator_loss)
_STARGAN_DISCRIMINATOR_LOSS = tfgan_losses.stargan_discriminator_loss_wrapper(
    losses_impl.wasserstein_discriminator_loss)


def stargan_loss(model, generator_loss_fn=_STARGAN_GENERATOR_LOSS,
                 discriminator_loss_fn=_STARGAN_DISCRIMINATOR_LOSS,
                 gradient_penalty_weight=10.0, gradient_penalty_epsilon=1e-10,
                 gradient_penalty_target=1.0, gradient_penalty_one_sided=False,
                 reconstruction_loss_fn=losses.absolute_difference,
                 reconstruction_loss_weight=10.0,
                 classification_loss_fn=losses.softmax_cross_entropy,
                 classification_loss_weight=1.0, classification_one_hot=True,
                 add_summaries=True):
    """StarGAN's GANLoss: adversarial (Wasserstein), gradient penalty, reconstruction (L1)
    and domain-classification terms, each with its weight."""
    labels = model.input_data_domain_label
    if labels.shape.ndims != 2 or labels.shape.as_list()[1] is None:
        raise ValueError(f"input_data_domain_label must have rank 2 with a known number of "
                         f"domains; got {labels.shape}")

    def classification(true_labels, logits, scope_name):
        with name_scope(scope_name):
            loss = classification_loss_fn(onehot_labels=true_labels, logits=logits)
            if not classification_one_hot:
                loss = math_ops.reduce_sum(loss, axis=1)
            loss = math_ops.reduce_mean(loss)
            if add_summaries:
                summary.scalar(scope_name, loss)
            return loss

    generator_loss = generator_loss_fn(model, add_summaries=add_summaries)
    discriminator_loss = discriminator_loss_fn(model, add_summaries=add_summaries)
    if _used(gradient_penalty_weight):
        penalty_fn = tfgan_losses.stargan_gradient_penalty_wrapper(
            losses_impl.wasserstein_gradient_penalty)
        discriminator_loss += penalty_fn(
            model, epsilon=gradient_penalty_epsilon, target=gradient_penalty_target,
            one_sided=gradient_penalty_one_sided,
            add_summaries=add_summaries) * gradient_penalty_weight
    reconstruction = reconstruction_loss_fn(model.input_data, model.reconstructed_data)
    generator_loss += reconstruction * reconstruction_loss_weight
    if add_summaries:
        summary.scalar("reconstruction_loss", reconstruction)
    generator_loss += classification(
        model.generated_data_domain_target,
        model.discriminator_generated_data_domain_predication,
        "generator_classification_loss") * classification_loss_weight
    discriminator_loss += classification(
        labels, model.discriminator_input_data_domain_predication,
        "discriminator_classification_loss") * classification_loss_weight
    return GANLoss(generator_loss, discriminator_loss)


def _update_ops(kwargs, gen_scope, dis_scope, check_for_unused_ops=True):
    """Each network's UPDATE_OPS (by scope); an update op in neither scope is an error when
    ``check_for_unused_ops``."""
    if "update_ops" in kwargs:
        update_ops = list(kwargs.pop("update_ops"))
    else:
        update_ops = list(get_collection(GraphKeys.UPDATE_OPS))
    gen_ops = get_collection(GraphKeys.UPDATE_OPS, gen_scope)
    dis_ops = get_collection(GraphKeys.UPDATE_OPS, dis_scope)

    def member(op, ops):
        return any(op is other for other in ops)

    if check_for_unused_ops:
        unused = [op for op in update_ops if not member(op, gen_ops) and not member(op, dis_ops)]
        if unused:
            raise ValueError(f"There are unused update ops: {[op.name for op in unused]}")
    return ([op for op in gen_ops if member(op, update_ops)],
            [op for op in dis_ops if member(op, update_ops)])


def _sync_global_step(name, global_step, optimizer, update_ops, hooks, is_chief):
    if not isinstance(optimizer, SyncReplicasOptimizer):
        return None
    # SyncReplicasOptimizer counts its own steps: give it a copy of the shared global step.
    step = get_variable(name, shape=[], dtype=global_step.dtype.base_dtype,
                        initializer=zeros_initializer(), trainable=False,
                        collections=[GraphKeys.GLOBAL_VARIABLES])
    update_ops.append(step.assign(global_step))
    hooks.append(optimizer.make_session_run_hook(is_chief))
    return step


def gan_train_ops(model, loss, generator_optimizer, discriminator_optimizer,
                  check_for_unused_update_ops=True, is_chief=True, **kwargs):
    """GANTrainOps: one train op per network (``create_train_op`` on that network's
    variables and update ops, ``kwargs`` passed on) and the global step's increment.

    A CycleGANModel gets a pair of train ops per network kind, one per direction."""
    if isinstance(model, CycleGANModel):
        options = dict(generator_optimizer=generator_optimizer,
                       discriminator_optimizer=discriminator_optimizer,
                       check_for_unused_update_ops=check_for_unused_update_ops,
                       is_chief=is_chief, **kwargs)
        with name_scope("cyclegan_x2y_train"):
            x2y = gan_train_ops(model.model_x2y, loss.loss_x2y, **options)
        with name_scope("cyclegan_y2x_train"):
            y2x = gan_train_ops(model.model_y2x, loss.loss_y2x, **options)
        return GANTrainOps((x2y.generator_train_op, y2x.generator_train_op),
                           (x2y.discriminator_train_op, y2x.discriminator_train_op),
                           training_util.get_or_create_global_step().assign_add(1))
    global_step = training_util.get_or_create_global_step()
    global_step_inc = global_step.assign_add(1)
    kwargs = dict(kwargs)
    gen_update_ops, dis_update_ops = _update_ops(kwargs, model.generator_scope.name,
                                                 model.discriminator_scope.name,
                                                 check_for_unused_update_ops)
    hooks = []
    gen_step = _sync_global_step("dummy_global_step_generator", global_step,
                                 generator_optimizer, gen_update_ops, hooks, is_chief)
    with name_scope("generator_train"):
        gen_train_op = training_loop.create_train_op(
            total_loss=loss.generator_loss, optimizer=generator_optimizer,
            variables_to_train=model.generator_variables, global_step=gen_step,
            update_ops=gen_update_ops, **kwargs)
    dis_step = _sync_global_step("dummy_global_step_discriminator", global_step,
                                 discriminator_optimizer, dis_update_ops, hooks, is_chief)
    with name_scope("discriminator_train"):
        dis_train_op = training_loop.create_train_op(
            total_loss=loss.discriminator_loss, optimizer=discriminator_optimizer,
            variables_to_train=model.discriminator_variables, global_step=dis_step,
            update_ops=dis_update_ops, **kwargs)
    return GANTrainOps(gen_train_op, dis_train_op, global_step_inc, hooks)


_ONE_EACH = GANTrainSteps(1, 1)


class RunTrainOpsHook(SessionRunHook):
    """Before each run of the session, run ``train_ops`` ``train_steps`` times."""

    def __init__(self, train_ops, train_steps):
        if not isinstance(train_ops, list | tuple):
            train_ops = [train_ops]
        self._train_ops = train_ops
        self._train_steps = train_steps

    def before_run(self, run_context):
        for _ in range(self._train_steps):
            run_context.session.run(self._train_ops)


def get_sequential_train_hooks(train_steps=_ONE_EACH):
    """A function of GANTrainOps giving hooks that run the generator's steps, then the
    discriminator's, before each global-step increment."""

    def get_hooks(train_ops):
        return [RunTrainOpsHook(train_ops.generator_train_op, train_steps.generator_train_steps),
                RunTrainOpsHook(train_ops.discriminator_train_op,
                                train_steps.discriminator_train_steps),
                *train_ops.train_hooks]

    return get_hooks


def get_joint_train_hooks(train_steps=_ONE_EACH):
    """Like ``get_sequential_train_hooks`` but running the two train ops in one session call
    for as many steps as both take, then the remaining steps of whichever takes more."""
    g_steps = train_steps.generator_train_steps
    d_steps = train_steps.discriminator_train_steps
    joint = min(g_steps, d_steps)

    def get_hooks(train_ops):
        g_op = train_ops.generator_train_op
        d_op = train_ops.discriminator_train_op
        return [RunTrainOpsHook([g_op, d_op], joint), RunTrainOpsHook(g_op, g_steps - joint),
                RunTrainOpsHook(d_op, d_steps - joint), *train_ops.train_hooks]

    return get_hooks


def gan_train(train_ops, logdir, get_hooks_fn=None, master="",
              is_chief=True, scaffold=None, hooks=None, chief_only_hooks=None,
              save_checkpoint_secs=600, save_summaries_steps=100, config=None):
    """``tf.contrib.training.train`` of the global-step increment with the GAN hooks (the
    hooks run the two train ops before each increment); returns the last global step."""
    if get_hooks_fn is None:
        get_hooks_fn = get_sequential_train_hooks()
    new_hooks = get_hooks_fn(train_ops)
    hooks = list(hooks) + list(new_hooks) if hooks is not None else new_hooks
    return training_loop.train(train_ops.global_step_inc_op, logdir, master=master,
                               is_chief=is_chief, scaffold=scaffold, hooks=hooks,
                               chief_only_hooks=chief_only_hooks,
                               save_checkpoint_secs=save_checkpoint_secs,
                               save_summaries_steps=save_summaries_steps, config=config)


def get_sequential_train_steps(train_steps=_ONE_EACH):
    """A ``train_step_fn`` for ``slim.learning.train``: the generator's steps, the
    discriminator's, then one global-step increment; returns the summed losses and whether
    ``should_stop`` (run after the increment) says to stop."""
    from ..slim import learning as slim_learning

    def sequential_train_steps(sess, train_ops, global_step, train_step_kwargs):
        should_stop_op = train_step_kwargs.get("should_stop")
        kwargs = {k: v for k, v in train_step_kwargs.items() if k != "should_stop"}
        gen_loss = 0
        for _ in range(train_steps.generator_train_steps):
            loss, _ = slim_learning.train_step(sess, train_ops.generator_train_op,
                                               global_step, kwargs)
            gen_loss += loss
        dis_loss = 0
        for _ in range(train_steps.discriminator_train_steps):
            loss, _ = slim_learning.train_step(sess, train_ops.discriminator_train_op,
                                               global_step, kwargs)
            dis_loss += loss
        sess.run(train_ops.global_step_inc_op)
        should_stop = sess.run(should_stop_op) if should_stop_op is not None else False
        return gen_loss + dis_loss, should_stop

    return sequential_train_steps
