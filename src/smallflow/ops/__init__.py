"""The op families. Importing this package registers every op and gradient."""

from . import (  # noqa: F401 - imported for their registrations
    array_extra_grad,
    array_extra_ops,
    array_grad,
    array_ops,
    clip_ops,
    control_flow_ops,
    math_grad,
    math_ops,
    nn_extra_ops,
    nn_grad,
    nn_ops,
    random_ops,
    scatter_ops,
    special_math_grad,
    special_math_ops,
    state_ops,
    training_ops,
)
