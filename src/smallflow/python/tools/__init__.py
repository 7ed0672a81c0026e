"""``smallflow.python.tools``: ``inspect_checkpoint`` (TF1 imports it from
``tensorflow.python.tools``)."""
