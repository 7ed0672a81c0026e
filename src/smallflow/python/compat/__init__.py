"""``tensorflow.python.compat``: the module paths TF1 programs import from it."""
