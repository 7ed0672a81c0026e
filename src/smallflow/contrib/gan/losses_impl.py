"""TFGAN's losses on individual tensors (``tf.contrib.gan.losses.wargs``).

Every loss reduces with ``tf.losses``' machinery (``weights``, ``reduction``, the LOSSES
collection), as TFGAN's do, so a loss here and the same formula written with ``tf.losses``
agree to the last bit. The formulas, with D the discriminator's logits:

- Wasserstein: generator ``-D(G(z))``; discriminator ``D(G(z)) - D(x)``.
- minimax / modified: sigmoid cross entropies against labels 1 (real, optionally smoothed)
  and 0 (generated); the minimax generator loss is minus the discriminator loss with a
  logit of one standing in for the real outputs (TFGAN's definition, constant included).
- least squares: ``(D - label)**2 / 2``.
- ACGAN: softmax cross entropy of the classification logits against the one-hot labels.
- gradient penalty: ``(sqrt(|grad D(x_hat)|^2 + epsilon) / target - 1)**2`` at random
  interpolates ``x_hat`` between real and generated data (WGAN-GP).
- mutual information penalty: minus the mean log-likelihood of the structured noise under
  the predicted distributions (InfoGAN).
"""

import numpy as np

from ... import dtypes, summary
from ... import losses as tf_losses
from ...distributions.distribution import Distribution
from ...gradients import gradients
from ...graph import GraphKeys, Tensor, convert_to_tensor, name_scope
from ...ops import array_ops, clip_ops, math_ops, random_ops
from ...ops.common import constant_value
from ...variable_scope import AUTO_REUSE, variable_scope
from .. import framework as contrib_framework

__all__ = ["acgan_discriminator_loss", "acgan_generator_loss", "combine_adversarial_loss",
           "cycle_consistency_loss", "least_squares_discriminator_loss",
           "least_squares_generator_loss", "minimax_discriminator_loss",
           "minimax_generator_loss", "modified_discriminator_loss", "modified_generator_loss",
           "mutual_information_penalty", "wasserstein_discriminator_loss",
           "wasserstein_generator_loss", "wasserstein_gradient_penalty"]

_LOSSES = GraphKeys.LOSSES
_MEAN = tf_losses.Reduction.SUM_BY_NONZERO_WEIGHTS


def _float(x):
    return math_ops.cast(convert_to_tensor(x), dtypes.float32)


def _check_pair(real, generated):
    if not real.shape.is_compatible_with(generated.shape):
        raise ValueError(f"discriminator_real_outputs {real.shape} and "
                         f"discriminator_gen_outputs {generated.shape} must have compatible "
                         f"shapes")


def _scalars(add_summaries, **named):
    if add_summaries:
        for tag, value in named.items():
            summary.scalar(tag, value)


def wasserstein_generator_loss(discriminator_gen_outputs, weights=1.0, scope=None,
                               loss_collection=_LOSSES, reduction=_MEAN, add_summaries=False):
    """``-D(G(z))``, weighted and reduced."""
    with name_scope(scope, "generator_wasserstein_loss") as scope:
        outputs = _float(discriminator_gen_outputs)
        loss = tf_losses.compute_weighted_loss(-outputs, weights, scope, loss_collection,
                                               reduction)
        _scalars(add_summaries, generator_wass_loss=loss)
    return loss


def wasserstein_discriminator_loss(discriminator_real_outputs, discriminator_gen_outputs,
                                   real_weights=1.0, generated_weights=1.0, scope=None,
                                   loss_collection=_LOSSES, reduction=_MEAN,
                                   add_summaries=False):
    """``D(G(z)) - D(x)``, each side weighted and reduced on its own."""
    with name_scope(scope, "discriminator_wasserstein_loss") as scope:
        real = _float(discriminator_real_outputs)
        generated = _float(discriminator_gen_outputs)
        _check_pair(real, generated)
        on_generated = tf_losses.compute_weighted_loss(generated, generated_weights, scope,
                                                       None, reduction)
        on_real = tf_losses.compute_weighted_loss(real, real_weights, scope, None, reduction)
        loss = on_generated - on_real
        tf_losses.add_loss(loss, loss_collection)
        _scalars(add_summaries, discriminator_gen_wass_loss=on_generated,
                 discriminator_real_wass_loss=on_real, discriminator_wass_loss=loss)
    return loss


