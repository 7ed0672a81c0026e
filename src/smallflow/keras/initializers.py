"""``tf.keras.initializers``: Keras's names for the initializers (``'glorot_uniform'``, ...).

The objects are smallflow's ``init_ops`` classes, which draw with the graph seed
(``tf.set_random_seed``) when no ``seed`` is given, so Keras models are reproducible as in TF.
"""

from .. import init_ops

__all__ = ["Constant", "GlorotNormal", "GlorotUniform", "Identity", "Initializer", "Ones",
           "Orthogonal", "RandomNormal", "RandomUniform", "TruncatedNormal", "VarianceScaling",
           "Zeros", "constant", "get", "glorot_normal", "glorot_uniform", "he_normal",
           "he_uniform", "identity", "lecun_normal", "lecun_uniform", "normal", "one", "ones",
           "orthogonal", "random_normal", "random_uniform", "truncated_normal", "uniform",
           "zero", "zeros"]

Initializer = init_ops.Initializer
Zeros = zeros = init_ops.Zeros
Ones = ones = init_ops.Ones
Constant = constant = init_ops.Constant
Identity = identity = init_ops.Identity
Orthogonal = orthogonal = init_ops.Orthogonal
VarianceScaling = init_ops.VarianceScaling


class RandomNormal(init_ops.RandomNormal):
    """Keras's defaults: mean 0, stddev 0.05."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None, dtype=None):
        super().__init__(mean, stddev, seed, *([] if dtype is None else [dtype]))


class RandomUniform(init_ops.RandomUniform):
    """Keras's defaults: uniform in [-0.05, 0.05]."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None, dtype=None):
        super().__init__(minval, maxval, seed, *([] if dtype is None else [dtype]))


class TruncatedNormal(init_ops.TruncatedNormal):
    """Keras's defaults: mean 0, stddev 0.05."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None, dtype=None):
        super().__init__(mean, stddev, seed, *([] if dtype is None else [dtype]))


random_normal = RandomNormal
random_uniform = RandomUniform
truncated_normal = TruncatedNormal


def GlorotUniform(seed=None):  # noqa: N802 - Keras's class name
    return init_ops.glorot_uniform_initializer(seed)


def GlorotNormal(seed=None):  # noqa: N802 - Keras's class name
    return init_ops.glorot_normal_initializer(seed)


glorot_uniform = GlorotUniform
glorot_normal = GlorotNormal
he_normal = init_ops.he_normal
he_uniform = init_ops.he_uniform
lecun_normal = init_ops.lecun_normal
lecun_uniform = init_ops.lecun_uniform

_BY_NAME = {
    "zeros": Zeros, "ones": Ones, "constant": Constant, "identity": Identity,
    "orthogonal": Orthogonal, "random_normal": RandomNormal, "random_uniform": RandomUniform,
    "truncated_normal": TruncatedNormal, "glorot_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal, "he_normal": he_normal, "he_uniform": he_uniform,
    "lecun_normal": lecun_normal, "lecun_uniform": lecun_uniform,
    "variance_scaling": VarianceScaling,
    # Keras's older spellings, still accepted by TensorFlow 1.x (add_weight(initializer=
    # 'uniform') in the Keras guide's custom layer)
    "uniform": RandomUniform, "normal": RandomNormal, "zero": Zeros, "one": Ones,
}
uniform = RandomUniform
normal = RandomNormal
zero = Zeros
one = Ones


def get(identifier):
    """An initializer object for a name (``'he_normal'``), a config dict, or an object."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        import inspect

        factory = _BY_NAME.get(_snake(identifier.get("class_name", "")))
        if factory is None:
            raise ValueError(f"Unknown initializer: {identifier.get('class_name')}")
        config = dict(identifier.get("config", {}))
        accepted = inspect.signature(factory).parameters
        if "dtype" in config and "dtype" not in accepted:
            config.pop("dtype")  # TF 1.x writes the dtype; the variable's dtype decides here
        return factory(**config)
    if isinstance(identifier, str):
        factory = _BY_NAME.get(_snake(identifier))
        if factory is None:
            raise ValueError(f"Unknown initializer: {identifier}")
        return factory()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret initializer identifier: {identifier!r}")


def _snake(name):
    import re

    words = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", words).lower()
