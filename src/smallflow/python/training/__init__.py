"""``tensorflow.python.training``: the module paths TF1 programs import from it."""
