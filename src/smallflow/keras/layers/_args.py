"""Keras's string arguments (``activation='relu'``, ``kernel_initializer='he_normal'``) turned
into the functions and objects the ``tf.layers`` computations take."""

from .. import activations, initializers, regularizers

_INITIALIZERS = ("kernel_initializer", "bias_initializer", "beta_initializer",
                 "gamma_initializer", "moving_mean_initializer", "moving_variance_initializer",
                 "embeddings_initializer", "recurrent_initializer", "depthwise_initializer",
                 "pointwise_initializer")
_REGULARIZERS = ("kernel_regularizer", "bias_regularizer", "beta_regularizer",
                 "gamma_regularizer", "embeddings_regularizer", "recurrent_regularizer",
                 "depthwise_regularizer", "pointwise_regularizer")
_CONSTRAINTS = ("kernel_constraint", "bias_constraint", "beta_constraint", "gamma_constraint",
                "embeddings_constraint", "recurrent_constraint")


def activation_or_none(identifier):
    """The activation function, or None for linear (so no identity op is added)."""
    function = activations.get(identifier)
    return None if function is activations.linear else function


def resolve(kwargs):
    """Resolve Keras's names in ``kwargs`` in place; return the constraints taken out."""
    for key in _INITIALIZERS:
        if kwargs.get(key) is not None:
            kwargs[key] = initializers.get(kwargs[key])
    for key in _REGULARIZERS:
        if kwargs.get(key) is not None:
            kwargs[key] = regularizers.get(kwargs[key])
    if "activation" in kwargs:
        kwargs["activation"] = activation_or_none(kwargs["activation"])
    constraints = {}
    for key in _CONSTRAINTS:
        if key in kwargs:
            constraints[key] = kwargs.pop(key)
    return constraints


def attach_constraints(layer, constraints):
    """Mark the layer's variables with their constraints (``fit`` applies them after a step)."""
    from .. import constraints as constraint_module

    for key, constraint in constraints.items():
        constraint = constraint_module.get(constraint)
        variable = getattr(layer, key.rpartition("_constraint")[0], None)
        if constraint is not None and variable is not None:
            variable._keras_constraint = constraint
