"""``tf.contrib.gan.estimator``: GANEstimator, TFGAN's model behind ``tf.estimator``.

The input_fn's features are the generator's inputs and its labels the real data. Training
builds the GANModel, the two losses and GANTrainOps; the Estimator's train op is the global
step's increment and the GAN hooks (sequential by default) run the two train ops before it.
Evaluation reports the mean of each loss (and ``get_eval_metric_ops_fn``'s metrics); the
loss is their sum. Prediction builds the generator alone (labels must be None) and predicts
its output. A network function with a ``mode`` argument is given the Estimator's mode.
"""

import enum
import functools
import inspect

from ... import metrics
from ...estimator.estimator import Estimator, EstimatorSpec, ModeKeys
from ...graph import name_scope
from ...variable_scope import variable_scope
from .. import framework as contrib_framework
from . import eval as tfgan_eval
from . import train as tfgan_train
from .namedtuples import GANLoss, GANModel

__all__ = ["GANEstimator", "SummaryType"]


class SummaryType(enum.Enum):
    """Summaries GANEstimator can add: variable histograms, image grids, comparisons."""

    VARIABLES = "variables"
    IMAGES = "images"
    IMAGE_COMPARISON = "image_comparison"


_SUMMARIES = {
    SummaryType.VARIABLES: tfgan_eval.add_gan_model_summaries,
    SummaryType.IMAGES: tfgan_eval.add_gan_model_image_summaries,
    SummaryType.IMAGE_COMPARISON: tfgan_eval.add_image_comparison_summaries,
}


def _with_mode(fn, mode):
    try:
        names = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return fn
    return functools.partial(fn, mode=mode) if "mode" in names else fn


def _prediction_model(generator_inputs, generator_fn, generator_scope):
    with variable_scope(generator_scope) as gen_scope:
        generator_inputs = tfgan_train._to_tensors(generator_inputs)
        generated = generator_fn(generator_inputs)
    return GANModel(generator_inputs, generated,
                    contrib_framework.get_trainable_variables(gen_scope), gen_scope,
                    generator_fn, real_data=None, discriminator_real_outputs=None,
                    discriminator_gen_outputs=None, discriminator_variables=None,
                    discriminator_scope=None, discriminator_fn=None)


class GANEstimator(Estimator):
    """An Estimator training a generator and a discriminator with TFGAN's losses."""

    def __init__(self, model_dir=None, generator_fn=None, discriminator_fn=None,
                 generator_loss_fn=None, discriminator_loss_fn=None, generator_optimizer=None,
                 discriminator_optimizer=None, get_hooks_fn=None, get_eval_metric_ops_fn=None,
                 add_summaries=None, use_loss_summaries=True, config=None,
                 warm_start_from=None, is_chief=True):
        if not callable(generator_loss_fn):
            raise ValueError("generator_loss_fn must be callable.")
        if not callable(discriminator_loss_fn):
            raise ValueError("discriminator_loss_fn must be callable.")
        if use_loss_summaries not in (True, False, None):
            raise ValueError("use_loss_summaries must be True, False or None.")
        if get_hooks_fn is not None and not callable(get_hooks_fn):
            raise TypeError("get_hooks_fn must be callable.")

        def model_fn(features, labels, mode):
            if mode not in (ModeKeys.TRAIN, ModeKeys.EVAL, ModeKeys.PREDICT):
                raise ValueError(f"Mode not recognized: {mode}")
            if mode == ModeKeys.PREDICT:
                if labels is not None:
                    raise ValueError(f"`labels` must be `None` when mode is `predict`. "
                                     f"Instead, found {labels}")
                model = _prediction_model(features, _with_mode(generator_fn, mode),
                                          "Generator")
                return EstimatorSpec(mode=mode, predictions=model.generated_data)
            model = tfgan_train.gan_model(_with_mode(generator_fn, mode),
                                          _with_mode(discriminator_fn, mode), labels, features,
                                          generator_scope="Generator", check_shapes=False)
            if add_summaries:
                kinds = add_summaries if isinstance(add_summaries, list | tuple) \
                    else [add_summaries]
                with name_scope(None):
                    for kind in kinds:
                        _SUMMARIES[SummaryType(kind)](model)
            loss = GANLoss(generator_loss_fn(model, add_summaries=use_loss_summaries),
                           discriminator_loss_fn(model, add_summaries=use_loss_summaries))
            total = loss.generator_loss + loss.discriminator_loss
            if mode == ModeKeys.EVAL:
                with name_scope(None, "metrics"):
                    metric_ops = {"generator_loss": metrics.mean(loss.generator_loss),
                                  "discriminator_loss": metrics.mean(loss.discriminator_loss)}
                    if get_eval_metric_ops_fn is not None:
                        custom = get_eval_metric_ops_fn(model)
                        if not isinstance(custom, dict):
                            raise TypeError(f"get_eval_metric_ops_fn must return a dict, "
                                            f"received: {custom}")
                        metric_ops.update(custom)
                return EstimatorSpec(mode=mode, predictions=model.generated_data, loss=total,
                                     eval_metric_ops=metric_ops)
            gen_opt = generator_optimizer() if callable(generator_optimizer) \
                else generator_optimizer
            dis_opt = discriminator_optimizer() if callable(discriminator_optimizer) \
                else discriminator_optimizer
            train_ops = tfgan_train.gan_train_ops(model, loss, gen_opt, dis_opt,
                                                  is_chief=is_chief)
            hooks_fn = get_hooks_fn or tfgan_train.get_sequential_train_hooks()
            return EstimatorSpec(mode=mode, loss=total, train_op=train_ops.global_step_inc_op,
                                 training_hooks=hooks_fn(train_ops))

        super().__init__(model_fn=model_fn, model_dir=model_dir, config=config,
                         warm_start_from=warm_start_from)
