"""``tensorflow.python.layers``: ``utils`` (``smart_cond``, ``constant_value``) and the layer
modules ``core`` (``Dense``...), ``base``, ``convolutional``, ``pooling``, ``normalization``."""
