"""``tf.random.experimental``: the stateful ``Generator`` and its helpers (TensorFlow 1.15's
namespace)."""

from .random_generator import (
    Generator,
    create_rng_state,
    get_global_generator,
    set_global_generator,
)

__all__ = ["Generator", "create_rng_state", "get_global_generator", "set_global_generator"]
