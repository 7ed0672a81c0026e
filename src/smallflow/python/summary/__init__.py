"""``tensorflow.python.summary``: the module paths TF1 programs import from it."""
