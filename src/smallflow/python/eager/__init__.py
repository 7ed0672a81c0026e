"""``tensorflow.python.eager``: the module paths TF1 programs import from it."""
