"""``tensorflow.python.lib``: the module paths TF1 programs import from it."""
