"""``smallflow.python``: the module paths TF1 programs import from ``tensorflow.python``."""
