"""``tf.contrib.gan.losses``: TFGAN's losses taking a model tuple (a GANModel, ACGANModel,
InfoGANModel, CycleGANModel or StarGANModel); ``losses.wargs`` has them on tensors.

A tuple loss fills each argument of the tensor loss whose name is a field of the model from
that field, and takes the others as keyword arguments (TFGAN's rule: an argument given both
ways is an error, a required argument the model does not hold must be given).
"""

import functools
import inspect

from . import losses_impl as wargs
from .namedtuples import CycleGANModel

__all__ = ["acgan_discriminator_loss", "acgan_generator_loss", "combine_adversarial_loss",
           "cycle_consistency_loss", "least_squares_discriminator_loss",
           "least_squares_generator_loss", "minimax_discriminator_loss",
           "minimax_generator_loss", "modified_discriminator_loss", "modified_generator_loss",
           "mutual_information_penalty", "stargan_discriminator_loss_wrapper",
           "stargan_generator_loss_wrapper", "stargan_gradient_penalty_wrapper",
           "wargs", "wasserstein_discriminator_loss", "wasserstein_generator_loss",
           "wasserstein_gradient_penalty"]


def _args_to_gan_model(loss_fn):
    """``loss_fn(tensors...)`` as ``loss(gan_model, **kwargs)``."""
    parameters = inspect.signature(loss_fn).parameters
    required = [n for n, p in parameters.items() if p.default is inspect.Parameter.empty]
    defaults = {n: p.default for n, p in parameters.items()
                if p.default is not inspect.Parameter.empty}

    @functools.wraps(loss_fn)
    def loss(gan_model, **kwargs):
        fields = {name: getattr(gan_model, name) for name in gan_model._fields}
        ambiguous = sorted(set(fields) & set(kwargs))
        if ambiguous:
            raise ValueError(f"The following args are present in both the tuple and keyword "
                             f"args for {loss_fn.__name__}: {set(ambiguous)}")
        for name in required:
            if name in fields:
                kwargs[name] = fields[name]
            elif name not in kwargs:
                raise ValueError(f"`{name}` must be supplied to {loss_fn.__name__} loss "
                                 f"function.")
        for name, default in defaults.items():
            from_model = fields.get(name)
            if from_model is not None:
                kwargs[name] = from_model
            elif kwargs.get(name) is None:
                kwargs[name] = default
        unknown = sorted(set(kwargs) - set(parameters))
        if unknown:
            raise TypeError(f"{loss_fn.__name__}() got unexpected keyword arguments {unknown}")
        return loss_fn(**kwargs)

    loss.__doc__ = f"The model-tuple form of ``losses.wargs.{loss_fn.__name__}``."
    return loss


wasserstein_generator_loss = _args_to_gan_model(wargs.wasserstein_generator_loss)
wasserstein_discriminator_loss = _args_to_gan_model(wargs.wasserstein_discriminator_loss)
wasserstein_gradient_penalty = _args_to_gan_model(wargs.wasserstein_gradient_penalty)
acgan_discriminator_loss = _args_to_gan_model(wargs.acgan_discriminator_loss)
acgan_generator_loss = _args_to_gan_model(wargs.acgan_generator_loss)
minimax_discriminator_loss = _args_to_gan_model(wargs.minimax_discriminator_loss)
minimax_generator_loss = _args_to_gan_model(wargs.minimax_generator_loss)
modified_discriminator_loss = _args_to_gan_model(wargs.modified_discriminator_loss)
modified_generator_loss = _args_to_gan_model(wargs.modified_generator_loss)
least_squares_generator_loss = _args_to_gan_model(wargs.least_squares_generator_loss)
least_squares_discriminator_loss = _args_to_gan_model(wargs.least_squares_discriminator_loss)
mutual_information_penalty = _args_to_gan_model(wargs.mutual_information_penalty)


def combine_adversarial_loss(gan_loss, gan_model, non_adversarial_loss, weight_factor=None,
                             gradient_ratio=None, gradient_ratio_epsilon=1e-6,
                             scalar_summaries=True, gradient_summaries=True):
    """``gan_loss`` with its generator loss replaced by ``non_adversarial_loss`` plus the
    weighted adversarial loss (gradients measured on the generator's variables)."""
    combined = wargs.combine_adversarial_loss(
        non_adversarial_loss, gan_loss.generator_loss, weight_factor, gradient_ratio,
        gradient_ratio_epsilon, gan_model.generator_variables, scalar_summaries,
        gradient_summaries)
    return gan_loss._replace(generator_loss=combined)


def cycle_consistency_loss(cyclegan_model, scope=None, add_summaries=False):
    """The cycle-consistency loss of a CycleGANModel (each generator's input against its
    reconstruction)."""
    if not isinstance(cyclegan_model, CycleGANModel):
        raise ValueError(f"`cyclegan_model` must be a `CycleGANModel`. Instead, was "
                         f"{type(cyclegan_model)}.")
    return wargs.cycle_consistency_loss(
        cyclegan_model.model_x2y.generator_inputs, cyclegan_model.reconstructed_x,
        cyclegan_model.model_y2x.generator_inputs, cyclegan_model.reconstructed_y, scope,
        add_summaries)


def stargan_generator_loss_wrapper(loss_fn):
    """A generator loss on tensors as a loss on a StarGANModel (its source prediction on
    generated data)."""

    @functools.wraps(loss_fn)
    def loss(stargan_model, **kwargs):
        return loss_fn(stargan_model.discriminator_generated_data_source_predication, **kwargs)

    return loss


def stargan_discriminator_loss_wrapper(loss_fn):
    """A discriminator loss on tensors as a loss on a StarGANModel (source predictions on
    input and generated data)."""

    @functools.wraps(loss_fn)
    def loss(stargan_model, **kwargs):
        return loss_fn(stargan_model.discriminator_input_data_source_predication,
                       stargan_model.discriminator_generated_data_source_predication, **kwargs)

    return loss


def stargan_gradient_penalty_wrapper(loss_fn):
    """A gradient penalty on tensors as one on a StarGANModel; the discriminator is given the
    number of domains as its conditioning."""

    @functools.wraps(loss_fn)
    def loss(stargan_model, **kwargs):
        num_domains = stargan_model.input_data_domain_label.shape.as_list()[-1]
        return loss_fn(real_data=stargan_model.input_data,
                       generated_data=stargan_model.generated_data,
                       generator_inputs=num_domains,
                       discriminator_fn=stargan_model.discriminator_fn,
                       discriminator_scope=stargan_model.discriminator_scope, **kwargs)

    return loss
