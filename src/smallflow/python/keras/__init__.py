"""``tensorflow.python.keras``: the module paths TF1 libraries import from it."""