def acgan_discriminator_loss(discriminator_real_classification_logits,
                             discriminator_gen_classification_logits, one_hot_labels,
                             label_smoothing=0.0, real_weights=1.0, generated_weights=1.0,
                             scope=None, loss_collection=_LOSSES, reduction=_MEAN,
                             add_summaries=False):
    """The classification loss on generated plus (label-smoothed) real data."""
    with name_scope(scope, "acgan_discriminator_loss") as scope:
        on_generated = tf_losses.softmax_cross_entropy(
            one_hot_labels, discriminator_gen_classification_logits,
            weights=generated_weights, scope=scope, loss_collection=None, reduction=reduction)
        on_real = tf_losses.softmax_cross_entropy(
            one_hot_labels, discriminator_real_classification_logits, weights=real_weights,
            label_smoothing=label_smoothing, scope=scope, loss_collection=None,
            reduction=reduction)
        loss = on_generated + on_real
        tf_losses.add_loss(loss, loss_collection)
        _scalars(add_summaries, discriminator_gen_ac_loss=on_generated,
                 discriminator_real_ac_loss=on_real, discriminator_ac_loss=loss)
    return loss


def acgan_generator_loss(discriminator_gen_classification_logits, one_hot_labels, weights=1.0,
                         scope=None, loss_collection=_LOSSES, reduction=_MEAN,
                         add_summaries=False):
    """The classification loss of the discriminator on generated data."""
    with name_scope(scope, "acgan_generator_loss") as scope:
        loss = tf_losses.softmax_cross_entropy(
            one_hot_labels, discriminator_gen_classification_logits, weights=weights,
            scope=scope, loss_collection=loss_collection, reduction=reduction)
        _scalars(add_summaries, generator_ac_loss=loss)
    return loss


def wasserstein_gradient_penalty(real_data, generated_data, generator_inputs,
                                 discriminator_fn, discriminator_scope, epsilon=1e-10,
                                 target=1.0, one_sided=False, weights=1.0, scope=None,
                                 loss_collection=_LOSSES, reduction=_MEAN, add_summaries=False):
    """The WGAN-GP penalty on the discriminator's gradient norm at points drawn uniformly on
    the segments between real and generated examples (one draw per example)."""
    with name_scope(scope, "wasserstein_gradient_penalty") as scope:
        real_data = convert_to_tensor(real_data)
        generated_data = convert_to_tensor(generated_data)
        if real_data.shape.ndims is None:
            raise ValueError("`real_data` can't have unknown rank.")
        if generated_data.shape.ndims is None:
            raise ValueError("`generated_data` can't have unknown rank.")
        differences = generated_data - real_data
        static_batch = differences.shape.as_list()[0]
        batch = static_batch if static_batch is not None else array_ops.shape(differences)[0]
        ndims = differences.shape.ndims
        if isinstance(batch, int):
            alpha_shape = [batch] + [1] * (ndims - 1)
        else:
            alpha_shape = array_ops.stack([batch] + [1] * (ndims - 1))
        alpha = random_ops.random_uniform(alpha_shape)
        interpolates = real_data + alpha * differences
        # Leave the loss's name scope so that ops the discriminator files under UPDATE_OPS
        # land in the discriminator's scope, and reuse its variables.
        with name_scope(None), variable_scope(discriminator_scope, "gpenalty_dscope",
                                              reuse=AUTO_REUSE):
            disc_interpolates = discriminator_fn(interpolates, generator_inputs)
        if isinstance(disc_interpolates, tuple):
            disc_interpolates = disc_interpolates[0]
        grads = gradients(disc_interpolates, interpolates)[0]
        if grads is None:
            raise ValueError("wasserstein_gradient_penalty: the discriminator's output does not "
                             "depend on its input, so it has no gradient to penalise")
        squares = math_ops.reduce_sum(math_ops.square(grads), axis=list(range(1, ndims)))
        # epsilon goes under the square root (tf.norm has none) so the gradient stays finite
        # at a zero gradient.
        slopes = math_ops.sqrt(squares + epsilon)
        penalties = slopes / target - 1.0
        if one_sided:
            penalties = math_ops.maximum(0.0, penalties)
        penalty = tf_losses.compute_weighted_loss(math_ops.square(penalties), weights, scope,
                                                  loss_collection, reduction)
        _scalars(add_summaries, gradient_penalty_loss=penalty)
    return penalty


def minimax_discriminator_loss(discriminator_real_outputs, discriminator_gen_outputs,
                               label_smoothing=0.25, real_weights=1.0, generated_weights=1.0,
                               scope=None, loss_collection=_LOSSES, reduction=_MEAN,
                               add_summaries=False):
    """``-log sigmoid(D(x)) - log(1 - sigmoid(D(G(z))))``, the real labels smoothed towards
    1/2 by ``label_smoothing``."""
    with name_scope(scope, "discriminator_minimax_loss") as scope:
        real = convert_to_tensor(discriminator_real_outputs)
        generated = convert_to_tensor(discriminator_gen_outputs)
        on_real = tf_losses.sigmoid_cross_entropy(
            array_ops.ones_like(real), real, real_weights, label_smoothing, scope,
            loss_collection=None, reduction=reduction)
        on_generated = tf_losses.sigmoid_cross_entropy(
            array_ops.zeros_like(generated), generated, generated_weights, scope=scope,
            loss_collection=None, reduction=reduction)
        loss = on_real + on_generated
        tf_losses.add_loss(loss, loss_collection)
        _scalars(add_summaries, discriminator_gen_minimax_loss=on_generated,
                 discriminator_real_minimax_loss=on_real, discriminator_minimax_loss=loss)
    return loss


