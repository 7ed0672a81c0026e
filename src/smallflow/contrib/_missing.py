"""The error every ``tf.contrib`` namespace raises for a name smallflow does not provide."""


def missing_attribute(module_name, public_prefix):
    """A module ``__getattr__`` that refuses unknown names with a message naming them.

    ``AttributeError`` keeps ``hasattr`` and ``getattr(..., default)`` working as in Python,
    while the message tells a TF1 user that the symbol is absent on purpose.
    """

    def __getattr__(name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(f"module '{module_name}' has no attribute '{name}'")
        raise AttributeError(
            f"{public_prefix}.{name} is not available: smallflow does not provide "
            f"'{public_prefix}.{name}' (tf.contrib is only partly implemented; "
            f"see the names listed in {module_name}.__all__)"
        )

    return __getattr__
