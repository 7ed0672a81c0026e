"""``tf.contrib.gan`` (TFGAN): GAN models, losses, train ops and loops, features and eval.

TFGAN lived in ``tf.contrib.gan`` until TensorFlow 1.14 (1.15 moved it to the separate
``tensorflow_gan`` package); this follows the last contrib version's API and formulas.
Training runs in four steps, each handing a tuple to the next: ``gan_model`` (and
``infogan_model``, ``acgan_model``, ``cyclegan_model``, ``stargan_model``) builds the
networks, ``gan_loss`` adds the losses, ``gan_train_ops`` makes one train op per network,
``gan_train`` runs them with hooks that choose the order.
"""

from .._missing import missing_attribute
from . import estimator, eval, features, losses  # noqa: A004 - TFGAN's module name
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
from .train import (
    RunTrainOpsHook,
    acgan_model,
    cyclegan_loss,
    cyclegan_model,
    gan_loss,
    gan_model,
    gan_train,
    gan_train_ops,
    get_joint_train_hooks,
    get_sequential_train_hooks,
    get_sequential_train_steps,
    infogan_model,
    stargan_loss,
    stargan_model,
)

__all__ = ["ACGANModel", "CycleGANLoss", "CycleGANModel", "GANLoss", "GANModel",
           "GANTrainOps", "GANTrainSteps", "InfoGANModel", "RunTrainOpsHook", "StarGANModel",
           "acgan_model", "cyclegan_loss", "cyclegan_model", "estimator", "eval", "features",
           "gan_loss", "gan_model", "gan_train", "gan_train_ops", "get_joint_train_hooks",
           "get_sequential_train_hooks", "get_sequential_train_steps", "infogan_model",
           "losses", "stargan_loss", "stargan_model"]

__getattr__ = missing_attribute(__name__, "tf.contrib.gan")