def minimax_generator_loss(discriminator_gen_outputs, label_smoothing=0.0, weights=1.0,
                           scope=None, loss_collection=_LOSSES, reduction=_MEAN,
                           add_summaries=False):
    """Minus the minimax discriminator loss, a logit of 1 standing for the real outputs."""
    with name_scope(scope, "generator_minimax_loss") as scope:
        generated = convert_to_tensor(discriminator_gen_outputs)
        loss = -minimax_discriminator_loss(array_ops.ones_like(generated), generated,
                                           label_smoothing, weights, weights, scope,
                                           loss_collection, reduction, add_summaries=False)
    _scalars(add_summaries, generator_minimax_loss=loss)
    return loss


def modified_discriminator_loss(discriminator_real_outputs, discriminator_gen_outputs,
                                label_smoothing=0.25, real_weights=1.0, generated_weights=1.0,
                                scope=None, loss_collection=_LOSSES, reduction=_MEAN,
                                add_summaries=False):
    """The minimax discriminator loss under another name scope."""
    return minimax_discriminator_loss(discriminator_real_outputs, discriminator_gen_outputs,
                                      label_smoothing, real_weights, generated_weights,
                                      scope or "discriminator_modified_loss", loss_collection,
                                      reduction, add_summaries)


def modified_generator_loss(discriminator_gen_outputs, label_smoothing=0.0, weights=1.0,
                            scope=None, loss_collection=_LOSSES, reduction=_MEAN,
                            add_summaries=False):
    """``-log sigmoid(D(G(z)))``: the non-saturating generator loss."""
    with name_scope(scope, "generator_modified_loss") as scope:
        generated = convert_to_tensor(discriminator_gen_outputs)
        loss = tf_losses.sigmoid_cross_entropy(array_ops.ones_like(generated), generated,
                                               weights, label_smoothing, scope,
                                               loss_collection, reduction)
        _scalars(add_summaries, generator_modified_loss=loss)
    return loss


def least_squares_generator_loss(discriminator_gen_outputs, real_label=1, weights=1.0,
                                 scope=None, loss_collection=_LOSSES, reduction=_MEAN,
                                 add_summaries=False):
    """``(D(G(z)) - real_label)**2 / 2``."""
    with name_scope(scope, "lsq_generator_loss") as scope:
        generated = _float(discriminator_gen_outputs)
        per_item = math_ops.squared_difference(generated, real_label) / 2.0
        loss = tf_losses.compute_weighted_loss(per_item, weights, scope, loss_collection,
                                               reduction)
    _scalars(add_summaries, generator_lsq_loss=loss)
    return loss


def least_squares_discriminator_loss(discriminator_real_outputs, discriminator_gen_outputs,
                                     real_label=1, fake_label=0, real_weights=1.0,
                                     generated_weights=1.0, scope=None,
                                     loss_collection=_LOSSES, reduction=_MEAN,
                                     add_summaries=False):
    """``(D(x) - real_label)**2 / 2 + (D(G(z)) - fake_label)**2 / 2``."""
    with name_scope(scope, "lsq_discriminator_loss") as scope:
        real = _float(discriminator_real_outputs)
        generated = _float(discriminator_gen_outputs)
        _check_pair(real, generated)
        real_losses = math_ops.squared_difference(real, real_label) / 2.0
        fake_losses = math_ops.squared_difference(generated, fake_label) / 2.0
        on_real = tf_losses.compute_weighted_loss(real_losses, real_weights, scope, None,
                                                  reduction)
        on_generated = tf_losses.compute_weighted_loss(fake_losses, generated_weights, scope,
                                                       None, reduction)
        loss = on_real + on_generated
        tf_losses.add_loss(loss, loss_collection)
    _scalars(add_summaries, discriminator_gen_lsq_loss=on_generated,
             discriminator_real_lsq_loss=on_real, discriminator_lsq_loss=loss)
    return loss


def _validate_information_penalty_inputs(structured_generator_inputs, predicted_distributions):
    if not isinstance(predicted_distributions, list | tuple):
        raise ValueError(f"`distributions` must be a list or tuple. Instead, found "
                         f"{type(predicted_distributions)}.")
    for dist in predicted_distributions:
        if not isinstance(dist, Distribution):
            raise ValueError(f"`distributions` must be a list of `Distributions`. Instead, "
                             f"found {type(dist)}.")
    if len(structured_generator_inputs) != len(predicted_distributions):
        raise ValueError(f"`structured_generator_inputs` length "
                         f"{len(structured_generator_inputs)} must be the same as "
                         f"`predicted_distributions` length {len(predicted_distributions)}.")


