"""``tensorflow.python.util``: the module paths TF1 programs import from it."""
