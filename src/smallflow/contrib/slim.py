"""``tf.contrib.slim``: the layers, arg_scope and variable helpers of contrib under slim's
names (``slim.fully_connected``, ``slim.conv2d``, ``slim.arg_scope``, ...)."""

from . import framework, layers, model_analyzer
from ._missing import missing_attribute
from .framework import (
    add_arg_scope,
    arg_scope,
    assign_from_checkpoint,
    assign_from_checkpoint_fn,
    get_model_variables,
    get_or_create_global_step,
    get_trainable_variables,
    get_variables,
    get_variables_by_name,
    get_variables_to_restore,
    model_variable,
    variable,
)
from .layers import (
    apply_regularization,
    avg_pool2d,
    batch_norm,
    conv2d,
    convolution2d,
    dropout,
    flatten,
    fully_connected,
    l1_regularizer,
    l2_regularizer,
    layer_norm,
    max_pool2d,
    one_hot_encoding,
    optimize_loss,
    variance_scaling_initializer,
    xavier_initializer,
)

__all__ = [
    "add_arg_scope",
    "apply_regularization",
    "arg_scope",
    "assign_from_checkpoint",
    "assign_from_checkpoint_fn",
    "avg_pool2d",
    "batch_norm",
    "conv2d",
    "convolution2d",
    "dropout",
    "flatten",
    "framework",
    "fully_connected",
    "get_model_variables",
    "get_or_create_global_step",
    "get_trainable_variables",
    "get_variables",
    "get_variables_by_name",
    "get_variables_to_restore",
    "l1_regularizer",
    "l2_regularizer",
    "layer_norm",
    "layers",
    "max_pool2d",
    "model_analyzer",
    "model_variable",
    "one_hot_encoding",
    "optimize_loss",
    "variable",
    "variance_scaling_initializer",
    "xavier_initializer",
]

__getattr__ = missing_attribute(__name__, "tf.contrib.slim")