def mutual_information_penalty(structured_generator_inputs, predicted_distributions,
                               weights=1.0, scope=None, loss_collection=_LOSSES,
                               reduction=_MEAN, add_summaries=False):
    """Minus the (weighted) mean over the structured inputs of each input's mean
    log-likelihood under its predicted distribution."""
    _validate_information_penalty_inputs(structured_generator_inputs, predicted_distributions)
    with name_scope(scope, "mutual_information_loss") as scope:
        log_probs = [math_ops.reduce_mean(dist.log_prob(noise))
                     for dist, noise in zip(predicted_distributions,
                                            structured_generator_inputs, strict=True)]
        loss = -1 * tf_losses.compute_weighted_loss(array_ops.stack(log_probs), weights, scope,
                                                    loss_collection, reduction)
        _scalars(add_summaries, mutual_information_penalty=loss)
    return loss


def _stable_global_norm(tensors):
    """The global norm of ``tensors`` (Nones skipped) computed on the tensors divided by their
    largest magnitude, so that the squares cannot overflow."""
    present = [t for t in tensors if t is not None]
    if not present:
        return 0.0
    largest = math_ops.reduce_max(array_ops.stack(
        [math_ops.reduce_max(math_ops.abs(t)) for t in present]))
    return largest * clip_ops.global_norm([t / largest for t in present])


def _static_weight(weight_factor, gradient_ratio):
    for weight in (weight_factor, gradient_ratio):
        if weight is not None:
            if isinstance(weight, Tensor):
                return constant_value(weight)
            return np.asarray(weight)
    return None


def combine_adversarial_loss(main_loss, adversarial_loss, weight_factor=None,
                             gradient_ratio=None, gradient_ratio_epsilon=1e-6, variables=None,
                             scalar_summaries=True, gradient_summaries=True, scope=None):
    """``main_loss + c * adversarial_loss`` with ``c`` either ``weight_factor`` or chosen so
    that the main loss's gradient norm is ``gradient_ratio`` times the adversarial term's
    (``c`` is not differentiated)."""
    for loss in (main_loss, adversarial_loss):
        if not loss.shape.is_compatible_with([]):
            raise ValueError(f"combine_adversarial_loss needs scalar losses; got shape "
                             f"{loss.shape} for {loss.name}")
    if weight_factor is None and gradient_ratio is None:
        raise ValueError("`weight_factor` and `gradient_ratio` cannot both be `None.`")
    if weight_factor is not None and gradient_ratio is not None:
        raise ValueError("`weight_factor` and `gradient_ratio` cannot both be specified.")
    if variables is None:
        variables = contrib_framework.get_trainable_variables()
    with name_scope(scope, "adversarial_loss"):
        if gradient_summaries or gradient_ratio is not None:
            main_norm = _stable_global_norm(gradients(main_loss, variables))
            adversarial_norm = _stable_global_norm(gradients(adversarial_loss,
                                                                       variables))
        if scalar_summaries:
            summary.scalar("main_loss", main_loss)
            summary.scalar("adversarial_loss", adversarial_loss)
        if gradient_summaries:
            summary.scalar("main_loss_gradients", main_norm)
            summary.scalar("adversarial_loss_gradients", adversarial_norm)
        static = _static_weight(weight_factor, gradient_ratio)
        if static is not None and np.all(static == 0):
            return main_loss
        if weight_factor is not None:
            coefficient = weight_factor
        else:
            ratio = main_norm / (adversarial_norm + gradient_ratio_epsilon)
            coefficient = ratio / gradient_ratio
            summary.scalar("adversarial_coefficient", coefficient)
        coefficient = array_ops.stop_gradient(coefficient)
        return main_loss + math_ops.cast(coefficient, main_loss.dtype) * adversarial_loss


def cycle_consistency_loss(data_x, reconstructed_data_x, data_y, reconstructed_data_y,
                           scope=None, add_summaries=False):
    """The mean of the two mean absolute reconstruction errors ``|x - G(F(x))|`` and
    ``|y - F(G(y))|`` (CycleGAN)."""
    with name_scope(scope, "cycle_consistency_loss"):
        loss_x2x = tf_losses.absolute_difference(data_x, reconstructed_data_x)
        loss_y2y = tf_losses.absolute_difference(data_y, reconstructed_data_y)
        loss = (loss_x2x + loss_y2y) / 2.0
        _scalars(add_summaries, cycle_consistency_loss_x2x=loss_x2x,
                 cycle_consistency_loss_y2y=loss_y2y, cycle_consistency_loss=loss)
    return loss
